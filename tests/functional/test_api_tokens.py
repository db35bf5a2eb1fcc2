"""API tokens are read-only or read-write and expire: the scope is enforced by the API, the role still limits
a read-write token, an expired token is a 401 saying so, and the dashboard creates both kinds."""
import re
from datetime import date, timedelta

import pytest

from signage.audit.models import AuditEntry
from signage.audit.services import decoded
from signage.auth.models import ApiToken
from signage.auth.services import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS
from signage.database import utcnow
from signage.sites.models import Site

from helpers import SITE_DEFAULTS


def api_site(**overrides):
    body = {**SITE_DEFAULTS, **overrides}
    body["pia_completed_on"] = str(body["pia_completed_on"])
    return body


def _count(db, model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _token_entries(db):
    return [decoded(entry) for entry in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "token.created").order_by(AuditEntry.id))]


def test_a_read_token_reads_and_is_refused_every_write_naming_the_scope(client, owner, make_token, make_site, db):
    site = make_site()
    headers = make_token(owner, scope="read")
    assert client.get("/api/v1/sites", headers=headers).status_code == 200
    assert client.get(f"/api/v1/sites/{site.id}", headers=headers).status_code == 200
    assert client.head(f"/api/v1/sites/{site.id}", headers=headers).status_code == 200
    sites, entries = _count(db, Site), _count(db, AuditEntry)
    refused = [client.post("/api/v1/sites", json=api_site(), headers=headers),
               client.patch(f"/api/v1/sites/{site.id}", json={"site_name": "Renamed"}, headers=headers),
               client.post(f"/api/v1/sites/{site.id}/status", json={"status": "active", "reason": "go"},
                           headers=headers)]
    for response in refused:
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["type"].endswith("/insufficient-scope") and body["status"] == 403
        assert "read-write scope" in body["detail"]
        assert response.headers["WWW-Authenticate"] == (
            'Bearer realm="signage", error="insufficient_scope", scope="read-write"')
    db.session.expire_all()
    assert (_count(db, Site), _count(db, AuditEntry)) == (sites, entries)
    assert db.session.get(Site, site.id).site_name == SITE_DEFAULTS["site_name"]


def test_a_read_write_token_writes(client, owner, make_token, make_site, db):
    site = make_site()
    headers = make_token(owner)  # the factory's default, as tokens made before scopes existed
    assert client.patch(f"/api/v1/sites/{site.id}", json={"site_name": "Renamed"}, headers=headers).status_code == 200
    assert client.post("/api/v1/sites", json=api_site(), headers=headers).status_code == 201


def test_a_read_write_token_of_an_auditor_still_cannot_write(client, owner, make_user, make_token, make_site):
    site = make_site()
    headers = make_token(make_user("auditor", organisation=owner.organisation), scope="read-write")
    response = client.patch(f"/api/v1/sites/{site.id}", json={"site_name": "x"}, headers=headers)
    assert response.status_code == 403 and "role" in response.get_json()["detail"]


