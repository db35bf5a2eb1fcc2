"""What saving a change to a live site would do to the public: the notice version it publishes and the
signs it sends for reprinting. Found by making the change for real and rolling it back, so the answer is
exactly what saving does, never a second reading of the rules that could drift from it."""
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from signage.extensions import db
from signage.notices.services import latest_version
from signage.rules.packs import PackSettings
from signage.signs.models import Sign
from signage.sites.services import update_site


class Effects(NamedTuple):
    """A change's public effects: the notice version it would publish (None: none) and what it changes,
    and the signs (serial, placement) it would flag for reprinting."""

    notice_version: int | None
    notice_fields: tuple[str, ...]
    signs_to_reprint: tuple[tuple[str, str], ...]

    @property
    def public(self) -> bool:
        return self.notice_version is not None or bool(self.signs_to_reprint)


def _stale_serials(site) -> set[str]:
    return set(db.session.scalars(select(Sign.serial).where(Sign.site_id == site.id, Sign.status != "retired",
                                                             Sign.stale_since.is_not(None))))


def predicted_effects(site, data: dict, *, by, now: datetime, settings: PackSettings) -> Effects:
    """Return what update_site(site, data, replace=True) would publish and flag, leaving nothing changed.

    It rolls the session back: call it with nothing else pending. A change the rules refuse raises as
    saving would.
    """
    before = latest_version(site)
    stale_before = _stale_serials(site)
    try:
        update_site(site, data, by=by, now=now, settings=settings, replace=True)
        db.session.flush()
        after = latest_version(site)
        published = after if after is not None and (before is None or after.number != before.number) else None
        flagged = db.session.execute(
            select(Sign.serial, Sign.placement).where(Sign.site_id == site.id, Sign.status != "retired",
                                                      Sign.stale_since.is_not(None)).order_by(Sign.id)).all()
        return Effects(published.number if published else None,
                       tuple(published.changed_fields or ()) if published else (),
                       tuple((serial, placement) for serial, placement in flagged if serial not in stale_before))
    finally:
        db.session.rollback()
