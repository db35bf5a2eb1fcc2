"""Labels for every allowed value of the site record, in the dashboard's languages."""
from flask_babel import lazy_gettext as _l

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
}

#: Buttons for lifecycle moves, worded as actions.
