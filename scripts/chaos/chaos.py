#!/usr/bin/python3
"""Fault injection against real Accolade processes; run through scripts/chaos.sh (see its header for
the rows, the definitions and the bar). Standard library only; loopback only; every process it
starts is stopped by PID when it ends, whatever way it ends.

    /usr/bin/python3 scripts/chaos/chaos.py --bin .build/debug/accolade [--short] [--rows a,b] [--keep]
"""
import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import verdict
from observe import (OPEN_STATES, SinkLog, StoreView, duration_seconds, email_marker, http_get_json, last_error, shorten,
                     twilio_marker, whatsapp_marker)
from procs import ROOT, PostgresCluster, Procs, free_port
from rows import PY, RowRun, make_certificates, rows

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = os.path.join(ROOT, "scripts", "test-servers")
TWILIO_SID = "AC" + "c4a05" * 6 + "ab"   # AC + 32 hex digits


def log(text):
    print("chaos: " + text, file=sys.stderr, flush=True)


class Stop(Exception):
    """SIGINT/SIGTERM/SIGHUP to the script: unwind, stop everything, exit non-zero."""


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
        return verdict.analyse(run, accepted)

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

    def close(self):
        self.procs.stop_all()
        if self.pg:
            self.pg.stop()
        if self.args.keep:
            log("logs kept in %s" % self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)


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
    code = verdict.report(chaos.results, args.json)
    print("chaos: %d rows in %.0f s (%s form)" % (len(chaos.results), time.monotonic() - started, "short" if args.short else "full"))
    return code


if __name__ == "__main__":
    sys.exit(main())

