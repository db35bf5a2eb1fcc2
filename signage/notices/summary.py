"""The plain-language items of a public notice, built from its content dict.

Our own words come from gettext, so this needs Flask-Babel's context (wrap calls in
flask_babel.force_locale to build another language); the operator's own words
come in the reader's language where the operator wrote them in it (rules/texts.py). Where it did
not, the text of another language is shown on its own, never inside a sentence of ours, and its item
carries that language's tag so the page marks it and says so. Items that do not apply are left out,
never shown blank (regulation.md §5.2, §6.1).
"""
import re

from flask_babel import format_date
from signage.translation import gettext as _, ngettext

from signage.notices.phrases import (cn_basis_labels, complaint_authorities, data_categories, disclosure_sentence,
                                     field_label, gdpr_art6_labels, gdpr_art9_labels, method_sentence,
                                     purpose_label, recipients_sentence, role_label, secondary_use_sentence,
                                     storage_labels, transfer_basis_labels)
from signage.labels import choice_label
from signage.rules.texts import organisation_name, shown_row_text, shown_text
from signage.vocabulary import CONSENT_BASES_CN

CONSENT_BASES_GDPR = ("6_1_a", "9_2_a")
NO_SALE_JURISDICTIONS = ("US-NYC", "US-IL", "US-TX")


def notice_items(content: dict, tag: str) -> dict:
    """Return the notice's title, five-line summary and detailed sections for one language."""
    text = OperatorText(content, tag)
    summary = [_marked(item, tag) for item in summary_items(content, text)]
    sections = [{**section, "items": [_marked(item, tag) for item in section["items"]]}
                for section in _sections(content, text) if section["items"]]
    return {"title": text("site_name"), "summary": summary, "sections": sections}


class OperatorText:
    """The operator's words for one reader: text(name) in the reader's language or, failing that, in
    another (its `lang` says which); text.own(name) only in the reader's, for a sentence of ours to hold."""

    def __init__(self, content: dict, tag: str):
        self.content, self.tag = content, tag

    def __call__(self, name: str):
        return shown_text(self.content, name, self.tag)

    def own(self, name: str):
        found = self(name)
        return found if found is not None and found.lang in (None, self.tag) else None

    def operator(self, name: str):
        return organisation_name(self.content.get("operator") or {}, name, self.tag)


def _marked(item: dict, tag: str) -> dict:
    """Give an item written in another language than the page that language's tag, for its lang attribute."""
    lang = getattr(item["text"], "lang", None)
    if not lang or lang == tag:
        return item
    note = _("Not available in %(reader)s: shown in %(written)s, as the operator wrote it.",
             reader=choice_label("language", tag), written=choice_label("language", lang))
    return {**item, "lang": lang, "note": note}


def _item(key: str, label: str | None, text: str, url: str | None = None) -> dict:
    item = {"key": key, "label": label, "text": text}
    if url:
        item["url"] = url
    return item


def summary_items(content: dict, text) -> list[dict]:
    """Answer who runs the cameras, why, how long faces are kept, the alternative and whom to ask."""
    operator = content.get("operator") or {}
    return [
        _item("who", _("Who runs these cameras"), text.operator("legal_name") or "—"),
        _item("why", _("Why"), text("purpose_text") or purpose_label(content.get("purpose"))),
        _item("how_long", _("How long faces are kept"), retention_sentence(content)),
        _item("instead", _("What you can do instead"), alternative_sentence(content, text)),
        {**_item("ask", _("Whom to ask"), contact_sentence(operator)), "links": contact_links(operator)},
    ]


def retention_sentence(content: dict) -> str:
    """Say how long face data is kept, and whether camera images are kept at all."""
    days = content.get("retention_period_days")
    parts = [ngettext("Deleted after %(num)s day at most.", "Deleted after %(num)s days at most.", days)
             if days else _("The operator has not yet said how long face data is kept.")]
    if content.get("raw_image_retained") is False:
        parts.append(_("Camera images are not kept, only the result of the check."))
    elif content.get("raw_image_retained"):
        parts.append(_("Camera images are kept for the same time."))
    return " ".join(parts)


def alternative_sentence(content: dict, text) -> str:
    """Name the non-FR alternative, or say plainly that there is none and where the cameras look."""
    if text("non_fr_alternative"):
        return text("non_fr_alternative")
    area = text.own("capture_area_description")
    if area:
        return _("No alternative is offered. The cameras cover: %(area)s", area=area)
    return _("No alternative is offered.")


def contact_sentence(operator: dict) -> str:
    """Return the operator's e-mail and phone, and the DPO's e-mail if there is one."""
    parts = [value for value in (operator.get("email"), operator.get("phone")) if value]
    dpo = operator.get("dpo") or {}
    if dpo.get("email"):
        parts.append(_("data protection officer: %(email)s", email=dpo["email"]))
    return " · ".join(parts) or "—"


