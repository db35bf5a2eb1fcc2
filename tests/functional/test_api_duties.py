"""The compliance calendar in the API: duties listed, filtered and paged by Link header, marked done with a
base64 evidence file whose SHA-256 the audit log keeps, the file downloaded back, and the feed URL revoked."""
import base64
import hashlib
import io
import json
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import event, select

from signage.audit.models import AuditEntry
from signage.calendar.models import Duty, DutyEvidence
from signage.database import utcnow
from signage.rules.packs import PackSettings
from signage.signs.services import change_sign_status

SETTINGS = PackSettings()


def png() -> bytes:
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def inspection(db, sign) -> Duty:
    return db.session.scalars(select(Duty).where(Duty.kind == "sign_inspection",
                                                 Duty.params["serial"].as_string() == sign.serial)).one()


@pytest.fixture
def calendar(db, live_site, make_sign, owner):
    """The live site's sign put up two months ago (its inspection overdue) and another put up today (due
    soon), besides the assessment done before going live."""
    site, late_sign = live_site
    now = utcnow()
    change_sign_status(late_sign, "installed", by=owner, now=now - timedelta(days=60), settings=SETTINGS)
    fresh_sign = make_sign(site, placement="South entrance")
    change_sign_status(fresh_sign, "installed", by=owner, now=now, settings=SETTINGS)
    db.session.commit()
    return site, inspection(db, late_sign), inspection(db, fresh_sign)


def test_the_list_shows_each_open_duty_with_its_rule_site_and_status(client, api_token, calendar):
    site, late, fresh = calendar
    response = client.get("/api/v1/duties", headers=api_token)
    assert response.status_code == 200
    listed = {duty["id"]: duty for duty in response.get_json()}
    assert set(listed) == {late.id, fresh.id}  # the assessment is done: not open
    assert listed[late.id]["status"] == "overdue" and listed[fresh.id]["status"] == "due_soon"
    item = listed[fresh.id]
    assert (item["site_id"], item["site_code"], item["kind"]) == (site.id, site.code, "sign_inspection")
    assert (item["rule_id"], item["provisional"], item["provisional_years"]) == ("SIGN-INSPECTION", False, [])
    assert item["due_on"] == fresh.due_on.isoformat() and item["params"]["serial"] == fresh.params["serial"]
    assert [duty["id"] for duty in response.get_json()] == [late.id, fresh.id]  # in date order


def test_the_status_filter_returns_exactly_the_duties_in_that_status(client, api_token, calendar):
    _site, late, fresh = calendar
    by_status = {status: [duty["id"] for duty in client.get(f"/api/v1/duties?status={status}",
                                                              headers=api_token).get_json()]
                 for status in ("overdue", "due_soon", "upcoming", "done", "all")}
    assert by_status["overdue"] == [late.id] and by_status["due_soon"] == [fresh.id]
    assert by_status["upcoming"] == []
    everything = client.get("/api/v1/duties?status=all", headers=api_token).get_json()
    assert {duty["kind"] for duty in everything} == {"pia_before_go_live", "sign_inspection"}
    assert [duty["status"] for duty in everything if duty["id"] in by_status["done"]] == ["done"]
    ranged = client.get(f"/api/v1/duties?due_from={fresh.due_on.isoformat()}&due_to={fresh.due_on.isoformat()}",
                        headers=api_token).get_json()
    assert [duty["id"] for duty in ranged] == [fresh.id]
    inverted = f"due_from={fresh.due_on.isoformat()}&due_to={late.due_on.isoformat()}"
    assert client.get(f"/api/v1/duties?{inverted}", headers=api_token).get_json() == []  # an empty range


def test_a_long_list_is_walked_page_by_page_through_its_link_header(client, api_token, calendar, make_sign, owner,
                                                                     db):
    site, late, fresh = calendar
    for n in range(3):
        change_sign_status(make_sign(site, placement=f"Door {n}"), "installed", by=owner, now=utcnow(),
                           settings=SETTINGS)
    db.session.commit()
    expected = [duty["id"] for duty in client.get("/api/v1/duties?status=all", headers=api_token).get_json()]
    seen, url = [], "/api/v1/duties?status=all&limit=2"
    while url:
        response = client.get(url, headers=api_token)
        assert response.status_code == 200 and len(response.get_json()) <= 2
        seen += [duty["id"] for duty in response.get_json()]
        links = dict(reversed(part.strip().split("; ")) for part in response.headers.get("Link", "").split(",")
                     if part.strip())
        url = links.get('rel="next"', "").strip("<>").replace("http://localhost", "")
    assert seen == expected and len(seen) == 6  # the assessment and five inspections, none twice


