"""What saving a change to a site would do to the public: the notice version it publishes, the signs it
sends for reprinting, and the signs whose text would no longer fit their size. Found by making the change for real and rolling it back, so the answer is
exactly what saving does, never a second reading of the rules that could drift from it."""
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from signage.errors import InvalidInput
from signage.extensions import db
from signage.notices.services import latest_version
from signage.rules.packs import PackSettings
from signage.signs.content import fitted
from signage.signs.layout import layout
from signage.signs.models import Sign
from signage.signs.packs import specs_for
from signage.sites.services import update_site


class Effects(NamedTuple):
    """A change's public effects: the notice version it would publish (None: none) and what it changes,
    and the signs (serial, placement) it would flag for reprinting."""

    notice_version: int | None
    notice_fields: tuple[str, ...]
    signs_to_reprint: tuple[tuple[str, str], ...]
    #: (serial, placement, size, field, messages) of signs whose reprint at their size would not fit.
    signs_too_long: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = ()

    @property
    def public(self) -> bool:
        return self.notice_version is not None or bool(self.signs_to_reprint) or bool(self.signs_too_long)


def _in_use(site):
    """The condition of the site's signs still in use: issued or installed, not retired."""
    return (Sign.site_id == site.id) & (Sign.status != "retired")


def _stale_signs(site) -> list[tuple[str, str]]:
    """Return (serial, placement) of the site's signs in use that are on the reprint list."""
    return [tuple(row) for row in db.session.execute(select(Sign.serial, Sign.placement).where(
        _in_use(site), Sign.stale_since.is_not(None)).order_by(Sign.id))]


def has_signs(site) -> bool:
    """Say whether any sign of the site is still in use, so an edit may change what hangs somewhere."""
    return db.session.scalar(select(Sign.id).where(_in_use(site)).limit(1)) \
        is not None


def _too_long(site, *, base_url: str, now: datetime) -> tuple:
    """Name the current signs whose text, as the record now reads, does not fit their size: their specs in
    a fixed number of queries, and one layout per size and language pair, as signs alike print alike."""
    signs = list(db.session.scalars(select(Sign).where(_in_use(site))
                                    .order_by(Sign.id)))
    found, verdicts = [], {}
    for sign, spec in zip(signs, specs_for(signs, size=None, base_url=base_url, now=now)):
        key = (spec.size, spec.languages)
        if key not in verdicts:
            try:
                fitted(layout, spec)
                verdicts[key] = {}
            except InvalidInput as refusal:
                verdicts[key] = refusal.errors or {}
        for field, messages in verdicts[key].items():
            found.append((sign.serial, sign.placement, sign.size, field, tuple(messages)))
    return tuple(found)


def predicted_effects(site, data: dict, *, by, now: datetime, settings: PackSettings, base_url: str,
                      replace=True) -> Effects:
    """Return what update_site(site, data, replace=replace) would publish and flag, leaving nothing changed.

    The change is made inside a savepoint rolled back at the end, so the transaction (and the write lock it
    holds) goes on: saving straight after, when nothing public changes, sees the site as it was previewed. A
    change the rules refuse raises as saving would.
    """
    before = latest_version(site)
    stale_before = {serial for serial, _placement in _stale_signs(site)}
    savepoint = db.session.begin_nested()
    try:
        update_site(site, data, by=by, now=now, settings=settings, replace=replace)
        db.session.flush()
        after = latest_version(site)
        published = after if after is not None and (before is None or after.number != before.number) else None
        flagged = _stale_signs(site)
        too_long = _too_long(site, base_url=base_url, now=now)
    finally:
        savepoint.rollback()
    if too_long:  # only signs this change makes too long: one already too long is on the site page already
        too_long_before = {row[:4] for row in _too_long(site, base_url=base_url, now=now)}
        too_long = tuple(row for row in too_long if row[:4] not in too_long_before)
    return Effects(published.number if published else None,
                   tuple(published.changed_fields or ()) if published else (),
                   tuple((serial, placement) for serial, placement in flagged if serial not in stale_before),
                   too_long)
