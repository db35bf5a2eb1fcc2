"""The audit log for auditors: the organisation's entries and a verification of the chain."""
from flask import g, render_template

from signage.audit import bp
from signage.audit.services import entries_for, verify_log
from signage.auth.login import require


@bp.get("")
@require("audit")
def index():
    """Show the organisation's audit entries, newest first."""
    return render_template("audit/index.html", entries=entries_for(organisation_id=g.user.organisation_id),
                           verification=None)


@bp.get("/verify")
@require("audit")
def verify():
    """Walk the whole chain and say whether it is intact, or where it breaks."""
    count, found = verify_log()
    return render_template("audit/index.html", entries=entries_for(organisation_id=g.user.organisation_id),
                           verification={"count": count, "break": found})
