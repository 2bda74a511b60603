#!/usr/bin/env python3
# What keeping the report rollups costs the SQLite writer, without the rest of accolade: the life
# cycle of N SMS messages (accept with a reward value, claim, accepted outcome with a cost and its
# attempt, delivered receipt) in transactions of BATCH, on a copy (in /dev/shm) of a freshly
# migrated store file, printing each phase's CPU time.
#   accolade report rebuild --config X.yml       # makes and migrates the file X.yml names
#   MALLOC_TRIM_THRESHOLD_=67108864 MALLOC_TOP_PAD_=16777216 \
#     python3 scripts/bench-rollup-writes.py FILE N BATCH fold|nofold [FOLD_AT]
# `fold` (a file at SQLite v16 or later) folds report_rollup_pending at the end of a transaction
# once FOLD_AT rows are pending (default 1), as SQLiteStore.writeFolding does at 256; `nofold` is
# for a file whose triggers upsert every grain themselves (v15). Set the allocator variables as
# accolade does: with glibc's defaults, sqlite3 in Python spends most of its time in brk.
import sqlite3, sys, time, shutil, os
src, n, b, fold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "fold"
threshold = int(sys.argv[5]) if len(sys.argv) > 5 else 1
db = f"/dev/shm/micro-{os.getpid()}.sqlite"
shutil.copy(src, db)
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=NORMAL")
fold_sql = None
if fold:
    cols = [r[1] for r in c.execute("PRAGMA table_info(report_rollup_pending)")]
    keys = cols[:11]; vals = cols[11:]
    keycols = "grain, bucket, shard, channel, provider, template, workflow, category, programme, locale, country, currency"
    fold_sql = f"""INSERT INTO report_rollups ({keycols}, {', '.join(vals)})
SELECT g.grain, k.bucket - k.bucket % g.grain, {', '.join('k.'+k for k in keys[1:])}, {', '.join('k.'+v for v in vals)}
FROM (SELECT {', '.join(keys)}, {', '.join(f'SUM({v}) AS {v}' for v in vals)} FROM report_rollup_pending GROUP BY {', '.join(keys)}) k
CROSS JOIN (SELECT 1 AS grain UNION ALL SELECT 4 UNION ALL SELECT 24 UNION ALL SELECT 96) g WHERE true
ON CONFLICT ({keycols}) DO UPDATE SET {', '.join(f'{v} = report_rollups.{v} + excluded.{v}' for v in vals)}"""
def tx(f):
    c.execute("BEGIN IMMEDIATE"); f()
    if fold and (c.execute("SELECT max(rowid) FROM report_rollup_pending").fetchone()[0] or 0) >= threshold:
        c.execute(fold_sql); c.execute("DELETE FROM report_rollup_pending")
    c.execute("COMMIT")
t0 = 1_760_000_000_000
locs = ["id", "en", "de", "es"]; cur = ["IDR", "USD", "EUR", "EUR"]
times = {}
def phase(name, fn):
    s = time.process_time()
    for lo in range(0, n, b):
        tx(lambda: fn(range(lo, min(n, lo + b))))
    times[name] = time.process_time() - s
def accept(rng):
    for i in rng:
        c.execute("INSERT INTO messages (id, template, locale, recipient_phone, data, route_channels, route_mode, fingerprint, created_at, programme, reward_value_micros, reward_value_currency) VALUES (?, 'reward-earned', ?, ?, '{}', 'sms', 'all', 'fp', ?, 'Kudos', ?, ?)",
                  (f"m{i}", locs[i % 4], f"+6281{i:09d}", t0 + i, 10_000_000 + i, cur[i % 4]))
        c.execute("INSERT INTO deliveries (id, message_id, channel, position, state, next_attempt_at, updated_at) VALUES (?, ?, 'sms', 0, 'available', ?, ?)", (f"d{i}", f"m{i}", t0, t0))
def claim(rng):
    for i in rng: c.execute("UPDATE deliveries SET state='running', lease_owner='w' WHERE id=?", (f"d{i}",))
def outcome(rng):
    for i in rng:
        c.execute("UPDATE deliveries SET state='sent', attempts=1, lease_owner=NULL, provider='twilio', provider_message_id=?, cost_micros=7900, cost_currency='USD', updated_at=? WHERE id=?", (f"SM{i}", t0 + 2000, f"d{i}"))
        c.execute("INSERT INTO attempts (delivery_id, number, started_at, finished_at, provider, outcome, code, detail) VALUES (?, 1, ?, ?, 'twilio', 'sent', '201', 'ok')", (f"d{i}", t0 + 1500, t0 + 2000))
def delivered(rng):
    for i in rng: c.execute("UPDATE deliveries SET state='delivered', delivered_at=? WHERE id=?", (t0 + 60000, f"d{i}"))
for name, fn in [("accept", accept), ("claim", claim), ("outcome", outcome), ("delivered", delivered)]: phase(name, fn)
rows = c.execute("SELECT COUNT(*), SUM(messages), SUM(st_delivered) FROM report_rollups").fetchone() + c.execute("SELECT COUNT(*) FROM report_rollup_pending" if fold else "SELECT 0").fetchone()
print(f"{os.path.basename(src)} fold={fold} threshold={threshold} n={n} batch={b}: " + ", ".join(f"{k} {v*1000:.0f} ms" for k, v in times.items()) + f"; total {sum(times.values())*1000:.0f} ms; rollup rows/messages/delivered {rows}")
c.close()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix): os.remove(db + suffix)
