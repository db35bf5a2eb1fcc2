"""Audit verification throughput: entries/s read from the database with every column checked, beside
in-memory hashing of the same bytes. Entries are about 800 bytes, as a site edit with a reason is.

Usage: .venv/bin/python bench/audit_verify.py [--entries 250000] [--processes N] [--database-url URL]
"""
import argparse
import os
import threading
import hashlib
import statistics
import time
from datetime import datetime, timedelta, timezone

from _setup import bench_app

from signage.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash
from signage.audit.verification import verify_log
from signage.extensions import db

START = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)
CHANGES = {"capture_area_description": [
    "Cameras cover the ticket hall, the north gates and the lifts down to the platforms. " * 3,
    "Cameras cover the ticket hall and the north gates; the lifts are no longer covered. " * 3],
    "retention_period_days": [7, 3]}
REASON = "Retention shortened after the impact assessment review of 2026-11."


def fill(count: int) -> list[tuple[str, bytes]]:
    """Append `count` realistic entries straight into the table; return (prev_hash, canonical) pairs."""
    rows, pairs, prev = [], [], GENESIS_HASH
    for seq in range(1, count + 1):
        when = START + timedelta(milliseconds=seq * 37)
        canonical = canonical_bytes({"seq": seq, "time": when, "action": "site.updated",
                                     "actor": {"type": "user", "id": 1, "label": "lin@metro.example"},
                                     "subject": {"type": "sites", "id": seq % 40 + 1}, "organisation_id": None,
                                     "changes": CHANGES, "reason": REASON})
        digest = entry_hash(prev, canonical)
        rows.append({"id": seq, "organisation_id": None, "subject_type": "sites", "subject_id": seq % 40 + 1,
                     "action": "site.updated", "actor_id": 1, "created_at": when, "canonical": canonical,
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


class RssWatch:
    """Sample this process's resident memory while a block runs; growth_mb is the peak over the start."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while not self.done.wait(0.01):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *_exc):
        self.done.set()
        self.thread.join()
        self.growth_mb = (self.peak - self.start) / 2**20


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=250_000)
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: one per CPU)")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        pairs = fill(args.entries)
        size = sum(len(canonical) for _prev, canonical in pairs) / len(pairs)
        counted = {}

        def verify():
            counted["result"] = verify_log(processes=args.processes)
            db.session.rollback()

        database_seconds = best_of(args.runs, verify)
        with RssWatch() as one_process:  # memory of a walk in this process: flat if it streams
            verify_log(processes=1)
            db.session.rollback()
        memory_seconds = best_of(args.runs, lambda: hash_in_memory(pairs))
        result = counted["result"]
        assert result.entries == args.entries and result.intact, result
    database_rate, memory_rate = args.entries / database_seconds, args.entries / memory_seconds
    print(f"backend: {(args.database_url or 'sqlite').split(':')[0].split('+')[0]}")
    print(f"audit verify, read from the database: {database_rate:,.0f} entries/s ({args.entries:,} entries, "
          f"of {size:.0f} bytes, median of {args.runs}, {args.processes or os.cpu_count()} processes)")
    print(f"hashing the same stored bytes in memory: {memory_rate:,.0f} entries/s")
    print(f"memory while verifying in one process: +{one_process.growth_mb:.0f} MB resident "
          f"(a streamed walk: the same for any number of entries)")
    print(f"ratio database/in-memory: {database_rate / memory_rate:.2f} (target: >= 500,000 entries/s from the database)")


if __name__ == "__main__":
    main()
