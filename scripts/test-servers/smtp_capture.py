#!/usr/bin/python3
"""Loopback SMTP server for tests: stores every message it accepts.

Usage: /usr/bin/python3 smtp_capture.py --dir OUT [--port 0] [--host 127.0.0.1]

Prints the bound port on the first line of stdout, then serves until SIGTERM/SIGINT.
For message N (1, 2, ...) it writes OUT/N.eml (raw bytes as received) and then OUT/N.json, a
summary parsed with Python's `email` package:
  {"mail_from", "rcpt_tos", "headers": {name: decoded value}, "raw_headers": {name: raw value},
   "content_type", "parts": [{"content_type", "charset", "cte", "content"}]}
The JSON file is renamed into place before the 250 reply, so a client that saw 250 can read it.
Needs Debian's python3-aiosmtpd (import only works under /usr/bin/python3).
"""
import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class CaptureHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        raw = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        summary = summarize(envelope.mail_from, envelope.rcpt_tos, raw)
        tmp = base + ".json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(tmp, base + ".json")
        return "250 2.0.0 Ok: queued as CAP%d" % self.count


def summarize(mail_from, rcpt_tos, raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = {name: str(value) for name, value in message.items()}
    raw_headers = {name: value for name, value in parsed.items()}
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if isinstance(content, bytes):
            # Images and other binary parts (e.g. an inline QR PNG): base64 so the summary stays JSON.
            content = base64.b64encode(content).decode("ascii")
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "cte": part.get("Content-Transfer-Encoding"),
            "content": content,
            "content_id": part.get("Content-ID"),
        })
    return {
        "mail_from": mail_from,
        "rcpt_tos": list(rcpt_tos),
        "headers": headers,
        "raw_headers": raw_headers,
        "content_type": message.get_content_type(),
        "defects": [type(d).__name__ for d in message.defects],
        "parts": parts,
    }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    handler = CaptureHandler(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="capture.test", decode_data=False), host=args.host, port=args.port
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
