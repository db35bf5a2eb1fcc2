"""What a consent record must hold and how it moves (regulation.md §7). Pure functions."""
import re
from datetime import datetime, timedelta

from signage.rules.common import relies_on_consent
from signage.rules.findings import N_, in_jurisdiction
from signage.rules.packs import PackSettings

SCHEMA_VERSION = "signage-consent-1"
AGE_BANDS = ("under_14", "14_to_17", "adult")
#: How the answer was collected (ISO/IEC TS 27560 collection_method).
COLLECTION_METHODS = ("kiosk", "self_service", "paper", "app")
ACTORS = ("subject", "guardian")
GUARDIAN_RELATIONSHIPS = ("parent", "legal_guardian", "authorised_representative")
GUARDIAN_VERIFICATIONS = ("identity_document_checked", "family_register_checked", "known_to_staff",
                          "signed_declaration")
WITHDRAWAL_CHANNELS = ("kiosk", "receipt_page", "operator")
STATES = ("requested", "given", "refused", "withdrawn", "expired", "superseded")
#: §7.3: each move is a new event; refused, withdrawn, expired and superseded are final.
TRANSITIONS = {"requested": ("given", "refused"), "given": ("withdrawn", "expired", "superseded")}
PRIMARY = "primary"
#: Secondary uses asked as purposes of their own: those the site says need consent.
CONSENT_MODES_ASKED = ("separate_consent", "written_consent")
#: What the face data is, as ISO/IEC TS 27560 pii_type and Kantara piiCategory name it.
PII_TYPES = ("facial_image", "face_template")
#: The jurisdiction whose deletion period applies: EU and UK share GDPR 17's.
DELETION_GROUPS = {"CN": "cn", "EU": "eu", "UK": "eu"}

#: Ten or more digits among separators: a phone number, a resident id (17 digits and a check symbol), a bank
#: card; a membership number of fewer digits, or with letters, is fine. Written for both Python and the
#: API document's ECMA-262 regular expressions, hence [0-9] and no look-arounds.
SEPARATOR = r"[ ().\-/]"
LONG_NUMBER = rf"^{SEPARATOR}*(\+{SEPARATOR}*)?([0-9]{SEPARATOR}*){{10,}}([0-9Xx]{SEPARATOR}*)?$"
US_SSN = r"^ *[0-9]{3}-[0-9]{2}-[0-9]{4} *$"
#: What a subject reference may not look like, as the API document states it.
NOT_A_PSEUDONYM = {"anyOf": [{"pattern": "@"}, {"pattern": LONG_NUMBER}, {"pattern": US_SSN}]}


def consent_jurisdictions(site: dict) -> tuple[str, ...]:
    """Return the site's jurisdictions under which the person's consent is the legal basis: CN separate
    or written consent, GDPR Art 6(1)(a) or 9(2)(a), the Illinois release, and Texas or Washington
    consent before capture."""
    chosen = []
    if in_jurisdiction(site, "CN") and relies_on_consent({"legal_basis_cn": site.get("legal_basis_cn")}):
        chosen.append("CN")
    eu_basis = {"gdpr_art6_basis": site.get("gdpr_art6_basis"), "gdpr_art9_condition": site.get("gdpr_art9_condition")}
    chosen += [tag for tag in ("EU", "UK") if in_jurisdiction(site, tag) and relies_on_consent(eu_basis)]
    if in_jurisdiction(site, "US-IL"):
        chosen.append("US-IL")  # BIPA 15(b): a written release before any collection
    chosen += [tag for tag in ("US-TX", "US-WA") if in_jurisdiction(site, tag)
               and site.get("consent_before_capture") is True]
    return tuple(chosen)


NOT_CONSENT_BASIS = N_("This site does not rely on consent: its legal basis is not the person's consent under "
                       "any of its jurisdictions, so a consent recorded here would prove nothing.")
NOT_ACTIVE = N_("Consent is recorded only at an active site: this one is %(status)s.")


def recording_refusal(site: dict, status: str) -> str | None:
    """Say why a site cannot record consent now, or None when it can."""
    if status != "active":
        return NOT_ACTIVE
    if not consent_jurisdictions(site):
        return NOT_CONSENT_BASIS
    return None


def consent_type(site: dict, jurisdictions: tuple[str, ...]) -> str:
    """Return the kind of consent owed: written for Illinois or a CN written-consent basis, separate for CN,
    explicit for the EU, the UK and the other US laws."""
    if "US-IL" in jurisdictions or ("CN" in jurisdictions and site.get("legal_basis_cn") == "written_consent"):
        return "written"
    return "separate" if "CN" in jurisdictions else "explicit"


