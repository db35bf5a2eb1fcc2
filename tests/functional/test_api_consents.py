"""Consent records through the API: record, list, read, withdraw, confirm deletion, and the signed receipt
verified against the published keys by an independent JOSE library (jwcrypto)."""
import json

import pytest
from jwcrypto import jwk, jws

from signage.audit.models import AuditEntry
from signage.consent.models import ConsentEvent, ConsentRecord

from helpers import CONSENT_DEFAULTS, GYM_SITE, verify


@pytest.fixture
def api(make_token, owner):
    return make_token(owner)


def record(client, api, site, **overrides):
    return client.post(f"/api/v1/sites/{site.id}/consents", json={**CONSENT_DEFAULTS, **overrides}, headers=api)


def verified_claims(client, token: str) -> dict:
    """Verify a compact JWS against the service's published JWKS, as a person's own tool would."""
    keys = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").get_data(as_text=True))
    signed = jws.JWS()
    signed.deserialize(token)
    header = json.loads(signed.objects["protected"])
    signed.verify(keys.get_key(header["kid"]), alg="Ed25519")
    return json.loads(signed.payload)


def test_a_kiosk_records_consent_and_the_receipt_verifies_against_the_published_keys(client, api, gym_site, db):
    response = record(client, api, gym_site)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "given" and body["purposes"] == {"primary": "given", "secondary_1": "refused"}
    assert body["in_force"] is True
    assert body["receipt_url"] == f"https://signs.example/r/{body['receipt_code']}"
    assert response.headers["Location"].endswith(f"/api/v1/consents/{body['id']}")
    jose = client.get(f"/api/v1/receipts/{body['receipt_code']}", headers=api)
    assert jose.status_code == 200 and jose.mimetype == "application/jose"
    claims = verified_claims(client, jose.get_data(as_text=True))
    version = gym_site_version(db, gym_site)
    assert claims["piiPrincipalId"] == "GYM-004213" and claims["language"] == "zh-Hans"
    assert claims["signage"]["notice"]["sha256"] == version.sha256
    assert claims["policyUrl"] == f"https://signs.example/n/{gym_site.code}/v{version.number}"
    assert [p["primaryPurpose"] for p in claims["services"][0]["purposes"]] == [True, False]
    # the audit entry holds the event's hash, never the person's reference
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "consent.given")).one()
    event = db.session.scalars(db.select(ConsentEvent)).one()
    assert json.loads(entry.canonical)["changes"]["sha256"] == [None, event.sha256]
    assert b"GYM-004213" not in entry.canonical
    # the code is stored only hashed
    assert body["receipt_code"] not in json.dumps([e.content for e in db.session.scalars(db.select(ConsentEvent))])


def gym_site_version(db, site):
    from signage.notices.services import latest_version
    return latest_version(site)


def test_the_jws_is_also_served_to_the_person_and_names_the_key_that_signed_it(client, api, gym_site):
    code = record(client, api, gym_site).json["receipt_code"]
    public = client.get(f"/r/{code}.jws")
    assert public.status_code == 200 and "Set-Cookie" not in public.headers
    keys = client.get("/.well-known/jwks.json").json["keys"]
    assert [key["kty"] for key in keys] == ["OKP"] and keys[0]["crv"] == "Ed25519" and "d" not in keys[0]
    assert verified_claims(client, public.get_data(as_text=True))["signage"]["receipt"] == "given"


def test_a_site_whose_legal_basis_is_not_consent_refuses_to_record_it(client, api, live_site, db):
    site, _sign = live_site  # public security under PIPL 26: no consent to record
    response = record(client, api, site)
    assert response.status_code == 409 and "site" in response.json["errors"]
    assert db.session.scalar(db.select(db.func.count(ConsentRecord.id))) == 0


def test_a_draft_site_refuses_consent(client, api, make_site, db):
    site = make_site(**GYM_SITE)
    response = record(client, api, site)
    assert response.status_code == 409 and "draft" in response.json["detail"]


