"""The compliance calendar in the dashboard: the list and the month, one duty marked done with a file, the
evidence downloaded, the feed URL revoked; each organisation sees only its own."""
import hashlib
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from signage.audit.models import AuditEntry
from signage.calendar.models import Duty, DutyEvidence

from helpers import T0


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_calendar_lists_open_duties_with_their_rule_and_counts(client, auth, owner, inspection):
    auth.login(owner)

    page = client.get("/calendar").get_data(as_text=True)

    assert "Inspect the sign in place" in page and "SIGN-INSPECTION" in page
    assert inspection.due_on.isoformat() in page
    assert "Impact assessment before going live" not in page  # done: only with status=all
    everything = client.get("/calendar?status=all").get_data(as_text=True)
    assert "Impact assessment before going live" in everything


@pytest.mark.parametrize("query, field", [("status=late", "status"), ("due_from=2026-13-01", "due_from"),
                                          ("due_from=2026-12-02&due_to=2026-12-01", "due_to"),
                                          ("limit=0", "limit"), ("site=abc", "site")])
def test_bad_filters_are_refused_naming_the_filter(client, auth, owner, inspection, query, field):
    auth.login(owner)

    response = client.get(f"/calendar?{query}")

    assert response.status_code == 422 and field in response.get_data(as_text=True)  # as every dashboard list


def test_another_organisation_s_duties_and_site_do_not_exist(client, auth, make_user, inspection, live_site):
    auth.login(make_user("owner"))
    site, _sign = live_site

    assert client.get(f"/calendar/duties/{inspection.id}").status_code == 404
    assert client.get(f"/calendar?site={site.id}").status_code == 404
    assert client.post(f"/calendar/duties/{inspection.id}/done", data={"done_on": "2026-11-03"}).status_code == 404
    assert "North gate" not in client.get("/calendar?status=all").get_data(as_text=True)


def test_marking_done_with_a_photo_records_it_and_its_hash(client, auth, owner, inspection, db):
    auth.login(owner)
    photo = png_bytes()
    done_on = (T0 + timedelta(days=3)).date()

    response = client.post(f"/calendar/duties/{inspection.id}/done",
                           data={"done_on": done_on.isoformat(), "reference": "Photo 17",
                                 "evidence": (io.BytesIO(photo), "north.png")},
                           content_type="multipart/form-data")

    assert response.status_code == 302
    db.session.expire_all()
    duty = db.session.get(Duty, inspection.id)
    assert duty.done_on == done_on and duty.evidence_sha256 == hashlib.sha256(photo).hexdigest()
    page = client.get(f"/calendar/duties/{duty.id}").get_data(as_text=True)
    assert "Photo 17" in page and duty.evidence_sha256 in page
    download = client.get(f"/calendar/duties/{duty.id}/evidence")
    assert download.data == photo and download.mimetype == "image/png"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "duty.done")) == 1


@pytest.mark.parametrize("data, field", [
    ({"done_on": "2026-11-03", "evidence": (io.BytesIO(b"MZ\x90\x00 not a picture"), "photo.png")}, "evidence"),
    ({"done_on": "2026-11-03", "evidence": (io.BytesIO(b"%PDF-1.7 cut short"), "receipt.pdf")}, "evidence"),
    ({"done_on": "3026-11-03"}, "done_on"),
    ({"done_on": "yesterday"}, "done_on"),
    ({}, "done_on"),
])
def test_a_bad_date_or_file_is_refused_naming_the_field_and_nothing_is_saved(client, auth, owner, inspection, db,
                                                                            data, field):
    auth.login(owner)

    response = client.post(f"/calendar/duties/{inspection.id}/done", data=data, content_type="multipart/form-data")

    assert response.status_code in (409, 422)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Duty, inspection.id).done_on is None
    assert db.session.scalar(select(func.count()).select_from(DutyEvidence)) == 0


def test_an_auditor_reads_the_calendar_but_cannot_mark_a_duty_done(client, auth, make_user, owner, inspection):
    auditor = make_user("auditor", organisation=owner.organisation)
    auth.login(auditor)

    assert client.get(f"/calendar/duties/{inspection.id}").status_code == 200
    assert client.post(f"/calendar/duties/{inspection.id}/done", data={"done_on": "2026-11-03"}).status_code == 403
    assert client.post("/calendar/feed/revoke").status_code == 403


