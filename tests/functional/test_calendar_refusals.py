"""What the calendar refuses, as an operator meets it: a duty the record does, marked done by hand; a day
before the duty began; an inspection without its photo; a file that is not whole or too large; filters and
months out of range; a notice of violation from before New York City's law or for another city's site. Each
answer names the field, keeps the form, saves nothing, and reads in the operator's language."""
import base64
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from signage.audit.models import AuditEntry
from signage.auth.services import update_organisation
from signage.calendar.models import Duty, DutyEvidence
from signage.requests.services import file_request
from signage.sites.summaries import refresh_summaries

from helpers import T0, photo_png


def done_entries(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "duty.done"))


@pytest.fixture
def filing(db, live_site, owner, settings):
    """The CN filing the organisation's 100,000 stored people call for: done once the site records it."""
    site, _sign = live_site
    update_organisation(owner.organisation, {"stored_individuals_count": 100_000,
                                             "count_threshold_reached_on": date(2026, 10, 1)},
                        by=owner, now=T0, settings=settings)
    refresh_summaries([site], now=T0, settings=settings)  # what the operator-change job does
    db.session.commit()
    return db.session.scalars(select(Duty).where(Duty.kind == "cn_filing")).one()


@pytest.fixture
def answer(db, live_site, settings):
    """The duty to answer a person's access request: done when the request is answered in the queue."""
    site, _sign = live_site
    filed, _code = file_request(site, {"category": "rights", "kind": "access", "language": "en"}, now=T0,
                                settings=settings)
    db.session.commit()
    return db.session.scalars(select(Duty).where(Duty.kind == "request_answer")).one()


@pytest.mark.parametrize("which", ["filing", "answer"])
def test_a_duty_the_record_does_cannot_be_marked_done_by_hand(client, auth, api_token, owner, db, request, which):
    duty = request.getfixturevalue(which)
    auth.login(owner)

    page = client.get(f"/calendar/duties/{duty.id}").get_data(as_text=True)
    form = client.post(f"/calendar/duties/{duty.id}/done", data={"done_on": T0.date().isoformat()})
    api = client.post(f"/api/v1/duties/{duty.id}/done", headers=api_token, json={"done_on": T0.date().isoformat()})

    assert "How it is done" in page and f'action="/calendar/duties/{duty.id}/done"' not in page
    assert ("/requests/" in page) if which == "answer" else ("Record the filing on the site" in page)
    assert form.status_code == 409 and 'id="done_on-error"' not in form.get_data(as_text=True)  # no form to mark
    assert "How it is done" in form.get_data(as_text=True)
    assert api.status_code == 409 and "done_on" in api.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Duty, duty.id).done_on is None and done_entries(db) == 0


def test_a_day_before_the_site_was_registered_is_refused_naming_it(client, auth, owner, inspection, db):
    auth.login(owner)
    before = (T0.date() - timedelta(days=1)).isoformat()  # the day before the site was registered

    response = client.post(f"/calendar/duties/{inspection.id}/done", content_type="multipart/form-data",
                           data={"done_on": before, "evidence": (io.BytesIO(photo_png()), "north.png")})

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="done_on-error"' in page
    assert f"Use {T0.date().isoformat()}, when the site was registered, or a later day." in page
    assert f'min="{T0.date().isoformat()}"' in page  # the date picker says so first
    for absurd in ("1900-01-01", "0001-01-01"):
        refused = client.post(f"/calendar/duties/{inspection.id}/done", content_type="multipart/form-data",
                              data={"done_on": absurd, "evidence": (io.BytesIO(photo_png()), "north.png")})
        assert refused.status_code == 409 and "when the site was registered, or a later day." in \
            refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Duty, inspection.id).done_on is None and done_entries(db) == 0


def test_an_inspection_needs_its_photo(client, auth, api_token, owner, inspection, db):
    auth.login(owner)
    today = date.today().isoformat()

    form = client.post(f"/calendar/duties/{inspection.id}/done", data={"done_on": today})
    api = client.post(f"/api/v1/duties/{inspection.id}/done", headers=api_token, json={"done_on": today})

    assert form.status_code == 422 and 'id="evidence-error"' in form.get_data(as_text=True)
    assert "Attach the photo of the sign in place" in form.get_data(as_text=True)
    assert api.status_code == 422 and "evidence" in api.get_json()["errors"]
    assert done_entries(db) == 0


