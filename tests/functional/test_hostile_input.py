"""Odd and hostile input gets a clear 4xx, never a 500, and nothing is saved."""
import pytest

from signage.sites.models import Site

HUGE = "9" * 25


@pytest.fixture
def signed_in(client, auth, owner):
    auth.login(owner)
    return client


@pytest.mark.parametrize("path", ["/S/a/b", "/static/nope.css", "/n/x/y/z", "/n/ABCDEFGH/v-1",
                                  f"/n/ABCDEFGH/v{HUGE}", f"/n/ABCDEFGH/v{HUGE}/print"])
def test_unknown_public_paths_answer_404_in_the_public_layout_without_cookies(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
    assert "csrf_token" not in response.get_data(as_text=True)


def test_wrong_method_on_a_public_page_is_405(client, make_site):
    response = client.post(f"/n/{make_site().code}")
    assert response.status_code == 405 and "Set-Cookie" not in response.headers


@pytest.mark.parametrize("form", [
    {"site_name": "x", "geo": "x", "geo.lat": "1"},
    {"site_name": "x", "recipients_third_parties.0": "n", "recipients_third_parties.0.name": "n"},
    {"site_name": "x", "geo.lat": "1", "geo.lat.x": "1"},
])
def test_conflicting_form_keys_are_a_422(signed_in, db, form):
    response = signed_in.post("/sites", data=form)
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


@pytest.mark.parametrize("path", [f"/sites/{HUGE}", f"/sites/{HUGE}/edit"])
def test_huge_ids_are_404_on_the_dashboard(signed_in, path):
    assert signed_in.get(path).status_code == 404


def test_huge_ids_are_404_or_422_in_the_api(client, owner, make_token):
    headers = make_token(owner)
    assert client.get(f"/api/v1/sites/{HUGE}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/audit?subject=sites:{HUGE}", headers=headers).status_code == 422


@pytest.mark.parametrize("name", ["bad \ud800 surrogate", "nul \x00 inside"])
def test_text_no_database_can_store_is_a_422(client, owner, make_token, db, name):
    response = client.post("/api/v1/sites", json={"site_name": name}, headers=make_token(owner))
    assert response.status_code == 422 and "site_name" in response.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


@pytest.mark.parametrize("days", [1.5, "٣", "3 days", True])
def test_retention_must_be_a_plain_whole_number(client, owner, make_token, days):
    response = client.post("/api/v1/sites", json={"site_name": "x", "retention_period_days": days},
                           headers=make_token(owner))
    assert response.status_code == 422 and "retention_period_days" in response.get_json()["errors"]


def test_blank_organisation_fields_are_cleared(signed_in, owner, db):
    response = signed_in.post("/organisation", data={"legal_name": owner.organisation.legal_name,
                                                      "contact_email": "privacy@operator.example",
                                                      "contact_phone": "", "dpo_contact.name": ""})
    assert response.status_code == 302
    db.session.refresh(owner.organisation)
    assert owner.organisation.contact_phone is None and owner.organisation.address is None
    assert owner.organisation.contact_email == "privacy@operator.example"
