"""Lin works in Chinese: she registers a station with its texts in Chinese and English through the
dashboard in a real browser, issues an A4 sign and a sticker, and activates it. The printed files carry
each language's own words, read back by pypdf and zxing-cpp; Sam's phone shows each language's own."""
import io
import re

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from signage.signs.models import Sign
from helpers import browser_sign_in, follow

pytestmark = pytest.mark.browser

#: The operator's prose, in Chinese (the site's own language here) and in English.
PROSE = {
    "capture_area_description": ("售票厅和 A–F 闸机。", "The ticket hall and gates A–F."),
    "purpose_text": ("发现公安布控名单上的人员。", "Finding people on the police watch list."),
    "necessity_justification": ("每天客流超过二十万人次。", "Over 200,000 passengers a day."),
}
NAMES = {"site_name": ("人民广场站", "Renmin Square Station"), "address": ("上海市人民大道120号", "120 Renmin Avenue")}
SELECTS = {"venue_class": "public_place", "function": "identification_1toN", "live_mode": "realtime",
           "operator_kind": "private", "purpose": "public_security", "legal_basis_cn": "public_security_art26",
           "storage_mode": "local_server", "filing.status": "not_required"}
TEXTS = {"city": "上海", "geo.lat": "31.23", "geo.lng": "121.47", "retention_period_days": "7",
         "pia_id": "PIA-1", "pia_version": "1", "pia_completed_on": "2026-01-15",
         "pia_report_url": "https://operator.example/pia-1.pdf"}
NO = ("raw_image_retained", "sensitive_trait_analysis", "automated_decisions", "minors_expected")
LATIN_SENTENCE = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z,.'’–-]+){2,}")


@pytest.fixture
def lin(db, owner):
    owner.locale = "zh_Hans"
    db.session.commit()
    return owner


def register_in_chinese(page, live_server) -> int:
    page.goto(f"{live_server}/sites/new")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    page.check("input[name=jurisdictions][value=CN]")  # the laws first: the form then asks what CN asks
    follow(page, page.locator("main form button.btn--primary"))
    assert page.locator("[name=legal_basis_cn]").count() == 1 and page.locator("[name=gdpr_art6_basis]").count() == 0
    for name, (chinese, english) in {**PROSE, **NAMES}.items():
        page.fill(f"#field-{name}", chinese)  # the site's own language: the author's, Chinese
        page.fill(f"[name='text_translations.en.{name}']", english)
    for name, value in TEXTS.items():
        page.fill(f"[name='{name}']", value)
    for name, value in SELECTS.items():
        page.select_option(f"select[name='{name}']", value)
    page.check("input[name=jurisdictions][value=CN]")
    for measure in ("encryption", "audit"):
        page.check(f"input[name=security_measures][value={measure}]")
    for name in NO:
        page.check(f"#field-{name}-no")
    follow(page, page.locator("form.site-form button.btn--primary"))
    assert page.locator(".summary--error").count() == 0, page.locator("main").inner_text()
    return int(page.url.rstrip("/").split("/")[-1])


def issue(page, live_server, site_id: int, placement: str, size: str):
    page.goto(f"{live_server}/sites/{site_id}/signs/new")
    page.fill("#field-placement", placement)
    page.select_option("#field-size", size)
    follow(page, page.locator("main form.stack button.btn--primary"))
    assert placement in page.locator("main").inner_text(), page.locator("main").inner_text()


def pdf_lines(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def decoded_url(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=4).to_pil()
    finally:
        document.close()
    (result,) = zxingcpp.read_barcodes(image)
    return result.text


def test_a_site_registered_in_chinese_prints_and_publishes_each_language_in_its_own_words(
        browser, live_server, lin, db):
    page = browser_sign_in(browser, live_server, lin)
    site_id = register_in_chinese(page, live_server)
    issue(page, live_server, site_id, "东出口", "A4")
    issue(page, live_server, site_id, "闸机 A", "STICKER")
    db.session.rollback()  # the server committed them: read past this session's snapshot
    serials = {sign.size: sign.serial for sign in db.session.scalars(select(Sign).where(Sign.site_id == site_id))}

    for size, serial in serials.items():
        response = page.request.get(f"{live_server}/signs/{serial}.pdf")
        assert response.status == 200, response.text()
        text = pdf_lines(response.body())
        # a line may wrap: Chinese runs on without a space, English with one
        unwrapped, flowing = text.replace("\n", ""), " ".join(text.split())
        chinese_purpose, english_purpose = PROSE["purpose_text"]
        assert f"用途：{chinese_purpose}" in unwrapped and f"Purpose: {english_purpose}" in flowing, text
        assert "用途：Finding" not in flowing and "Purpose: 发现" not in flowing
        if size == "A4":
            assert PROSE["capture_area_description"][0] in text and PROSE["capture_area_description"][1] in text
        assert decoded_url(response.body()).upper().endswith(f"/S/{serial}")

    page.goto(f"{live_server}/sites/{site_id}")
    follow(page, page.locator("button[name=status][value=active]"))
    assert page.locator(".refusal").count() == 0, page.locator(".refusal").inner_text()
    page.close()

    for locale, lang, own, other in (("zh-CN", "zh-Hans", 0, 1), ("en-US", "en", 1, 0)):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
        phone = context.new_page()
        phone.goto(f"{live_server}/S/{serials['A4']}")
        assert phone.get_attribute("html", "lang") == lang
        shown = phone.locator("main").text_content()  # the closed details too
        for name, texts in {**PROSE, **NAMES}.items():
            assert texts[own] in shown and texts[other] not in shown, (name, shown)
        assert phone.locator("main [lang]").count() == 0  # nothing fell back to the other language
        summary = phone.locator("dl.summary dd").all_inner_texts()
        if lang == "zh-Hans":
            assert [text for text in summary if LATIN_SENTENCE.search(text.replace(lin.organisation.contact_email, ""))] == []
        else:
            assert [text for text in summary if re.search(r"[\u4e00-\u9fff]", text)] == []
        context.close()
