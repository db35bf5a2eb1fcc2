"""Labels and sentences for notices: how the site record's values read in plain language."""
from signage.translation import gettext as _

from signage.vocabulary import CONSENT_BASES_CN


def role_label(jurisdictions: list[str]) -> str:
    """Name the operator's role in the jurisdiction's word: handler, controller or business."""
    if "CN" in jurisdictions:
        return _("Personal information handler")
    if set(jurisdictions) & {"EU", "UK"}:
        return _("Controller")
    return _("Operator")


def purpose_label(purpose: str | None) -> str | None:
    """Name a purpose from the vocabulary in plain words."""
    return {"public_security": _("Public security"), "access_control": _("Controlling entry"),
            "attendance": _("Recording attendance"), "payment": _("Payment"),
            "identity_verification": _("Checking identity"), "marketing_analytics": _("Marketing analysis"),
            "other": _("Other purpose")}.get(purpose)


def method_sentence(function: str | None, live_mode: str | None) -> str | None:
    """Explain how the system uses faces, and whether it runs live."""
    sentence = {
        "verification_1to1": _("1:1 verification: your face is compared with the one face you enrolled."),
        "identification_1toN": _("1:N identification: every face in view is compared with a list of stored faces."),
        "detection_only": _("Face detection only: the system notices faces but does not recognise anyone."),
        "categorisation": _("Categorisation: people are sorted into groups (such as age group) from their faces."),
        "emotion_recognition": _("Emotion recognition: the system guesses emotions from faces."),
    }.get(function)
    if sentence and live_mode == "realtime":
        return sentence + " " + _("It works in real time.")
    if sentence and live_mode == "retrospective":
        return sentence + " " + _("It works on recordings afterwards.")
    return sentence


def disclosure_sentence(function: str) -> str:
    """Disclose categorisation or emotion recognition (AI Act Art. 50(3))."""
    if function == "emotion_recognition":
        return _("This system detects emotions from faces.")
    return _("This system sorts people into categories from their faces.")


def data_categories(function: str | None) -> str | None:
    """Name the kinds of data the function produces."""
    if function in ("verification_1to1", "identification_1toN"):
        return _("Images of faces from the cameras, and face templates: numbers computed from a face "
                 "that can recognise it.")
    if function in ("categorisation", "emotion_recognition"):
        return _("Images of faces from the cameras, and the categories or emotions inferred from them.")
    if function == "detection_only":
        return _("Images from the cameras; no face templates are made.")
    return None


def recipients_sentence(recipients: list[dict], names: list, purposes: list) -> str:
    """List recipients with country and purpose (where given in the reader's language, else left to an item
    of its own), or say that nobody else receives the data."""
    if not recipients:
        return _("Nobody outside the operator.")
    def one(recipient, name, purpose):
        country = recipient.get("country") or "—"
        if purpose:
            return _("%(name)s (%(country)s), for %(purpose)s", name=name or "—", country=country, purpose=purpose)
        return _("%(name)s (%(country)s)", name=name or "—", country=country)
    return "; ".join(one(*row) for row in zip(recipients, names, purposes))


def secondary_use_sentence(use: dict, words: str | None) -> str:
    """Describe a use beyond the main purpose, in the reader's language, and whether it needs the person's
    consent."""
    mode = use.get("consent_mode")
    if mode in CONSENT_BASES_CN:
        # the operator's full stop would end our sentence in its middle
        return _("%(use)s, only with your separate consent", use=(words or "—").rstrip(" .。;；"))
    return words or "—"


