"""The public register's rows: one per site with a published notice, in the form the register shows,
filters and sorts. A projection, never a record: refreshed in the transaction of every change that can
move it (a notice published, a status changed, the place edited), and rebuilt by housekeeping where one
is missing, so a list of 100,000 deployments reads this one table through its indexes; beside each row, its
documents as the downloads write them."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from signage.database import UTCDateTime
from signage.extensions import db


class RegisterEntry(db.Model):
    """What the register says of one deployment."""

    __tablename__ = "register_entries"
    # every list walks one of these in its order (status first, so a status filter is a range of it);
    # the city, purpose and function filters have their own, in the default order
    __table_args__ = (
        Index("ix_register_by_name", "status_rank", "name_key", "site_id"),
        Index("ix_register_by_city", "status_rank", "city_key", "name_key", "site_id"),
        Index("ix_register_by_since", "status_rank", "since_order", "site_id"),
        Index("ix_register_city", "city_key", "status_rank", "name_key", "site_id"),
        Index("ix_register_purpose", "purpose", "status_rank", "name_key", "site_id"),
        Index("ix_register_function", "function", "status_rank", "name_key", "site_id"),
        Index("ix_register_latitude", "latitude", "longitude"),
        # the open data's ETag: the newest refresh, found at the end of an index
        Index("ix_register_refreshed", "refreshed_at"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20))
    #: 0 active, 1 suspended, 2 decommissioned: the lists show live deployments first.
    status_rank: Mapped[int] = mapped_column(Integer)
    status_since: Mapped[datetime] = mapped_column(UTCDateTime)
    #: minus the status date in microseconds since 1970: newest first in an ascending index
    since_order: Mapped[int] = mapped_column(BigInteger)
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version_number: Mapped[int] = mapped_column(Integer)
    version_sha256: Mapped[str] = mapped_column(String(64))
    version_published_at: Mapped[datetime] = mapped_column(UTCDateTime)

    #: the names as written (the site's own language), as the open data gives them
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    operator: Mapped[str] = mapped_column(String(300))
    #: the language name and address are written in (BCP 47)
    text_language: Mapped[str] = mapped_column(String(10))
    #: what a reader of each language sees: {tag: {"name", "name_lang", "address", "operator", "purpose_text"}}
    texts: Mapped[dict] = mapped_column(JSON)
    #: folded names for sorting and exact filters: lower-case, never null
    name_key: Mapped[str] = mapped_column(String(200))
    city_key: Mapped[str] = mapped_column(String(100))
    #: every name, address, city and operator name in every language, lower-case, for the text search
    search: Mapped[str] = mapped_column(Text)

    purpose: Mapped[str | None] = mapped_column(String(40))
    function: Mapped[str | None] = mapped_column(String(40))
    jurisdictions: Mapped[list] = mapped_column(JSON)
    venue_class: Mapped[str | None] = mapped_column(String(40))
    live_mode: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    retention_period_days: Mapped[int | None] = mapped_column(Integer)
    #: when this row was last computed: the open data's ETag moves with it
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegisterJurisdiction(db.Model):
    """One jurisdiction of a register row, with the row's sort keys copied beside it: a list filtered by
    jurisdiction walks one index range of this table in the sort's order and stops at a page, instead of
    walking every row's sort and testing each for the jurisdiction."""

    __tablename__ = "register_jurisdictions"
    __table_args__ = (
        Index("ix_register_jurisdiction_by_name", "jurisdiction", "status_rank", "name_key", "site_id"),
        Index("ix_register_jurisdiction_by_city", "jurisdiction", "status_rank", "city_key", "name_key", "site_id"),
        Index("ix_register_jurisdiction_by_since", "jurisdiction", "status_rank", "since_order", "site_id"),
    )

    jurisdiction: Mapped[str] = mapped_column(String(20), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("register_entries.site_id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    #: the register row's own, written with it (services.refresh_entries)
    status_rank: Mapped[int] = mapped_column(Integer)
    name_key: Mapped[str] = mapped_column(String(200))
    city_key: Mapped[str] = mapped_column(String(100))
    since_order: Mapped[int] = mapped_column(BigInteger)


class RegisterDocument(db.Model):
    """A register row as each download writes it (opendata.stored_documents), kept with the row: a download
    of the whole register then joins text instead of encoding every row again."""

    __tablename__ = "register_documents"

    site_id: Mapped[int] = mapped_column(ForeignKey("register_entries.site_id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    #: opendata.DOCUMENTS_FORMAT when written; a download writes a row of another format afresh
    format: Mapped[int] = mapped_column(Integer)
    #: the CSV line, without the notice URL's cell and the line break that end it
    csv_text: Mapped[str] = mapped_column(Text)
    #: the JSON document, without the notice URL and the brace that end it
    json_text: Mapped[str] = mapped_column(Text)
    #: the GeoJSON feature, without the notice URL and the two braces that end it
    geojson_text: Mapped[str] = mapped_column(Text)
