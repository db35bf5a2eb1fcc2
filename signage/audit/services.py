"""Appending to the audit log, reading it back, and verifying it with every record it vouches for."""
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import has_request_context
from sqlalchemy import func, insert, select, text

from signage.audit.chain import GENESIS_HASH, Break, canonical_bytes, entry_hash, walk_chain
from signage.audit.models import AuditEntry
from signage.audit.ranges import PartFailed, Source, cut, joined, stored_rows_sql, walk_parts
from signage.audit.server_walk import walk_on_server
from signage.audit.signals import verification_requested
from signage.database import WRITE_LOCK_KEY, write_intent
from signage.extensions import db
from signage.local_time import day_start
from signage.rules.findings import N_

logger = logging.getLogger(__name__)



def describe_actor(actor) -> dict:
    """Name who acted: a user (maybe through a token), the system, or an actor described before (a job)."""
    if isinstance(actor, dict):
        return dict(actor)
    if actor is None or isinstance(actor, str):
        return {"type": "system", "label": actor or "system"}
    via = getattr(actor, "acting_via", None)
    described = {"type": "user", "id": actor.id, "label": actor.email}
    if via:
        described["via"] = via
    return described


def append_entry(action: str, *, actor, subject, now: datetime, changes: dict | None = None,
                 reason: str | None = None, organisation_id: int | None = None) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction, never racing another writer."""
    now = _utc(now)
    seq, prev_hash = _chain_tail()  # flushed first: the subject has its id now
    subject_type, subject_id = _subject_ref(subject)
    org_id = organisation_id if organisation_id is not None else getattr(subject, "organisation_id", None)
    entry = AuditEntry(**_entry_row(seq + 1, prev_hash, now, action, actor, subject_type, subject_id, org_id,
                                    changes, reason))
    db.session.add(entry)
    db.session.flush()
    return entry


def append_entries(items: list[dict], *, now: datetime) -> int:
    """Append many entries at once (a bulk import), in order and in the caller's transaction.

    Each item has action, actor, subject ((type, id)), organisation_id, changes and optionally reason;
    the chain is the same as if append_entry had been called for each.
    """
    now = _utc(now)
    if not items:
        return 0
    seq, prev_hash = _chain_tail()
    rows = []
    for item in items:
        seq += 1
        rows.append(_entry_row(seq, prev_hash, now, item["action"], item["actor"], *item["subject"],
                               item["organisation_id"], item.get("changes"), item.get("reason")))
        prev_hash = rows[-1]["hash"]
    db.session.execute(insert(AuditEntry), rows)
    return len(rows)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware UTC time")
    return now.astimezone(timezone.utc)  # the hashed time and the stored column must read alike


def _chain_tail() -> tuple[int, str]:
    """Flush pending rows, take the chain's turn, and return the last entry's number and hash (0 and the
    genesis hash for an empty log)."""
    db.session.flush()
    _lock_chain()
    last = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (last.id, last.hash) if last else (0, GENESIS_HASH)


def _entry_row(seq, prev_hash, now, action, actor, subject_type, subject_id, organisation_id, changes,
               reason) -> dict:
    """Return one entry's stored columns, its canonical bytes hashed with its predecessor's hash."""
    canonical = canonical_bytes({"seq": seq, "time": now, "action": action, "actor": describe_actor(actor),
                                 "subject": {"type": subject_type, "id": subject_id},
                                 "organisation_id": organisation_id, "changes": changes or {}, "reason": reason})
    return {"id": seq, "organisation_id": organisation_id, "subject_type": subject_type, "subject_id": subject_id,
            "action": action, "created_at": now, "canonical": canonical, "prev_hash": prev_hash,
            "hash": entry_hash(prev_hash, canonical)}


def _lock_chain():
    if has_request_context() and not write_intent.get():
        # a request that appends must be a declared writer (signage.database), which holds the lock from its
        # first statement; a GET or reads_only view taking it only here, after rows it may have locked,
        # could deadlock, so it is a programming error
        raise RuntimeError("an audit entry appended by a request declared read-only")
    # PostgreSQL: serialise appenders until commit. A writer's transaction already holds the lock from
    # its first statement (signage.database), and taking it twice is harmless; work outside a request
    # (a command, a test's own session) takes it here. SQLite writers hold the write lock from BEGIN IMMEDIATE.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def _subject_ref(subject) -> tuple[str, int | None]:
    if isinstance(subject, tuple):
        return subject
    return type(subject).__tablename__, subject.id


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
    processes = min(processes or os.cpu_count() or 1, 8)
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


def organisation_entry_count(organisation_id: int) -> int:
    """Count the organisation's entries in the chain."""
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.organisation_id == organisation_id))


def entries_query(subject_type: str | None = None, subject_id: int | None = None, *,
                  organisation_id: int | None = None):
    """Return the query of entries, of one subject or one organisation, for a caller to order and page."""
    query = select(AuditEntry)
    if subject_type is not None:
        query = query.where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    return query


def filtered_entries(query, *, action: str | None = None, since: date | None = None, until: date | None = None,
                     time_zone: str = "UTC"):
    """Narrow a query of entries to one action and to the days from `since` to `until`, both included, as
    the days of `time_zone` (an IANA name: the organisation's in the dashboard, UTC in the API)."""
    if action:
        query = query.where(AuditEntry.action == action)
    start = day_start(since, time_zone) if since else None
    if start is not None:  # None: the first days there are, with nothing before them
        query = query.where(AuditEntry.created_at >= start)
    end = day_start(until + timedelta(days=1), time_zone) if until and until < date.max else None
    if end is not None:  # None: the last days there are, with nothing after them to exclude
        query = query.where(AuditEntry.created_at < end)
    return query


def entries_for(subject_type: str | None = None, subject_id: int | None = None, *,
                organisation_id: int | None = None, limit: int = 500) -> list[dict]:
    """Return decoded entries, newest first: what auditors read is the hashed content itself."""
    query = entries_query(subject_type, subject_id, organisation_id=organisation_id)
    return [decoded(entry) for entry in db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit))]


def decoded(entry: AuditEntry) -> dict:
    """Return an entry's canonical content with its hashes."""
    content = json.loads(entry.canonical)
    content.update(prev_hash=entry.prev_hash, hash=entry.hash)
    return content


def checkpoint_break(seq: int, expected_hash: str) -> Break | None:
    """Compare a saved checkpoint with the log: the entry must still exist with the same hash."""
    stored = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == seq)) if seq <= 2**63 - 1 else None
    if stored is None:
        return Break(seq, "named by the checkpoint is gone (history was cut back)")
    if stored != expected_hash:
        return Break(seq, "has a different hash than the checkpoint (history was rewritten)")
    return None


#: What a user learns when the log breaks in another organisation's records (translated where shown).
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
