"""The public page of each current notice version, rendered ahead: a sign nobody scanned for weeks is
answered as fast as one scanned a second ago.

A page is three parts that depend only on the version and the language (its top down to the headline;
the summary; the details with the version history and the foot); the status banner and the scanned
sign's panel between them are put in per request. Housekeeping renders the parts from the version's
content after checking it against the entry that published it, exactly as a live page does
(integrity.page_versions), and stores them with a MAC keyed by the app's secret: someone who can write
to the database, but has not the secret, cannot make the public page say anything else. The public page
serves stored parts only while their format (page format, templates and catalogs, MAC key, the path the
app is served under) is the running one and their MAC matches; otherwise it renders live, so a new
release or an empty table costs speed, never correctness.
"""
import hashlib
import hmac
import json
import logging
import zlib
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, request, url_for
from markupsafe import Markup
from sqlalchemy import and_, delete, func, insert, select

from signage.extensions import db
from signage.i18n import LOCALES_BY_TAG
from signage.notices.integrity import NoticeTampered, page_versions
from signage.notices.models import NoticePage, NoticeVersion
from signage.notices.page import LANGUAGES, page_model
from signage.sites.models import Site
from signage.translation import force_locale, translating

log = logging.getLogger(__name__)

#: Bump when templates or wording change shape, so caches, ETags and stored pages turn over.
PAGE_FORMAT = "11"  # 11: the language switch outside the parts, linking each language's own address
PARTS_TEMPLATE = "notices/_parts.html"
#: Versions whose pages one housekeeping batch renders (about 2 ms a version, both languages, here).
PAGE_BATCH = 200

_pages, _versions, _sites = NoticePage.__table__, NoticeVersion.__table__, Site.__table__


@dataclass(frozen=True)
class Parts:
    """A page's parts for one version in one language, ready to put in the page. The language switch sits
    between the opening and the top, outside them: it links the address the page was asked at."""

    opening: Markup
    top: Markup
    summary: Markup
    bottom: Markup


def page_format(assets: str, script_root: str) -> str:
    """Return the format stored pages must have to be served: the page format, the assets' signature,
    the MAC key's fingerprint and the path the app is served under (its links begin with it), so a
    release, a new secret or a move turns every stored page over."""
    return _format(assets, current_app.config["SECRET_KEY"], script_root)


@lru_cache(maxsize=8)
def _format(assets: str, secret: str, script_root: str) -> str:
    key = hashlib.sha256(_mac_key(secret)).hexdigest()[:12]
    return f"{PAGE_FORMAT}.{assets}.{key}.{hashlib.sha256(script_root.encode()).hexdigest()[:8]}"


@lru_cache(maxsize=8)
def _mac_key(secret: str) -> bytes:
    """The pages' own key, derived from the app's secret (which signs sessions too)."""
    return hmac.new(secret.encode(), b"signage notice pages", hashlib.sha256).digest()


def parts_mac(head, language: str, fmt: str, packed: bytes) -> str:
    """Return the MAC binding a page's packed parts to its site, version, content hash, language and format."""
    binding = json.dumps([head.id, head.code, head.version_id, head.number, head.sha256, language, fmt],
                         separators=(",", ":")).encode()
    mac = hmac.new(_mac_key(current_app.config["SECRET_KEY"]), binding, hashlib.sha256)
    mac.update(b"\n" + packed)  # the binding is JSON on one line: nothing in it can end where the parts begin
    return mac.hexdigest()


#: Between the packed parts: rendered HTML never holds it (stored text refuses control characters).
SEPARATOR = "\x00"


def pack(parts: Parts) -> bytes:
    """Store a page's parts as one compressed text, the parts apart by SEPARATOR."""
    texts = (str(parts.opening), str(parts.top), str(parts.summary), str(parts.bottom))
    if any(SEPARATOR in text for text in texts):
        raise ValueError("a rendered notice part holds a NUL")
    return zlib.compress(SEPARATOR.join(texts).encode(), 6)


def unpack(packed: bytes) -> Parts:
    """Read parts stored by pack(): only after their MAC matched, so nothing but our own output is inflated."""
    return Parts(*(Markup(text) for text in zlib.decompress(packed).decode().split(SEPARATOR)))


def render_parts(page: dict) -> Parts:
    """Render a page model's three parts (in the locale of the moment)."""
    template = current_app.jinja_env.get_template(PARTS_TEMPLATE)
    return Parts(*(Markup(template.render(page=page, part=part)) for part in ("opening", "top", "summary", "bottom")))


