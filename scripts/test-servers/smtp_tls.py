#!/usr/bin/python3
"""Loopback SMTP server with TLS for tests: STARTTLS or implicit TLS (smtps), optional AUTH, and a
certificate that can be replaced while it runs. Keeps messages like smtp_capture.py.

Usage: /usr/bin/python3 smtp_tls.py --dir OUT [--cert CERT --key KEY] [--implicit-tls]
                                    [--require-starttls] [--auth USER:PASSWORD] [--host 127.0.0.1] [--port 0]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
  --cert/--key       PEM certificate and key (e.g. from make_test_certs.sh). With them the server
                     offers STARTTLS; without them it is plain SMTP and offers no STARTTLS.
  --implicit-tls     TLS from the first byte (smtps://) instead of STARTTLS.
  --require-starttls refuse MAIL before STARTTLS (530 Must issue a STARTTLS command first).
  --auth USER:PASS   require SMTP AUTH (PLAIN/LOGIN) with these credentials; a wrong password gets
                     535 5.7.8. Over STARTTLS, AUTH is offered only after the upgrade.
SIGHUP re-reads --cert and --key: replace the files, then `kill -HUP <pid>`; new connections get the
new certificate, nothing else changes (the port stays bound). The server prints "reloaded" on
stdout after a reload ("reload failed: …" on stderr when the files are bad; the old certificate stays).
Messages are written as OUT/N.eml and OUT/N.json exactly like smtp_capture.py.
Needs Debian's python3-aiosmtpd (import only works under /usr/bin/python3).
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from smtp_capture import CaptureHandler


def tls_context(cert, key):
    # The server does not ask clients for certificates (CERT_NONE), as aiosmtpd expects.
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd then answers 535 5.7.8 itself (handled=True would mean "already answered").
        return AuthResult(success=ok, handled=False)
    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()
    if bool(args.cert) != bool(args.key) or (args.implicit_tls and not args.cert):
        parser.error("--cert and --key go together, and --implicit-tls needs them")
    os.makedirs(args.dir, exist_ok=True)
    handler = CaptureHandler(args.dir)
    context = tls_context(args.cert, args.key) if args.cert else None
    options = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options = dict(authenticator=authenticator(user, password), auth_required=True,
                       # Implicit TLS is encrypted from the start; aiosmtpd only knows about STARTTLS.
                       auth_require_tls=not args.implicit_tls)

    def session():
        if args.implicit_tls:
            return SMTP(handler, hostname="tls.test", decode_data=False, **options)
        return SMTP(handler, hostname="tls.test", decode_data=False, tls_context=context,
                    require_starttls=args.require_starttls, **options)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(session, host=args.host, port=args.port,
                                      ssl=context if args.implicit_tls else None)
    print(server.sockets[0].getsockname()[1], flush=True)

    def reload():
        # In place: OpenSSL copies the context's certificate into each new connection, so both
        # STARTTLS sessions and implicit-TLS connections made after this see the new one.
        try:
            context.load_cert_chain(args.cert, args.key)
            print("reloaded", flush=True)
        except (OSError, ssl.SSLError) as error:
            print("reload failed: %s" % error, file=sys.stderr, flush=True)

    if context is not None:
        loop.add_signal_handler(signal.SIGHUP, reload)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
