#!/usr/bin/python3
"""Loopback HTTP/1.1 echo server for tests.

Usage: /usr/bin/python3 http_echo.py [--port 0]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
Every request is answered with JSON {"method", "path", "headers": {lower-name: value}, "body"}.
The path picks the status: /status/NNN answers NNN. Responses carry `X-Echo: yes`.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler

from standin_support import parser, serve


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
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
