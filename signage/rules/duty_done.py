"""How a duty is done: the kinds the record does by itself, those that need a file, and the earliest day
one can be marked done. Pure."""
from dataclasses import dataclass
from datetime import date
from typing import Mapping

from signage.rules.findings import N_

#: Kinds the record marks done by itself, and where the operator records what does it; the others wait for
#: the operator's evidence. Marking one done by hand would let the calendar say done while the record, which
#: the notice, the register and the dossier show, says otherwise.
DONE_BY_RECORD: Mapping[str, str] = {
    "cn_filing": N_("Record the filing on the site's page (its status, number and date): the duty is done from it."),
    "pia_before_go_live": N_("Enter the impact assessment's completion date on the site's page: the duty is done "
                             "from it."),
    "pia_redo": N_("Enter the redone impact assessment's completion date on the site's page: the duty is done from "
                   "it."),
    "il_retention_policy": N_("Give the retention policy's URL on the site's page: the duty is done from it."),
    "ai_logs_retention": N_("This duty is done by itself on the day the logs may be deleted."),
    "consent_deletion": N_("Confirm each deletion on the page of deletions owed: the duty is done with the last."),
    "request_answer": N_("Answer or close the request in the request queue: the duty is done then."),
}
#: Kinds done only with a file that proves it, and what the file is.
EVIDENCE_REQUIRED: Mapping[str, str] = {
    "sign_inspection": N_("Attach the photo of the sign in place: the inspection is proven by it."),
}
#: Kinds whose trigger is a day the operator gives from the world (a notice received, an assessment dated):
#: nothing is done before it. The other triggers are the day signage saw an event (a change saved, a sign
#: marked installed), which the operator may have acted on first, so only the site's registration bounds them.
TRIGGERED_BY_THE_WORLD = ("nyc_cure", "dpia_review")


@dataclass(frozen=True)
class Earliest:
    day: date
    #: Said in the message that refuses an earlier day: "when it began", "when the site was registered".
    why: str


def earliest_done_on(kind: str, trigger_on: date | None, *, registered_on: date) -> Earliest:
    """Return the first day a duty of this kind can have been done."""
    if kind in TRIGGERED_BY_THE_WORLD and trigger_on is not None:
        return Earliest(trigger_on, "when it began")
    return Earliest(registered_on, "when the site was registered")
