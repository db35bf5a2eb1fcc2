"""No user or token of one organisation can see or change another's records, on any route."""
import re

import pytest
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.calendar.models import Duty
from signage.consent.channels import open_channel
from signage.requests.services import file_request
from signage.rules.packs import PackSettings
from signage.sites.services import change_status

from helpers import GYM_SITE, T0

#: Public by design: the notice behind every sign, and static files.
#: public by design: the register lists every published site, and the log its public entries; a calendar
#: feed opens to whoever holds its secret URL (test_calendar_feed.py checks other organisations' tokens)
PUBLIC_PREFIXES = ("/n/", "/S/", "/s/", "/r/", "/k/", "/q/", "/static/", "/.well-known/", "/api/v1/public/",
                   "/register", "/api/v1/register", "/log/", "/calendar/feed/<")
NOBODYS = {"site_id": 2_147_483_000, "user_id": 2_147_483_000, "token_id": 2_147_483_000, "serial": "NOBODY99",
           "consent_id": 2_147_483_000, "channel_id": 2_147_483_000, "request_id": 2_147_483_000,
           "duty_id": 2_147_483_000, "number": 1, "code": "NOBODY99", "fmt": "pdf", "size": "A4"}
SECRET_MARKERS = ("Rival secret site", "rival-owner@", "Rival Holdings", "RIVAL-SECRET")


@pytest.fixture
def rival(make_org, make_user, make_site, make_sign, make_token, make_consent, db):
    """Organisation A, whose records everyone else must not reach: a site, a sign and a consent."""
    organisation = make_org(legal_name="Rival Holdings")
    owner = make_user("owner", organisation=organisation, email="rival-owner@rival.example")
    site = make_site(by=owner, site_name="Rival secret site")
    sign = make_sign(site, by=owner)
    make_token(owner)
    gym = make_site(by=owner, **{**GYM_SITE, "site_name": "Rival secret site gym"})
    make_sign(gym, by=owner)
    change_status(gym, "active", reason="live", by=owner, now=T0, settings=PackSettings())
    consent, receipt_code = make_consent(gym, by=owner, subject_ref="RIVAL-SECRET-1")
    channel, _token = open_channel(gym, "kiosk", "Rival secret site desk", by=owner, now=T0)
    filed, _code = file_request(gym, {"category": "rights", "kind": "access", "language": "en",
                                      "description": "RIVAL-SECRET request", "reply_channel": "email",
                                      "reply_contact": "rival-owner@rival.example"}, now=T0, settings=PackSettings())
    db.session.commit()
    return {"site_id": site.id, "user_id": owner.id, "token_id": owner.tokens[0].id, "serial": sign.serial,
            "number": 1, "code": receipt_code, "fmt": "pdf", "size": "A4", "consent_id": consent.id,
            "channel_id": channel.id, "request_id": filed.id,
            "duty_id": db.session.scalar(select(Duty.id).where(Duty.site_id == gym.id).limit(1))}


def concrete_url(rule, ids):
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(r"<(?:[a-z]+:)?%s>" % name, str(ids[name]), url)
    return url


def concrete_urls(app, ids):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PUBLIC_PREFIXES) or rule.endpoint in ("static", "auth.logout"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, concrete_url(rule, ids)


@pytest.mark.parametrize("role", ["owner", "editor", "auditor"])
def test_every_route_hides_another_organisations_records(app, client, auth, make_user, make_token, rival, role, db):
    outsider = make_user(role)
    api_headers = make_token(outsider)
    auth.login(outsider)
    entries_before = db.session.scalar(db.select(db.func.count(AuditEntry.id))
                                       .where(AuditEntry.organisation_id != outsider.organisation_id))
    checked = 0
    for rule, method, url in concrete_urls(app, rival):
        headers = api_headers if url.startswith("/api/") else {}
        body = {"json": {}} if url.startswith("/api/") and method in ("POST", "PATCH") else {"data": {}}
        response = client.open(url, method=method, headers=headers, **body)
        text = response.get_data(as_text=True)
        assert not any(marker in text for marker in SECRET_MARKERS), f"{method} {url} leaked data"
        assert "/login" not in response.headers.get("Location", "") or url == "/login", "signed out mid-walk"
        if rule.arguments and response.status_code == 422:
            # the body is checked before the record is looked up: the answer must not depend on
            # whether the record exists, so it tells nothing about another organisation
            unknown = client.open(concrete_url(rule, NOBODYS), method=method, headers=headers, **body)
            assert (unknown.status_code, unknown.get_json()) == (422, response.get_json()), f"{method} {url}"
        elif rule.arguments:
            assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
        checked += 1
    assert checked > 25
    entries_after = db.session.scalar(db.select(db.func.count(AuditEntry.id))
                                      .where(AuditEntry.organisation_id != outsider.organisation_id))
    assert entries_after == entries_before, "a request changed another organisation's records"
