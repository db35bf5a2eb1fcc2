"""What the site form and pages show for each field: label, help, widget and choice labels.

Pure UI metadata keyed by the names in fields.SECTIONS; help sentences come from
regulation.md §3. No database. ``template_globals()`` hands it all to Jinja.
"""
import re
from typing import NamedTuple

from flask_babel import get_locale, get_translations, gettext, lazy_gettext as _l

from signage.sites import fields as vocab
from signage.sites.choices import CHOICES


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class FieldUI(NamedTuple):
    label: object
    help: object
    widget: str
    choices: tuple = ()
    maxlength: int | None = None


SECTION_TITLES = {
    "place": _l("Place and capture area"),
    "system": _l("What the system does and why"),
    "legal": _l("Legal basis"),
    "data": _l("Data handling"),
    "people": _l("People affected"),
    "assessments": _l("Assessments and filing"),
}
SECTION_INTROS = {
    "place": _l("Where the cameras are, which laws apply, and what passers-by can see."),
    "system": _l("The recognition function, its purpose, and why nothing less intrusive would do."),
    "legal": _l("The ground on which faces are processed in each jurisdiction."),
    "data": _l("Where face data is stored, how long it is kept, and who receives it."),
    "people": _l("Children and other people who need extra protection."),
    "assessments": _l("The impact assessment and, in China, the filing with the cyberspace administration."),
}

TRANSITION_LABELS = {"active": _l("Activate"), "suspended": _l("Suspend"), "decommissioned": _l("Decommission")}

AUDIT_ACTIONS = {
    "site.registered": _l("Site registered"), "site.updated": _l("Site changed"),
    "site.status_changed": _l("Status changed"), "site.finding_acknowledged": _l("Warning acknowledged"),
    "notice.published": _l("Notice published"), "sign.flagged_stale": _l("Sign flagged for reprint"),
    "sign.issued": _l("Sign issued"), "sign.status_changed": _l("Sign status changed"),
    "organisation.created": _l("Organisation created"), "organisation.updated": _l("Organisation changed"),
    "user.created": _l("User added"), "user.updated": _l("User changed"),
    "user.locale_changed": _l("Language changed"), "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
}


def _f(label, help_, widget, choices=(), maxlength=None):
    return FieldUI(label, help_, widget, choices, maxlength)


