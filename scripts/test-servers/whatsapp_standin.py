#!/usr/bin/python3
"""A local stand-in for Meta's WhatsApp Business Cloud API (Graph v23.0), strict about requests.

Usage: /usr/bin/python3 whatsapp_standin.py --phone-number-id 106540352242922 --token TOKEN
                                            [--version v23.0] [--out FILE]
                                            [--fail-code 130429 --fail-count N [--retry-after S]]
                                            [--tls-cert CERT --tls-key KEY]   (HTTPS; see make_test_certs.sh)

Prints the bound port on the first stdout line, then serves until SIGTERM/SIGINT.

POST /{version}/{phone_number_id}/messages is checked against the shapes of Meta's OpenAPI
document (schemas Message, BaseMessageProperties, TextMessage, TemplateMessage, TemplateObject,
LanguageObject, TemplateComponent, ParameterObject, ButtonParameterObject, MediaObject):
  * path version and phone number id must be the configured ones (else 400, code 100);
  * Authorization must be "Bearer <token>" (else 401, code 190);
  * Content-Type application/json; messaging_product == "whatsapp"; recipient_type "individual"
    when given; `to` digits (an optional leading +); type one of text/template/image;
  * text: {"body": 1..4096 chars, "preview_url": bool?} and nothing else;
  * template: name (string), language {code, policy: deterministic?}, components[] of header
    (parameters: text | image/video/document {link|id}), body (parameters text/currency/date_time),
    button (sub_type url|quick_reply|catalog, index "0".."9", parameters text for url, payload for
    quick_reply); unknown keys are 100 errors;
  * image: {link|id, caption?}.
  Registered templates (--template name:lang:header:body_count:url_buttons, repeatable) are also
  checked like Meta does: unknown name/language → 132001, parameter count mismatch → 132000.
POST /{version}/{phone_number_id}/media: multipart/form-data with messaging_product=whatsapp,
  type and a file part; answers {"id": "<media id>"}.

Answers: success {"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],
"messages":[{"id":"wamid.…","message_status":"accepted"}]} (message_status on templates only), or
a Graph error envelope {"error":{"message","type","code","error_data":{"messaging_product","details"},
"fbtrace_id"}} with the HTTP status Meta uses for that code.
Scripted answers:
  * per recipient: `to` 15550000000 + code (e.g. 15550131026) always answers that error code
    (only codes in ERRORS; other numbers succeed);
  * the next N valid requests: --fail-code C --fail-count N, or at run time
    GET /_control?fail_code=130429&fail_count=2&retry_after=3 (count 0 clears);
  * free text to a number listed with --window-closed answers 131047.
GET /_stats answers {"requests": n, "accepted": n, "uploads": n} (plus the chaos counters). Every
request is appended to --out as a JSON line {"path", "auth_ok", "content_type", "body", "status",
"code"} (status "stall" for a request left unanswered).

Fault injection for scripts/chaos.sh (see standin_chaos.py): random 429/500/stalls
(--chaos-429/--chaos-500/--chaos-stall RATE) and status notifications posted to --webhook-url, signed
with X-Hub-Signature-256 (HMAC-SHA256 of the body with --app-secret) like Meta's: before the answer
(--callback-early delivered) and replayed/out of order after it (--callback-late read,sent,failed).
"""
import hashlib
import hmac
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import standin_chaos
from standin_support import JSONHandler, ScriptedFailures, parser, serve

