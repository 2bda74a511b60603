#!/usr/bin/env python3
"""Fills a migrated SQLite store's report_rollups with the counters N deliveries would leave.

The rollups' size depends on time and on how many dimension combinations are active, not on
the number of deliveries: --combos combinations (channel × provider × template × workflow ×
category × programme × locale × country drawn from realistic cardinalities) send in every
quarter-hour of --days, and the deliveries of a quarter-hour are spread over them. Each writes
what a real one does, in the wide layout (RollupSQL.swift): a row in the reward's currency
(messages, issued value, redemptions, redeemed value, time to redeem) and one in the cost's
(deliveries by state, cost, bounces, both delivery latencies), at the quarter-hour; the coarser
grains' rows (the ones the store's triggers write: hour, six hours, UTC day) are then summed from
those, as a rebuild does.
"""
import argparse
import random
import re
import sqlite3
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("database")
parser.add_argument("--deliveries", type=int, default=10_000_000)
parser.add_argument("--days", type=int, default=90)
parser.add_argument("--combos", type=int, default=40)
parser.add_argument("--end-bucket", type=int, required=True, help="the quarter-hour (ms / 900000) the data ends at")
args = parser.parse_args()

rng = random.Random(18)
channels = [("email", "smtp", "-"), ("sms", "twilio", "+62"), ("sms", "twilio", "+1"), ("sms", "kannel", "+49"),
            ("whatsapp", "whatsapp", "+62"), ("whatsapp", "whatsapp", "+55"), ("inbox", "inbox", "-")]
templates = ["reward-earned", "reward-voucher", "reward-expiring", "milestone-reached", "kudos-digest"]
workflows = ["-", "deal-closed-reward", "kudos-weekly"]
categories = ["rewards", "recognition", "loyalty"]
programmes = ["Kudos Awards", "Sales Champions", "Loyalty Tiers", "Referral Bonus", "Onboarding Stars"] + [f"Programme {i}" for i in range(15)]
locales = ["en", "id-ID", "de", "es", "pt-BR"]
pool = [(c, p, t, w, cat, prog, loc, country)
        for (c, p, country) in channels for t in templates for w in workflows for cat in categories
        for prog in programmes[:8] for loc in locales[:3]]
combos = rng.sample(pool, args.combos)

started = time.monotonic()
db = sqlite3.connect(args.database)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.execute("DELETE FROM report_rollups")
columns = [r[1] for r in db.execute("PRAGMA table_info(report_rollups)")]
values = columns[12:]
index = {name: i for i, name in enumerate(values)}
insert = f"INSERT INTO report_rollups ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

buckets = args.days * 96
share = max(1, -(-args.deliveries // (buckets * args.combos)))  # deliveries per combination and quarter-hour, rounded up
total = 0
rows = []


def row(bucket, combo, currency, measures):
    v = [0] * len(values)
    for name, value in measures:
        v[index[name]] += value
    return (1, bucket, 0) + combo + (currency,) + tuple(v)


for b in range(args.end_bucket - buckets, args.end_bucket):
    for combo in combos:
        delivered = int(share * 0.9)
        redeemed = share // 5
        rows.append(row(b, combo, "IDR", [
            ("messages", share), ("issued_count", share // 2), ("issued", share // 2 * 50_000_000_000),
            ("redemptions", redeemed), ("redeemed", redeemed * 50_000_000_000),
            (f"lat_redeem_{rng.randint(12, 18):02d}", redeemed)]))
        rows.append(row(b, combo, "USD", [
            ("st_delivered", delivered - share // 3), ("st_read", share // 3), ("st_failed", share - delivered),
            ("cost", share * 7_900), ("bounces", (share - delivered) // 2),
            (f"lat_sent_{rng.randint(2, 5):02d}", share), (f"lat_delivered_{rng.randint(5, 9):02d}", delivered)]))
        total += share
    if len(rows) >= 100_000:
        db.executemany(insert, rows)
        rows.clear()
if rows:
    db.executemany(insert, rows)
sums = ", ".join(f"SUM({v})" for v in values)
# The grains the binary's triggers write (`... CROSS JOIN (SELECT 96 AS grain UNION ALL SELECT 24 ...) g`).
# From SQLite v16 the triggers append to report_rollup_pending and the fold, which is not in the
# schema, writes the grains: those of v15 on (quarter-hour, hour, six hours, day).
trigger = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'report_rollups_message'").fetchone()[0]
if "CROSS JOIN" in trigger:
    grains = [int(g) for g in re.findall(r"SELECT (\d+)(?: AS grain)?\b", trigger.split("CROSS JOIN", 1)[1].split(") g", 1)[0])]
else:
    grains = [1, 4, 24, 96]
for grain in (g for g in grains if g > 1):
    db.execute(f"INSERT INTO report_rollups ({', '.join(columns)}) SELECT {grain}, bucket - bucket % {grain}, shard, "
               f"{', '.join(columns[3:12])}, {sums} FROM report_rollups WHERE grain = 1 GROUP BY {', '.join(map(str, range(1, 13)))}")
db.commit()
counts = dict(db.execute("SELECT grain, COUNT(*) FROM report_rollups GROUP BY grain").fetchall())
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
print(f"loaded {sum(counts.values()):,} rollup rows ({counts.get(1, 0):,} quarter-hour, {counts.get(4, 0):,} hour, "
      f"{counts.get(24, 0):,} six-hour, {counts.get(96, 0):,} day) standing for {total:,} deliveries over {args.days} days in {time.monotonic() - started:.0f} s",
      file=sys.stderr)
