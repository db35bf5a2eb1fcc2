"""Nothing edits the audit log unseen: every column is vouched for, published notices too, and the
database itself refuses UPDATE and DELETE through the app's own connection (hardening finding 4)."""
import sqlite3
import threading
from datetime import datetime

import pytest
from sqlalchemy import JSON, bindparam, text
from sqlalchemy.exc import DBAPIError

from signage.audit.models import AuditEntry
from signage.audit.services import append_entry
from signage.database import reads_only, write_intent
from signage.notices.content import content_sha256
from signage.notices.models import NoticeVersion
from signage.sites.services import change_status, update_site

from helpers import T0, tampering, verify


@pytest.fixture
def live_site(make_site, make_sign, owner, db, settings):
    """An active site with two published notice versions and a few entries."""
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason="live", by=owner, now=T0, settings=settings)
    update_site(site, {"retention_period_days": 5}, by=owner, now=T0, settings=settings)
    db.session.commit()
    return site


def _site_entry(db, site):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.subject_type == "sites",
                                                          AuditEntry.subject_id == site.id)
                              .order_by(AuditEntry.id.desc())).first()


@pytest.mark.parametrize("column, value", [
    ("organisation_id", "organisation_id + 1"), ("subject_id", "999999"), ("subject_type", "'signs'"),
    ("action", "'site.registered'"), ("created_at", "created_at_plus_a_day"),
])
def test_editing_any_column_outside_the_hash_is_named(live_site, other_org, runner, db, column, value):
    entry = _site_entry(db, live_site)
    if value == "created_at_plus_a_day":
        value = ("created_at + interval '1 day'" if db.engine.dialect.name == "postgresql"
                 else "strftime('%Y-%m-%d %H:%M:%f', created_at, '+1 day') || '000'")
    with tampering(db) as session:
        session.execute(text(f"UPDATE audit_entries SET {column} = {value} WHERE id = :id"), {"id": entry.id})
    result = verify(runner)
    assert result.exit_code == 1
    assert f"Entry {entry.id} has columns that differ from its hashed content" in result.output


@pytest.mark.parametrize("change", ["content", "content_and_hash", "site", "number"])
def test_editing_a_published_notice_is_named(live_site, make_site, runner, db, change):
    version = db.session.scalars(db.select(NoticeVersion).where(NoticeVersion.site_id == live_site.id)
                                 .order_by(NoticeVersion.number)).first()
    forged = {**version.content, "retention_period_days": 1}
    other = make_site(site_name="Other gate")
    statements = {
        "content": ("UPDATE notice_versions SET content = :c WHERE id = :id", {"c": forged}),
        "content_and_hash": ("UPDATE notice_versions SET content = :c, sha256 = :h WHERE id = :id",
                             {"c": forged, "h": _sha(forged)}),
        "site": ("UPDATE notice_versions SET site_id = :s WHERE id = :id", {"s": other.id}),
        "number": ("UPDATE notice_versions SET number = 7 WHERE id = :id", {}),
    }
    statement, params = statements[change]
    with tampering(db) as session:
        session.execute(text(statement).bindparams(*_json_params(statement)), {"id": version.id, **params})
    result = verify(runner)
    assert result.exit_code == 1 and f"Notice version {version.id} " in result.output


def test_a_notice_whose_content_was_edited_is_not_served(live_site, client, db):
    version = db.session.scalars(db.select(NoticeVersion).where(NoticeVersion.site_id == live_site.id)
                                 .order_by(NoticeVersion.number.desc())).first()
    forged = {**version.content, "purpose_text": "Something else entirely."}
    with tampering(db) as session:
        session.execute(text("UPDATE notice_versions SET content = :c WHERE id = :id").bindparams(
            *_json_params(":c")), {"c": forged, "id": version.id})
    response = client.get(f"/n/{live_site.code}")
    assert response.status_code == 503
    assert "Something else entirely" not in response.get_data(as_text=True)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET organisation_id = NULL WHERE id = 1", "DELETE FROM audit_entries WHERE id = 1",
    "UPDATE notice_versions SET sha256 = 'x'", "DELETE FROM notice_versions",
])
def test_the_apps_own_connection_cannot_update_or_delete_the_log(live_site, db, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) > 0