S, M, L = vocab.SHORT_TEXT, vocab.MEDIUM_TEXT, vocab.LONG_TEXT
FIELDS = {
    "site_name": _f(_l("Site name"), _l("The name people know the place by, as printed on the sign."), "text",
                    maxlength=S),
    "address": _f(_l("Address"), _l("The street address of the deployment."), "text", maxlength=500),
    "city": _f(_l("City"), _l("Used to group sites and to filter the public register."), "text", maxlength=100),
    "geo": _f(_l("Location"), _l("Latitude and longitude in decimal degrees, so the notice can show a map."),
              "geo"),
    "jurisdictions": _f(_l("Jurisdictions"), _l("Every law that applies here; each adds its own rules and "
                                                 "required fields."), "multi", vocab.JURISDICTIONS),
    "venue_class": _f(_l("Kind of place"), _l("Public places and private spaces carry the strictest limits "
                                              "(CN Measures Art 13)."), "select", vocab.VENUE_CLASSES),
    "private_space_type": _f(_l("Kind of private space"), _l("Facial recognition may not be installed in "
                                                             "private spaces such as hotel rooms or changing "
                                                             "rooms."), "select", vocab.PRIVATE_SPACE_TYPES),
    "education_setting": _f(_l("Education setting"), _l("Whether the site is a school or other place of "
                                                         "education (AI Act Art 5(1)(f))."), "bool"),
    "nyc_establishment_type": _f(_l("New York City establishment type"), _l(
        "Entertainment venues, shops and food and drink places need a sign at every customer entrance "
        "(NYC §22-1202(a))."), "select", vocab.NYC_ESTABLISHMENT_TYPES),
    "customer_entrances": _f(_l("Customer entrances"), _l("One entrance per line; each one needs its own sign "
                                                          "in New York City."), "lines"),
    "capture_area_description": _f(_l("Capture area"), _l("In plain words a passer-by understands: where the "
                                                          "cameras see people."), "textarea", maxlength=M),
    "function": _f(_l("Recognition function"), _l("Verifying a claimed identity (1:1) or identifying a person "
                                                  "among many (1:N)."), "select", vocab.FUNCTIONS),
    "live_mode": _f(_l("Real time or retrospective"), _l("Needed for identification (1:N): real-time "
                                                         "identification in public is the most restricted use."),
                    "select", vocab.LIVE_MODES),
    "operator_kind": _f(_l("Kind of operator"), _l("Private businesses, public authorities and police face "
                                                   "different rules."), "select", vocab.OPERATOR_KINDS),
    "authorisation_ref": _f(_l("Authorisation reference"), _l("For real-time identification by police in the "
                                                              "EU: the prior authorisation's reference."), "text",
                            maxlength=S),
    "purpose": _f(_l("Purpose"), _l("The main reason faces are processed; in public places in China only public "
                                    "security qualifies."), "select", vocab.PURPOSES),
    "purpose_text": _f(_l("Purpose in your own words"), _l("A specific purpose, as it will appear on the "
                                                           "notice."), "textarea", maxlength=M),
    "necessity_justification": _f(_l("Why facial recognition is necessary"), _l(
        "Why face recognition is needed, and why it is the least intrusive means (CN Measures Art 4)."),
        "textarea", maxlength=L),
    "non_fr_alternative": _f(_l("Alternative to facial recognition"), _l(
        "What people can use instead, such as a card, a PIN or a staff check."), "textarea", maxlength=M),
    "secondary_uses": _f(_l("Other uses of the images"), _l(
        "Any use beyond the main purpose, and how consent is obtained for it (PIPL Art 26)."), "rows"),
    "sensitive_trait_analysis": _f(_l("Sensitive trait analysis"), _l(
        "Whether the system infers race, ethnicity, religion, health, class, politics or sex life."), "bool"),
    "automated_decisions": _f(_l("Automated decisions"), _l(
        "Whether the system makes decisions about people without a human (GDPR Art 13(2)(f))."), "bool"),
    "automated_decisions_text": _f(_l("About the automated decisions"), _l(
        "What is decided, the logic involved and what it means for the person."), "textarea", maxlength=M),
    "portland_exception": _f(_l("Portland exception"), _l(
        "Private face recognition in places open to the public is banned in Portland unless an exception "
        "applies."), "select", vocab.PORTLAND_EXCEPTIONS),
    "legal_basis_cn": _f(_l("Legal basis in China"), _l(
        "The PIPL ground for processing faces; consent must be separate consent (PIPL Arts 13, 26)."),
        "select", vocab.LEGAL_BASES_CN),
    "gdpr_art6_basis": _f(_l("GDPR Article 6 basis"), _l("The lawful basis for processing in the EU and UK."),
                          "select", vocab.GDPR_ART6_BASES),
    "gdpr_art9_condition": _f(_l("GDPR Article 9 condition"), _l(
        "Recognising people by face uses special-category data, which needs an Article 9 condition."),
        "select", vocab.GDPR_ART9_CONDITIONS),
    "legitimate_interest_text": _f(_l("Legitimate interests pursued"), _l(
        "Required with basis 6(1)(f): the interests you rely on, as told to people (GDPR Art 13(1)(d))."),
        "textarea", maxlength=M),
    "consent_before_capture": _f(_l("Consent before capture"), _l(
        "Whether people are told and give consent before their face is captured (Texas CUBI)."), "bool"),
    "consent_bundled": _f(_l("Consent bundled with other terms"), _l(
        "Consent to face recognition must be asked on its own, not inside general terms."), "bool"),
    "commercial_enrolment": _f(_l("Commercial enrolment"), _l(
        "Whether faces are enrolled in a database for a commercial purpose (RCW 19.375.020)."), "bool"),
    "enrolment_safeguard": _f(_l("Safeguard against commercial use"), _l(
        "Whether a safeguard stops enrolled faces being used commercially, where consent is not asked."),
        "bool"),
    "storage_mode": _f(_l("Where face data is stored"), _l(
        "Face data should stay on the device unless a law or separate consent allows otherwise "
        "(CN Measures Art 8)."), "select", vocab.STORAGE_MODES),
    "internet_transfer_basis": _f(_l("Basis for internet transfer"), _l(
        "In China, needed when face data leaves the device over the internet."), "select",
        vocab.INTERNET_TRANSFER_BASES),
    "raw_image_retained": _f(_l("Raw images kept"), _l("Whether images are kept, not just templates."), "bool"),
    "retention_period_days": _f(_l("Retention period (days)"), _l(
        "How long face data is kept: the shortest period the purpose needs."), "number"),
    "retention_criteria_text": _f(_l("Event-based retention limits"), _l(
        "When data is destroyed, for example when the purpose ends (Illinois BIPA, Texas CUBI)."),
        "textarea", maxlength=M),
    "retention_policy_url": _f(_l("Retention policy URL"), _l(
        "The public retention and destruction policy; Illinois needs it before collection starts."), "url"),
    "recipients_third_parties": _f(_l("Recipients and third parties"), _l(
        "Everyone who receives the data, their country and why; selling it is unlawful in NYC, Illinois and "
        "Texas."), "rows"),
    "security_measures": _f(_l("Security measures"), _l("The technical measures protecting the data "
                                                        "(CN Measures Art 14)."), "multi",
                            vocab.SECURITY_MEASURES),
    "logs_retention_days": _f(_l("Log retention (days)"), _l(
        "How long the system's logs are kept; at least six months for high-risk uses in the EU."), "number"),
    "minors_expected": _f(_l("Minors expected"), _l("Whether children are likely to be captured."), "bool"),
    "minors_rules_url": _f(_l("Special rules for minors (URL)"), _l(
        "In China, written special rules for children under 14 (CN Measures Art 7)."), "url"),
    "guardian_consent_flow": _f(_l("Guardian consent"), _l(
        "Whether a parent or guardian can give consent for children under 14."), "bool"),
    "pia_id": _f(_l("Impact assessment ID"), _l("Your reference for the personal information protection impact "
                                                "assessment or DPIA."), "text", maxlength=100),
    "pia_version": _f(_l("Impact assessment version"), _l("The version that covers this site as it is now."),
                      "text", maxlength=50),
    "pia_completed_on": _f(_l("Impact assessment completed on"), _l(
        "It must be finished before the site goes live (PIPL Arts 55–56)."), "date"),
    "pia_report_url": _f(_l("Impact assessment report URL"), _l("Where the report is kept."), "url"),
    "filing": _f(_l("Filing with the cyberspace administration"), _l(
        "In China, operators storing faces of 100,000 people or more file with the provincial cyberspace "
        "administration (CN Measures Art 15)."), "filing"),
}

