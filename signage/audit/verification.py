"""Verifying the audit log: the whole chain walked straight from the database (in parts at once when it is
long, by the server itself on PostgreSQL), every record it vouches for, a checkpoint kept elsewhere, and what
one organisation's users may learn of the result."""
import json
import logging
import os
from dataclasses import dataclass, field

from sqlalchemy import func, select

from signage.audit.chain import GENESIS_HASH, Break, walk_chain
from signage.audit.models import AuditEntry
from signage.audit.ranges import PartFailed, Source, stored_rows_sql, walk_parts
from signage.audit.seams import cut, joined
from signage.audit.server_walk import walk_on_server
from signage.audit.services import organisation_entry_count
from signage.audit.signals import verification_requested
from signage.extensions import db
from signage.rules.findings import N_

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordBreak:
    """A record the log vouches for (a published notice version) that no longer matches it."""

    kind: str
    record_id: int
    organisation_id: int | None
    reason: str

    def describe(self) -> str:
        return f"{self.kind} {self.record_id} {self.reason}."


@dataclass(frozen=True)
class Verification:
    """What a walk of the whole log found: the chain's first break, the records that broke, its head."""

    entries: int
    chain_break: Break | None
    record_breaks: list[RecordBreak] = field(default_factory=list)
    head: tuple[int, str] | None = None

    @property
    def intact(self) -> bool:
        return self.chain_break is None and not self.record_breaks


#: Below this many entries one process walks the log: starting worker processes costs more than it saves.
PARALLEL_FROM = 200_000


def part_count(processes: int | None = None) -> int:
    """Return how many parts a long log is walked in: `processes`, by default one per CPU, at most 8."""
    return min(processes or os.cpu_count() or 1, 8)


def verify_log(batch_size: int = 20_000, *, processes: int | None = None,
               parallel_from: int = PARALLEL_FROM) -> Verification:
    """Verify the whole stored chain straight from the database, then every record it vouches for.

    A long log is cut into ranges walked by `processes` worker processes at once (by default one per
    CPU, at most 8), each reading its part through its own streaming cursor; the parts are joined at
    their seams, so the result is the one a single walk gives.
    """
    connection = db.session.connection()
    dialect = connection.dialect.name
    last_id = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    processes = part_count(processes)
    source = _worker_source(connection) if processes > 1 and last_id >= max(parallel_from, 1) else None
    try:
        walk = _walk_in_parts(source, last_id, processes) if source else None
    except PartFailed as error:
        # the same walk in this process gives the same answer, only later
        logger.warning("audit verify: walking in parts failed (%s); walking in one process", error)
        walk = None
    walk = walk or _walk_here(connection, dialect, batch_size)
    record_breaks = [broken for _receiver, breaks in verification_requested.send(None) for broken in breaks or ()]
    # the head is the last entry the walk itself found sound, so the checkpoint offered was checked
    return Verification(walk.entries, walk.first_break, record_breaks, walk.head)


def _walk_here(connection, dialect: str, batch_size: int):
    # the driver's own cursor, inside the session's transaction: SQLAlchemy's row objects cost
    # more than hashing here, and nothing but plain tuples is needed
    raw = connection.connection.dbapi_connection
    if dialect == "postgresql":
        # the server checks every entry and sends only doubtful ones, through a server-side cursor
        # (memory stays flat however long the log) in psycopg's binary protocol
        cursor = raw.cursor(name="audit_verify", binary=True)
        try:
            return walk_on_server(cursor, raw.cursor(), (), above=False, below=False, start_hash=GENESIS_HASH,
                                  batch_size=batch_size)[0]
        finally:
            cursor.close()
    cursor = raw.cursor()
    try:
        cursor.execute(stored_rows_sql(dialect))
        # plain tuples in StoredEntry's order, row by row from SQLite's own cursor: a named tuple per row,
        # or lists of fetchmany, cost more
        return walk_chain(iter(cursor))
    finally:
        cursor.close()


def _worker_source(connection) -> Source | None:
    """Say how worker processes reach this database, or None when they cannot (an in-memory SQLite)."""
    url = connection.engine.url
    if url.get_backend_name() == "sqlite":
        return Source("sqlite", url.database) if url.database and url.database != ":memory:" else None
    # the caller's snapshot, so that every part reads the log exactly as this transaction sees it
    snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    return Source("postgresql", url.set(drivername="postgresql").render_as_string(hide_password=False), snapshot)


def _walk_in_parts(source: Source, last_id: int, processes: int):
    return joined(walk_parts(source, cut(last_id, processes)))


def published_stream(action: str, subject_type: str, batch_size: int = 2_000):
    """Yield (subject id, hashed content) of every entry of one action on one kind of record, by subject id
    and then id, a batch at a time: what records are checked against, in the order to merge them with."""
    rows = db.session.execute(select(AuditEntry.subject_id, AuditEntry.canonical)
                              .where(AuditEntry.subject_type == subject_type, AuditEntry.action == action,
                                     AuditEntry.subject_id.is_not(None))
                              .order_by(AuditEntry.subject_id, AuditEntry.id)
                              .execution_options(yield_per=batch_size))
    for subject_id, canonical in rows:
        yield subject_id, json.loads(canonical)


def checkpoint_break(seq: int, expected_hash: str) -> Break | None:
    """Compare a saved checkpoint with the log: the entry must still exist with the same hash."""
    stored = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == seq)) if seq <= 2**63 - 1 else None
    if stored is None:
        return Break(seq, "named by the checkpoint is gone (history was cut back)")
    if stored != expected_hash:
        return Break(seq, "has a different hash than the checkpoint (history was rewritten)")
    return None


def _own_checkpoint(organisation_id: int, head: tuple[int, str] | None) -> str | None:
    """Return SEQ:HASH of the organisation's newest entry the walk found sound, for the caller to keep.

    Its own entry, not the newest of all: a checkpoint vouches for the whole chain before it, and
    another organisation's activity stays unseen.
    """
    if head is None:
        return None
    row = db.session.execute(select(AuditEntry.id, AuditEntry.hash).where(
        AuditEntry.organisation_id == organisation_id, AuditEntry.id <= head[0])
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return f"{row.id}:{row.hash}" if row else None


#: What a user learns when the log breaks in another organisation's records (translated where shown).
OTHER_ORGANISATION = N_("The log is broken at an entry of another organisation, which you cannot see. "
                        "Tell the people who run this signage service.")


def report_for(verification: Verification, *, organisation_id: int, checkpoint: Break | None = None) -> dict:
    """Say what one organisation's users may learn from a verification of the whole log.

    The walk always covers every entry; where the first problem lies in another organisation's
    records, they learn only that the log is broken and whom to tell.
    """
    problems = [verification.chain_break, *verification.record_breaks, checkpoint]
    first = next((problem for problem in problems if problem is not None), None)
    report = {"intact": first is None, "entries": organisation_entry_count(organisation_id),
              "break_seq": None, "detail": None, "checkpoint": _own_checkpoint(organisation_id, verification.head)}
    if first is checkpoint and checkpoint is not None:
        report.update(break_seq=checkpoint.seq, detail=checkpoint.describe())
    elif first is not None and first.organisation_id == organisation_id:
        report.update(break_seq=getattr(first, "seq", None), detail=first.describe())
    elif first is not None:
        report["detail"] = OTHER_ORGANISATION
    return report
