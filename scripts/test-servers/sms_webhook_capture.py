#!/usr/bin/python3
"""Loopback HTTP server that records every request, for SMS webhook tests (Kannel DLR / MO calls).

Usage: /usr/bin/python3 sms_webhook_capture.py --out FILE [--port 0]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT. Each request
is appended to FILE as one JSON line {"method", "path", "query": {name: [values]}, "body"} and
flushed before the reply (200 "ok"), so a test that sees the reply or polls the file sees the line.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler

from standin_support import parser, serve
from urllib.parse import parse_qs, urlsplit

lock = threading.Lock()


class Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    out = None

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        parts = urlsplit(self.path)
        record = {
            "method": self.command,
            "path": parts.path,
            "query": parse_qs(parts.query, keep_blank_values=True),
            "body": body,
        }
        with lock:
            with open(self.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.flush()
        payload = b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = handle_any

    def log_message(self, *args):
        pass


def main():
    parser_ = parser()
    parser_.add_argument("--out", required=True)
    args = parser_.parse_args()
    Capture.out = args.out
    serve(Capture, args.host, args.port, args.tls_cert, args.tls_key)


if __name__ == "__main__":
    main()
