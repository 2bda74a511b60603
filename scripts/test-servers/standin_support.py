"""What every loopback test server here shares: argument parsing of --host/--port (and
--tls-cert/--tls-key for HTTPS), printing the bound port on the first stdout line (tests and
scripts read it), a JSON reply helper, scripted failures, and a clean stop on SIGTERM/SIGINT."""
import argparse
import json
import signal
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parser(description=None):
    """An argument parser with --host (default 127.0.0.1), --port (default 0: a free one) and
    --tls-cert/--tls-key (PEM files, e.g. from make_test_certs.sh: serve HTTPS instead of HTTP)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    return p


class TLSServer(ThreadingHTTPServer):
    """HTTPS: the TLS handshake runs in the request's thread, so a client that never finishes
    it (or refuses the certificate) cannot hold up the accept loop."""
    context = None

    def get_request(self):
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # e.g. the client rejected our certificate: nothing to serve
        super().finish_request(request, client_address)


def serve(handler, host, port, tls_cert=None, tls_key=None):
    """Serves `handler` until SIGTERM/SIGINT (over TLS when given a certificate and key); prints
    the bound port first."""
    if tls_cert:
        server = TLSServer((host, port), handler)
        server.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server.context.load_cert_chain(tls_cert, tls_key)
    else:
        server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


class ScriptedFailures:
    """Answer the next `count` requests with `status` (and Retry-After), then succeed; counts requests."""

    def __init__(self, status, count, retry_after):
        self.lock = threading.Lock()
        self.fail_status = status
        self.fail_count = count
        self.retry_after = retry_after
        self.requests = 0

    def control(self, query, status_name="fail_status"):
        """Applies GET /_control?{status_name}=…&fail_count=…&retry_after=… (parsed query)."""
        with self.lock:
            if status_name in query:
                self.fail_status = int(query[status_name][0])
            if "fail_count" in query:
                self.fail_count = int(query["fail_count"][0])
            if "retry_after" in query:
                self.retry_after = query["retry_after"][0]

    def take_failure(self):
        with self.lock:
            self.requests += 1
            if self.fail_count > 0 and self.fail_status:
                self.fail_count -= 1
                return self.fail_status, self.retry_after
            return None, None


class JSONHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler with a JSON reply helper and no access log on stderr."""
    protocol_version = "HTTP/1.1"
    content_type = "application/json; charset=utf-8"

    def reply(self, status, payload, headers=None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
