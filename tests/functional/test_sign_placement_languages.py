"""A sign's placement in each language: given in the issue form or the API, printed in the footer in the
sign's first language, shown to whoever scans it in theirs, and as written where a language has none."""
import pytest

from signage.audit.services import entries_for
from signage.signs.models import Sign

from helpers import pdf_text


@pytest.fixture
def signed_in(client, auth, owner):
    auth.login(owner)
    return client


def test_the_issue_form_takes_the_placement_in_each_language(signed_in, make_site, db):
    site = make_site()
    form = signed_in.get(f"/sites/{site.id}/signs/new").get_data(as_text=True)
    assert 'name="text_translations.zh-Hans.placement"' in form and 'name="text_translations.en.placement"' in form
    response = signed_in.post(f"/sites/{site.id}/signs", data={
        "placement": "East exit", "text_translations.zh-Hans.placement": " 东出口 ",
        "text_translations.en.placement": "", "size": "A4", "languages": ["zh-Hans", "en"]})
    assert response.status_code == 303
    sign = db.session.scalars(db.select(Sign)).one()
    assert (sign.placement, sign.text_translations) == ("East exit", {"zh-Hans": {"placement": "东出口"}})
    entry = entries_for("signs", sign.id)[0]
    assert entry["changes"]["text_translations"] == [None, {"zh-Hans": {"placement": "东出口"}}]
    # the footer, for the installer, is in the sign's first language
    assert "东出口 · 标识" in pdf_text(signed_in.get(f"/signs/{sign.serial}.pdf").data)
    assert "东出口" in signed_in.get(f"/sites/{site.id}").get_data(as_text=True)


def test_whoever_scans_reads_the_placement_in_their_language_or_as_written(client, make_site, make_sign):
    site = make_site()
    sign = make_sign(site, placement="East exit", text_translations={"zh-Hans": {"placement": "东出口"}})
    plain = make_sign(site, placement="Gate B")
    assert "It should hang at: East exit." in client.get(f"/S/{sign.serial}?lang=en").get_data(as_text=True)
    chinese = client.get(f"/S/{sign.serial}?lang=zh-Hans").get_data(as_text=True)
    assert "东出口" in chinese and "East exit" not in chinese
    assert "Gate B" in client.get(f"/S/{plain.serial}?lang=zh-Hans").get_data(as_text=True)


def test_a_reprint_keeps_the_placement_in_each_language(client, make_token, owner, make_site, make_sign, db):
    site = make_site()
    sign = make_sign(site, placement="East exit", text_translations={"zh-Hans": {"placement": "东出口"}})
    headers = make_token(owner)
    new = client.post(f"/api/v1/signs/{sign.serial}/reprint", headers=headers).get_json()
    assert new["text_translations"] == {"zh-Hans": {"placement": "东出口"}} and new["placement"] == "East exit"


@pytest.mark.parametrize("translations", [{"fr": {"placement": "Sortie est"}}, {"zh-Hans": {"placement": " "}},
                                          {"zh-Hans": {"placement": "x" * 101}}, {"zh-Hans": "东出口"},
                                          {"zh-Hans": {"placement": "东\u0000出口"}}])
def test_the_api_refuses_a_bad_placement_translation_naming_the_field(client, make_token, owner, make_site, db,
                                                                      translations):
    site = make_site()
    response = client.post(f"/api/v1/sites/{site.id}/signs", json={"placement": "East exit",
                                                                   "text_translations": translations},
                           headers=make_token(owner))
    assert response.status_code == 422
    assert all(name.startswith("text_translations") for name in response.get_json()["errors"])
    assert db.session.scalar(db.select(db.func.count(Sign.id))) == 0
