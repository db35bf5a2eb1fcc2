"""Published notice versions: immutable, numbered, hashed."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from signage.database import UTCDateTime
from signage.extensions import db


class NoticeVersion(db.Model):
    """One published version of a site's notice; never edited once written."""

    __tablename__ = "notice_versions"
    __table_args__ = (UniqueConstraint("site_id", "number", name="site_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The notice's content as published: site fields and operator details, in plain data.
    content: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the canonical bytes of content, for consent records and auditors.
    sha256: Mapped[str] = mapped_column(String(64))
    #: Which fields changed from the previous version, for the change history.
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)


class NoticePage(db.Model):
    """The public page of a current notice version in one language, rendered ahead of any request.

    A derived cache, never a record: housekeeping renders it from the version's verified content, the
    public page serves it only while its format is the running one and its MAC (keyed by the app's
    secret, which the database does not hold) matches, and renders live otherwise.
    """

    __tablename__ = "notice_pages"

    version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: Page format, templates and catalogs, MAC key and app path the page was made with (pages.page_format)
    format: Mapped[str] = mapped_column(String(80))
    #: the page's three parts (templates/notices/_parts.html: its top down to the headline, the summary,
    #: and the details with the history and the foot) in one zlib-compressed text: a page is one
    #: database page to read instead of three
    parts: Mapped[bytes] = mapped_column(LargeBinary)
    mac: Mapped[str] = mapped_column(String(64))
