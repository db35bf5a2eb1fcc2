"""The names of consent records' choices, events and actors, in the reader's language. Pure data.

Kept beside signage.labels, which merges them in, so that module stays about sites, signs and the log.
"""
from signage.translation import gettext, lazy_gettext as _l

CONSENT_CHOICES = {
    "consent_state": {"requested": _l("Requested"), "given": _l("Given"), "refused": _l("Refused"),
                      "withdrawn": _l("Withdrawn"), "expired": _l("Expired"), "superseded": _l("Renewed")},
    "consent_event": {"given": _l("Consent given"), "refused": _l("Consent refused"), "withdrawn": _l("Withdrawn"),
                      "deletion_confirmed": _l("Deletion confirmed"), "superseded": _l("Renewed under a newer notice"),
                      "expired": _l("Expired")},
    "collection_method": {"kiosk": _l("Kiosk"), "self_service": _l("Self-service from the notice"),
                          "paper": _l("Paper form"), "app": _l("App")},
    "age_band": {"under_14": _l("Under 14"), "14_to_17": _l("14 to 17"), "adult": _l("Adult")},
    "acted_by": {"subject": _l("The person"), "guardian": _l("A guardian")},
    "guardian_relationship": {"parent": _l("Parent"), "legal_guardian": _l("Legal guardian"),
                              "authorised_representative": _l("Authorised representative")},
    "guardian_verification": {"identity_document_checked": _l("Identity document checked"),
                              "family_register_checked": _l("Household register checked"),
                              "known_to_staff": _l("Known to staff"), "signed_declaration": _l("Signed declaration")},
    "consent_type": {"separate": _l("Separate consent"), "written": _l("Written consent"),
                     "explicit": _l("Explicit consent")},
    "withdrawal_channel": {"kiosk": _l("at the kiosk"), "receipt_page": _l("by the person, on their receipt"),
                           "operator": _l("by the operator, for the person")},
}

CONSENT_ACTIONS = {
    "consent.given": _l("Consent given"), "consent.refused": _l("Consent refused"),
    "consent.withdrawn": _l("Consent withdrawn"), "consent.deletion_confirmed": _l("Deletion confirmed"),
    "consent.superseded": _l("Consent renewed"), "consent.channel_opened": _l("Consent channel opened"),
    "consent.channel_closed": _l("Consent channel closed"), "consent.renewal_needed": _l("Consents to renew"),
}

CONSENT_SUBJECTS = {"consent_records": _l("Consent record"), "consent_channels": _l("Consent channel")}
CONSENT_ACTORS = {"person": _l("the person, with their receipt code")}


def purpose_name(key: str) -> str:
    """Name a purpose of a consent by its key: the primary one, or an optional one by its number."""
    if key == "primary":
        return gettext("Primary purpose")
    return gettext("Optional purpose %(n)s", n=key.rsplit("_", 1)[-1])
