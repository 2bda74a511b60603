#!/usr/bin/python3
"""Loopback HTTP/1.1 echo server for tests.

Usage: /usr/bin/python3 http_echo.py [--port 0]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
Every request is answered with JSON {"method", "path", "headers": {lower-name: value}, "body"}.
The path picks the status: /status/NNN answers NNN; /statuses/A,B,C answers A to the first
request on that path (query ignored), B to the second, C to the third and later ones (a gateway
that fails part-way through a multi-part send). Responses carry `X-Echo: yes`.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler

from standin_support import parser, serve


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = {}
    lock = threading.Lock()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        elif self.path.startswith("/statuses/"):
            path = self.path.split("?")[0]
            with Echo.lock:
                count = Echo.seen.get(path, 0)
                Echo.seen[path] = count + 1
            statuses = [int(x) for x in path.split("/")[2].split(",")]
            status = statuses[min(count, len(statuses) - 1)]
        payload = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
        }).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Echo", "yes")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def log_message(self, *args):
        pass


def main():
    parser_ = parser()
    args = parser_.parse_args()
    serve(Echo, args.host, args.port, args.tls_cert, args.tls_key)
    sys.exit(0)


if __name__ == "__main__":
    main()
