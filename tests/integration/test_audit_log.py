"""The audit log as an auditor uses it: every change logged, tampering caught by `flask audit verify`."""
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from signage.audit.chain import canonical_bytes, entry_hash
from signage.audit.models import AuditEntry
from signage.audit.services import append_entry, decoded
from signage.sites.models import Site
from signage.sites.services import update_site

from helpers import T0, tampering, verify


@pytest.fixture
def logged(make_site, owner, db, settings):
    """A site with a few changes, so the chain has entries to tamper with."""
    site = make_site()
    for days in (6, 5, 4):
        update_site(site, {"retention_period_days": days}, by=owner, now=T0, settings=settings)
        db.session.commit()
    return site


def entry_count(db):
    return db.session.scalar(db.select(db.func.count(AuditEntry.id)))


def test_every_change_has_an_entry_with_before_and_after(logged, db):
    entries = [decoded(entry) for entry in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.subject_type == "sites").order_by(AuditEntry.id))]
    assert [entry["action"] for entry in entries] == ["site.registered"] + ["site.updated"] * 3
    assert [entry["changes"]["retention_period_days"] for entry in entries[1:]] == [[7, 6], [6, 5], [5, 4]]
    assert entries[1]["actor"]["label"].endswith("@operator.example")
    assert entries[1]["time"] == T0.isoformat()


def test_intact_chain_verifies(logged, runner, db):
    result = verify(runner)
    assert result.exit_code == 0
    assert f"OK: {entry_count(db)} entries" in result.output


def test_edited_entry_is_detected_and_named(logged, runner, db):
    target = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id).offset(4)).first()
    forged = target.canonical.replace(b"[6,5]", b"[6,30]")
    assert forged != target.canonical
    with tampering(db) as session:
        session.execute(text("UPDATE audit_entries SET canonical = :c WHERE id = :id"), {"c": forged, "id": target.id})
    result = verify(runner)
    assert result.exit_code == 1
    assert f"Entry {target.id} does not match its hash" in result.output


def test_deleted_entry_is_detected_and_named(logged, runner, db):
    with tampering(db) as session:
        session.execute(text("DELETE FROM audit_entries WHERE id = 3"))
    result = verify(runner)
    assert result.exit_code == 1 and "Entry 3 is missing" in result.output


def test_reordered_entries_are_detected(logged, runner, db):
    # swap the contents of entries 3 and 4, keeping the numbering intact
    rows = {row.id: row for row in db.session.execute(text(
        "SELECT id, prev_hash, hash, canonical FROM audit_entries WHERE id IN (3, 4)"))}
    with tampering(db) as session:
        session.execute(text("UPDATE audit_entries SET prev_hash = 'x3', hash = 'y3' WHERE id = 3"))
        session.execute(text("UPDATE audit_entries SET prev_hash = 'x4', hash = 'y4' WHERE id = 4"))
        for new_id, old in ((3, rows[4]), (4, rows[3])):
            session.execute(text("UPDATE audit_entries SET prev_hash = :p, hash = :h, canonical = :c WHERE id = :id"),
                            {"p": old.prev_hash, "h": old.hash, "c": old.canonical, "id": new_id})
    result = verify(runner)
    assert result.exit_code == 1 and "Entry 3 does not link" in result.output


def test_inserted_entry_is_detected(logged, runner, db):
    last = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    third = db.session.get(AuditEntry, 3)
    db.session.expunge_all()
    # renumber 4.. upwards to make room, then forge an entry 4 that links to entry 3
    with tampering(db) as session:
        for entry_id in range(last.id, 3, -1):
            session.execute(text("UPDATE audit_entries SET id = :new WHERE id = :old"),
                            {"new": entry_id + 1, "old": entry_id})
        forged = canonical_bytes({"seq": 4, "action": "site.updated", "changes": {"retention_period_days": [7, 1]}})
        session.execute(text("INSERT INTO audit_entries (id, organisation_id, subject_type, subject_id, action, "
                             "created_at, canonical, prev_hash, hash) VALUES (4, NULL, 'sites', 1, 'site.updated', "
                             ":t, :c, :p, :h)"),
                        {"t": T0, "c": forged, "p": "f" * 64, "h": entry_hash("f" * 64, forged)})
    # linking the forgery to entry 3 is refused outright: the old entry 4 already claims that link
    with pytest.raises(IntegrityError), tampering(db) as session:
        session.execute(text("UPDATE audit_entries SET prev_hash = :p WHERE id = 4"), {"p": third.hash})
    db.session.rollback()
    result = verify(runner)
    assert result.exit_code == 1 and "Entry 4 does not link" in result.output


