"""The rows of scripts/chaos.sh: each fault scenario, the state of a row being run, and the fault
plans (each runs in its own thread while the main thread supervises the workers)."""
import os
import signal
import subprocess
import threading
import time

PY = "/usr/bin/python3"


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
