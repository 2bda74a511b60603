"""Schemathesis hooks for scripts/api-fuzz.sh: rules of the Accolade API that OpenAPI cannot state,
applied to generated requests instead of switching whole checks off."""
from datetime import datetime, timedelta, timezone

import schemathesis


def _instant(text):
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except (TypeError, ValueError):
        return None


def _expiry_in_the_past(message):
    """`expires_at` must be later than now and than `send_at`: JSON Schema cannot compare a time
    with the clock or with another field, so such messages are not generated."""
    if not isinstance(message, dict):
        return False
    expires = _instant(message.get("expires_at"))
    if expires is None:
        return False
    floor = datetime.now(timezone.utc) + timedelta(minutes=5)
    send_at = _instant(message.get("send_at"))
    if send_at is not None and send_at > floor:
        floor = send_at
    return expires <= floor


def _problem(response):
    try:
        body = response.json()
    except Exception:  # not JSON: nothing to excuse
        return {}
    return body if isinstance(body, dict) else {}


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    """Drops exactly four kinds of "schema-valid request rejected" (422), each a rule JSON Schema
    cannot state; every other failure counts."""
    if type(failure).__name__ != "RejectedPositiveData":
        return True
    problem = _problem(response)
    label = case.operation.label
    if label == "POST /v1/messages" and problem.get("field") == "expires_at" and _expiry_in_the_past(case.body):
        return False
    # WhatsApp refuses template parameters that render empty; whether one built from several
    # optional variables (reward-earned's amount: voucher, cash or points) renders empty is not a
    # JSON Schema rule.
    if label == "POST /v1/previews" and "WhatsApp refuses empty parameters" in problem.get("detail", ""):
        return False
    # An inbox title must render to one line; whether a data string with a line break reaches
    # the title depends on the template's text, not on a JSON Schema rule for the data (found by
    # a random stateful case: reward-expiring's `reward.code` carrying a carriage return).
    if label in ("POST /v1/messages", "POST /v1/messages/batch") and "renders to several lines" in problem.get("detail", ""):
        return False
    # A feed cursor is opaque: only what the server issued as `next_cursor` is one, which no
    # pattern can say (the document gives its alphabet and length only).
    if label == "GET /v1/inbox/items" and problem.get("field") == "cursor":
        return False
    # A report's range: since before until, at most three years apart; `by`: one time grain at
    # most, each dimension once. Relations between values, not a value's shape.
    if label == "GET /v1/reports" and problem.get("field") in ("since", "until", "by") and any(
        rule in problem.get("detail", "")
        for rule in ("must be before until", "at most three years", "name one of day, week, month at most", "is named twice")
    ):
        return False
    return True
