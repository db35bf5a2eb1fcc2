"""Read what an organisation's calendar feed shows, in keyset batches in date order: one statement per
batch of plain rows, so a feed of any size streams in constant memory."""
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from signage.calendar.models import Duty
from signage.extensions import db
from signage.sites.models import Site

#: Rows read per statement while the feed streams.
FEED_BATCH = 500
#: A withdrawn duty stays in the feed, cancelled, this long after it was withdrawn, so every client that
#: refreshes within it removes the event; after that it is left out.
WITHDRAWN_KEPT = timedelta(days=90)
#: Done duties stay in the feed while their due date is this recent: a year of what was done.
DONE_KEPT = timedelta(days=365)
#: What each event needs of its duty and site, and nothing more.
COLUMNS = (Duty.due_order, Duty.key, Duty.kind, Duty.due_on, Duty.done_on, Duty.withdrawn_at, Duty.sequence,
           Duty.updated_at, Duty.provisional_years, Duty.site_id, Site.code.label("site_code"), Site.site_name,
           Site.text_language, Site.text_translations)


def shown_condition(*, now: datetime, today: date):
    """Return the SQL condition of the duties a feed shows: dated, and open, withdrawn within the last
    WITHDRAWN_KEPT, or done with a due date within the last DONE_KEPT."""
    open_ = and_(Duty.done_on.is_(None), Duty.withdrawn_at.is_(None))
    withdrawn = and_(Duty.done_on.is_(None), Duty.withdrawn_at >= now - WITHDRAWN_KEPT)
    done = and_(Duty.done_on.is_not(None), Duty.due_on >= today - DONE_KEPT)
    return and_(Duty.due_on.is_not(None), or_(open_, withdrawn, done))


def feed_rows(organisation_id: int, *, now: datetime, today: date, batch: int | None = None) -> Iterator:
    """Yield the rows of the duties the organisation's feed shows, in date order, a batch per statement."""
    batch = batch or FEED_BATCH
    query = (select(*COLUMNS).join(Site, Site.id == Duty.site_id)
             .where(Duty.organisation_id == organisation_id, shown_condition(now=now, today=today))
             .order_by(Duty.due_order).limit(batch))
    after = None
    while True:
        rows = db.session.execute(query if after is None else query.where(Duty.due_order > after)).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].due_order


def feed_version(organisation_id: int) -> tuple:
    """Return what changes whenever the feed's events can (a duty changed, added or gone, a site renamed),
    in one statement: the feed's ETag is made of it."""
    duties = select(func.count(), func.max(Duty.updated_at)).where(Duty.organisation_id == organisation_id)
    sites = select(func.max(Site.updated_at)).where(Site.organisation_id == organisation_id).scalar_subquery()
    return tuple(db.session.execute(duties.add_columns(sites)).one())
