"""The figures of a scripts/chaos.sh row and the bar it is held to, and the printed table."""
import collections
import json
import signal
import subprocess
import time

from observe import OPEN_STATES, shorten
from procs import ROOT


def analyse(run, accepted):
    """The row's figures and verdict: the sinks' arrivals against Accolade's final states."""
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
        answer = json.loads(stats.stdout)
        paused = answer.pop("paused", [])
        counts = {k: v for k, v in answer.items() if v}
        if not all(isinstance(v, int) for v in counts.values()):
            raise ValueError(stats.stdout)
        if paused:
            notes.append("still paused: %s" % ", ".join("%s (fix %s)" % (p["channel"], p["config_key"]) for p in paused))
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
    # The bar: 0 lost, 0 worker exits, duplicates 0 (≤ in flight at a kill), and
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

def report(results, json_path=None):
    """Prints the table and every row's reasons; 1 when a row missed the bar."""
    header = ("fault", "messages", "delivered", "lost", "duplicates", "worker exits", "wrong state", "bar")
    lines = []
    for r in results:
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
    for r in results:
        print("%s [%s, %.0f s]" % (r["row"].title, r["row"].key, r.get("seconds", 0)))
        for why in r["fail"]:
            print("  FAIL: " + why)
        for note in r["notes"]:
            print("  - " + note)
    failed = [r for r in results if r["fail"]]
    print()
    print("chaos: %d of %d rows meet the bar (0 lost, 0 worker exits, 0 duplicates or ≤ in flight at a kill, "
          "final states agree with the sinks)" % (len(results) - len(failed), len(results)))
    if json_path:
        with open(json_path, "w") as f:
            json.dump([dict({k: v for k, v in r.items() if k != "row"}, row=r["row"].key, title=r["row"].title)
                       for r in results], f, indent=1)
    return 1 if failed else 0
