"""Consent events are appended and never changed: the database refuses UPDATE and DELETE, no route of the
app changes one, and an edit made with the triggers set aside is named by `audit verify`."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from signage.audit.chain import canonical_json
from signage.consent.content import event_sha256
from signage.consent.models import ConsentEvent, ConsentReceipt
from signage.consent.services import withdraw_consent

from helpers import CONSENT_DEFAULTS, T0, tampering, verify


@pytest.fixture
def withdrawn(gym_site, make_consent, owner, db, settings):
    """A consent given and then withdrawn: two events, two receipts."""
    consent, _code = make_consent(gym_site)
    withdraw_consent(consent, {"channel": "operator", "scope": "all"}, by=owner, now=T0, settings=settings)
    db.session.commit()
    return consent


@pytest.mark.parametrize("statement", [
    "UPDATE consent_events SET content = '{}'", "DELETE FROM consent_events",
    "UPDATE consent_receipts SET code_sha256 = 'x'", "DELETE FROM consent_receipts",
])
def test_the_database_refuses_to_change_consent_events_and_receipts(withdrawn, db, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(ConsentEvent.id))) == 2


def _rewritten(*, rehash: bool):
    """A forger who rewrites whose answer it was, and maybe recomputes the event's own hash too."""
    def statements(db) -> list[tuple[str, dict]]:
        event = db.session.scalars(select(ConsentEvent).where(ConsentEvent.seq == 1)).one()
        forged = {**event.content, "pii_principal_id": "GYM-999999"}
        return [("UPDATE consent_events SET content = :content, sha256 = :sha WHERE seq = 1",
                 {"content": canonical_json(forged), "sha": event_sha256(forged) if rehash else event.sha256})]
    return statements


EDITS = {
    "content": (_rewritten(rehash=False), "does not match its SHA-256"),
    "content and hash": (_rewritten(rehash=True), "different SHA-256 than the audit log recorded"),
    "kind": ([("UPDATE consent_events SET event_type = 'refused' WHERE seq = 1", {})], "of another kind"),
    "record state": ([("UPDATE consent_records SET state = 'given', deletion_due_at = NULL", {})],
                     "says other state, deletion_due_at than its events"),
    "record person": ([("UPDATE consent_records SET subject_ref = 'GYM-1'", {})], "says other subject_ref"),
    "deleted": ([("DELETE FROM consent_receipts WHERE event_id IN (SELECT id FROM consent_events WHERE seq = 2)", {}),
                 ("DELETE FROM consent_events WHERE seq = 2", {})], "lost its event 2"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_editing_a_consent_event_is_named_by_audit_verify(withdrawn, db, runner, edit):
    assert verify(runner).exit_code == 0
    statements, named = EDITS[edit]
    statements = statements(db) if callable(statements) else statements
    db.session.rollback()
    with tampering(db) as session:
        for statement, params in statements:
            session.execute(text(statement), params)
    result = verify(runner)
    assert result.exit_code == 1 and named in result.output, result.output


def test_no_route_changes_an_event_once_appended(client, api_token, gym_site, db, runner):
    """Drive every consent route there is; each earlier event stays byte for byte what it was."""
    made = client.post(f"/api/v1/sites/{gym_site.id}/consents", json=CONSENT_DEFAULTS, headers=api_token).json
    before = _events(db)
    receipt_page = client.get(f"/r/{made['receipt_code']}").get_data(as_text=True)
    assert client.get(f"/api/v1/consents/{made['id']}", headers=api_token).status_code == 200
    assert client.get("/api/v1/consents", headers=api_token).status_code == 200
    assert client.get(f"/r/{made['receipt_code']}.pdf").status_code == 200
    assert client.get(f"/r/{made['receipt_code']}.jws").status_code == 200
    withdrawn = client.post(f"/api/v1/consents/{made['id']}/withdraw", json={"channel": "operator"}, headers=api_token)
    assert withdrawn.status_code == 200
    after_withdrawal = _events(db)
    client.post(f"/api/v1/consents/{made['id']}/deletion", headers=api_token, json={
        "deleted_on": withdrawn.json["events"][1]["event_time"], "method": "Template erased"})
    assert "token" in receipt_page
    after = _events(db)
    assert after[:len(before)] == before and after[:len(after_withdrawal)] == after_withdrawal
    assert [row[2] for row in after] == ["given", "withdrawn", "deletion_confirmed"]
    assert len(db.session.scalars(select(ConsentReceipt)).all()) == 2
    assert verify(runner).exit_code == 0


def _events(db):
    db.session.expire_all()
    return [(e.id, e.seq, e.event_type, e.event_state, e.event_time, e.sha256, e.content)
            for e in db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))]
