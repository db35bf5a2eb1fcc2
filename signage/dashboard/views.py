"""The home page: sites by status, what needs attention, the first items of each kind, jobs under way."""
from flask import Blueprint, g, render_template

from signage.auth.login import require
from signage.config import pack_settings
from signage.consent.renewals import renewals_count
from signage.consent.services import deletion_counts
from signage.database import utcnow
from signage.jobs.services import pending_jobs
from signage.requests.services import local_day, request_counts, suspected_fakes
from signage.signs.services import first_signs_to_reprint
from signage.sites.lists import first_blocked, site_counts, soonest_due
from signage.sites.summaries import shown_summaries

bp = Blueprint("dashboard", __name__)
#: How many of each kind the home page shows before linking to the full, filtered list.
FIRST = 5


@bp.get("/")
@require("read")
def index():
    """Show at a glance what needs attention, in a fixed number of queries whatever the organisation's size."""
    organisation_id, now = g.user.organisation_id, utcnow()
    blocked, due = first_blocked(organisation_id, FIRST), soonest_due(organisation_id, FIRST)
    by_status, attention = site_counts(organisation_id)
    return render_template("dashboard/index.html", organisation=g.user.organisation,
                           by_status=by_status, attention=attention,
                           blocked=blocked, due=due, jobs=pending_jobs(organisation_id),
                           summaries=shown_summaries(blocked + due, now=now, settings=pack_settings()),
                           stale_signs=first_signs_to_reprint(organisation_id, FIRST),
                           deletions=deletion_counts(organisation_id, now=now),
                           renewals=renewals_count(organisation_id),
                           requests=request_counts(organisation_id, today=local_day(now, g.user.organisation.time_zone)),
                           fakes=suspected_fakes(organisation_id, limit=FIRST))
