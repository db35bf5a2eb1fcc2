"""What a sign says: the short URL, the §5.2 elements that apply, the footer, and text that cannot fit."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import re
import pytest
import qrcode
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, optimal_data_chunks

from signage.config import PRINTED_BASE_MAX
from signage.errors import InvalidInput
from signage.signs.content import ELEMENTS, fitted, sign_footer, sign_spec, sign_url
from signage.signs.layout import layout
from signage.signs.qr import qr_matrix

NOW = datetime(2026, 11, 26, 15, 30, tzinfo=timezone.utc)
BASE = "https://signs.example"
RECORD = {
    "site_name": "North gate", "jurisdictions": ["CN"], "venue_class": "public_place",
    "capture_area_description": "The north gate and its ticket hall.", "function": "identification_1toN",
    "purpose": "public_security", "purpose_text": "Finding people on the police watch list.",
    "raw_image_retained": False, "retention_period_days": 7, "storage_mode": "local_server",
    "recipients_third_parties": [], "non_fr_alternative": None, "text_translations": None,
}
OPERATOR = {"legal_name": "Shanghai Example Property Management Co., Ltd.", "email": "privacy@operator.example",
            "phone": "+86 21 5555 0100", "dpo": None}


def make_sign(**overrides):
    return SimpleNamespace(**{"serial": "S7K2Q9AB", "languages": ["zh-Hans", "en"], "notice_version": 3,
                              **overrides})


def spec(record=None, size="A4", operator=None, **sign):
    return sign_spec({**RECORD, **(record or {})}, operator or OPERATOR, make_sign(**sign), size=size,
                     base_url=BASE, notice_date=date(2026, 11, 1), now=NOW)


def keys(found) -> list[str]:
    return [line.key for line in found.lines]


@pytest.mark.parametrize("base, expected", [
    ("https://signs.example", "HTTPS://SIGNS.EXAMPLE/S/S7K2Q9AB"),
    ("https://Signs.Example/", "HTTPS://SIGNS.EXAMPLE/S/S7K2Q9AB"),
    ("http://127.0.0.1:5000", "HTTP://127.0.0.1:5000/S/S7K2Q9AB"),
    ("https://operator.example/fr", "HTTPS://OPERATOR.EXAMPLE/fr/S/S7K2Q9AB"),
])
def test_short_url_upper_cases_scheme_and_host_and_keeps_the_path(base, expected):
    assert sign_url(base, "s7k2q9ab") == expected


def test_short_url_of_a_plain_base_encodes_in_qr_alphanumeric_mode_and_a_smaller_symbol():
    url = sign_url("https://signs.example", "S7K2Q9AB")
    assert [chunk.mode for chunk in optimal_data_chunks(url)] == [MODE_ALPHA_NUM]
    assert MODE_8BIT_BYTE in [chunk.mode for chunk in optimal_data_chunks(url.lower())]
    assert len(qr_matrix(url)) < len(qr_matrix(url.lower()))
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    assert code.version == 2


def test_cn_public_place_prints_only_the_elements_that_apply():
    found = spec()
    assert keys(found) == ["operator", "purpose", "capture_area", "retention", "rights"]
    assert found.url == "HTTPS://SIGNS.EXAMPLE/S/S7K2Q9AB" and found.phone == "+86 21 5555 0100"
    assert found.lines[0].texts[1] == "Personal information handler: Shanghai Example Property Management Co., Ltd."
    assert found.lines[1].texts[1] == "Purpose: Finding people on the police watch list."
    assert found.heading[1] == "Facial recognition in use" and found.qr_caption[1] == "Scan for the full notice"
    assert "7 days" in found.lines[3].texts[1] and "No camera images" in found.lines[3].texts[1]
    assert "privacy@operator.example" in found.lines[4].texts[1]


def test_eu_site_with_everything_prints_every_element_in_order():
    record = {"jurisdictions": ["EU", "US-NYC"], "gdpr_art6_basis": "6_1_f", "gdpr_art9_condition": "9_2_g",
              "function": "emotion_recognition", "non_fr_alternative": "Use your card or ask staff.",
              "recipients_third_parties": [{"name": "Vendor GmbH", "country": "DE"}]}
    found = spec(record, operator={**OPERATOR, "dpo": {"email": "dpo@operator.example"}})
    assert keys(found) == list(ELEMENTS)
    texts = {line.key: line.texts[1] for line in found.lines}
    assert texts["operator"].startswith("Controller: ")
    assert texts["legal_basis"] == ("Legal basis (GDPR): 6(1)(f) Legitimate interests; "
                                    "9(2)(g) Substantial public interest")
    assert texts["recipients"] == "Shared with: Vendor GmbH (DE)"
    assert texts["alternative"] == "Prefer not to? Use your card or ask staff."
    assert "DPO dpo@operator.example" in texts["rights"]
    assert texts["disclosure"] == "This system detects emotions from faces."
    assert "[x] Converted" in texts["nyc_statement"] and "[x] Shared" in texts["nyc_statement"]


def test_nyc_business_statement_ticks_only_what_happens():
    found = spec({"jurisdictions": ["US-NYC"], "function": "detection_only", "retention_period_days": None,
                  "raw_image_retained": None, "storage_mode": "on_device"})
    texts = {line.key: line.texts[1] for line in found.lines}
    assert texts["operator"].startswith("Business: ")
    assert "[x] Collected" in texts["nyc_statement"]
    assert "[ ] Retained" in texts["nyc_statement"] and "[x] Stored" in texts["nyc_statement"]
    assert "[ ] Converted" in texts["nyc_statement"] and "[ ] Shared" in texts["nyc_statement"]
    assert "retention" not in texts  # nothing to say is left out, never printed blank


def test_sticker_carries_operator_purpose_and_rights_only():
    found = spec({"jurisdictions": ["EU"], "gdpr_art6_basis": "6_1_f"}, size="STICKER",
                 operator={**OPERATOR, "legal_name": "North Gate Ltd."})
    assert keys(found) == ["operator", "purpose", "rights"] and found.size == "STICKER"
    assert "privacy@" not in found.lines[2].texts[1]  # the phone in the QR panel is the contact
    layout(found)  # fits at the minimum type size or better


def test_a_sticker_too_small_for_the_operator_name_says_so():
    with pytest.raises(InvalidInput) as refused:
        name = "Shanghai Example Property Management, Facility Services and Public Security Consulting Group Co., Ltd."
        fitted(layout, spec(size="STICKER", operator={**OPERATOR, "legal_name": name}))
    assert set(refused.value.errors) == {"operator_legal_name"}


def test_operator_text_comes_from_the_translation_for_each_language():
    record = {"text_translations": {"zh-Hans": {"purpose_text": "查找警方名单上的人员。",
                                                "capture_area_description": "北门及售票大厅。"}}}
    found = spec(record, languages=["zh-Hans", "en"])
    texts = dict((line.key, line.texts) for line in found.lines)
    assert "查找警方名单上的人员。" in texts["purpose"][0] and "police watch list" in texts["purpose"][1]
    assert "北门及售票大厅。" in texts["capture_area"][0]
    assert found.languages == ("zh-Hans", "en")


def test_footer_names_serial_notice_version_its_date_and_print_date_in_the_signs_first_language(app):
    with app.test_request_context():  # the catalogs are the app's
        chinese_first = spec().footer
    assert chinese_first == "标识 S7K2Q9AB · 告知第 3 版（2026-11-01） · 印制于 2026-11-26"
    assert spec(languages=["en", "zh-Hans"]).footer == "Sign S7K2Q9AB · Notice v3 (2026-11-01) · Printed 2026-11-26"
    assert sign_footer("S7K2Q9AB", 1, None, NOW) == "Sign S7K2Q9AB · Notice v1 · Printed 2026-11-26"


def test_text_that_cannot_fit_is_refused_naming_the_site_field_to_shorten():
    purpose = "Finding " + "x" * 160
    found = spec({"purpose_text": purpose, "text_translations": {"zh-Hans": {"purpose_text": "查找。"}}}, size="A5")
    with pytest.raises(InvalidInput) as refused:
        fitted(layout, found)
    (message,) = refused.value.errors["purpose_text"]
    cut = int(re.fullmatch(r"Too long for a A5 sign: cut about (\d+) characters from the en text, or choose a "
                           r"larger size\.", message).group(1))
    # only the English is too long, and cutting that much makes it fit
    fitted(layout, spec({"purpose_text": purpose[:len(purpose) - cut], "text_translations": {"zh-Hans": {
        "purpose_text": "查找。"}}}, size="A5"))


def test_long_text_wraps_or_shrinks_instead_of_being_cut():
    area = "The north gate, its ticket hall, the lifts to the platforms and the corridor to the car park. " * 3
    page = fitted(layout, spec({"capture_area_description": area.strip()}, size="A5"))
    printed = " ".join(text for item in page.items if hasattr(item, "runs") for _font, text in item.runs)
    assert "car park." in printed and printed.count("north gate") >= 3


@pytest.mark.parametrize("base, expected", [
    ("https://Signs.Example/", "signs.example/S/S7K2Q9AB"),
    ("http://127.0.0.1:5000", "127.0.0.1:5000/S/S7K2Q9AB"),
    ("https://operator.example/fr", "operator.example/fr/S/S7K2Q9AB"),
])
def test_the_printed_url_is_what_people_type_lower_case_host_no_scheme(base, expected):
    from signage.signs.content import printed_url
    assert printed_url(base, "s7k2q9ab") == expected


def test_the_footer_names_the_placement_for_the_installer():
    assert sign_footer("S7K2Q9AB", 2, None, NOW, placement="东出口") == \
        "东出口 · Sign S7K2Q9AB · Notice v2 · Printed 2026-11-26"


@pytest.mark.parametrize("size", ["A5", "A4", "A3", "LETTER", "STICKER"])
@pytest.mark.parametrize("long_base", [
    "https://notices.shanghai-metro.example",  # 41 characters printed, as a real host would be
    "https://" + "n" * (PRINTED_BASE_MAX - len(".example")) + ".example",  # the longest the start-up check takes
])
def test_the_printed_url_is_never_split_across_lines(size, long_base):
    from signage.signs.content import printed_url
    found = sign_spec({**RECORD}, OPERATOR, make_sign(), size=size, base_url=long_base,
                      notice_date=date(2026, 11, 1), now=NOW)
    lines = ["".join(text for _font, text in item.runs) for item in layout(found).items if hasattr(item, "runs")]
    assert printed_url(long_base, found.serial) in lines
