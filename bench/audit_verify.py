"""Audit verification throughput: entries/s read from the database with every column checked, beside
in-memory hashing of the same bytes. Entries are about 800 bytes, as a site edit with a reason is.

It also measures the floor of the same machine and database: each part's entries read and hashed, and each
linked to the one before, with no column compared, in as many parts at once as verification uses (processes
already started). How near verification comes to it says what the column checks cost; how near the floor
comes to the target says what any walk that checks every entry could reach here.

Usage: .venv/bin/python bench/audit_verify.py [--entries 250000] [--processes N] [--database-url URL]
"""
import argparse
import hashlib
import multiprocessing
import os
import sqlite3
import statistics
import threading
import time
from datetime import datetime, timedelta, timezone

from _setup import bench_app

from signage.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash
from signage.audit.ranges import MMAP_BYTES
from signage.audit.seams import cut
from signage.audit.verification import part_count, verify_log
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


#: Hashing and linking alone, on the server: verification's own statement without its column tests. Each
#: range's first entry has no entry before it in the range, so it is the one row each part counts.
FLOOR_SQL = r"""
SELECT count(*) FROM (
  SELECT id, prev_hash, sound, lag(id) OVER w AS before_id, lag(hash) OVER w AS before_hash
  FROM (SELECT id, prev_hash, hash,
               coalesce(encode(sha256(convert_to(prev_hash, 'UTF8') || '\x0a'::bytea || canonical), 'hex') = hash,
                        false) AS sound
        FROM audit_entries WHERE id BETWEEN %s AND %s ORDER BY id OFFSET 0) checked
  WINDOW w AS (ORDER BY id)
) linked
WHERE NOT coalesce(sound AND before_id = linked.id - 1 AND linked.prev_hash = before_hash, false)
"""


def _floor_sqlite_part(path: str, first: int, last: int) -> int:
    """Read a range's ids, links, hashes and bytes from SQLite, hash each entry and link it to the one before;
    return how many entries fail."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")  # as the walk reads it
    sha256, failed, expected_seq, expected_prev = hashlib.sha256, 0, first, None
    for seq, prev_hash, stored_hash, canonical in connection.execute(
            "SELECT id, prev_hash, hash, canonical FROM audit_entries WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, last)):
        # the range's first entry links to one outside it, as a part's seam does in the walk
        if (seq != expected_seq or prev_hash != (expected_prev or prev_hash)
                or sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest() != stored_hash):
            failed += 1
        expected_seq, expected_prev = seq + 1, stored_hash
    connection.close()
    return failed


def floor_seconds(database_url: str | None, sqlite_path: str, entries: int, parts: int) -> float:
    """Return the seconds it takes to read, hash and link every entry in `parts` ranges at once, no column
    compared: processes (SQLite) or connections (PostgreSQL) started before the clock starts."""
    ranges = cut(entries, parts)
    if database_url is None:
        with multiprocessing.get_context("fork").Pool(len(ranges)) as pool:
            pool.starmap(_floor_sqlite_part, [(sqlite_path, 1, 1)] * len(ranges))
            orders = [(sqlite_path, first, last) for first, last in ranges]
            return best_of(1, lambda: _expect(pool.starmap(_floor_sqlite_part, orders), 0))
    import psycopg  # noqa: PLC0415 - only on PostgreSQL
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    connections = [psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) for _range in ranges]
    for connection in connections:  # what verification sets for its own statement
        connection.execute("SET enable_sort = off; SET jit = off")
    with ThreadPoolExecutor(len(ranges)) as pool:
        def walk():
            answers = pool.map(lambda job: job[0].execute(FLOOR_SQL, job[1]).fetchone()[0], zip(connections, ranges))
            _expect(list(answers), 1)
        seconds = best_of(1, walk)
    for connection in connections:
        connection.close()
    return seconds


def _expect(counts: list[int], each: int) -> None:
    assert counts == [each] * len(counts), counts  # a floor that found a break measured something else


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
    parts = part_count(args.processes)
    app = bench_app(args.database_url)
    with app.app_context():
        pairs = fill(args.entries)
        size = sum(len(canonical) for _prev, canonical in pairs) / len(pairs)
        counted = {}

        def verify():
            counted["result"] = verify_log(processes=args.processes)
            db.session.rollback()

        database_times, floor_times = [], []
        for _run in range(args.runs):  # alternated, so that both see the same machine
            database_times.append(best_of(1, verify))
            floor_times.append(floor_seconds(args.database_url, db.engine.url.database, args.entries, parts))
        database_seconds, floor_median = statistics.median(database_times), statistics.median(floor_times)
        with RssWatch() as one_process:  # memory of a walk in this process: flat if it streams
            verify_log(processes=1)
            db.session.rollback()
        memory_seconds = best_of(args.runs, lambda: hash_in_memory(pairs))
        result = counted["result"]
        assert result.entries == args.entries and result.intact, result
    database_rate, memory_rate = args.entries / database_seconds, args.entries / memory_seconds
    floor_rate = args.entries / floor_median
    print(f"backend: {(args.database_url or 'sqlite').split(':')[0].split('+')[0]}")
    print(f"audit verify, read from the database: {database_rate:,.0f} entries/s ({args.entries:,} entries, "
          f"of {size:.0f} bytes, median of {args.runs}, {parts} parts)")
    print(f"floor, the same entries read, hashed and linked in {parts} parts with no column compared: "
          f"{floor_rate:,.0f} entries/s")
    print(f"hashing the same stored bytes in memory, one process: {memory_rate:,.0f} entries/s")
    print(f"memory while verifying in one process: +{one_process.growth_mb:.0f} MB resident "
          f"(a streamed walk: the same for any number of entries)")
    print(f"ratio database/in-memory: {database_rate / memory_rate:.2f}; database/floor: "
          f"{database_rate / floor_rate:.2f}; floor/target: {floor_rate / 500_000:.2f} "
          f"(target: >= 500,000 entries/s from the database)")


if __name__ == "__main__":
    main()