def contact_links(operator: dict) -> list[dict]:
    """Return the contacts of contact_sentence as links a phone opens: mailto: and tel:."""
    links = [_mail(operator.get("email")), _call(operator.get("phone"))]
    dpo_email = (operator.get("dpo") or {}).get("email")
    if dpo_email:
        links.append({**_mail(dpo_email), "prefix": _("data protection officer:")})
    return [link for link in links if link]


def _mail(address: str | None) -> dict | None:
    return {"text": address, "href": f"mailto:{address}"} if address else None


def _call(number: str | None) -> dict | None:
    """Return a tel: link for a phone number as people write it (spaces, dashes, brackets are dropped)."""
    if not number:
        return None
    dialled = ("+" if number.strip().startswith("+") else "") + re.sub(r"[^0-9]", "", number)
    return {"text": number, "href": f"tel:{dialled}"} if len(dialled.lstrip("+")) >= 3 else {"text": number}


def _sections(content: dict, text) -> list[dict]:
    return [
        {"key": "operator", "title": _("Who is responsible"), "items": operator_items(content, text)},
        {"key": "purpose", "title": _("What the system does and why"), "items": purpose_items(content, text)},
        {"key": "data", "title": _("Your data: what, where, how long"), "items": data_items(content, text)},
        {"key": "area", "title": _("Where the cameras are"), "items": area_items(content, text)},
        {"key": "rights", "title": _("Your choices and rights"), "items": rights_items(content, text)},
    ]


def operator_items(content: dict, text: OperatorText) -> list[dict]:
    """Identify the operator (handler, controller or business) and how to reach it and its DPO."""
    operator = content.get("operator") or {}
    dpo = operator.get("dpo") or {}
    rows = [
        _item("operator", role_label(content.get("jurisdictions") or []), text.operator("legal_name")),
        _item("registration", _("Registration number"), operator.get("registration_number")),
        _item("address", _("Postal address"), text.operator("address")),
        {**_item("email", _("E-mail"), operator.get("email")), "links": [_mail(operator.get("email"))]},
        {**_item("phone", _("Phone"), operator.get("phone")), "links": [_call(operator.get("phone"))]},
        _item("dpo", _("Data protection officer"),
              " · ".join(v for v in (text.operator("dpo_name"), dpo.get("email"), dpo.get("phone")) if v)),
    ]
    return [row for row in rows if row["text"]]


def purpose_items(content: dict, text) -> list[dict]:
    """Purposes, method (1:1 or 1:N), legal basis, legitimate interest and necessity."""
    label = purpose_label(content.get("purpose"))
    if text.own("purpose_text") or not text("purpose_text"):
        rows = [_item("purpose", _("Purpose"), _joined(label, text.own("purpose_text")))]
    else:  # the operator's words in another language stand apart from ours
        rows = [_item("purpose", _("Purpose"), label), _item("purpose_text", None, text("purpose_text"))]
    for use in content.get("secondary_uses") or []:
        rows += _secondary_use_items(content, use, text.tag)
    rows.append(_item("method", _("Method"), method_sentence(content.get("function"), content.get("live_mode"))))
    if content.get("function") in ("categorisation", "emotion_recognition"):
        rows.append(_item("disclosure", _("Please note"), disclosure_sentence(content["function"])))
    rows += [
        _item("basis_cn", _("Legal basis (PIPL)"), cn_basis_labels().get(content.get("legal_basis_cn"))),
        _item("basis_gdpr", _("Legal basis (GDPR Art. 6)"), gdpr_art6_labels().get(content.get("gdpr_art6_basis"))),
        _item("condition_gdpr", _("Condition for biometric data (GDPR Art. 9)"),
              gdpr_art9_labels().get(content.get("gdpr_art9_condition"))),
        _item("legitimate_interest", _("Legitimate interest"), text("legitimate_interest_text")),
        _item("necessity", _("Why face recognition is needed"), text("necessity_justification")),
    ]
    return [row for row in rows if row["text"]]


def data_items(content: dict, text) -> list[dict]:
    """Data categories, raw images, retention, storage place, transfers, recipients and the no-sale statement."""
    rows = [_item("categories", _("Data collected"), data_categories(content.get("function"))),
            _item("retention", _("How long it is kept"), retention_sentence(content)),
            _item("retention_criteria", _("When it is deleted"), text("retention_criteria_text"))]
    if content.get("retention_policy_url"):
        rows.append(_item("retention_policy", _("Retention and destruction policy"),
                          content["retention_policy_url"], url=content["retention_policy_url"]))
    rows.append(_item("storage", _("Where it is stored"), storage_labels().get(content.get("storage_mode"))))
    rows.append(_item("transfer_basis", _("Why it may travel over the internet"),
                      transfer_basis_labels().get(content.get("internet_transfer_basis"))))
    rows += _recipient_items(content, text.tag)
    if set(content.get("jurisdictions") or []) & set(NO_SALE_JURISDICTIONS):
        rows.append(_item("no_sale", _("Not for sale"), _(
            "We do not sell, lease, trade or otherwise profit from your biometric data.")))
    return [row for row in rows if row["text"]]


