#!/usr/bin/python3
"""Fault injection against real Accolade processes; run through scripts/chaos.sh (see its header for
the rows, the definitions and the bar). Standard library only; loopback only; every process it
starts is stopped by PID when it ends, whatever way it ends.

    /usr/bin/python3 scripts/chaos/chaos.py --bin .build/debug/accolade [--short] [--rows a,b] [--keep]
"""
import argparse
import collections
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVERS = os.path.join(ROOT, "scripts", "test-servers")
PY = "/usr/bin/python3"
# Delivery states that are not final: a row is settled when none of its deliveries is in one.
OPEN_STATES = ("pending", "scheduled", "available", "running", "retryable")
TWILIO_SID = "AC" + "c4a05" * 6 + "ab"   # AC + 32 hex digits


def log(text):
    print("chaos: " + text, file=sys.stderr, flush=True)


class Stop(Exception):
    """SIGINT/SIGTERM/SIGHUP to the script: unwind, stop everything, exit non-zero."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Processes

class Procs:
    """Every child process the script starts, so each is stopped by its PID on the way out."""

    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def start(self, argv, out=None, err=None, env=None, port_line=False):
        stdout = subprocess.PIPE if port_line else (open(out, "ab") if out else subprocess.DEVNULL)
        stderr = open(err, "ab") if err else subprocess.DEVNULL
        p = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
        with self.lock:
            self.items.append(p)
        if port_line:
            ready, _, _ = select.select([p.stdout], [], [], 15)
            line = p.stdout.readline().decode().strip() if ready else ""
            if not line.isdigit():
                self.stop(p)
                raise RuntimeError("%s did not announce its port (see %s)" % (os.path.basename(argv[1]), err))
            p.port = int(line)
            threading.Thread(target=lambda: p.stdout.read(), daemon=True).start()
        return p

    def stop(self, p, sig=signal.SIGTERM, wait=10.0):
        """Signals one process by PID and waits for it; SIGKILL when it does not go in time."""
        if p.poll() is None:
            try:
                os.kill(p.pid, sig)
                p.wait(wait)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
            except ProcessLookupError:
                pass
        return p.returncode

    def stop_all(self):
        with self.lock:
            items = list(self.items)
        for p in reversed(items):
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for p in reversed(items):
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)


class PostgresCluster:
    """A throw-away cluster from scripts/postgres-test-cluster.sh: one database per row."""

    def __init__(self):
        out = subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-cluster.sh"), "start"], cwd=ROOT,
                             check=True, capture_output=True, text=True, timeout=120).stdout
        values = dict(re.findall(r"export (\w+)=(\S+)", out))
        self.dir = values["ACCOLADE_PG_DIR"]
        self.admin = values["ACCOLADE_TEST_POSTGRES_URL"]
        self.bin = sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p)])[-1]

    def database(self, name):
        subprocess.run(["psql", self.admin, "-q", "-c", "CREATE DATABASE %s" % name], check=True, capture_output=True, timeout=60)
        return self.admin.rsplit("/", 1)[0] + "/" + name

    def restart(self):
        """pg_ctl restart -m fast (every connection is cut; the server is back when it returns)."""
        # -l: the new postmaster must not inherit our pipes (it would hold them open for ever).
        argv = [os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-l", os.path.join(self.dir, "server.log"),
                "-m", "fast", "-w", "-t", "60", "restart"]
        if os.getuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        started = time.monotonic()
        subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)
        return time.monotonic() - started

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts", "postgres-test-cluster.sh"), "stop", self.dir], cwd=ROOT,
                       capture_output=True, timeout=120)


# ---------------------------------------------------------------------------------------------
# Reading the store and the sinks

class StoreView:
    """Read-only queries on the row's store (another process: the script never shares a connection)."""

    def __init__(self, sqlite_path=None, postgres_url=None):
        self.sqlite_path = sqlite_path
        self.postgres_url = postgres_url

    def _rows(self, sql_sqlite, sql_pg):
        try:
            if self.sqlite_path:
                if not os.path.exists(self.sqlite_path):
                    return None
                db = sqlite3.connect("file:%s?mode=ro" % self.sqlite_path, uri=True, timeout=2)
                try:
                    return db.execute(sql_sqlite).fetchall()
                finally:
                    db.close()
            r = subprocess.run(["psql", self.postgres_url, "-At", "-c", sql_pg], capture_output=True, text=True, timeout=15)
            if r.returncode != 0:
                return None
            return json.loads(r.stdout.strip() or "[]")
        except (sqlite3.Error, subprocess.TimeoutExpired, ValueError, OSError):
            return None

    def states(self):
        """{state: count}, or None when the store does not answer."""
        rows = self._rows("SELECT state, count(*) FROM deliveries GROUP BY state",
                          "SELECT coalesce(json_agg(json_build_array(state, n)), '[]') FROM "
                          "(SELECT state, count(*) AS n FROM deliveries GROUP BY state) s")
        return None if rows is None else {s: n for s, n in rows}

    def running_owned_by(self, pid):
        """Deliveries claimed (running) by the worker process with this PID."""
        pattern = "%%:%d:%%" % pid
        rows = self._rows("SELECT count(*) FROM deliveries WHERE state = 'running' AND lease_owner LIKE '%s'" % pattern,
                          "SELECT json_build_array(count(*)) FROM deliveries WHERE state = 'running' AND lease_owner LIKE '%s'" % pattern)
        if rows is None:
            return None
        return rows[0][0] if self.sqlite_path else rows[0]

    def finals(self):
        """{idempotency key: (state, attempts, last error)} for every delivery."""
        rows = self._rows(
            "SELECT m.idempotency_key, d.state, d.attempts, coalesce(d.last_error, '') FROM messages m "
            "JOIN deliveries d ON d.message_id = m.id",
            "SELECT coalesce(json_agg(json_build_array(m.idempotency_key, d.state, d.attempts, coalesce(d.last_error, ''))), '[]') "
            "FROM messages m JOIN deliveries d ON d.message_id = m.id")
        return None if rows is None else {k: (s, a, e) for k, s, a, e in rows}


