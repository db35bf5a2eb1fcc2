"""Consent channel use cases: open a kiosk link or self-service for a site, revoke it, find it by its token."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.consent import rules
from signage.consent.models import ConsentChannel
from signage.errors import Conflict, NotFound
from signage.extensions import db
from signage.sites.records import site_record

KINDS = ("kiosk", "self_service")


def token_hash(token: str) -> str:
    """Return the stored form of a kiosk link's token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_channel(site, kind: str, label: str, *, by, now: datetime) -> tuple[ConsentChannel, str | None]:
    """Open a way for a site to collect consent and log it; return it with a kiosk link's token, shown once."""
    if not rules.consent_jurisdictions(site_record(site)):
        raise Conflict(rules.NOT_CONSENT_BASIS, errors={"site": [rules.NOT_CONSENT_BASIS]})
    if kind == "self_service" and self_service_channel(site.id) is not None:
        raise Conflict("Self-service consent is already offered for this site.")
    token = secrets.token_urlsafe(32) if kind == "kiosk" else None
    channel = ConsentChannel(organisation_id=site.organisation_id, site_id=site.id, kind=kind, label=label,
                             token_sha256=token_hash(token) if token else None, created_at=now)
    db.session.add(channel)
    db.session.flush()
    append_entry("consent.channel_opened", actor=by, subject=channel, now=now,
                 changes={"kind": [None, kind], "label": [None, label], "site_id": [None, site.id]})
    return channel, token


def revoke_channel(channel: ConsentChannel, *, by, now: datetime) -> ConsentChannel:
    """End a kiosk link or self-service at once; its records stay."""
    if channel.revoked_at is not None:
        raise Conflict("This channel is already closed.")
    channel.revoked_at = now
    append_entry("consent.channel_closed", actor=by, subject=channel, now=now,
                 changes={"revoked_at": [None, now.isoformat()]})
    return channel


def get_channel(organisation_id: int, channel_id: int) -> ConsentChannel:
    """Return one of the organisation's channels; another organisation's does not exist."""
    channel = db.session.get(ConsentChannel, channel_id)
    if channel is None or channel.organisation_id != organisation_id:
        raise NotFound("No such kiosk link.")
    return channel


def kiosk_for_token(token: str) -> ConsentChannel:
    """Return the open kiosk link a token names, or raise NotFound (revoked links included)."""
    channel = db.session.scalar(select(ConsentChannel).where(ConsentChannel.token_sha256 == token_hash(token),
                                                             ConsentChannel.kind == "kiosk"))
    if channel is None or channel.revoked_at is not None:
        raise NotFound("This kiosk link does not exist or was revoked.")
    return channel


def self_service_channel(site_id: int) -> ConsentChannel | None:
    """Return the site's open self-service channel, or None when it offers none."""
    return db.session.scalar(select(ConsentChannel).where(ConsentChannel.site_id == site_id,
                                                          ConsentChannel.kind == "self_service",
                                                          ConsentChannel.revoked_at.is_(None)).limit(1))


def site_channels(site_id: int) -> list[ConsentChannel]:
    """Return a site's open channels, oldest first (a site has a handful)."""
    return list(db.session.scalars(select(ConsentChannel).where(ConsentChannel.site_id == site_id,
                                                                ConsentChannel.revoked_at.is_(None))
                                   .order_by(ConsentChannel.id).limit(100)))


def channel_actor(channel: ConsentChannel) -> dict:
    """Describe a channel as the actor of the consents it records: not a user, so no user id."""
    return {"type": channel.kind, "channel": channel.id, "label": f"{channel.kind}: {channel.label}"}