def test_a_guardian_consents_for_a_child_under_14_and_nobody_else_can(client, api, gym_site, db):
    alone = record(client, api, gym_site, subject_ref="GYM-004214", age_band="under_14")
    assert alone.status_code == 422
    assert set(alone.json["errors"]) == {"acted_by", "guardian_relationship", "guardian_verification"}
    assert db.session.scalar(db.select(db.func.count(ConsentRecord.id))) == 0
    guardian = record(client, api, gym_site, subject_ref="GYM-004214", age_band="under_14", acted_by="guardian",
                      guardian_relationship="parent", guardian_verification="identity_document_checked")
    assert guardian.status_code == 201
    claims = verified_claims(client, client.get(f"/r/{guardian.json['receipt_code']}.jws").get_data(as_text=True))
    assert claims["signage"]["entity"]["acted_by"] == "guardian" and claims["signage"]["subject_age_band"] == "under_14"


def test_illinois_refuses_a_given_consent_without_the_signed_release(client, api, illinois_site):
    response = record(client, api, illinois_site, purposes={"primary": True}, language="en")
    assert response.status_code == 422 and "IL-WRITTEN-RELEASE" in response.json["errors"]["release"][0]
    # saying no needs no release
    assert record(client, api, illinois_site, purposes={"primary": False}, language="en").status_code == 201


@pytest.mark.parametrize("field, value", [
    ("subject_ref", "mei@example.com"), ("subject_ref", "+86 138 0013 8000"), ("subject_ref", ""),
    ("purposes", {"secondary_1": True}), ("purposes", {"primary": False, "secondary_1": True}),
    ("purposes", {"primary": True, "secondary_7": True}), ("age_band", "child"), ("collection_method", "email"),
    ("language", "fr"), ("notice_version", 0),
])
def test_bad_input_names_the_field_and_saves_nothing(client, api, gym_site, db, field, value):
    response = record(client, api, gym_site, **{field: value})
    assert response.status_code == 422 and field in response.json["errors"]
    assert db.session.scalar(db.select(db.func.count(ConsentRecord.id))) == 0


def test_consent_under_an_outdated_notice_version_is_refused(client, api, gym_site):
    response = record(client, api, gym_site, notice_version=9)
    assert response.status_code == 409 and "notice_version" in response.json["errors"]


def test_withdrawal_sets_the_deletion_clock_and_a_second_one_changes_nothing(client, api, gym_site, db):
    consent = record(client, api, gym_site).json
    withdrawn = client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "operator"}, headers=api)
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"
    assert withdrawn.json["deletion_due_at"].startswith("2026-") and withdrawn.json["receipt_code"] != consent["receipt_code"]
    assert [e["event_type"] for e in withdrawn.json["events"]] == ["given", "withdrawn"]
    again = client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "operator"}, headers=api)
    assert again.status_code == 409
    assert db.session.scalar(db.select(db.func.count(ConsentEvent.id))) == 2


def test_an_optional_purpose_is_withdrawn_on_its_own(client, api, gym_site):
    consent = record(client, api, gym_site, purposes={"primary": True, "secondary_1": True}).json
    partial = client.post(f"/api/v1/consents/{consent['id']}/withdraw",
                          json={"channel": "kiosk", "scope": ["secondary_1"]}, headers=api)
    assert partial.status_code == 200 and partial.json["state"] == "given"
    assert partial.json["purposes"] == {"primary": "given", "secondary_1": "withdrawn"}
    assert partial.json["deletion_due_at"] is None
    bad = client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "kiosk", "scope": ["nope"]},
                      headers=api)
    assert bad.status_code == 422 and "scope" in bad.json["errors"]


def test_the_operator_confirms_the_deletion_and_the_receipt_says_so(client, api, gym_site):
    consent = record(client, api, gym_site).json
    withdrawn = client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "operator"}, headers=api)
    early = client.post(f"/api/v1/consents/{consent['id']}/deletion", headers=api, json={
        "deleted_on": "2099-01-01T00:00:00Z", "method": "Template erased"})
    assert early.status_code == 422 and "deleted_on" in early.json["errors"]
    confirmed = client.post(f"/api/v1/consents/{consent['id']}/deletion", headers=api, json={
        "deleted_on": withdrawn.json["events"][1]["event_time"], "method": "Template erased from the turnstile",
        "downstream_notified": ["Turnstile Co."]})
    assert confirmed.status_code == 200 and confirmed.json["deletion_confirmed_at"]
    again = client.post(f"/api/v1/consents/{consent['id']}/deletion", headers=api, json={
        "deleted_on": withdrawn.json["events"][1]["event_time"], "method": "again"})
    assert again.status_code == 409
    claims = verified_claims(client, client.get(f"/r/{withdrawn.json['receipt_code']}.jws").get_data(as_text=True))
    assert claims["signage"]["deletion"]["deletion_method"] == "Template erased from the turnstile"
    assert claims["signage"]["deletion"]["downstream_notified"] == ["Turnstile Co."]


