"""Walking the chain in parts at once: the ids cut into contiguous ranges, each walked by its own process
over its own connection, the parts then joined at their seams.

A part is walked by `python -m signage.audit.ranges`, which reads its range on stdin and writes what it
found on stdout as JSON: a fresh interpreter with this module, the chain and the database driver only,
never the app or the caller's main module, and nothing of a threaded web worker's locks or connections.
On PostgreSQL every part reads the snapshot the caller exported, so together they see one consistent log.
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

from signage.audit.chain import Break, Walk, content_organisation, walk_chain

#: Every stored column, in StoredEntry's order; created_at as UTC text in SQLite's stored form.
STORED_COLUMNS = "id, prev_hash, hash, canonical, organisation_id, subject_type, subject_id, action, {created_at}"
CREATED_AT = {"postgresql": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
              "sqlite": "created_at"}


def stored_rows_sql(dialect: str, *, ranged: bool) -> str:
    """Return the SELECT of every stored column in id order, for the whole log or between two ids."""
    where = " WHERE id BETWEEN {} AND {}".format(*(("%s", "%s") if dialect == "postgresql" else ("?", "?"))) \
        if ranged else ""
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
    """One range walked on its own: the walk, and the first row's stored link for the seam check."""

    first: int
    last: int
    walk: Walk
    first_prev_hash: str | None
    first_organisation: int | None


def cut(last_id: int, parts: int) -> list[tuple[int, int]]:
    """Cut ids 1..last_id into at most `parts` contiguous ranges of nearly equal size."""
    parts = max(1, min(parts, last_id))
    step, extra = divmod(last_id, parts)
    ranges, start = [], 1
    for index in range(parts):
        end = start + step - 1 + (1 if index < extra else 0)
        ranges.append((start, end))
        start = end + 1
    return ranges


def walk_part(source: Source, first: int, last: int, batch_size: int = 20_000) -> Part:
    """Walk the entries first..last of the stored chain: run in a worker process."""
    connection, cursor = _open(source)
    try:
        cursor.execute(stored_rows_sql(source.dialect, ranged=True), (first, last))
        rows = itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(batch_size), []))
        peeked = next(rows, None)
        if peeked is None:
            return Part(first, last, Walk(None, 0, None), None, None)
        seam = (peeked[1], content_organisation(peeked[3]) if isinstance(peeked[3], bytes) else None) \
            if peeked[0] == first else (None, None)
        walk = walk_chain(itertools.chain((peeked,), rows), start_seq=first, start_hash=None)
        return Part(first, last, walk, *seam)
    finally:
        cursor.close()
        connection.close()


def _open(source: Source):
    if source.dialect == "sqlite":
        import sqlite3  # noqa: PLC0415 - only the driver this worker needs

        connection = sqlite3.connect(f"file:{source.target}?mode=ro", uri=True)
        return connection, connection.cursor()
    import psycopg  # noqa: PLC0415 - only the driver this worker needs
    from psycopg import sql  # noqa: PLC0415

    connection = psycopg.connect(source.target)
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = True
    if source.snapshot:
        connection.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(source.snapshot)))
    # a server-side cursor: the part streams through in batches, memory stays flat
    cursor = connection.cursor(name="audit_verify_part", binary=True)
    return connection, cursor


def walk_parts(source: Source, ranges: list[tuple[int, int]]) -> list[Part]:
    """Walk each range in its own process, all at once; raise PartFailed if any of them could not."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, (str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH"))))}
    # stderr to files, not pipes: a worker's long traceback can never block it while stdout is read
    errors = [tempfile.TemporaryFile() for _range in ranges]
    workers = [subprocess.Popen([sys.executable, "-m", "signage.audit.ranges"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=error, env=environment) for error in errors]
    for worker, (first, last) in zip(workers, ranges):  # every order given before any answer is read
        worker.stdin.write(json.dumps({"source": asdict(source), "first": first, "last": last}).encode())
        worker.stdin.close()
    outputs = []
    for worker in workers:
        with worker.stdout:
            outputs.append(worker.stdout.read())
    failed = [error for worker, error in zip(workers, errors) if worker.wait() != 0]
    message = None
    if failed:
        failed[0].seek(0)
        message = failed[0].read().decode(errors="replace").strip().splitlines()[-1:]
    for error in errors:
        error.close()
    if failed:
        raise PartFailed(message)
    return [_part_from_json(json.loads(out)) for out in outputs]


class PartFailed(RuntimeError):
    """A worker process could not walk its range (the database unreachable from it, say)."""


def _part_to_json(part: Part) -> dict:
    walk = part.walk
    return {"first": part.first, "last": part.last, "entries": walk.entries, "head": walk.head,
            "break": asdict(walk.first_break) if walk.first_break else None,
            "first_prev_hash": part.first_prev_hash, "first_organisation": part.first_organisation}


def _part_from_json(data: dict) -> Part:
    found = Break(**data["break"]) if data["break"] else None
    walk = Walk(found, data["entries"], tuple(data["head"]) if data["head"] else None)
    return Part(data["first"], data["last"], walk, data["first_prev_hash"], data["first_organisation"])


def joined(parts: list[Part], start_hash: str) -> Walk:
    """Join walked parts, in id order, into the walk one process would have made of the whole chain."""
    expected_prev, count, head = start_hash, 0, None
    for part in parts:
        if part.walk.entries == 0 or part.first_prev_hash is None:
            return Walk(Break(part.first, "is missing (deleted)"), count, head)
        if part.first_prev_hash != expected_prev:
            return Walk(Break(part.first, "does not link to the entry before it (inserted, deleted or reordered)",
                              part.first_organisation), count + 1, head)
        count += part.walk.entries
        if part.walk.first_break is not None:
            return Walk(part.walk.first_break, count, part.walk.head or head)
        head = part.walk.head
        if head[0] != part.last:
            return Walk(Break(head[0] + 1, "is missing (deleted)"), count, head)
        expected_prev = head[1]
    return Walk(None, count, head)


if __name__ == "__main__":
    order = json.load(sys.stdin)
    json.dump(_part_to_json(walk_part(Source(**order["source"]), order["first"], order["last"])), sys.stdout)
