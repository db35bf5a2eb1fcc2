"""Walking the chain in parts at once: the ids cut into contiguous ranges, each walked over its own
connection, the parts then joined at their seams.

On SQLite the walk is Python's work, so the parts need processes: the caller walks the first range itself
while each other one is walked by `python -m signage.audit.ranges`, which reads its range on stdin and
writes what it found on stdout as JSON: a fresh interpreter with this module, the chain and the database
driver only, never the app or the caller's main module, and nothing of a threaded web worker's locks or
connections. On PostgreSQL the server does the work and Python mostly waits for it, so each range is walked
by a thread of the caller (no interpreter to start), every one reading the snapshot the caller exported, so
together they see one consistent log.
"""
import itertools
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

from signage.audit.chain import GENESIS_HASH, Break, Walk, content_organisation, walk_chain
from signage.audit.server_walk import walk_on_server

#: Every stored column, in StoredEntry's order; created_at as UTC text in SQLite's stored form.
STORED_COLUMNS = ("id, prev_hash, hash, canonical, organisation_id, subject_type, subject_id, action, {created_at}, "
                  "actor_id")
#: How much of an SQLite log file a worker maps into memory (the OS shares and evicts those pages).
MMAP_BYTES = 1 << 30
CREATED_AT = {"postgresql": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
              "sqlite": "created_at"}


def stored_rows_sql(dialect: str, *, above: bool = False, below: bool = False) -> str:
    """Return the SELECT of every stored column in id order: the whole log, or only ids from a first one
    (above), up to a last one (below), or between the two (both)."""
    mark = "%s" if dialect == "postgresql" else "?"
    bounds = ([f"id >= {mark}"] if above else []) + ([f"id <= {mark}"] if below else [])
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    return f"SELECT {STORED_COLUMNS.format(created_at=CREATED_AT[dialect])} FROM audit_entries{where} ORDER BY id"


@dataclass(frozen=True)
class Source:
    """How a worker process reaches the database: a dialect and what its driver connects with."""

    dialect: str
    #: the SQLite file's path, or a libpq connection string
    target: str
    #: a PostgreSQL snapshot to read, exported by the caller's transaction
    snapshot: str | None = None


class Part(NamedTuple):
    """One range walked on its own: the walk, and its first row's id and stored link for the seam check."""

    first: int
    last: int
    walk: Walk
    #: the id of the part's first row, None for a part without rows
    first_id: int | None = None
    #: that row's stored link, None when it is not text (a tampered column)
    first_prev_hash: str | None = None
    first_organisation: int | None = None
    #: whether that row's hashed bytes cannot even be read for their organisation (a tampered column)
    first_unreadable: bool = False


def cut(last_id: int, parts: int) -> list[tuple[int, int]]:
    """Cut ids 1..last_id into at most `parts` contiguous ranges of nearly equal size (none for no ids).

    The walk reads the first range open below and the last open above (see walk_part), so a row with an id
    outside 1..last_id is still walked, as one walk of the whole log would.
    """
    if last_id < 1:
        return []
    parts = max(1, min(parts, last_id))
    step, extra = divmod(last_id, parts)
    ranges, start = [], 1
    for index in range(parts):
        end = start + step - 1 + (1 if index < extra else 0)
        ranges.append((start, end))
        start = end + 1
    return ranges


def walk_part(source: Source, first: int, last: int, *, opening: bool = False, closing: bool = False,
              batch_size: int = 20_000, timeout: float | None = None) -> Part:
    """Walk the stored entries first..last, over a connection of its own; on PostgreSQL the server stops
    the walk after `timeout` seconds.

    The opening part reads every id up to `last` and walks from the chain's start, exactly as one walk of
    the whole log would; any other part takes its first row's link as stored, for joined() to check at the
    seam. The closing part reads every id from `first` on.
    """
    connection, cursor = _open(source, timeout)
    try:
        bounds = ((first,) if not opening else ()) + ((last,) if not closing else ())
        if source.dialect == "postgresql":  # the server checks every entry and sends only doubtful ones
            walk, first_row = walk_on_server(cursor, connection.cursor(), bounds, above=not opening,
                                             below=not closing, start_seq=1 if opening else first,
                                             start_hash=GENESIS_HASH if opening else None, batch_size=batch_size)
            return Part(first, last, walk) if opening else _seam_part(first, last, walk, first_row)
        cursor.execute(stored_rows_sql(source.dialect, above=not opening, below=not closing), bounds)
        rows = iter(cursor)  # SQLite's cursor yields row by row in C: 15 % faster than lists of fetchmany
        if opening:
            return Part(first, last, walk_chain(rows))
        peeked = next(rows, None)
        if peeked is None:
            return Part(first, last, Walk(None, 0, None))
        return _seam_part(first, last, walk_chain(itertools.chain((peeked,), rows), start_seq=first, start_hash=None),
                          peeked)
    finally:
        cursor.close()
        connection.close()


