"""The site pages as Lin uses them: the form, refusals in plain words, findings and history."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from signage.sites.models import Site
from signage.sites.services import change_status

from helpers import T0, in_chinese


@pytest.fixture
def signed_in(client, auth, owner):
    auth.login(owner)
    return client


def test_form_creates_a_draft_from_sections(signed_in, db):
    response = signed_in.post("/sites", data={"site_name": "East gate", "geo.lat": "31.2", "geo.lng": "121.4",
                                              "jurisdictions": ["", "CN"], "customer_entrances": "Front\nBack\n",
                                              "recipients_third_parties.0.name": "Vendor",
                                              "recipients_third_parties.0.country": "DE",
                                              "recipients_third_parties.1.name": "",
                                              "raw_image_retained": "false", "minors_expected": ""})
    assert response.status_code == 303
    site = db.session.scalars(db.select(Site)).one()
    assert (site.latitude, site.jurisdictions, site.customer_entrances) == (31.2, ["CN"], ["Front", "Back"])
    assert site.recipients_third_parties == [{"name": "Vendor", "country": "DE", "purpose": None,
                                              "for_value": False}]
    assert site.raw_image_retained is False and site.minors_expected is None


def test_bad_form_input_is_shown_beside_the_field_and_nothing_saved(signed_in, db):
    response = signed_in.post("/sites", data={"site_name": "East gate", "retention_period_days": "-4",
                                              "geo.lat": "123", "geo.lng": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a number of days from 1 to 3650." in page and 'href="#field-retention_period_days"' in page
    assert "Latitude:</span> Enter a number from -90 to 90." in page
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0


def test_refusal_names_rule_source_and_field(signed_in, make_site, make_sign):
    site = make_site(purpose="marketing_analytics")
    make_sign(site)
    response = signed_in.post(f"/sites/{site.id}/status", data={"status": "active"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "CN-PUBLIC-PURPOSE" in page and "only where needed for public security" in page
    ban = page[page.index('class="refusal__ban"'):page.index("</div>", page.index('class="refusal__ban"'))]
    assert "This cannot be made lawful here" in ban and "PIPL 26" in ban
    assert "#field-purpose" not in page[page.index('class="refusal"'):page.index("</section>")]  # no "fix" for a ban


def test_refusal_lists_what_to_fill_in_as_one_checklist_and_links_each_other_error_to_its_field(
        signed_in, make_site, make_sign):
    site = make_site(retention_period_days=None, security_measures=[], text_translations=None)
    make_sign(site)
    page = signed_in.post(f"/sites/{site.id}/status", data={"status": "active"}).get_data(as_text=True)
    refusal = page[page.index('class="refusal"'):page.index("</section>")]
    assert "things to fill in before going live" in refusal
    assert f"/sites/{site.id}/edit#field-security_measures" in refusal  # REQUIRED-FIELD, in the checklist
    assert f"/sites/{site.id}/edit#group-purpose_text" in refusal and "(Chinese)" in refusal  # SIGN-LANGUAGE
    assert f"/sites/{site.id}/edit#field-retention_period_days" in refusal  # ANY-RETENTION, an error of its own
    assert "This cannot be made lawful here" not in refusal


def test_refusal_reads_in_chinese(signed_in, make_site, make_sign, db, owner):
    signed_in.post("/locale", data={"locale": "zh_Hans"})
    site = make_site(purpose="marketing_analytics")
    make_sign(site)
    page = signed_in.post(f"/sites/{site.id}/status", data={"status": "active"}).get_data(as_text=True)
    assert "公共场所" in page and "CN-PUBLIC-PURPOSE" in page


def test_edit_of_active_site_that_breaks_a_rule_is_refused(signed_in, make_site, make_sign, owner, db, settings):
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    from helpers import form_values
    form = signed_in.get(f"/sites/{site.id}/edit")
    assert form.status_code == 200 and "North gate" in form.get_data(as_text=True)
    response = signed_in.post(f"/sites/{site.id}", data=edited(form_values(form.get_data(as_text=True)),
                                                               retention_period_days=""))
    assert response.status_code == 409 and "ANY-RETENTION" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Site, site.id).retention_period_days == 7


def test_detail_shows_findings_and_history(signed_in, make_site, owner, settings, db):
    from signage.sites.services import update_site
    site = make_site(storage_mode="cloud")
    update_site(site, {"retention_period_days": 5}, by=owner, now=T0, settings=settings)
    db.session.commit()
    page = signed_in.get(f"/sites/{site.id}").get_data(as_text=True)
    assert "CN-INTERNET-TRANSFER" in page
    assert owner.email in page
    assert re.search(r'<span class="before">7[^<]*</span> <span aria-label="changed to">→</span> '
                     r'<span class="after">5[^<]*</span>', page)
    signed_in.post(f"/sites/{site.id}/acknowledgements", data={"rule_id": "CN-INTERNET-TRANSFER", "note": "ok"})
    from signage.audit.services import entries_for
    assert entries_for("sites", site.id)[0]["action"] == "site.finding_acknowledged"


def test_auditor_sees_history_and_verifies_but_cannot_edit(client, auth, make_user, make_site, owner):
    site = make_site()
    auditor = make_user("auditor", organisation=owner.organisation)
    auth.login(auditor)
    assert client.get(f"/sites/{site.id}").status_code == 200
    assert client.get(f"/sites/{site.id}/edit").status_code == 403
    assert client.post(f"/sites/{site.id}/status", data={"status": "active"}).status_code == 403
    page = client.get("/audit/verify").get_data(as_text=True)
    assert "site.registered" in page or "registered" in page.lower()
    assert "intact" in page.lower()


def test_dashboard_home_counts_sites_by_status(signed_in, make_site):
    make_site()
    make_site(site_name="Second")
    page = signed_in.get("/").get_data(as_text=True)
    assert '<li class="tile tile--draft"><a href="/sites?status=draft"><span class="tile__count">2</span>' in page


def test_home_shows_refused_sites_with_each_rule_and_its_source(signed_in, make_site):
    make_site(site_name="Changing room", venue_class="private_space", private_space_type="changing_room")
    page = signed_in.get("/").get_data(as_text=True)
    assert "Sites refused by a rule" in page and "Changing room" in page
    # the citation, though a stored summary keeps only rule ids
    assert '<span class="rule">CN-PRIVATE-SPACE</span> · CN Measures Art 13' in page


def test_home_lists_signs_to_reprint_and_filing_due_dates(signed_in, make_site, make_sign, owner, db, settings,
                                                          runner):
    from signage.auth.services import update_organisation
    from signage.sites.services import update_site
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)  # a filing is due of a live site
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings)
    update_organisation(owner.organisation, {"stored_individuals_count": 120_000}, by=owner, now=T0,
                        settings=settings)
    db.session.commit()
    assert "Applying a change of the operator" in signed_in.get("/").get_data(as_text=True)
    assert runner.invoke(args=["housekeeping"]).exit_code == 0
    page = signed_in.get("/").get_data(as_text=True)
    assert "Applying a change of the operator" not in page
    assert "Signs to reprint" in page and sign.serial in page
    from signage.rules.workdays import add_working_days
    assert "Duties due this month" in page and add_working_days(T0.date(), 30).on.isoformat() in page


def test_operator_details_change_republishes_notices_and_flags_signs(make_site, make_sign, owner, db, settings,
                                                                     runner):
    from signage.auth.services import update_organisation
    from signage.notices.services import latest_version
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    update_organisation(owner.organisation, {"contact_phone": "+86 21 0000 0000"}, by=owner, now=T0,
                        settings=settings)
    db.session.commit()
    assert latest_version(site).number == 1  # saved at once; the sites take it in with housekeeping
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "operator_changed: 1/1" in result.output
    assert latest_version(site).number == 2
    assert latest_version(site).content["operator"]["phone"] == "+86 21 0000 0000"
    db.session.refresh(sign)
    assert sign.stale_fields == ["operator"] and sign.stale_since is not None


def test_a_sign_issued_while_the_operator_change_is_under_way_is_not_flagged(make_site, make_sign, owner, db,
                                                                            settings, runner):
    from signage.auth.services import update_organisation
    from signage.signs.services import issue_sign
    site = make_site()
    before = make_sign(site)  # issued at T0
    update_organisation(owner.organisation, {"contact_phone": "+86 21 0000 0000"}, by=owner,
                        now=T0 + timedelta(minutes=1), settings=settings)
    db.session.commit()
    after = issue_sign(site, {"placement": "South entrance", "size": "A4", "languages": ["zh-Hans", "en"]},
                       by=owner, now=T0 + timedelta(hours=1), settings=settings)  # prints the new phone number
    db.session.commit()
    assert runner.invoke(args=["housekeeping"]).exit_code == 0
    db.session.refresh(before)
    db.session.refresh(after)
    assert before.stale_fields == ["operator"] and after.stale_since is None


@pytest.fixture
def breaking_job(owner, db):
    """A kind of job whose handler fails while `failing` says so: a batch that meets an error."""
    from signage.jobs.services import HANDLERS, register_handler, start_job
    state = {"failing": True, "calls": 0}

    def handle(job, ids, now, settings):
        state["calls"] += 1
        if state["failing"]:
            raise RuntimeError("this batch breaks")

    register_handler("breaking_in_test", lambda organisation_id, after, limit: [] if after else [1], handle)
    state["job"] = start_job(owner.organisation_id, "breaking_in_test", {}, total=1, now=T0)
    db.session.commit()
    yield state
    HANDLERS.pop("breaking_in_test")


def test_a_batch_that_fails_once_is_tried_again_by_the_next_run_while_the_others_finish(
        make_site, make_sign, owner, db, settings, runner, breaking_job):
    from signage.auth.services import update_organisation
    from signage.jobs.models import Job
    from signage.notices.services import latest_version
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    update_organisation(owner.organisation, {"contact_phone": "+86 21 0000 0000"}, by=owner, now=T0,
                        settings=settings)
    db.session.commit()
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 1 and "1 job batches failed in this run and 0 jobs are set aside" in result.output
    assert latest_version(site).number == 2  # the operator change, queued after it, went through all the same
    db.session.expire_all()
    job = db.session.get(Job, breaking_job["job"].id)
    assert (job.state, job.attempts, breaking_job["calls"]) == ("pending", 1, 1)  # once per run, not in a loop
    breaking_job["failing"] = False  # the database is back, say
    assert runner.invoke(args=["housekeeping"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == "done"


def test_a_batch_that_keeps_failing_is_set_aside_shown_and_resumed_once_fixed(signed_in, db, runner, breaking_job):
    from signage.jobs.models import MAX_ATTEMPTS, Job
    for _run in range(MAX_ATTEMPTS):
        assert runner.invoke(args=["housekeeping"]).exit_code == 1
    db.session.expire_all()
    job_id = breaking_job["job"].id
    assert db.session.get(Job, job_id).state == "failed" and breaking_job["calls"] == MAX_ATTEMPTS
    result = runner.invoke(args=["housekeeping"])  # nothing fails in this run, yet a job waits for a person
    assert result.exit_code == 1 and "0 job batches failed in this run and 1 jobs are set aside" in result.output
    assert breaking_job["calls"] == MAX_ATTEMPTS
    assert "stopped at an error after 0 of 1 sites" in signed_in.get("/").get_data(as_text=True)
    breaking_job["failing"] = False
    result = runner.invoke(args=["housekeeping", "--retry-failed"])
    assert result.exit_code == 0 and "1 failed jobs back to work" in result.output
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == "done"
    assert "stopped at an error" not in signed_in.get("/").get_data(as_text=True)


def test_operator_address_change_republishes_but_keeps_signs(make_site, make_sign, owner, db, settings, client,
                                                             runner):
    from signage.auth.services import update_organisation
    from signage.notices.services import latest_version
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    update_organisation(owner.organisation, {"address": "2 New Road, Shanghai"}, by=owner, now=T0, settings=settings)
    db.session.commit()
    runner.invoke(args=["housekeeping"])
    db.session.commit()
    assert latest_version(site).number == 2
    db.session.refresh(sign)
    assert sign.stale_since is None  # the address is not printed on signs
    page = client.get(f"/S/{sign.serial}?lang=en").get_data(as_text=True)
    assert "printed with notice version 1" in page and "still right" in page and "outdated" not in page


def _site_names(page: str) -> set[str]:
    return set(re.findall(r'<a class="cell-title" href="/sites/\d+">([^<]+)</a>', page))


def test_the_filter_form_as_sent_with_any_left_empty_filters_by_what_was_chosen(signed_in, make_site):
    make_site(site_name="North gate", address="1 North Road")
    make_site(site_name="Office lobby", jurisdictions=["US-NY-NYC"], address="5 Broadway")
    everything = signed_in.get("/sites?q=&status=&jurisdiction=")
    assert everything.status_code == 200
    assert {"North gate", "Office lobby"} <= _site_names(everything.get_data(as_text=True))
    chosen = signed_in.get("/sites?q=North&status=draft&jurisdiction=CN").get_data(as_text=True)
    assert "North gate" in _site_names(chosen) and "Office lobby" not in _site_names(chosen)


def test_the_pager_keeps_the_filters_and_leaves_out_empty_ones(signed_in, make_site):
    for name in ("Gate A", "Gate B", "Office"):
        make_site(site_name=name)
    first = signed_in.get("/sites?limit=1&q=Gate&status=&jurisdiction=").get_data(as_text=True)
    next_url = re.search(r'<a class="btn btn--quiet" rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert next_url.startswith("/sites?") and "q=Gate" in next_url and "limit=1" in next_url
    assert "status=" not in next_url and "jurisdiction=" not in next_url
    second = signed_in.get(next_url).get_data(as_text=True)
    assert _site_names(first) | _site_names(second) == {"Gate A", "Gate B"}


def test_the_verification_page_pages_through_the_audit_log_whatever_its_query(client, auth, make_user, make_site,
                                                                              owner):
    for number in range(51):  # an entry each: more than a page of the log
        make_site(site_name=f"Site {number}")
    auth.login(make_user("auditor", organisation=owner.organisation))
    response = client.get("/audit/verify?endpoint=sites.index&_scheme=gopher&_external=1&cursor=x")
    assert response.status_code == 200
    next_url = re.search(r'rel="next" href="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert next_url.startswith("/audit?cursor=") and "gopher" not in next_url and "endpoint" not in next_url
    assert client.get(next_url.replace("&amp;", "&")).status_code == 200


def test_what_needs_attention_is_counted_and_listed_alike_for_live_sites(signed_in, make_site, owner, db, settings):
    refused = [make_site(site_name=f"Changing room {n}", venue_class="private_space",
                         private_space_type="changing_room") for n in range(2)]
    change_status(refused[1], "decommissioned", reason="closed", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert db.session.get(Site, refused[1].id).blocking  # still refused by a rule, but no longer anyone's duty
    home = signed_in.get("/").get_data(as_text=True)
    refused_section = home.split('aria-labelledby="blocked"', 1)[1].split("</section>", 1)[0]
    assert "Changing room 0" in refused_section and "Changing room 1" not in refused_section
    # the closed site is still on the calendar: its face data must be purged once its retention has run
    assert "Delete the face data of the closed site" in home
    listed = _site_names(signed_in.get("/sites?blocking=true").get_data(as_text=True))
    assert listed == {"Changing room 0"}
    assert _site_names(signed_in.get("/sites?blocking=true&status=decommissioned").get_data(as_text=True)) == {
        "Changing room 1"}


@pytest.mark.parametrize("path", ["/sites", "/sites?status=draft", "/audit", "/users", "/tokens", "/signs/reprint"])
def test_a_list_asked_for_in_a_language_shows_in_it(signed_in, make_site, path):
    make_site()
    response = signed_in.get(path + ("&" if "?" in path else "?") + "lang=zh-Hans")
    assert response.status_code == 200 and '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_each_action_says_what_it_did_and_the_site_page_links_its_notice(signed_in, owner, db):
    created = signed_in.post("/sites", data={"site_name": "East gate", "geo.lat": "31.2", "geo.lng": "121.4",
                                             "jurisdictions": "CN"}, follow_redirects=True)
    assert "Draft saved. Nothing is public until the site is activated." in created.get_data(as_text=True)
    site = db.session.scalar(db.select(Site).where(Site.site_name == "East gate"))
    from signage.signs.models import Sign
    from helpers import SITE_DEFAULTS
    from signage.sites.services import update_site
    from signage.config import pack_settings
    update_site(site, {key: value for key, value in SITE_DEFAULTS.items() if key != "site_name"}, by=owner, now=T0,
                settings=pack_settings())
    db.session.commit()
    issued = signed_in.post(f"/sites/{site.id}/signs", data={"placement": "Gate", "size": "A4"},
                            follow_redirects=True).get_data(as_text=True)
    serial = db.session.scalar(db.select(Sign.serial).where(Sign.site_id == site.id))
    assert f"Sign {serial} issued for Gate: download it, print it and put it up." in issued
    live = signed_in.post(f"/sites/{site.id}/status", data={"status": "active"}, follow_redirects=True)
    page = live.get_data(as_text=True)
    assert "The site is live: its notice is public and its signs can go up." in page
    assert f'href="/n/{site.code}"' in page and f'href="/n/{site.code}/v1"' in page
    up = signed_in.post(f"/signs/{serial}/status", data={"status": "installed"}, follow_redirects=True)
    assert f"Sign {serial} is up." in up.get_data(as_text=True)
    again = signed_in.post(f"/signs/{serial}/reprint", follow_redirects=True).get_data(as_text=True)
    assert f"replaces {serial}, now retired" in again
    zh = signed_in.post(f"/sites/{site.id}/status?lang=zh-Hans", data={"status": "suspended"}, follow_redirects=True)
    assert "已暂停：告知书现在说明此处的人脸识别已关闭。" in zh.get_data(as_text=True)  # in the reader's language


def test_the_organisations_names_in_chinese_reach_the_chinese_notice_and_sign_line(
        client, auth, make_site, make_sign, owner, db, settings, runner):
    from helpers import pdf_text
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    auth.login(owner)
    form = {"legal_name": owner.organisation.legal_name, "contact_email": "privacy@operator.example",
            "name_translations.zh-Hans.legal_name": "示范运营有限公司",
            "name_translations.zh-Hans.address": "上海市示范路1号"}
    assert client.post("/organisation", data=form).status_code in (302, 303)
    assert runner.invoke(args=["housekeeping"]).exit_code == 0  # the sites take the change in

    chinese = client.get(f"/n/{site.code}?lang=zh-Hans").get_data(as_text=True)
    english = client.get(f"/n/{site.code}?lang=en").get_data(as_text=True)
    assert "示范运营有限公司" in chinese and "上海市示范路1号" in chinese
    assert "示范运营有限公司" not in english and owner.organisation.legal_name in english
    reprint = client.post(f"/signs/{sign.serial}/reprint")
    assert reprint.status_code in (302, 303)
    db.session.rollback()
    from signage.signs.models import Sign
    new = db.session.scalars(select(Sign).where(Sign.site_id == site.id, Sign.status != "retired")).one()
    text = pdf_text(client.get(f"/signs/{new.serial}.pdf").data)
    assert "处理者：示范运营有限公司" in text and f"Personal information handler: {owner.organisation.legal_name}" in text


def edited(form, *added, **changes):
    """Return the form with some fields set to new values and some added, as a user typing would."""
    from werkzeug.datastructures import MultiDict
    return MultiDict([(name, changes.get(name, value)) for name, value in form.items(multi=True)] + list(added))


def test_an_edit_to_a_live_site_says_what_it_will_publish_and_flag_and_saves_only_when_confirmed(
        signed_in, make_site, make_sign, owner, db, settings):
    from helpers import form_values
    from signage.audit.services import entries_for
    from signage.notices.services import latest_version
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    pairs = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    change = edited(pairs, purpose_text="Finding missing children.",
                    _reason="Police request 17", **{"text_translations.zh-Hans.purpose_text": "寻找走失儿童。"})

    preview = signed_in.post(f"/sites/{site.id}", data=change)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Check what saving will do" in page
    assert "Notice version 2 is published at once" in page and sign.serial in page
    db.session.expire_all()
    assert latest_version(site).number == 1 and entries_for("sites", site.id)[0]["action"] != "site.updated"

    confirmed = form_values(page)
    assert confirmed.get("_confirmed") and confirmed.get("_reason") == "Police request 17"  # kept for the save
    saved = signed_in.post(f"/sites/{site.id}", data=confirmed)
    assert saved.status_code == 303
    db.session.expire_all()
    assert latest_version(site).number == 2
    entry = entries_for("sites", site.id)[0]
    assert entry["action"] == "site.updated" and entry["reason"] == "Police request 17"
    db.session.refresh(sign)
    assert sign.stale_since is not None


def test_a_confirmation_saves_only_the_change_it_previewed(signed_in, make_site, make_sign, owner, db, settings):
    from helpers import form_values
    from signage.notices.services import latest_version
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    pairs = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    page = signed_in.post(f"/sites/{site.id}", data=edited(pairs, retention_period_days="5")).get_data(as_text=True)
    confirmed = edited(form_values(page), retention_period_days="3")  # changed again after the preview
    again = signed_in.post(f"/sites/{site.id}", data=confirmed)
    assert again.status_code == 200 and "Check what saving will do" in again.get_data(as_text=True)
    db.session.expire_all()
    assert latest_version(site).number == 1


def test_a_live_edit_nobody_outside_sees_saves_at_once_with_its_reason(signed_in, make_site, make_sign, owner, db,
                                                                      settings):
    from helpers import form_values
    from signage.audit.services import entries_for
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    pairs = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    saved = signed_in.post(f"/sites/{site.id}", data=edited(pairs, _reason="New PIA", pia_version="2"))
    assert saved.status_code == 303
    entry = entries_for("sites", site.id)[0]
    assert entry["changes"] == {"pia_version": ["1", "2"]} and entry["reason"] == "New PIA"


def test_saving_a_form_unchanged_logs_nothing(signed_in, make_site, db):
    from helpers import form_values
    from signage.audit.services import entries_for
    site = make_site()
    before = len(entries_for("sites", site.id))
    pairs = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    assert signed_in.post(f"/sites/{site.id}", data=pairs).status_code == 303
    assert len(entries_for("sites", site.id)) == before


def test_registering_asks_the_jurisdictions_first_and_shows_only_their_fields(signed_in):
    start = signed_in.get("/sites/new").get_data(as_text=True)
    assert 'name="jurisdictions"' in start and 'name="site_name"' not in start
    cn = signed_in.get("/sites/new?jurisdictions=CN").get_data(as_text=True)
    assert 'name="legal_basis_cn"' in cn and 'name="filing.status"' in cn
    for other in ("gdpr_art6_basis", "portland_exception", "nyc_establishment_type", "logs_retention_days"):
        assert f'name="{other}"' not in cn
    both = signed_in.get("/sites/new?jurisdictions=CN&jurisdictions=EU").get_data(as_text=True)
    assert 'name="gdpr_art6_basis"' in both and 'name="legal_basis_cn"' in both


def test_ticking_another_jurisdiction_shows_its_fields_without_saving_or_losing_what_was_typed(signed_in, db):
    from helpers import form_values
    form = form_values(signed_in.get("/sites/new?jurisdictions=CN").get_data(as_text=True))
    form["site_name"] = "Harbour gate"
    form.add("jurisdictions", "US-NYC")
    form["_refresh"] = "1"
    page = signed_in.post("/sites", data=form).get_data(as_text=True)
    assert 'name="nyc_establishment_type"' in page and 'value="Harbour gate"' in page
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0


def test_saving_a_form_that_hid_another_jurisdictions_fields_keeps_their_values(signed_in, make_site, db):
    from helpers import form_values
    site = make_site(jurisdictions=["CN"], gdpr_art6_basis=None, legitimate_interest_text=None)
    from signage.sites.services import update_site
    from signage.rules.packs import PackSettings
    update_site(site, {"legitimate_interest_text": "Keeping the lobby safe.",
                       "text_translations": {"zh-Hans": {**site.text_translations["zh-Hans"],
                                                         "legitimate_interest_text": "保障大堂安全。"}}},
                by=site.organisation.users[0], now=T0, settings=PackSettings())
    db.session.commit()
    page = signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert 'name="legitimate_interest_text"' in page  # it holds a value: shown though CN does not ask for it
    assert 'name="gdpr_art6_basis"' not in page
    form = edited(form_values(page), pia_version="3")
    assert signed_in.post(f"/sites/{site.id}", data=form).status_code == 303
    db.session.expire_all()
    kept = db.session.get(Site, site.id)
    assert kept.pia_version == "3" and kept.legitimate_interest_text == "Keeping the lobby safe."
    assert kept.text_translations["zh-Hans"]["legitimate_interest_text"] == "保障大堂安全。"


def test_a_sites_history_holds_its_signs_and_notice_versions_in_readable_words(signed_in, make_site, make_sign,
                                                                               owner, db, settings):
    site = make_site()
    sign = make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    from signage.sites.services import update_site
    update_site(site, {"retention_period_days": 5}, by=owner, now=T0, settings=settings)
    db.session.commit()
    page = signed_in.get(f"/sites/{site.id}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert f"Sign {sign.serial}" in history and "Sign issued" in history
    assert "Notice v1" in history and "Notice published" in history
    assert "Sign flagged for reprint" in history and "Retention period (days)" in history
    assert "retention_period_days" not in history

    whole = signed_in.get(f"/audit?subject=sites:{site.id}").get_data(as_text=True)
    assert f"Sign {sign.serial}" in whole and "Notice v1" in whole
    # each links to where it lives: the sign's row and the notice versions on the site's page
    assert f'<a href="/sites/{site.id}#sign-{sign.serial}">Sign {sign.serial}</a>' in whole
    assert f'<a href="/sites/{site.id}#notices-title">Notice v1</a>' in whole
    only = signed_in.get(f"/audit?subject=sites:{site.id}&action=sign.issued").get_data(as_text=True)
    assert "Sign issued" in only and "Notice published</strong>" not in only
    later = signed_in.get("/audit?since=2026-11-03").get_data(as_text=True)
    assert "No entries yet." in later  # everything happened on 2026-11-02
    backwards = signed_in.get("/audit?since=2026-11-03&until=2026-11-01")
    assert backwards.status_code == 200 and "No entries yet." in backwards.get_data(as_text=True)
    assert signed_in.get("/audit?action=site.exploded").status_code == 422


def test_clearing_a_field_shown_only_for_its_value_clears_it_through_the_preview(signed_in, make_site, make_sign,
                                                                                owner, db, settings):
    from helpers import form_values
    from signage.sites.services import update_site
    site = make_site(jurisdictions=["CN"])
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    update_site(site, {"automated_decisions": True, "automated_decisions_text": "Gates open by themselves.",
                       "text_translations": in_chinese(automated_decisions_text="闸机自动开启。")},
                by=owner, now=T0, settings=settings)
    db.session.commit()
    form = form_values(signed_in.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    cleared = edited(form, automated_decisions="false", automated_decisions_text="",
                     **{"text_translations.zh-Hans.automated_decisions_text": ""})
    page = signed_in.post(f"/sites/{site.id}", data=cleared).get_data(as_text=True)
    assert "Check what saving will do" in page and 'name="automated_decisions_text"' in page
    assert signed_in.post(f"/sites/{site.id}", data=form_values(page)).status_code == 303
    db.session.expire_all()
    kept = db.session.get(Site, site.id)
    assert kept.automated_decisions is False and kept.automated_decisions_text is None
    assert "automated_decisions_text" not in kept.text_translations["zh-Hans"]


def test_giving_only_the_organisations_chinese_name_republishes_its_notices(make_site, make_sign, owner, db,
                                                                           settings, runner):
    from signage.auth.services import update_organisation
    from signage.notices.services import latest_version
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    update_organisation(owner.organisation, {"name_translations": {"zh-Hans": {"legal_name": "示范运营有限公司"}}},
                        by=owner, now=T0, settings=settings)
    db.session.commit()
    assert runner.invoke(args=["housekeeping"]).exit_code == 0
    assert latest_version(site).number == 2
    assert latest_version(site).content["operator"]["name_translations"]["zh-Hans"]["legal_name"] == "示范运营有限公司"


def test_the_audit_range_takes_the_first_and_last_days_there_are(signed_in, make_site):
    make_site()
    for query in ("since=0001-01-01&until=9999-12-31", "since=9999-12-31", "until=0001-01-01"):
        assert signed_in.get(f"/audit?{query}").status_code == 200, query
