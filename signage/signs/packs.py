"""Sign packs: every current sign of a site or an organisation, read a chunk at a time in a few queries,
as one PDF (up to PACK_PAGES pages) or as a ZIP of such PDFs, streamed so memory stays flat."""
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime

import flask_babel
from flask import has_request_context
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import contains_eager

from signage.errors import Conflict, InvalidInput
from signage.extensions import db
from signage.notices.content import operator_details
from signage.notices.models import NoticeVersion
from signage.signs.content import sign_spec, too_long
from signage.signs.models import Sign
from signage.signs.render import SIZES, SignSpec, TextTooLong, pack_pdf
from signage.translation import force_locale, gettext as _
from signage.sites.models import Site
from signage.sites.records import site_record

#: Pages in one PDF of a pack: a print shop's file, rendered in memory, so it bounds a worker's memory
#: (measured: +38 MB for 500 pages, +53 MB for 1,000); larger packs are a ZIP of such files.
PACK_PAGES = 500
NOTHING_TO_PRINT = "There are no current signs to print: issue signs, or reprint those out of date."


def _printable():
    return select(Sign).join(Sign.site).where(Sign.status != "retired", Sign.stale_since.is_(None))


def site_pack(site):
    """Return the query of a site's printable signs: not retired and not out of date."""
    return _printable().where(Sign.site_id == site.id)


def organisation_pack(organisation_id: int):
    """Return the query of the printable signs of every active site of the organisation."""
    return _printable().where(Site.organisation_id == organisation_id, Site.status == "active")


def pack_size(query, *, at_most: int | None = None) -> int:
    """Count the signs a pack would print; with at_most, stop counting there (a page that only needs to know
    whether a pack fits one PDF reads no more rows than that, however large the organisation)."""
    if at_most is not None:
        query = query.limit(at_most)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def spec_chunks(query, *, size: str | None, base_url: str, now: datetime,
                chunk: int | None = None) -> Iterator[list[SignSpec]]:
    """Yield the specs of a pack's signs, site by site, chunk by chunk (PACK_PAGES by default): two queries a
    chunk."""
    chunk = chunk or PACK_PAGES
    if size is not None and size not in SIZES:
        raise InvalidInput("Unknown sign size.", errors={"size": [f"Choose one of: {', '.join(SIZES)}."]})
    after = None
    while True:
        page = query.options(contains_eager(Sign.site)).order_by(Sign.site_id, Sign.id).limit(chunk)
        if after is not None:
            page = page.where(tuple_(Sign.site_id, Sign.id) > tuple_(*after))
        signs = list(db.session.scalars(page))
        if not signs:
            return
        yield specs_for(signs, size=size, base_url=base_url, now=now)
        after = (signs[-1].site_id, signs[-1].id)


def specs_for(signs: list[Sign], *, size: str | None, base_url: str, now: datetime) -> list[SignSpec]:
    """Return what each sign prints (at its own size, or `size`): its site's current record, the operator
    and the date of its notice version, in one query for the dates however many signs."""
    dates = dict(((site_id, number), effective.date()) for site_id, number, effective in db.session.execute(
        select(NoticeVersion.site_id, NoticeVersion.number, NoticeVersion.effective_from).where(
            NoticeVersion.site_id.in_({sign.site_id for sign in signs}),
            NoticeVersion.number.in_({sign.notice_version for sign in signs}))))
    records, operators, specs = {}, {}, []
    for sign in signs:
        site = sign.site
        if site.id not in records:
            records[site.id] = site_record(site)
            operators.setdefault(site.organisation_id, operator_details(site.organisation))
        specs.append(sign_spec(records[site.id], operators[site.organisation_id], sign, size=size or sign.size,
                               base_url=base_url, notice_date=dates.get((site.id, sign.notice_version)), now=now))
    return specs


def cover_texts() -> dict:
    """Return the words of a pack's cover sheet in the reader's language (English on the command line)."""
    with force_locale(str(flask_babel.get_locale()) if has_request_context() else "en"):
        return _cover_texts()


def _cover_texts() -> dict:
    return {"title": _("Sign pack: where each page hangs"),
            "columns": (_("Page"), _("Sign"), _("Site"), _("Placement"), _("Size")),
            "checklist_title": _("Installation checklist"),
            "checklist": (
                _("Hang each sign at its placement, where people see it before they enter the camera area, "
                  "at eye level."),
                _("Scan each QR code with a phone: the notice must open and name the sign's serial and "
                  "placement."),
                _("Mark each sign installed on its site's page in signage, so the log shows when it went up."),
                _("Take down any sign a reprint replaces; its code keeps opening the notice but says it is "
                  "outdated."))}


def pack_file(specs: list[SignSpec], on_page: Callable[[int], None] | None = None) -> bytes:
    """Render specs into one PDF, or refuse naming the sign and the field too long for its size."""
    done: list[int] = []

    def page_done(index: int) -> None:
        done.append(index)
        if on_page is not None:
            on_page(index)

    try:
        return pack_pdf(specs, page_done, cover=cover_texts())
    except TextTooLong as error:
        failed = specs[len(done)]
        raise too_long(error.field, failed.size, serial=failed.serial) from None


def sign_pack(query, *, size: str | None, base_url: str, now: datetime,
              on_page: Callable[[int], None] | None = None) -> bytes:
    """Render a pack of at most PACK_PAGES signs into one PDF, a page each."""
    if pack_size(query, at_most=PACK_PAGES + 1) > PACK_PAGES:
        raise Conflict(f"More than {PACK_PAGES:,} signs: download the pack as a ZIP of PDFs instead.")
    specs = next(spec_chunks(query, size=size, base_url=base_url, now=now), [])
    if not specs:
        raise Conflict(NOTHING_TO_PRINT)
    return pack_file(specs, on_page)


class _Drain(io.RawIOBase):
    """A write-only stream whose bytes are taken as soon as they are written, for a streamed ZIP."""

    def __init__(self):
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


#: The file a ZIP pack ends with when a sign could not be printed: the download has begun, so the
#: archive itself must say why it stops.
ERRORS_FILE = "ERRORS.txt"


def sign_pack_zip(query, *, size: str | None, base_url: str, now: datetime, name: str,
                  on_page: Callable[[int], None] | None = None,
                  on_error: Callable[[InvalidInput], None] | None = None) -> Iterator[bytes]:
    """Yield a ZIP of PDFs of PACK_PAGES signs each, file by file: memory holds one file at a time.

    A sign that does not fit its size ends the pack with ERRORS.txt naming it and the field to shorten
    (and calls on_error): the files before it are whole, and the archive is complete and readable.
    """
    drain = _Drain()
    chunks = spec_chunks(query, size=size, base_url=base_url, now=now)
    with zipfile.ZipFile(drain, "w", compression=zipfile.ZIP_STORED) as archive:
        for number in itertools.count(1):
            try:  # reading a chunk checks each sign's stored text as rendering does: both may refuse a sign
                specs = next(chunks, None)
                if specs is None:
                    break
                archive.writestr(f"{name}-{number:03}.pdf", pack_file(specs, on_page))
            except InvalidInput as error:
                archive.writestr(ERRORS_FILE, f"{error.summary()}\nThe pack stopped here: the files before this "
                                              f"one are complete; {number - 1} of them.\n")
                if on_error is not None:
                    on_error(error)
                break
            yield drain.take()
    yield drain.take()
