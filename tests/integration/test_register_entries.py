"""The register's rows are a projection: after every change that can move one (going live, a notice field, the
place, a status, the operator's name) the stored row is what a fresh computation from the current notice and
site gives; housekeeping fills the rows of sites published before the register existed, and a second run
changes nothing; and the page's cost does not grow with the register."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select

from signage.auth.services import update_organisation
from signage.housekeeping import run_housekeeping
from signage.notices.models import NoticeVersion
from signage.register.entries import SORT_KEYS, entry_row
from signage.register.models import RegisterDocument, RegisterEntry, RegisterJurisdiction
from signage.register.opendata import DOCUMENTS_FORMAT, stored_documents
from signage.register.services import refresh_entries
from signage.sites.models import Site
from signage.sites.services import change_status, update_site

from helpers import NORTH_GATE_ZH, T0

_entries, _documents = RegisterEntry.__table__, RegisterDocument.__table__
#: Every column but the moment the row was computed.
COMPARED = [column for column in _entries.c if column.key != "refreshed_at"]
SITE_FIELDS = ("id", "organisation_id", "code", "status", "status_changed_at", "city", "latitude", "longitude",
               "venue_class")


def stored(db, site_id: int) -> dict | None:
    row = db.session.execute(select(*COMPARED).where(_entries.c.site_id == site_id)).first()
    return row._asdict() if row else None


def stored_documents_of(db, site_id: int) -> dict | None:
    row = db.session.execute(select(_documents).where(_documents.c.site_id == site_id)).first()
    return row._asdict() if row else None


def stored_jurisdictions(db, site_id: int) -> set[str]:
    return set(db.session.scalars(select(RegisterJurisdiction.jurisdiction)
                                  .where(RegisterJurisdiction.site_id == site_id)))


def computed(db, site: Site) -> dict | None:
    """The row the register should hold, computed here from the site and its notice versions as they are now."""
    db.session.refresh(site)
    versions = list(db.session.scalars(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                                       .order_by(NoticeVersion.number)))
    if site.status == "draft" or not versions:
        return None
    current = versions[-1]
    row = entry_row({name: getattr(site, name) for name in SITE_FIELDS},
                    {"number": current.number, "sha256": current.sha256, "effective_from": current.effective_from,
                     "content": current.content},
                    min(version.effective_from for version in versions), now=T0)
    row.pop("refreshed_at")
    return row


def assert_current(db, *sites: Site) -> None:
    """Each site's stored row (and its jurisdictions) is a fresh computation's, and says what the site and its
    current notice say."""
    db.session.expire_all()
    for site in sites:
        row, expected = stored(db, site.id), computed(db, site)
        assert row == expected, (site.id, _differences(row, expected))
        if row is None:
            assert stored_jurisdictions(db, site.id) == set() and stored_documents_of(db, site.id) is None
            continue
        # the downloads' documents are those of the row as it is read back
        assert stored_documents_of(db, site.id) == {"site_id": site.id, **stored_documents(row)}
        current = db.session.scalar(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                                    .order_by(NoticeVersion.number.desc()).limit(1))
        assert (row["status"], row["status_since"], row["city"]) == (site.status, site.status_changed_at, site.city)
        assert (row["latitude"], row["longitude"]) == (site.latitude, site.longitude)
        assert (row["version_number"], row["version_sha256"]) == (current.number, current.sha256)
        assert row["name"] == current.content["site_name"]
        assert row["operator"] == current.content["operator"]["legal_name"]
        assert stored_jurisdictions(db, site.id) == set(current.content["jurisdictions"])
        # each jurisdiction's copy of the sort keys is the row's: a filtered list sorts as the whole one does
        copies = db.session.execute(select(*(getattr(RegisterJurisdiction, key) for key in SORT_KEYS))
                                    .where(RegisterJurisdiction.site_id == site.id)).all()
        assert {tuple(copy) for copy in copies} == {tuple(row[key] for key in SORT_KEYS)}


def _differences(row, expected):
    if row is None or expected is None:
        return row, expected
    return {key: (row[key], expected[key]) for key in expected if row.get(key) != expected[key]}


def assert_refresh_changes_nothing(db) -> None:
    """Recomputing every row with the register's own refresh gives the rows already stored (then undone)."""
    db.session.commit()
    before = _all_rows(db)
    ids = list(db.session.scalars(select(Site.id)))
    refresh_entries(ids, now=T0 + timedelta(days=365))
    after = _all_rows(db)
    db.session.rollback()
    assert after == before
    assert _all_rows(db) == before