#: Sub-fields of repeatable rows and of the filing: (name, label, widget, choices).
ROW_PARTS = {
    "secondary_uses": (("use", _l("Use"), "text", ()),
                       ("consent_mode", _l("Consent"), "select", vocab.CONSENT_MODES)),
    "recipients_third_parties": (("name", _l("Recipient"), "text", ()),
                                 ("country", _l("Country code"), "country", ()),
                                 ("purpose", _l("Why they receive it"), "text", ()),
                                 ("for_value", _l("In return for payment or other value"), "check", ())),
}
FILING_PARTS = (("status", _l("Filing status"), "select", vocab.FILING_STATUSES),
                ("authority", _l("Authority"), "text", ()),
                ("due_on", _l("Due on"), "date", ()),
                ("filed_on", _l("Filed on"), "date", ()),
                ("filing_ref", _l("Filing reference"), "text", ()))
ROW_CHOICE_KEYS = {"consent_mode": "consent_mode", "status": "filing.status"}

OTHER_LABELS = {
    "stored_individuals_count": _l("People stored, organisation-wide"),
    "operator_legal_name": _l("Operator"), "status": _l("Status"), "dpo_contact": _l("Data protection officer"),
    "text_translations": _l("Text in other languages"), "acknowledged": _l("Acknowledged"),
    "geo.lat": _l("Latitude"), "geo.lng": _l("Longitude"),
    "operator": _l("Operator details"),
    "serial": _l("Serial"), "placement": _l("Placement"), "size": _l("Paper size"), "languages": _l("Languages"),
    "notice_version": _l("Notice version"), "installed_at": _l("Installed on"), "retired_at": _l("Retired on"),
    "replaces": _l("Replaces sign"), "replaced_by": _l("Replaced by sign"), "stale_fields": _l("Fields to reprint"),
}