# code → (HTTP status, type, message): the statuses Meta uses (190 → 401 is the one safe mapping;
# throttling codes come back as 400 or 429 depending on the source, so clients must not key on it).
ERRORS = {
    0: (401, "OAuthException", "AuthException"),
    1: (500, "OAuthException", "API Unknown"),
    2: (503, "OAuthException", "API Service"),
    3: (403, "OAuthException", "API Method"),
    4: (429, "OAuthException", "(#4) Application request limit reached"),
    10: (403, "OAuthException", "(#10) Permission Denied"),
    100: (400, "OAuthException", "(#100) Invalid parameter"),
    190: (401, "OAuthException", "Error validating access token: Session has expired"),
    200: (403, "OAuthException", "(#200) Permissions error"),
    368: (403, "OAuthException", "Temporarily blocked for policies violations"),
    80007: (400, "OAuthException", "(#80007) Rate limit issues"),
    130429: (400, "OAuthException", "(#130429) Rate limit hit"),
    131000: (500, "OAuthException", "(#131000) Something went wrong"),
    131008: (400, "OAuthException", "(#131008) Required parameter is missing"),
    131009: (400, "OAuthException", "(#131009) Parameter value is not valid"),
    131016: (503, "OAuthException", "(#131016) Service unavailable"),
    131026: (400, "OAuthException", "(#131026) Message undeliverable"),
    131031: (403, "OAuthException", "(#131031) Account has been locked"),
    131047: (400, "OAuthException", "(#131047) Re-engagement message"),
    131048: (400, "OAuthException", "(#131048) Spam rate limit hit"),
    131049: (400, "OAuthException", "(#131049) This message was not delivered to maintain healthy ecosystem engagement."),
    131050: (400, "OAuthException", "(#131050) User has stopped marketing messages"),
    131056: (400, "OAuthException", "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
    131057: (503, "OAuthException", "(#131057) Account in maintenance mode"),
    132000: (400, "OAuthException", "(#132000) Number of parameters does not match the expected number of params"),
    132001: (404, "OAuthException", "(#132001) Template name does not exist in the translation"),
    132012: (400, "OAuthException", "(#132012) Parameter format does not match format in the created template"),
    132015: (400, "OAuthException", "(#132015) Template is paused"),
    132016: (400, "OAuthException", "(#132016) Template is disabled"),
}
TO = re.compile(r"^\+?[1-9][0-9]{6,14}$")
MAGIC_PREFIX = "1555000"
MESSAGE_KEYS = {"messaging_product", "recipient_type", "to", "type", "context", "text", "template", "image", "biz_opaque_callback_data"}


class Invalid(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def need(cond, message, code=100):
    if not cond:
        raise Invalid(code, message)


def check_keys(obj, allowed, where):
    need(isinstance(obj, dict), "%s must be an object" % where)
    unknown = sorted(set(obj) - set(allowed))
    need(not unknown, "Unexpected key \"%s\" on param \"%s\"" % (unknown[0] if unknown else "", where))


def check_media(media, where, extra=()):
    check_keys(media, {"id", "link"} | set(extra), where)
    need(("id" in media) != ("link" in media), "%s needs exactly one of id or link" % where)
    if "link" in media:
        need(isinstance(media["link"], str) and re.match(r"^https?://", media["link"]), "%s.link must be an http(s) URL" % where)
    else:
        need(isinstance(media["id"], str) and media["id"], "%s.id must be a non-empty string" % where)


def check_text_param(p, where):
    check_keys(p, {"type", "text", "parameter_name"}, where)
    need(isinstance(p.get("text"), str), "%s.text is required" % where, 131008)
    need(p["text"] != "", "%s.text must not be empty" % where, 131008)
    need(not re.search(r"[\n\t]| {5,}", p["text"]), "%s.text must not contain new lines, tabs or more than 4 spaces" % where)


def check_template(t):
    check_keys(t, {"name", "language", "components", "namespace"}, "template")
    need(isinstance(t.get("name"), str) and t["name"], "template.name is required", 131008)
    lang = t.get("language")
    check_keys(lang, {"code", "policy"}, "template.language")
    need(isinstance(lang.get("code"), str) and lang["code"], "template.language.code is required", 131008)
    need(lang.get("policy", "deterministic") == "deterministic", "template.language.policy must be deterministic")
    counts = {"header": None, "body": 0, "url": []}
    for i, c in enumerate(t.get("components", [])):
        where = "template.components[%d]" % i
        need(isinstance(c, dict), "%s must be an object" % where)
        ctype = c.get("type")
        need(ctype in ("header", "body", "button"), "%s.type must be header, body or button" % where)
        params = c.get("parameters", [])
        need(isinstance(params, list), "%s.parameters must be a list" % where)
        if ctype == "header":
            check_keys(c, {"type", "parameters"}, where)
            need(len(params) >= 1, "%s.parameters needs at least one item" % where)
            for j, p in enumerate(params):
                pw = "%s.parameters[%d]" % (where, j)
                need(isinstance(p, dict) and p.get("type") in ("text", "image", "video", "document"), "%s.type must be text, image, video or document" % pw)
                if p["type"] == "text":
                    check_text_param(p, pw)
                    counts["header"] = "text"
                else:
                    check_keys(p, {"type", p["type"]}, pw)
                    check_media(p.get(p["type"]), "%s.%s" % (pw, p["type"]), ("filename",) if p["type"] == "document" else ())
                    counts["header"] = p["type"]
        elif ctype == "body":
            check_keys(c, {"type", "parameters"}, where)
            for j, p in enumerate(params):
                pw = "%s.parameters[%d]" % (where, j)
                need(isinstance(p, dict) and p.get("type") in ("text", "currency", "date_time"), "%s.type must be text, currency or date_time" % pw)
                if p["type"] == "text":
                    check_text_param(p, pw)
                elif p["type"] == "currency":
                    check_keys(p, {"type", "currency"}, pw)
                    check_keys(p["currency"], {"fallback_value", "code", "amount_1000"}, pw + ".currency")
                else:
                    check_keys(p, {"type", "date_time"}, pw)
            counts["body"] += len(params)
        else:
            check_keys(c, {"type", "sub_type", "index", "parameters"}, where)
            need(c.get("sub_type") in ("quick_reply", "url", "catalog"), "%s.sub_type must be quick_reply, url or catalog" % where, 131008)
            need(isinstance(c.get("index"), str) and re.fullmatch(r"[0-9]", c["index"]), "%s.index must be a string \"0\"..\"9\"" % where, 131008)
            need(len(params) >= 1, "%s.parameters needs at least one item" % where, 131008)
            for j, p in enumerate(params):
                pw = "%s.parameters[%d]" % (where, j)
                if c["sub_type"] == "url":
                    need(isinstance(p, dict) and p.get("type") == "text", "%s.type must be text for a url button" % pw)
                    check_text_param(p, pw)
                    counts["url"].append(int(c["index"]))
                elif c["sub_type"] == "quick_reply":
                    need(isinstance(p, dict) and p.get("type") == "payload", "%s.type must be payload for a quick_reply button" % pw)
                    check_keys(p, {"type", "payload"}, pw)
                    need(isinstance(p.get("payload"), str) and p["payload"], "%s.payload is required" % pw, 131008)
    return counts


def check_message(m):
    check_keys(m, MESSAGE_KEYS, "message")
    need(m.get("messaging_product") == "whatsapp", "messaging_product must be \"whatsapp\"", 131008)
    need(m.get("recipient_type", "individual") == "individual", "recipient_type must be individual")
    need(isinstance(m.get("to"), str) and TO.match(m["to"]), "to must be a phone number in international form", 131008 if "to" not in m else 100)
    mtype = m.get("type")
    need(mtype in ("text", "template", "image"), "type must be text, template or image (this stand-in)")
    need(mtype in m, "%s object is required for type %s" % (mtype, mtype), 131008)
    for other in ("text", "template", "image"):
        need(other == mtype or other not in m, "%s given for type %s" % (other, mtype))
    if mtype == "text":
        check_keys(m["text"], {"body", "preview_url"}, "text")
        body = m["text"].get("body")
        need(isinstance(body, str) and 1 <= len(body) <= 4096, "text.body must be 1..4096 characters", 131008 if not body else 100)
        need(isinstance(m["text"].get("preview_url", False), bool), "text.preview_url must be a boolean")
        return None
    if mtype == "image":
        check_media(m["image"], "image", ("caption",))
        return None
    return check_template(m["template"])


class State(ScriptedFailures):
    def __init__(self, args):
        super().__init__(args.fail_code, args.fail_count, args.retry_after)
        self.version = args.version
        self.pnid = args.phone_number_id
        self.token = args.token
        self.out = args.out
        self.window_closed = set(n.lstrip("+") for n in args.window_closed)
        self.templates = {}
        for spec in args.template:
            name, lang, header, body, urls = spec.split(":")
            self.templates[(name, lang)] = {"header": header or None, "body": int(body),
                                            "url": sorted(int(u) for u in urls.split(",") if u)}
        self.accepted = 0
        self.uploads = 0
        self.webhook_url = args.webhook_url
        self.app_secret = args.app_secret
        self.chaos = standin_chaos.Chaos(args)


# Meta's timestamps follow the events' real order, whatever order the notifications arrive in.
STATUS_OFFSET = {"sent": 0, "delivered": 1, "read": 2, "failed": 3}


class Handler(JSONHandler):
    state = None
    content_type = "application/json; charset=UTF-8"


    def error(self, code, message=None, headers=None):
        status, etype, default = ERRORS.get(code, (400, "OAuthException", "(#%d) error" % code))
        self.reply(status, {"error": {
            "message": message or default, "type": etype, "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message or default},
            "fbtrace_id": "A" + secrets.token_urlsafe(16)}}, headers)
        return status, code

    def do_GET(self):
        parts = urlsplit(self.path)
        st = self.state
        if parts.path == "/_control":
            st.control(parse_qs(parts.query), "fail_code")
            st.chaos.control(parse_qs(parts.query))
            self.reply(200, {"ok": True})
        elif parts.path == "/_stats":
            with st.lock:
                stats = {"requests": st.requests, "accepted": st.accepted, "uploads": st.uploads}
            self.reply(200, dict(stats, **st.chaos.stats()))
        else:
            self.error(100, "Unsupported get request.")

    def do_POST(self):
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        auth_ok = secrets.compare_digest(self.headers.get("Authorization") or "", "Bearer " + st.token)
        body = None
        m = re.fullmatch(r"/([^/]+)/([^/]+)/(messages|media)", path)
        if not m or m.group(1) != st.version or m.group(2) != st.pnid:
            status, code = self.error(100, "Unsupported post request. Object with ID '%s' does not exist" % path)
        elif not auth_ok:
            status, code = self.error(190, "Invalid OAuth access token - Cannot parse access token")
        elif m.group(3) == "media":
            status, code = self.handle_upload(ctype, raw)
        else:
            try:
                body = json.loads(raw.decode("utf-8"))
            except Exception:
                body = None
            status, code = self.handle_message(ctype, body)
        if st.out:
            with st.lock:
                with open(st.out, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": path, "auth_ok": auth_ok, "content_type": ctype, "body": body,
                                        "status": status, "code": code}, ensure_ascii=False) + "\n")

    def handle_upload(self, ctype, raw):
        st = self.state
        if ctype != "multipart/form-data":
            return self.error(100, "media upload must be multipart/form-data")
        boundary = re.search(r"boundary=([^;]+)", self.headers.get("Content-Type") or "")
        if not boundary:
            return self.error(100, "multipart boundary missing")
        fields = {}
        for part in raw.split(b"--" + boundary.group(1).strip('"').encode())[1:]:
            if part.startswith(b"--"):
                break
            head, _, content = part.partition(b"\r\n\r\n")
            name = re.search(rb'name="([^"]+)"', head)
            if name:
                fields[name.group(1).decode()] = (head, content[:-2] if content.endswith(b"\r\n") else content)
        if fields.get("messaging_product", (None, b""))[1] != b"whatsapp":
            return self.error(131008, "messaging_product is required")
        if "file" not in fields or not fields["file"][1]:
            return self.error(131008, "file is required")
        if b"image/png" not in fields["file"][0] and b"image/jpeg" not in fields["file"][0]:
            return self.error(131009, "file type not supported")
        if not fields["file"][1].startswith(b"\x89PNG") and not fields["file"][1].startswith(b"\xff\xd8"):
            return self.error(131009, "file is not an image")
        fail, _ = st.take_failure()
        if fail:
            return self.error(fail)
        with st.lock:
            st.uploads += 1
        self.reply(200, {"id": str(secrets.randbelow(10 ** 15) + 10 ** 15)})
        return 200, None

    def handle_message(self, ctype, body):
        st = self.state
        if ctype != "application/json" or not isinstance(body, dict):
            return self.error(100, "the body must be a JSON object (Content-Type: application/json)")
        try:
            counts = check_message(body)
        except Invalid as e:
            return self.error(e.code, e.message)
        to = body["to"].lstrip("+")
        if counts is not None and st.templates:
            t = body["template"]
            registered = st.templates.get((t["name"], t["language"]["code"]))
            if registered is None:
                return self.error(132001, "template name (%s) does not exist in %s" % (t["name"], t["language"]["code"]))
            if registered["header"] != counts["header"] or registered["body"] != counts["body"] or registered["url"] != sorted(counts["url"]):
                return self.error(132000, "expected header %s, body %d, url buttons %s" % (
                    registered["header"], registered["body"], registered["url"]))
        if to.startswith(MAGIC_PREFIX) and len(to) > len(MAGIC_PREFIX):
            code = int(to[len(MAGIC_PREFIX):])
            if code in ERRORS:
                return self.error(code)
        if body["type"] == "text" and to in st.window_closed:
            return self.error(131047)
        fail, retry_after = st.take_failure()
        if fail:
            return self.error(fail, headers={"Retry-After": str(retry_after)} if retry_after else None)
        chaos = st.chaos.draw()
        if chaos == "429":
            return self.error(4, headers={"Retry-After": str(st.chaos.retry_after)})
        if chaos == "500":
            return self.error(131000)
        if chaos == "stall":
            st.chaos.stall(self)
            return "stall", None
        with st.lock:
            st.accepted += 1
        message = {"id": "wamid.HBgL" + secrets.token_urlsafe(24)}
        if body["type"] == "template":
            message["message_status"] = "accepted"
        sent_at = int(time.time())
        if st.webhook_url and st.chaos.early:
            self.status_notification(message["id"], to, st.chaos.early, sent_at, "early")
        self.reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": to}], "messages": [message]})
        if st.webhook_url:
            st.chaos.schedule_late(lambda status, _: self.status_notification(message["id"], to, status, sent_at, "late"))
        return 200, None

    def status_notification(self, wamid, to, status, sent_at, phase):
        """Posts one signed statuses[] notification to --webhook-url, as Meta does."""
        st = self.state
        item = {"id": wamid, "status": status, "timestamp": str(sent_at + STATUS_OFFSET.get(status, 0)), "recipient_id": to}
        if status == "failed":
            item["errors"] = [{"code": 131000, "title": "Something went wrong", "message": "Something went wrong"}]
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp",
                                           "metadata": {"display_phone_number": "15550783881", "phone_number_id": st.pnid},
                                           "statuses": [item]}}]}]}
        raw = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new((st.app_secret or "").encode(), raw, hashlib.sha256).hexdigest()
        st.chaos.post(st.webhook_url, raw, {"Content-Type": "application/json", "X-Hub-Signature-256": signature},
                      {"id": wamid, "to": to, "status": status, "phase": phase})



def main():
    parser_ = parser()
    parser_.add_argument("--version", default="v23.0")
    parser_.add_argument("--phone-number-id", required=True)
    parser_.add_argument("--token", required=True)
    parser_.add_argument("--out")
    parser_.add_argument("--fail-code", type=int, default=0)
    parser_.add_argument("--fail-count", type=int, default=0)
    parser_.add_argument("--retry-after", default=None)
    parser_.add_argument("--window-closed", action="append", default=[])
    parser_.add_argument("--template", action="append", default=[])
    parser_.add_argument("--webhook-url", help="where status notifications go (chaos callbacks); loopback only")
    parser_.add_argument("--app-secret", help="signs the notifications (X-Hub-Signature-256)")
    standin_chaos.add_arguments(parser_)
    args = parser_.parse_args()
    Handler.state = State(args)
    serve(Handler, args.host, args.port, args.tls_cert, args.tls_key)


if __name__ == "__main__":
    main()