def test_lists_are_paginated_filtered_and_kept_to_the_organisation(client, api, gym_site, make_user, make_token):
    for number in range(3):
        record(client, api, gym_site, subject_ref=f"GYM-{number}", purposes={"primary": number != 1})
    page = client.get("/api/v1/consents?limit=2", headers=api)
    assert page.status_code == 200 and len(page.json) == 2 and 'rel="next"' in page.headers["Link"]
    refused = client.get(f"/api/v1/consents?state=refused&site={gym_site.id}", headers=api).json
    assert [c["subject_ref"] for c in refused] == ["GYM-1"]
    assert client.get("/api/v1/consents?since=2999-01-01T00:00:00Z", headers=api).json == []
    assert client.get("/api/v1/consents?state=maybe", headers=api).status_code == 422
    stranger = make_token(make_user("owner"))
    assert client.get("/api/v1/consents", headers=stranger).json == []
    consent_id = page.json[0]["id"]
    assert client.get(f"/api/v1/consents/{consent_id}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/consents/{consent_id}/withdraw", json={"channel": "operator"},
                       headers=stranger).status_code == 404
    assert client.post(f"/api/v1/sites/{gym_site.id}/consents", json=CONSENT_DEFAULTS,
                       headers=stranger).status_code == 404


def test_a_viewer_reads_consents_but_cannot_record_or_withdraw(client, api, gym_site, make_user, make_token, owner):
    viewer = make_token(make_user("viewer", organisation=owner.organisation))
    consent = record(client, api, gym_site).json
    assert client.get(f"/api/v1/consents/{consent['id']}", headers=viewer).status_code == 200
    assert record(client, viewer, gym_site).status_code == 403
    assert client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "operator"},
                       headers=viewer).status_code == 403


def test_unknown_and_mistyped_receipt_codes_answer_404(client, api, gym_site, make_user, make_token):
    code = record(client, api, gym_site).json["receipt_code"]
    mistyped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert client.get(f"/api/v1/receipts/{mistyped}", headers=api).status_code == 404
    assert client.get("/api/v1/receipts/ABCDEFGHJKLMNPQRS", headers=api).status_code == 404
    assert client.get(f"/api/v1/receipts/{code}", headers=make_token(make_user("owner"))).status_code == 404


def test_the_log_stays_intact_through_every_consent_event(client, api, gym_site, runner):
    consent = record(client, api, gym_site).json
    client.post(f"/api/v1/consents/{consent['id']}/withdraw", json={"channel": "operator"}, headers=api)
    result = verify(runner)
    assert result.exit_code == 0, result.output


def test_a_rotated_key_signs_new_receipts_and_old_ones_still_verify(client, api, gym_site, runner, make_app):
    old = client.get(f"/r/{record(client, api, gym_site).json['receipt_code']}.jws").get_data(as_text=True)
    result = runner.invoke(args=["receipts", "rotate-key"])
    assert result.exit_code == 0, result.output
    restarted = make_app().test_client()  # another worker: it signs with the new key too
    keys = restarted.get("/.well-known/jwks.json").json["keys"]
    assert len(keys) == 2
    new = restarted.get(f"/r/{record(restarted, api, gym_site, subject_ref='GYM-2').json['receipt_code']}.jws")
    headers = [json.loads(jws.JWS.from_jose_token(token).objects["protected"])["kid"] for token in
               (old, new.get_data(as_text=True))]
    assert headers[0] != headers[1] and {key["kid"] for key in keys} == set(headers)
    assert verified_claims(restarted, old)["piiPrincipalId"] == "GYM-004213"
