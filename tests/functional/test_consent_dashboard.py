"""The operator's consent pages: the ledger with its filters and monthly chart, one record and its events,
withdrawal for the person, the deletions owed with their clocks, the home page, and the streamed exports."""
import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from signage.audit.models import AuditEntry
from signage.consent.services import withdraw_consent

from helpers import T0


def test_the_ledger_lists_filters_and_charts_a_sites_consents(client, auth, owner, gym_site, make_consent):
    for number in range(3):
        make_consent(gym_site, subject_ref=f"GYM-{number}", purposes={"primary": number != 2, "secondary_1": number == 0},
                     now=T0 + timedelta(days=number))
    auth.login(owner)
    page = client.get(f"/consents?site={gym_site.id}&lang=en").get_data(as_text=True)
    assert all(f"GYM-{n}" in page for n in range(3)) and "Gym turnstile" in page
    assert '<svg' in page and "2026-11 · Given" not in client.get("/consents?lang=en").get_data(as_text=True)
    refused = client.get(f"/consents?site={gym_site.id}&state=refused").get_data(as_text=True)
    assert "GYM-2" in refused and "GYM-0" not in refused
    training = client.get(f"/consents?purpose=secondary_1").get_data(as_text=True)
    assert "GYM-0" in training and "GYM-1" not in training
    day = client.get("/consents?since=2026-11-03&until=2026-11-03").get_data(as_text=True)
    assert "GYM-1" in day and "GYM-0" not in day and "GYM-2" not in day
    assert client.get("/consents?state=maybe").status_code == 422


def test_the_chart_counts_each_month_of_the_organisations_time_zone(client, auth, owner, gym_site, make_consent, db):
    owner.organisation.time_zone = "Asia/Shanghai"
    db.session.commit()
    # the start of last month in Shanghai: an hour after it is still the month before in UTC
    local = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Shanghai"))
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    before = (last_month - timedelta(days=1)).replace(day=1)
    make_consent(gym_site, subject_ref="GYM-1", now=last_month.astimezone(timezone.utc) + timedelta(hours=1))
    make_consent(gym_site, subject_ref="GYM-2", now=last_month.astimezone(timezone.utc) - timedelta(hours=1))
    make_consent(gym_site, subject_ref="GYM-3", purposes={"primary": False},
                 now=last_month.astimezone(timezone.utc) + timedelta(hours=2))
    auth.login(owner)
    page = client.get(f"/consents?site={gym_site.id}&lang=en").get_data(as_text=True)
    # each bar is titled with its month and number
    assert f"{last_month:%Y-%m} · Given: 1" in page and f"{last_month:%Y-%m} · Refused: 1" in page
    assert f"{before:%Y-%m} · Given: 1" in page and f"{this_month:%Y-%m} · Given: 0" in page


def test_the_operator_withdraws_for_the_person_and_confirms_the_deletion(client, auth, owner, gym_site, make_consent, db):
    consent, code = make_consent(gym_site)
    auth.login(owner)
    detail = client.get(f"/consents/{consent.id}?lang=en").get_data(as_text=True)
    assert "GYM-004213" in detail and "Withdraw this consent" in detail
    assert client.post(f"/consents/{consent.id}/withdraw").status_code == 303
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "1 person withdrew their consent" in home
    queue = client.get("/consents/deletions?lang=en").get_data(as_text=True)
    assert "GYM-004213" in queue
    wrong = client.post(f"/consents/{consent.id}/deletion", data={"deleted_on": "yesterday", "method": ""})
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.get_data(as_text=True)
    db.session.expire_all()
    when = consent.state_changed_at.isoformat()
    done = client.post(f"/consents/{consent.id}/deletion", data={"deleted_on": when, "method": "Template erased",
                                                                  "downstream_notified": "Turnstile Co."})
    assert done.status_code == 303
    assert "GYM-004213" not in client.get("/consents/deletions").get_data(as_text=True)
    assert "Your face data was deleted on" in client.get(f"/r/{code}?lang=en").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "consent_records")).all()
    assert actions == ["consent.given", "consent.withdrawn", "consent.deletion_confirmed"]