def test_an_expired_token_is_a_401_that_says_it_expired(client, owner, make_token):
    headers = make_token(owner, now=utcnow() - timedelta(days=DEFAULT_TOKEN_DAYS + 1))
    response = client.get("/api/v1/sites", headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert "expired" in response.get_json()["detail"]
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="signage", error="invalid_token", error_description="The token expired"')
    unknown = client.get("/api/v1/sites", headers={"Authorization": "Bearer sgn_unknown"})
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["WWW-Authenticate"]
    assert "expired" not in unknown.headers["WWW-Authenticate"]
    assert client.get("/api/v1/sites").headers["WWW-Authenticate"] == 'Bearer realm="signage"'


def test_a_token_works_through_its_last_day_and_not_after(client, owner, make_token):
    created = utcnow() - timedelta(days=3)
    last_day = (created + timedelta(days=1)).date()  # the organisation's zone is UTC
    assert client.get("/api/v1/sites", headers=make_token(owner, now=created, expires_on=last_day)).status_code == 401
    today = utcnow().date()
    assert client.get("/api/v1/sites", headers=make_token(owner, expires_on=today)).status_code == 200


def _create(client, **form):
    return client.post("/tokens", data={"name": "ERP", **form})


def _plain(page: str) -> str:
    return re.search(r"(sgn_[A-Za-z0-9_\-]{20,})", page).group(1)


def test_the_dashboard_creates_a_read_only_token_and_a_read_write_one(client, auth, owner, make_site, db):
    site = make_site()
    auth.login(owner)
    last_day = utcnow().date() + timedelta(days=30)
    read = _create(client, scope="read", expires_on=last_day.isoformat())
    write = _create(client, name="Ticketing", scope="read-write")
    assert (read.status_code, write.status_code) == (201, 201)
    read_only, read_write = db.session.scalars(db.select(ApiToken).order_by(ApiToken.id)).all()
    assert (read_only.scope, read_write.scope) == ("read", "read-write")
    assert read_only.expires_at.date() == last_day + timedelta(days=1)  # the end of the last day, UTC here
    assert read_write.expires_at.date() == (read_write.created_at + timedelta(days=DEFAULT_TOKEN_DAYS)).date()
    body = {"site_name": "Renamed"}
    reader = {"Authorization": f"Bearer {_plain(read.get_data(as_text=True))}"}
    writer = {"Authorization": f"Bearer {_plain(write.get_data(as_text=True))}"}
    assert client.patch(f"/api/v1/sites/{site.id}", json=body, headers=reader).status_code == 403
    assert client.patch(f"/api/v1/sites/{site.id}", json=body, headers=writer).status_code == 200
    created = _token_entries(db)
    assert [entry["changes"]["scope"] for entry in created] == [[None, "read"], [None, "read-write"]]
    assert created[0]["changes"]["expires_at"] == [None, read_only.expires_at.isoformat()]
    page = client.get("/tokens").get_data(as_text=True)
    assert "Read only" in page and "Read and write" in page and read_only.expires_at.isoformat() in page


def test_the_form_offers_read_only_and_ninety_days_first(client, auth, owner):
    auth.login(owner)
    page = client.get("/tokens").get_data(as_text=True)
    assert re.search(r'value="read" checked', page)
    default_day = (utcnow().date() + timedelta(days=DEFAULT_TOKEN_DAYS)).isoformat()
    assert f'value="{default_day}"' in page
    assert f'max="{(utcnow().date() + timedelta(days=MAX_TOKEN_DAYS)).isoformat()}"' in page


@pytest.mark.parametrize("field, value, message", [
    ("expires_on", (utcnow().date() - timedelta(days=1)).isoformat(), "today or a later day"),
    ("expires_on", (utcnow().date() + timedelta(days=MAX_TOKEN_DAYS + 1)).isoformat(), f"at most {MAX_TOKEN_DAYS} days"),
    ("expires_on", "9999-12-31", f"at most {MAX_TOKEN_DAYS} days"),
    ("expires_on", "next tuesday", "Not a valid date"),
    ("expires_on", "2027-02-30", "Not a valid date"),
    ("scope", "admin", "Choose one of the listed options"),
])
def test_bad_expiry_or_scope_is_a_422_naming_the_field_and_saves_nothing(client, auth, owner, db, field, value,
                                                                        message):
    auth.login(owner)
    entries = _count(db, AuditEntry)
    response = _create(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'id="err-field-{field}"' in page  # the message sits at the field it names
    assert "sgn_" not in page
    assert _count(db, ApiToken) == 0 and _count(db, AuditEntry) == entries


def test_the_list_marks_expired_tokens_and_offers_no_revoke_for_them(client, auth, owner, make_token, db):
    make_token(owner, name="Old ERP", now=utcnow() - timedelta(days=DEFAULT_TOKEN_DAYS + 1))
    make_token(owner, name="New ERP", scope="read")
    auth.login(owner)
    page = client.get("/tokens").get_data(as_text=True)
    old_row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">Old ERP</th>.*?</tr>", page, re.S).group(0)
    new_row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">New ERP</th>.*?</tr>", page, re.S).group(0)
    assert "Expired" in old_row and "row--off" in old_row and "Revoke" not in old_row
    assert "Active" in new_row and "Revoke" in new_row and "Read only" in new_row


def test_the_cli_creates_a_token_with_a_scope_and_a_last_day(runner, owner, db):
    last_day = utcnow().date() + timedelta(days=10)
    result = runner.invoke(args=["tokens", "create", "--email", owner.email, "--scope", "read-write",
                                 "--expires-on", last_day.isoformat()])
    assert result.exit_code == 0, result.output
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.scope == "read-write" and token.expires_at.date() == last_day + timedelta(days=1)
    too_far = runner.invoke(args=["tokens", "create", "--email", owner.email, "--expires-on", "2999-01-01"])
    assert too_far.exit_code != 0 and "expires_on" in too_far.output
