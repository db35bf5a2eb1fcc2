"""The filing dossier's content: the gathered facts in, its sections (titles, the filing item each answers,
labelled items and tables) out, and the files of its archive (the JSON document, the README with hashes).

Labels are data here, in Simplified Chinese and English, so the dossier reads the same whatever language its
reader's dashboard is in; the labels of allowed values come in already translated (facts["values"]).
"""
import hashlib
import io
import json
import zipfile
from datetime import datetime

# SECTIONS is read from here by the tests, as the sections a dossier has
from signage.calendar.dossier_labels import LABELS, LEFT_OUT, SECTIONS, TITLES, VALUE_OF, WORDS

#: The dossiers, and the language each is written in.
LANGUAGES = {"cn_filing": "zh-Hans", "cn_change": "zh-Hans", "cn_cancellation": "zh-Hans", "evidence": "en"}
KINDS = tuple(LANGUAGES)
CN_KINDS = ("cn_filing", "cn_change", "cn_cancellation")
#: The calendar duty each CN dossier is the evidence of.
DUTY_OF_KIND = {"cn_filing": "cn_filing", "cn_change": "cn_change_report", "cn_cancellation": "cn_cancellation"}
FORMAT = "signage-dossier/1"
#: Caps on the lists, so an archive stays small; what is left out is counted.
VERSIONS_SHOWN, SIGNS_SHOWN, AUDIT_SHOWN, DUTIES_SHOWN = 50, 200, 50, 200

def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "zh-Hans" else pair[1]


def dossier_document(facts: dict) -> dict:
    """Return the dossier as a JSON-ready document: its title and its sections, each item with our field name,
    its label in the dossier's language, its value and the text printed for it."""
    kind = facts["kind"]
    language = LANGUAGES[kind]
    site = facts["site"]
    builders = {"operator": _operator, "purpose": _purpose, "storage": _storage, "count": _count, "rules": _rules,
                "assessment": _assessment, "filing": _filing, "notice": _notice, "signs": _signs,
                "consents": _consents, "requests": _requests, "duties": _duties, "audit": _audit}
    sections = []
    for key, (titles, maps_to) in SECTIONS.items():
        if key in LEFT_OUT.get(kind, ()):
            continue
        items, tables = builders[key](facts, _Text(facts, language))
        sections.append({"key": key, "title": _pick(titles, language), "maps_to": _pick(maps_to, language)
                         if maps_to and kind in CN_KINDS else None, "items": items, "tables": tables})
    return {"format": FORMAT, "kind": kind, "language": language, "title": _pick(TITLES[kind], language),
            "generated_at": facts["generated_at"], "duty": DUTY_OF_KIND.get(kind),
            "site": {"id": site["id"], "code": site["code"], "site_name": site["site_name"],
                     "site_name_translated": _translated(site, "site_name", language)},
            "sections": sections}


class _Text:
    """How values print in one dossier: labels, allowed values, yes and no, the operator's words."""

    def __init__(self, facts: dict, language: str):
        self.facts, self.language = facts, language

    def word(self, key: str) -> str:
        return _pick(WORDS[key], self.language)

    def label(self, field: str) -> str:
        return _pick(LABELS[field], self.language) if field in LABELS else field

    def value(self, field: str, value) -> str:
        if value is None or value == "" or value == []:
            return self.word("none")
        if isinstance(value, bool):
            return self.word("yes" if value else "no")
        labels = self.facts["values"].get(VALUE_OF.get(field, ""), {})
        if isinstance(value, list):
            return ("、" if self.language == "zh-Hans" else ", ").join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))

    def item(self, field: str, value, text: str | None = None) -> dict:
        return {"field": field, "label": self.label(field), "value": value,
                "text": self.value(field, value) if text is None else text}

    def more(self, count: int) -> str | None:
        return self.word("more") % count if count > 0 else None


def _translated(record: dict, field: str, language: str) -> str | None:
    """Return the operator's words for a field in the dossier's language, None when written only as they are."""
    if language == "en":
        return None
    own = (record.get("text_translations") or {}).get(language) or {}
    return own.get(field)


