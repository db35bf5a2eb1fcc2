"""Translated labels: allowed values, fields, audit actions, findings and who acted (validation messages
are signage.messages, the names templates see signage.template_names).

Shared by the dashboard's templates and the printed sign, so no feature owns them. Translation
happens when a label is shown (lazy_gettext), in the locale of the moment.
"""
from flask import g
from flask_babel import get_locale

from signage.duty_labels import DUTY_ACTIONS, DUTY_CHOICES, DUTY_SUBJECTS
from signage.consent_labels import CONSENT_ACTIONS, CONSENT_ACTORS, CONSENT_CHOICES, CONSENT_SUBJECTS
from signage.request_labels import REQUEST_ACTIONS, REQUEST_ACTORS, REQUEST_CHOICES, REQUEST_SUBJECTS
from signage.form_ui import FIELDS, FILING_PARTS, ROW_PARTS
from signage.local_time import local_text
from signage.rules.engine import BANS, RULES
from signage.rules.findings import refusal_groups
from signage.rules.texts import LANGUAGE_NAMES
from signage.translation import catalog, gettext, lazy_gettext as _l

CHOICES = {
    "jurisdictions": {
        "CN": _l("China (mainland)"), "EU": _l("European Union"), "UK": _l("United Kingdom"),
        "US-NYC": _l("New York City"), "US-IL": _l("Illinois"), "US-TX": _l("Texas"),
        "US-WA": _l("Washington State"), "US-OR-PORTLAND": _l("Portland, Oregon"),
        "OTHER": _l("Other (project defaults only)")},
    "venue_class": {
        "public_place": _l("Public place"),
        "business_premises_public_access": _l("Business premises open to the public"),
        "internal_workplace": _l("Internal workplace"),
        "residential_property_mgmt": _l("Residential property management"),
        "private_space": _l("Private space")},
    "private_space_type": {
        "hotel_guest_room": _l("Hotel guest room"), "public_bathhouse": _l("Public bathhouse"),
        "changing_room": _l("Changing room"), "toilet_restroom": _l("Toilet or restroom"),
        "dormitory": _l("Dormitory"), "other_private": _l("Other private space")},
    "nyc_establishment_type": {
        "place_of_entertainment": _l("Place of entertainment"), "retail_store": _l("Retail store"),
        "food_and_drink": _l("Food and drink establishment"),
        "financial_institution": _l("Financial institution"), "none": _l("None of these")},
    "function": {
        "verification_1to1": _l("Verification (1:1)"), "identification_1toN": _l("Identification (1:N)"),
        "detection_only": _l("Face detection only"), "categorisation": _l("Biometric categorisation"),
        "emotion_recognition": _l("Emotion recognition")},
    "live_mode": {"realtime": _l("Real time"), "retrospective": _l("Retrospective")},
    "operator_kind": {
        "private": _l("Private operator"), "public_authority": _l("Public authority"),
        "law_enforcement": _l("Law enforcement")},
    "purpose": {
        "public_security": _l("Public security"), "access_control": _l("Access control"),
        "attendance": _l("Attendance"), "payment": _l("Payment"),
        "identity_verification": _l("Identity verification"),
        "marketing_analytics": _l("Marketing analytics"), "other": _l("Other")},
    "portland_exception": {
        "legal_compliance": _l("Needed to comply with the law"), "device_unlock": _l("Unlocking a device"),
        "social_media_detection": _l("Detecting faces on social media")},
    "legal_basis_cn": {
        "separate_consent": _l("Separate consent"), "written_consent": _l("Written consent"),
        "statutory_duty": _l("Statutory duty"),
        "public_security_art26": _l("Public security (PIPL Art 26)"), "other_law": _l("Other law")},
    "gdpr_art6_basis": {
        "6_1_a": _l("6(1)(a) Consent"), "6_1_b": _l("6(1)(b) Contract"),
        "6_1_c": _l("6(1)(c) Legal obligation"), "6_1_d": _l("6(1)(d) Vital interests"),
        "6_1_e": _l("6(1)(e) Public task"), "6_1_f": _l("6(1)(f) Legitimate interests")},
    "gdpr_art9_condition": {
        "9_2_a": _l("9(2)(a) Explicit consent"), "9_2_b": _l("9(2)(b) Employment and social security law"),
        "9_2_c": _l("9(2)(c) Vital interests"), "9_2_d": _l("9(2)(d) Not-for-profit body"),
        "9_2_e": _l("9(2)(e) Made public by the person"), "9_2_f": _l("9(2)(f) Legal claims"),
        "9_2_g": _l("9(2)(g) Substantial public interest"), "9_2_h": _l("9(2)(h) Health or social care"),
        "9_2_i": _l("9(2)(i) Public health"), "9_2_j": _l("9(2)(j) Archiving, research or statistics")},
    "storage_mode": {
        "on_device": _l("On the device"), "local_server": _l("Local server"), "cloud": _l("Cloud"),
        "transferred_over_internet": _l("Transferred over the internet")},
    "internet_transfer_basis": {"separate_consent": _l("Separate consent"), "law": _l("Required by law")},
    "security_measures": {
        "encryption": _l("Encryption"), "audit": _l("Audit logging"), "access_control": _l("Access control"),
        "authorisation_mgmt": _l("Authorisation management"), "intrusion_detection": _l("Intrusion detection")},
    "consent_mode": {
        "separate_consent": _l("Separate consent"), "written_consent": _l("Written consent"),
        "notice_only": _l("Notice only"), "none": _l("No consent")},
    "filing.status": {
        "not_required": _l("Not required"), "due": _l("Due"), "filed": _l("Filed"),
        "change_due": _l("Change to report"), "cancel_due": _l("Cancellation to report")},
    "status": {
        "draft": _l("Draft"), "active": _l("Active"), "suspended": _l("Suspended"),
        "decommissioned": _l("Decommissioned")},
    "role": {"owner": _l("Owner"), "editor": _l("Editor"), "auditor": _l("Auditor")},
    "severity": {"error": _l("Error"), "warn": _l("Warning")},
    "sign_status": {"issued": _l("Issued"), "installed": _l("Installed"), "retired": _l("Retired")},
    # a language named inside a sentence ("write it in Chinese too"), in the reader's language
    "language": {"zh-Hans": _l("Chinese"), "en": _l("English")},
    "text_language": {"zh-Hans": _l("Chinese"), "en": _l("English")},
    **CONSENT_CHOICES,
    **REQUEST_CHOICES,
    **DUTY_CHOICES,
}

