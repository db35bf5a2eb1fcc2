"""Say what a sign prints: regulation.md §5.2 elements from the site record, translated per language.

Our own words come from gettext under flask_babel.force_locale, one pass per
sign language; the operator's own words come from the record's
text in that language (rules/texts.py: prose in its language, names as written otherwise).
SIGN-LANGUAGE keeps a sign file from being made while prose lacks a language. Elements that do not
apply are left out, never printed blank. Nothing here reads the clock or the
database: the caller passes the record, the operator, the sign and `now`.
"""
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from signage.translation import force_locale, gettext as _, ngettext

from signage.errors import InvalidInput
from signage.fonts import unprintable
from signage.i18n import LOCALES_BY_TAG
from signage.labels import choice_label
from signage.notices.phrases import disclosure_sentence, purpose_label
from signage.rules.texts import organisation_name, placement_in, shown_row_text, shown_text
from signage.signs.layout import layout
from signage.signs.spec import SignLine, SignSpec, TextTooLong

#: Elements in printed order (regulation.md §5.2, rows 2 to 10).
ELEMENTS = ("operator", "purpose", "legal_basis", "capture_area", "retention", "recipients", "alternative",
            "rights", "disclosure", "nyc_statement")
#: The 100 × 100 mm sticker holds about three elements: who, why, and how to ask.
STICKER_ELEMENTS = ("operator", "purpose", "rights")
#: The site or organisation field to shorten when an element does not fit; others need a larger size.
FIELD_TO_SHORTEN = {"operator": "operator_legal_name", "purpose": "purpose_text",
                    "capture_area": "capture_area_description", "recipients": "recipients_third_parties",
                    "alternative": "non_fr_alternative", "rights": "operator_contact", "phone": "operator_contact"}


def sign_url(base_url: str, serial: str) -> str:
    """Return the short URL a sign encodes: upper-case scheme and host, so QR alphanumeric mode applies."""
    parts = urlsplit(base_url.strip().rstrip("/"))
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}/S/{serial.upper()}"


def printed_url(base_url: str, serial: str) -> str:
    """Return the short URL as printed for people to type: host in lower case, no scheme (a browser adds it),
    the serial in capitals as on the rest of the sign: signs.example.com/S/4KX2Q9AB."""
    parts = urlsplit(base_url.strip().rstrip("/"))
    return f"{parts.netloc.lower()}{parts.path}/S/{serial.upper()}"


def sign_spec(record: dict, operator: dict, sign, *, size: str, base_url: str, notice_date: date | None,
              now: datetime) -> SignSpec:
    """Return the SignSpec for one sign at one paper size, in the sign's language pair.

    Text that the sign fonts cannot print (stored before input was checked) is refused naming its field.
    """
    printed = printed_text(record, operator, tuple(sign.languages), size)
    # for the installer, in the sign's first language where it has one
    placement = placement_in(getattr(sign, "placement", "") or "", getattr(sign, "text_translations", None),
                             printed.languages[0])
    for line in printed.lines:
        for text in line.texts:
            reason = unprintable(text)
            if reason:
                field = FIELD_TO_SHORTEN.get(line.key, line.key)
                raise InvalidInput(f"The {field} text cannot be printed.", errors={field: [reason]})
    return SignSpec(serial=sign.serial, url=sign_url(base_url, sign.serial), size=size, languages=printed.languages,
                    heading=printed.heading, lines=printed.lines, qr_caption=printed.qr_caption,
                    phone=operator.get("phone") or None,
                    footer=sign_footer(sign.serial, sign.notice_version, notice_date, now, placement=placement,
                                       tag=printed.languages[0]),
                    printed_url=printed_url(base_url, sign.serial), placement=placement,
                    site_name=shown_text(record, "site_name", printed.languages[0]) or "")


class PrintedText(NamedTuple):
    """The words a sign prints, apart from its serial, URL and footer: what a reprint would change."""

    languages: tuple[str, ...]
    heading: tuple[str, ...]
    lines: tuple[SignLine, ...]
    qr_caption: tuple[str, ...]
    phone: str | None


def printed_text(record: dict, operator: dict, languages: tuple[str, ...], size: str) -> PrintedText:
    """Return the words a sign of this size and language pair prints for a record and its operator."""
    keep = STICKER_ELEMENTS if size == "STICKER" else ELEMENTS
    texts = {tag: _in_language(tag, record, operator, compact=size == "STICKER") for tag in languages}
    lines = tuple(SignLine(key, tuple(texts[tag][key] for tag in languages))
                  for key in keep if all(texts[tag][key] for tag in languages))
    return PrintedText(languages, tuple(texts[tag]["heading"] for tag in languages), lines,
                       tuple(texts[tag]["qr_caption"] for tag in languages), operator.get("phone") or None)