def _words(record: dict, field: str, text: _Text) -> dict:
    """An item of the operator's own words: in the dossier's language first, as written beside it."""
    value = record.get(field)
    translated = _translated(record, field, text.language)
    shown = text.value(field, value) if not translated or translated == value else f"{translated}（{value}）"
    return text.item(field, value, shown)


def _site_items(facts: dict, text: _Text, fields: tuple[str, ...], words: tuple[str, ...] = ()) -> list[dict]:
    site = facts["site"]
    return [_words(site, name, text) if name in words else text.item(name, site.get(name)) for name in fields]


def _operator(facts: dict, text: _Text):
    operator = facts["operator"]
    zh = ((operator.get("name_translations") or {}).get("zh-Hans") or {})
    dpo = operator.get("dpo_contact") or {}
    dpo_text = " · ".join(str(dpo[key]) for key in ("name", "email", "phone") if dpo.get(key)) or text.word("none")
    items = [text.item("legal_name", operator["legal_name"]), text.item("legal_name_zh", zh.get("legal_name")),
             text.item("registration_number", operator.get("registration_number")),
             text.item("address", operator.get("address"),
                       f"{zh['address']}（{operator['address']}）" if zh.get("address") and text.language == "zh-Hans"
                       else None),
             text.item("contact_email", operator.get("contact_email")),
             text.item("contact_phone", operator.get("contact_phone")),
             text.item("dpo_contact", operator.get("dpo_contact"), dpo_text)]
    return items, []


def _purpose(facts: dict, text: _Text):
    fields = ("site_name", "code", "status", "jurisdictions", "address", "city", "venue_class",
              "capture_area_description", "purpose", "purpose_text", "necessity_justification", "function", "live_mode")
    words = ("site_name", "capture_area_description", "purpose_text", "necessity_justification")
    return _site_items(facts, text, fields, words), []


def _storage(facts: dict, text: _Text):
    fields = ("storage_mode", "raw_image_retained", "security_measures", "retention_period_days",
              "retention_criteria_text", "retention_policy_url")
    return _site_items(facts, text, fields, ("retention_criteria_text",)), []


def _count(facts: dict, text: _Text):
    operator = facts["operator"]
    return [text.item("stored_individuals_count", operator["stored_individuals_count"]),
            text.item("count_threshold_reached_on", operator.get("count_threshold_reached_on"))], []


def _rules(facts: dict, text: _Text):
    site = facts["site"]
    items = _site_items(facts, text, ("legal_basis_cn", "gdpr_art6_basis", "gdpr_art9_condition",
                                      "legitimate_interest_text"), ("legitimate_interest_text",))
    uses = site.get("secondary_uses") or []
    items.append(text.item("secondary_uses", uses, "; ".join(
        f"{_translated(use, 'use', text.language) or use.get('use')} "
        f"({text.value('consent_mode', use.get('consent_mode'))})" for use in uses) or text.word("none")))
    recipients = site.get("recipients_third_parties") or []
    items.append(text.item("recipients_third_parties", recipients, "; ".join(
        ", ".join(str(row[key]) for key in ("name", "country", "purpose") if row.get(key)) for row in recipients)
        or text.word("none")))
    items.append(text.item("internet_transfer_basis", site.get("internet_transfer_basis")))
    return items, []


def _assessment(facts: dict, text: _Text):
    return _site_items(facts, text, ("pia_id", "pia_version", "pia_completed_on", "pia_report_url")), []


def _filing(facts: dict, text: _Text):
    filing = facts["site"].get("filing") or {}
    return [text.item(f"filing.{part}", filing.get(part))
            for part in ("status", "authority", "due_on", "filed_on", "filing_ref")], []


def _table(text: _Text, key: str, columns: tuple[str, ...], rows: list[dict], more: int, values: dict | None = None):
    values = values or {}
    return {"key": key, "columns": [{"field": name, "label": text.label(name)} for name in columns],
            "rows": rows, "more": more, "more_text": text.more(more),
            "texts": [[text.value(values.get(name, name), row.get(name)) for name in columns] for row in rows]}


