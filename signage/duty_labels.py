"""The names of duties' kinds and statuses, and the line each duty reads as, in the reader's language.

Kept beside signage.labels, which merges them in, as signage.request_labels is.
"""
from signage.translation import lazy_gettext as _l

DUTY_CHOICES = {
    "duty_kind": {
        "cn_filing": _l("File with the cyberspace administration (China)"),
        "cn_change_report": _l("Report a change to the filing (China)"),
        "cn_cancellation": _l("Cancel the filing (China)"),
        "pia_before_go_live": _l("Impact assessment before going live"),
        "pia_redo": _l("Redo the impact assessment after a change"),
        "dpia_review": _l("Review the DPIA"),
        "il_retention_policy": _l("Publish the retention schedule (Illinois)"),
        "retention_purge": _l("Delete the face data of the closed site"),
        "ai_logs_retention": _l("Keep the system's logs (AI Act)"),
        "sign_inspection": _l("Inspect the sign in place, with a photo"),
        "nyc_cure": _l("Cure the violation the notice names (New York City)"),
        "consent_deletion": _l("Delete the face data of people who withdrew"),
        "request_answer": _l("Answer a person's request"),
    },
    "duty_status": {
        "overdue": _l("Overdue"), "due_soon": _l("Due soon"), "upcoming": _l("Upcoming"),
        "undated": _l("Before going live"), "done": _l("Done"), "done_late": _l("Done late"),
        "withdrawn": _l("No longer applies"), "open": _l("To do"), "all": _l("All"),
    },
}

DUTY_ACTIONS = {"duty.done": _l("Duty marked done"), "calendar_feed.revoked": _l("Calendar feed URL revoked"),
                "user.duty_reminders": _l("Duty reminders turned on or off"),
                "violation_notice.recorded": _l("Notice of violation recorded")}
DUTY_SUBJECTS = {"duties": _l("Duty"), "violation_notices": _l("Notice of violation")}