def test_checkpoint_catches_a_rewritten_tail(logged, runner, db, owner, settings):
    last = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    checkpoint = f"{last.id}:{last.hash}"
    with tampering(db) as session:
        session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": last.id})
    assert verify(runner).exit_code == 0  # a cut tail alone looks intact ...
    result = runner.invoke(args=["audit", "verify", "--checkpoint", checkpoint])
    assert result.exit_code == 1 and "gone" in result.output  # ... but not against a saved checkpoint


def test_failed_change_leaves_neither_record_nor_entry(make_site, owner, db, settings):
    site = make_site()
    before = entry_count(db)
    update_site(site, {"retention_period_days": 2}, by=owner, now=T0, settings=settings)
    with pytest.raises(IntegrityError):
        # a database failure after the change and its entry were flushed: a duplicate chain link
        db.session.add(AuditEntry(id=10_000, subject_type="sites", subject_id=site.id, action="forged",
                                  created_at=T0, canonical=b"{}", prev_hash=entry_hash("0", b""), hash="dup"))
        db.session.add(AuditEntry(id=10_001, subject_type="sites", subject_id=site.id, action="forged",
                                  created_at=T0, canonical=b"{}", prev_hash="other", hash="dup"))
        db.session.commit()
    db.session.rollback()
    assert entry_count(db) == before
    assert db.session.get(Site, site.id).retention_period_days == 7


@pytest.mark.postgresql
def test_parallel_writers_leave_one_unbroken_chain(app, make_site, owner, db, runner):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent appends need PostgreSQL")
    site_id, owner_id = make_site().id, owner.id
    errors, start = [], threading.Barrier(8)

    def writer(number):
        try:
            with app.app_context():  # each thread gets its own session and connection
                start.wait()
                for round_ in range(5):
                    user = db.session.get(type(owner), owner_id)
                    append_entry("site.note", actor=user, subject=("sites", site_id), now=T0,
                                 changes={"writer": [None, number], "round": [None, round_]},
                                 organisation_id=user.organisation_id)
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # collected and asserted below: a thread cannot fail the test itself
            errors.append(error)

    before = entry_count(db)
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert entry_count(db) == before + 40
    result = verify(runner)
    assert result.exit_code == 0, result.output


def test_writers_that_move_counts_and_append_at_once_never_deadlock(app, make_site, make_sign, owner, db, settings,
                                                                      runner):
    """Status changes, edits, signs and acknowledgements at once: each locks a site's counts row and the
    chain, in whatever order its work needs; none of them may fail or wait for ever."""
    from signage.signs.services import issue_sign
    from signage.sites.services import acknowledge_finding, change_status, site_findings

    sites = [make_site(site_name=f"Gate {n}") for n in range(4)]
    for site in sites:
        make_sign(site)
    offices = [make_site(site_name=f"Office {n}", storage_mode="cloud") for n in range(4)]  # a draft with a warning
    warning = next(f["rule_id"] for f in site_findings(offices[0], today=T0.date(), settings=settings)
                   if f["severity"] == "warn")
    ids, office_ids, owner_id = [site.id for site in sites], [office.id for office in offices], owner.id
    db.session.rollback()  # this thread holds no transaction (and so no write lock) while the writers run
    errors, start = [], threading.Barrier(4, timeout=30)

    def writer(number):
        try:
            with app.app_context():
                user = db.session.get(type(owner), owner_id)
                site, office = db.session.get(Site, ids[number]), db.session.get(Site, office_ids[number])
                db.session.commit()  # no writer holds the lock while the others wait at the barrier
                start.wait()
                for round_ in range(3):
                    change_status(site, "active" if round_ % 2 == 0 else "suspended", reason="test", by=user,
                                  now=T0, settings=settings)
                    db.session.commit()
                    update_site(site, {"retention_period_days": 5 + round_}, by=user, now=T0, settings=settings)
                    db.session.commit()
                    issue_sign(site, {"placement": f"Door {round_}", "size": "A4", "languages": ["zh-Hans", "en"]},
                               by=user, now=T0, settings=settings)
                    db.session.commit()
                acknowledge_finding(office, {"rule_id": warning, "note": "Seen."}, by=user, now=T0, settings=settings)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # collected and asserted below: a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    db.session.expire_all()
    assert {db.session.get(Site, site_id).status for site_id in ids} == {"active"}
    assert verify(runner).exit_code == 0
