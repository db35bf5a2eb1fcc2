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

from signage.audit.chain import GENESIS_HASH, Break, Walk, content_organisation, walk_chain
from signage.audit.seams import Part
from signage.audit.server_walk import walk_on_server

#: Every stored column, in StoredEntry's order; created_at as UTC text in SQLite's stored form.
STORED_COLUMNS = ("id, prev_hash, hash, canonical, organisation_id, subject_type, subject_id, action, {created_at}, "
                  "actor_id")
#: How much of an SQLite log file a worker maps into memory (the OS shares and evicts those pages).
MMAP_BYTES = 1 << 30
#: How long a worker waits to reach PostgreSQL, or to cancel a walk there, before it gives up.
CONNECT_SECONDS = 10
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


def walk_part(source: Source, first: int, last: int, *, opening: bool = False, closing: bool = False,
              batch_size: int = 20_000, deadline: float | None = None, opened=None) -> Part:
    """Walk the stored entries first..last, over a connection of its own, which is given to `opened` (for
    a caller in another thread to cancel); on SQLite the walk is interrupted at `deadline` (monotonic).

    The opening part reads every id up to `last` and walks from the chain's start, exactly as one walk of
    the whole log would; any other part takes its first row's link as stored, for joined() to check at the
    seam. The closing part reads every id from `first` on.
    """
    connection, cursor = _open(source, deadline)
    if opened is not None:
        opened(connection)
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


def _open(source: Source, deadline: float | None = None):
    if source.dialect == "sqlite":
        connection = sqlite3.connect(f"file:{source.target}?mode=ro", uri=True)
        # pages read straight from the mapped file instead of copied through the page cache: the walk
        # reads each page once, in order
        connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        if deadline is not None:  # SQLite asks every 100,000 steps; a true answer interrupts the read
            connection.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
        return connection, connection.cursor()
    import psycopg  # noqa: PLC0415 - only on PostgreSQL: the SQLite worker starts without it
    from psycopg import sql  # noqa: PLC0415

    connection = psycopg.connect(source.target, connect_timeout=CONNECT_SECONDS)
    try:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        if source.snapshot:
            connection.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(source.snapshot)))
    except BaseException:
        connection.close()
        raise
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
    """Walk each range in a thread of its own; at the first failure or at the deadline every walk still
    running is cancelled on the server, and the caller does not wait for those threads to end."""
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait  # noqa: PLC0415 - not at a worker's start

    connections = []  # list.append is atomic: each thread adds its own
    pool = ThreadPoolExecutor(max_workers=len(ranges) or 1, thread_name_prefix="audit-part")
    try:
        futures = [pool.submit(walk_part, source, first, last, opening=index == 0, closing=index == len(ranges) - 1,
                               opened=connections.append) for index, (first, last) in enumerate(ranges)]
        _done, running = wait(futures, timeout=timeout, return_when=FIRST_EXCEPTION)
        failed = [future.exception() for future in futures if future.done() and future.exception()]
        if failed or running:
            for connection in connections:
                _cancel(connection)
            raise PartFailed(repr(failed[0]) if failed else f"a part took longer than {timeout} s")
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _cancel(connection) -> None:
    """Ask the server to stop what this connection runs; a server that cannot be reached is given up on."""
    import psycopg  # noqa: PLC0415 - only on PostgreSQL

    try:
        connection.cancel_safe(timeout=CONNECT_SECONDS)
    except psycopg.Error:  # the walk is abandoned either way
        pass


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
        here = walk_part(source, *ranges[0], opening=True, closing=len(ranges) == 1, deadline=deadline)
        outputs = [worker.communicate(timeout=max(0.0, deadline - time.monotonic()))[0] for worker in workers]
        failed = [error for worker, error in zip(workers, errors) if worker.returncode != 0]
        if failed:
            failed[0].seek(0)
            raise PartFailed(failed[0].read().decode(errors="replace").strip().splitlines()[-1:])
        return [here, *(part_from_answer(json.loads(out)) for out in outputs)]
    except subprocess.TimeoutExpired as error:
        raise PartFailed(f"a part took longer than {timeout} s") from error
    except sqlite3.OperationalError as error:  # this process's own part, interrupted at the deadline
        late = time.monotonic() > deadline
        raise PartFailed(f"a part took longer than {timeout} s" if late else repr(error)) from error
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error) as error:
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


if __name__ == "__main__":
    order = json.load(sys.stdin)
    json.dump(part_to_answer(walk_part(Source(**order["source"]), order["first"], order["last"],
                                      opening=order["opening"], closing=order["closing"])), sys.stdout)