def _all_rows(db) -> dict:
    rows = {row.site_id: row._asdict() for row in db.session.execute(select(*COMPARED))}
    codes = db.session.execute(select(RegisterJurisdiction.site_id, RegisterJurisdiction.jurisdiction,
                                      *(getattr(RegisterJurisdiction, key) for key in SORT_KEYS))).all()
    documents = {row.site_id: row._asdict() for row in db.session.execute(select(_documents))}
    return {"rows": rows, "jurisdictions": sorted(codes), "documents": documents}


@pytest.fixture
def live(db, make_site, make_sign, owner, settings):
    """Take a new site live through the services, a day after T0 by default."""
    def go(at=T0 + timedelta(days=1), **fields):
        site = make_site(**{"text_translations": NORTH_GATE_ZH, **fields})
        make_sign(site)
        change_status(site, "active", reason="go live", by=owner, now=at, settings=settings)
        db.session.commit()
        return site
    return go


def later(days: int):
    return T0 + timedelta(days=days)


def test_a_draft_has_no_row_and_going_live_gives_one(db, make_site, make_sign, owner, settings):
    site = make_site(text_translations=NORTH_GATE_ZH)
    make_sign(site)
    assert stored(db, site.id) is None
    change_status(site, "active", reason="go live", by=owner, now=later(1), settings=settings)
    db.session.commit()
    assert_current(db, site)
    row = stored(db, site.id)
    assert row["version_number"] == 1 and row["status_rank"] == 0 and row["first_published_at"] == later(1)
    assert_refresh_changes_nothing(db)


def test_a_change_to_a_notice_field_refreshes_the_row(db, live, owner, settings):
    site = live()
    first = stored(db, site.id)
    update_site(site, {"site_name": "Harbour entrance", "address": "2 Quay Road, Shanghai",
                       "retention_period_days": 3}, by=owner, now=later(2), settings=settings)
    db.session.commit()
    assert_current(db, site)
    row = stored(db, site.id)
    assert (row["name"], row["address"], row["retention_period_days"]) == ("Harbour entrance",
                                                                           "2 Quay Road, Shanghai", 3)
    assert row["version_number"] == 2 and row["first_published_at"] == first["first_published_at"]
    assert "harbour entrance" in row["search"] and "north gate" not in row["search"]
    # a printed field the register does not show still moves the row to the new version
    update_site(site, {"purpose_text": "Finding missing children."}, by=owner, now=later(3), settings=settings)
    db.session.commit()
    assert_current(db, site)
    assert stored(db, site.id)["version_number"] == 3
    assert_refresh_changes_nothing(db)


def test_a_change_of_city_or_coordinates_refreshes_the_row(db, live, owner, settings):
    site = live()
    update_site(site, {"city": "Suzhou"}, by=owner, now=later(2), settings=settings)
    db.session.commit()
    assert_current(db, site)
    assert stored(db, site.id)["city_key"] == "suzhou"
    update_site(site, {"geo": {"lat": 31.3, "lng": 120.62}}, by=owner, now=later(3), settings=settings)
    db.session.commit()
    assert_current(db, site)
    assert (stored(db, site.id)["latitude"], stored(db, site.id)["longitude"]) == (31.3, 120.62)
    assert stored(db, site.id)["version_number"] == 1  # neither is printed: the notice did not change
    assert_refresh_changes_nothing(db)


