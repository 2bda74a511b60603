#!/usr/bin/python3
"""The hosted preference pages in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by Debian's python3-selenium) against a real `accolade serve` on SQLite.

    scripts/check-preferences-browser.py                    # needs a built .build/debug/accolade
    scripts/check-preferences-browser.py path/to/accolade   # (or ACCOLADE_BIN)

It builds nothing and downloads nothing; the server and browser helpers are
scripts/lib/browser_checks.py, shared with the other browser checks. It signs a preferences link and an unsubscribe link the way the server does
(HMAC-SHA-256 under the temporary config's preferences.signing_secret) and checks:

  a. the preferences page (locale=de) shows every category × channel, the required category
     checked, disabled and explained, and the others checked (nobody opted out yet);
  b. unticking one box and pressing Save stores exactly that opt-out (source `page`), shown by
     GET /v1/recipients/{key}/preferences, and the page comes back saying so with the box unticked;
  c. the unsubscribe page's GET changes nothing; its button (a form POST) unsubscribes and the
     answer sets no cookie;
  and nothing broke the page's Content-Security-Policy or logged an error.

One line per check; exit 1 when any fails. Every wait is bounded; everything started is stopped by
its PID.
"""
import base64
import hashlib
import hmac
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import browser_checks as helpers  # noqa: E402  (the server, browser and check helpers of every browser check)
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = helpers.ROOT


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret, purpose, category, key):
    """A link token as PreferenceLinkSigner writes it: base64url(payload).base64url(HMAC-SHA-256)."""
    payload = f"v1\n{purpose}\n{category}\n{key}".encode()
    return b64(payload) + "." + b64(hmac.new(secret.encode(), payload, hashlib.sha256).digest())


def main():
    binary = helpers.binary_from_arguments()
    helpers.require_tools("check-preferences-browser", binary)
    work = tempfile.mkdtemp(prefix="accolade-preferences-browser.")
    port = helpers.free_port()
    api_token = "browser-check-" + os.urandom(8).hex()
    secret = "browser-check-preferences-" + os.urandom(16).hex()
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
      url: smtp://127.0.0.1:9     # never contacted: nothing is sent here
      starttls: never
  qr:
    directory: {work}/qr
categories:
  rewards:
    names: {{ en: Rewards, de: Prämien }}
  security:
    names: {{ en: Account security, de: Kontosicherheit }}
    required: true
preferences:
  signing_secret: {secret}
""")
    server = helpers.Server(binary, config, port, work)
    check = helpers.Check("check-preferences-browser")
    driver = None
    key = "crm-browser-" + os.urandom(4).hex()
    try:
        server.start()
        driver = helpers.start_browser(work)
        page = f"{server.base}/v1/preferences/{token(secret, 'p', '', key)}?locale=de"
        driver.get(page)
        boxes = {b.get_attribute("name"): b for b in driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")}
        check("a. every category × channel has a box", sorted(boxes) == sorted(
            f"pref:{c}:{ch}" for c in ["rewards", "security"] for ch in ["email", "qr"]), str(sorted(boxes)))
        required = boxes.get("pref:security:email")
        check("a. the required category is checked, disabled and explained",
              required is not None and required.is_selected() and not required.is_enabled()
              and driver.find_element(By.ID, "required-note").is_displayed())
        check("a. the page speaks German", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
              and "Prämien" in driver.page_source)
        check("a. nobody opted out yet", all(b.is_selected() for b in boxes.values()))

        boxes["pref:rewards:email"].click()
        driver.find_element(By.ID, "save").click()
        helpers.wait_for("the saved page", lambda: driver.find_elements(By.ID, "saved"))
        stored = server.json("GET", f"/v1/recipients/{key}/preferences", token=api_token)
        states = {(e["category"], e["channel"]): (e["opted_in"], e["source"]) for e in stored["preferences"]}
        check("b. saving stores exactly the unticked box, source page",
              states[("rewards", "email")] == (False, "page") and states[("rewards", "qr")][0] is True
              and states[("security", "email")][0] is True, str(states))
        check("b. the page comes back with the box unticked",
              not driver.find_element(By.NAME, "pref:rewards:email").is_selected())

        server.json("PUT", f"/v1/recipients/{key}/preferences", token=api_token,
                    body={"preferences": [{"category": "rewards", "channel": "email", "opted_in": True}]})
        driver.get(f"{server.base}/v1/unsubscribe/{token(secret, 'u', 'rewards', key)}")
        after_get = server.json("GET", f"/v1/recipients/{key}/preferences", token=api_token)
        check("c. the unsubscribe page's GET changes nothing",
              all(e["opted_in"] for e in after_get["preferences"] if e["channel"] == "email"))
        driver.find_element(By.ID, "unsubscribe").click()
        helpers.wait_for("the unsubscribed page", lambda: driver.find_elements(By.ID, "done"))
        after_post = server.json("GET", f"/v1/recipients/{key}/preferences", token=api_token)
        entry = next(e for e in after_post["preferences"] if e["category"] == "rewards" and e["channel"] == "email")
        check("c. its button unsubscribes (source unsubscribe), no cookie set",
              entry["opted_in"] is False and entry["source"] == "unsubscribe" and not driver.get_cookies(), str(entry))

        problems = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
        check("nothing broke the CSP or logged an error", not problems, str(problems[:3]))
    except Exception as error:  # a step that could not even run counts as a failure
        check("the run itself", False, f"{type(error).__name__}: {error}")
    finally:
        helpers.quit_browser(driver)
        server.stop()
        if check.failures:
            print(f"check-preferences-browser: server logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"check-preferences-browser: {'FAILED' if check.failures else 'passed'} ({check.failures} failed)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
