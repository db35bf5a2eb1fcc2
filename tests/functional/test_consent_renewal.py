"""Re-consent: a new notice version that changes what people agreed to flags their consents for renewal, and
the renewed answer supersedes the earlier one; other changes flag nothing."""
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.sites.services import update_site

from helpers import CONSENT_DEFAULTS, T0, in_chinese


def test_a_changed_purpose_asks_for_renewal_and_the_new_answer_supersedes_the_old(client, auth, owner, gym_site,
                                                                                   make_consent, api_token, db,
                                                                                   settings):
    consent, _code = make_consent(gym_site)
    update_site(gym_site, {"capture_area_description": "The turnstile hall.",
                           "text_translations": in_chinese(site_name="健身房闸机", purpose_text="为同意的会员打开闸机。",
                                                           non_fr_alternative="在前台出示会员卡。",
                                                           capture_area_description="闸机大厅。")},
                by=owner, now=T0, settings=settings)
    db.session.commit()
    assert client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json["renewal_needed"] is False
    update_site(gym_site, {"retention_period_days": 30}, by=owner, now=T0, settings=settings)
    db.session.commit()
    assert client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json["renewal_needed"] is True
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consent.renewal_needed")).one()
    assert b'"retention_period_days"' in entry.canonical
    auth.login(owner)
    assert "1 consent was given under a notice that has since changed" in client.get("/?lang=en").get_data(as_text=True)
    assert "GYM-004213" in client.get("/consents?renewal=true").get_data(as_text=True)
    renewed = client.post(f"/api/v1/sites/{gym_site.id}/consents", json=CONSENT_DEFAULTS, headers=api_token)
    assert renewed.status_code == 201 and renewed.json["renewal_needed"] is False
    old = client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json
    assert old["state"] == "superseded" and old["renewal_needed"] is False
    assert old["events"][-1]["content"]["superseded_by"] == renewed.json["record_id"]
    assert "GYM-004213" not in client.get("/consents?renewal=true").get_data(as_text=True)


def test_a_person_whose_consent_is_in_force_withdraws_rather_than_refuses(client, gym_site, make_consent, api_token):
    make_consent(gym_site)
    refused = client.post(f"/api/v1/sites/{gym_site.id}/consents", headers=api_token,
                          json={**CONSENT_DEFAULTS, "purposes": {"primary": False}})
    assert refused.status_code == 409 and "withdraw" in refused.json["detail"]


def test_housekeeping_expires_a_consent_past_its_validity(gym_site, make_consent, runner, api_token, client, db):
    from datetime import timedelta
    consent, code = make_consent(gym_site, expires_at=T0 + timedelta(days=1))
    lasting, _code = make_consent(gym_site, subject_ref="GYM-2")
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "1 consents expired" in result.output, result.output
    expired = client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json
    assert expired["state"] == "expired" and expired["in_force"] is False
    assert client.get(f"/api/v1/consents/{lasting.id}", headers=api_token).json["state"] == "given"
    page = client.get(f"/r/{code}?lang=en").get_data(as_text=True)
    assert "This consent has expired." in page and "must delete your face data by" in page
    assert client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json["deletion_due_at"]
    assert runner.invoke(args=["housekeeping"]).output.count("0 consents expired") == 1
