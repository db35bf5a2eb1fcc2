"""The JSON API for sites: what an operator's own systems see."""
import pytest

from signage.audit.models import AuditEntry
from signage.sites.models import Site

from helpers import SITE_DEFAULTS


def api_site(**overrides):
    body = {**SITE_DEFAULTS, **overrides}
    body["pia_completed_on"] = str(body["pia_completed_on"])
    return body


@pytest.fixture
def headers(owner, make_token):
    return make_token(owner)


def test_create_site_returns_201_with_location_and_audit_entry(client, headers, db):
    response = client.post("/api/v1/sites", json=api_site(), headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/sites/{body['id']}")
    assert body["status"] == "draft" and body["geo"] == {"lat": 31.23, "lng": 121.47}
    assert body["operator_legal_name"].startswith("Operator")
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "site.registered")).one()
    assert entry.subject_id == body["id"]


def test_draft_may_be_saved_incomplete(client, headers):
    response = client.post("/api/v1/sites", json={"site_name": "Half done"}, headers=headers)
    assert response.status_code == 201
    findings = client.get(f"/api/v1/sites/{response.get_json()['id']}/findings", headers=headers).get_json()
    assert any(f["rule_id"] == "ANY-RETENTION" and f["severity"] == "error" for f in findings)


@pytest.mark.parametrize("field, value, fragment", [
    ("retention_period_days", -3, "days"),
    ("retention_period_days", 100000, "days"),
    ("retention_period_days", "seven", "integer"),
    ("geo", {"lat": 91, "lng": 0}, "90"),
    ("geo", {"lat": 10, "lng": -181}, "180"),
    ("venue_class", "spaceship", "one of"),
    ("jurisdictions", ["CN", "MARS"], "one of"),
    ("site_name", "x" * 201, "200"),
    ("purpose_text", "y" * 5000, "1000"),
    ("education_setting", "perhaps", "boolean"),
    ("recipients_third_parties", [{"name": "Vendor", "country": "china"}], "country"),
    ("surprise", 1, "Unknown field"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(client, headers, db, field, value, fragment):
    response = client.post("/api/v1/sites", json=api_site(**{field: value}), headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("/invalid-input") and problem["status"] == 422
    assert field in problem["errors"]
    assert fragment.lower() in str(problem["errors"][field]).lower()
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


def test_non_object_json_body_is_a_422(client, headers):
    response = client.post("/api/v1/sites", data="[1,2]", content_type="application/json", headers=headers)
    assert response.status_code == 422


def test_malformed_json_is_a_400_problem(client, headers, db):
    response = client.post("/api/v1/sites", data="{nope", content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


def test_activation_refused_lists_findings_then_succeeds_once_fixed(client, headers, make_sign, db):
    site_id = client.post("/api/v1/sites", json=api_site(purpose="marketing_analytics"),
                          headers=headers).get_json()["id"]
    make_sign(db.session.get(Site, site_id))
    refused = client.post(f"/api/v1/sites/{site_id}/status", json={"status": "active", "reason": "go"},
                          headers=headers)
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["type"].endswith("/rule-violation")
    rule = next(f for f in problem["findings"] if f["rule_id"] == "CN-PUBLIC-PURPOSE")
    assert rule["severity"] == "error" and "public security" in rule["message"] and "PIPL 26" in rule["source"]
    assert db.session.get(Site, site_id).status == "draft"

    fixed = client.patch(f"/api/v1/sites/{site_id}", json={"purpose": "public_security"}, headers=headers)
    assert fixed.status_code == 200
    activated = client.post(f"/api/v1/sites/{site_id}/status", json={"status": "active", "reason": "ready"},
                            headers=headers)
    assert activated.status_code == 200 and activated.get_json()["status"] == "active"


def test_active_site_cannot_be_changed_into_breaking_a_rule(client, headers, make_site, make_sign, owner, db,
                                                            settings):
    from signage.sites.services import change_status
    from helpers import T0
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    response = client.patch(f"/api/v1/sites/{site.id}", json={"venue_class": "private_space",
                                                               "private_space_type": "toilet_restroom"},
                            headers=headers)
    assert response.status_code == 409
    assert {"CN-PRIVATE-SPACE"} <= {f["rule_id"] for f in response.get_json()["findings"]}
    db.session.expire_all()
    assert db.session.get(Site, site.id).venue_class == "public_place"


def test_decommissioned_is_final(client, headers, make_site):
    site = make_site()
    assert client.post(f"/api/v1/sites/{site.id}/status", json={"status": "decommissioned", "reason": "closed"},
                       headers=headers).status_code == 200
    again = client.post(f"/api/v1/sites/{site.id}/status", json={"status": "active"}, headers=headers)
    assert again.status_code == 409
    assert client.patch(f"/api/v1/sites/{site.id}", json={"site_name": "x"}, headers=headers).status_code == 409


def test_missing_or_revoked_token_is_401(client, owner, make_token, db):
    assert client.get("/api/v1/sites").status_code == 401
    assert client.get("/api/v1/sites", headers={"Authorization": "Bearer nope"}).status_code == 401
    headers = make_token(owner)
    from signage.auth.models import ApiToken
    from signage.auth.services import revoke_token
    from helpers import T0
    revoke_token(db.session.scalars(db.select(ApiToken)).one(), by=owner, now=T0)
    db.session.commit()
    response = client.get("/api/v1/sites", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_auditor_reads_but_cannot_change(client, make_user, make_token, make_site, owner):
    site = make_site()
    auditor_headers = make_token(make_user("auditor", organisation=owner.organisation))
    assert client.get(f"/api/v1/sites/{site.id}", headers=auditor_headers).status_code == 200
    assert client.patch(f"/api/v1/sites/{site.id}", json={"site_name": "x"},
                        headers=auditor_headers).status_code == 403
    assert client.get("/api/v1/audit/verify", headers=auditor_headers).get_json()["intact"] is True


def test_audit_endpoint_filters_by_subject(client, headers, make_site):
    site = make_site()
    client.patch(f"/api/v1/sites/{site.id}", json={"retention_period_days": 5}, headers=headers)
    entries = client.get(f"/api/v1/audit?subject=sites:{site.id}", headers=headers).get_json()
    assert [entry["action"] for entry in entries] == ["site.updated", "site.registered"]
    assert entries[0]["changes"]["retention_period_days"] == [7, 5]
    assert entries[0]["actor"]["via"].startswith("token:sgn_")
    assert client.get("/api/v1/audit?subject=nonsense", headers=headers).status_code == 422


def test_warning_acknowledgement_is_audited(client, headers, make_site):
    site = make_site(storage_mode="cloud")
    findings = client.get(f"/api/v1/sites/{site.id}/findings", headers=headers).get_json()
    assert any(f["rule_id"] == "CN-INTERNET-TRANSFER" and not f["acknowledged"] for f in findings)
    response = client.post(f"/api/v1/sites/{site.id}/acknowledgements",
                           json={"rule_id": "CN-INTERNET-TRANSFER", "note": "Law X applies"}, headers=headers)
    assert response.status_code == 201 and response.get_json()["rule_id"] == "CN-INTERNET-TRANSFER"
    findings = client.get(response.headers["Location"], headers=headers).get_json()
    assert any(f["rule_id"] == "CN-INTERNET-TRANSFER" and f["acknowledged"] for f in findings)
    entries = client.get(f"/api/v1/audit?subject=sites:{site.id}", headers=headers).get_json()
    assert entries[0]["action"] == "site.finding_acknowledged" and entries[0]["reason"] == "Law X applies"
    refused = client.post(f"/api/v1/sites/{site.id}/acknowledgements", json={"rule_id": "ANY-RETENTION"},
                          headers=headers)
    assert refused.status_code == 422