def subject_ref_problem(value: str) -> str | None:
    """Say why a subject reference is not a pseudonym the operator chose, or None when it is one.

    Every check is a single pass over the text, whatever its length: the length limit is another
    validator's, and marshmallow runs them all."""
    if "@" in value:  # no pseudonym needs one, and every e-mail address has one
        return N_("This looks like an e-mail address. Use the reference you gave the person, such as a "
                  "membership number.")
    if re.match(LONG_NUMBER, value) or re.match(US_SSN, value):
        return N_("This looks like a phone or identity number. Use the reference you gave the person, such as "
                  "a membership number.")
    return None


def answer_problems(data: dict, jurisdictions: tuple[str, ...]) -> dict[str, list[str]]:
    """Name the fields a given consent lacks: a guardian for a child under 14 (CN-MINORS, §7.5) and the
    signed release in Illinois (IL-WRITTEN-RELEASE, §7.6). A refusal needs neither."""
    if not data["purposes"].get(PRIMARY):
        return {}
    problems = {}
    if data["age_band"] == "under_14":
        if data.get("acted_by") != "guardian":
            problems["acted_by"] = [N_("Only a guardian can consent for a child under 14 (CN-MINORS).")]
        for name in ("guardian_relationship", "guardian_verification"):
            if not data.get(name):
                problems[name] = [N_("Say this for the guardian of a child under 14 (CN-MINORS).")]
    if "US-IL" in jurisdictions and not data.get("evidence_sha256"):
        problems["release"] = [N_("Illinois needs a written release signed by the person or their "
                                  "representative (IL-WRITTEN-RELEASE): upload it.")]
    return problems


def asked_purposes(content: dict) -> list[dict]:
    """Return the purposes a notice version asks consent for: the primary one, then each secondary use that
    needs consent of its own, each with the key an answer names it by."""
    purposes = [{"key": PRIMARY, "purpose": content.get("purpose"), "text": content.get("purpose_text"),
                 "primary": True, "optional": False}]
    for number, use in enumerate(content.get("secondary_uses") or (), start=1):
        if use.get("consent_mode") in CONSENT_MODES_ASKED:
            purposes.append({"key": f"secondary_{number}", "purpose": "secondary_use", "text": use.get("use"),
                             "text_translations": use.get("text_translations") or {}, "primary": False,
                             "optional": True})
    return purposes


def answer_state(answers: dict) -> str:
    """Return the record's state after its answer: the primary purpose's."""
    return "given" if answers.get(PRIMARY) else "refused"


def purpose_states(answers: dict) -> dict[str, str]:
    """Return each asked purpose's state after the answer."""
    return {key: "given" if yes else "refused" for key, yes in answers.items()}


def withdrawn_states(states: dict[str, str], scope) -> dict[str, str]:
    """Return the purposes' states after withdrawing `scope` ("all" or a list of keys); the primary
    purpose takes every optional one with it, as they were asked only after it."""
    keys = set(states) if scope == "all" or PRIMARY in scope else set(scope)
    return {key: "withdrawn" if key in keys and state == "given" else state for key, state in states.items()}


def ended_states(states: dict[str, str], state: str) -> dict[str, str]:
    """Return the purposes' states once the whole consent ends (superseded, expired): those given end too."""
    return {key: state if value == "given" else value for key, value in states.items()}


def state_after_withdrawal(states: dict[str, str]) -> str:
    """Return the record's state once purposes are withdrawn: withdrawn when the primary one is."""
    return "withdrawn" if states.get(PRIMARY) == "withdrawn" else "given"


def withdrawal_problem(state: str, states: dict[str, str], scope) -> str | None:
    """Say why a withdrawal cannot be made, or None: only a given consent can be withdrawn, and only
    purposes that are given."""
    if state != "given":
        return N_("This consent is %(state)s; there is nothing left to withdraw.")
    if scope != "all":
        unknown = [key for key in scope if key not in states]
        if unknown:
            return N_("No such purpose in this consent: %(keys)s.")
        if not any(states[key] == "given" for key in scope):
            return N_("These purposes are not given; there is nothing left to withdraw.")
    return None


def deletion_due_at(jurisdictions, settings: PackSettings, withdrawn_at: datetime) -> datetime:
    """Return when face data must be deleted after a withdrawal: the shortest period of the record's
    jurisdictions (pack settings; the laws say "promptly" and name no number)."""
    periods = {"cn": settings.deletion_days_cn, "eu": settings.deletion_days_eu}
    days = min(periods.get(DELETION_GROUPS.get(tag), settings.deletion_days_other) for tag in jurisdictions or ("OTHER",))
    return withdrawn_at + timedelta(days=days)


def consent_in_force(state: str, expires_at: datetime | None, now: datetime) -> bool:
    """Say whether a consent lets the site process the person's face now."""
    return state == "given" and (expires_at is None or now < expires_at)
