"""A person's receipt in public: its page in their language, withdrawal with one confirmation and no
account, the printed PDF whose QR code opens the page, and codes that open nothing."""
import re

import pypdfium2
import zxingcpp
from sqlalchemy import func, select

from signage.consent.models import ConsentEvent

from helpers import pdf_text


def withdraw_form(page: str) -> tuple[str, dict]:
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return action, fields


def test_the_receipt_opens_in_the_language_the_person_answered_in_without_a_cookie(client, gym_site, make_consent):
    _consent, code = make_consent(gym_site)
    response = client.get(f"/r/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="zh-Hans">' in page and "健身房闸机" in page and "为同意的会员打开闸机。" in page
    english = client.get(f"/r/{code}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Withdraw my consent" in english


def test_a_person_withdraws_from_a_phone_with_one_confirmation_and_sees_it_done(client, gym_site, make_consent,
                                                                                  db, api_token):
    consent, code = make_consent(gym_site)
    action, fields = withdraw_form(client.get(f"/r/{code}?lang=en").get_data(as_text=True))
    done = client.post(action, data=fields, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile"})
    assert done.status_code == 303 and "Set-Cookie" not in done.headers
    withdrawal_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your withdrawal receipt" in withdrawal_page and "Withdraw my consent" not in withdrawal_page
    original = client.get(f"/r/{code}?lang=en").get_data(as_text=True)
    assert "You withdrew your consent" in original and "must delete your face data by" in original
    # a second confirmation, from the old page, changes nothing
    again = client.post(action, data=fields)
    assert again.status_code == 409 and "already withdrawn" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConsentEvent.id))) == 2
    # the operator confirms the deletion: the person's page says when
    withdrawn_at = client.get(f"/api/v1/consents/{consent.id}", headers=api_token).json["events"][1]["event_time"]
    confirmed = client.post(f"/api/v1/consents/{consent.id}/deletion", headers=api_token, json={
        "deleted_on": withdrawn_at, "method": "Template erased"})
    assert confirmed.status_code == 200, confirmed.json
    assert "Your face data was deleted on" in client.get(f"/r/{code}?lang=en").get_data(as_text=True)


def test_a_forged_or_stale_form_token_changes_nothing(client, gym_site, make_consent, db):
    _consent, code = make_consent(gym_site)
    action, fields = withdraw_form(client.get(f"/r/{code}").get_data(as_text=True))
    for token in ("", "1.abc", fields["token"].split(".")[0] + ".0000", "100." + fields["token"].split(".")[1]):
        response = client.post(action, data={**fields, "token": token})
        assert response.status_code == 400
    assert db.session.scalar(select(func.count(ConsentEvent.id))) == 1


def test_a_wrong_code_says_so_without_telling_whether_others_exist(client, gym_site, make_consent):
    _consent, code = make_consent(gym_site)
    mistyped = code[:-1] + ("A" if code[-1] != "A" else "B")
    for wrong in (mistyped, "ABCDEFGHJKLMNPQRS"):
        response = client.get(f"/r/{wrong}?lang=en")
        assert response.status_code == 404 and "No receipt has this code" in response.get_data(as_text=True)
    typed = client.get("/r/?code=" + "-".join(code[i:i + 4] for i in range(0, 17, 4)).lower())
    assert typed.status_code == 303 and typed.headers["Location"].endswith(f"/r/{code}")
    assert client.get("/r/?code=nonsense&lang=zh-Hans").status_code == 404
    assert client.get("/r/").status_code == 200


def test_the_printed_receipt_carries_its_code_and_a_qr_code_of_its_page(client, gym_site, make_consent):
    _consent, code = make_consent(gym_site)
    response = client.get(f"/r/{code}.pdf?lang=en")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "-".join(code[i:i + 4] for i in range(0, 17, 4)) in text and "Your consent receipt" in text
    document = pypdfium2.PdfDocument(response.data)
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [f"https://signs.example/r/{code}"]
    chinese = pdf_text(client.get(f"/r/{code}.pdf").data)
    assert "健身房闸机" in chinese


def test_odd_form_tokens_are_refused_not_crashed_on(client, gym_site, make_consent, db):
    _consent, code = make_consent(gym_site)
    action, fields = withdraw_form(client.get(f"/r/{code}").get_data(as_text=True))
    issued = fields["token"].split(".")[0]
    for token in ("².x", f"{issued}.ü" + "0" * 31, "٣٣٣.abc", "9" * 40 + ".x"):
        assert client.post(action, data={**fields, "token": token}).status_code == 400
    assert db.session.scalar(select(func.count(ConsentEvent.id))) == 1


def test_the_audit_log_names_a_withdrawal_by_the_person_in_the_readers_language(client, auth, owner, gym_site,
                                                                                make_consent):
    _consent, code = make_consent(gym_site)
    action, fields = withdraw_form(client.get(f"/r/{code}").get_data(as_text=True))
    assert client.post(action, data=fields).status_code == 303
    auth.login(owner)
    assert "本人（凭回执码）" in client.get("/audit?lang=zh-Hans").get_data(as_text=True)
