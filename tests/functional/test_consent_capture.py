"""Consent captured without an account, as a person at a front-desk tablet or on their phone goes through it:
the kiosk link, one question a screen, the guardian's path, self-service from the notice, and the receipt."""
import re

import pytest
from sqlalchemy import func, select

from signage.audit.models import AuditEntry
from signage.consent.models import ConsentRecord


def fields_of(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def step(client, url, page, **answers):
    response = client.post(url, data={**fields_of(page), **answers})
    return response, response.get_data(as_text=True)


@pytest.fixture
def kiosk_url(client, auth, owner, gym_site):
    auth.login(owner)
    made = client.post("/consents/channels", data={"site_id": gym_site.id, "kind": "kiosk", "label": "Front desk"})
    assert made.status_code == 201
    url = re.search(r"https://signs\.example(/k/[\w-]+)|http://localhost(/k/[\w-]+)", made.get_data(as_text=True))
    auth.logout()
    return url.group(1) or url.group(2)


def test_a_member_consents_at_the_kiosk_one_question_a_screen(client, kiosk_url, db):
    start = client.get(kiosk_url + "?lang=en")
    page = start.get_data(as_text=True)
    assert start.status_code == 200 and "Set-Cookie" not in start.headers and "what happens to your face" in page
    response, page = step(client, kiosk_url, page)
    assert "Who is answering?" in page
    response, page = step(client, kiosk_url, page, ref="GYM-004213", age="adult")
    # the primary question: Yes and No are the same kind of button, and the card is offered on the same screen
    assert re.findall(r'<button type="submit" name="answer" value="(\w+)" class="answer">', page) == ["yes", "no"]
    assert "Show your membership card at the desk." in page
    response, page = step(client, kiosk_url, page, answer="yes")
    assert "One more, separate question" in page and "Counting visits for your training log." in page
    response, page = step(client, kiosk_url, page, answer="no")
    assert response.status_code == 201 and "Set-Cookie" not in response.headers
    code = re.search(r'<p class="receipt-code"><code>([A-Z0-9-]+)</code>', page).group(1).replace("-", "")
    assert "<svg" in page and f"/r/{code}.pdf" in page
    consent = db.session.scalars(select(ConsentRecord)).one()
    assert consent.purpose_states == {"primary": "given", "secondary_1": "refused"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consent.given")).one()
    assert entry.actor_id is None and b'"type":"kiosk"' in entry.canonical
    assert client.get(f"/r/{code}?lang=en").status_code == 200


def test_saying_no_is_one_press_and_gets_a_receipt_too(client, kiosk_url, db):
    page = client.get(kiosk_url).get_data(as_text=True)
    _, page = step(client, kiosk_url, page)
    _, page = step(client, kiosk_url, page, ref="GYM-7", age="14_to_17")
    response, page = step(client, kiosk_url, page, answer="no")
    assert response.status_code == 201
    assert db.session.scalars(select(ConsentRecord)).one().state == "refused"


def test_a_guardian_answers_for_a_child_and_staff_note_how_they_checked(client, kiosk_url, db):
    page = client.get(kiosk_url + "?lang=en").get_data(as_text=True)
    _, page = step(client, kiosk_url, page)
    _, page = step(client, kiosk_url, page, ref="GYM-004214", age="under_14")
    assert "A guardian answers for a child under 14" in page
    response, page = step(client, kiosk_url, page, rel="parent")
    assert response.status_code == 422 and 'id="err-ver"' in page
    _, page = step(client, kiosk_url, page, rel="parent", ver="identity_document_checked")
    _, page = step(client, kiosk_url, page, answer="yes")
    response, page = step(client, kiosk_url, page, answer="yes")
    assert response.status_code == 201
    answer = db.session.scalars(select(ConsentRecord)).one().events[0].content
    assert answer["entity"] == {"acted_by": "guardian", "guardian_relationship": "parent",
                                "guardian_verification": "identity_document_checked"}
    assert answer["collection_method"] == "kiosk"


def test_the_kiosk_refuses_a_phone_number_as_reference_and_a_forged_state(client, kiosk_url, db):
    page = client.get(kiosk_url + "?lang=en").get_data(as_text=True)
    _, page = step(client, kiosk_url, page)
    response, wrong = step(client, kiosk_url, page, ref="13800138000", age="adult")
    assert response.status_code == 422 and "phone or identity number" in wrong
    state = fields_of(page)["state"]
    forged = client.post(kiosk_url, data={**fields_of(page), "state": state[:-2] + "00", "ref": "X-1", "age": "adult"})
    assert forged.status_code == 400
    assert db.session.scalar(select(func.count(ConsentRecord.id))) == 0


def test_a_revoked_kiosk_link_stops_at_once(client, auth, owner, kiosk_url, db):
    from signage.consent.models import ConsentChannel
    page = client.get(kiosk_url).get_data(as_text=True)
    auth.login(owner)
    channel = db.session.scalars(select(ConsentChannel)).one()
    assert client.post(f"/consents/channels/{channel.id}/revoke").status_code == 303
    auth.logout()
    assert client.get(kiosk_url).status_code == 404
    assert client.post(kiosk_url, data=fields_of(page)).status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "consent_channels")).all()
    assert actions == ["consent.channel_opened", "consent.channel_closed"]


