#!/usr/bin/python3
"""A local stand-in for Twilio's Messages API (api v2010), strict about the request shape.

Usage: /usr/bin/python3 twilio_standin.py --account-sid AC… --auth-token TOKEN [--out FILE]
                                          [--fail-status 500 --fail-count N [--retry-after S]]
                                          [--require-status-callback]
                                          [--tls-cert CERT --tls-key KEY]   (HTTPS; see make_test_certs.sh)

Prints the bound port on the first stdout line, then serves until SIGTERM/SIGINT.

POST /2010-04-01/Accounts/{AccountSid}/Messages.json is checked like Twilio does:
  * the account in the path must be --account-sid (else 404, code 20404);
  * HTTP basic auth must be AccountSid:AuthToken (else 401, code 20003);
  * Content-Type must be application/x-www-form-urlencoded; every field must be one the official
    API defines; To is required (21604) and must be E.164; From or MessagingServiceSid is required
    (21603) and a MessagingServiceSid must be MG + 32 hex; Body is required (21602) and at most
    1600 characters (21617); StatusCallback, when given, must be an http(s) URL.
Twilio's magic test numbers answer as Twilio's test credentials do:
  To +15005550001 → 400 21211 (invalid number)    To +15005550002 → 400 21612 (cannot route)
  To +15005550003 → 400 21408 (no permission)     To +15005550004 → 400 21610 (opted out)
  To +15005550009 → 400 21614 (not a mobile number)
Anything valid gets 201 Created with a realistic message JSON (sid SM…, status queued), whose
num_segments counts as Twilio documents: GSM-7 (extension characters cost two septets) 160 in one
segment or 153 per segment, else UCS-2 70 or 67 UTF-16 units, never splitting an escape pair or a
surrogate pair (Accolade's SMSAnalysis counts the same; see SMSTwilioTests).

Scripted failures apply to the next N valid requests: --fail-status 500|503|429 --fail-count N,
or at run time GET /_control?fail_status=429&fail_count=2&retry_after=3 (count 0 clears).
GET /_stats answers {"requests": n, "created": n} (plus the chaos counters). Every Messages request
is appended to --out as a JSON line {"path", "auth_ok", "content_type", "form": {name: [values]},
"status", "code"} (status "stall" for a request left unanswered).

Fault injection for scripts/chaos.sh (see standin_chaos.py): random 429/500/stalls
(--chaos-429/--chaos-500/--chaos-stall RATE) and status callbacks to the request's StatusCallback,
signed with X-Twilio-Signature like Twilio's: before the answer (--callback-early delivered) and
replayed/out of order after it (--callback-late delivered,sent,delivered,failed).
"""
import base64
import hashlib
import hmac
import io
import json
import re
import secrets
from email.utils import formatdate
from urllib.parse import parse_qs, urlencode, urlsplit

import standin_chaos
from standin_support import JSONHandler, ScriptedFailures, parser, serve

# Field names of the official CreateMessageRequest (twilio_api_v2010.json), names only.
ALLOWED_FIELDS = {
    "To", "StatusCallback", "ApplicationSid", "MaxPrice", "ProvideFeedback", "Attempt", "ValidityPeriod",
    "ForceDelivery", "ContentRetention", "AddressRetention", "SmartEncoded", "PersistentAction", "TrafficType",
    "ShortenUrls", "ScheduleType", "SendAt", "SendAsMms", "ContentVariables", "RiskCheck", "From", "FallbackFrom",
    "MessagingServiceSid", "Body", "MediaUrl", "ContentSid",
}
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MG_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAGIC = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}



GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("\f^{}\\[~]|€")


def segments(body):
    """Twilio's segment count: greedy parts over indivisible costs (an ESC pair, a surrogate pair)."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in body):
        costs, single, part = [2 if c in GSM_EXTENSION else 1 for c in body], 160, 153
    else:
        costs, single, part = [2 if ord(c) > 0xFFFF else 1 for c in body], 70, 67
    total = sum(costs)
    if total <= single:
        return 1 if total else 0
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count

class State(ScriptedFailures):
    def __init__(self, args):
        super().__init__(args.fail_status, args.fail_count, args.retry_after)
        self.sid = args.account_sid
        self.token = args.auth_token
        self.out = args.out
        self.require_callback = args.require_status_callback
        self.created = 0
        self.chaos = standin_chaos.Chaos(args)


def twilio_signature(url, params, token):
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each name+value, names sorted."""
    text = url + "".join(name + value for name, value in sorted(params.items()))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


