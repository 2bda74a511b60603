#!/usr/bin/python3
"""Posts one WhatsApp status notification to Accolade's webhook, signed as Meta signs it.

Usage: /usr/bin/python3 whatsapp_status.py --url http://127.0.0.1:PORT/v1/webhooks/whatsapp
                                           --app-secret SECRET --wamid wamid.… --status read
                                           [--to 6281234567890] [--phone-number-id ID]

Prints the HTTP status of the answer. For tests that decide when a message is delivered or read
(the stand-in's --callback-early/--callback-late serve fault runs instead). Loopback only.
"""
import argparse
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument("--url", required=True)
args.add_argument("--app-secret", required=True)
args.add_argument("--wamid", required=True)
args.add_argument("--status", required=True, choices=["sent", "delivered", "read", "failed"])
args.add_argument("--to", default="6281234567890")
args.add_argument("--phone-number-id", default="106540352242922")
opts = args.parse_args()
if urlsplit(opts.url).hostname not in ("127.0.0.1", "::1", "localhost"):
    raise SystemExit("whatsapp_status.py: loopback URLs only")

item = {"id": opts.wamid, "status": opts.status, "timestamp": str(int(time.time())), "recipient_id": opts.to}
if opts.status == "failed":
    item["errors"] = [{"code": 131000, "title": "Something went wrong", "message": "Something went wrong"}]
payload = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
    "field": "messages", "value": {"messaging_product": "whatsapp",
                                   "metadata": {"display_phone_number": "15550783881", "phone_number_id": opts.phone_number_id},
                                   "statuses": [item]}}]}]}
raw = json.dumps(payload).encode()
signature = "sha256=" + hmac.new(opts.app_secret.encode(), raw, hashlib.sha256).hexdigest()
request = urllib.request.Request(opts.url, data=raw, method="POST",
                                 headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
try:
    with urllib.request.urlopen(request, timeout=10) as answer:
        print(answer.status)
except urllib.error.HTTPError as error:
    print(error.code)