def area_items(content: dict, text) -> list[dict]:
    """Where the cameras look and the site's address."""
    rows = [_item("capture_area", _("Area the cameras cover"), text("capture_area_description")),
            _item("site_address", _("Address"), text("address"))]
    return [row for row in rows if row["text"]]


def rights_items(content: dict, text) -> list[dict]:
    """The alternative, consent withdrawal, rights, complaints, children and automated decisions."""
    rows = [_item("alternative", _("Without face recognition"), alternative_sentence(content, text))]
    if uses_consent(content):
        rows.append(_item("withdraw", _("Withdrawing consent"), _(
            "You can withdraw your consent at any time, as easily as you gave it: open your receipt with the "
            "code printed on it, no account needed, or write to or call the contacts above. Your face data is "
            "then deleted; what was done before stays lawful.")))
    rows.append(_item("rights", _("Your rights"), _(
        "You can ask to see your data and get a copy, to have it corrected or deleted, to know how it is "
        "used, and to object. Write to or call the contacts above; no account is needed.")))
    for jurisdiction in content.get("jurisdictions") or []:
        authority = complaint_authorities().get(jurisdiction)
        if authority:
            rows.append(_item("complaint", _("Complaints"), authority))
    if "CN" in (content.get("jurisdictions") or []) and content.get("minors_expected"):
        rows.append(_item("minors", _("Children under 14"), _(
            "Face data of children under 14 is processed only with a parent's or guardian's consent, "
            "under special rules."), url=content.get("minors_rules_url")))
    if content.get("automated_decisions"):
        rows.append(_item("automated", _("Automatic decisions"), text("automated_decisions_text") or _(
            "Some decisions about you are made automatically.")))
    elif content.get("automated_decisions") is False:
        rows.append(_item("automated", _("Automatic decisions"), _(
            "The system does not decide anything about you on its own.")))
    return rows


def uses_consent(content: dict) -> bool:
    """Return whether processing rests on consent, so withdrawal must be explained."""
    return (content.get("legal_basis_cn") in CONSENT_BASES_CN
            or content.get("gdpr_art6_basis") in CONSENT_BASES_GDPR
            or content.get("gdpr_art9_condition") in CONSENT_BASES_GDPR)


def history_items(versions: list[dict]) -> list[dict]:
    """Describe each published version: number, effective date and what changed from the one before."""
    rows = []
    for version in versions:
        labels = dict.fromkeys(field_label(name) for name in version.get("changed_fields") or [])
        changed = ", ".join(labels)
        rows.append({"number": version["number"], "date": format_date(version["effective_from"], "long"),
                     "changes": changed or (_("First version") if version["number"] == 1 else "—")})
    return rows


def _secondary_use_items(content: dict, use: dict, tag: str) -> list[dict]:
    """A secondary use in a sentence of ours where the operator wrote it in the reader's language, else on its
    own (marked with its language), with whether it needs consent as a sentence apart."""
    words = shown_row_text(content, "secondary_uses", use, "use", tag) if isinstance(use, dict) else None
    if words is None or words.lang in (None, tag):
        return [_item("secondary_use", _("Also used for"), secondary_use_sentence(use, words))]
    items = [_item("secondary_use", _("Also used for"), words)]
    if use.get("consent_mode") in CONSENT_BASES_CN:
        items.append(_item("secondary_use_consent", None, _("Only with your separate consent.")))
    return items


def _recipient_items(content: dict, tag: str) -> list[dict]:
    """Who else receives the data, in one sentence; a purpose the operator did not write in the reader's
    language follows as an item of its own, marked with its language."""
    recipients = [r for r in content.get("recipients_third_parties") or [] if isinstance(r, dict)]
    names = [shown_row_text(content, "recipients_third_parties", r, "name", tag) for r in recipients]
    purposes = [shown_row_text(content, "recipients_third_parties", r, "purpose", tag) for r in recipients]
    own = [p if p is not None and p.lang in (None, tag) else None for p in purposes]
    items = [_item("recipients", _("Who else receives it"), recipients_sentence(recipients, names, own))]
    for name, purpose, kept in zip(names, purposes, own):
        if purpose is not None and kept is None:
            items.append(_item("recipient_purpose", _("Why %(name)s receives it", name=name or "—"), purpose))
    return items


def _joined(*parts) -> str:
    return ": ".join(part for part in parts if part)