def test_self_service_from_the_notice_only_where_the_operator_offers_it(client, auth, owner, gym_site, db):
    url = f"/n/{gym_site.code}/consent"
    assert client.get(url + "?lang=en").status_code == 404
    auth.login(owner)
    assert client.post("/consents/channels", data={"site_id": gym_site.id, "kind": "self_service"}).status_code == 303
    auth.logout()
    page = client.get(url + "?lang=zh-Hans").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    _, page = step(client, url, page)
    response, refused = step(client, url, page, ref="GYM-9", age="under_14")
    assert response.status_code == 422 and "err-age" in refused  # a child's guardian is checked at the desk
    _, page = step(client, url, page, ref="GYM-9", age="adult")
    _, page = step(client, url, page, answer="yes")
    response, page = step(client, url, page, answer="yes")
    assert response.status_code == 201 and "Set-Cookie" not in response.headers
    consent = db.session.scalars(select(ConsentRecord)).one()
    assert consent.events[0].content["collection_method"] == "self_service"
    assert consent.events[0].content["language"] == "zh-Hans"


def test_a_site_without_a_consent_basis_cannot_open_a_kiosk(client, auth, owner, live_site):
    site, _sign = live_site
    auth.login(owner)
    assert client.post("/consents/channels", data={"site_id": site.id, "kind": "kiosk"}).status_code == 409


def test_forged_steps_odd_states_and_a_resent_last_screen_change_nothing(client, kiosk_url, db):
    page = client.get(kiosk_url + "?lang=en").get_data(as_text=True)
    fields = fields_of(page)
    for forged in ({"state": fields["state"][:-3] + "ü00"}, {"step": "secondary_abc", "answer": "maybe"},
                   {"step": "secondary_0"}, {"step": "release"}, {"step": "record"}):
        assert client.post(kiosk_url, data={**fields, **forged}).status_code in (200, 400)
    _, page = step(client, kiosk_url, page)
    _, page = step(client, kiosk_url, page, ref="GYM-1", age="adult")
    _, page = step(client, kiosk_url, page, answer="yes")
    last = fields_of(page)
    assert client.post(kiosk_url, data={**last, "answer": "no"}).status_code == 201
    # the next person presses Back and sends the same screen: nothing is recorded, no receipt is shown
    again = client.post(kiosk_url, data={**last, "answer": "yes"})
    assert again.status_code == 409 and "receipt-code" not in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConsentRecord.id))) == 1


def test_a_release_is_taken_only_where_the_flow_asks_for_it(client, kiosk_url, instance_dir):
    import io
    page = client.get(kiosk_url).get_data(as_text=True)
    response = client.post(kiosk_url, data={**fields_of(page), "step": "release",
                                            "release": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and not (instance_dir / "releases").exists()
