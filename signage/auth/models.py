"""Organisations (the operators), their users and API tokens."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime, utcnow
from signage.extensions import db

ROLES = ("owner", "editor", "auditor")
#: What an API token may do: read (GET and HEAD only) or read and write; the user's role still limits both.
TOKEN_SCOPES = ("read", "read-write")


class Organisation(db.Model):
    """The operator: the handler (PIPL) or controller (GDPR) that answers for its sites."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200), unique=True)
    registration_number: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    #: {"name", "email", "phone"} of the data protection officer, when one exists.
    dpo_contact: Mapped[dict | None] = mapped_column(JSON)
    #: The names in other languages: {"zh-Hans": {"legal_name", "address", "dpo_name"}}; a name not
    #: given in a language is printed as written.
    name_translations: Mapped[dict | None] = mapped_column(JSON)
    #: Operator-wide, de-duplicated count of people whose faces are stored (CN Measures Art 15).
    stored_individuals_count: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Set when the count first reaches the filing threshold; the filing clock starts the next day.
    count_threshold_reached_on: Mapped[datetime | None] = mapped_column(Date)
    #: The IANA time zone the dashboard shows times in (the audit log, since when), e.g. Asia/Shanghai.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    #: Days to answer a person's request where none of a site's jurisdictions sets a period (the US states
    #: here set none): the operator's own promise; None leaves such requests without a due date.
    request_answer_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users = relationship("User", back_populates="organisation", order_by="User.email")


class User(UserMixin, db.Model):
    """A person who signs in to the dashboard for one organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of every session's id; signing out moves to the next, ending every session issued before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation", back_populates="users")
    tokens = relationship("ApiToken", back_populates="user", order_by="ApiToken.id")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Name the session: the user and their current session generation."""
        return f"{self.id}:{self.session_generation}"

    def can(self, action: str) -> bool:
        """Say whether this user's role allows an action: read, edit or manage."""
        allowed = {"owner": ("read", "edit", "manage"), "editor": ("read", "edit"), "auditor": ("read", "audit")}
        return action in allowed.get(self.role, ()) or (action == "audit" and self.role == "owner")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'read-write')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: The first characters of the token, shown so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "read" opens GET and HEAD only; "read-write" every method the user's role allows. Tokens made before
    #: scopes existed could write, so they became read-write.
    scope: Mapped[str] = mapped_column(String(10), default="read-write", server_default="read-write")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: From this moment the token opens nothing (401, "The token expired"); every token has one.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="tokens")
