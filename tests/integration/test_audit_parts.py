"""A long log is walked in parts by several processes at once: whatever was tampered with, the parts
joined give the answer one walk gives, also where the tampering sits at a seam between two parts."""
import pytest
from sqlalchemy import text

from signage.audit.ranges import PartFailed, Source, walk_parts
from signage.audit.seams import cut
from signage.audit.verification import verify_log

from helpers import grow_log, tampering

PARTS = 3


@pytest.fixture
def twelve(make_site, owner, db, settings):
    """A log of at least twelve entries: parts 1-4, 5-8 and 9-12 (and the rest) when cut in three."""
    return grow_log(db, make_site(), owner, settings, entries=12)


@pytest.fixture
def both_ways(db, caplog):
    """Verify in parts and in one process; the parts must really have been walked by their workers (a
    walk in parts that fails falls back to one process, which would make any comparison pass)."""
    def verify_both():
        caplog.clear()
        in_parts = verify_log(processes=PARTS, parallel_from=0)
        db.session.rollback()
        assert "walking in parts failed" not in caplog.text
        at_once = verify_log(processes=1)
        db.session.rollback()
        return in_parts, at_once
    return verify_both


def test_the_ranges_cover_every_id_once():
    assert cut(0, 3) == []
    for last in (1, 2, 3, 12, 13, 1000):
        for parts in (1, 2, 3, 8):
            ranges = cut(last, parts)
            assert [i for first, end in ranges for i in range(first, end + 1)] == list(range(1, last + 1))


def test_an_empty_log_is_intact_either_way(db, both_ways):
    in_parts, at_once = both_ways()
    assert in_parts == at_once and at_once.intact and at_once.entries == 0


def test_an_intact_log_walked_in_parts_is_intact_with_the_same_head(twelve, db, both_ways):
    in_parts, at_once = both_ways()
    assert in_parts.intact and in_parts == at_once
    assert in_parts.entries == twelve and in_parts.head[0] == twelve


@pytest.mark.parametrize("seam_number", [1, 2])
@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_entries WHERE id = 1",
    "DELETE FROM audit_entries WHERE id = {seam}",
    "DELETE FROM audit_entries WHERE id = {seam} - 1",
    "DELETE FROM audit_entries WHERE id IN ({seam} - 2, {seam} - 1)",
    "DELETE FROM audit_entries WHERE id IN ({seam} - 1, {seam})",
    "DELETE FROM audit_entries WHERE id BETWEEN {seam} AND {seam} + 1",
    "DELETE FROM audit_entries WHERE id >= {seam}",
    "UPDATE audit_entries SET canonical = canonical || {space} WHERE id = {seam}",
    "UPDATE audit_entries SET prev_hash = '{forged}' WHERE id = {seam}",
    "UPDATE audit_entries SET prev_hash = {not_text} WHERE id = {seam}",
    "UPDATE audit_entries SET subject_id = 999999 WHERE id = {seam} - 1",
    "UPDATE audit_entries SET id = -5 WHERE id = {seam}",
    "UPDATE audit_entries SET id = {last} + 7 WHERE id = {seam}",
    "UPDATE audit_entries SET hash = '{forged}' WHERE id = {last}",
])
def test_tampering_anywhere_gives_the_same_answer_in_parts(twelve, db, both_ways, statement, seam_number):
    seam = cut(twelve, PARTS)[seam_number][0]
    sqlite = db.engine.dialect.name == "sqlite"
    space = "X'20'" if sqlite else "'\\x20'::bytea"
    with tampering(db) as session:
        session.execute(text(statement.format(seam=seam, last=twelve, space=space, forged="ab" * 32,
                                              not_text="X'00'" if sqlite else "''")))
    in_parts, at_once = both_ways()
    # cutting off the newest entries leaves a shorter chain that is intact: only a checkpoint held
    # elsewhere shows it (test_audit_verification); every other change breaks the chain
    assert at_once.intact == ("id >= {seam}" in statement)
    assert in_parts == at_once  # the same break, entries read and head


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET prev_hash = 'forged', canonical = 2.5 WHERE id = {seam}",
    "UPDATE audit_entries SET prev_hash = 'forged', canonical = CAST(canonical AS TEXT) WHERE id = {seam}",
    "UPDATE audit_entries SET canonical = CAST(canonical AS TEXT) WHERE id = {seam}",
])
def test_a_seam_row_retyped_in_sqlite_gives_the_same_answer_in_parts(twelve, db, both_ways, statement):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite lets a column hold another type")
    with tampering(db) as session:
        session.execute(text(statement.format(seam=cut(twelve, PARTS)[1][0])))
    in_parts, at_once = both_ways()
    assert not at_once.intact and in_parts == at_once


def test_a_part_that_cannot_be_walked_is_reported_not_guessed(tmp_path):
    with pytest.raises(PartFailed):
        walk_parts(Source("sqlite", str(tmp_path / "no-such.db")), [(1, 2), (3, 4)])


def test_parts_that_take_too_long_are_stopped_and_reported(twelve, db):
    """SQLite's parts are processes (and the caller's own part, interrupted), PostgreSQL's threads whose
    statements are cancelled on the server; either way the caller hears of it at the deadline."""
    url = db.engine.url
    source = Source("sqlite", url.database) if url.get_backend_name() == "sqlite" else \
        Source("postgresql", url.set(drivername="postgresql").render_as_string(hide_password=False))
    with pytest.raises(PartFailed, match="took longer than 0 s"):
        walk_parts(source, cut(twelve, PARTS), timeout=0)
    ranges = cut(twelve, PARTS)
    assert [part.walk.entries for part in walk_parts(source, ranges)] == [end - first + 1 for first, end in ranges]


@pytest.mark.parametrize("answer", [
    None, [], {"first": 1}, {"first": 1, "last": 4, "entries": 4, "head": [5], "break": None, "first_id": None,
                             "first_prev_hash": None, "first_organisation": None, "first_unreadable": False},
    {"first": 1, "last": 4, "entries": "4", "head": None, "break": None, "first_id": None, "first_prev_hash": None,
     "first_organisation": None, "first_unreadable": False},
    {"first": 1, "last": 4, "entries": 4, "head": None, "break": {"seq": 2}, "first_id": None,
     "first_prev_hash": None, "first_organisation": None, "first_unreadable": False},
])
def test_a_worker_answer_of_the_wrong_shape_is_a_failed_part_not_a_crash(answer):
    from signage.audit.ranges import part_from_answer
    with pytest.raises(PartFailed):
        part_from_answer(answer)