def test_suspension_resumption_and_decommissioning_refresh_the_row(db, live, owner, settings):
    site, other = live(), live(site_name="South gate")
    for status, days, rank in (("suspended", 7, 1), ("active", 9, 0), ("decommissioned", 12, 2)):
        change_status(site, status, reason=status, by=owner, now=later(days), settings=settings)
        db.session.commit()
        assert_current(db, site, other)
        row = stored(db, site.id)
        assert (row["status"], row["status_rank"], row["status_since"]) == (status, rank, later(days))
    assert_refresh_changes_nothing(db)


def test_a_suspended_site_edited_keeps_its_row_current(db, live, owner, settings):
    site = live()
    change_status(site, "suspended", reason="works", by=owner, now=later(2), settings=settings)
    update_site(site, {"site_name": "Temporary gate", "city": "Ningbo", "geo": None}, by=owner, now=later(3),
                settings=settings)
    db.session.commit()
    assert_current(db, site)
    row = stored(db, site.id)
    assert (row["name"], row["city"], row["latitude"], row["status"]) == ("Temporary gate", "Ningbo", None,
                                                                          "suspended")
    assert_refresh_changes_nothing(db)


def test_an_operator_name_change_reaches_the_rows_through_its_job(db, live, owner, settings):
    active, suspended, closed = live(), live(site_name="South gate"), live(site_name="East gate")
    change_status(suspended, "suspended", reason="works", by=owner, now=later(2), settings=settings)
    change_status(closed, "decommissioned", reason="closed", by=owner, now=later(2), settings=settings)
    db.session.commit()
    old_name = owner.organisation.legal_name
    update_organisation(owner.organisation, {"legal_name": "Harbour Operations Ltd.",
                                             "name_translations": {"zh-Hans": {"legal_name": "港口运营有限公司"}}},
                        by=owner, now=later(3), settings=settings)
    db.session.commit()
    assert stored(db, active.id)["operator"] == old_name  # saved at once; the sites take it in with housekeeping
    report = run_housekeeping(batch_size=1)
    assert report["failed"] == 0 and report["batches"] >= 2
    assert_current(db, active, suspended, closed)
    for site in (active, suspended):
        row = stored(db, site.id)
        assert row["operator"] == "Harbour Operations Ltd." and row["version_number"] == 2
        assert row["texts"]["zh-Hans"]["operator"] == "港口运营有限公司" and "港口运营" in row["search"]
    # a decommissioned site's notice is no longer republished: its row keeps what its notice says
    assert stored(db, closed.id)["operator"] == old_name
    assert_refresh_changes_nothing(db)


# Housekeeping

def _forget_register(db):
    """Empty the register, as a database migrated to it holds published sites but no rows yet."""
    db.session.execute(delete(RegisterJurisdiction))
    db.session.execute(delete(RegisterEntry))
    db.session.commit()


def test_housekeeping_fills_the_rows_of_sites_published_before_the_register(db, live, make_site, owner, settings,
                                                                              client):
    sites = [live(site_name=f"Gate {number}") for number in range(5)]
    change_status(sites[3], "suspended", reason="works", by=owner, now=later(4), settings=settings)
    change_status(sites[4], "decommissioned", reason="closed", by=owner, now=later(4), settings=settings)
    draft = make_site(site_name="Draft depot")
    db.session.commit()
    expected = _all_rows(db)
    assert len(expected["rows"]) == 5
    _forget_register(db)
    assert client.get("/register?lang=en&status=all&q=gate 3").get_data(as_text=True).count('class="entry"') == 0

    report = run_housekeeping(batch_size=2)
    assert report["listed"] == 5
    assert _all_rows(db) == expected
    assert_current(db, *sites, draft)
    # the text search finds the filled rows (SQLite's FTS table is kept by the same inserts)
    for q in ("gate 3", "北门", "Operator 1"):
        page = client.get(f"/register?lang=en&status=all&q={q}").get_data(as_text=True)
        assert page.count('class="entry"') == (1 if q == "gate 3" else 5), q

    refreshed = dict(db.session.execute(select(RegisterEntry.site_id, RegisterEntry.refreshed_at)).all())
    again = run_housekeeping(batch_size=2)
    assert again["listed"] == 0
    assert _all_rows(db) == expected
    assert dict(db.session.execute(select(RegisterEntry.site_id, RegisterEntry.refreshed_at)).all()) == refreshed