class SinkLog:
    """Arrivals at a sink, read incrementally from its JSON-lines log: marker → count."""

    def __init__(self, path, marker):
        self.path = path
        self.marker = marker      # JSON record → marker string, or None when the line is not an arrival
        self.offset = 0
        self.counts = collections.Counter()
        self.lock = threading.Lock()

    def refresh(self):
        with self.lock:
            if not os.path.exists(self.path):
                return self.counts
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            end = data.rfind(b"\n") + 1
            self.offset += end
            for line in data[:end].splitlines():
                try:
                    m = self.marker(json.loads(line))
                except ValueError:
                    continue
                if m:
                    self.counts[m] += 1
            return self.counts

    def unique(self):
        return len(self.refresh())


def email_marker(record):
    return record["rcpt"][0].lower() if record.get("rcpt") else None


def twilio_marker(record):
    if record.get("status") != 201:
        return None
    return record["form"].get("To", [None])[0]


def whatsapp_marker(record):
    if record.get("status") != 200 or not record.get("path", "").endswith("/messages") or not record.get("body"):
        return None
    return "+" + record["body"]["to"].lstrip("+")


def http_get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


# ---------------------------------------------------------------------------------------------
# Rows

class Row:
    """One fault scenario: its store, channel, sinks, workers, fault plan and the bar it is held to."""

    def __init__(self, key, title, channel, messages, short, store="sqlite", workers=2, serve=False,
                 plan=None, expect="sent", killed=False, smtp=None, standin=None, config="accolade.yml",
                 grace="10s", http_timeout="2s", deadline=180, short_deadline=60, callbacks=None, note=""):
        self.key, self.title, self.channel = key, title, channel
        self.full_messages, self.short_messages = messages, short
        self.store, self.workers, self.serve, self.plan = store, workers, serve, plan
        self.expect, self.killed = expect, killed
        self.smtp, self.standin = smtp or {}, standin or {}
        self.config, self.grace, self.http_timeout = config, grace, http_timeout
        self.full_deadline, self.short_deadline = deadline, short_deadline
        self.callbacks = callbacks or {}    # {"early": status, "late": [statuses]}
        self.note = note


class Worker:
    def __init__(self, popen, index):
        self.popen, self.index = popen, index
        self.signaled = None   # the signal the script sent, if any
        self.seen_exit = False


