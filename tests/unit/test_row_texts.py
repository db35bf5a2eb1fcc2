"""A row's words in each language (a secondary use, a recipient): found, shown with a visible fallback,
folded into a form, and put into the notice's sentences only in the reader's language."""
from flask_babel import force_locale

from signage.notices.summary import notice_items
from signage.rules.texts import folded, row_text, shown_row_text

RECORD = {"text_language": "en",
          "secondary_uses": [{"use": "Fire-drill head count", "consent_mode": "separate_consent",
                              "text_translations": {"zh-Hans": {"use": "消防演练清点人数"}}},
                             {"use": "Visitor statistics", "consent_mode": "notice_only"}],
          "recipients_third_parties": [
              {"name": "Example Security GmbH", "country": "DE", "purpose": "running reception",
               "text_translations": {"zh-Hans": {"name": "示例安保有限公司"}}}]}


def test_a_rows_prose_is_found_only_in_the_language_it_is_written_in_and_a_name_falls_back_as_written():
    use, other = RECORD["secondary_uses"]
    recipient = RECORD["recipients_third_parties"][0]
    assert (row_text(RECORD, "secondary_uses", use, "use", "zh-Hans"), row_text(RECORD, "secondary_uses", use,
                                                                                  "use", "zh-Hans").lang) \
        == ("消防演练清点人数", "zh-Hans")
    assert row_text(RECORD, "secondary_uses", other, "use", "zh-Hans") is None
    shown = shown_row_text(RECORD, "secondary_uses", other, "use", "zh-Hans")
    assert shown == "Visitor statistics" and shown.lang == "en"  # shown, and marked as English
    assert row_text(RECORD, "recipients_third_parties", recipient, "purpose", "zh-Hans") is None
    named = row_text(RECORD, "recipients_third_parties", {**recipient, "text_translations": None}, "name", "zh-Hans")
    assert named == "Example Security GmbH" and named.lang is None  # a name keeps its script


def test_a_form_edits_each_rows_words_in_the_records_own_language_in_the_main_part():
    record = {**RECORD, "text_language": "zh-Hans", "secondary_uses": [
        {"use": "Fire-drill head count", "consent_mode": "notice_only",
         "text_translations": {"zh-Hans": {"use": "消防演练清点人数"}, "en": {"use": "Fire drills"}}}]}
    row = folded(record)["secondary_uses"][0]
    assert row["use"] == "消防演练清点人数" and row["text_translations"] == {"en": {"use": "Fire drills"}}


def test_the_chinese_notice_never_puts_an_english_row_inside_a_chinese_sentence(app):
    with app.test_request_context(), force_locale("zh_Hans"):
        items = notice_items(RECORD, "zh-Hans")
    rows = [item for section in items["sections"] for item in section["items"]]
    uses = [item for item in rows if item["key"].startswith("secondary_use")]
    assert uses[0]["text"] == "消防演练清点人数，仅在取得你的单独同意后" and "lang" not in uses[0]
    assert uses[1]["text"] == "Visitor statistics" and uses[1]["lang"] == "en"
    assert "英" in uses[1]["note"]  # the page says in which language the operator wrote it
    recipients = [item for item in rows if item["key"].startswith("recipient")]
    assert recipients[0]["text"] == "示例安保有限公司（DE）"  # the English purpose stays out of the sentence
    assert recipients[1]["label"] == "示例安保有限公司 为何收到" and recipients[1]["text"] == "running reception"
    assert recipients[1]["lang"] == "en"


def test_the_english_notice_reads_every_row_in_english(app):
    with app.test_request_context(), force_locale("en"):
        items = notice_items(RECORD, "en")
    rows = [item for section in items["sections"] for item in section["items"]]
    uses = [item["text"] for item in rows if item["key"] == "secondary_use"]
    assert uses == ["Fire-drill head count, only with your separate consent", "Visitor statistics"]
    assert [item["text"] for item in rows if item["key"] == "recipients"] == [
        "Example Security GmbH (DE), for running reception"]
    assert not any(item.get("lang") for item in rows if item["key"].startswith(("secondary", "recipient")))
