"""The dossier's content from plain facts: sections mapped to the filing's items, labels in the dossier's
language with our field names, capped lists that say how many more, and an archive whose README hashes its files."""
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

from signage.calendar.dossier_content import SECTIONS, dossier_archive, dossier_document, dossier_json
from signage.calendar.dossier_pdf import dossier_pdf

AT = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def facts(kind="cn_filing", **more) -> dict:
    site = {"id": 1, "code": "ABC123", "site_name": "North gate", "status": "active", "jurisdictions": ["CN"],
            "storage_mode": "local_server", "security_measures": ["encryption", "audit"], "raw_image_retained": False,
            "retention_period_days": 7, "purpose_text": "Finding people.", "secondary_uses": [],
            "recipients_third_parties": [{"name": "Police", "country": "CN", "purpose": "Alerts"}],
            "filing": {"status": "due", "due_on": "2026-12-15"}, "pia_id": "PIA-1",
            "text_translations": {"zh-Hans": {"site_name": "北门", "purpose_text": "查找人员。"}}}
    return {"kind": kind, "generated_at": AT.isoformat(), "today": "2026-11-02", "site": site,
            "operator": {"legal_name": "Operator Ltd.", "name_translations": {"zh-Hans": {"legal_name": "运营者有限公司"}},
                         "stored_individuals_count": 120000, "count_threshold_reached_on": "2026-10-01"},
            "notice": {"current": {"number": 3, "effective_from": AT.isoformat(), "sha256": "a" * 64,
                                   "changed_fields": ["purpose"]},
                       "earlier": [{"number": 2, "effective_from": AT.isoformat(), "sha256": "b" * 64,
                                    "changed_fields": []}], "earlier_more": 1},
            "signs": {"rows": [{"serial": "S1", "placement": "Door", "status": "installed",
                                "issued_at": AT.isoformat(), "installed_at": None}], "more": 0, "total": 1},
            "consents": {"given": 4, "withdrawn": 1}, "requests": {"by_state": {"closed": 2}, "answered_late": 1, "total": 2},
            "duties": {"rows": [{"kind": "cn_filing", "key": "cn_filing", "due_on": "2026-12-15", "done_on": None,
                                 "status": "upcoming", "done_reference": None, "provisional": True}], "more": 0},
            "audit": {"entries": [{"id": 9, "created_at": AT.isoformat(), "action": "site.updated", "hash": "c" * 64,
                                   "subject": "sites/1", "in_checkpoint": False}], "more": 0, "checkpoint": None},
            "values": {"storage_mode": {"local_server": "本地服务器"}, "security_measures": {"encryption": "加密"},
                       "consent_state": {"given": "已同意"}, "request_state": {}, "audit_action": {}}, **more}


def section(document, key):
    return next(item for item in document["sections"] if item["key"] == key)


def item(document, key, field):
    return next(entry for entry in section(document, key)["items"] if entry["field"] == field)


def test_a_cn_dossier_maps_each_section_to_the_filing_item_in_chinese():
    document = dossier_document(facts())

    assert document["language"] == "zh-Hans" and document["title"] == "人脸识别技术应用备案材料"
    maps = {entry["key"]: entry["maps_to"] for entry in document["sections"]}
    assert maps["operator"] == "处理者基本情况" and maps["storage"] == "存储及安全保护措施"
    assert maps["count"] == "存储人脸信息数量" and maps["assessment"] == "个人信息保护影响评估报告"
    assert maps["notice"] == "处理规则 (secondary)" and maps["audit"] is None
    assert [entry["key"] for entry in document["sections"]] == list(SECTIONS)


def test_items_carry_our_field_name_the_chinese_label_and_the_translated_value():
    document = dossier_document(facts())

    storage = item(document, "storage", "storage_mode")
    assert (storage["label"], storage["value"], storage["text"]) == ("存储方式", "local_server", "本地服务器")
    assert item(document, "storage", "security_measures")["text"] == "加密、audit"
    assert item(document, "storage", "raw_image_retained")["text"] == "否"
    assert item(document, "purpose", "purpose_text")["text"] == "查找人员。（Finding people.）"
    assert item(document, "count", "stored_individuals_count")["value"] == 120000
    assert document["site"]["site_name_translated"] == "北门"


def test_the_evidence_file_is_english_without_the_cn_count_and_filing():
    document = dossier_document(facts("evidence"))

    keys = [entry["key"] for entry in document["sections"]]
    assert "count" not in keys and "filing" not in keys
    assert all(entry["maps_to"] is None for entry in document["sections"])
    assert item(document, "storage", "storage_mode")["label"] == "Storage mode"
    assert item(document, "rules", "recipients_third_parties")["text"] == "Police, CN, Alerts"


def test_capped_lists_say_how_many_more_and_entries_after_the_checkpoint_are_marked():
    document = dossier_document(facts())

    versions = section(document, "notice")["tables"][0]
    assert versions["more"] == 1 and versions["more_text"] == "另有 1 条未列出"
    entries = section(document, "audit")["tables"][0]
    assert entries["texts"][0][0] == "9（在下一个检查点中）"
    assert item(document, "audit", "checkpoint.note")["text"] == "尚未签署检查点"
    assert section(document, "duties")["tables"][0]["texts"][0][1] == "2026-12-15（暂定）"


def test_the_archive_holds_three_files_and_the_readme_hashes_the_other_two():
    document = dossier_document(facts())
    pdf = dossier_pdf(document)

    archive = zipfile.ZipFile(io.BytesIO(dossier_archive(document, pdf, at=AT)))

    assert archive.namelist() == ["dossier.pdf", "dossier.json", "README.txt"]
    assert pdf.startswith(b"%PDF-") and json.loads(archive.read("dossier.json")) == document
    readme = archive.read("README.txt").decode()
    assert f"{hashlib.sha256(pdf).hexdigest()}  dossier.pdf" in readme
    assert f"{hashlib.sha256(dossier_json(document)).hexdigest()}  dossier.json" in readme


def test_the_same_facts_make_the_same_archive():
    document = dossier_document(facts())

    assert dossier_archive(document, dossier_pdf(document), at=AT) == dossier_archive(document, dossier_pdf(document),
                                                                                      at=AT)
