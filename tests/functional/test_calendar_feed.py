"""The calendar feed at its secret URL: what a calendar client subscribed to it shows (read back with the
icalendar library), how it follows the duties' changes in place, and that a forged, revoked or other
organisation's URL opens nothing and no response sets a cookie."""
from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import event, select

from signage.auth.services import update_organisation
from signage.calendar import feed_rows
from signage.calendar.feeds import feed_token, revoke_feed
from signage.calendar.models import Duty
from signage.calendar.services import mark_duty_done
from signage.database import utcnow
from signage.housekeeping import run_housekeeping
from signage.rules.packs import PackSettings
from signage.signs.services import change_sign_status

from helpers import T0, photo_evidence

SETTINGS = PackSettings()
INSPECT = "Inspect the sign in place, with a photo"


def token_of(app, organisation_id: int) -> str:
    return feed_token(organisation_id, secret=app.config["SECRET_KEY"])


def fetch(client, token: str, **headers):
    return client.get(f"/calendar/feed/{token}.ics", headers=headers, buffered=True)  # read before the next


def events(response) -> dict:
    assert response.status_code == 200, response.status_code
    return {str(vevent["UID"]): vevent for vevent in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


@pytest.fixture
def installed(db, live_site, owner):
    """The live site with its sign put up: an inspection due a week later, beside its done assessment."""
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    return site, sign


def inspection_of(db, site) -> Duty:
    return db.session.scalars(select(Duty).where(Duty.site_id == site.id, Duty.kind == "sign_inspection",
                                                 Duty.done_on.is_(None))).one()


def test_the_feed_shows_each_dated_duty_as_an_all_day_event_in_both_languages(app, client, db, installed, owner,
                                                                                make_site):
    site, sign = installed
    make_site(site_name="Draft gate")  # its assessment waits for going live: undated, so not in the feed
    response = fetch(client, token_of(app, owner.organisation_id))

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == f"signage — {owner.organisation.legal_name}".replace(",", "\\,")
    shown = events(response)
    dated = db.session.scalars(select(Duty).where(Duty.organisation_id == owner.organisation_id,
                                                  Duty.due_on.is_not(None))).all()
    assert len(shown) == len(dated) == 2
    inspection = shown[f"{site.code}.sign_inspection:{sign.serial}:{(T0.date() + timedelta(days=7)).isoformat()}"
                       "@duties.signage"]
    assert inspection.decoded("DTSTART") == T0.date() + timedelta(days=7)
    assert inspection.decoded("DTEND") == T0.date() + timedelta(days=8)
    summary = str(inspection["SUMMARY"])
    assert f"{INSPECT}, North gate" in summary and "现场检查" in summary and "北门" in summary
    assert str(inspection["URL"]) == f"https://signs.example/calendar?site={site.id}"
    assert "SIGN-INSPECTION" in str(inspection["DESCRIPTION"])
    assessment = shown[f"{site.code}.pia_before_go_live@duties.signage"]
    assert str(assessment["SUMMARY"]).startswith("✓ ")  # done before going live
    assert {str(vevent["STATUS"]) for vevent in shown.values()} == {"CONFIRMED"}


def test_a_duty_marked_done_keeps_its_uid_with_a_higher_sequence(app, client, db, installed, owner):
    site, _sign = installed
    token = token_of(app, owner.organisation_id)
    duty = inspection_of(db, site)
    uid = f"{site.code}.{duty.key}@duties.signage"
    before = events(fetch(client, token))[uid]

    mark_duty_done(duty, {"done_on": utcnow().date(), "evidence": photo_evidence()}, by=owner, now=utcnow(), settings=SETTINGS)
    db.session.commit()
    after = events(fetch(client, token))

    assert int(after[uid]["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after[uid].decoded("DTSTART") == before.decoded("DTSTART")
    assert str(after[uid]["SUMMARY"]).startswith("✓ ")
    assert len(after) == 3  # the next quarter's inspection is a new event beside it


def test_a_withdrawn_duty_is_cancelled_then_left_out_after_ninety_days(app, client, db, installed, owner):
    site, _sign = installed
    organisation, token = owner.organisation, token_of(app, owner.organisation_id)
    update_organisation(organisation, {"stored_individuals_count": 100_000,
                                       "count_threshold_reached_on": date(2026, 9, 15)},
                        by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    run_housekeeping()
    uid = f"{site.code}.cn_filing@duties.signage"
    filing = events(fetch(client, token))[uid]
    assert filing.decoded("DTSTART") == date(2026, 11, 2) and str(filing["STATUS"]) == "CONFIRMED"
    # overdue by now, but an event says only what changes with its SEQUENCE: its date, done, cancelled
    assert str(filing["SUMMARY"]).startswith("File with the cyberspace administration (China), North gate")

    update_organisation(organisation, {"stored_individuals_count": 10}, by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    run_housekeeping()
    cancelled = events(fetch(client, token))[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) > int(filing["SEQUENCE"])

    duty = db.session.scalars(select(Duty).where(Duty.site_id == site.id, Duty.key == "cn_filing")).one()
    duty.withdrawn_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert uid not in events(fetch(client, token))


def test_a_revoked_url_is_not_found_and_the_new_one_works(app, client, db, installed, owner):
    old = token_of(app, owner.organisation_id)
    revoke_feed(owner.organisation, by=owner, now=utcnow())
    db.session.commit()
    new = token_of(app, owner.organisation_id)

    assert new != old
    assert fetch(client, old).status_code == 404
    assert len(events(fetch(client, new))) == 2


def test_forged_garbage_and_other_organisations_tokens_are_not_found(app, client, db, installed, owner, make_user):
    other = make_user("owner")
    revoke_feed(other.organisation, by=other, now=utcnow())  # the other organisation is at generation 1
    db.session.commit()
    mine, theirs = token_of(app, owner.organisation_id), token_of(app, other.organisation_id)
    _id, _generation, their_mac = theirs.split("-")
    flipped = mine[:-1] + ("0" if mine[-1] != "0" else "1")
    tokens = [flipped, f"{owner.organisation_id}-1-{their_mac}", f"{owner.organisation_id}-0-{their_mac}",
              token_of(app, 987_654), "garbage", "0-0-" + "0" * 32, "1-0-" + "g" * 32, "9" * 40 + "-0-" + "a" * 32,
              "%00", "..", mine + "%0A", "x" * 5000]
    for token in tokens:
        response = fetch(client, token)
        assert response.status_code == 404, (token, response.status_code)
        assert "Set-Cookie" not in response.headers, token


def test_an_organisation_s_feed_holds_none_of_another_s_duties(app, client, db, installed, owner, make_user, make_site,
                                                              make_sign):
    site, _sign = installed
    other = make_user("owner")
    elsewhere = make_site(by=other, site_name="Elsewhere")
    change_sign_status(make_sign(elsewhere, by=other), "installed", by=other, now=T0, settings=SETTINGS)
    db.session.commit()

    mine = fetch(client, token_of(app, owner.organisation_id))
    theirs = fetch(client, token_of(app, other.organisation_id))

    assert elsewhere.code not in mine.get_data(as_text=True) and "Elsewhere" not in mine.get_data(as_text=True)
    assert all(uid.startswith(site.code + ".") for uid in events(mine))
    assert all(uid.startswith(elsewhere.code + ".") for uid in events(theirs))


def test_moving_the_public_address_keeps_every_event_s_uid(app, client, db, installed, owner, monkeypatch):
    token = token_of(app, owner.organisation_id)
    before = events(fetch(client, token))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://moved.example")
    after = events(fetch(client, token))

    assert set(after) == set(before) and len(after) == 2  # the calendar updates its events, not doubles them
    assert all(str(vevent["URL"]).startswith("https://moved.example/") for vevent in after.values())


def test_an_unchanged_feed_answers_not_modified_until_a_duty_changes(app, client, db, installed, owner):
    site, _sign = installed
    token = token_of(app, owner.organisation_id)
    etag = fetch(client, token).headers["ETag"]

    assert fetch(client, token, **{"If-None-Match": etag}).status_code == 304
    mark_duty_done(inspection_of(db, site), {"done_on": utcnow().date(), "evidence": photo_evidence()}, by=owner,
                   now=utcnow(), settings=SETTINGS)
    db.session.commit()
    changed = fetch(client, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_feed_reads_its_duties_one_statement_per_batch(app, client, db, installed, owner, make_sign,
                                                            monkeypatch):
    site, _sign = installed
    for placement in ("East door", "West door", "Car park"):
        change_sign_status(make_sign(site, placement=placement), "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    monkeypatch.setattr(feed_rows, "FEED_BATCH", 2)
    token = token_of(app, owner.organisation_id)
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        shown = events(fetch(client, token))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert len(shown) == 5  # the assessment and four inspections
    assert sum("FROM duties JOIN sites" in statement for statement in seen) == 3  # 2 + 2 + 1