def test_eight_threads_writing_through_the_app_on_a_sqlite_file_leave_one_chain(make_app, make_user, make_token,
                                                                                db, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("this is about SQLite's single writer; PostgreSQL has its own parallel-writer test")
    users = [make_user("editor") for _ in range(8)]
    tokens = [make_token(user) for user in users]
    served = make_app()
    statuses, start = [], threading.Barrier(8)

    def writer(number):
        client = served.test_client()
        start.wait()
        for round_ in range(5):
            with served.app_context():
                response = client.post("/api/v1/sites", json={"site_name": f"Gate {number}-{round_}"},
                                       headers=tokens[number])
            statuses.append(response.status_code)
            with served.app_context():
                statuses.append(client.post("/locale", data={"locale": "zh_Hans"}).status_code)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [201, 302]
    assert len(statuses) == 80
    result = verify(runner)
    assert result.exit_code == 0, result.output


def _sha(content):
    return content_sha256(content)


def _json_params(statement):
    return [bindparam("c", type_=JSON)] if ":c" in statement else []


@pytest.fixture
def other_org(make_org):
    return make_org()


@pytest.mark.parametrize("change", ["delete", "changed_fields"])
def test_a_deleted_or_relabelled_notice_version_is_named(live_site, runner, db, change):
    version_id = db.session.scalars(db.select(NoticeVersion.id).where(NoticeVersion.site_id == live_site.id)
                                    .order_by(NoticeVersion.number.desc())).first()
    statement = {"delete": "DELETE FROM notice_versions WHERE id = :id",
                 "changed_fields": "UPDATE notice_versions SET changed_fields = :c WHERE id = :id"}[change]
    with tampering(db) as session:
        session.execute(text(statement).bindparams(*_json_params(statement)),
                        {"id": version_id, **({"c": ["site_name"]} if change == "changed_fields" else {})})
    result = verify(runner)
    assert result.exit_code == 1 and f"Notice version {version_id} " in result.output


def test_a_notice_rewritten_with_a_matching_hash_is_not_served_either(live_site, client, db):
    version = db.session.scalars(db.select(NoticeVersion).where(NoticeVersion.site_id == live_site.id)
                                 .order_by(NoticeVersion.number.desc())).first()
    forged = {**version.content, "purpose_text": "Something else entirely."}
    with tampering(db) as session:
        session.execute(text("UPDATE notice_versions SET content = :c, sha256 = :h WHERE id = :id").bindparams(
            *_json_params(":c")), {"c": forged, "h": _sha(forged), "id": version.id})
    assert client.get(f"/n/{live_site.code}").status_code == 503


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET organisation_id = 'abc' WHERE id = 3",
    "UPDATE audit_entries SET created_at = 5 WHERE id = 3",
    "UPDATE audit_entries SET canonical = CAST(canonical AS TEXT) WHERE id = 3",
])
def test_columns_rewritten_with_another_type_break_the_chain_without_crashing(live_site, runner, client, owner,
                                                                              make_token, db, statement):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite lets a column take a value of another type")
    headers = make_token(owner)
    db.session.commit()
    # the database file's owner, with a plain sqlite3 connection: no foreign keys, no triggers
    raw = sqlite3.connect(db.engine.url.database)
    raw.executescript("DROP TRIGGER IF EXISTS audit_entries_no_update; " + statement + ";")
    raw.commit()
    raw.close()
    assert verify(runner).exit_code == 1
    report = client.get("/api/v1/audit/verify", headers=headers)
    assert report.status_code == 200 and report.get_json()["intact"] is False


def test_appending_with_a_naive_time_is_refused(db, owner):
    with pytest.raises(ValueError, match="naive"):
        append_entry("site.note", actor=owner, subject=owner, now=datetime(2026, 1, 1))
    db.session.rollback()


def test_read_only_work_leaves_sqlite_writers_free(app, db, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    token = write_intent.set(True)
    try:
        with db.engine.connect() as busy:
            busy.execute(text("SELECT 1"))  # a writer's transaction: it holds the write lock
            assert _can_write(db) is False
        reading = reads_only(lambda: _hold_and_try(db))
        assert reading() is True
    finally:
        write_intent.reset(token)


def _hold_and_try(db):
    with db.engine.connect() as reader:
        reader.execute(text("SELECT 1"))  # begun under reads_only: no write lock
        return _can_write(db)


def _can_write(db) -> bool:
    other = sqlite3.connect(db.engine.url.database, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def _stored_text(db, version_id):
    return db.session.scalar(text("SELECT CAST(content AS TEXT) FROM notice_versions WHERE id = :id"),
                             {"id": version_id})


def test_a_notice_version_is_stored_as_the_very_bytes_its_sha256_covers(live_site, db):
    import hashlib
    for version in db.session.scalars(db.select(NoticeVersion).where(NoticeVersion.site_id == live_site.id)):
        stored = _stored_text(db, version.id)
        assert hashlib.sha256(stored.encode("utf-8")).hexdigest() == version.sha256  # sha256sum checks it


def test_a_version_stored_in_another_json_form_still_verifies_and_is_served(live_site, client, db, runner):
    import json
    version = db.session.scalars(db.select(NoticeVersion).where(NoticeVersion.site_id == live_site.id)
                                 .order_by(NoticeVersion.number.desc())).first()
    spaced = json.dumps(version.content, indent=2, ensure_ascii=True)  # as rows written by older releases are
    with tampering(db) as session:
        session.execute(text("UPDATE notice_versions SET content = :c WHERE id = :id"), {"c": spaced, "id": version.id})
    assert _stored_text(db, version.id) != json.dumps(version.content)  # the form did change
    assert verify(runner).exit_code == 0
    assert client.get(f"/n/{live_site.code}").status_code == 200


def test_content_that_is_no_json_at_all_is_named_not_a_crash(live_site, client, db, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's json type refuses text that is not JSON")
    version_id = db.session.scalar(db.select(db.func.max(NoticeVersion.id)).where(NoticeVersion.site_id == live_site.id))
    code = live_site.code
    with tampering(db) as session:
        session.execute(text("UPDATE notice_versions SET content = 'not json' WHERE id = :id"), {"id": version_id})
    result = verify(runner)
    assert result.exit_code == 1 and f"Notice version {version_id} does not match its SHA-256" in result.output
    assert client.get(f"/n/{code}").status_code == 503
