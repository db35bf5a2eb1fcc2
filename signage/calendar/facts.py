"""Gather what the duties of some sites need beyond their records, in a fixed number of grouped queries
whatever the number of sites, consents or requests: when each first went live, its installed signs and
their last inspections, its last DPIA review, the deletions owed by each day, and its requests' clocks."""
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from signage.calendar.models import Duty, ViolationNotice
from signage.consent.models import ConsentRecord
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.requests.models import PublicRequest
from signage.local_time import local_day
from signage.rules.duty_facts import DeletionFacts, DutyFacts, RequestFacts, SignFacts, ViolationFacts
from signage.rules.packs import PackSettings
from signage.signs.models import Sign

#: Deletions and answered requests stay on the calendar, done, for this long; the rest of the history is
#: in the consent and request pages.
DONE_LOOKED_BACK = timedelta(days=31)


def duty_facts(sites: list, *, now: datetime, settings: PackSettings) -> dict[int, DutyFacts]:
    """Return each site's DutyFacts, in seven statements for any number of sites."""
    site_ids = [site.id for site in sites]
    live = dict(db.session.execute(select(NoticeVersion.site_id, func.min(NoticeVersion.effective_from))
                                   .where(NoticeVersion.site_id.in_(site_ids)).group_by(NoticeVersion.site_id)).all())
    signs = defaultdict(list)
    for row in db.session.execute(select(Sign.site_id, Sign.serial, Sign.installed_at).where(
            Sign.site_id.in_(site_ids), Sign.status == "installed").order_by(Sign.serial)):
        signs[row.site_id].append(row)
    inspected, reviewed = _cycles_done(site_ids)
    deletions = _deletions(site_ids, now=now)
    requests = _requests(sites, now=now)
    violations = defaultdict(list)
    for notice in db.session.scalars(select(ViolationNotice).where(ViolationNotice.site_id.in_(site_ids))
                                     .order_by(ViolationNotice.id)):
        violations[notice.site_id].append(ViolationFacts(notice.id, notice.received_on, notice.reference))
    facts = {}
    for site in sites:
        organisation = site.organisation
        zone = organisation.time_zone  # every day here is the organisation's, as its people count them
        facts[site.id] = DutyFacts(
            today=local_day(now, zone), settings=settings,
            went_live_on=local_day(live[site.id], zone) if site.id in live else None,
            decommissioned_on=local_day(site.status_changed_at, zone) if site.status == "decommissioned" else None,
            operator_count=organisation.stored_individuals_count,
            threshold_reached_on=organisation.count_threshold_reached_on,
            signs=tuple(SignFacts(row.serial, local_day(row.installed_at, zone), inspected.get((site.id, row.serial)))
                        for row in signs[site.id]),
            last_review_on=reviewed.get(site.id), deletions=tuple(deletions[site.id]),
            requests=tuple(requests[site.id]), violations=tuple(violations[site.id]))
    return facts


def _cycles_done(site_ids: list[int]) -> tuple[dict, dict]:
    """Return the last inspection done of each (site, sign serial) and the last DPIA review of each site, in
    one grouped statement however many cycles the years have added."""
    inspected, reviewed = {}, {}
    rows = db.session.execute(
        select(Duty.site_id, Duty.kind, Duty.subject, func.max(Duty.done_on))
        .where(Duty.site_id.in_(site_ids), Duty.kind.in_(("sign_inspection", "dpia_review")), Duty.done_on.is_not(None))
        .group_by(Duty.site_id, Duty.kind, Duty.subject))
    for site_id, kind, subject, last in rows:
        if kind == "sign_inspection":
            inspected[(site_id, subject)] = last
        else:
            reviewed[site_id] = max(reviewed.get(site_id, last), last)
    return inspected, reviewed


def _deletions(site_ids: list[int], *, now: datetime) -> dict[int, list[DeletionFacts]]:
    """Return the deletions owed by each site, grouped by the day they are due (the UTC day, on both
    databases: PostgreSQL's date() would take the session's zone): those still pending, and those due
    within DONE_LOOKED_BACK, so the day they were all confirmed is seen."""
    due_at = ConsentRecord.deletion_due_at
    day = func.date(func.timezone("UTC", due_at) if db.session.get_bind().dialect.name == "postgresql" else due_at)
    rows = db.session.execute(
        select(ConsentRecord.site_id, day.label("day"), func.count(),
               func.count(ConsentRecord.deletion_confirmed_at), func.max(ConsentRecord.deletion_confirmed_at))
        .where(ConsentRecord.site_id.in_(site_ids), ConsentRecord.deletion_due_at.is_not(None),
               or_(ConsentRecord.deletion_confirmed_at.is_(None),
                   ConsentRecord.deletion_due_at >= now - DONE_LOOKED_BACK))
        .group_by(ConsentRecord.site_id, day).order_by(ConsentRecord.site_id, day))
    found = defaultdict(list)
    for site_id, due, total, confirmed, last in rows:
        found[site_id].append(DeletionFacts(_as_date(due), total, total - confirmed,
                                            _as_date(last) if last is not None else None))
    return found


def _requests(sites: list, *, now: datetime) -> dict[int, list[RequestFacts]]:
    """Return each site's requests with a date to answer by: the open ones, and those answered or closed
    within DONE_LOOKED_BACK."""
    zones = {site.id: site.organisation.time_zone for site in sites}
    finished = func.coalesce(PublicRequest.answered_at, PublicRequest.closed_at)
    rows = db.session.execute(
        select(PublicRequest.id, PublicRequest.site_id, PublicRequest.kind, PublicRequest.received_at,
               PublicRequest.effective_due_on, PublicRequest.due_provisional, PublicRequest.answered_at,
               PublicRequest.closed_at)
        .where(PublicRequest.site_id.in_(list(zones)), PublicRequest.effective_due_on.is_not(None),
               or_(finished.is_(None), finished >= now - DONE_LOOKED_BACK))
        .order_by(PublicRequest.id))
    found = defaultdict(list)
    for row in rows:
        zone = zones[row.site_id]
        done = row.answered_at or row.closed_at
        found[row.site_id].append(RequestFacts(row.id, row.kind, local_day(row.received_at, zone),
                                               row.effective_due_on, row.due_provisional,
                                               local_day(done, zone) if done else None))
    return found


def _as_date(value) -> date:
    """Return a day as SQLite's date() (text) or PostgreSQL's (a date) gives it, or a stored timestamp's day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