def _seam_part(first: int, last: int, walk: Walk, first_row) -> Part:
    """Return a part that is not the opening one, with what joined() checks at its seam."""
    if first_row is None:
        return Part(first, last, Walk(None, 0, None))
    prev_hash = first_row[1] if type(first_row[1]) is str else None
    try:  # as walk_chain reads a row whose link is broken, so the seam's break is the one it gives
        organisation, unreadable = content_organisation(first_row[3]), False
    except (TypeError, ValueError, AttributeError, UnicodeError):
        organisation, unreadable = None, True
    return Part(first, last, walk, first_row[0], prev_hash, organisation, unreadable)


def _open(source: Source, timeout: float | None = None):
    if source.dialect == "sqlite":
        connection = sqlite3.connect(f"file:{source.target}?mode=ro", uri=True)
        # pages read straight from the mapped file instead of copied through the page cache: the walk
        # reads each page once, in order
        connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        return connection, connection.cursor()
    import psycopg  # noqa: PLC0415 - only on PostgreSQL: the SQLite worker starts without it
    from psycopg import sql  # noqa: PLC0415

    connection = psycopg.connect(source.target)
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = True
    if source.snapshot:
        connection.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(source.snapshot)))
    if timeout is not None:  # a thread cannot be stopped from outside; the server stops its statement
        connection.execute("SELECT set_config('statement_timeout', %s, true)", (f"{max(1, int(timeout * 1000))}ms",))
    # a server-side cursor: the part streams through in batches, memory stays flat
    cursor = connection.cursor(name="audit_verify_part", binary=True)
    return connection, cursor


def walk_parts(source: Source, ranges: list[tuple[int, int]], *, timeout: float = 1800) -> list[Part]:
    """Walk each range at once, the first open below and the last open above; raise PartFailed if any of
    them could not, or not within `timeout` seconds."""
    if source.dialect == "postgresql":
        return _walk_in_threads(source, ranges, timeout)
    return _walk_in_processes(source, ranges, timeout)


def _walk_in_threads(source: Source, ranges: list[tuple[int, int]], timeout: float) -> list[Part]:
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - not for the SQLite worker's start

    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=len(ranges) or 1, thread_name_prefix="audit-part") as pool:
        futures = [pool.submit(walk_part, source, first, last, opening=index == 0, closing=index == len(ranges) - 1,
                               timeout=timeout) for index, (first, last) in enumerate(ranges)]
        try:
            return [future.result(timeout=max(0.0, deadline - time.monotonic())) for future in futures]
        except Exception as error:  # the database unreachable, the snapshot gone, the statement cancelled
            for future in futures:
                future.cancel()
            raise PartFailed(repr(error)) from error


