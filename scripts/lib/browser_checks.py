"""Shared helpers of the headless-Chromium checks (check-inbox-browser.py,
check-preferences-browser.py, check-reports-browser.py): a real `accolade serve` on a fixed
127.0.0.1 port stopped by its PID, Debian's chromium + chromium-driver driven by Debian's
python3-selenium (nothing downloads a browser), bounded waits, and the one-line-per-check report.

Import it from a script in scripts/ with:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    import browser_checks as helpers
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 20  # seconds for anything that should happen "at once"

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
except ImportError:
    sys.exit("browser checks: python3-selenium is missing (scripts/setup.sh installs it; run with /usr/bin/python3)")


def binary_from_arguments():
    """The accolade binary: the first argument, else ACCOLADE_BIN, else .build/debug/accolade."""
    return os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ACCOLADE_BIN", os.path.join(ROOT, ".build/debug/accolade")))


def require_tools(name, binary):
    """Exits with what to install when the binary, chromium or chromedriver is missing."""
    for path, hint in [(binary, "build it with swift build"), (CHROMIUM, "apt-get install chromium"),
                       (CHROMEDRIVER, "apt-get install chromium-driver")]:
        if not os.access(path, os.X_OK):
            sys.exit(f"{name}: {path} is missing ({hint}; scripts/setup.sh installs the packages)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout=WAIT, interval=0.1):
    """predicate() until truthy; its last value, or raises with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except (WebDriverException, OSError, TypeError, KeyError, StopIteration, RuntimeError):
            last = None  # the page or server is between states: ask again
        if last:
            return last
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout} s")


class Server:
    """`accolade serve` on a fixed 127.0.0.1 port, stopped by PID."""

    def __init__(self, binary, config, port, work, env=None):
        self.binary, self.config, self.port, self.work = binary, config, port, work
        self.base = f"http://127.0.0.1:{port}"
        self.env = env
        self.process = None
        self.runs = 0

    def start(self):
        self.runs += 1
        out = open(os.path.join(self.work, f"serve-{self.runs}.out"), "w")
        err = open(os.path.join(self.work, f"serve-{self.runs}.err"), "w")
        self.process = subprocess.Popen([self.binary, "serve", "--config", self.config], stdout=out, stderr=err,
                                        stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"accolade serve exited {self.process.returncode}: " + open(err.name).read()[-2000:])
            if "listening on" in open(out.name).read():
                return
            time.sleep(0.1)
        raise RuntimeError("accolade serve did not start within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def http(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read().decode()
                return answer.status, text
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def json(self, method, path, body=None, token=None, expect=(200,)):
        status, text = self.http(method, path, body, token)
        if status not in expect:
            raise RuntimeError(f"{method} {path}: {status} {text[:500]}")
        return json.loads(text) if text else None

    def metric(self, name, label=None):
        """Sum of a metric's samples (optionally only lines containing `label`); None when absent."""
        status, text = self.http("GET", "/metrics")
        if status != 200:
            return None
        total, found = 0.0, False
        for line in text.splitlines():
            if line.startswith(name) and (line[len(name):len(name) + 1] in (" ", "{")) and (label is None or label in line):
                total += float(line.rsplit(" ", 1)[1])
                found = True
        return total if found else None


def start_browser(work):
    """Headless Chromium that resolves only 127.0.0.1 and keeps its console log for the checks."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900",
        # Loopback only: every other host name fails to resolve, and nothing phones home.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-first-run", "--no-default-browser-check",
        "--disable-sync", "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
        "--disable-extensions", "--disable-domain-reliability", "--no-pings",
        # Windows in the background keep their timers (the inbox's follower window must keep up).
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
        f"--user-data-dir={work}/chromium-profile",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, port=free_port(), log_path=os.path.join(work, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def quit_browser(driver):
    if driver is not None:
        try:
            driver.quit()
        except Exception:
            pass


class Check:
    """One line per check (`name: ok  what` / `name: FAIL what — detail`); counts failures."""

    def __init__(self, name):
        self.name = name
        self.failures = 0

    def __call__(self, what, ok, detail=""):
        print(f"{self.name}: {'ok  ' if ok else 'FAIL'} {what}" + (f" — {detail}" if detail else ""), flush=True)
        if not ok:
            self.failures += 1
        return ok
