"""What scripts/chaos.sh reads: the row's store (read-only, from another process), the sinks'
arrival logs, the stand-ins' counters and the processes' logs."""
import collections
import json
import os
import re
import sqlite3
import subprocess
import threading
import urllib.request

# Delivery states that are not final: a row is settled when none of its deliveries is in one.
OPEN_STATES = ("pending", "scheduled", "available", "running", "retryable")


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
