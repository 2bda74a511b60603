#!/usr/bin/python3
"""Loopback stand-in for the two SNS URLs Accolade fetches: a signing certificate and a
subscription's SubscribeURL (Amazon SNS itself has no local server).

Usage: /usr/bin/python3 sns_standin.py --pem FILE --log FILE [--tls-cert C --tls-key K] [--port 0]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
  GET /<anything>.pem           answers the certificate in --pem (as SNS serves
                                SimpleNotificationService-<id>.pem)
  GET /?Action=ConfirmSubscription&TopicArn=…&Token=…
                                answers SNS's ConfirmSubscriptionResponse XML
  anything else                 404
Every request's method and path is appended to --log as one line, flushed before the answer goes
out, so a client that got the answer finds its line (and a test can prove nothing was fetched).
"""
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from standin_support import parser, serve

ARGS = None
LOCK = threading.Lock()


class SNS(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with LOCK, open(ARGS.log, "a") as log:
            log.write("%s %s\n" % (self.command, self.path))
            log.flush()
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path.endswith(".pem"):
            with open(ARGS.pem, "rb") as f:
                self.answer(200, "application/x-pem-file", f.read())
        elif query.get("Action") == ["ConfirmSubscription"] and query.get("Token") and query.get("TopicArn"):
            arn = query["TopicArn"][0]
            xml = (
                '<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
                "<ConfirmSubscriptionResult><SubscriptionArn>%s:5a1b2c3d</SubscriptionArn></ConfirmSubscriptionResult>"
                "<ResponseMetadata><RequestId>0f1e2d3c</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>" % arn
            )
            self.answer(200, "text/xml", xml.encode())
        else:
            self.answer(404, "text/plain", b"not found")

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    global ARGS
    p = parser("SNS certificate and subscription stand-in")
    p.add_argument("--pem", required=True)
    p.add_argument("--log", required=True)
    ARGS = p.parse_args()
    serve(SNS, ARGS.host, ARGS.port, ARGS.tls_cert, ARGS.tls_key)


if __name__ == "__main__":
    main()
