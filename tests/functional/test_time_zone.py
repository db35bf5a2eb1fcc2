"""The organisation's time zone: chosen on its page, refused unless it is an IANA zone, audited, and used for
every time the dashboard shows and for the audit log's days (the API keeps UTC days)."""
import pytest

from signage.audit.models import AuditEntry
from signage.auth.models import Organisation

HONOLULU = "Pacific/Honolulu"  # UTC-10: 09:00 UTC on 2 November is 23:00 on 1 November there


@pytest.fixture
def signed_in(client, auth, owner):
    auth.login(owner)
    return client


def org_form(owner, **changes):
    return {"legal_name": owner.organisation.legal_name, "contact_email": "privacy@operator.example", **changes}


def test_the_owner_chooses_a_time_zone_and_the_change_is_audited(signed_in, owner, db):
    page = signed_in.get("/organisation").get_data(as_text=True)
    assert 'name="time_zone"' in page and 'value="UTC"' in page and '<option value="Asia/Shanghai">' in page
    assert signed_in.post("/organisation", data=org_form(owner, time_zone="Asia/Shanghai")).status_code == 302
    assert db.session.get(Organisation, owner.organisation_id).time_zone == "Asia/Shanghai"
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "organisation.updated")).all()[-1]
    assert b'"time_zone":["UTC","Asia/Shanghai"]' in entry.canonical


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "asia/shanghai", "", "UTC; DROP TABLE", "../../etc/passwd"])
def test_a_time_zone_that_is_not_one_is_refused_naming_the_field(signed_in, owner, db, value):
    response = signed_in.post("/organisation", data=org_form(owner, time_zone=value, contact_phone="+1 555 0100"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The details were not saved" in page and "#field-time_zone" in page
    db.session.expire_all()
    kept = db.session.get(Organisation, owner.organisation_id)
    assert kept.time_zone == "UTC" and kept.contact_phone != "+1 555 0100"  # nothing of the form saved


def test_times_show_in_the_organisations_zone_with_their_offset(signed_in, owner, make_site, db):
    make_site()
    assert "2026-11-02 09:00 UTC" in signed_in.get("/audit").get_data(as_text=True)
    owner.organisation.time_zone = HONOLULU
    db.session.commit()
    page = signed_in.get("/audit").get_data(as_text=True)
    assert "2026-11-01 23:00 UTC-10" in page and f'title="{HONOLULU}"' in page
    assert "2026-11-02 09:00 UTC" not in page
    assert f"From (day in {HONOLULU})" in page


def test_the_audit_logs_days_are_the_organisations_own(signed_in, owner, make_site, make_token, client, db):
    make_site()
    owner.organisation.time_zone = HONOLULU
    db.session.commit()
    assert "No entries yet." in signed_in.get("/audit?since=2026-11-02").get_data(as_text=True)
    assert "Site registered" in signed_in.get("/audit?until=2026-11-01").get_data(as_text=True)
    for query in ("since=0001-01-01&until=9999-12-31", "since=9999-12-31", "until=0001-01-01"):
        assert signed_in.get(f"/audit?{query}").status_code == 200, query
    headers = make_token(owner)  # the API's days stay UTC days, as its document says
    api = client.get("/api/v1/audit?since=2026-11-02", headers=headers)
    assert api.status_code == 200 and "site.registered" in {entry["action"] for entry in api.get_json()}


def test_a_time_zone_shows_in_chinese_too(signed_in, owner, make_site, db):
    make_site()
    owner.organisation.time_zone = "Asia/Shanghai"
    db.session.commit()
    signed_in.post("/locale", data={"locale": "zh_Hans"})
    page = signed_in.get("/audit").get_data(as_text=True)
    assert "2026-11-02 17:00 UTC+8" in page and "Asia/Shanghai" in page
