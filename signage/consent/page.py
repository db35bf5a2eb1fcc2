"""What a receipt page says, in the reader's language: the answer, the notice shown, what followed."""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime
from flask_babel import get_locale, gettext as _

from signage.consent.codes import readable_code
from signage.labels import choice_label
from signage.notices.page import language_links
from signage.rules.texts import shown_row_text, shown_text, organisation_name


def receipt_model(receipt, notice_content: dict, tag: str, *, code: str, urls: dict, time_zone: str) -> dict:
    """Gather a receipt page: what the person was asked and said, under which notice, and its state now, with
    times in the site's time zone (the operator's), named."""
    def _when(iso: str) -> str:
        return babel_datetime(datetime.fromisoformat(iso), "long", tzinfo=ZoneInfo(time_zone), locale=get_locale())

    answer = receipt.record.events[0].content
    later = [event.content for event in receipt.record.events[1:]]
    # what ended the consent (a withdrawal, or its expiry), and so started the deletion clock
    withdrawal = next((event for event in later if event["event_type"] in ("withdrawn", "expired")
                       and event.get("deletion_due_at")), None)
    deletion = next((event for event in later if event["event_type"] == "deletion_confirmed"), None)
    operator = notice_content.get("operator") or {}
    return {
        "lang": tag, "languages": language_links(tag), "urls": urls,
        "code": readable_code(code), "kind": receipt.kind, "title": _title(receipt.kind),
        "site": shown_text(notice_content, "site_name", tag) or answer["site"]["name"],
        "operator": organisation_name(operator, "legal_name", tag) or operator.get("legal_name"),
        "contact": operator.get("email") or operator.get("phone"),
        "answered_at": _when(answer["event_time"]), "issued_at": _when(receipt.issued_at.isoformat()),
        "purposes": [_purpose(purpose, notice_content, tag, receipt.record.purpose_states) for purpose in
                     answer["purposes"]],
        "notice": {"version": answer["notice"]["version"], "sha256": answer["notice"]["sha256"]},
        "acted_by": _acted_by(answer), "age_band": answer["subject_age_band"],
        "state": receipt.record.state, "state_text": _state_text(receipt.record.state),
        "can_withdraw": receipt.record.state == "given",
        "withdrawal": withdrawal and {"kind": withdrawal["event_type"], "at": _when(withdrawal["event_time"]),
                                      "due": _when(withdrawal["deletion_due_at"]) if withdrawal["deletion_due_at"] else None},
        "deletion": deletion and {"at": _when(deletion["deletion_confirmed_at"]), "method": deletion["deletion_method"],
                                  "told": deletion["downstream_notified"]},
    }


def _title(kind: str) -> str:
    return {"given": _("Your consent receipt"), "refused": _("Your receipt: you said no"),
            "withdrawn": _("Your withdrawal receipt")}[kind]


def _state_text(state: str) -> str:
    return {"given": _("Your consent is in force. You can withdraw it at any time, below."),
            "refused": _("You said no. Your face is not used for this purpose."),
            "withdrawn": _("You withdrew your consent. Your face is no longer used, and your face data is "
                           "deleted: the date is below."),
            "expired": _("This consent has expired."),
            "superseded": _("This consent was renewed under a newer notice.")}.get(state, state)


def _purpose(purpose: dict, content: dict, tag: str, states: dict) -> dict:
    if purpose["primary"]:
        text = shown_text(content, "purpose_text", tag) or choice_label("purpose", purpose["purpose"])
    else:
        number = int(purpose["key"].rsplit("_", 1)[1])
        rows = content.get("secondary_uses") or []
        row = rows[number - 1] if number <= len(rows) else {"use": purpose.get("text")}
        text = shown_row_text(content, "secondary_uses", row, "use", tag) or purpose.get("text")
    state = states.get(purpose["key"], "given" if purpose["answer"] else "refused")
    return {"key": purpose["key"], "text": text, "lang": getattr(text, "lang", None), "primary": purpose["primary"],
            "answer": _("Yes") if purpose["answer"] else _("No"), "state": state,
            "state_text": {"given": _("in force"), "refused": _("refused"), "withdrawn": _("withdrawn")}.get(state, state)}


def _acted_by(answer: dict) -> str | None:
    entity = answer.get("entity") or {}
    if entity.get("acted_by") != "guardian":
        return None
    return _("Given by a guardian (%(relationship)s) for a child under 14.",
             relationship=choice_label("guardian_relationship", entity.get("guardian_relationship")))




def printed_model(page: dict) -> dict:
    """Add to a receipt page what its PDF prints as plain lines, with the labels the page template holds."""
    facts = [(_("Where"), page["site"]), (_("Who asked"), " · ".join(filter(None, (page["operator"], page["contact"])))),
             (_("When you answered"), page["answered_at"])] + ([(_("Who answered"), page["acted_by"])] if page["acted_by"] else [])
    lines = []
    if page["withdrawal"]:
        lines.append(_("Withdrawn on %(date)s.", date=page["withdrawal"]["at"]) if page["withdrawal"]["kind"] == "withdrawn"
                     else _("Expired on %(date)s.", date=page["withdrawal"]["at"]))
        if page["deletion"]:
            lines.append(_("Your face data was deleted on %(date)s.", date=page["deletion"]["at"]))
    if page["can_withdraw"]:
        lines.append(_("To withdraw, scan the QR code or open the address above and confirm: no account is needed."))
    return {**page, "facts": facts, "lines": lines,
            "notice_line": _("Notice version %(number)s", number=page["notice"]["version"]) + f" · SHA-256 {page['notice']['sha256']}",
            "labels": {"code": _("Receipt code"), "asked": _("What you were asked"), "answer": _("Your answer:"),
                       "notice": _("The notice you were shown"),
                       "keep": _("Keep this receipt: its code opens your receipt page, where you can see and "
                                 "withdraw your consent at any time, without an account.")}}
