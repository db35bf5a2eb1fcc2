"""What the site form shows for each field: label, help sentence and widget, by section.

Pure UI metadata keyed by the names in vocabulary.SECTIONS; help sentences come from
regulation.md §3. No database; template_names.template_globals() hands it to Jinja.
"""
from typing import NamedTuple

from signage import vocabulary as vocab
from signage.translation import lazy_gettext as _l


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