class RowRun:
    """A row being run: its processes, progress readers and findings."""

    def __init__(self, chaos, row, n):
        self.chaos, self.row, self.n = chaos, row, n
        self.procs = chaos.procs
        self.dir = os.path.join(chaos.work, row.key)
        os.makedirs(self.dir)
        self.workers = []
        self.lock = threading.Lock()
        self.exits = []            # (worker index, exit code, last error line)
        self.signaled_exits = []   # (worker index, signal, exit code)
        self.in_flight = 0         # deliveries claimed by a worker the script killed/terminated, at the signal
        self.notes = []
        self.fail = []
        self.plan_done = threading.Event()
        self.plan_error = None
        self.stopping = False
        self.started = None
        self.restarts = 0

    # markers: the recipient address is unique per message, the idempotency key names it in the store
    def key(self, i):
        return "chaos-%s-%05d" % (self.row.key, i)

    def marker(self, i):
        if self.row.channel == "email":
            return "c%05d-%s@example.com" % (i, self.row.key)
        prefix = "+62812" if self.row.channel == "sms" else "+62813"
        return "%s%07d" % (prefix, i)

    def arrived(self):
        return self.sink.unique()

    def progress(self):
        return self.arrived() / max(1, self.n)

    def env(self):
        e = dict(self.chaos.env)
        e.update(self.env_extra)
        return e

    def accolade(self, *args):
        return [self.chaos.bin] + list(args) + ["--config", self.config_path]

    def start_worker(self):
        index = len(self.workers)
        p = self.procs.start(self.accolade("worker"), out=os.path.join(self.dir, "worker-%d.out" % index),
                             err=os.path.join(self.dir, "worker-%d.log" % index), env=self.env())
        w = Worker(p, index)
        with self.lock:
            self.workers.append(w)
        return w

    def signal_worker(self, index, sig):
        """Sends `sig` to a worker (counted as the script's doing) and notes its claims at that moment."""
        w = self.workers[index]
        before = self.store.running_owned_by(w.popen.pid)
        w.signaled = sig
        os.kill(w.popen.pid, sig)
        if sig == signal.SIGKILL:
            w.popen.wait(10)
        after = self.store.running_owned_by(w.popen.pid)
        self.in_flight += max(before or 0, after or 0)
        self.notes.append("%s to worker %d (pid %d) at %d/%d arrived: %s deliveries in flight" % (
            signal.Signals(sig).name, index, w.popen.pid, self.arrived(), self.n, max(before or 0, after or 0)))

    def wait_for(self, what, fraction, seconds):
        """Waits until `fraction` of the messages arrived, or `seconds` passed (noted), for a plan."""
        deadline = time.monotonic() + seconds
        while self.progress() < fraction:
            if time.monotonic() > deadline or self.stopping:
                self.notes.append("%s injected at %d/%d arrived (%.0f s without reaching %d%%)" % (
                    what, self.arrived(), self.n, seconds, fraction * 100))
                return
            time.sleep(0.05)


# -- fault plans: each runs in its own thread while the main thread supervises the workers --------

def plan_pg_restart(run):
    for i, fraction in enumerate((0.2, 0.55)):
        run.wait_for("restart %d" % (i + 1), fraction, 60)
        took = run.chaos.pg.restart()
        run.notes.append("pg_ctl restart -m fast %d at %d/%d arrived (%.1f s)" % (i + 1, run.arrived(), run.n, took))


def plan_sqlite_lock(run):
    run.wait_for("the lock", 0.2, 60)
    code = ("import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "db.execute('COMMIT')\n")
    holder = run.procs.start([PY, "-c", code, run.sqlite_path, "10"], port_line=False,
                             out=os.path.join(run.dir, "lock.out"), err=os.path.join(run.dir, "lock.log"))
    at = run.arrived()
    started = time.monotonic()
    holder.wait(60)
    held = time.monotonic() - started
    run.notes.append("BEGIN EXCLUSIVE held for 10 s by another process from %d/%d arrived (exit %s, %.1f s incl. waiting for the lock)" % (
        at, run.n, holder.returncode, held))
    if holder.returncode != 0:
        raise RuntimeError("the lock holder failed (see %s)" % os.path.join(run.dir, "lock.log"))


def plan_kill(run):
    run.wait_for("SIGKILL", 0.3, 60)
    run.signal_worker(0, signal.SIGKILL)


def plan_term(run):
    run.wait_for("SIGTERM", 0.3, 60)
    run.signal_worker(0, signal.SIGTERM)


def plan_cert_swap(run):
    # Let the workers meet the untrusted certificate first: wait for STARTTLS attempts to fail.
    stats = run.smtp_stats
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and stats().get("tls_failed", 0) < 1:
        time.sleep(0.2)
    time.sleep(3)
    tls = os.path.join(run.dir, "tls")
    with open(os.path.join(tls, "next.pem"), "w") as f:   # certificate and key together: one rename swaps both
        f.write(open(os.path.join(tls, "trusted.pem")).read() + open(os.path.join(tls, "trusted.key")).read())
    os.replace(os.path.join(tls, "next.pem"), os.path.join(tls, "server.pem"))
    run.notes.append("certificate replaced by a trusted one after %d refused TLS handshakes, %d/%d arrived" % (
        stats().get("tls_failed", 0), run.arrived(), run.n))


def make_certificates(directory):
    """A throw-away CA that Accolade trusts (ca.pem), a rogue CA it does not, and a server
    certificate for 127.0.0.1 from each: trusted.pem/key and untrusted.pem/key. server.pem (the
    relay's certificate and key in one file) starts as the untrusted one."""
    os.makedirs(directory)

    def ossl(*args):
        subprocess.run(["openssl"] + list(args), cwd=directory, check=True, capture_output=True, timeout=60)

    for ca in ("ca", "rogue"):
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "2",
             "-subj", "/CN=Accolade chaos %s" % ca, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    for name, ca in (("trusted", "ca"), ("untrusted", "rogue")):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=127.0.0.1")
        ossl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
             "-out", name + ".pem", "-days", "2", "-extfile", "san.ext")
    with open(os.path.join(directory, "server.pem"), "w") as f:
        f.write(open(os.path.join(directory, "untrusted.pem")).read() + open(os.path.join(directory, "untrusted.key")).read())


