"""Accounts: organisations, users, sign-in and sign-out, and API tokens."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from signage.audit.services import append_entry
from signage.auth.models import ApiToken, Organisation, User
from signage.auth.signals import organisation_changed
from signage.errors import Conflict, InvalidInput, NotFound
from signage.extensions import db
from signage.local_time import day_start, zone

TOKEN_PREFIX = "sgn_"
#: A new token lives this many days unless its creator chooses another last day.
DEFAULT_TOKEN_DAYS = 90
#: And at most this many: a token that never expires outlives the system it was pasted into and the
#: person who pasted it, and nothing would remind anyone to revoke it.
MAX_TOKEN_DAYS = 365
MIN_PASSWORD_LENGTH = 12
#: Compared against when the e-mail is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not a real password")


def token_digest(token: str) -> str:
    """Hash an API token; tokens are long and random, so SHA-256 suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _name_taken(legal_name: str, *, other_than: int | None = None) -> bool:
    """Say whether another organisation holds this legal name, however it is capitalised."""
    query = select(Organisation.id).where(func.lower(Organisation.legal_name) == legal_name.lower())
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    return db.session.scalar(query.limit(1)) is not None


def create_organisation(data: dict, *, by, now: datetime) -> Organisation:
    """Create an operator organisation and log it."""
    if _name_taken(data["legal_name"]):
        raise Conflict("An organisation with this name exists.", errors={"legal_name": ["Already registered."]})
    organisation = Organisation(created_at=now, **data)
    db.session.add(organisation)
    db.session.flush()
    append_entry("organisation.created", actor=by, subject=organisation, now=now, organisation_id=organisation.id,
                 changes={key: [None, value] for key, value in data.items()})
    return organisation


def update_organisation(organisation: Organisation, data: dict, *, by, now: datetime, settings) -> Organisation:
    """Change the operator's details; crossing the filing threshold starts the filing clock."""
    if "legal_name" in data and _name_taken(data["legal_name"], other_than=organisation.id):
        raise Conflict("Another organisation is registered under this name.",
                       errors={"legal_name": ["Already registered by another organisation."]})
    changes = {}
    for key, value in data.items():
        before = getattr(organisation, key)
        if before != value:
            setattr(organisation, key, value)
            changes[key] = [before, value]
    count = organisation.stored_individuals_count or 0
    if count >= settings.filing_threshold and organisation.count_threshold_reached_on is None:
        organisation.count_threshold_reached_on = now.date()
        changes["count_threshold_reached_on"] = [None, now.date().isoformat()]
    elif count < settings.filing_threshold and organisation.count_threshold_reached_on is not None:
        changes["count_threshold_reached_on"] = [organisation.count_threshold_reached_on.isoformat(), None]
        organisation.count_threshold_reached_on = None
    if changes:
        append_entry("organisation.updated", actor=by, subject=organisation, now=now,
                     organisation_id=organisation.id, changes=changes)
        organisation_changed.send(organisation, changes=changes, by=by, now=now)
    return organisation


def find_organisation(name: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.legal_name == name))
    if organisation is None:
        raise NotFound(f"No organisation named {name!r}.")
    return organisation


def create_user(organisation: Organisation, data: dict, *, by, now: datetime) -> User:
    """Add a user to an organisation with a hashed password, and log it."""
    email = data["email"].strip().lower()
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise Conflict("A user with this e-mail exists.", errors={"email": ["Already in use."]})
    _check_password(data["password"])
    user = User(organisation_id=organisation.id, email=email, name=data.get("name"), role=data["role"],
                password_hash=generate_password_hash(data["password"]), created_at=now)
    db.session.add(user)
    append_entry("user.created", actor=by, subject=user, now=now, organisation_id=organisation.id,
                 changes={"email": [None, email], "role": [None, data["role"]]})
    return user


def _check_password(password: str):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("The password is too short.",
                           errors={"password": [f"Use at least {MIN_PASSWORD_LENGTH} characters."]})


def update_user(user: User, data: dict, *, by, now: datetime) -> User:
    """Change a user's role or deactivate them; an organisation always keeps one active owner."""
    changes = {key: [getattr(user, key), value] for key, value in data.items() if getattr(user, key) != value}
    if not changes:
        return user
    for key, (_, value) in changes.items():
        setattr(user, key, value)
    # a new role or a deactivation ends the sessions opened before it, copies of their cookies included
    before = user.session_generation
    user.session_generation = before + 1
    changes["session_generation"] = [before, user.session_generation]
    if not _has_active_owner(user.organisation_id):
        raise Conflict("The organisation needs at least one active owner.",
                       errors={"role": ["Keep at least one active owner."]})
    append_entry("user.updated", actor=by, subject=user, now=now, organisation_id=user.organisation_id,
                 changes=changes)
    return user


def _has_active_owner(organisation_id: int) -> bool:
    db.session.flush()
    return bool(db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == organisation_id, User.role == "owner", User.active.is_(True))))


