#!/usr/bin/env python3
"""Runs `swift test …` and turns a hung test into a named failure instead of a CI timeout.

    scripts/lib/test_watchdog.py [--limit SECONDS] -- swift test --skip-build …

It adds `--event-stream-output-path` to the command (Swift Testing's JSON-lines event stream,
written as events happen, unlike the buffered console output) and follows that file. When one
test function has been running longer than the limit (default 600 s, or $ACCOLADE_TEST_HANG_LIMIT),
it prints every test still running with how long it has run, sends SIGTERM to the
test process group, then SIGKILL, and exits 124. Otherwise it exits with the command's status.

Why: an `await` that is never resumed parks every thread of the test process; nothing fails
and the run sits until CI's 90 minutes run out, with no name to start from.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=float, default=float(os.environ.get("ACCOLADE_TEST_HANG_LIMIT", "600")))
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the test command after --")

    folder = tempfile.mkdtemp(prefix="accolade-test-events-")
    events_path = os.path.join(folder, "events.jsonl")
    open(events_path, "w").close()
    child = subprocess.Popen(
        command + ["--event-stream-output-path", events_path, "--event-stream-version", "0"],
        start_new_session=True)

    suites: set[str] = set()
    names: dict[str, str] = {}
    running: dict[str, float] = {}  # test id → when its first case started (monotonic)
    depth: dict[str, int] = {}  # test id → cases still running (parameterised tests)
    buffer = ""
    with open(events_path, "r", encoding="utf-8", errors="replace") as stream:
        while True:
            chunk = stream.read()
            if chunk:
                buffer += chunk
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    note(line, suites, names, running, depth)
            status = child.poll()
            if status is not None and not chunk:
                shutil.rmtree(folder, ignore_errors=True)
                return status
            now = time.monotonic()
            hung = [(tid, now - start) for tid, start in running.items() if tid not in suites and now - start > args.limit]
            if hung:
                report(running, suites, names, now, args.limit)
                print(f"test watchdog: the event stream is kept at {events_path}", file=sys.stderr)
                stop(child)
                return 124
            if not chunk:
                time.sleep(0.5)


def note(line: str, suites: set, names: dict, running: dict, depth: dict) -> None:
    try:
        record = json.loads(line)
    except ValueError:
        return
    payload = record.get("payload") or {}
    if record.get("kind") == "test":
        tid = payload.get("id", "")
        if payload.get("kind") == "suite":
            suites.add(tid)
        names[tid] = payload.get("displayName") or payload.get("name") or tid
        return
    if record.get("kind") != "event":
        return
    kind = payload.get("kind")
    tid = payload.get("testID")
    if not tid:
        return
    if kind in ("testStarted", "testCaseStarted"):
        depth[tid] = depth.get(tid, 0) + 1
        running.setdefault(tid, time.monotonic())
    elif kind in ("testCaseEnded", "testEnded", "testSkipped"):
        depth[tid] = depth.get(tid, 0) - 1
        if kind != "testCaseEnded" or depth[tid] <= 0:
            running.pop(tid, None)
            depth.pop(tid, None)


def report(running: dict, suites: set, names: dict, now: float, limit: float) -> None:
    print(f"\ntest watchdog: a test has run for more than {limit:.0f} s; tests still running:", file=sys.stderr)
    for tid, start in sorted(running.items(), key=lambda item: item[1]):
        if tid in suites:
            continue
        print(f"  {now - start:7.0f} s  {names.get(tid, tid)}  [{tid}]", file=sys.stderr)
    print("test watchdog: stopping the test process (exit 124)", file=sys.stderr, flush=True)


def stop(child: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


if __name__ == "__main__":
    sys.exit(main())