#: Buttons for lifecycle moves, worded as actions.
TRANSITION_LABELS = {"active": _l("Activate"), "suspended": _l("Suspend"), "decommissioned": _l("Decommission")}

AUDIT_ACTIONS = {
    "site.registered": _l("Site registered"), "site.updated": _l("Site changed"),
    "site.status_changed": _l("Status changed"), "site.finding_acknowledged": _l("Warning acknowledged"),
    "notice.published": _l("Notice published"), "sign.flagged_stale": _l("Sign flagged for reprint"),
    "sign.issued": _l("Sign issued"), "sign.status_changed": _l("Sign status changed"),
    "organisation.created": _l("Organisation created"), "organisation.updated": _l("Organisation changed"),
    "user.created": _l("User added"), "user.updated": _l("User changed"),
    "user.locale_changed": _l("Language changed"), "user.signed_out": _l("Signed out"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    **CONSENT_ACTIONS,
    **REQUEST_ACTIONS,
    **DUTY_ACTIONS,
}


OTHER_LABELS = {
    "stored_individuals_count": _l("People stored, organisation-wide"), "reason": _l("Reason for the change"),
    "operator_legal_name": _l("Operator"), "status": _l("Status"), "dpo_contact": _l("Data protection officer"),
    "text_translations": _l("Text in other languages"), "acknowledged": _l("Acknowledged"),
    "text_language": _l("Language of the main text"), "name_translations": _l("Names in other languages"),
    "time_zone": _l("Time zone"),
    "legal_name": _l("Legal name"), "registration_number": _l("Registration number"),
    "fields": _l("Fields changed"), "number": _l("Version"), "sha256": "SHA-256", "site_id": _l("Site"),
    "contact_email": _l("E-mail"), "contact_phone": _l("Phone"), "dpo_name": _l("Name of the data protection officer"),
    "geo.lat": _l("Latitude"), "geo.lng": _l("Longitude"),
    "operator": _l("Operator details"),
    "serial": _l("Serial"), "placement": _l("Placement"), "size": _l("Paper size"), "languages": _l("Languages"),
    "notice_version": _l("Notice version"), "installed_at": _l("Installed on"), "retired_at": _l("Retired on"),
    "replaces": _l("Replaces sign"), "replaced_by": _l("Replaced by sign"), "stale_fields": _l("Fields to reprint"),
}


def tr(text) -> str:
    """Translate a message id without %-formatting it."""
    return catalog().ugettext(str(text)) if text else ""


def field_label(name: str) -> str:
    """Return the label for a field, a dotted sub-field (geo.lat, filing.due_on) or a record key."""
    if name in FIELDS:
        return str(FIELDS[name].label)
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    head, _, tail = name.partition(".")
    tag, _, leaf = tail.partition(".")
    if head in ("text_translations", "name_translations") and leaf and tag in CHOICES["language"]:
        # text_translations.zh-Hans.purpose_text: the field, then the language it is written in
        return f"{field_label(leaf)} ({choice_label('language', tag)})"
    parts = dict((part[0], part[1]) for part in ROW_PARTS.get(head, ()) + (FILING_PARTS if head == "filing" else ()))
    leaf = tail.rsplit(".", 1)[-1]
    if head in FIELDS and leaf in parts:
        return f"{FIELDS[head].label}: {parts[leaf]}"
    return name


def choice_label(kind: str, value) -> str:
    """Return the label of an enum value; unknown values show as they are."""
    if value is None or value == "":
        return ""
    kind = CHOICE_ALIASES.get(kind, kind)
    try:
        return str(CHOICES.get(kind, {}).get(value, value))
    except TypeError:  # a value no choice can be (a list inside a logged value)
        return str(value)


#: Logged keys whose values are another key's choices: a sign's languages, a row's consent mode.
CHOICE_ALIASES = {"languages": "language", "secondary_uses.consent_mode": "consent_mode"}


def finding_text(finding: dict) -> str:
    """Return a finding's message in the current language, from its rule id and parameters."""
    rule = RULES.get(finding.get("rule_id"))
    if rule is None:  # a rule retired since the finding was stored: its English text is all there is
        return str(finding.get("message", ""))
    params = dict(finding.get("params") or {})
    if "field" in params:
        params["field"] = field_label(params["field"])
    if "language" in params:
        params["language"] = choice_label("language", params["language"])
    return gettext(rule.message, **params) if params else tr(rule.message)


def finding_source(finding: dict) -> str:
    """Return the citation of a finding's rule in the current language (stored summaries keep only the id)."""
    rule = RULES.get(finding.get("rule_id"))
    return tr(finding.get("source") or (rule.source if rule else ""))


def time_zone() -> str:
    """Return the signed-in user's organisation's time zone (UTC before one is chosen, or signed out)."""
    user = g.get("user")
    return getattr(getattr(user, "organisation", None), "time_zone", None) or "UTC"


def local_time(value) -> str:
    """Show a stored UTC time in the organisation's time zone, with its offset."""
    return local_text(value, time_zone())


def grouped(findings) -> dict:
    """Return open findings as a refusal shows them (rules.findings.refusal_groups)."""
    return refusal_groups(findings or [], BANS)


def checklist_label(finding) -> str:
    """Name one checklist item: the field to fill in, with the language a text is missing in."""
    field = field_label((finding.get("fields") or ("",))[0])
    language = (finding.get("params") or {}).get("language")
    return f"{field} ({choice_label('language', language)})" if language else field


#: What an audit entry can be about, by table.
SUBJECTS = {"sites": _l("Site"), "signs": _l("Sign"), "notice_versions": _l("Notice version"),
            "organisations": _l("Organisation"), "users": _l("User"), "api_tokens": _l("API token"),
            **CONSENT_SUBJECTS, **REQUEST_SUBJECTS, **DUTY_SUBJECTS}


#: Who acted when no user did: the label an entry was written with (signage.audit.services.describe_actor).
SYSTEM_ACTORS = {"system": _l("the system"), "cli": _l("the command line"), "demo": _l("the demo data"),
                 **CONSENT_ACTORS, **REQUEST_ACTORS}


def actor_label(actor: dict | None) -> str:
    """Name an entry's actor that is not a user, in the reader's language where the label is one of ours."""
    label = (actor or {}).get("label") or "system"
    return str(SYSTEM_ACTORS.get(label, label))


def subject_label(kind: str) -> str:
    """Name the kind of record an audit entry is about."""
    return str(SUBJECTS.get(kind, kind))


def part_label(name: str, key: str) -> str:
    """Name one part of a logged value: a sub-field's label (filing: due on), a language, or the key itself."""
    if key in LANGUAGE_NAMES:
        return choice_label("language", key)
    label = field_label(f"{name}.{key}")
    if label == f"{name}.{key}":
        label = field_label(key)
    return label.split(": ")[-1]


def reader_tag() -> str:
    """Return the BCP 47 tag of the language the page is shown in (zh_Hans -> zh-Hans)."""
    return str(get_locale() or "en").replace("_", "-")