def field_label(name: str) -> str:
    """Name a notice field for the change history."""
    return {
        "site_name": _("site name"), "address": _("address"), "jurisdictions": _("jurisdictions"),
        "capture_area_description": _("capture area"), "function": _("method"), "live_mode": _("method"),
        "purpose": _("purpose"), "purpose_text": _("purpose"), "necessity_justification": _("necessity"),
        "non_fr_alternative": _("alternative"), "secondary_uses": _("other uses"),
        "legal_basis_cn": _("legal basis"), "gdpr_art6_basis": _("legal basis"),
        "gdpr_art9_condition": _("legal basis"), "legitimate_interest_text": _("legitimate interest"),
        "storage_mode": _("storage"), "internet_transfer_basis": _("transfers"),
        "raw_image_retained": _("camera images"), "retention_period_days": _("retention"),
        "retention_criteria_text": _("retention"), "retention_policy_url": _("retention"),
        "recipients_third_parties": _("recipients"), "automated_decisions": _("automatic decisions"),
        "automated_decisions_text": _("automatic decisions"), "minors_expected": _("children"),
        "minors_rules_url": _("children"), "operator": _("operator contact"),
        "text_translations": _("translations"),
    }.get(name, name)


# Tables of labels are built per call, so gettext answers in the locale of the moment.
def cn_basis_labels() -> dict:
    return {"separate_consent": _("Your separate consent (PIPL Art. 29)"),
            "written_consent": _("Your written consent (PIPL Art. 29)"),
            "statutory_duty": _("A legal duty of the operator (PIPL Art. 13)"),
            "public_security_art26": _("Maintaining public security in a public place (PIPL Art. 26)"),
            "other_law": _("Another law that allows it (PIPL Art. 13)")}


def gdpr_art6_labels() -> dict:
    return {"6_1_a": _("Your consent (Art. 6(1)(a))"), "6_1_b": _("A contract with you (Art. 6(1)(b))"),
            "6_1_c": _("A legal obligation (Art. 6(1)(c))"), "6_1_d": _("Protecting someone's life (Art. 6(1)(d))"),
            "6_1_e": _("A task in the public interest (Art. 6(1)(e))"),
            "6_1_f": _("Legitimate interests (Art. 6(1)(f))")}


def gdpr_art9_labels() -> dict:
    return {"9_2_a": _("Your explicit consent (Art. 9(2)(a))"), "9_2_b": _("Employment law (Art. 9(2)(b))"),
            "9_2_c": _("Protecting someone's life (Art. 9(2)(c))"),
            "9_2_d": _("A not-for-profit body's members (Art. 9(2)(d))"),
            "9_2_e": _("Data you made public (Art. 9(2)(e))"), "9_2_f": _("Legal claims (Art. 9(2)(f))"),
            "9_2_g": _("Substantial public interest (Art. 9(2)(g))"), "9_2_h": _("Health or social care (Art. 9(2)(h))"),
            "9_2_i": _("Public health (Art. 9(2)(i))"), "9_2_j": _("Archiving or research (Art. 9(2)(j))")}


def storage_labels() -> dict:
    return {"on_device": _("On the camera or device itself; it does not leave it."),
            "local_server": _("On the operator's own servers at the site."),
            "cloud": _("In a cloud service, reached over the internet."),
            "transferred_over_internet": _("Sent over the internet to servers elsewhere.")}


def transfer_basis_labels() -> dict:
    return {"separate_consent": _("Only with your separate consent."), "law": _("Because a law requires it.")}


def complaint_authorities() -> dict:
    return {
        "CN": _("You can complain to the Cyberspace Administration of China (CAC) or another authority "
                "that protects personal information."),
        "EU": _("You can complain to a data protection authority, especially where you live or work."),
        "UK": _("You can complain to the Information Commissioner's Office (ICO)."),
        "US-NYC": _("You can complain to the NYC Department of Consumer and Worker Protection."),
        "US-IL": _("You can complain to the Illinois Attorney General, or bring a claim in court (BIPA)."),
        "US-TX": _("You can complain to the Texas Attorney General."),
        "US-WA": _("You can complain to the Washington State Attorney General."),
        "US-OR-PORTLAND": _("You can complain to the City of Portland."),
    }
