"""On PostgreSQL the server checks every entry and sends only the doubtful ones: whatever was tampered
with, its walk gives exactly what walk_chain gives reading every stored row, and an entry the server
doubts wrongly (its own organisation's marker also inside its changes) is still found sound."""
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import text

from signage.audit.chain import GENESIS_HASH, walk_chain
from signage.audit.models import AuditEntry
from signage.audit.ranges import stored_rows_sql
from signage.audit.server_walk import SUSPECTS_SQL, walk_on_server
from signage.audit.services import append_entry
from signage.audit.verification import verify_log

from helpers import T0, grow_log, rewrite_history, tampering


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the server checks entries only on PostgreSQL; SQLite's rows are all read by walk_chain")


@pytest.fixture
def log(make_site, owner, db, settings):
    """A log of ten entries or more, one of them with the organisation's marker inside its changes and
    one by the system."""
    site = make_site()
    append_entry("site.noted", actor=owner, subject=site, now=T0, reason='a "quoted" reason',
                 changes={"a": [1, 2], "organisation_id": site.organisation_id, "reason": "copied"})
    append_entry("site.checked", actor="housekeeping", subject=site, now=T0)
    return grow_log(db, site, owner, settings, entries=10)


def both_walks(db):
    raw = db.session.connection().connection.dbapi_connection
    cursor = raw.cursor()
    cursor.execute(stored_rows_sql("postgresql"))
    every_row = walk_chain(itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(3), [])))
    stream = raw.cursor(name="server_walk_test", binary=True)
    on_server, _first = walk_on_server(stream, raw.cursor(), (), above=False, below=False,
                                       start_hash=GENESIS_HASH, batch_size=2)
    stream.close()
    db.session.rollback()
    return on_server, every_row


def test_an_intact_log_is_intact_with_the_same_head_and_count(log, db):
    on_server, every_row = both_walks(db)
    assert on_server == every_row and every_row.first_break is None and every_row.entries == log


def test_an_entry_the_server_doubts_is_still_found_sound(log, db):
    tricky = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "site.noted")).one()
    assert tricky.canonical.count(b',"organisation_id":%d,"reason":' % tricky.organisation_id) == 2
    assert tricky.id in db.session.execute(text(SUSPECTS_SQL.replace("{where}", ""))).scalars().all()
    on_server, every_row = both_walks(db)
    assert on_server == every_row and every_row.first_break is None
    assert verify_log(processes=1).intact


@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_entries WHERE id = 1",
    "DELETE FROM audit_entries WHERE id = 5",
    "UPDATE audit_entries SET canonical = canonical || '\\x20'::bytea WHERE id = 4",
    "UPDATE audit_entries SET hash = upper(hash) WHERE id = 6",
    "UPDATE audit_entries SET prev_hash = 'é' || substr(prev_hash, 2) WHERE id = 3",
    "UPDATE audit_entries SET organisation_id = NULL WHERE id = 7",
    "UPDATE audit_entries SET organisation_id = organisation_id + 1 WHERE action = 'site.noted'",
    "UPDATE audit_entries SET subject_id = NULL WHERE id = 5",
    "UPDATE audit_entries SET subject_type = 'si\"tes' WHERE id = 5",
    "UPDATE audit_entries SET action = 'site.updated\\' WHERE id = 8",
    "UPDATE audit_entries SET created_at = created_at + interval '1 microsecond' WHERE id = 6",
    "UPDATE audit_entries SET created_at = created_at + interval '1 second' WHERE id = 6",
    "UPDATE audit_entries SET id = 1000 WHERE id = 4",
    "UPDATE audit_entries SET hash = 'x' WHERE id = {last}",
    "UPDATE audit_entries SET actor_id = actor_id + 1 WHERE id = 6",
    "UPDATE audit_entries SET actor_id = NULL WHERE id = 6",
    "UPDATE audit_entries SET actor_id = (SELECT max(actor_id) FROM audit_entries) WHERE action = 'site.checked'",
])
def test_any_tampering_gives_the_walk_that_reading_every_row_gives(log, db, statement):
    with tampering(db) as session:
        session.execute(text(statement.format(last=log)))
    on_server, every_row = both_walks(db)
    assert every_row.first_break is not None
    assert on_server == every_row  # the same break, the same entries read, the same head


def suspects(db) -> list[int]:
    return db.session.execute(text(SUSPECTS_SQL.replace("{where}", ""))).scalars().all()


def test_the_server_vouches_for_sound_entries_whatever_their_time(log, db, make_site, owner):
    """Only the range's first entry (it has no entry before it here) and the one with its organisation's
    marker inside its changes are sent: a time with a fraction, a long reason or a system actor are not."""
    site = make_site()
    fractional = append_entry("site.noted", actor=owner, subject=site, now=T0 + timedelta(microseconds=120_000))
    long_reason = append_entry("site.noted", actor=owner, subject=site, now=T0 + timedelta(microseconds=1),
                               reason="区域 " * 400, changes={"organisation_id": [1, 2]})
    db.session.commit()
    doubted = suspects(db)
    tricky = db.session.scalars(db.select(AuditEntry.id).where(AuditEntry.action == "site.noted")
                                .order_by(AuditEntry.id)).first()
    first = db.session.scalar(db.select(db.func.min(AuditEntry.id)))
    assert doubted == [first, tricky]
    assert fractional.id not in doubted and long_reason.id not in doubted
    on_server, every_row = both_walks(db)
    assert on_server == every_row and every_row.first_break is None


@pytest.mark.parametrize("stored, hashed", [
    # what the type's output would give, padded and with its spaces made T: a year before Christ, one of five digits
    ("2026-11-02 09:00:00.5 BC", "2026-11-02T09:00:00.5 BC00"),
    ("2026-11-02 09:00:00.5 BC", "2026-11-02T09:00:00.5TBC00"),
    ("10000-11-02 09:00:00", "10000-11-02T09:00:00000000"),
    ("2026-11-02 09:00:00.5", "2026-11-02T09:00:00.5"),  # isoformat never shortens a fraction
    ("2026-11-02 09:00:00", "2026-11-02T09:00:00.000000"),  # nor writes a zero one
])
def test_a_time_rewritten_in_both_places_the_server_must_not_accept(log, db, stored, hashed):
    """Entry 5's time changed in its column and in its bytes, and the chain rehashed from there."""
    canonical = bytes(db.session.scalar(text("SELECT canonical FROM audit_entries WHERE id = 5")))
    assert b'"time":"2026-11-02T09:00:00+00:00"' in canonical
    with tampering(db) as session:
        session.execute(text("UPDATE audit_entries SET created_at = CAST(:stored AS timestamp) AT TIME ZONE 'UTC' "
                             "WHERE id = 5"), {"stored": stored})
        rewrite_history(session, canonical, canonical.replace(b'"time":"2026-11-02T09:00:00+00:00"',
                                                              b'"time":"%s+00:00"' % hashed.encode()))
    on_server, every_row = both_walks(db)
    assert every_row.first_break.seq == 5
    assert on_server == every_row
