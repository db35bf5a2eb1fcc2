"""Physical signs: one record per printed sign, with where it should hang."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime
from signage.extensions import db



class Sign(db.Model):
    """One physical sign; its serial is in its QR code's short URL."""

    __tablename__ = "signs"
    __table_args__ = (Index("ix_signs_site_page", "site_id", "id"),
                      Index("ix_signs_to_reprint", "site_id", "id", postgresql_where=text("stale_since IS NOT NULL"),
                            sqlite_where=text("stale_since IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(16), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    #: Where the sign should hang, e.g. "North entrance"; one per NYC customer entrance.
    placement: Mapped[str] = mapped_column(String(100))
    #: The placement in other languages, {"zh-Hans": {"placement": "东出口"}}: a name, so printed as written
    #: in a language without one.
    text_translations: Mapped[dict | None] = mapped_column(JSON)
    size: Mapped[str] = mapped_column(String(12))
    #: Language pair printed, e.g. ["zh-Hans", "en"], first one larger.
    languages: Mapped[list] = mapped_column(JSON)
    #: Notice version number current when the sign was issued, printed in its footer.
    notice_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="issued")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when a field printed on the sign changes; cleared by reprinting.
    stale_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stale_fields: Mapped[list] = mapped_column(JSON, default=list)

    site = relationship("Site")