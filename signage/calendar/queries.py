"""Read the organisation's duties: filtered in SQL, in date order, a keyset page or a month at a time, so
every page costs the same statements whatever the number of sites."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from signage.calendar.models import Duty
from signage.extensions import db
from signage.pagination import Page, keyset_page
from signage.rules.duties import OPEN_STATUSES, STATUSES

#: What a list may ask for: one status, every open one (the default), or all.
STATUS_CHOICES = ("open", *STATUSES, "all")
#: Duties a day of the month view names; the rest are counted and linked.
DAY_SHOWN = 3


@dataclass(frozen=True)
class DutyFilters:
    """A list's filters, as loaded from its query string."""

    status: str = "open"
    site_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None


def _open():
    return and_(Duty.done_on.is_(None), Duty.withdrawn_at.is_(None))


def status_condition(status: str, *, today: date, soon_days: int):
    """Return the SQL condition of a status as rules/duties.py:duty_status decides it, or None for all."""
    soon = today + timedelta(days=soon_days)
    conditions = {
        "open": _open(),
        "overdue": and_(_open(), Duty.due_on < today),
        "due_soon": and_(_open(), Duty.due_on >= today, Duty.due_on <= soon),
        "upcoming": and_(_open(), Duty.due_on > soon),
        "undated": and_(_open(), Duty.due_on.is_(None)),
        "done": and_(Duty.done_on.is_not(None), or_(Duty.due_on.is_(None), Duty.done_on <= Duty.due_on)),
        "done_late": and_(Duty.done_on.is_not(None), Duty.done_on > Duty.due_on),
        "withdrawn": and_(Duty.done_on.is_(None), Duty.withdrawn_at.is_not(None)),
    }
    return conditions.get(status)


def filtered(organisation_id: int, filters: DutyFilters, *, today: date, soon_days: int):
    """Return the query of the organisation's duties that pass the filters."""
    query = select(Duty).where(Duty.organisation_id == organisation_id)
    condition = status_condition(filters.status, today=today, soon_days=soon_days)
    if condition is not None:
        query = query.where(condition)
    if filters.site_id is not None:
        query = query.where(Duty.site_id == filters.site_id)
    if filters.due_from is not None:
        query = query.where(Duty.due_on >= filters.due_from)
    if filters.due_to is not None:
        query = query.where(Duty.due_on <= filters.due_to)
    return query


def duties_page(organisation_id: int, filters: DutyFilters, *, today: date, soon_days: int, limit: int,
                cursor: tuple | None) -> Page:
    """Return one page of the filtered duties in date order (undated last), their sites loaded with them."""
    query = filtered(organisation_id, filters, today=today, soon_days=soon_days).options(selectinload(Duty.site))
    return keyset_page(db.session, query, Duty.due_order, limit=limit, cursor=cursor, descending=False)


def open_counts(organisation_id: int, *, today: date, soon_days: int, site_id: int | None = None) -> dict:
    """Return how many open duties are overdue, due soon, upcoming and undated, in one statement."""
    soon = today + timedelta(days=soon_days)
    kind = case((Duty.due_on.is_(None), "undated"), (Duty.due_on < today, "overdue"),
                (Duty.due_on <= soon, "due_soon"), else_="upcoming")
    query = select(kind, func.count()).where(Duty.organisation_id == organisation_id, _open())
    if site_id is not None:
        query = query.where(Duty.site_id == site_id)
    counts = dict.fromkeys(OPEN_STATUSES, 0)
    counts.update(dict(db.session.execute(query.group_by(kind)).all()))
    return counts


def month_days(organisation_id: int, first: date, *, site_id: int | None = None) -> dict[date, dict]:
    """Return, for each day of the month starting at first that has duties, their count and the first
    DAY_SHOWN of them in date order: two statements, however many duties the month holds."""
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    base = [Duty.organisation_id == organisation_id, Duty.due_on >= first, Duty.due_on <= last,
            Duty.withdrawn_at.is_(None)]
    if site_id is not None:
        base.append(Duty.site_id == site_id)
    counts = dict(db.session.execute(select(Duty.due_on, func.count()).where(*base).group_by(Duty.due_on)).all())
    rank = func.row_number().over(partition_by=Duty.due_on, order_by=Duty.due_order).label("rank")
    ranked = select(Duty.id, rank).where(*base).subquery()
    shown = db.session.scalars(select(Duty).join(ranked, ranked.c.id == Duty.id).where(ranked.c.rank <= DAY_SHOWN)
                               .options(selectinload(Duty.site)).order_by(Duty.due_order)).all()
    days = {day: {"count": count, "duties": []} for day, count in counts.items()}
    for duty in shown:
        days[duty.due_on]["duties"].append(duty)
    return days


def month_start(text: str | None, today: date) -> date:
    """Return the first day of the month text names (YYYY-MM, checked by the view's schema), or of today's."""
    if text:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    return today.replace(day=1)


def due_by(organisation_id: int, last: date, *, limit: int) -> tuple[list[Duty], int]:
    """Return the first open duties due by a day (overdue ones first, as the date orders them) and how many
    there are: the home page's "due this month", in two statements."""
    due = [Duty.organisation_id == organisation_id, _open(), Duty.due_on <= last]
    first = db.session.scalars(select(Duty).where(*due).options(selectinload(Duty.site))
                               .order_by(Duty.due_order).limit(limit)).all()
    count = db.session.scalar(select(func.count()).select_from(select(Duty.id).where(*due).subquery()))
    return list(first), count
