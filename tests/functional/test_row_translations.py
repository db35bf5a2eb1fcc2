"""Rows written in each language through the dashboard and the API: a secondary use and a recipient, side by
side in the form, refused for activation while a sentence lacks a language, and read by each reader in their
own language on the public notice."""
import pytest

from signage.sites.models import Site
from signage.sites.services import change_status

from helpers import T0, form_values


@pytest.fixture
def signed_in(client, auth, owner):
    auth.login(owner)
    return client


USE = {"use": "Face entry at the gates", "consent_mode": "separate_consent",
       "text_translations": {"zh-Hans": {"use": "刷脸进站"}}}
RECIPIENT = {"name": "Shanghai Metro Police", "country": "CN", "purpose": "checking watch-list matches",
             "for_value": False,
             "text_translations": {"zh-Hans": {"name": "上海市公安局轨道交通分局", "purpose": "核对布控名单的比中结果"}}}


def test_the_form_takes_a_rows_words_in_both_languages_side_by_side(signed_in, make_site, db):
    site = make_site()
    form = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    form.update({"secondary_uses.0.use": "Face entry at the gates", "secondary_uses.0.consent_mode": "separate_consent",
                 "secondary_uses.0.text_translations.zh-Hans.use": "刷脸进站",
                 "recipients_third_parties.0.name": "Shanghai Metro Police",
                 "recipients_third_parties.0.country": "CN",
                 "recipients_third_parties.0.purpose": "checking watch-list matches",
                 "recipients_third_parties.0.text_translations.zh-Hans.purpose": "核对布控名单的比中结果"})
    response = signed_in.post(f"/sites/{site.id}", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    stored = db.session.get(Site, site.id)
    assert stored.secondary_uses == [USE]
    assert stored.recipients_third_parties[0]["text_translations"] == {"zh-Hans": {"purpose": "核对布控名单的比中结果"}}
    page = signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    # each language has its own box, labelled in its language, and shows what was saved
    assert 'name="secondary_uses.0.text_translations.zh-Hans.use" value="刷脸进站"' in page
    assert 'name="secondary_uses.0.use" value="Face entry at the gates"' in page
    assert '<div class="pair__item" lang="zh-Hans">' in page
    assert 'name="recipients_third_parties.0.text_translations.zh-Hans.name"' in page


def test_a_row_sentence_missing_a_language_blocks_activation_naming_the_list(signed_in, make_site, make_sign):
    site = make_site(secondary_uses=[{"use": "Face entry at the gates", "consent_mode": "separate_consent"}])
    make_sign(site)
    response = signed_in.post(f"/sites/{site.id}/status", data={"status": "active"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "SIGN-LANGUAGE" in page and "Other uses of the images" in page and "Chinese" in page
    assert 'href="/sites/%d/edit#field-secondary_uses"' % site.id in page


def test_each_reader_reads_the_rows_in_their_own_language(client, make_site, make_sign, owner, settings, db):
    site = make_site(secondary_uses=[USE], recipients_third_parties=[RECIPIENT])
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    chinese = client.get(f"/n/{site.code}?lang=zh-Hans").get_data(as_text=True)
    assert "刷脸进站，仅在取得你的单独同意后" in chinese
    assert "上海市公安局轨道交通分局（CN），用于核对布控名单的比中结果" in chinese
    assert "Face entry" not in chinese and "watch-list" not in chinese and "Shanghai Metro Police" not in chinese
    english = client.get(f"/n/{site.code}?lang=en").get_data(as_text=True)
    assert "Face entry at the gates, only with your separate consent" in english
    assert "Shanghai Metro Police (CN), for checking watch-list matches" in english
    assert "刷脸" not in english and "核对" not in english


@pytest.mark.parametrize("row, field", [
    ({**USE, "text_translations": {"fr": {"use": "Entrée"}}}, "secondary_uses"),
    ({**USE, "text_translations": {"zh-Hans": {"use": "x" * 501}}}, "secondary_uses"),
    ({**USE, "text_translations": {"zh-Hans": {"purpose": "不是这一行的字段"}}}, "secondary_uses"),
    ({**USE, "text_translations": "刷脸进站"}, "secondary_uses"),
])
def test_the_api_refuses_a_bad_row_translation_naming_the_field(client, make_token, owner, make_site, row, field,
                                                                db):
    site = make_site()
    response = client.patch(f"/api/v1/sites/{site.id}", json={"secondary_uses": [row]}, headers=make_token(owner))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Site, site.id).secondary_uses == []


def test_the_audit_log_reads_a_rows_words_and_choices_in_the_readers_language(signed_in, make_site, make_sign, db):
    site = make_site(secondary_uses=[USE], recipients_third_parties=[RECIPIENT])
    make_sign(site)
    page = signed_in.get(f"/audit?subject=sites:{site.id}").get_data(as_text=True)
    uses = page[page.index("<dt>Other uses of the images</dt>"):]
    uses = uses[:uses.index("</dd>")]
    assert "Use: Face entry at the gates" in uses and "Consent: Separate consent" in uses
    assert "Chinese: Use: 刷脸进站" in uses and "separate_consent" not in uses and "use:" not in uses
    recipients = page[page.index("<dt>Recipients and third parties</dt>"):]
    recipients = recipients[:recipients.index("</dd>")]
    assert "Why they receive it: 核对布控名单的比中结果" in recipients and "Purpose" not in recipients
    signs = page[page.index("<dt>Languages</dt>"):]
    assert signs[:signs.index("</dd>")].count("Chinese") == 1 and "zh-Hans" not in signs[:signs.index("</dd>")]


@pytest.mark.parametrize("body", [
    {"secondary_uses": [{**USE, "text_translations": {**USE["text_translations"], "en": None}}]},
    {"secondary_uses": [{**USE, "text_translations": {**USE["text_translations"], "en": {"use": None}}}]},
    {"secondary_uses": [USE], "text_translations": {"en": None}},
])
def test_an_api_edit_that_says_nothing_new_publishes_nothing(client, make_token, owner, make_site, make_sign,
                                                            settings, db, body):
    from signage.notices.services import latest_version
    site = make_site(secondary_uses=[USE])
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    if "text_translations" in body:  # the site's own translations, given again with an empty language
        body = {**body, "text_translations": {**site.text_translations, **body["text_translations"]}}
    response = client.patch(f"/api/v1/sites/{site.id}", json=body, headers=make_token(owner))
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    assert latest_version(db.session.get(Site, site.id)).number == 1