def rows():
    return [
        Row("pg-restart", "PostgreSQL restarted twice (pg_ctl restart -m fast), 2 workers", "email", 5000, 1000,
            store="postgres", plan=plan_pg_restart),
        Row("sqlite-lock", "SQLite write lock (BEGIN EXCLUSIVE) held 10 s, lease 5 s, 2 workers", "email", 4000, 1000,
            plan=plan_sqlite_lock),
        Row("smtp-faults", "SMTP 421/451/dropped connection on 20% of messages", "email", 2000, 300,
            smtp={"fault_rate": 0.2}),
        Row("twilio-faults", "Twilio stand-in: 429 + Retry-After, 500, stalls past the timeout", "sms", 1000, 200,
            standin={"chaos_429": 0.05, "chaos_500": 0.05, "chaos_stall": 0.02}),
        Row("whatsapp-faults", "WhatsApp stand-in: 429 + Retry-After, 500, stalls past the timeout", "whatsapp", 1000, 200,
            standin={"chaos_429": 0.05, "chaos_500": 0.05, "chaos_stall": 0.02}),
        Row("twilio-early", "Twilio status callback before the send is answered", "sms", 500, 100,
            serve=True, workers=1, expect="delivered", callbacks={"early": "delivered"}, http_timeout="10s"),
        Row("whatsapp-early", "WhatsApp status before the send is answered", "whatsapp", 500, 100,
            serve=True, workers=1, expect="delivered", callbacks={"early": "delivered"}, http_timeout="10s"),
        Row("twilio-replay", "Twilio callbacks replayed/out of order (delivered,sent,delivered,failed)", "sms", 500, 100,
            serve=True, workers=1, expect="delivered", callbacks={"late": ["delivered", "sent", "delivered", "failed"]}),
        Row("whatsapp-replay", "WhatsApp statuses replayed/out of order (read,delivered,sent,read,failed)", "whatsapp", 500, 100,
            serve=True, workers=1, expect="read", callbacks={"late": ["read", "delivered", "sent", "read", "failed"]}),
        Row("kill9", "SIGKILL of one of 2 workers mid-run", "email", 3000, 1000, plan=plan_kill, killed=True),
        Row("sigterm", "SIGTERM to one of 2 workers with deliveries in flight (grace 1 s)", "email", 1500, 400,
            plan=plan_term, killed=True, smtp={"delay_ms": 20}, grace="1s"),
        Row("tls-swap", "SMTP relay certificate not trusted, then replaced by a trusted one", "email", 300, 100,
            workers=1, config="accolade-tls.yml", smtp={"tls": True}, plan=plan_cert_swap, deadline=240, short_deadline=90),
    ]


# ---------------------------------------------------------------------------------------------