def _walk_in_processes(source: Source, ranges: list[tuple[int, int]], timeout: float) -> list[Part]:
    """Walk the first range here and every other one in its own process, all at once."""
    if not ranges:
        return []
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, (str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH"))))}
    others = ranges[1:]
    # stderr to files, not pipes: a worker's long traceback can never block it while stdout is read
    errors = [tempfile.TemporaryFile() for _range in others]
    workers = []
    deadline = time.monotonic() + timeout
    try:
        for error in errors:
            workers.append(subprocess.Popen([sys.executable, "-m", "signage.audit.ranges"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=error, env=environment))
        for index, (worker, (first, last)) in enumerate(zip(workers, others), start=1):
            # every order given before any answer is read; an order is far smaller than a pipe's buffer
            worker.stdin.write(json.dumps({"source": asdict(source), "first": first, "last": last,
                                           "opening": False, "closing": index == len(ranges) - 1}).encode())
            worker.stdin.close()
            worker.stdin = None  # given: communicate() must not touch it again
        # this process's own part, walked while the workers start and walk theirs
        here = walk_part(source, *ranges[0], opening=True, closing=len(ranges) == 1)
        outputs = [worker.communicate(timeout=max(0.0, deadline - time.monotonic()))[0] for worker in workers]
        failed = [error for worker, error in zip(workers, errors) if worker.returncode != 0]
        if failed:
            failed[0].seek(0)
            raise PartFailed(failed[0].read().decode(errors="replace").strip().splitlines()[-1:])
        return [here, *(part_from_answer(json.loads(out)) for out in outputs)]
    except (OSError, ValueError, KeyError, TypeError, subprocess.TimeoutExpired, sqlite3.Error) as error:
        # a worker that could not start, died mid-answer (a broken pipe, half a JSON) or took too long
        raise PartFailed(repr(error)) from error
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            worker.stdout.close()
        for error in errors:
            error.close()


class PartFailed(RuntimeError):
    """A worker process could not walk its range (the database unreachable from it, say)."""


def part_to_answer(part: Part) -> dict:
    walk = part.walk
    return {"first": part.first, "last": part.last, "entries": walk.entries, "head": walk.head,
            "break": asdict(walk.first_break) if walk.first_break else None, "first_id": part.first_id,
            "first_prev_hash": part.first_prev_hash, "first_organisation": part.first_organisation,
            "first_unreadable": part.first_unreadable}


def part_from_answer(data) -> Part:
    """Read a worker's answer, refusing (PartFailed) any that is not exactly the shape part_to_answer gives."""
    def kind(value, *types):
        if type(value) not in types:
            raise PartFailed(f"a worker answered {value!r} where {' or '.join(t.__name__ for t in types)} belongs")
        return value

    none = type(None)
    kind(data, dict)
    found = kind(data.get("break"), dict, none)
    if found is not None:
        found = Break(kind(found.get("seq"), int), kind(found.get("reason"), str),
                      kind(found.get("organisation_id"), int, none))
    head = kind(data.get("head"), list, none)
    if head is not None:
        if len(head) != 2:
            raise PartFailed(f"a worker answered the head {head!r}")
        head = (kind(head[0], int), kind(head[1], str))
    walk = Walk(found, kind(data.get("entries"), int), head)
    return Part(kind(data.get("first"), int), kind(data.get("last"), int), walk, kind(data.get("first_id"), int, none),
                kind(data.get("first_prev_hash"), str, none), kind(data.get("first_organisation"), int, none),
                kind(data.get("first_unreadable"), bool))


def joined(parts: list[Part]) -> Walk:
    """Join walked parts, in id order, into the walk one process would have made of the whole chain: the
    same first break, the same count of entries read and the same head."""
    expected_seq, expected_prev, count, head = 1, GENESIS_HASH, 0, None
    for index, part in enumerate(parts):
        if index > 0:  # the opening part began at the chain's start itself; every other one has a seam
            if part.first_id is None:
                continue  # nothing to read here: the next row read, wherever it is, must carry on
            if part.first_id != expected_seq:  # ids missing at the end of the part before, or at this start
                return Walk(Break(expected_seq, "is missing (deleted)"), count + 1, head)
            if part.first_prev_hash != expected_prev:
                found = Break(part.first_id, "cannot be read as an entry (edited)") if part.first_unreadable else \
                    Break(part.first_id, "does not link to the entry before it (inserted, deleted or reordered)",
                          part.first_organisation)
                return Walk(found, count + 1, head)
        count += part.walk.entries
        if part.walk.first_break is not None:
            return Walk(part.walk.first_break, count, part.walk.head or head)
        if part.walk.head is not None:
            head = part.walk.head
            expected_seq, expected_prev = head[0] + 1, head[1]
    return Walk(None, count, head)


if __name__ == "__main__":
    order = json.load(sys.stdin)
    json.dump(part_to_answer(walk_part(Source(**order["source"]), order["first"], order["last"],
                                      opening=order["opening"], closing=order["closing"])), sys.stdout)
