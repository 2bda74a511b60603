#!/usr/bin/python3
"""The inbox widget in a real browser: headless Chromium (Debian's chromium + chromium-driver,
driven by Debian's python3-selenium) against a real `accolade serve` on SQLite.

    scripts/check-inbox-browser.py                    # needs a built .build/debug/accolade
    scripts/check-inbox-browser.py path/to/accolade   # (or ACCOLADE_BIN)

It builds nothing and downloads nothing. It starts `accolade serve` (HTTP API + worker) on a free
127.0.0.1 port with a temporary config (SQLite, channels.qr and channels.inbox, the server's own
origin allowed), mints an inbox token through POST /v1/inbox/tokens, opens the demo page
/v1/inbox/demo?token=… in headless Chromium (every host but 127.0.0.1 unresolvable) and checks:

  a. a reward sent with POST /v1/messages (to.id, channels [inbox]) appears as a card without a
     reload, with its QR image loaded, and the badge goes up;
  b. opening the panel moves focus into it, Escape returns it to the bell; clicking the card
     records the `read` receipt: GET /v1/messages/{id} shows the inbox delivery `read`;
  c. a second window (same profile) follows the first: one stream for both, a reward reaches
     both, marking read in one drops the other's badge; closing the leader hands the stream to
     the other window, which resumes without losing a reward;
  d. the server stops (SIGTERM), a reward is queued meanwhile with `accolade send`, the server
     restarts on the same port: the stream reconnects and the card appears without a reload;
  e. a short-lived token (the minimum ttl, 60 s) expires: the widget dispatches
     `accolade-inbox-token-expired` and stops (no reconnect storm); the page sets a new token and
     the widget resumes without a reload, missing nothing;
  f. a further window with locale=id shows Indonesian strings and times, loads the first page (20)
     and the rest by infinite scroll;
     There, "mark all as read" clears the badge and the server's unread count, Archive removes a
     card and archives its item, and the page's theme reaches the shadow DOM (a custom property
     set through CSSOM, demo.css's ::part rule);
  g. without Web Locks (they need a secure context: plain http off localhost has none) two windows
     of another recipient elect one leader over BroadcastChannel, share its stream and hand over;
  and nothing in any window broke the CSP or threw.

One line per check; exit 1 when any fails. Every wait is bounded; everything started is stopped by
its PID (the server, chromedriver and its browser).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
# The helpers shared by the browser checks: server, browser, waits, the check report.
from browser_checks import CHROMEDRIVER, CHROMIUM, ROOT, Check, Server, free_port, quit_browser, start_browser, wait_for  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

REWARD = {
    "program": "Kudos Awards",
    "reward": {"voucher": {"amount": 50000, "currency": "IDR"}, "code": "RW-7Q2K", "expires_on": "2026-12-31",
               "redeem_url": "https://rewards.example.com/r/RW-7Q2K"},
}

# What the widget shows, read through its shadow root.
STATE_JS = """
const el = document.querySelector('accolade-inbox');
if (!el || !el.shadowRoot) return null;
const r = el.shadowRoot, badge = r.querySelector('.badge'), panel = r.querySelector('.panel');
return {
  role: el.dataset.role || '', stream: el.dataset.stream || '', unread: el.dataset.unread || '',
  opened: Number(el.dataset.streamsOpened || 0), lastSequence: Number(el.dataset.lastSequence || 0),
  badge: badge.hidden ? '' : badge.textContent, label: r.querySelector('.bell').getAttribute('aria-label'),
  panelOpen: !panel.hidden,
  focusInPanel: !!r.activeElement && panel.contains(r.activeElement),
  focusOnBell: r.activeElement === r.querySelector('.bell'),
  live: r.querySelector('[aria-live]').textContent,
  expired: document.body.dataset.tokenExpired || '0',
  marker: window.__accoladeCheckMarker || null,
  cards: [...r.querySelectorAll('.card')].map((c) => {
    const img = c.querySelector('img');
    return {
      id: c.dataset.id, message: c.dataset.messageId, unread: c.classList.contains('unread'),
      title: c.querySelector('.title').textContent, time: (c.querySelector('.time') || {}).textContent || '',
      image: img ? { loaded: img.complete && img.naturalWidth > 0, alt: img.alt } : null,
    };
  }),
};
"""



def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ACCOLADE_BIN", os.path.join(ROOT, ".build/debug/accolade")))
    for path, hint in [(binary, "build it with swift build"), (CHROMIUM, "apt-get install chromium"),
                       (CHROMEDRIVER, "apt-get install chromium-driver")]:
        if not os.access(path, os.X_OK):
            sys.exit(f"check-inbox-browser: {path} is missing ({hint}; scripts/setup.sh installs the packages)")

    work = tempfile.mkdtemp(prefix="accolade-inbox-browser.")
    port = free_port()
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
      url: smtp://127.0.0.1:9     # never contacted: every reward here goes to the inbox only
      starttls: never
  qr:
    directory: {work}/qr
  inbox:
    signing_secret: browser-check-inbox-secret-{os.urandom(16).hex()}
    allowed_origins: [ "http://127.0.0.1:{port}" ]
worker:
  poll_interval: 50ms
""")
    with open(os.path.join(work, "reward.json"), "w") as f:
        json.dump(REWARD, f)

    server = Server(binary, config, port, work)
    driver = None
    check = Check("check-inbox-browser")
    recipient = "crm-browser-" + os.urandom(4).hex()
    try:
        server.start()
        driver = start_browser(work)
        run_checks(server, driver, check, recipient, binary, config, work, api_token)
    except Exception as error:  # a step that could not even run counts as a failure
        check("the run itself", False, f"{type(error).__name__}: {error}")
    finally:
        quit_browser(driver)
        server.stop()
        if check.failures:
            print(f"check-inbox-browser: server logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"check-inbox-browser: {'FAILED' if check.failures else 'passed'} ({check.failures} failed)")
    return 1 if check.failures else 0



def state(driver):
    return driver.execute_script(STATE_JS)


def card_for(driver, message_id):
    s = state(driver)
    return next((c for c in (s or {}).get("cards", []) if c["message"] == message_id), None)


def send(server, api_token, recipient, locale="en"):
    answer = server.json("POST", "/v1/messages", {
        "template": "reward-voucher", "to": {"id": recipient, "locale": locale}, "channels": ["inbox"], "data": REWARD,
    }, token=api_token, expect=(202,))
    return answer["id"]


def inbox_state(server, api_token, message_id):
    message = server.json("GET", f"/v1/messages/{message_id}", token=api_token)
    return next((d["state"] for d in message["deliveries"] if d["channel"] == "inbox"), None)


def mint(server, api_token, recipient, ttl):
    return server.json("POST", "/v1/inbox/tokens", {"recipient_id": recipient, "ttl": ttl}, token=api_token)


def shadow(driver, selector):
    host = driver.find_element(By.CSS_SELECTOR, "accolade-inbox")
    return host.shadow_root.find_element(By.CSS_SELECTOR, selector)


def click(driver, selector):
    """Clicks an element of the widget's shadow DOM; a card re-rendered between finding and
    clicking (a counts event refreshed it) is found again."""
    def attempt():
        shadow(driver, selector).click()
        return True
    wait_for(f"click {selector}", attempt)


def stream_requests(server):
    return server.metric("accolade_api_requests_total", 'route="/v1/inbox/stream"') or 0


def run_checks(server, driver, check, recipient, binary, config, work, api_token):
    token = mint(server, api_token, recipient, "1h")["token"]
    demo = f"{server.base}/v1/inbox/demo?token={token}"
    driver.get(demo)
    driver.execute_script("window.__accoladeCheckMarker = 'no-reload';")
    first = wait_for("the widget elected itself leader and opened the stream",
                     lambda: (s := state(driver)) and s["role"] == "leader" and s["stream"] == "open" and s)
    check("demo page: widget loaded under the strict CSP, leader, stream open", True,
          f"role {first['role']}, stream {first['stream']}, badge '{first['badge']}'")

    # a. a reward appears live, the badge goes up
    started = time.monotonic()
    m1 = send(server, api_token, recipient)
    card = wait_for("the card of the new reward", lambda: card_for(driver, m1))
    seconds = time.monotonic() - started
    s = wait_for("the badge shows 1 and the live region announces it", lambda: (s := state(driver)) and s["badge"] == "1" and s["live"] and s)
    check("a. card appears without reload, badge goes up", s["marker"] == "no-reload" and card["unread"],
          f"{seconds:.2f} s from POST to card; badge {s['badge']}; bell '{s['label']}'; live region '{s['live']}'")
    image = wait_for("the QR image loads", lambda: (c := card_for(driver, m1)) and c["image"] and c["image"]["loaded"] and c)
    check("a. card has title, time ago and the QR image (loaded, with alt text)",
          bool(image["title"]) and bool(image["time"]) and bool(image["image"]["alt"]),
          f"title '{image['title']}', time '{image['time']}', alt '{image['image']['alt']}'")

    # b. panel focus handling; open the card → read receipt
    click(driver, ".bell")
    s = wait_for("the panel opens with focus inside", lambda: (s := state(driver)) and s["panelOpen"] and s["focusInPanel"] and s)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    s = wait_for("Escape closes the panel and focuses the bell",
                 lambda: (s := state(driver)) and not s["panelOpen"] and s["focusOnBell"] and s)
    check("b. panel: focus moves in on open, Escape closes and returns focus to the bell", True)
    shadow(driver, ".bell").send_keys(Keys.ENTER)  # keyboard opens it too
    wait_for("the panel opens from the keyboard", lambda: (s := state(driver)) and s["panelOpen"] and s)
    click(driver, f'.card[data-message-id="{m1}"] .title')
    read = wait_for("the inbox delivery becomes read", lambda: inbox_state(server, api_token, m1) == "read" and "read")
    s = wait_for("the badge drops to 0", lambda: (s := state(driver)) and s["badge"] == "" and s)
    check("b. clicking the card records the read receipt (GET /v1/messages/{id})", read == "read",
          f"inbox delivery {read}; badge hidden, bell '{s['label']}'")

    # c. two windows: one stream, in sync, hand-over
    leader_window = driver.current_window_handle
    driver.switch_to.new_window("window")
    follower_window = driver.current_window_handle
    driver.get(demo)
    driver.execute_script("window.__accoladeCheckMarker = 'no-reload';")
    wait_for("the second window follows", lambda: (s := state(driver)) and s["role"] == "follower" and card_for(driver, m1) and s)
    m2 = send(server, api_token, recipient)
    wait_for("the follower shows the reward", lambda: card_for(driver, m2))
    wait_for("the follower's badge shows 1", lambda: state(driver)["badge"] == "1")
    driver.switch_to.window(leader_window)
    wait_for("the leader shows the reward", lambda: card_for(driver, m2))
    wait_for("the leader's badge shows 1", lambda: state(driver)["badge"] == "1")
    opened = state(driver)["opened"]
    driver.switch_to.window(follower_window)
    opened += state(driver)["opened"]
    gauge = server.metric("accolade_inbox_streams")
    check("c. a reward reaches both windows over ONE stream", opened == 1 and gauge in (None, 1.0),
          f"EventSources opened: {opened} (leader + follower); accolade_inbox_streams gauge: "
          + ("not exposed" if gauge is None else f"{gauge:g}"))
    click(driver, ".bell")
    click(driver, f'.card[data-message-id="{m2}"] .title')
    driver.switch_to.window(leader_window)
    s = wait_for("the leader's badge drops and its card shows read after a read in the other window",
                 lambda: (s := state(driver)) and s["badge"] == "" and not card_for(driver, m2)["unread"] and s)
    check("c. mark read in one window → the other's badge drops", True, "the other window's card shows read too")
    driver.close()  # the leader goes away: the follower takes over the stream
    driver.switch_to.window(follower_window)
    s = wait_for("the remaining window takes over the stream", lambda: (s := state(driver)) and s["role"] == "leader" and s["stream"] == "open" and s)
    m3 = send(server, api_token, recipient)
    wait_for("the new leader shows a reward sent after the hand-over", lambda: card_for(driver, m3))
    check("c. closing the leader hands the stream to the other window", True,
          f"resumed after sequence {s['lastSequence']}; the next reward arrived")

    # d. restart: a reward queued while the server is down arrives after it comes back
    server.stop()
    queued = subprocess.run([binary, "send", "reward-voucher", "--config", config, "--recipient-id", recipient,
                             "--channels", "inbox", "--locale", "en", "--data", "@" + os.path.join(work, "reward.json")],
                            capture_output=True, text=True, timeout=60)
    if not check("d. accolade send queues a reward while serve is down", queued.returncode == 0, queued.stderr.strip()[-300:]):
        return
    m4 = queued.stdout.strip().split()[-1]
    wait_for("the widget notices the server is gone", lambda: state(driver)["stream"] in ("connecting", "backoff"), timeout=10)
    server.start()
    started = time.monotonic()
    wait_for("the reward queued while down appears", lambda: card_for(driver, m4), timeout=40)
    s = wait_for("the stream is open again", lambda: (s := state(driver)) and s["stream"] == "open" and s)
    check("d. after a restart the stream reconnects and shows the reward sent while down",
          s["marker"] == "no-reload", f"{time.monotonic() - started:.1f} s after restart; no reload")

    # e. token expiry: event, no storm, resume with a new token
    short = mint(server, api_token, recipient, 60)
    driver.execute_script("document.querySelector('accolade-inbox').setAttribute('token', arguments[0]);", short["token"])
    wait_for("the widget reconnects with the short token", lambda: state(driver)["stream"] == "open")
    s = wait_for("the token-expired event", lambda: (s := state(driver)) and s["expired"] == "1" and s, timeout=100)
    check("e. token-expired event dispatched when the token ran out", s["stream"] == "expired",
          f"token expired at {short['expires_at']}; widget stream state '{s['stream']}'")
    before = stream_requests(server)
    time.sleep(6)
    after = stream_requests(server)
    check("e. no reconnect storm while the page has no new token", after == before,
          f"stream requests in 6 s after expiry: {after - before:g}")
    m5 = send(server, api_token, recipient)  # sent while the widget waits for a token
    fresh = mint(server, api_token, recipient, "1h")["token"]
    field = driver.find_element(By.ID, "token-field")
    field.send_keys(fresh)
    field.send_keys(Keys.ENTER)
    wait_for("the reward sent while the token was expired appears", lambda: card_for(driver, m5))
    s = wait_for("the stream is open with the new token", lambda: (s := state(driver)) and s["stream"] == "open" and s)
    m6 = send(server, api_token, recipient)
    wait_for("a reward after the new token appears", lambda: card_for(driver, m6))
    final = stream_requests(server)
    check("e. the page's new token resumes the widget without a reload, nothing missed",
          s["marker"] == "no-reload" and final - after == 1, f"stream requests for the new token: {final - after:g}")

    # f. another window in Indonesian, with more items than one page: infinite scroll
    batch = server.json("POST", "/v1/messages/batch", {"messages": [
        {"template": "reward-voucher", "to": {"id": recipient, "locale": "id"}, "channels": ["inbox"], "data": REWARD}
        for _ in range(25)]}, token=api_token, expect=(202,))
    ids = {r["id"] for r in batch["results"]}
    wait_for("the batch reaches the open window", lambda: ids <= {c["message"] for c in state(driver)["cards"]}, timeout=40)
    total = len(server.json("GET", "/v1/inbox/items?limit=100", token=fresh)["items"])
    driver.switch_to.new_window("window")
    driver.get(f"{demo}&locale=id")
    s = wait_for("the first page in the Indonesian window", lambda: (s := state(driver)) and len(s["cards"]) == 20 and s)
    heading = driver.execute_script("return document.querySelector('accolade-inbox').shadowRoot.querySelector('.heading').textContent")
    check("f. locale=id: Indonesian UI and time ago", heading == "Hadiah" and s["label"].startswith("Notifikasi")
          and s["cards"][0]["time"] not in ("", "now"), f"heading '{heading}', bell '{s['label']}', time '{s['cards'][0]['time']}'")
    click(driver, ".bell")
    for _ in range(5):
        driver.execute_script("const r = document.querySelector('accolade-inbox').shadowRoot.querySelector('.scroll'); r.scrollTop = r.scrollHeight;")
        time.sleep(0.5)
    s = wait_for("infinite scroll loads the rest", lambda: (s := state(driver)) and len(s["cards"]) == total and s)
    check("f. infinite scroll loads the next page when the end of the list comes into view", True,
          f"{len(s['cards'])} cards after scrolling (first page 20)")

    click(driver, ".mark-all")
    s = wait_for("mark all as read clears the badge", lambda: (s := state(driver)) and s["badge"] == "" and not any(c["unread"] for c in s["cards"]) and s)
    feed = server.json("GET", "/v1/inbox/items?limit=1", token=fresh)
    check("f. mark all as read: badge cleared, every card read, the server counts 0 unread", feed["unread_count"] == 0,
          f"unread_count {feed['unread_count']}, {len(s['cards'])} cards read")
    victim = s["cards"][0]
    click(driver, f'.card[data-id="{victim["id"]}"] .archive')
    wait_for("the archived card leaves the list", lambda: all(c["id"] != victim["id"] for c in state(driver)["cards"]))
    item = wait_for("the item is archived on the server",
                    lambda: (i := server.json("GET", f"/v1/inbox/items/{victim['id']}", token=fresh)) and i["archived_at"] and i)
    check("f. Archive removes the card and archives the item", True, f"archived_at {item['archived_at']}")
    theme = driver.execute_script("""
      const el = document.querySelector('accolade-inbox');
      el.style.setProperty('--accolade-accent', 'rgb(1, 2, 3)');
      const r = el.shadowRoot;
      return { action: getComputedStyle(r.querySelector('.action')).backgroundColor,
               panel: getComputedStyle(r.querySelector('.panel')).color,
               host: getComputedStyle(el).color, position: getComputedStyle(r.querySelector('.panel')).position };""")
    check("f. themable: --accolade-accent and ::part(panel) reach the shadow DOM; its own sheet applies under the CSP",
          theme["action"] == "rgb(1, 2, 3)" and theme["panel"] == "rgb(17, 24, 39)" != theme["host"] and theme["position"] == "absolute",
          f"action background {theme['action']}, panel color {theme['panel']} (host {theme['host']}), panel position {theme['position']}")

    # g. the fallback election without Web Locks (another recipient, so another lock and channel)
    other = recipient + "-nolocks"
    demo2 = f"{server.base}/v1/inbox/demo?token={mint(server, api_token, other, '1h')['token']}"
    windows = []
    for _ in range(2):
        driver.switch_to.new_window("window")
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete Navigator.prototype.locks;"})
        driver.get(demo2)
        windows.append(driver.current_window_handle)

    def states():
        out = {}
        for handle in windows:
            driver.switch_to.window(handle)
            out[handle] = state(driver)
        return out

    def one_leader():
        all_states = states()
        leaders = [h for h, s in all_states.items() if s and s["role"] == "leader" and s["stream"] == "open"]
        followers = [h for h, s in all_states.items() if s and s["role"] == "follower"]
        return len(leaders) == 1 and len(followers) == len(windows) - 1 and (leaders[0], all_states)

    leader, all_states = wait_for("one leader elected over BroadcastChannel", one_leader)
    driver.switch_to.window(leader)
    locks = driver.execute_script("return typeof navigator.locks")
    m7 = send(server, api_token, other)
    for handle in windows:
        driver.switch_to.window(handle)
        wait_for("the reward reaches every window without Web Locks", lambda: card_for(driver, m7))
    now = states()
    streaming = [h for h, s in now.items() if s["stream"] in ("open", "connecting")]
    check("g. without Web Locks: one leader, its one stream serves both windows", locks == "undefined" and streaming == [leader],
          f"navigator.locks {locks}; windows streaming {len(streaming)}; EventSources opened per window "
          + str(sorted((s["opened"] for s in now.values()), reverse=True)))
    driver.switch_to.window(leader)
    driver.close()
    windows.remove(leader)
    driver.switch_to.window(windows[0])
    s = wait_for("the other window takes over", lambda: (s := state(driver)) and s["role"] == "leader" and s["stream"] == "open" and s)
    m8 = send(server, api_token, other)
    wait_for("a reward after the hand-over", lambda: card_for(driver, m8))
    check("g. without Web Locks: closing the leader hands over the stream", True)

    # the browser's console: no CSP violation, no uncaught error
    problems = []
    for handle in driver.window_handles:
        driver.switch_to.window(handle)
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            if "Content Security Policy" in message or "Uncaught" in message:
                problems.append(message[:300])
    check("no CSP violation or uncaught error in the console", not problems, "; ".join(problems[:3]))


if __name__ == "__main__":
    sys.exit(main())
