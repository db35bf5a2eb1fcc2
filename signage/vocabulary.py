"""The site record's vocabulary: allowed values and field groups of regulation.md §3.

Pure data, shared by the schemas, the rules, the forms and the notices, so that
one list of allowed values exists and every layer agrees on it.
"""

JURISDICTIONS = ("CN", "EU", "UK", "US-NYC", "US-IL", "US-TX", "US-WA", "US-OR-PORTLAND", "OTHER")
VENUE_CLASSES = (
    "public_place",
    "business_premises_public_access",
    "internal_workplace",
    "residential_property_mgmt",
    "private_space",
)
PUBLICLY_ACCESSIBLE_VENUES = ("public_place", "business_premises_public_access")
PRIVATE_SPACE_TYPES = (
    "hotel_guest_room",
    "public_bathhouse",
    "changing_room",
    "toilet_restroom",
    "dormitory",
    "other_private",
)
NYC_ESTABLISHMENT_TYPES = (
    "place_of_entertainment",
    "retail_store",
    "food_and_drink",
    "financial_institution",
    "none",
)
#: NYC §22-1202(a) covers these; banks are exempt (secondary).
NYC_COVERED_ESTABLISHMENTS = ("place_of_entertainment", "retail_store", "food_and_drink")
FUNCTIONS = (
    "verification_1to1",
    "identification_1toN",
    "detection_only",
    "categorisation",
    "emotion_recognition",
)
#: Functions that recognise a person, so processing is special-category biometrics.
RECOGNISING_FUNCTIONS = ("verification_1to1", "identification_1toN")
#: AI Act Annex III biometric functions (remote identification, categorisation, emotion).
ANNEX_III_FUNCTIONS = ("identification_1toN", "categorisation", "emotion_recognition")
LIVE_MODES = ("realtime", "retrospective")
OPERATOR_KINDS = ("private", "public_authority", "law_enforcement")
PURPOSES = (
    "public_security",
    "access_control",
    "attendance",
    "payment",
    "identity_verification",
    "marketing_analytics",
    "other",
)
#: Purposes where FR stands between a person and a service, so an alternative is owed.
GATEKEEPING_PURPOSES = ("access_control", "attendance", "payment", "identity_verification")
#: Purposes that are commercial in the sense of Texas CUBI.
COMMERCIAL_PURPOSES = ("access_control", "attendance", "payment", "identity_verification",
                       "marketing_analytics", "other")
LEGAL_BASES_CN = ("separate_consent", "written_consent", "statutory_duty", "public_security_art26", "other_law")
CONSENT_BASES_CN = ("separate_consent", "written_consent")
GDPR_ART6_BASES = ("6_1_a", "6_1_b", "6_1_c", "6_1_d", "6_1_e", "6_1_f")
GDPR_ART9_CONDITIONS = tuple(f"9_2_{letter}" for letter in "abcdefghij")
CONSENT_MODES = ("separate_consent", "written_consent", "notice_only", "none")
STORAGE_MODES = ("on_device", "local_server", "cloud", "transferred_over_internet")
INTERNET_STORAGE_MODES = ("cloud", "transferred_over_internet")
INTERNET_TRANSFER_BASES = ("separate_consent", "law")
SECURITY_MEASURES = ("encryption", "audit", "access_control", "authorisation_mgmt", "intrusion_detection")
PORTLAND_EXCEPTIONS = ("legal_compliance", "device_unlock", "social_media_detection")
FILING_STATUSES = ("not_required", "due", "filed", "change_due", "cancel_due")
SITE_STATUSES = ("draft", "active", "suspended", "decommissioned")
SIGN_STATUSES = ("issued", "installed", "retired")

#: Allowed lifecycle moves; decommissioned is final.
STATUS_TRANSITIONS = {
    "draft": ("active", "decommissioned"),
    "active": ("suspended", "decommissioned"),
    "suspended": ("active", "decommissioned"),
    "decommissioned": (),
}

#: Limits that keep input sane; beyond them a value is a typo, not a deployment.
MAX_RETENTION_DAYS = 3650
MAX_LOGS_RETENTION_DAYS = 3650
MAX_STORED_INDIVIDUALS = 2_000_000_000
SHORT_TEXT = 200
MEDIUM_TEXT = 1000
LONG_TEXT = 4000
#: Rows a repeatable form group may have (recipients, secondary uses): beyond it, input is not a form.
MAX_FORM_ROWS = 50

