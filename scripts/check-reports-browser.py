#!/usr/bin/python3
"""The reports dashboard in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by Debian's python3-selenium) against a real `accolade serve` on SQLite
with the local stand-ins.

    scripts/check-reports-browser.py                    # needs a built .build/debug/accolade
    scripts/check-reports-browser.py path/to/accolade   # (or ACCOLADE_BIN)

It builds nothing and downloads nothing (helpers: scripts/lib/browser_checks.py). It starts the
SMTP capture (aiosmtpd) and the WhatsApp stand-in (every send refused for good, 131026), and
`accolade serve` with email, the inbox and WhatsApp, prices for email, and
reports.dashboard_secret; sends rewards by email (sent), to the inbox (one then read, one seen,
one left) and by WhatsApp (failed), lets the worker finish them, mints a link with
POST /v1/reports/tokens, opens it and checks:

  a. the page loads under its CSP with every chart an <svg role="img"> whose aria-labelledby
     names a non-empty <title> and <desc>, each chart with a caption and a table;
  b. the numbers in the DOM equal GET /v1/reports for the same since/until/tz: sends per day ×
     channel (by=day,channel), the funnel and headline figures (totals), cost per channel ×
     provider × currency (by=channel,provider), the latency percentiles; the failure reasons add
     up to the failed deliveries and name the provider's error;
  c. the period picker (a GET form) keeps the token and reads the period in another zone;
  d. no cookie, no CSP violation or error in the console; a screenshot is saved in
     var/check-reports-browser/dashboard.png;
  e. an altered link is refused with a 401 page that says so.

One line per check; exit 1 when any fails. Every wait is bounded; everything started is stopped by
its PID.
"""
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import browser_checks as helpers  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = helpers.ROOT
NAME = "check-reports-browser"
FINAL = {"sent", "delivered", "read", "failed", "skipped", "cancelled"}
REWARD = {"program": "Kudos Awards",
          "reward": {"voucher": {"amount": 50000, "currency": "IDR"}, "code": "RW-7Q2K", "expires_on": "2026-12-31",
                     "redeem_url": "https://rewards.example.com/r/RW-7Q2K"}}