def test_an_overdue_deletion_is_red_on_the_home_page(client, auth, owner, gym_site, make_consent, db, settings):
    consent, _code = make_consent(gym_site)
    withdraw_consent(consent, {"channel": "operator", "scope": "all"}, by=owner, now=T0, settings=settings)
    db.session.commit()
    auth.login(owner)
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "1 overdue" in home and "card--alert" in home
    assert 'class="overdue"' in client.get("/consents/deletions").get_data(as_text=True)


def test_an_auditor_reads_the_ledger_but_cannot_withdraw(client, auth, owner, make_user, gym_site, make_consent):
    consent, _code = make_consent(gym_site)
    auditor = make_user("auditor", organisation=owner.organisation)
    auth.login(auditor)
    assert client.get(f"/consents/{consent.id}").status_code == 200
    assert "Withdraw this consent" not in client.get(f"/consents/{consent.id}?lang=en").get_data(as_text=True)
    assert client.post(f"/consents/{consent.id}/withdraw").status_code == 403


def test_the_ledger_exports_as_csv_that_spreadsheets_read_and_as_json(client, auth, owner, gym_site, make_consent):
    make_consent(gym_site, subject_ref="GYM-会员-1")
    make_consent(gym_site, subject_ref="GYM-2", purposes={"primary": False})
    auth.login(owner)
    response = client.get(f"/consents/export.csv?site={gym_site.id}")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row["subject_ref"] for row in rows] == ["GYM-会员-1", "GYM-2"]
    assert rows[0]["purposes"] == "primary=given;secondary_1=refused" and rows[1]["state"] == "refused"
    assert rows[0]["notice_version"] == "1" and len(rows[0]["notice_sha256"]) == 64
    assert datetime.fromisoformat(rows[0]["answered_at"]) == T0 and rows[0]["expires_at"] == ""
    items = json.loads(client.get("/consents/export.json?state=refused").data)
    assert [item["subject_ref"] for item in items] == ["GYM-2"]
    assert items[0]["purposes"] == {"primary": "refused"}  # a refused primary asks nothing more
    assert items[0]["site_code"] == rows[1]["site_code"] and items[0]["record_id"] == rows[1]["record_id"]
    assert datetime.fromisoformat(items[0]["answered_at"]) == T0 and items[0]["deletion_due_at"] is None


def test_a_ledger_page_costs_the_same_at_3_and_at_30_consents(client, auth, owner, gym_site, make_consent, db):
    auth.login(owner)
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731 - the statement is the third argument

    def cost(path):
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for number in range(3):
        make_consent(gym_site, subject_ref=f"GYM-{number}")
    small = {path: cost(path) for path in (f"/consents?site={gym_site.id}", "/consents", "/consents/deletions", "/")}
    for number in range(3, 30):
        make_consent(gym_site, subject_ref=f"GYM-{number}")
    large = {path: cost(path) for path in small}
    assert large == small, (small, large)
    assert re.search(r"GYM-29", client.get("/consents").get_data(as_text=True))


def test_a_reference_that_looks_like_a_formula_stays_text_in_the_csv(client, auth, owner, gym_site, make_consent):
    make_consent(gym_site, subject_ref="=HYPERLINK(\"x\")")
    auth.login(owner)
    rows = list(csv.DictReader(io.StringIO(client.get("/consents/export.csv").data.decode("utf-8-sig"))))
    assert rows[0]["subject_ref"] == "'=HYPERLINK(\"x\")"


def test_the_last_day_there_is_and_the_purpose_filter_after_a_renewal(client, auth, owner, gym_site, make_consent):
    make_consent(gym_site, purposes={"primary": True, "secondary_1": True})
    make_consent(gym_site, purposes={"primary": True, "secondary_1": False})  # renewed: the first is superseded
    auth.login(owner)
    assert client.get("/consents?until=9999-12-31").status_code == 200
    assert client.get("/consents/export.csv?until=9999-12-31").status_code == 200
    assert "GYM-004213" not in client.get("/consents?purpose=secondary_1").get_data(as_text=True)