def _notice(facts: dict, text: _Text):
    notice = facts["notice"]
    current = notice["current"] or {}
    items = [text.item("notice.number", current.get("number")),
             text.item("notice.effective_from", current.get("effective_from")),
             text.item("notice.sha256", current.get("sha256"))]
    columns = ("number", "effective_from", "sha256", "changed_fields")
    return items, [_table(text, "earlier_versions", columns, notice["earlier"], notice["earlier_more"],
                          {"number": "-", "changed_fields": "-"})]


def _signs(facts: dict, text: _Text):
    signs = facts["signs"]
    columns = ("serial", "placement", "status", "issued_at", "installed_at")
    return [], [_table(text, "signs", columns, signs["rows"], signs["more"], {"status": "sign.status"})]


def _consents(facts: dict, text: _Text):
    labels = facts["values"]["consent_state"]
    return [{"field": f"consent_state.{state}", "label": labels.get(state, state), "value": count, "text": str(count)}
            for state, count in facts["consents"].items()] or [text.item("consent_state", None, text.word("empty"))], []


def _requests(facts: dict, text: _Text):
    requests = facts["requests"]
    labels = facts["values"]["request_state"]
    items = [{"field": f"request_state.{state}", "label": labels.get(state, state), "value": count, "text": str(count)}
             for state, count in requests["by_state"].items()]
    return items + [text.item("requests.total", requests["total"], str(requests["total"])),
                    text.item("requests.answered_late", requests["answered_late"], str(requests["answered_late"]))], []


def _duties(facts: dict, text: _Text):
    duties = facts["duties"]
    table = _table(text, "duties", ("kind", "due_on", "done_on", "status", "done_reference"), duties["rows"],
                   duties["more"], {"status": "duty.status"})
    for row, texts in zip(duties["rows"], table["texts"]):
        if row.get("provisional") and row.get("due_on"):
            texts[1] += text.word("provisional")
    return [], [table]


def _audit(facts: dict, text: _Text):
    audit = facts["audit"]
    table = _table(text, "entries", ("id", "created_at", "action", "hash"), audit["entries"], audit["more"],
                   {"id": "-"})
    for row, texts in zip(audit["entries"], table["texts"]):
        if not row["in_checkpoint"]:
            texts[0] += text.word("pending")
    checkpoint = audit["checkpoint"]
    if checkpoint is None:
        return [text.item("checkpoint.note", None, text.word("no_checkpoint"))], [table]
    return [text.item("checkpoint.size", checkpoint["size"], str(checkpoint["size"])),
            text.item("checkpoint.signed_at", checkpoint["signed_at"]),
            text.item("checkpoint.note", checkpoint["note"], checkpoint["note"])], [table]


def dossier_json(document: dict) -> bytes:
    """Return the document as UTF-8 JSON, keys sorted, so the same dossier is the same bytes."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def readme_text(document: dict, hashes: dict[str, str]) -> str:
    """Return the archive's README: what each file is, and the SHA-256 of the other two (sha256sum's format)."""
    site = document["site"]
    lines = [f"{document['title']}: {site['site_name']} ({site['code']})",
             f"Dossier kind: {document['kind']}; generated {document['generated_at']} (UTC); format {FORMAT}.",
             "", "dossier.pdf   the dossier as a printable document, in "
             + ("Simplified Chinese, with our field names beside the labels" if document["language"] == "zh-Hans"
                else "English"),
             "dossier.json  the same content as data: each section with its items (field name, label, value, text)",
             "README.txt    this file", "", "SHA-256 (check with: sha256sum --ignore-missing -c README.txt):"]
    return "\n".join(lines + [f"{digest}  {name}" for name, digest in hashes.items()]) + "\n"


def dossier_archive(document: dict, pdf: bytes, *, at: datetime) -> bytes:
    """Return the ZIP of dossier.pdf, dossier.json and README.txt, every entry dated `at`."""
    files = {"dossier.pdf": pdf, "dossier.json": dossier_json(document)}
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files["README.txt"] = readme_text(document, hashes).encode()
    buffer = io.BytesIO()
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
