"""The organisation's secret calendar feed URL: a MAC of the organisation and its feed generation under a
key derived from the app's secret, so showing it writes nothing, and revoking it (logged) makes every
earlier URL answer 404. Rotating SECRET_KEY revokes every feed at once."""
import hashlib
import hmac
import re
from datetime import datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.calendar.models import CalendarFeed
from signage.extensions import db

#: "<organisation id>-<generation>-<MAC>": what the feed's URL carries.
TOKEN_PATTERN = re.compile(r"([1-9][0-9]{0,9})-(0|[1-9][0-9]{0,9})-([0-9a-f]{32})")


def _mac(secret: str, organisation_id: int, generation: int) -> str:
    key = hmac.new(secret.encode(), b"signage calendar feeds", hashlib.sha256).digest()
    return hmac.new(key, f"{organisation_id}:{generation}".encode(), hashlib.sha256).hexdigest()[:32]


def generation_of(organisation_id: int) -> int:
    """Return the organisation's current feed generation (0 until it first revokes)."""
    return db.session.scalar(select(CalendarFeed.generation)
                             .where(CalendarFeed.organisation_id == organisation_id)) or 0


def feed_token(organisation_id: int, *, secret: str) -> str:
    """Return the token of the organisation's current feed URL."""
    generation = generation_of(organisation_id)
    return f"{organisation_id}-{generation}-{_mac(secret, organisation_id, generation)}"


def organisation_of_token(token: str, *, secret: str) -> int | None:
    """Return the organisation whose current feed the token opens, or None (malformed, forged, revoked)."""
    match = TOKEN_PATTERN.fullmatch(token)
    if match is None:
        return None
    organisation_id, generation, mac = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(mac, _mac(secret, organisation_id, generation)):
        return None
    return organisation_id if generation == generation_of(organisation_id) else None


def revoke_feed(organisation, *, by, now: datetime) -> int:
    """Make the organisation's feed URL stop working and give it a new one; log it. Return the generation."""
    feed = db.session.get(CalendarFeed, organisation.id)
    if feed is None:
        feed = CalendarFeed(organisation_id=organisation.id, generation=0, revoked_at=now)
        db.session.add(feed)
    before = feed.generation
    feed.generation, feed.revoked_at = before + 1, now
    append_entry("calendar_feed.revoked", actor=by, subject=organisation, now=now,
                 changes={"feed_generation": [before, feed.generation]})
    return feed.generation