@pytest.mark.parametrize("content, message", [
    (b"\0" * 3_000_000, "The file is larger than 1,400 kB."),  # a phone photo, straight off the camera
    (photo_png() + b"PK\x03\x04 and a zip behind it", "has other data after its end"),
])
def test_a_file_too_large_or_not_whole_comes_back_to_the_form_naming_it(client, auth, owner, inspection, db,
                                                                         content, message):
    auth.login(owner)

    # encoded in memory: the test client would spool a large body to a file it never closes
    boundary, body = encode_multipart({"done_on": date.today().isoformat(), "reference": "Photo 17",
                                       "evidence": FileStorage(io.BytesIO(content), "north.png")})
    response = client.post(f"/calendar/duties/{inspection.id}/done", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="evidence-error"' in page and message in page
    assert 'value="Photo 17"' in page  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(DutyEvidence)) == 0 and done_entries(db) == 0


def test_the_refusals_read_in_chinese(client, auth, owner, inspection):
    auth.login(owner)

    response = client.post(f"/calendar/duties/{inspection.id}/done?lang=zh-Hans", content_type="multipart/form-data",
                           data={"done_on": date.today().isoformat(),
                                 "evidence": (io.BytesIO(photo_png() + b"tail"), "north.png")})
    future = client.post(f"/calendar/duties/{inspection.id}/done?lang=zh-Hans", content_type="multipart/form-data",
                         data={"done_on": "3026-01-01", "evidence": (io.BytesIO(photo_png()), "north.png")})

    assert response.status_code == 422 and "The file does not open" not in response.get_data(as_text=True)
    assert "无法作为其开头所示的 PDF 或图片完整打开" in response.get_data(as_text=True)
    assert future.status_code == 409 and "请填写今天或更早的日期" in future.get_data(as_text=True)


def test_an_inverted_range_or_an_unknown_filter_shows_the_list_with_the_filter_named(client, auth, owner,
                                                                                     inspection):
    auth.login(owner)

    inverted = client.get("/calendar?due_from=2026-12-02&due_to=2026-12-01")
    unknown = client.get("/calendar?colour=red")

    both = client.get("/calendar?status=nope&due_from=2026-12-02&due_to=2026-12-01")  # the range is checked last
    nul = client.get("/calendar?due%00=1")
    for response, field in ((inverted, "Use a day on or after"), (unknown, "colour"), (both, "Use a day on or after"),
                            (nul, "Some filters")):
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "Some filters were left out" in page and field in page
        assert 'class="filters"' in page
    assert "Use a day on or after the first day of the range." in inverted.get_data(as_text=True)
    assert 'value="2026-12-01" aria-invalid="true"' in inverted.get_data(as_text=True)  # kept to correct
    assert "Inspect the sign in place" in unknown.get_data(as_text=True)  # the list, without what is unknown


def test_the_month_view_steps_only_through_months_it_shows(client, auth, owner, inspection):
    auth.login(owner)

    last = client.get("/calendar/month?month=2999-12").get_data(as_text=True)
    first = client.get("/calendar/month?month=1900-01").get_data(as_text=True)

    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert 'rel="prev"' not in first and 'rel="next"' in first
    trailing = client.get("/calendar/month?month=2026-11%0A")
    assert trailing.status_code == 422 and "Some filters were left out" in trailing.get_data(as_text=True)


@pytest.fixture
def nyc_store(db, make_site):
    from signage.demo import NYC_STORE
    return make_site(**NYC_STORE)


def test_a_notice_of_violation_dated_before_the_law_is_refused(client, auth, owner, nyc_store, db):
    auth.login(owner)

    response = client.post(f"/calendar/sites/{nyc_store.id}/violation-notice", data={"received_on": "1900-01-01"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="received_on-error"' in page
    assert "Use 2021-07-09, when the law took effect, or a later day." in page
    assert 'min="2021-07-09"' in client.get(f"/calendar/sites/{nyc_store.id}/violation-notice").get_data(as_text=True)
    assert db.session.scalars(select(Duty).where(Duty.kind == "nyc_cure")).all() == []


def test_the_notice_form_is_not_offered_for_a_site_outside_new_york(client, auth, owner, live_site):
    site, _sign = live_site
    auth.login(owner)

    page = client.get(f"/calendar/sites/{site.id}/violation-notice").get_data(as_text=True)

    assert "The site is not under US-NYC." in page and 'name="received_on"' not in page


def test_the_api_refuses_a_photo_with_data_after_its_end(client, api_token, inspection):
    body = {"done_on": date.today().isoformat(),
            "evidence": {"name": "north.png", "content_base64": base64.b64encode(photo_png() + b"tail").decode()}}

    response = client.post(f"/api/v1/duties/{inspection.id}/done", headers=api_token, json=body)

    assert response.status_code == 422 and "content_base64" in response.get_json()["errors"]["evidence"]
