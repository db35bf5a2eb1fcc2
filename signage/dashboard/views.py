"""The home page: sites by status, open findings, signs to reprint, duties due."""
from flask import g, render_template

from signage.auth.login import require
from signage.database import utcnow
from signage.dashboard import bp
from signage.sites.context import pack_settings
from signage.sites.services import site_overview


@bp.get("/")
@require("read")
def index():
    """Show at a glance what needs attention."""
    rows = site_overview(g.user.organisation_id, today=utcnow().date(), settings=pack_settings())
    by_status = {}
    for row in rows:
        by_status[row["site"].status] = by_status.get(row["site"].status, 0) + 1
    open_findings = [(row["site"], finding) for row in rows for finding in row["findings"]
                     if not finding["acknowledged"] and row["site"].status != "decommissioned"]
    return render_template("dashboard/index.html", rows=rows, by_status=by_status, open_findings=open_findings,
                           organisation=g.user.organisation)
