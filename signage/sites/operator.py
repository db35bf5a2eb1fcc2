"""A change to the operator's details reaches every site through a job, a batch of sites at a time:
saving the change stays instant however many sites there are, and each batch commits whole."""
from datetime import datetime

from sqlalchemy import func, select

from signage.audit.services import describe_actor
from signage.auth.signals import organisation_changed
from signage.extensions import db
from signage.jobs.services import register_handler, start_job
from signage.rules.packs import PackSettings
from signage.sites.models import Site
from signage.sites.signals import operator_change_reached
from signage.sites.summaries import refresh_summaries

KIND = "operator_changed"


def _covered(organisation_id: int):
    return select(Site.id).where(Site.organisation_id == organisation_id, Site.status != "decommissioned")


def start_operator_job(organisation, *, changes: dict, by, now: datetime, **_) -> None:
    """Receive organisation_changed: record that every live site must take the change in."""
    total = db.session.scalar(select(func.count()).select_from(_covered(organisation.id).subquery()))
    start_job(organisation.id, KIND, {"changes": changes, "actor": describe_actor(by)}, total=total, now=now)


def next_site_ids(organisation_id: int, after: int, limit: int) -> list[int]:
    """Return the next ids of the live sites a job covers, in id order."""
    return list(db.session.scalars(_covered(organisation_id).where(Site.id > after).order_by(Site.id).limit(limit)))


def apply_operator_change(job, site_ids: list[int], now: datetime, settings: PackSettings) -> None:
    """Let notices and signs take the change in for a batch of sites, then refresh their findings."""
    sites = list(db.session.scalars(select(Site).where(Site.id.in_(site_ids)).order_by(Site.id)))
    if sites:
        operator_change_reached.send(sites[0].organisation, sites=sites, changes=job.payload["changes"],
                                     actor=job.payload["actor"], now=now, changed_at=job.created_at)
        refresh_summaries(sites, now=now, settings=settings)


def subscribe() -> None:
    """Start the job when the operator's details change, and say how it is done."""
    organisation_changed.connect(start_operator_job)
    register_handler(KIND, next_site_ids, apply_operator_change)