@pytest.mark.parametrize("query, field, status", [
    ("status=bogus", "status", 422), ("site=abc", "site", 422), ("site=0", "site", 422),
    ("due_from=2026-13-01", "due_from", 422), ("due_to=tomorrow", "due_to", 422),
    ("cursor=zzz", "cursor", 422), ("limit=201", "limit", 422), ("colour=red", "colour", 400)])
def test_a_bad_filter_is_refused_naming_it(client, api_token, query, field, status):
    response = client.get(f"/api/v1/duties?{query}", headers=api_token)
    assert response.status_code == status and field in response.get_json()["errors"], response.get_json()
    assert response.mimetype == "application/problem+json"


def test_another_organisation_s_duties_do_not_exist(client, calendar, make_user, make_org, make_token, owner):
    site, late, _fresh = calendar
    stranger = make_token(make_user("owner", organisation=make_org(legal_name="Other Ltd.")))
    assert client.get(f"/api/v1/duties?site={site.id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/duties?status=all", headers=stranger).get_json() == []
    assert client.get(f"/api/v1/duties/{late.id}", headers=stranger).status_code == 404
    for evidence in (None, {"name": "x.txt", "content_base64": base64.b64encode(b"text").decode()}):
        done = client.post(f"/api/v1/duties/{late.id}/done", headers=stranger,
                           json={"done_on": utcnow().date().isoformat(), "evidence": evidence})
        assert done.status_code == 404  # before the file is judged
    assert client.get(f"/api/v1/duties/{late.id}/evidence", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/duties/{late.id}", headers=make_token(owner)).status_code == 200


def test_marking_a_duty_done_with_a_photo_logs_its_hash_and_the_photo_comes_back(client, api_token, calendar, db):
    _site, late, _fresh = calendar
    photo, today = png(), utcnow().date()
    assert client.get(f"/api/v1/duties/{late.id}/evidence", headers=api_token).status_code == 404
    response = client.post(f"/api/v1/duties/{late.id}/done", headers=api_token, json={
        "done_on": today.isoformat(), "reference": "Photo 17",
        "evidence": {"name": "north.png", "content_base64": base64.b64encode(photo).decode()}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    digest = hashlib.sha256(photo).hexdigest()
    assert (body["status"], body["done_on"], body["done_reference"]) == ("done_late", today.isoformat(), "Photo 17")
    assert (body["evidence_name"], body["evidence_sha256"]) == ("north.png", digest)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert json.loads(entry.canonical)["changes"]["evidence_sha256"] == [None, digest]
    evidence = client.get(f"/api/v1/duties/{late.id}/evidence", headers=api_token)
    assert evidence.status_code == 200 and evidence.data == photo and evidence.mimetype == "image/png"
    assert evidence.headers["Content-Disposition"].startswith("attachment;")
    again = client.post(f"/api/v1/duties/{late.id}/done", headers=api_token, json={"done_on": today.isoformat()})
    assert again.status_code == 409 and "done_on" in again.get_json()["errors"]


@pytest.mark.parametrize("evidence, field", [
    ({"name": "notes.txt", "content_base64": base64.b64encode(b"not an image at all").decode()}, "content_base64"),
    ({"name": "north.png", "content_base64": "iVBORw0KGgo!!!"}, "content_base64"),
    ({"name": "north.png", "content_base64": "iVBORw0KGgo"}, "content_base64"),  # unpadded: strict refuses
    ({"name": "north.png", "content_base64": "5YyX6Zeo"}, "content_base64"),  # valid base64 of UTF-8 text
    ({"name": "north.png", "content_base64": ""}, "content_base64"),
    ({"name": "north.png", "content_base64": "北门"}, "content_base64"),
    ({"name": "   ", "content_base64": base64.b64encode(png()).decode()}, "name"),
    ({"name": "n" * 201, "content_base64": base64.b64encode(png()).decode()}, "name"),
    ({"name": "north\x07.png", "content_base64": base64.b64encode(png()).decode()}, "name"),
    ({"content_base64": base64.b64encode(png()).decode()}, "name")])
def test_evidence_that_is_not_a_file_we_keep_is_refused_and_nothing_is_saved(client, api_token, calendar, db,
                                                                             evidence, field):
    _site, late, _fresh = calendar
    response = client.post(f"/api/v1/duties/{late.id}/done", headers=api_token,
                           json={"done_on": utcnow().date().isoformat(), "evidence": evidence})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["evidence"], response.get_json()
    db.session.expire_all()
    assert db.session.get(Duty, late.id).done_on is None
    assert db.session.scalar(select(DutyEvidence)) is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "duty.done")) is None


def test_a_future_day_is_a_conflict(client, api_token, calendar):
    _site, late, _fresh = calendar
    response = client.post(f"/api/v1/duties/{late.id}/done", headers=api_token,
                           json={"done_on": (utcnow().date() + timedelta(days=2)).isoformat()})
    assert response.status_code == 409 and "done_on" in response.get_json()["errors"]


def test_a_read_only_token_or_role_cannot_write(client, calendar, make_token, make_user, owner, db):
    _site, late, _fresh = calendar
    reader = make_token(owner, scope="read")
    body = {"done_on": utcnow().date().isoformat()}
    refused = client.post(f"/api/v1/duties/{late.id}/done", headers=reader, json=body)
    assert refused.status_code == 403 and "insufficient_scope" in refused.headers["WWW-Authenticate"]
    assert client.post("/api/v1/calendar/feed/revoke", headers=reader).status_code == 403
    auditor = make_token(make_user("auditor", organisation=owner.organisation))
    assert client.post(f"/api/v1/duties/{late.id}/done", headers=auditor, json=body).status_code == 403
    editor = make_token(make_user("editor", organisation=owner.organisation))
    assert client.post("/api/v1/calendar/feed/revoke", headers=editor).status_code == 403  # owners only
    db.session.expire_all()
    assert db.session.get(Duty, late.id).done_on is None
    with_photo = {**body, "evidence": {"name": "north.png", "content_base64": base64.b64encode(png()).decode()}}
    assert client.post(f"/api/v1/duties/{late.id}/done", headers=editor, json=with_photo).status_code == 200


def test_the_feed_url_changes_when_the_owner_revokes_it(client, api_token, db, owner):
    first = client.get("/api/v1/calendar/feed", headers=api_token)
    assert first.status_code == 200
    url = first.get_json()["url"]
    assert url.startswith("http") and "/calendar/feed/" in url and url.endswith(".ics")
    assert client.get("/api/v1/calendar/feed", headers=api_token).get_json()["url"] == url  # showing writes nothing
    revoked = client.post("/api/v1/calendar/feed/revoke", headers=api_token)
    assert revoked.status_code == 200
    new = revoked.get_json()["url"]
    assert new != url and client.get("/api/v1/calendar/feed", headers=api_token).get_json()["url"] == new
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_feed.revoked")).one()
    assert entry.actor_id == owner.id


def test_the_list_costs_the_same_statements_at_5_and_at_50_sites(client, api_token, db, make_site, make_sign, owner):
    made, seen = [], []

    def count(*args):
        seen.append(args[2])

    def cost(sites: int) -> int:
        while len(made) < sites:
            site = make_site(site_name=f"Gate {len(made)}")
            change_sign_status(make_sign(site), "installed", by=owner, now=utcnow(), settings=SETTINGS)
            db.session.commit()
            made.append(site)
        duties = len(db.session.scalars(select(Duty.id)).all())
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get("/api/v1/duties?status=all", headers=api_token)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200 and len(response.get_json()) == min(duties, 50)
        assert len({duty["site_code"] for duty in response.get_json()}) == min(sites, 50)
        return len(seen)

    at_5 = cost(5)
    at_50 = cost(50)
    assert at_50 == at_5 and at_5 <= 20, (at_5, at_50)


def test_a_notice_of_violation_recorded_through_the_api_answers_its_cure_window(client, owner, make_site, make_token,
                                                                               make_user):
    from signage.demo import NYC_STORE
    store = make_site(**NYC_STORE)
    headers = make_token(owner)

    response = client.post(f"/api/v1/sites/{store.id}/violation-notices", headers=headers,
                           json={"received_on": "2026-11-20", "reference": "DCWP-1"})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["due_on"], body["rule_id"]) == ("nyc_cure", "2026-12-20", "NYC-CURE")
    assert response.headers["Location"].endswith(f"/api/v1/duties/{body['id']}")
    assert client.get(response.headers["Location"], headers=headers).get_json()["key"] == body["key"]
    stranger = make_token(make_user("owner"))
    assert client.post(f"/api/v1/sites/{store.id}/violation-notices", headers=stranger,
                       json={"received_on": "2026-11-20"}).status_code == 404
    assert client.post(f"/api/v1/sites/{store.id}/violation-notices", headers=headers,
                       json={"received_on": "2026-11-20", "extra": 1}).status_code == 422