class ReadLog(dict):
    """A record or operator that notes which of its fields were read, so a sign names what it prints."""

    def __init__(self, data: dict):
        super().__init__(data)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def sign_footer(serial: str, version: int, notice_date: date | None, now: datetime, *,
                placement: str | None = None, tag: str = "en") -> str:
    """Return the footer in the sign's first language (`tag`): where the sign hangs (for the installer),
    serial, notice version with its effective date when published, print date."""
    with force_locale(LOCALES_BY_TAG[tag]):
        notice = (_("Notice v%(version)s (%(date)s)", version=version, date=notice_date.isoformat()) if notice_date
                  else _("Notice v%(version)s", version=version))
        parts = [_("Sign %(serial)s", serial=serial), notice, _("Printed %(date)s", date=now.date().isoformat())]
    return " · ".join(([placement] if placement else []) + parts)


def _in_language(tag: str, record: dict, operator: dict, *, compact: bool) -> dict:
    def text(name: str):
        return shown_text(record, name, tag)

    with force_locale(LOCALES_BY_TAG[tag]):
        texts = {key: _ELEMENT_TEXT[key](record, operator, text, tag) for key in ELEMENTS}
        texts["heading"] = _("Facial recognition in use")
        texts["qr_caption"] = _("Scan for the full notice")
        if compact:  # the sticker's QR panel carries the phone; the e-mail would crowd out the rights
            texts["rights"] = _("You may see, correct or delete your data.")
            # and the legal role's name ("personal information handler") would crowd out the operator's own
            name = organisation_name(operator, "legal_name", tag)
            texts["operator"] = _("%(role)s: %(name)s", role=_("Operator"), name=name) if name else None
    return texts


def role_word(jurisdictions) -> str:
    """Name the operator's role in the jurisdiction's word: handler (CN), controller (EU, UK), business (US)."""
    jurisdictions = set(jurisdictions or ())
    if "CN" in jurisdictions:  # PIPL's own term, as the notice names it: "handler" alone reads as a job title
        return _("Personal information handler")
    if jurisdictions & {"EU", "UK"}:
        return _("Controller")
    if any(j.startswith("US-") for j in jurisdictions):
        return _("Business")
    return _("Operator")


def _operator(record, operator, text, tag):
    name = organisation_name(operator, "legal_name", tag)
    return _("%(role)s: %(name)s", role=role_word(record.get("jurisdictions")), name=name) if name else None


def _purpose(record, operator, text, tag):
    purpose = text("purpose_text") or purpose_label(record.get("purpose"))
    return _("Purpose: %(purpose)s", purpose=purpose) if purpose else None


def _legal_basis(record, operator, text, tag):
    if not set(record.get("jurisdictions") or ()) & {"EU", "UK"}:
        return None
    parts = [choice_label(name, record.get(name)) for name in ("gdpr_art6_basis", "gdpr_art9_condition")]
    parts = [part for part in parts if part]
    return _("Legal basis (GDPR): %(basis)s", basis="; ".join(parts)) if parts else None


def _capture_area(record, operator, text, tag):
    area = text("capture_area_description")
    if not area:
        return None
    return _("Cameras at %(site)s cover: %(area)s", site=text("site_name"), area=area)


def _retention(record, operator, text, tag):
    days = record.get("retention_period_days")
    parts = [ngettext("Face data is deleted after %(num)s day at most.",
                      "Face data is deleted after %(num)s days at most.", days)] if days else []
    if record.get("raw_image_retained") is False:
        parts.append(_("No camera images are kept."))
    elif record.get("raw_image_retained"):
        parts.append(_("Camera images are kept for the same time."))
    return " ".join(parts) or None


def _recipients(record, operator, text, tag):
    rows = record.get("recipients_third_parties") or []
    # a name, so printed as written where the operator gave none in this language
    names = ", ".join(f"{shown_row_text(record, 'recipients_third_parties', row, 'name', tag)} ({row['country']})"
                      for row in rows)
    return _("Shared with: %(names)s", names=names) if names else None


def _alternative(record, operator, text, tag):
    alternative = text("non_fr_alternative")
    return _("Prefer not to? %(alternative)s", alternative=alternative) if alternative else None


