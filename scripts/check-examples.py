#!/usr/bin/python3
"""Runs every CLI example of the `accolade … --help` texts and every CLI and HTTP (curl) example
of README.md's shell blocks, so no documented example can drift from what the binary accepts.

    scripts/check-examples.py            # needs a built .build/debug/accolade (ACCOLADE_BIN overrides)
    scripts/check-examples.py --list     # print the examples and how each is checked, run nothing

Each example runs from a temporary folder holding the shipped config/ (unchanged), a link to
templates/ and the files examples name (reward.json, my.json, winners.csv …), against the local
stand-ins scripts/run.sh uses, all on 127.0.0.1 ports picked at random: SMTP capture (aiosmtpd),
the Twilio and Graph API stand-ins, and an `accolade serve` for the curl examples. It must exit 0
(curl gets --fail-with-body, so an HTTP error fails it); `serve` and a `worker` without --drain
must start and stop cleanly on SIGTERM.

Checked for syntax only (ACCOLADE_CHECK_ARGUMENTS=1: parsed and validated, nothing run):
examples that name a real host (an smtp/smtps/postgres URL off loopback, --listen 0.0.0.0),
PostgreSQL ones (ACCOLADE_CONFIG=config/postgres.yml, store migrate-from-sqlite: no local
stand-in) and benchmarks (`bench`, `qr bench`).

Placeholders are filled in, never the example's shape: `<message-id>` and the sample ids
(0193f1c2-…) become a message queued here, `<run-id>` and `run_0193f1c2-…` a run started here, `<payload>` and the sample signature a payload signed
with this run's QR_SIGNING_KEY, 127.0.0.1:8080 this run's server, /tmp/ this run's folder,
`[--option]` the option itself. A failure prints the example's text and its output.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("ACCOLADE_BIN", os.path.join(ROOT, ".build/debug/accolade")))
PY = "/usr/bin/python3"
TOKEN = "examples-token-" + os.urandom(6).hex()
SIGNING_KEY = "examples-signing-key-" + os.urandom(6).hex()

REWARD = {"program": "Kudos Awards",
          "reward": {"voucher": {"amount": 50000, "currency": "IDR"}, "code": "RW-7Q2K", "expires_on": "2026-12-31"}}
# One CSV for every --csv example: the data column carries what each template needs (other keys are ignored).
CSV_DATA = dict(REWARD, milestone={"tier": "Gold", "count": 1250, "reached_on": "2026-11-23T09:30:00Z"})

ENV_WORD = re.compile(r"^[A-Z_][A-Z0-9_]*=")
REMOTE_URL = re.compile(r"\b(?:smtps?|postgres(?:ql)?)://(?:[^@/\s]*@)?(?!127\.0\.0\.1|localhost|\[::1\])[^\s/:'\"]+")
RUN_IDS = re.compile(r"run_0193f1c2-(?:…|7a4e-7b21-9c3d-5e6f7a8b9c0d)|<run-id>")
SAMPLE_IDS = re.compile(r"0193f1c2-(?:…|7a4e-7b21-9c3d-5e6f7a8b9c0d)|<message-id>|<delivery-or-message-id>")


class Example:
    def __init__(self, text, source):
        self.text = text
        self.source = source

    @property
    def words(self):
        return shlex.split(self.text, comments=True)

    @property
    def command(self):
        """The words after environment assignments."""
        words = self.words
        while words and ENV_WORD.match(words[0]):
            words = words[1:]
        return words

    def kind(self):
        words = self.command
        if words[0] == "curl":
            return "run"
        args = [w for w in words[1:] if not w.startswith("-")]
        if (REMOTE_URL.search(self.text) or "0.0.0.0" in self.text or "postgres" in self.text
                or "migrate-from-sqlite" in args or args[:1] == ["bench"] or args[:2] == ["qr", "bench"]):
            return "syntax"
        if args[:1] == ["serve"] or (args[:1] == ["worker"] and "--drain" not in words):
            return "service"
        return "run"


def logical_lines(text):
    """Lines with backslash continuations joined, and a quoted string that spans lines (a curl
    -d '{…}' body) kept whole."""
    out, pending = [], ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        pending += line
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the next line belongs to it
            pending += "\n"
            continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return out


def is_example(line):
    words = line.split()
    while words and ENV_WORD.match(words[0]):
        words = words[1:]
    return bool(words) and words[0] in ("accolade", "curl")


def readme_examples():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    examples = []
    for block in re.finditer(r"^```(?:sh|bash|shell)\n(.*?)^```", text, re.S | re.M):
        start = text.count("\n", 0, block.start()) + 2
        for line in logical_lines(block.group(1)):
            if is_example(line.strip()):
                examples.append(Example(line.strip(), f"README.md (block at line {start})"))
    return examples


def help_text(path):
    env = dict(os.environ, COLUMNS="1000")
    return subprocess.run([BIN, *path, "--help"], capture_output=True, text=True, env=env, check=True).stdout


def help_examples():
    examples, queue, seen = [], [[]], set()
    while queue:
        path = queue.pop(0)
        text = help_text(path)
        name = " ".join(["accolade", *path])
        for line in logical_lines(text):
            line = re.sub(r"^\s*Examples?:\s*", "", line).strip()
            if is_example(line):
                examples.append(Example(line, f"`{name} --help`"))
        section = re.search(r"^SUBCOMMANDS:\n(.*?)(?:\n\n|\Z)", text, re.S | re.M)
        for entry in (section.group(1).splitlines() if section else []):
            sub = entry.split()[0] if entry.startswith("  ") and entry.split() else None
            if sub and sub != "help" and (*path, sub) not in seen:
                seen.add((*path, sub))
                queue.append([*path, sub])
    return examples


def sign(payload):
    mac = hmac.new(SIGNING_KEY.encode(), payload.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


class Stand:
    """The folder, stand-ins and server the examples run against."""

    def __init__(self, work):
        self.work = work
        self.pids = []
        os.makedirs(os.path.join(work, "var/mail"))
        os.makedirs(os.path.join(work, "config"))
        os.makedirs(os.path.join(work, "tmp"))
        for name in os.listdir(os.path.join(ROOT, "config")):
            if os.path.isdir(os.path.join(ROOT, "config", name)):
                # config/workflows/: `serve`, `worker` and `workflows check` read it.
                shutil.copytree(os.path.join(ROOT, "config", name), os.path.join(work, "config", name))
                continue
            with open(os.path.join(ROOT, "config", name), "rb") as src, open(os.path.join(work, "config", name), "wb") as dst:
                dst.write(src.read())
        os.symlink(os.path.join(ROOT, "templates"), os.path.join(work, "templates"))
        for name in ("reward.json", "my.json", "my-data.json"):
            with open(os.path.join(work, name), "w") as f:
                json.dump(REWARD, f)
        with open(os.path.join(work, "winners.csv"), "w") as f:
            f.write("email,name,locale,data\n")
            for i, (name, locale) in enumerate([("Ana Putri", "id"), ("Jürgen Groß", "de"), ("Rafael Ortega", "es")]):
                data = json.dumps(CSV_DATA).replace('"', '""')
                f.write(f'winner{i}@example.com,{name},{locale},"{data}"\n')
        # Events per row for `trigger --csv` (config/workflows: points.earned, kudos.given).
        with open(os.path.join(work, "earners.csv"), "w") as f:
            f.write("id,email,reward.points:number,reward.code,reward.expires_on\n")
            f.write("crm-1,ana@example.com,120,PT-1,2026-12-31\ncrm-2,budi@example.com,40,PT-2,2026-12-31\n")
        with open(os.path.join(work, "kudos.csv"), "w") as f:
            f.write("id,email,from,message\n")
            f.write("crm-1,ana@example.com,Budi,Thanks for the demo\ncrm-2,citra@example.com,Dian,Great launch\n")
        smtp = self.start([PY, "scripts/test-servers/smtp_capture.py", "--dir", os.path.join(work, "var/mail")])
        twilio = self.start([PY, "scripts/test-servers/twilio_standin.py", "--account-sid", "AC" + "0" * 32,
                             "--auth-token", "standin-auth-token", "--out", os.path.join(work, "var/sms.jsonl")])
        whatsapp = self.start([PY, "scripts/test-servers/whatsapp_standin.py", "--phone-number-id", "106540352242922",
                               "--token", "standin-access-token", "--out", os.path.join(work, "var/whatsapp.jsonl"),
                               # Every WhatsApp send fails for good (131026): the message the
                               # examples' ids stand for has a failed delivery for `dead retry`.
                               "--fail-code", "131026", "--fail-count", "1000"])
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCOLADE_", "SMTP_", "TWILIO_", "WHATSAPP_", "QR_"))}
        bindir = os.path.join(work, "bin")
        os.makedirs(bindir)
        os.symlink(BIN, os.path.join(bindir, "accolade"))
        self.env.update({
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "ACCOLADE_LISTEN": "127.0.0.1:0", "ACCOLADE_TOKEN": TOKEN,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp}", "SMTP_STARTTLS": "never",
            "TWILIO_BASE_URL": f"http://127.0.0.1:{twilio}", "TWILIO_AUTH_TOKEN": "standin-auth-token",
            "WHATSAPP_API_BASE": f"http://127.0.0.1:{whatsapp}", "WHATSAPP_TOKEN": "standin-access-token",
            "WHATSAPP_APP_SECRET": "standin-app-secret-0123", "WHATSAPP_VERIFY_TOKEN": "standin-verify-token-0123",
            "QR_SIGNING_KEY": SIGNING_KEY, "ACCOLADE_INBOX_SECRET": "check-examples-inbox-signing-secret-0123",
            "NO_PROXY": "*", "no_proxy": "*",
        })
        self.env.pop("http_proxy", None)
        self.env.pop("HTTP_PROXY", None)
        self.message_id = self.accolade(
            "send", "reward-earned", "--to", "whatsapp:+6281234567890", "--name", "Ana Putri", "--channels", "whatsapp",
            "--data", "@reward.json").strip()
        self.accolade("worker", "--drain")
        # A run for the examples that name one (`runs show`): a kudos digest waiting for its window.
        started = json.loads(self.accolade(
            "trigger", "kudos.given", "--recipient-id", "crm-10492", "--to", "ana@example.com", "--json",
            "--data", json.dumps({"program": "Kudos Awards", "from": "Budi", "message": "Thanks!"})))
        self.run_id = started[0]["runs"][0]["id"]
        self.server, self.port = self.serve()

    def start(self, argv):
        process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.pids.append(process)
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise SystemExit(f"check-examples: {argv[1]} did not print its port")
        return int(line)

    def accolade(self, *args):
        r = subprocess.run([BIN, *args], cwd=self.work, env=self.env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise SystemExit(f"check-examples: setup `accolade {' '.join(args)}` failed: {r.stderr}")
        return r.stdout

    def serve(self):
        process = subprocess.Popen([BIN, "serve", "--no-worker"], cwd=self.work, env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.pids.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if found:
                return process, int(found.group(1))
            if not line and process.poll() is not None:
                break
        raise SystemExit(f"check-examples: accolade serve did not start: {process.stderr.read()}")

    def stop(self):
        for process in reversed(self.pids):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def prepared(self, example):
        """The example's text with this run's values in its placeholders."""
        text = RUN_IDS.sub(self.run_id, example.text)
        text = SAMPLE_IDS.sub(self.message_id, text)
        text = text.replace("127.0.0.1:8080", f"127.0.0.1:{self.port}").replace("/tmp/", self.work + "/tmp/")
        text = re.sub(r"\[(--[^\]]+)\]", r"\1", text)

        def signed(match):
            body = match.group(1)
            return "'" + body + ("&" if "?" in body else "?") + "sig=" + sign(body) + "'"
        text = re.sub(r"'([^'\s]+?)[?&]sig=[A-Za-z0-9_-]{22}'", signed, text)
        text = text.replace("'<payload>'", "'" + "https://rewards.example.com/r/RW-7Q2K?sig=" + sign("https://rewards.example.com/r/RW-7Q2K") + "'")
        if example.command[0] == "curl":
            text = text.replace("curl ", "curl --fail-with-body --max-time 60 ", 1)
        return text

    def check(self, example):
        """None when the example passed, else what went wrong."""
        text = self.prepared(example)
        kind = example.kind()
        if example.command[1:3] == ["dead", "retry"] and "--all" not in example.command:
            self.accolade("worker", "--drain")  # an earlier example requeued it: let it fail again
        env = dict(self.env)
        if kind == "syntax":
            env["ACCOLADE_CHECK_ARGUMENTS"] = "1"
        if kind == "service":
            process = subprocess.Popen(["bash", "-c", "exec " + text], cwd=self.work, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=False)
            try:
                process.wait(timeout=3)
                out, err = process.communicate()
                return f"exited early ({process.returncode}): {out}{err}"
            except subprocess.TimeoutExpired:
                pass
            process.send_signal(signal.SIGTERM)
            try:
                out, err = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                return f"did not stop within 30 s of SIGTERM: {out}{err}"
            return None if process.returncode == 0 else f"exit {process.returncode} after SIGTERM: {out}{err}"
        try:
            r = subprocess.run(["bash", "-c", text], cwd=self.work, env=env, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            return "did not finish within 180 s"
        if r.returncode != 0:
            return f"exit {r.returncode}: {r.stdout}{r.stderr}"
        if kind == "syntax" and "arguments ok" not in r.stdout:
            return f"not a syntax check (did ACCOLADE_CHECK_ARGUMENTS reach accolade?): {r.stdout}{r.stderr}"
        return None


def main():
    if not os.access(BIN, os.X_OK):
        raise SystemExit(f"check-examples: {BIN} is not built (swift build)")
    probe = subprocess.run([BIN, "templates", "list"], capture_output=True, text=True,
                           env=dict(os.environ, ACCOLADE_CHECK_ARGUMENTS="1"), timeout=60)
    if "arguments ok" not in probe.stdout:
        raise SystemExit(f"check-examples: {BIN} ignores ACCOLADE_CHECK_ARGUMENTS (built from an older tree?); "
                         "refusing to run examples that must only be parsed")
    examples = help_examples() + readme_examples()
    if "--list" in sys.argv:
        for example in examples:
            print(f"{example.kind():8} {example.source}: {example.text}")
        return 0
    failures, counts = [], {"run": 0, "service": 0, "syntax": 0}
    with tempfile.TemporaryDirectory(prefix="accolade-examples.") as work:
        stand = Stand(work)
        try:
            for example in examples:
                counts[example.kind()] += 1
                problem = stand.check(example)
                if problem:
                    failures.append((example, problem))
                    print(f"FAIL {example.source}: {example.text}\n     {problem.strip()[:2000]}", file=sys.stderr)
        finally:
            stand.stop()
    print(f"check-examples: {len(examples)} examples ({counts['run']} run, {counts['service']} started and stopped, "
          f"{counts['syntax']} syntax only): {len(examples) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
