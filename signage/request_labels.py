"""The names of requests' kinds, states, clocks and actions, in the reader's language. Pure data.

Kept beside signage.labels, which merges them in, as signage.consent_labels is.
"""
from signage.translation import lazy_gettext as _l

REQUEST_CHOICES = {
    "request_category": {"rights": _l("Request about personal data"), "sign": _l("Report about a sign")},
    "request_kind": {
        "access": _l("See my data (access)"), "correction": _l("Correct my data"),
        "deletion": _l("Delete my data"), "objection": _l("Object to the processing"),
        "withdrawal": _l("Withdraw my consent"), "complaint": _l("Complaint"),
        "missing": _l("The sign is missing"), "damaged": _l("The sign is damaged"),
        "covered": _l("The sign is covered"), "moved": _l("The sign has been moved"),
        "suspected_fake": _l("The sign or its QR code may be fake")},
    "request_state": {"received": _l("Received"), "acknowledged": _l("Acknowledged"),
                      "info_requested": _l("More information asked"), "answered": _l("Answered"),
                      "closed": _l("Closed")},
    "request_action": {"received": _l("Received"), "acknowledge": _l("Acknowledged"),
                       "ask": _l("More information asked"), "extend": _l("Time to answer extended"),
                       "answer": _l("Answered"), "close": _l("Closed"), "contact_erased": _l("Contact erased")},
    "reply_channel": {"email": _l("E-mail"), "phone": _l("Phone")},
    "request_clock": {"none": _l("No period set"), "done": _l("Done"), "overdue": _l("Overdue"),
                      "due_soon": _l("Due soon"), "running": _l("On time")},
    "request_basis": {"request_working_days_cn": _l("China: 15 working days"),
                      "request_months_eu": _l("EU/UK: one month (GDPR 12(3))"),
                      "organisation": _l("Your organisation's own period")},
}

REQUEST_ACTIONS = {
    "request.received": _l("Request received"), "request.acknowledge": _l("Request acknowledged"),
    "request.ask": _l("More information asked"), "request.extend": _l("Time to answer extended"),
    "request.answer": _l("Request answered"), "request.close": _l("Request closed"),
    "request.contact_erased": _l("Reply contact erased"),
}

REQUEST_SUBJECTS = {"public_requests": _l("Request or report")}
REQUEST_ACTORS = {"public": _l("a member of the public, from the notice page")}
