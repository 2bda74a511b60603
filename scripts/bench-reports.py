#!/usr/bin/env python3
"""Fills a migrated SQLite store's report_rollups with the counters N deliveries would leave.

The rollups' size depends on time and on how many dimension combinations are active per
quarter-hour, not on the number of deliveries: every quarter-hour of --days gets --combos
combinations (channel × provider × template × workflow × category × programme × locale ×
country drawn from realistic cardinalities), and the deliveries of that quarter-hour are spread
over them. Each combination writes the measures a real one does: messages, issued value, states,
cost, two latency histograms, redemptions.
"""
import argparse
import random
import sqlite3
import sys

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
combos = [(c, p, t, w, cat, prog, loc, country)
          for (c, p, country) in channels for t in templates for w in workflows for cat in categories
          for prog in programmes[:8] for loc in locales[:3]]

buckets = args.days * 96
per_bucket = max(1, args.deliveries // buckets)
db = sqlite3.connect(args.database)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=OFF")
db.execute("DELETE FROM report_rollups")
rows = []
total = 0
for b in range(args.end_bucket - buckets, args.end_bucket):
    chosen = rng.sample(combos, args.combos)
    share = max(1, per_bucket // args.combos)
    for (c, p, t, w, cat, prog, loc, country) in chosen:
        key = (b, 0, c, p, t, w, cat, prog, loc, country)
        delivered = int(share * 0.9)
        measures = [("messages", "", share), ("issued_count", "", share // 2), ("issued", "IDR", share // 2 * 50_000_000_000),
                    ("state:delivered", "", delivered), ("state:read", "", share // 3), ("state:failed", "", share - delivered),
                    ("cost", "USD", share * 7_900), (f"lat_sent:{rng.randint(2, 5):02d}", "", share),
                    (f"lat_delivered:{rng.randint(5, 9):02d}", "", delivered), ("redemptions", "", share // 5),
                    ("redeemed", "IDR", share // 5 * 50_000_000_000), (f"lat_redeem:{rng.randint(12, 18):02d}", "", share // 5)]
        rows.extend(key + m for m in measures)
        total += share
    if len(rows) >= 200_000:
        db.executemany("INSERT INTO report_rollups VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        rows.clear()
if rows:
    db.executemany("INSERT INTO report_rollups VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
count = db.execute("SELECT COUNT(*) FROM report_rollups").fetchone()[0]
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"loaded {count:,} rollup rows standing for {total:,} deliveries over {args.days} days", file=sys.stderr)