class Handler(JSONHandler):
    state = None


    def error(self, status, code, message, headers=None):
        self.reply(status, {"code": code, "message": message,
                            "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status}, headers)
        return status, code

    def do_GET(self):
        parts = urlsplit(self.path)
        st = self.state
        if parts.path == "/_control":
            st.control(parse_qs(parts.query), "fail_status")
            st.chaos.control(parse_qs(parts.query))
            self.reply(200, {"ok": True})
        elif parts.path == "/_stats":
            with st.lock:
                stats = {"requests": st.requests, "created": st.created}
            self.reply(200, dict(stats, **st.chaos.stats()))
        else:
            self.error(405, 20004, "Method not allowed")

    def do_POST(self):
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        parts = urlsplit(self.path)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = parse_qs(raw, keep_blank_values=True) if ctype == "application/x-www-form-urlencoded" else {}
        auth_ok = self.check_auth()
        # The answer is held until the request is recorded, so a client that saw the answer
        # always finds the request's line in --out.
        wire, self.wfile = self.wfile, io.BytesIO()
        try:
            status, code = self.handle_message(parts.path, auth_ok, ctype, form)
        finally:
            held, self.wfile = self.wfile.getvalue(), wire
        if st.out:
            with st.lock:
                with open(st.out, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": parts.path, "auth_ok": auth_ok, "content_type": ctype, "form": form,
                                        "status": status, "code": code}, ensure_ascii=False) + "\n")
        self.wfile.write(held)
        self.wfile.flush()

    def check_auth(self):
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except Exception:
            return False
        return secrets.compare_digest(user, self.state.sid) and secrets.compare_digest(password, self.state.token)

    def handle_message(self, path, auth_ok, ctype, form):
        st = self.state
        m = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", path)
        if not m:
            return self.error(404, 20404, "The requested resource %s was not found" % path)
        if not auth_ok:
            return self.error(401, 20003, "Authenticate")
        if m.group(1) != st.sid:
            return self.error(404, 20404, "The requested resource %s was not found" % path)
        if ctype != "application/x-www-form-urlencoded":
            return self.error(400, 20001, "Content-Type must be application/x-www-form-urlencoded")
        unknown = sorted(set(form) - ALLOWED_FIELDS)
        if unknown:
            return self.error(400, 20001, "Unknown parameter %s" % unknown[0])
        for name, values in form.items():
            if name != "MediaUrl" and len(values) > 1:
                return self.error(400, 20001, "Parameter %s given more than once" % name)
        to = form.get("To", [""])[0]
        if not to:
            return self.error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to.removeprefix("whatsapp:")):
            return self.error(400, 21211, "The 'To' number %s is not a valid phone number." % to)
        sender = form.get("From", [""])[0]
        service = form.get("MessagingServiceSid", [""])[0]
        if not sender and not service:
            return self.error(400, 21603, "The 'From' number or MessagingServiceSid is required.")
        if service and not MG_SID.match(service):
            return self.error(400, 21703, "The MessagingServiceSid is invalid.")
        body = form.get("Body", [""])[0]
        if not body and "MediaUrl" not in form and "ContentSid" not in form:
            return self.error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return self.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        callback = form.get("StatusCallback", [""])[0]
        if callback and not re.match(r"^https?://[^\s/]+", callback):
            return self.error(400, 21609, "The StatusCallback URL is not a valid URL.")
        if st.require_callback and not callback:
            return self.error(400, 21609, "StatusCallback is required by this stand-in (--require-status-callback).")
        if to in MAGIC:
            code, message = MAGIC[to]
            return self.error(400, code, message)
        fail, retry_after = st.take_failure()
        if fail == 429:
            return self.error(429, 20429, "Too Many Requests", {"Retry-After": str(retry_after or 1)})
        if fail == 503:
            return self.error(503, 20503, "Service unavailable", {"Retry-After": str(retry_after)} if retry_after else None)
        if fail:
            return self.error(fail, 20500, "Internal Server Error")
        chaos = st.chaos.draw()
        if chaos == "429":
            return self.error(429, 20429, "Too Many Requests", {"Retry-After": str(st.chaos.retry_after)})
        if chaos == "500":
            return self.error(500, 20500, "Internal Server Error")
        if chaos == "stall":
            st.chaos.stall(self)
            return "stall", None
        with st.lock:
            st.created += 1
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=False)
        if callback and st.chaos.early:
            self.status_callback(callback, sid, sender, to, st.chaos.early, "early")
        self.reply(201, {
            "account_sid": st.sid, "api_version": "2010-04-01", "body": body, "date_created": now, "date_sent": None,
            "date_updated": now, "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": sender or None, "messaging_service_sid": service or None, "num_media": "0",
            "num_segments": "0" if service else str(segments(body)), "price": None, "price_unit": "USD", "sid": sid,
            "status": "accepted" if service else "queued", "subresource_uris": {
                "media": "/2010-04-01/Accounts/%s/Messages/%s/Media.json" % (st.sid, sid)},
            "to": to, "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (st.sid, sid),
        })
        if callback:
            st.chaos.schedule_late(lambda status, _: self.status_callback(callback, sid, sender, to, status, "late"))
        return 201, None

    def status_callback(self, url, sid, sender, to, status, phase):
        """Posts one signed status callback, as Twilio does to a message's StatusCallback."""
        st = self.state
        params = {"AccountSid": st.sid, "ApiVersion": "2010-04-01", "From": sender or "", "To": to,
                  "MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status}
        if status in ("failed", "undelivered"):
            params["ErrorCode"] = "30003"
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(url, params, st.token)}
        st.chaos.post(url, urlencode(params).encode(), headers, {"id": sid, "to": to, "status": status, "phase": phase})



def main():
    parser_ = parser()
    parser_.add_argument("--account-sid", required=True)
    parser_.add_argument("--auth-token", required=True)
    parser_.add_argument("--out")
    parser_.add_argument("--fail-status", type=int, default=0)
    parser_.add_argument("--fail-count", type=int, default=0)
    parser_.add_argument("--retry-after", default=None)
    parser_.add_argument("--require-status-callback", action="store_true")
    standin_chaos.add_arguments(parser_)
    args = parser_.parse_args()
    Handler.state = State(args)
    serve(Handler, args.host, args.port, args.tls_cert, args.tls_key)


if __name__ == "__main__":
    main()