#: marshmallow's stock messages, marked so they are translated when shown.
INPUT_MESSAGES = (
    N_("Missing data for required field."), N_("Not a valid integer."), N_("Not a valid number."),
    N_("Not a valid URL."), N_("Not a valid date."), N_("Not a valid boolean."), N_("Not a valid email address."),
    N_("Field may not be null."), N_("Unknown field."), N_("Not a valid string."), N_("Not a valid list."),
    N_("Invalid value."), N_("Invalid input type."), N_("Use a two-letter ISO country code, such as CN or DE."),
    N_("Not a JSON object."), N_("Not a current warning for this site."),
)
#: Details the services raise and the pages show, and the commonest rule source.
SERVICE_MESSAGES = (
    N_("The site cannot go live yet."), N_("This change would break the rules for an active site."),
    N_("A decommissioned site can no longer be changed."), N_("No such site."), N_("No such sign."),
    N_("Only a current warning can be acknowledged."), N_("This warning is already acknowledged."),
    N_("This token is already revoked."), N_("The password is too short."), N_("Design decision"),
)
_PATTERNS = (
    (re.compile(r"^Longer than maximum length (\d+)\.$"), N_("Use at most %(n)s characters.")),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), N_("Use at least %(n)s characters.")),
    (re.compile(r"^Must be one of: .*\.$"), N_("Choose one of the listed options.")),
    (re.compile(r"^Enter a number of days from (\d+) to (\d+)\.$"), N_("Enter a number of days from %(n)s to %(m)s.")),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     N_("Enter a number from %(n)s to %(m)s.")),
)


def tr(text) -> str:
    """Translate a message id without %-formatting it."""
    return get_translations().ugettext(str(text)) if text else ""


def field_label(name: str) -> str:
    """Return the label for a field, a dotted sub-field (geo.lat, filing.due_on) or a record key."""
    if name in FIELDS:
        return str(FIELDS[name].label)
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    head, _, tail = name.partition(".")
    parts = dict((part[0], part[1]) for part in ROW_PARTS.get(head, ()) + (FILING_PARTS if head == "filing" else ()))
    leaf = tail.rsplit(".", 1)[-1]
    if head in FIELDS and leaf in parts:
        return f"{FIELDS[head].label}: {parts[leaf]}"
    return name


RULE_FIELD_LABEL = field_label


def choice_label(kind: str, value) -> str:
    """Return the label of an enum value; unknown values show as they are."""
    if value is None or value == "":
        return ""
    return str(CHOICES.get(kind, {}).get(value, value))


def finding_text(finding: dict) -> str:
    """Return a finding's message in the current language, with field names as labels."""
    from signage.sites.rules import RULES

    rule = RULES.get(finding.get("rule_id"))
    params = dict(finding.get("params") or {})
    english = finding.get("message", "")
    try:
        if rule is not None and (rule.message % params if params else rule.message) == english:
            if "field" in params:
                params["field"] = field_label(params["field"])
            return gettext(rule.message, **params) if params else tr(rule.message)
    except (KeyError, TypeError, ValueError):
        pass
    return tr(english)


def error_text(message) -> str:
    """Return a validation message in the current language."""
    message = str(message)
    for pattern, msgid in _PATTERNS:
        match = pattern.match(message)
        if match:
            groups = match.groups() + ("", "")
            return gettext(msgid, n=groups[0], m=groups[1])
    return tr(message)


def template_globals() -> dict:
    """Return the names the dashboard templates use, for app.jinja_env.globals."""
    return {"get_locale": get_locale, "form_ui": FIELDS, "section_titles": SECTION_TITLES,
            "section_intros": SECTION_INTROS, "choice_label": choice_label, "field_label": field_label,
            "finding_text": finding_text, "error_text": error_text, "tr": tr, "row_parts": ROW_PARTS,
            "filing_parts": FILING_PARTS, "transition_labels": TRANSITION_LABELS, "audit_actions": AUDIT_ACTIONS,
            "row_choice_keys": ROW_CHOICE_KEYS}