class Chaos:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.short = args.short
        self.procs = Procs()
        self.work = tempfile.mkdtemp(prefix="accolade-chaos.")
        self.pg = None
        self.env = dict(os.environ)
        # Fresh provider secrets per run, given to Accolade and the stand-ins through the environment.
        self.env.update({
            "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
            "WHATSAPP_TOKEN": secrets.token_hex(24), "WHATSAPP_APP_SECRET": secrets.token_hex(16),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(16),
        })
        for k in ("ACCOLADE_CONFIG", "CHAOS_SQLITE", "CHAOS_POSTGRES"):
            self.env.pop(k, None)
        self.results = []

    def run(self, selected):
        if any(r.store == "postgres" for r in selected):
            log("starting a throw-away PostgreSQL cluster")
            self.pg = PostgresCluster()
        for row in selected:
            started = time.monotonic()
            log("row %s: %s" % (row.key, row.title))
            try:
                result = self.run_row(row)
            except Stop:
                raise
            except Exception as e:   # a broken row is a failed row, and the next one still runs
                with open(os.path.join(self.work, row.key + ".traceback"), "w") as f:
                    __import__("traceback").print_exc(file=f)
                result = {"row": row, "messages": 0, "delivered": 0, "lost": 0, "duplicates": 0, "exits": 0,
                          "wrong": 0, "fail": ["the row could not run: %s" % e], "notes": []}
            result["seconds"] = time.monotonic() - started
            self.results.append(result)
            log("row %s: %s in %.0f s" % (row.key, "ok" if not result["fail"] else "FAIL", result["seconds"]))

    # -- one row ------------------------------------------------------------------------------
    def run_row(self, row):
        n = row.short_messages if self.short else row.full_messages
        run = RowRun(self, row, n)
        deadline_s = row.short_deadline if self.short else row.full_deadline
        run.env_extra = {"CHAOS_API_PORT": str(free_port()), "CHAOS_HTTP_TIMEOUT": row.http_timeout,
                         "CHAOS_SHUTDOWN_GRACE": row.grace, "CHAOS_SMTP_PORT": "1", "CHAOS_TWILIO_PORT": "1",
                         "CHAOS_WHATSAPP_PORT": "1"}
        run.config_path = os.path.join(HERE, row.config)
        if row.store == "postgres":
            url = self.pg.database("chaos_" + row.key.replace("-", "_"))
            run.env_extra["CHAOS_POSTGRES"] = url
            run.store = StoreView(postgres_url=url)
            run.sqlite_path = None
        else:
            run.sqlite_path = os.path.join(run.dir, "accolade.sqlite")
            run.env_extra["CHAOS_SQLITE"] = run.sqlite_path
            run.store = StoreView(sqlite_path=run.sqlite_path)

        self.start_sinks(run)
        if row.config == "accolade-tls.yml":
            self.prepare_tls(run)

        # Enqueue: one CSV, one accepted message per row, each with its own recipient and idempotency key.
        csv_path = os.path.join(run.dir, "messages.csv")
        column = {"email": "email", "sms": "phone", "whatsapp": "whatsapp"}[row.channel]
        with open(csv_path, "w") as f:
            f.write("%s,name,locale,idempotency_key,program,reward.code,reward.expires_on,reward.points:number\n" % column)
            for i in range(n):
                f.write("%s,Chaos %d,en,%s,Chaos,RW-%06d,2030-12-31,%d\n" % (run.marker(i), i, run.key(i), i, 100 + i))
        send = subprocess.run(run.accolade("send", "reward-earned", "--csv", csv_path, "--channels", row.channel, "--json"),
                              cwd=ROOT, env=run.env(), capture_output=True, text=True, timeout=300)
        with open(os.path.join(run.dir, "send.log"), "w") as f:
            f.write(send.stdout + send.stderr)
        try:
            summary = json.loads(send.stdout)
        except ValueError:
            raise RuntimeError("accolade send --csv failed (exit %d): %s" % (send.returncode, send.stderr.strip()[-300:]))
        accepted = summary.get("accepted", 0) + summary.get("replayed", 0)
        if accepted != n:
            run.fail.append("only %d of %d messages were accepted" % (accepted, n))

        if row.serve:
            self.start_serve(run)
        run.started = time.monotonic()
        for _ in range(row.workers):
            run.start_worker()
        plan_thread = None
        if row.plan:
            def plan():
                try:
                    row.plan(run)
                except Exception as e:
                    run.plan_error = e
                finally:
                    run.plan_done.set()
            plan_thread = threading.Thread(target=plan, daemon=True)
            plan_thread.start()
        else:
            run.plan_done.set()

        self.supervise(run, accepted, time.monotonic() + deadline_s)
        run.stopping = True
        self.stop_row(run)
        if plan_thread:
            plan_thread.join(30)
        return self.analyse(run, accepted)

    def start_sinks(self, run):
        row = run.row
        d = run.dir
        if row.channel == "email":
            argv = [PY, os.path.join(SERVERS, "smtp_faulty.py"), "--log", os.path.join(d, "smtp.jsonl"),
                    "--fault-rate", str(row.smtp.get("fault_rate", 0)), "--delay-ms", str(row.smtp.get("delay_ms", 0)),
                    "--seed", "12"]
            if row.smtp.get("tls"):
                argv += ["--tls-cert", os.path.join(d, "tls", "server.pem")]   # certificate and key in one file
            p = self.procs.start(argv, err=os.path.join(d, "smtp.log"), port_line=True)
            run.sink_proc = p
            run.env_extra["CHAOS_SMTP_PORT"] = str(p.port)
            run.sink = SinkLog(os.path.join(d, "smtp.jsonl"), email_marker)

            def smtp_stats():
                try:
                    os.kill(p.pid, signal.SIGUSR1)
                    time.sleep(0.1)
                    with open(os.path.join(d, "smtp.jsonl.stats")) as f:
                        return json.load(f)
                except (OSError, ValueError):
                    return {}
            run.smtp_stats = smtp_stats
            return
        chaos = []
        for k, v in row.standin.items():
            chaos += ["--" + k.replace("_", "-"), str(v)]
        chaos += ["--seed", "7", "--chaos-retry-after", "1", "--stall-seconds", "30",
                  "--callbacks-out", os.path.join(d, "callbacks.jsonl")]
        if row.callbacks.get("early"):
            chaos += ["--callback-early", row.callbacks["early"]]
        if row.callbacks.get("late"):
            chaos += ["--callback-late", ",".join(row.callbacks["late"]), "--callback-delay", "1"]
        if row.channel == "sms":
            argv = [PY, os.path.join(SERVERS, "twilio_standin.py"), "--account-sid", TWILIO_SID,
                    "--auth-token", self.env["TWILIO_AUTH_TOKEN"], "--out", os.path.join(d, "twilio.jsonl")] + chaos
            p = self.procs.start(argv, err=os.path.join(d, "twilio.log"), port_line=True)
            run.env_extra["CHAOS_TWILIO_PORT"] = str(p.port)
            run.sink = SinkLog(os.path.join(d, "twilio.jsonl"), twilio_marker)
        else:
            argv = [PY, os.path.join(SERVERS, "whatsapp_standin.py"), "--phone-number-id", "106540352242922",
                    "--token", self.env["WHATSAPP_TOKEN"], "--out", os.path.join(d, "whatsapp.jsonl"),
                    "--app-secret", self.env["WHATSAPP_APP_SECRET"],
                    "--webhook-url", "http://127.0.0.1:%s/v1/webhooks/whatsapp" % run.env_extra["CHAOS_API_PORT"]] + chaos
            p = self.procs.start(argv, err=os.path.join(d, "whatsapp.log"), port_line=True)
            run.env_extra["CHAOS_WHATSAPP_PORT"] = str(p.port)
            run.sink = SinkLog(os.path.join(d, "whatsapp.jsonl"), whatsapp_marker)
        run.sink_proc = p
        run.standin_stats = lambda: http_get_json("http://127.0.0.1:%d/_stats" % p.port)

    def prepare_tls(self, run):
        tls = os.path.join(run.dir, "tls")
        make_certificates(tls)
        run.env_extra["CHAOS_SMTP_CA_FILE"] = os.path.join(tls, "ca.pem")
        # A build without channels.email.smtp.ca_file refuses the key: run without it and say so.
        check = subprocess.run(run.accolade("stats", "--json"), cwd=ROOT, env=run.env(), capture_output=True, text=True, timeout=120)
        said = (check.stdout + check.stderr).strip()
        if check.returncode != 0 and "ca_file" in said:
            fallback = os.path.join(run.dir, "accolade-tls-without-ca-file.yml")
            with open(run.config_path) as src, open(fallback, "w") as dst:
                dst.write("".join(l for l in src if "ca_file:" not in l))
            run.config_path = fallback
            run.notes.append("EXPECTED TO FAIL until channels.email.smtp.ca_file exists: this build refused the key (%s); "
                             "ran without it, so no certificate is trusted" % shorten(said, 160))

    def start_serve(self, run):
        p = self.procs.start(run.accolade("serve", "--no-worker"), out=os.path.join(run.dir, "serve.out"),
                             err=os.path.join(run.dir, "serve.log"), env=run.env())
        run.serve_proc = p
        url = "http://127.0.0.1:%s/healthz" % run.env_extra["CHAOS_API_PORT"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise RuntimeError("accolade serve exited (%s); see %s" % (p.returncode, os.path.join(run.dir, "serve.log")))
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("accolade serve did not answer /healthz within 60 s")

    def supervise(self, run, accepted, deadline):
        """Restarts workers that exit on their own (as systemd would; each exit is counted) until
        the row settles: faults injected, no delivery open, callbacks all posted, quiet for 2 s."""
        row = run.row
        quiet_since = None
        last_check = 0
        while True:
            now = time.monotonic()
            for w in list(run.workers):
                if w.seen_exit or w.popen.poll() is None:
                    continue
                w.seen_exit = True
                if w.signaled is not None:
                    run.signaled_exits.append((w.index, signal.Signals(w.signaled).name, w.popen.returncode))
                    continue
                run.exits.append((w.index, w.popen.returncode, last_error(os.path.join(run.dir, "worker-%d.log" % w.index))))
                if run.restarts < 5:
                    run.restarts += 1
                    run.start_worker()
            if row.serve and run.serve_proc.poll() is not None and not getattr(run, "serve_exit_seen", False):
                run.serve_exit_seen = True
                run.fail.append("accolade serve exited on its own (code %s): %s" % (
                    run.serve_proc.returncode, last_error(os.path.join(run.dir, "serve.log"))))
            if now > deadline:
                states = run.store.states() or {}
                run.notes.append("deadline reached; open deliveries: %s" % (
                    ", ".join("%s %d" % (s, states[s]) for s in OPEN_STATES if states.get(s)) or "none"))
                run.fail.append("the row did not settle within its deadline")
                return
            if now - last_check >= 0.5:
                last_check = now
                settled = run.plan_done.is_set() and self.settled(run, accepted)
                if settled:
                    quiet_since = quiet_since or now
                    if now - quiet_since >= 2:
                        return
                else:
                    quiet_since = None
            time.sleep(0.1)

    def settled(self, run, accepted):
        states = run.store.states()
        if states is None or sum(states.values()) < accepted:
            return False
        if any(states.get(s) for s in OPEN_STATES):
            return False
        if not any(w.popen.poll() is None for w in run.workers):
            return False   # nobody left to deliver (a supervisor restart may still be due)
        if run.row.callbacks:
            try:
                stats = run.standin_stats()
            except OSError:
                return False
            made = stats.get("created", stats.get("accepted", 0))
            per = (1 if run.row.callbacks.get("early") else 0) + len(run.row.callbacks.get("late", []))
            if stats.get("callbacks", 0) < made * per:
                return False
        return True

    def stop_row(self, run):
        """SIGTERM to every worker and server of the row (the script's doing: not counted)."""
        for w in run.workers:
            if w.popen.poll() is None:
                w.signaled = w.signaled or signal.SIGTERM
                os.kill(w.popen.pid, signal.SIGTERM)
        # A worker that does not stop within its grace (+15 s) has stopped working: it is hung.
        limit = time.monotonic() + duration_seconds(run.row.grace) + 15
        for w in run.workers:
            try:
                w.popen.wait(max(0.1, limit - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.fail.append("worker %d (pid %d) hung: it did not stop within %s + 15 s of the final SIGTERM (killed); "
                                "last words: %s" % (w.index, w.popen.pid, run.row.grace, last_error(os.path.join(run.dir, "worker-%d.log" % w.index))))
                self.procs.stop(w.popen, signal.SIGKILL)
        if run.row.serve:
            self.procs.stop(run.serve_proc)
        try:
            run.sink_stats = run.smtp_stats() if run.row.channel == "email" else run.standin_stats()
        except OSError:
            run.sink_stats = {}
        run.callback_stats = run.sink_stats
        self.procs.stop(run.sink_proc)

    def analyse(self, run, accepted):
        row = run.row
        arrivals = run.sink.refresh()
        finals = None
        for _ in range(10):
            finals = run.store.finals()
            if finals is not None:
                break
            time.sleep(1)
        finals = finals or {}
        delivered = lost = duplicates = wrong = 0
        still_open = collections.Counter()
        failed_reasons = collections.Counter()
        wrong_kinds = collections.Counter()
        for i in range(run.n):
            key, marker = run.key(i), run.marker(i)
            got = arrivals.get(marker, 0)
            state, attempts, error = finals.get(key, ("missing", 0, ""))
            if got:
                delivered += 1
                duplicates += got - 1
                if state != row.expect:
                    wrong += 1
                    wrong_kinds["arrived, ended %s" % state] += 1
            else:
                # No legitimate final state exists under these faults (no sink refuses for good), so
                # a message that never arrived is lost whatever Accolade recorded for it.
                lost += 1
                if state in ("sent", "delivered", "read"):
                    wrong += 1
                    wrong_kinds["never arrived, ended %s" % state] += 1
                elif state in OPEN_STATES:
                    still_open[state] += 1
                else:
                    failed_reasons["%s after %d attempt(s): %s" % (state, attempts, shorten(error))] += 1
        strangers = sum(c for m, c in arrivals.items() if not m.endswith("-%s@example.com" % row.key)) if row.channel == "email" else 0
        notes = list(run.notes)
        fail = list(run.fail)
        if run.plan_error:
            fail.append("fault injection failed: %s" % run.plan_error)
        for kind, count in wrong_kinds.most_common(4):
            notes.append("%d %s (expected %s)" % (count, kind, row.expect))
        for reason, count in failed_reasons.most_common(3):
            notes.append("%d lost: %s" % (count, reason))
        if still_open:
            notes.append("lost, still open at the end: %s" % ", ".join("%s %d" % kv for kv in still_open.items()))
        for index, code, err in run.exits[:3]:
            notes.append("worker %d exited on its own (code %s): %s" % (index, code, err))
        for index, sig, code in run.signaled_exits:
            if code not in (0, -signal.SIGKILL, -signal.SIGTERM):
                notes.append("worker %d exited with code %s after the script's %s" % (index, code, sig))
        if strangers:
            notes.append("%d arrivals for unknown recipients" % strangers)
        # Accolade's own view: accolade stats --json against the sinks.
        stats = subprocess.run(run.accolade("stats", "--json"), cwd=ROOT, env=run.env(), capture_output=True, text=True, timeout=120)
        try:
            counts = {k: v for k, v in json.loads(stats.stdout).items() if v}
            if not all(isinstance(v, int) for v in counts.values()):
                raise ValueError(stats.stdout)
            total = sum(counts.values())
            notes.append("accolade stats: %s" % ", ".join("%s %d" % kv for kv in sorted(counts.items())))
            if total != accepted:
                fail.append("accolade stats counts %d deliveries for %d accepted messages" % (total, accepted))
        except ValueError:
            notes.append("accolade stats --json failed: %s" % shorten(stats.stdout + stats.stderr, 200))
        if row.callbacks:
            cs = getattr(run, "callback_stats", {}) or {}
            refused = cs.get("callbacks", 0) - cs.get("callbacks_ok", 0)
            notes.append("callbacks posted %d, answered 2xx %d" % (cs.get("callbacks", 0), cs.get("callbacks_ok", 0)))
            if refused:
                fail.append("%d callbacks were not answered 2xx" % refused)
        injected = {k: v for k, v in (getattr(run, "sink_stats", None) or {}).items()
                    if v and (k.startswith("fault_") or k.startswith("chaos_") or k == "tls_failed")}
        if injected:
            notes.append("sink injected: %s" % ", ".join("%s %d" % kv for kv in sorted(injected.items())))
        # The bar (issue 12): 0 lost, 0 worker exits, duplicates 0 (≤ in flight at a kill), and
        # Accolade's final states agree with the sinks.
        if lost:
            fail.append("%d lost" % lost)
        if run.exits:
            fail.append("%d worker exit(s)" % len(run.exits))
        if row.killed:
            if duplicates > run.in_flight:
                fail.append("%d duplicates > %d in flight at the signal" % (duplicates, run.in_flight))
        elif duplicates:
            fail.append("%d duplicates (no process was killed)" % duplicates)
        if wrong:
            fail.append("%d final states disagree with the sinks" % wrong)
        return {"row": row, "messages": accepted, "delivered": delivered, "lost": lost, "duplicates": duplicates,
                "exits": len(run.exits), "wrong": wrong, "in_flight": run.in_flight if row.killed else None,
                "fail": fail, "notes": notes}

    def report(self):
        header = ("fault", "messages", "delivered", "lost", "duplicates", "worker exits", "wrong state", "bar")
        lines = []
        for r in self.results:
            dups = str(r["duplicates"])
            if r.get("in_flight") is not None:
                dups += " (≤%d)" % r["in_flight"]
            lines.append((r["row"].title, str(r["messages"]), str(r["delivered"]), str(r["lost"]), dups,
                          str(r["exits"]), str(r["wrong"]), "ok" if not r["fail"] else "FAIL"))
        widths = [max(len(h), *(len(l[i]) for l in lines)) if lines else len(h) for i, h in enumerate(header)]

        def fmt(cells):
            return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))
        print()
        print(fmt(header))
        print("  ".join("-" * w for w in widths))
        for l in lines:
            print(fmt(l))
        print()
        for r in self.results:
            print("%s [%s, %.0f s]" % (r["row"].title, r["row"].key, r.get("seconds", 0)))
            for why in r["fail"]:
                print("  FAIL: " + why)
            for note in r["notes"]:
                print("  - " + note)
        failed = [r for r in self.results if r["fail"]]
        print()
        print("chaos: %d of %d rows meet the bar (0 lost, 0 worker exits, 0 duplicates or ≤ in flight at a kill, "
              "final states agree with the sinks)" % (len(self.results) - len(failed), len(self.results)))
        if self.args.json:
            with open(self.args.json, "w") as f:
                json.dump([dict({k: v for k, v in r.items() if k != "row"}, row=r["row"].key, title=r["row"].title)
                           for r in self.results], f, indent=1)
        return 1 if failed else 0

    def close(self):
        self.procs.stop_all()
        if self.pg:
            self.pg.stop()
        if self.args.keep:
            log("logs kept in %s" % self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def last_error(path):
    """The last error/critical log line of a process (what it said before it went)."""
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return "(no log)"
    for line in reversed(lines):
        if re.search(r"\b(error|critical)\b", line, re.IGNORECASE):
            return shorten(line, 220)
    return shorten(lines[-1], 220) if lines else "(empty log)"


def duration_seconds(text):
    """`10s`, `250ms`, `2m` as seconds."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", text)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def shorten(text, n=120):
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def main():
    parser = argparse.ArgumentParser(description="Inject faults into real Accolade runs and print what arrived.")
    parser.add_argument("--bin", required=True, help="the accolade binary")
    parser.add_argument("--short", action="store_true", help="fewer messages per row (the test suite's form)")
    parser.add_argument("--rows", help="comma-separated row keys (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, stores, sink records)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    args = parser.parse_args()
    all_rows = rows()
    if args.list:
        for r in all_rows:
            print("%-16s %s" % (r.key, r.title))
        return 0
    selected = all_rows
    if args.rows:
        wanted = args.rows.split(",")
        unknown = set(wanted) - {r.key for r in all_rows}
        if unknown:
            print("chaos: unknown row %s (see --list)" % sorted(unknown)[0], file=sys.stderr)
            return 2
        selected = [r for r in all_rows if r.key in wanted]

    def interrupted(signum, _frame):
        raise Stop(signal.Signals(signum).name)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    chaos = Chaos(args)
    started = time.monotonic()
    try:
        chaos.run(selected)
    except Stop as e:
        log("stopped by %s" % e)
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        chaos.close()
    code = chaos.report()
    print("chaos: %d rows in %.0f s (%s form)" % (len(chaos.results), time.monotonic() - started, "short" if args.short else "full"))
    return code


if __name__ == "__main__":
    sys.exit(main())