def start_standin(argv, work, name):
    """A stand-in from scripts/test-servers that prints its port on its first line."""
    out = open(os.path.join(work, f"{name}.err"), "w")
    process = subprocess.Popen(["/usr/bin/python3", *argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=out, text=True,
                               stdin=subprocess.DEVNULL)
    line = process.stdout.readline().strip()
    if not line.isdigit():
        process.kill()
        raise RuntimeError(f"{name} did not print its port: {line!r}")
    return process, int(line)


def stop(process):
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def send(server, api_token, to, channels, template="reward-earned"):
    return server.json("POST", "/v1/messages", {"template": template, "to": to, "channels": channels, "data": REWARD},
                       token=api_token, expect=(202,))["id"]


def finished(server, api_token, ids):
    states = []
    for message_id in ids:
        message = server.json("GET", f"/v1/messages/{message_id}", token=api_token)
        states += [d["state"] for d in message["deliveries"]]
    return all(s in FINAL for s in states) and states


def money(entries):
    return {e["currency"]: e["amount"] for e in entries}


def seconds(value):
    """A percentile as the page writes it (whole seconds without a fraction, null as empty)."""
    if value is None:
        return ""
    return str(int(value)) if float(value) == int(value) else str(value)


def attr(element, name):
    return element.get_attribute(name)


def run_checks(server, driver, check, api_token, work):
    # Rewards: 3 by email (sent), 3 to the inbox (sent; one read, one seen), 2 by WhatsApp (refused: failed).
    ids = [send(server, api_token, {"email": f"winner{i}@example.com", "name": "Ana"}, ["email"]) for i in range(3)]
    recipient = "crm-dashboard-" + os.urandom(3).hex()
    ids += [send(server, api_token, {"id": recipient, "locale": "en"}, ["inbox"], "reward-voucher") for _ in range(3)]
    ids += [send(server, api_token, {"whatsapp": f"+628123456789{i}", "name": "Budi"}, ["whatsapp"]) for i in range(2)]
    states = helpers.wait_for("every delivery finished", lambda: finished(server, api_token, ids), timeout=60)
    inbox_token = server.json("POST", "/v1/inbox/tokens", {"recipient_id": recipient, "ttl": "10m"}, token=api_token)["token"]
    items = server.json("GET", "/v1/inbox/items", token=inbox_token)["items"]
    server.json("POST", f"/v1/inbox/items/{items[0]['id']}/read", {}, token=inbox_token)
    server.json("POST", f"/v1/inbox/items/{items[1]['id']}/seen", {}, token=inbox_token)
    check("rewards sent, read, seen and failed through the real worker", sorted(states).count("failed") == 2,
          f"final states {sorted(states)}")

    minted = server.json("POST", "/v1/reports/tokens", {"ttl": "10m"}, token=api_token)
    check("POST /v1/reports/tokens answers token, expires_at and url", set(minted) == {"token", "expires_at", "url"}
          and minted["url"].startswith(server.base + "/v1/reports/dashboard?token="), str(sorted(minted)))

    today = datetime.datetime.now(datetime.timezone.utc).date()
    period = f"since={today - datetime.timedelta(days=1)}&until={today + datetime.timedelta(days=1)}&tz=UTC"
    started = time.monotonic()
    driver.get(minted["url"] + "&" + period)
    helpers.wait_for("the dashboard", lambda: driver.find_elements(By.ID, "sends"))
    load = time.monotonic() - started

    # a. accessibility of every chart
    charts = driver.find_elements(By.CSS_SELECTOR, "svg")
    problems = []
    for svg in charts:
        labels = (attr(svg, "aria-labelledby") or "").split()
        texts = [driver.find_element(By.ID, i).get_attribute("textContent").strip() for i in labels]
        if attr(svg, "role") != "img" or len(labels) != 2 or not all(texts):
            problems.append(attr(svg, "id"))
    captions = driver.find_elements(By.CSS_SELECTOR, "figure.chart > figcaption")
    ids_seen = sorted(attr(s, "id") for s in charts)
    check("a. every chart is an svg role=img named by its title and desc, with a caption",
          len(charts) >= 6 and not problems and len(captions) == len(charts),
          f"{len(charts)} charts {ids_seen}; page in {load:.2f} s" + (f"; without a name: {problems}" if problems else ""))

    # b. the numbers shown equal GET /v1/reports for the same period
    by_day = server.json("GET", f"/v1/reports?{period}&by=day,channel", token=api_token)
    expected = {(r["period"], r["channel"]): (r["deliveries"]["sent"] + r["deliveries"]["delivered"] + r["deliveries"]["read"],
                                             r["deliveries"]["failed"]) for r in by_day["rows"]}
    shown = {(attr(tr, "data-period"), attr(tr, "data-channel")): (int(attr(tr, "data-sent")), int(attr(tr, "data-failed")))
             for tr in driver.find_elements(By.CSS_SELECTOR, "#sends-table tbody tr")}
    texts_match = all(tr.find_elements(By.TAG_NAME, "td")[1].text == attr(tr, "data-sent")
                      for tr in driver.find_elements(By.CSS_SELECTOR, "#sends-table tbody tr"))
    check("b. sends per day × channel equal GET /v1/reports?by=day,channel", shown == expected and texts_match and shown,
          f"shown {shown}; report {expected}")

    t = by_day["totals"]
    d = t["deliveries"]
    funnel = {"accepted": t["messages"], "sent": d["sent"] + d["delivered"] + d["read"], "delivered": d["delivered"] + d["read"],
              "read": d["read"], "redeemed": t["redemptions"]}
    shown_funnel = {attr(tr, "data-stage"): int(attr(tr, "data-count")) for tr in driver.find_elements(By.CSS_SELECTOR, "#funnel-table tbody tr")}
    check("b. the funnel equals the report's totals (accepted → sent → delivered → read → redeemed)",
          shown_funnel == funnel and funnel["read"] >= 1 and funnel["delivered"] >= 2, f"shown {shown_funnel}; report {funnel}")

    tiles = {attr(e, "data-figure"): attr(e, "data-value") for e in driver.find_elements(By.CSS_SELECTOR, "[data-figure]")}
    cost_total = ";".join(f"{c} {a}" for c, a in sorted(money(t["cost"]).items()))
    check("b. headline figures equal the report's totals", tiles.get("messages") == str(t["messages"])
          and tiles.get("failed") == str(d["failed"]) and tiles.get("cost") == cost_total
          and tiles.get("delivery_rate") == (f"{t['delivery_rate']:.4f}" if t["delivery_rate"] is not None else ""),
          f"tiles {tiles}; totals messages {t['messages']}, failed {d['failed']}, cost {cost_total}, rate {t['delivery_rate']}")

    by_provider = server.json("GET", f"/v1/reports?{period}&by=channel,provider", token=api_token)
    expected_cost = {(r["channel"], r["provider"], c): a for r in by_provider["rows"] for c, a in money(r["cost"]).items()}
    shown_cost = {(attr(tr, "data-channel"), attr(tr, "data-provider"), attr(tr, "data-currency")): attr(tr, "data-amount")
                  for tr in driver.find_elements(By.CSS_SELECTOR, "#cost-table tbody tr")}
    check("b. cost per channel × provider × currency equals GET /v1/reports?by=channel,provider",
          shown_cost == expected_cost and shown_cost, f"shown {shown_cost}; report {expected_cost}")

    latency = t["latency_seconds"]
    expected_latency = {k: tuple(seconds(latency[k][p]) for p in ("p50", "p90", "p99")) for k in ("accepted_to_sent", "accepted_to_delivered")}
    shown_latency = {attr(tr, "data-measure"): (attr(tr, "data-p50"), attr(tr, "data-p90"), attr(tr, "data-p99"))
                     for tr in driver.find_elements(By.CSS_SELECTOR, "#latency-table tbody tr")}
    check("b. latency percentiles equal the report's", shown_latency == expected_latency, f"shown {shown_latency}; report {expected_latency}")

    failures = driver.find_elements(By.CSS_SELECTOR, "#failures-table tbody tr")
    failure_count = sum(int(attr(tr, "data-count")) for tr in failures)
    reasons = [tr.find_element(By.CSS_SELECTOR, "td.reason").text for tr in failures]
    check("b. the failure reasons add up to the failed deliveries and name the provider's error",
          failure_count == d["failed"] == 2 and any("131026" in r for r in reasons), f"{failure_count} failures: {reasons}")

    # d. screenshot, cookies and the console of the page so far
    shots = os.path.join(ROOT, "var", NAME)
    os.makedirs(shots, exist_ok=True)
    driver.set_window_size(1200, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(max(height, 900), 6000))
    shot = os.path.join(shots, "dashboard.png")
    check("d. screenshot saved", driver.save_screenshot(shot) and os.path.getsize(shot) > 10_000, f"{shot} ({os.path.getsize(shot)} bytes)")

    # c. the period picker keeps the token and reads the period in another zone
    tz = driver.find_element(By.ID, "tz")
    tz.clear()
    tz.send_keys("Asia/Jakarta")
    driver.find_element(By.ID, "show").click()
    helpers.wait_for("the page in Asia/Jakarta", lambda: attr(driver.find_element(By.ID, "period"), "data-tz") == "Asia/Jakarta")
    url = driver.current_url
    jakarta = server.json("GET", "/v1/reports?" + url.split("?", 1)[1].replace(f"token={minted['token']}", "by=day,channel"), token=api_token)
    shown_jakarta = {(attr(tr, "data-period"), attr(tr, "data-channel")): int(attr(tr, "data-sent"))
                     for tr in driver.find_elements(By.CSS_SELECTOR, "#sends-table tbody tr")}
    expected_jakarta = {(r["period"], r["channel"]): r["deliveries"]["sent"] + r["deliveries"]["delivered"] + r["deliveries"]["read"]
                        for r in jakarta["rows"]}
    check("c. the period picker keeps the token and reads the days in the chosen zone",
          f"token={minted['token']}" in url and "tz=Asia%2FJakarta" in url and shown_jakarta == expected_jakarta,
          f"{url.split('?')[1].split('&', 1)[1]}; shown {shown_jakarta}; report {expected_jakarta}")

    console = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
    check("d. no cookie; no CSP violation or error in the console", not driver.get_cookies() and not console,
          f"cookies {driver.get_cookies()}; console {[e.get('message', '')[:200] for e in console[:3]]}")
    with urllib.request.urlopen(minted["url"] + "&" + period, timeout=10) as answer:
        headers = answer.headers
    check("d. served with CSP default-src 'none' (style by hash), no-store, no-referrer",
          headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'sha256-")
          and headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer",
          headers["Content-Security-Policy"])

    # e. an altered link
    token = minted["token"]
    altered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    status, _ = server.http("GET", f"/v1/reports/dashboard?token={altered}")
    driver.get(f"{server.base}/v1/reports/dashboard?token={altered}")
    refusal = helpers.wait_for("the refusal page", lambda: driver.find_elements(By.ID, "refusal"))
    check("e. an altered link is refused: 401 and a page that says why", status == 401 and "signature does not match" in refusal[0].text,
          refusal[0].text[:120])
    csp = [e for e in driver.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    check("e. the refusal page breaks no CSP either", not csp, str(csp[:2]))


def main():
    binary = helpers.binary_from_arguments()
    helpers.require_tools(NAME, binary)
    work = tempfile.mkdtemp(prefix="accolade-reports-browser.")
    check = helpers.Check(NAME)
    standins, server, driver = [], None, None
    try:
        smtp, smtp_port = start_standin(["scripts/test-servers/smtp_capture.py", "--dir", os.path.join(work, "mail")], work, "smtp")
        standins.append(smtp)
        whatsapp, whatsapp_port = start_standin(
            ["scripts/test-servers/whatsapp_standin.py", "--phone-number-id", "106540352242922", "--token", "standin-access-token",
             "--out", os.path.join(work, "whatsapp.jsonl"), "--fail-code", "131026", "--fail-count", "1000"], work, "whatsapp")
        standins.append(whatsapp)
        port = helpers.free_port()
        api_token = "browser-check-" + os.urandom(8).hex()
        config = os.path.join(work, "accolade.yml")
        with open(config, "w") as f:
            f.write(f"""store:
  sqlite: {work}/queue.sqlite
templates: {ROOT}/templates
log_level: warning
server:
  listen: 127.0.0.1:{port}
  public_url: http://127.0.0.1:{port}
  tokens: [ "{api_token}" ]
channels:
  email:
    from: "Acme Rewards <rewards@example.com>"
    smtp:
      url: smtp://127.0.0.1:{smtp_port}
      starttls: never
  qr:
    directory: {work}/qr
  inbox:
    signing_secret: browser-check-inbox-secret-{os.urandom(16).hex()}
  whatsapp:
    api_base: http://127.0.0.1:{whatsapp_port}
    api_version: v23.0
    phone_number_id: "106540352242922"
    access_token: standin-access-token
costs:
  currency: USD
  email: {{ smtp: 0.0004 }}
reports:
  dashboard_secret: browser-check-dashboard-secret-{os.urandom(16).hex()}
worker:
  poll_interval: 50ms
""")
        server = helpers.Server(binary, config, port, work)
        server.start()
        driver = helpers.start_browser(work)
        run_checks(server, driver, check, api_token, work)
    except Exception as error:  # a step that could not even run counts as a failure
        check("the run itself", False, f"{type(error).__name__}: {error}")
    finally:
        helpers.quit_browser(driver)
        if server:
            server.stop()
        for process in reversed(standins):
            stop(process)
        if check.failures:
            print(f"{NAME}: server logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{NAME}: {'FAILED' if check.failures else 'passed'} ({check.failures} failed)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
