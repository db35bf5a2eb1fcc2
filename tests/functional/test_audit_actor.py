"""The audit log filtered by who acted: a user of the organisation, or the system, in the dashboard and the
API; actors are named as users know them, and another organisation's users find nothing."""
import pytest

from signage.sites.services import update_site

from helpers import T0


@pytest.fixture
def two_editors(make_site, make_user, owner, db, settings):
    """A site registered by the owner, changed by an editor named Mei Chen, then by the system."""
    site = make_site()
    editor = make_user("editor", organisation=owner.organisation, name="Mei Chen")
    update_site(site, {"retention_period_days": 9}, by=editor, now=T0, settings=settings)
    update_site(site, {"retention_period_days": 8}, by=None, now=T0, settings=settings)
    db.session.commit()
    return site, editor


def entry_actions(page: str) -> list[str]:
    return [chunk.split("</strong>")[0] for chunk in page.split('<li class="entry">\n  <div class="entry__head">\n'
                                                                 '    <strong>')[1:]]


def test_the_log_shows_only_one_users_entries_and_names_them(client, auth, owner, two_editors):
    site, editor = two_editors
    auth.login(owner)
    everyone = client.get("/audit").get_data(as_text=True)
    assert {"Site registered", "Site changed"} <= set(entry_actions(everyone)) and "by the system" in everyone
    # an entry's actor is a link to that actor's entries, under the name the user has today
    assert f'href="/audit?actor={editor.id}" title="{editor.email}">Mei Chen</a>' in everyone

    by_editor = client.get(f"/audit?actor={editor.id}").get_data(as_text=True)
    assert entry_actions(by_editor) == ["Site changed"] and "by the system" not in by_editor
    assert f'<option value="{editor.id}" selected>Mei Chen</option>' in by_editor

    by_owner = entry_actions(client.get(f"/audit?actor={owner.id}").get_data(as_text=True))
    assert "Site registered" in by_owner and "Site changed" not in by_owner
    by_system = entry_actions(client.get("/audit?actor=system").get_data(as_text=True))
    assert by_system == ["Site changed", "User added", "User added", "Organisation created"]
    assert "Site changed" in entry_actions(client.get(f"/audit?actor={editor.id}&subject=sites:{site.id}")
                                           .get_data(as_text=True))


def test_a_site_page_names_who_changed_it(client, auth, owner, two_editors):
    site, editor = two_editors
    auth.login(owner)
    page = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert f'title="{editor.email}">Mei Chen</a>' in page


def test_the_system_is_named_in_the_readers_language(client, auth, owner, two_editors):
    auth.login(owner)
    client.post("/locale", data={"locale": "zh_Hans"})
    page = client.get("/audit?actor=system").get_data(as_text=True)
    assert "操作人 系统" in page and "the system" not in page


@pytest.mark.parametrize("actor", ["-1", "1.5", "user", "01", "9" * 19, "system;", " 1"])
def test_a_bad_actor_is_refused_naming_the_field(client, auth, owner, actor):
    auth.login(owner)
    response = client.get("/audit", query_string={"actor": actor})
    assert response.status_code == 422 and "actor" in response.get_data(as_text=True).lower()


def test_the_api_filters_by_actor_and_another_organisations_user_finds_nothing(client, make_token, make_user,
                                                                               owner, two_editors):
    site, editor = two_editors
    headers = make_token(owner)
    mine = client.get(f"/api/v1/audit?actor={editor.id}", headers=headers).get_json()
    assert [entry["action"] for entry in mine] == ["site.updated"]
    assert all(entry["actor"]["id"] == editor.id for entry in mine)
    stranger = make_user("owner")
    theirs = client.get(f"/api/v1/audit?actor={editor.id}", headers=make_token(stranger)).get_json()
    assert theirs == []
    assert client.get("/api/v1/audit?actor=nobody", headers=headers).status_code == 422