def test_the_housekeeping_command_fills_the_register_and_a_second_run_changes_nothing(db, live, runner):
    sites = [live(site_name=f"Gate {number}") for number in range(3)]
    expected = _all_rows(db)
    _forget_register(db)
    first = runner.invoke(args=["housekeeping", "--batch", "2"])
    assert first.exit_code == 0, first.output
    assert "3 register rows filled" in first.output
    assert _all_rows(db) == expected
    assert_current(db, *sites)
    refreshed = db.session.scalar(select(func.max(RegisterEntry.refreshed_at)))
    second = runner.invoke(args=["housekeeping"])
    assert second.exit_code == 0 and "0 register rows filled" in second.output
    assert _all_rows(db) == expected and db.session.scalar(select(func.max(RegisterEntry.refreshed_at))) == refreshed


def test_housekeeping_rewrites_documents_missing_or_of_an_older_format_and_nothing_else(db, live):
    sites = [live(site_name=f"Gate {number}") for number in range(4)]
    expected = _all_rows(db)
    db.session.execute(delete(RegisterDocument).where(RegisterDocument.site_id == sites[0].id))
    db.session.execute(_documents.update().where(_documents.c.site_id == sites[2].id)
                       .values(format=DOCUMENTS_FORMAT - 1, json_text="{}"))
    db.session.commit()
    refreshed = dict(db.session.execute(select(RegisterEntry.site_id, RegisterEntry.refreshed_at)).all())

    assert run_housekeeping(batch_size=1)["listed"] == 2
    assert _all_rows(db) == expected
    assert_current(db, *sites)
    now = dict(db.session.execute(select(RegisterEntry.site_id, RegisterEntry.refreshed_at)).all())
    assert {site_id for site_id in now if now[site_id] != refreshed[site_id]} == {sites[0].id, sites[2].id}
    assert run_housekeeping()["listed"] == 0


def test_a_site_published_after_housekeeping_looked_gets_its_row_from_its_own_change(db, live):
    run_housekeeping()
    site = live(site_name="Late gate")
    assert_current(db, site)
    assert run_housekeeping()["listed"] == 0


# Cost

def test_the_register_costs_the_same_statements_at_5_and_at_50_sites(client, db, make_site, make_sign, owner,
                                                                     settings):
    made = []

    def grow(to):
        while len(made) < to:
            site = make_site(site_name=f"Gate {len(made)}", text_translations=NORTH_GATE_ZH)
            make_sign(site)
            change_status(site, "active", reason="go live", by=owner, now=T0, settings=settings)
            if len(made) % 7 == 3:
                change_status(site, "suspended", reason="works", by=owner, now=later(1), settings=settings)
            db.session.commit()
            made.append(site)

    def cost(path):
        seen = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with client.get(path) as response:
                response.get_data()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, path
        return len(seen)

    grow(5)
    late = made[3].id  # a page that continues after a row
    paths = ["/register", "/register?lang=zh-Hans&status=all&sort=city", "/register?sort=newest&limit=2",
             "/register?q=gate", "/register?q=北门", "/register?q=g", "/register?jurisdiction=CN&purpose=public_security",
             "/register?bbox=121,31,122,32", f"/register?status=all&limit=2&cursor=a{late}",
             f"/register?status=all&limit=2&cursor=b{late}", "/register.csv", "/register.json?status=all",
             "/register.geojson"]
    for path in paths:  # the first request of a process reads what it caches
        cost(path)
    at_5 = {path: cost(path) for path in paths}
    grow(50)
    at_50 = {path: cost(path) for path in paths}
    assert at_50 == at_5
    assert max(at_5.values()) <= 10, at_5
