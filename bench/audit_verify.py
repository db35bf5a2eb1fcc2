"""Audit verification throughput: entries/s read from the database with every column checked, beside
in-memory hashing of the same bytes.

Usage: .venv/bin/python bench/audit_verify.py [--entries 100000] [--database-url URL]
"""
import argparse
import hashlib
import statistics
import time
from datetime import datetime, timedelta, timezone

from _setup import bench_app

from signage.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash
from signage.audit.services import verify_log
from signage.extensions import db

START = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)


def fill(count: int) -> list[tuple[str, bytes]]:
    """Append `count` realistic entries straight into the table; return (prev_hash, canonical) pairs."""
    rows, pairs, prev = [], [], GENESIS_HASH
    for seq in range(1, count + 1):
        when = START + timedelta(milliseconds=seq * 37)
        canonical = canonical_bytes({"seq": seq, "time": when, "action": "site.updated",
                                     "actor": {"type": "user", "id": 1, "label": "lin@metro.example"},
                                     "subject": {"type": "sites", "id": seq % 40 + 1}, "organisation_id": None,
                                     "changes": {"retention_period_days": [7, 3]}, "reason": None})
        digest = entry_hash(prev, canonical)
        rows.append({"id": seq, "organisation_id": None, "subject_type": "sites", "subject_id": seq % 40 + 1,
                     "action": "site.updated", "created_at": when, "canonical": canonical,
                     "prev_hash": prev, "hash": digest})
        pairs.append((prev, canonical))
        prev = digest
    table = db.metadata.tables["audit_entries"]
    with db.engine.begin() as connection:
        for start in range(0, count, 10_000):
            connection.execute(table.insert(), rows[start:start + 10_000])
    return pairs


def hash_in_memory(pairs) -> None:
    sha256 = hashlib.sha256
    for prev, canonical in pairs:
        sha256(prev.encode("ascii") + b"\n" + canonical).hexdigest()


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        pairs = fill(args.entries)
        counted = {}

        def verify():
            counted["result"] = verify_log()
            db.session.rollback()

        database_seconds = best_of(args.runs, verify)
        memory_seconds = best_of(args.runs, lambda: hash_in_memory(pairs))
        result = counted["result"]
        assert result.entries == args.entries and result.intact, result
    database_rate, memory_rate = args.entries / database_seconds, args.entries / memory_seconds
    print(f"backend: {(args.database_url or 'sqlite').split(':')[0].split('+')[0]}")
    print(f"audit verify, read from the database: {database_rate:,.0f} entries/s ({args.entries:,} entries, "
          f"median of {args.runs})")
    print(f"hashing the same stored bytes in memory: {memory_rate:,.0f} entries/s")
    print(f"ratio database/in-memory: {database_rate / memory_rate:.2f} (target: >= 250,000 entries/s from the database)")


if __name__ == "__main__":
    main()