def _rights(record, operator, text, tag):
    contacts = [operator.get("email")] if operator.get("email") else []
    dpo_email = (operator.get("dpo") or {}).get("email")
    if dpo_email:
        contacts.append(_("DPO %(email)s", email=dpo_email))
    rights = _("You may see, correct or delete your data.")
    return _("%(rights)s Ask: %(contacts)s", rights=rights, contacts=" · ".join(contacts)) if contacts else rights


def _disclosure(record, operator, text, tag):
    function = record.get("function")
    return disclosure_sentence(function) if function in ("categorisation", "emotion_recognition") else None


def _nyc_statement(record, operator, text, tag):
    if "US-NYC" not in (record.get("jurisdictions") or ()):
        return None
    ticked = {_("Collected"): True,
              _("Retained"): bool(record.get("retention_period_days") or record.get("raw_image_retained")),
              _("Converted"): record.get("function") not in (None, "detection_only"),
              _("Stored"): bool(record.get("storage_mode")),
              _("Shared"): bool(record.get("recipients_third_parties"))}
    boxes = " · ".join(f"[{'x' if on else ' '}] {label}" for label, on in ticked.items())
    return _("Biometric identifier information at this location: %(activities)s", activities=boxes)


_ELEMENT_TEXT: dict[str, Callable] = {
    "operator": _operator, "purpose": _purpose, "legal_basis": _legal_basis, "capture_area": _capture_area,
    "retention": _retention, "recipients": _recipients, "alternative": _alternative, "rights": _rights,
    "disclosure": _disclosure, "nyc_statement": _nyc_statement,
}


def fitted(render: Callable, spec: SignSpec):
    """Render spec, or refuse naming the field to shorten, and by how much, when text cannot fit even at the
    minimum size."""
    try:
        return render(spec)
    except TextTooLong as error:
        raise too_long(error.field, spec.size, cuts=characters_to_cut(spec, error.field)) from None


def characters_to_cut(spec: SignSpec, element: str) -> dict[str, int]:
    """Return, per sign language, about how many characters the element's text must lose to fit.

    Two ways are tried, the longest language's text cut alone and every language's by the same share, and
    the one that cuts fewer characters in all is given; the largest share that still fits is found by
    bisection on the layout itself, so cutting that much fits.
    """
    index = next((i for i, line in enumerate(spec.lines) if line.key == element), None)
    if index is None:
        return {}
    line = spec.lines[index]

    def kept(share: float, cut: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(text[:int(len(text) * share)] if i in cut else text for i, text in enumerate(line.texts))

    def fits(share: float, cut: tuple[int, ...]) -> bool:
        lines = spec.lines[:index] + (replace(line, texts=kept(share, cut)),) + spec.lines[index + 1:]
        try:
            layout(replace(spec, lines=lines))
        except TextTooLong:
            return False
        return True

    def cuts(cut: tuple[int, ...]) -> dict[str, int] | None:
        if not fits(0.0, cut):
            return None
        low, high = 0.0, 1.0
        for _ in range(8):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle, cut) else (low, middle)
        return {tag: len(text) - len(short) for tag, text, short in zip(spec.languages, line.texts, kept(low, cut))
                if len(text) > len(short)}

    longest = max(range(len(line.texts)), key=lambda i: len(line.texts[i]))
    found = [answer for answer in (cuts((longest,)), cuts(tuple(range(len(line.texts))))) if answer is not None]
    # none: something else is too long as well, and cutting this element alone will not do
    return min(found, key=lambda answer: sum(answer.values())) if found else {}


def too_long(element: str, size: str, serial: str | None = None, cuts: dict[str, int] | None = None) -> InvalidInput:
    """Return the InvalidInput that names the site field behind an element too long for a size, and how many
    characters each language's text should lose."""
    which = f"Sign {serial}: the" if serial else "The"
    field = FIELD_TO_SHORTEN.get(element)
    if field is None:
        return InvalidInput(f"{which} sign's text does not fit on a {size} sign.",
                            errors={"size": [f"Too much text for a {size} sign: choose a larger size."]})
    messages = [f"Too long for a {size} sign: cut about {count} characters from the {tag} text, or choose a "
                f"larger size." for tag, count in (cuts or {}).items()]
    return InvalidInput(f"{which} {field} text does not fit on a {size} sign.",
                        errors={field: messages or [f"Too long for a {size} sign: shorten it or choose a larger "
                                                    "size."]})