def test_the_month_shows_each_day_s_duties(client, auth, owner, inspection):
    auth.login(owner)

    page = client.get(f"/calendar/month?month={inspection.due_on.strftime('%Y-%m')}").get_data(as_text=True)

    assert "Inspect the sign in place" in page and f'/calendar/duties/{inspection.id}"' in page
    assert client.get("/calendar/month?month=2026-13").status_code == 422
    assert client.get("/calendar/month?month=0000-01").status_code == 422  # beyond what a calendar steps through
    assert client.get("/calendar/month?month=9999-12").status_code == 422


def test_the_home_page_shows_what_is_due_this_month(client, auth, owner, inspection):
    auth.login(owner)

    page = client.get("/").get_data(as_text=True)

    assert "Inspect the sign in place" in page and "/calendar" in page


def test_a_site_page_shows_its_own_duties(client, auth, owner, inspection, live_site):
    auth.login(owner)
    site, sign = live_site

    page = client.get(f"/sites/{site.id}").get_data(as_text=True)

    duties = page.split('aria-labelledby="duties-title"', 1)[1].split("</section>", 1)[0]
    assert "Inspect the sign in place" in duties and sign.serial in duties
    assert f"/calendar/duties/{inspection.id}" in duties


def test_an_editor_turns_the_reminders_on_and_off_and_each_change_is_logged(client, auth, make_user, owner, db):
    editor = make_user("editor", organisation=owner.organisation)
    auth.login(editor)

    assert "E-mail me the reminders" in client.get("/calendar").get_data(as_text=True)
    assert client.post("/calendar/reminders", data={"wanted": "true"}).status_code == 302
    assert "Stop e-mailing me" in client.get("/calendar").get_data(as_text=True)
    assert client.post("/calendar/reminders", data={"wanted": "maybe"}).status_code == 422
    assert client.post("/calendar/reminders", data={"wanted": "false"}).status_code == 302

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "user.duty_reminders")).all()
    assert len(actions) == 2
    auth.logout()
    auth.login(make_user("auditor", organisation=owner.organisation))
    assert client.post("/calendar/reminders", data={"wanted": "true"}).status_code == 403


@pytest.fixture
def nyc_store(db, make_site, owner, settings):
    from signage.demo import NYC_STORE
    return make_site(**NYC_STORE)


def test_a_notice_of_violation_puts_its_thirty_day_cure_window_on_the_calendar(client, auth, owner, nyc_store, db):
    auth.login(owner)
    assert "Record a notice of violation" in client.get(f"/sites/{nyc_store.id}").get_data(as_text=True)

    response = client.post(f"/calendar/sites/{nyc_store.id}/violation-notice",
                           data={"received_on": "2026-11-20", "reference": "DCWP-2026-117"})

    assert response.status_code == 302
    [cure] = db.session.scalars(select(Duty).where(Duty.kind == "nyc_cure")).all()
    assert (cure.trigger_on.isoformat(), cure.due_on.isoformat(), cure.params["reference"]) == \
        ("2026-11-20", "2026-12-20", "DCWP-2026-117")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "violation_notice.recorded")) == 1


def test_a_notice_of_violation_is_refused_outside_new_york_or_in_the_future(client, auth, owner, live_site,
                                                                           nyc_store, db):
    site, _sign = live_site
    auth.login(owner)

    elsewhere = client.post(f"/calendar/sites/{site.id}/violation-notice", data={"received_on": "2026-11-20"})
    future = client.post(f"/calendar/sites/{nyc_store.id}/violation-notice", data={"received_on": "3026-11-20"})
    garbled = client.post(f"/calendar/sites/{nyc_store.id}/violation-notice", data={"received_on": "soon"})

    assert elsewhere.status_code == 409 and 'id="site-error"' in elsewhere.get_data(as_text=True)
    assert future.status_code == 409 and 'id="received_on-error"' in future.get_data(as_text=True)
    assert garbled.status_code == 422 and 'id="received_on-error"' in garbled.get_data(as_text=True)
    assert db.session.scalars(select(Duty).where(Duty.kind == "nyc_cure")).all() == []