def stored_parts(head, language: str, fmt: str) -> Parts | None:
    """Return the parts of the head's current version rendered ahead in a language, as the head query read
    them (state.HEAD_COLUMNS), or None when there are none in this format, they are of another language or
    version, or their MAC does not match: then the page is rendered live."""
    if head.page_format != fmt:
        return None
    packed = bytes(head.page_parts)  # psycopg gives bytes, SQLite bytes too; a memoryview would not hash
    if not hmac.compare_digest(parts_mac(head, language, fmt, packed), head.page_mac):
        log.error("notice page integrity alarm: stored page of site %s version %s (%s) fails its MAC",
                  head.id, head.number, language)
        return None
    return unpack(packed)


def page_urls(code: str, shown: int, latest: int, assets: str) -> dict:
    """Return the links a notice page carries (root-relative), as notices.views routes them; built from
    the script root instead of by url_for, which costs a tenth of a page nobody asked for lately."""
    current = f"{request.script_root}/n/{code}"
    # the version's PDF beside its JSON-LD: a file name a static copy serves with the right type
    return {"current": current, "print": f"{current}/v{shown}/notice.pdf",
            "css": f"{request.script_root}/static/notice.css?v={assets}",
            # where a person withdraws with their receipt code, or gives consent online where it is offered
            "receipts": f"{request.script_root}/r/", "consent": f"{current}/consent",
            # a person's request about their data, a report about a sign, and following either by its code
            "ask": f"{current}/ask", "report": f"{current}/report", "follow": f"{request.script_root}/q/",
            # every deployment with a published notice (signage.register)
            "register": f"{request.script_root}/register",
            # the version shown as JSON-LD in the Data Privacy Vocabulary (linked_data)
            "linked_data": f"{current}/v{shown}/notice.jsonld"}


def version_url(code: str):
    """Return the function that links each published version of a site's notice."""
    return lambda number: url_for("notices.version", code=code, number=number)


def _missing(fmt: str, limit: int, *, above: int, up_to: int):
    """Current versions of live sites lacking a page in this format in some language, oldest first,
    among the version ids above..up_to."""
    latest = (select(func.max(_versions.c.number)).where(_versions.c.site_id == _sites.c.id)
              .correlate(_sites).scalar_subquery())
    stored = (select(func.count()).select_from(_pages)
              .where(_pages.c.version_id == _versions.c.id, _pages.c.format == fmt).correlate(_versions)
              .scalar_subquery())
    return (select(_sites.c.id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                   _versions.c.id.label("version_id"), _versions.c.number, _versions.c.sha256)
            .select_from(_versions.join(_sites, and_(_sites.c.id == _versions.c.site_id,
                                                     _versions.c.number == latest)))
            .where(_versions.c.id > above, _versions.c.id <= up_to, stored < len(LANGUAGES))
            .order_by(_versions.c.id).limit(limit))


def render_missing_pages(assets: str, *, limit: int = PAGE_BATCH, checked: dict | None = None) -> int:
    """Render and store the pages of up to `limit` current versions that lack them, in the caller's
    transaction; drop the pages of the versions they replace. Return how many versions got pages.

    `checked`, kept by a long-lived caller (a server's housekeeping thread), remembers per format the
    highest version id below which nothing lacked its pages: versions are appended, so later passes look
    only above it, and an idle pass costs one indexed query however many notices there are.
    """
    # rendered as a request to the public address would be: its links begin with that address's path
    context = current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"] + "/")
    fmt = page_format(assets, context.request.script_root)
    floor = (checked or {}).get(fmt, 0)
    # read first, so a version published meanwhile lies above it and is looked at next time
    top = db.session.scalar(select(func.max(_versions.c.id))) or 0
    heads = db.session.execute(_missing(fmt, limit, above=floor, up_to=top)).all()
    if not heads:
        if checked is not None:
            checked[fmt] = top
        return 0
    rows = []
    with context, translating():  # url_for and gettext outside a request
        for head in heads:
            try:
                versions, content = page_versions(head.id, head.number, head.number)
            except NoticeTampered as alarm:  # never render what was not published; the live page says so too
                log.error("notice integrity alarm: %s", alarm)
                continue
            for tag, _name in LANGUAGES:
                with force_locale(LOCALES_BY_TAG[tag]):
                    page = page_model(head, versions, head.number, content, tag,
                                      urls=page_urls(head.code, head.number, head.number, assets),
                                      version_url=version_url(head.code))
                    parts = render_parts(page)
                packed = pack(parts)
                rows.append({"version_id": head.version_id, "language": tag, "format": fmt, "parts": packed,
                             "mac": parts_mac(head, tag, fmt, packed)})
    replaced = select(_versions.c.id).where(_versions.c.site_id.in_([head.id for head in heads]))  # older ones too
    db.session.execute(delete(_pages).where(_pages.c.version_id.in_(replaced)))
    if rows:
        db.session.execute(insert(_pages), rows)
    return len(rows) // len(LANGUAGES)  # a tampered version is skipped, so a run of them ends the work