#: The form's sections, in the order Lin fills them in (journeys.md, step 2).
SECTIONS = (
    ("place", ("site_name", "address", "city", "geo", "jurisdictions", "venue_class", "private_space_type",
               "education_setting", "nyc_establishment_type", "customer_entrances",
               "capture_area_description")),
    ("system", ("function", "live_mode", "operator_kind", "authorisation_ref", "purpose", "purpose_text",
                "necessity_justification", "non_fr_alternative", "secondary_uses", "sensitive_trait_analysis",
                "automated_decisions", "automated_decisions_text", "portland_exception")),
    ("legal", ("legal_basis_cn", "gdpr_art6_basis", "gdpr_art9_condition", "legitimate_interest_text",
               "consent_before_capture", "consent_bundled", "commercial_enrolment", "enrolment_safeguard")),
    ("data", ("storage_mode", "internet_transfer_basis", "raw_image_retained", "retention_period_days",
              "retention_criteria_text", "retention_policy_url", "recipients_third_parties",
              "security_measures", "logs_retention_days")),
    ("people", ("minors_expected", "minors_rules_url", "guardian_consent_flow")),
    ("assessments", ("pia_id", "pia_version", "pia_completed_on", "pia_report_url", "filing")),
)

EDITABLE_FIELDS = tuple(name for _, names in SECTIONS for name in names)

#: Fields that only some jurisdictions ask about; every other field applies everywhere. The form shows a
#: field only where one of its jurisdictions is chosen (or it holds a value, or a finding points at it).
FIELD_JURISDICTIONS = {
    "education_setting": ("EU",),
    "nyc_establishment_type": ("US-NYC",), "customer_entrances": ("US-NYC",),
    "authorisation_ref": ("EU",),
    "portland_exception": ("US-OR-PORTLAND",),
    "automated_decisions": ("CN", "EU", "UK"), "automated_decisions_text": ("CN", "EU", "UK"),  # PIPL 24, GDPR 22
    "legal_basis_cn": ("CN",),
    "gdpr_art6_basis": ("EU", "UK"), "gdpr_art9_condition": ("EU", "UK"), "legitimate_interest_text": ("EU", "UK"),
    "consent_before_capture": ("US-TX", "US-WA"),
    "commercial_enrolment": ("US-WA",), "enrolment_safeguard": ("US-WA",),
    "internet_transfer_basis": ("CN",),
    "retention_criteria_text": ("US-IL", "US-TX"), "retention_policy_url": ("US-IL",),
    "security_measures": ("CN",),
    "logs_retention_days": ("EU",),
    "minors_rules_url": ("CN",), "guardian_consent_flow": ("CN",),
    "pia_id": ("CN", "EU", "UK"), "pia_version": ("CN", "EU", "UK"), "pia_completed_on": ("CN", "EU", "UK"),
    "pia_report_url": ("CN", "EU", "UK"),
    "filing": ("CN",),
}


def fields_for(jurisdictions) -> tuple[str, ...]:
    """Return the editable fields that apply under any of the jurisdictions, in form order."""
    chosen = set(jurisdictions or ())
    return tuple(name for name in EDITABLE_FIELDS
                 if name not in FIELD_JURISDICTIONS or chosen & set(FIELD_JURISDICTIONS[name]))

#: Fields printed on a sign or shown in the notice: a change to one publishes a
#: new notice version and flags printed signs for reprint (SIGN-STALE).
NOTICE_FIELDS = (
    "site_name", "address", "jurisdictions", "capture_area_description", "function", "live_mode",
    "purpose", "purpose_text", "necessity_justification", "non_fr_alternative", "secondary_uses",
    "legal_basis_cn", "gdpr_art6_basis", "gdpr_art9_condition", "legitimate_interest_text",
    "storage_mode", "internet_transfer_basis", "raw_image_retained", "retention_period_days",
    "retention_criteria_text", "retention_policy_url", "recipients_third_parties",
    "automated_decisions", "automated_decisions_text", "minors_expected", "minors_rules_url",
    "text_language", "text_translations",
)
