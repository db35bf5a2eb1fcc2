"""Verification walks the whole chain but tells each organisation only what is theirs (finding 11)."""
from sqlalchemy import text

from signage.audit.models import AuditEntry
from signage.audit.verification import OTHER_ORGANISATION
from signage.sites.services import update_site

from helpers import T0, tampering, verify


def _entries_of(db, organisation_id):
    return db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.organisation_id == organisation_id))


def test_each_organisation_is_told_only_its_own_count_and_its_own_breaks(client, runner, make_user, make_token,
                                                                         make_site, db, settings):
    mine, theirs = make_user("auditor"), make_user("owner")
    theirs_site = make_site(by=theirs)
    update_site(theirs_site, {"retention_period_days": 3}, by=theirs, now=T0, settings=settings)
    db.session.commit()
    my_headers, their_headers = make_token(mine), make_token(theirs)
    report = client.get("/api/v1/audit/verify", headers=my_headers).get_json()
    assert report["intact"] is True and report["entries"] == _entries_of(db, mine.organisation_id)
    seq, digest = report["checkpoint"].split(":")
    newest_of_mine = db.session.scalars(db.select(AuditEntry).where(AuditEntry.organisation_id == mine.organisation_id)
                                        .order_by(AuditEntry.id.desc())).first()
    assert (int(seq), digest) == (newest_of_mine.id, newest_of_mine.hash)  # its own entry, not the newest of all
    assert int(seq) < db.session.scalar(db.select(db.func.max(AuditEntry.id)))

    target = db.session.scalars(db.select(AuditEntry).where(AuditEntry.organisation_id == theirs.organisation_id,
                                                            AuditEntry.action == "site.updated")).one()
    with tampering(db) as session:
        session.execute(text("UPDATE audit_entries SET canonical = :c WHERE id = :id"),
                        {"c": target.canonical.replace(b"[7,3]", b"[7,300]"), "id": target.id})

    mine_now = client.get("/api/v1/audit/verify", headers=my_headers).get_json()
    assert mine_now["intact"] is False and mine_now["break_seq"] is None and mine_now["detail"] == OTHER_ORGANISATION
    theirs_now = client.get("/api/v1/audit/verify", headers=their_headers).get_json()
    assert theirs_now["break_seq"] == target.id and "edited" in theirs_now["detail"]
    result = verify(runner)
    assert result.exit_code == 1 and f"Entry {target.id} does not match its hash" in result.output


def test_a_checkpoint_saved_earlier_catches_a_cut_tail_in_the_api(client, make_user, make_token, make_site, db):
    auditor = make_user("owner")
    headers = make_token(auditor)
    make_site(by=auditor)
    checkpoint = client.get("/api/v1/audit/verify", headers=headers).get_json()["checkpoint"]
    with tampering(db) as session:
        session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": int(checkpoint.split(":")[0])})
    assert client.get("/api/v1/audit/verify", headers=headers).get_json()["intact"] is True
    report = client.get(f"/api/v1/audit/verify?checkpoint={checkpoint}", headers=headers).get_json()
    assert report["intact"] is False and "gone" in report["detail"]


def test_the_dashboard_shows_the_count_and_a_checkpoint_to_keep(client, auth, owner, db):
    auth.login(owner)
    page = client.get("/audit/verify").get_data(as_text=True)
    assert "The chain is intact" in page
    assert f"{_entries_of(db, owner.organisation_id)} entries of your organisation" in page


def test_verification_is_rate_limited(make_app, make_user, make_token):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_VERIFY="2 per minute")
    client = app.test_client()
    headers = make_token(make_user("auditor"))
    statuses = [client.get("/api/v1/audit/verify", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
