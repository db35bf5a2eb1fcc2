"""The public page of each current notice version is rendered ahead by housekeeping: served, it gives the
very bytes a live render gives, in both languages and for a scanned sign; a stored page someone changed
in the database, or one of an older release, is never served; a new version replaces the pages."""
import logging

import pytest
from sqlalchemy import event, text

from signage.housekeeping import run_housekeeping
from signage.notices.models import NoticePage
from signage.notices.pages import Parts, pack
from signage.sites.services import update_site

from helpers import T0

LANGUAGES = ("zh-Hans", "en")


def pages_of(site, serial) -> list[str]:
    return [f"/n/{site.code}?lang={tag}" for tag in LANGUAGES] + [f"/S/{serial}?lang={tag}" for tag in LANGUAGES]


def fetch_all(app, paths) -> dict[str, bytes]:
    """Fetch pages from an app of its own: its caches are empty, so each page is built afresh."""
    client = app.test_client()
    answers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200
        answers[path] = response.get_data()
    return answers


def stored_rows(db):
    return db.session.execute(db.select(NoticePage.version_id, NoticePage.language)
                              .order_by(NoticePage.version_id, NoticePage.language)).all()


def test_pages_rendered_ahead_are_byte_for_byte_what_a_live_render_gives(live_site, db, make_app):
    site, sign = live_site
    paths = pages_of(site, sign.serial)
    live = fetch_all(make_app(), paths)
    report = run_housekeeping()
    assert report["pages"] == 1 and len(stored_rows(db)) == 2
    ahead_app = make_app()
    statements = []
    with ahead_app.app_context():
        from signage.extensions import db as ahead_db
        event.listen(ahead_db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    ahead = fetch_all(ahead_app, paths)
    assert ahead == live
    assert "发现公安布控名单上的人员。" in ahead[paths[0]].decode()
    assert "You scanned sign" in ahead[paths[3]].decode()
    # the stored page read instead of the notice's versions and content: no notice_versions content query
    assert not any("notice_versions.content" in statement for statement in statements)
    assert run_housekeeping()["pages"] == 0  # nothing left to do: safe to run again


def test_a_stored_page_changed_in_the_database_is_never_served(live_site, db, make_app, caplog):
    site, sign = live_site
    run_housekeeping()
    forged = pack(Parts("", "<p>Nothing is recorded here.</p>", "", ""))  # well formed: only its MAC gives it away
    db.session.execute(text("UPDATE notice_pages SET parts = :forged"), {"forged": forged})
    db.session.commit()
    with caplog.at_level(logging.ERROR):
        served = fetch_all(make_app(), pages_of(site, sign.serial))
    assert not any(b"Nothing is recorded here." in body for body in served.values())
    assert all("发现公安布控名单上的人员。".encode() in body or b"Finding people" in body for body in served.values())
    assert "fails its MAC" in caplog.text


def test_a_page_of_another_release_or_secret_is_rendered_live(live_site, db, make_app):
    site, sign = live_site
    run_housekeeping()
    old = pack(Parts('<title>Old title</title>', '<h1 title="Old title">', "", ""))
    db.session.execute(text("UPDATE notice_pages SET parts = :old"), {"old": old})
    db.session.commit()
    other_secret = make_app(SECRET_KEY="another secret")
    served = fetch_all(other_secret, pages_of(site, sign.serial))
    assert not any(b"Old title" in body for body in served.values())
    with other_secret.app_context():  # that release renders its own pages, replacing the others
        assert run_housekeeping()["pages"] == 1
    assert len(stored_rows(db)) == 2


def test_a_new_version_replaces_the_pages_of_the_one_before(live_site, db, owner, settings):
    site, _sign = live_site
    run_housekeeping()
    first = {version_id for version_id, _language in stored_rows(db)}
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings)
    db.session.commit()
    assert run_housekeeping()["pages"] == 1
    rows = stored_rows(db)
    assert len(rows) == 2 and {version_id for version_id, _language in rows}.isdisjoint(first)


@pytest.mark.parametrize("shown, latest", [(3, 3), (2, 3)])
def test_the_links_built_without_url_for_are_the_routes_own(app, shown, latest):
    from flask import url_for

    from signage.notices.pages import page_urls

    with app.test_request_context("/S/ABC", environ_base={"SCRIPT_NAME": "/signage"}):
        assert page_urls("K7P2QX", shown, latest, "a1b2") == {
            "current": url_for("notices.current", code="K7P2QX"),
            "print": url_for("notices.printable", code="K7P2QX", number=shown),
            "css": url_for("static", filename="notice.css", v="a1b2"),
            "receipts": url_for("receipts.lookup"), "consent": url_for("capture.self_service", code="K7P2QX"),
            "ask": url_for("public_requests.file", code="K7P2QX", form="ask"),
            "report": url_for("public_requests.file", code="K7P2QX", form="report"),
            "follow": url_for("public_requests.lookup"), "register": url_for("register.listing"),
            "linked_data": url_for("notices.linked_data", code="K7P2QX", number=shown)}


def test_a_servers_housekeeping_looks_only_at_versions_it_has_not_seen(live_site, db, owner, settings):
    from signage.notices.pages import render_missing_pages
    site, _sign = live_site
    checked = {}
    assert render_missing_pages("assets", checked=checked) == 1
    assert render_missing_pages("assets", checked=checked) == 0 and list(checked.values()) == [1]
    db.session.commit()
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings)
    db.session.commit()
    assert render_missing_pages("assets", checked=checked) == 1  # the new version lies above what it saw
    assert render_missing_pages("assets", checked=checked) == 0 and list(checked.values()) == [2]
    db.session.execute(text("DELETE FROM notice_pages"))
    assert render_missing_pages("assets", checked=checked) == 0  # below it: left to the live render
    assert render_missing_pages("assets") == 1  # a fresh runner (the command) looks at everything


def test_pages_rendered_for_an_app_served_under_a_path_carry_that_path(live_site, db, make_app):
    site, sign = live_site
    under = make_app(PUBLIC_BASE_URL="https://signs.example/signage")
    path = f"/S/{sign.serial}?lang=en"
    live = under.test_client().get(path, base_url="https://signs.example/signage/").get_data()
    with under.app_context():
        assert run_housekeeping()["pages"] == 1
    fresh = make_app(PUBLIC_BASE_URL="https://signs.example/signage")
    served = fresh.test_client().get(path, base_url="https://signs.example/signage/").get_data()
    assert b'href="/signage/static/notice.css' in live
    assert served == live
    at_root = fresh.test_client().get(path).get_data()  # the same app reached without the path: rendered live
    assert b'href="/static/notice.css' in at_root and b"/signage/" not in at_root
