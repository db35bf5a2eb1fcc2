"""What a static copy holds: each public address the app answers, the files its answer becomes, and the
language it is asked in. A static host reads no Accept-Language, so an address without a language (the
one a sign's QR code holds) serves one: the first language of the sign, or of the site's first sign.

The addresses a host serves from a folder (/n/CODE, /n/CODE/en/) become index.html files in it; the
others keep their names (notice.json, notice.pdf, register.csv, the log's tiles)."""
from dataclasses import dataclass
from math import ceil

from flask import current_app
from sqlalchemy import func, select

from signage.audit.models import AuditEntry, LogCheckpoint
from signage.audit import merkle
from signage.audit.transparency import PUBLIC_ACTIONS
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.register import opendata
from signage.register.models import RegisterEntry
from signage.rules.texts import TEXT_LANGUAGES
from signage.signs.models import Sign
from signage.sites.models import Site


@dataclass(frozen=True)
class Planned:
    """One address to ask the app for, and where its answer goes in the copy."""

    url: str
    #: the files the answer is written to (page 1 of the register is also the register's own index)
    paths: tuple[str, ...]
    #: the Accept-Language it is asked with: the language a static host serves at this address
    language: str | None = None
    #: never changes once the copy holds it (a full tile, a public entry): not asked for again
    immutable: bool = False


def page(base: str, default: str, *, as_json: bool = True) -> list[Planned]:
    """A page with an address per language: base itself in `default`, base/<tag>/ in each language, each
    with its JSON beside it (notices.views)."""
    folder = base.lstrip("/")
    planned = [Planned(base, (f"{folder}/index.html",), default)]
    for tag in TEXT_LANGUAGES:
        planned.append(Planned(f"{base}/{tag}/", (f"{folder}/{tag}/index.html",), tag))
        if as_json:
            planned.append(Planned(f"{base}/{tag}/notice.json", (f"{folder}/{tag}/notice.json",), tag))
    return planned


def site_pages(code: str, latest: int | None, default: str) -> list[Planned]:
    """A site's current notice and every published version, each with its JSON-LD and its PDF."""
    planned = page(f"/n/{code}", default)
    for number in range(1, (latest or 0) + 1):
        base = f"/n/{code}/v{number}"
        planned += page(base, default)
        planned += [Planned(f"{base}/notice.jsonld", (f"{base[1:]}/notice.jsonld",)),
                    Planned(f"{base}/notice.pdf", (f"{base[1:]}/notice.pdf",))]
    return planned


def register_pages(rows: int, per_page: int, default: str) -> list[Planned]:
    """The register's numbered pages in each language (page 1 also as the register's index), and its
    open data."""
    planned = []
    for number in range(1, max(1, ceil(rows / per_page)) + 1):
        first = ("register/index.html",) if number == 1 else ()
        planned.append(Planned(f"/register/page/{number}/", (f"register/page/{number}/index.html", *first), default))
        for tag in TEXT_LANGUAGES:
            first = (f"register/{tag}/index.html",) if number == 1 else ()
            planned.append(Planned(f"/register/{tag}/page/{number}/",
                                   (f"register/{tag}/page/{number}/index.html", *first), tag))
    planned += [Planned(f"/register.{fmt}", (f"register.{fmt}",)) for fmt in opendata.CHUNKS]
    return planned


def log_files(size: int | None, public_indexes) -> list[Planned]:
    """The log's key and the receipts' keys; the latest checkpoint, when one is signed (of `size` leaves),
    the tiles of the tree it signs and the entries in it that are public."""
    planned = [Planned("/log/key", ("log/key",)), Planned("/.well-known/jwks.json", (".well-known/jwks.json",))]
    if size is None:
        return planned
    planned.append(Planned("/log/checkpoint", ("log/checkpoint",)))
    level, count = 0, size
    while count:
        full, rest = divmod(count, merkle.TILE_WIDTH)
        tiles = [(index, merkle.TILE_WIDTH) for index in range(full)] + ([(full, rest)] if rest else [])
        for index, width in tiles:
            path = "log/" + merkle.tile_path(level, index, width)
            planned.append(Planned("/" + path, (path,), immutable=width == merkle.TILE_WIDTH))
        level, count = level + 1, full  # the level above holds one hash per full tile of this one
    planned += [Planned(f"/log/entry/{index}", (f"log/entry/{index}",), immutable=True) for index in public_indexes]
    return planned


def plan_copy() -> tuple[list[Planned], dict]:
    """Return every address the copy holds, in a few statements whatever the number of sites, and what it
    counts (sites, signs, register rows, log size)."""
    sites = db.session.execute(
        select(Site.id, Site.code, Site.text_language, func.max(NoticeVersion.number).label("latest"))
        .outerjoin(NoticeVersion, NoticeVersion.site_id == Site.id)
        .group_by(Site.id, Site.code, Site.text_language).order_by(Site.id)).all()
    signs = db.session.execute(select(Sign.serial, Sign.site_id, Sign.languages).order_by(Sign.id)).all()
    first_language = {}
    for sign in signs:  # in id order: the first sign of a site names its default language
        first_language.setdefault(sign.site_id, _first(sign.languages))
    planned = []
    for site in sites:
        if site.latest is not None or site.id in first_language:  # a draft without signs has no public address
            planned += site_pages(site.code, site.latest, first_language.get(site.id) or site.text_language)
    for sign in signs:
        planned += page(f"/S/{sign.serial}", _first(sign.languages))
    listed = db.session.scalar(select(func.count()).select_from(RegisterEntry).where(RegisterEntry.status == "active"))
    defaults = [first_language.get(site.id) or site.text_language for site in sites if site.latest is not None]
    planned += register_pages(listed, current_app.config["REGISTER_NUMBERED_ROWS"], _most_common(defaults))
    size = db.session.scalar(select(LogCheckpoint.size).order_by(LogCheckpoint.id.desc()).limit(1))
    public = db.session.scalars(select(AuditEntry.id - 1).where(AuditEntry.action.in_(PUBLIC_ACTIONS),
                                                                AuditEntry.id <= (size or 0)).order_by(AuditEntry.id))
    planned += log_files(size, public)
    return planned, {"sites": sum(1 for site in sites if site.latest is not None), "signs": len(signs),
                     "listed": listed, "log_size": size or 0}


def _first(languages) -> str:
    return next((tag for tag in languages or () if tag in TEXT_LANGUAGES), TEXT_LANGUAGES[0])


def _most_common(languages: list[str]) -> str:
    """The register's own default: the language most sites' pages open in (the first listed on a tie)."""
    counts = {tag: languages.count(tag) for tag in TEXT_LANGUAGES}
    return max(TEXT_LANGUAGES, key=lambda tag: counts[tag])