def set_locale(user: User, locale: str, *, now: datetime) -> User:
    """Remember the user's language. A preference of how pages read, not a change to what the organisation
    answers for, so it is not logged: an audit log of every language switch buries the changes that matter."""
    user.locale = locale
    return user


def end_sessions(user: User, *, by, now: datetime) -> User:
    """Sign a user out on every device: every session issued so far stops opening the dashboard."""
    before = user.session_generation
    user.session_generation = before + 1
    append_entry("user.signed_out", actor=by, subject=user, now=now, organisation_id=user.organisation_id,
                 changes={"session_generation": [before, user.session_generation]})
    return user


def normalised_email(email: str | None) -> str:
    """Return an e-mail address as accounts are looked up: trimmed and lower-cased."""
    return (email or "").strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose password this is, or None, in the same time either way."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalised_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def token_expiry(last_day: date | None, *, zone_name: str | None, now: datetime) -> datetime:
    """Return when a token whose last day is `last_day` stops working: the end of that day in the
    organisation's time zone. Without a day, DEFAULT_TOKEN_DAYS from now; a day already over, or more
    than MAX_TOKEN_DAYS after today, is refused naming the field."""
    if last_day is None:
        return now + timedelta(days=DEFAULT_TOKEN_DAYS)
    today = now.astimezone(zone(zone_name)).date()
    if last_day < today:
        raise InvalidInput("The token was not created.", errors={"expires_on": ["Choose today or a later day."]})
    if last_day > today + timedelta(days=MAX_TOKEN_DAYS):
        raise InvalidInput("The token was not created.", errors={
            "expires_on": [f"Choose a day at most {MAX_TOKEN_DAYS} days from today."]})
    return day_start(last_day + timedelta(days=1), zone_name)


def create_token(user: User, data: dict, *, by, now: datetime) -> tuple[ApiToken, str]:
    """Create an API token with its scope and expiry; the plain token is returned once and never stored."""
    expires_at = token_expiry(data.get("expires_on"), zone_name=user.organisation.time_zone, now=now)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=data["name"], prefix=plain[:12], token_hash=token_digest(plain),
                     scope=data.get("scope") or "read", created_at=now, expires_at=expires_at)
    db.session.add(token)
    append_entry("token.created", actor=by, subject=token, now=now, organisation_id=user.organisation_id,
                 changes={"name": [None, token.name], "prefix": [None, token.prefix], "user": [None, user.email],
                          "scope": [None, token.scope], "expires_at": [None, expires_at.isoformat()]})
    return token, plain


def revoke_token(token: ApiToken, *, by, now: datetime) -> ApiToken:
    """Revoke a token so it opens nothing from now on: one's own, or any of the organisation's for an owner."""
    if token.user_id != by.id and not by.can("manage"):
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.")
    token.revoked_at = now
    append_entry("token.revoked", actor=by, subject=token, now=now, organisation_id=token.user.organisation_id,
                 changes={"revoked_at": [None, now.isoformat()]})
    return token


@dataclass(frozen=True)
class Bearer:
    """Who a valid bearer token acts for, and what it may do."""

    user: User
    token_id: int
    scope: str


class TokenRejected(Exception):
    """A bearer token that opens nothing; `expired` says whether it was valid until its expiry."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def bearer_for_token(plain: str, *, now: datetime) -> Bearer:
    """Return the active user behind a bearer token with the token's scope; raise TokenRejected for a
    token that is unknown, revoked, expired or whose user was deactivated."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(plain or "")))
    if token is None or token.revoked_at is not None or not token.user.active:
        raise TokenRejected()
    if token.expires_at <= now:
        raise TokenRejected(expired=True)
    token.user.acting_via = f"token:{token.prefix}"
    return Bearer(user=token.user, token_id=token.id, scope=token.scope)


def members_query(organisation_id: int):
    """Return the query of the organisation's users, for a caller to page."""
    return select(User).where(User.organisation_id == organisation_id)


def member_names(organisation_id: int, entries: list[dict]) -> dict[tuple[str, int], str]:
    """Name the organisation's users who acted in decoded audit entries, in one query: their name today,
    else their e-mail. A user of another organisation named in an entry is left unnamed."""
    ids = {e["actor"]["id"] for e in entries
           if isinstance(e.get("actor"), dict) and type(e["actor"].get("id")) is int}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.email).where(
        User.organisation_id == organisation_id, User.id.in_(ids)))
    return {("users", user_id): name or email for user_id, name, email in rows}


def tokens_query(organisation_id: int, *, user_id: int | None = None):
    """Return the query of the organisation's tokens (or one user's), each with its user, for a caller to page."""
    query = select(ApiToken).join(ApiToken.user).options(contains_eager(ApiToken.user)).where(
        User.organisation_id == organisation_id)
    return query.where(ApiToken.user_id == user_id) if user_id is not None else query


def get_member(organisation_id: int, model, record_id: int):
    """Return a user or token of the organisation; anything else does not exist."""
    record = db.session.get(model, record_id)
    owner = record.user if isinstance(record, ApiToken) else record
    if owner is None or owner.organisation_id != organisation_id:
        raise NotFound()
    return record
