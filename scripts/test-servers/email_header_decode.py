#!/usr/bin/python3
"""Decodes email header lines the way real parsers do, for the header-encoding tests.

Usage: /usr/bin/python3 email_header_decode.py < cases.json > results.json

Input: a JSON list of {"header": "Name: folded value"} (CRLF SP continuations, as Accolade
writes them). Output: a JSON list, one object per case:
  "rfc2047"  the value decoded by email.header.decode_header (RFC 2047: whitespace between
             adjacent encoded-words dropped); for address headers, the display name;
  "default"  the value as email.policy.default shows it (the modern parser, which keeps that
             whitespace); for address headers, the display name;
  "address"  the addr-spec, for address headers.
"""
import email
import email.policy
import email.utils
import json
import sys
from email.header import decode_header

ADDRESS_HEADERS = {"from", "to", "cc", "reply-to", "sender"}


def rfc2047(value):
    parts = []
    for chunk, charset in decode_header(value):
        parts.append(chunk.decode(charset or "ascii") if isinstance(chunk, bytes) else chunk)
    return "".join(parts)


def main():
    results = []
    for case in json.load(sys.stdin):
        header = case["header"]
        name = header.split(":", 1)[0]
        raw = (header + "\r\n\r\nbody\r\n").encode("ascii")
        old = email.message_from_bytes(raw)
        new = email.message_from_bytes(raw, policy=email.policy.default)
        if name.lower() in ADDRESS_HEADERS:
            display, address = email.utils.parseaddr(old[name])
            modern = new[name].addresses[0]
            results.append({"rfc2047": rfc2047(display), "default": modern.display_name,
                            "address": address, "default_address": modern.addr_spec})
        else:
            results.append({"rfc2047": rfc2047(old[name]), "default": str(new[name])})
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
