#!/usr/bin/python3
"""Workflow benchmark client (stdlib only), run by scripts/bench-workflows.sh.

Three phases, each against its own `accolade serve` on a fresh SQLite store (started by the shell
script and named on the command line as base URLs):
  accept   — `serve --no-worker`: EVENTS events through POST /v1/events in batches of BATCH
             recipients (CONNECTIONS at once): events/s accepted (target >= 20,000/s), then the same
             number of plain messages through POST /v1/messages/batch for comparison.
  plain    — `serve` with its worker: EVENTS plain messages (POST /v1/messages/batch, channel inbox)
             from the first request until the last delivery is `sent`: deliveries/s.
  workflow — `serve` with its worker: EVENTS events into the 2-step workflow (send on the inbox,
             then wait for read): from the first request until the last delivery is `sent`:
             deliveries/s, and the engine's overhead against `plain` (target <= 20 %).
Every phase checks its counts: every event accepted once, every delivery sent once.
"""
import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

DATA = {"program": "Kudos Awards",
        "reward": {"voucher": {"amount": 50000, "currency": "IDR"}, "code": "RW-7Q2K", "expires_on": "2026-12-31"}}


def post_all(base, token, path, bodies, connections):
    """POSTs every body (CONNECTIONS keep-alive connections); returns (seconds, statuses)."""
    parts = urlsplit(base)
    statuses = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                _, body = queue.pop(0)
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
            answer = conn.getresponse()
            payload = answer.read()
            with lock:
                statuses.append((answer.status, payload))
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started, statuses


def event_bodies(events, batch, prefix):
    bodies = []
    for start in range(0, events, batch):
        recipients = [{"id": "%s-%d" % (prefix, i)} for i in range(start, min(start + batch, events))]
        bodies.append(json.dumps({"event": "bench.reward", "recipients": recipients, "data": DATA}).encode())
    return bodies


def message_bodies(events, batch, prefix):
    bodies = []
    for start in range(0, events, batch):
        messages = [{"template": "reward-earned", "to": {"id": "%s-%d" % (prefix, i)}, "channels": ["inbox"], "data": DATA}
                    for i in range(start, min(start + batch, events))]
        bodies.append(json.dumps({"messages": messages}).encode())
    return bodies


def check(statuses, expected_status, what):
    bad = [(s, p[:200]) for s, p in statuses if s != expected_status]
    if bad:
        sys.exit("bench-workflows: %d %s requests answered otherwise, e.g. %s" % (len(bad), what, bad[0]))


def sent_count(bin_, config):
    out = subprocess.run([bin_, "stats", "--json", "--config", config], capture_output=True, text=True, check=True).stdout
    return json.loads(out).get("sent", 0)


def until_sent(bin_, config, expected, deadline):
    while True:
        sent = sent_count(bin_, config)
        if sent >= expected:
            return time.monotonic(), sent
        if time.monotonic() > deadline:
            sys.exit("bench-workflows: only %d of %d deliveries sent before the deadline" % (sent, expected))
        time.sleep(0.2)


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--phase", choices=["accept", "plain", "workflow"], required=True)
    args.add_argument("--base-url", required=True)
    args.add_argument("--token", required=True)
    args.add_argument("--bin", required=True)
    args.add_argument("--config", required=True)
    args.add_argument("--events", type=int, default=100000)
    args.add_argument("--batch", type=int, default=1000)
    args.add_argument("--connections", type=int, default=4)
    args.add_argument("--deadline", type=float, default=600)
    args.add_argument("--result", help="file the phase writes its figure to (deliveries/s)")
    o = args.parse_args()
    deadline = time.monotonic() + o.deadline

    if o.phase == "accept":
        seconds, statuses = post_all(o.base_url, o.token, "/v1/events", event_bodies(o.events, o.batch, "a"), o.connections)
        check(statuses, 202, "event")
        runs = sum(len(json.loads(p)["runs"]) for _, p in statuses)
        if runs != o.events:
            sys.exit("bench-workflows: %d runs started for %d events" % (runs, o.events))
        print("accept   POST /v1/events: %d events (batches of %d, %d connections) in %.2f s = %.0f events/s accepted  (target >= 20,000/s)"
              % (o.events, o.batch, o.connections, seconds, o.events / seconds))
        seconds, statuses = post_all(o.base_url, o.token, "/v1/messages/batch", message_bodies(o.events, o.batch, "m"), o.connections)
        check(statuses, 202, "batch")
        print("         POST /v1/messages/batch (same server, for comparison): %d messages in %.2f s = %.0f messages/s accepted"
              % (o.events, seconds, o.events / seconds))
        return

    bodies = event_bodies(o.events, o.batch, "w") if o.phase == "workflow" else message_bodies(o.events, o.batch, "p")
    path = "/v1/events" if o.phase == "workflow" else "/v1/messages/batch"
    started = time.monotonic()
    seconds, statuses = post_all(o.base_url, o.token, path, bodies, o.connections)
    check(statuses, 202, o.phase)
    finished, sent = until_sent(o.bin, o.config, o.events, deadline)
    total = finished - started
    if sent != o.events:
        sys.exit("bench-workflows: %d deliveries sent for %d %s (doubled?)" % (sent, o.events, o.phase))
    rate = o.events / total
    what = "events into the 2-step workflow" if o.phase == "workflow" else "plain messages (batch)"
    print("%-8s %d %s: accepted in %.2f s, all %d deliveries sent %.2f s after the first request = %.0f deliveries/s"
          % (o.phase, o.events, what, seconds, sent, total, rate))
    if o.result:
        with open(o.result, "w") as f:
            f.write("%f\n" % rate)


if __name__ == "__main__":
    main()
