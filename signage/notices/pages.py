"""The public page of each current notice version, rendered ahead: a sign nobody scanned for weeks is
answered as fast as one scanned a second ago.

A page is two parts that depend only on the version and the language (the summary, and the details
with the version history); the banner, the scanned sign's panel and the links around them are put in
per request. Housekeeping renders the parts from the version's content after checking it against the
entry that published it, exactly as a live page does (integrity.page_versions), and stores them with a
MAC keyed by the app's secret: someone who can write to the database, but has not the secret, cannot
make the public page say anything else. The public page serves stored parts only while their format
(page format, templates and catalogs, MAC key) is the running one and their MAC matches; otherwise it
renders live, so a new release or an empty table costs speed, never correctness.
"""
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import and_, bindparam, delete, func, insert, select

from signage.extensions import db
from signage.i18n import LOCALES_BY_TAG
from signage.notices.integrity import NoticeTampered, page_versions
from signage.notices.models import NoticePage, NoticeVersion
from signage.notices.page import LANGUAGES, page_model
from signage.sites.models import Site
from signage.translation import force_locale, translating

log = logging.getLogger(__name__)

#: Bump when templates or wording change shape, so caches, ETags and stored pages turn over.
PAGE_FORMAT = "3"
PARTS_TEMPLATE = "notices/_parts.html"
#: Pages rendered by one housekeeping batch (each about 2 ms a language here).
PAGE_BATCH = 200

_pages, _versions, _sites = NoticePage.__table__, NoticeVersion.__table__, Site.__table__
STORED = (select(_pages.c.format, _pages.c.title, _pages.c.summary_html, _pages.c.details_html, _pages.c.mac)
          .where(_pages.c.version_id == bindparam("version_id"), _pages.c.language == bindparam("language")))


@dataclass(frozen=True)
class Parts:
    """A page's parts for one version in one language, ready to put in the page."""

    title: str
    summary: Markup
    details: Markup


def page_format(assets: str) -> str:
    """Return the format stored pages must have to be served: the page format, the assets' signature
    and the MAC key's fingerprint, so a release or a new secret turns every stored page over."""
    fingerprint = hashlib.sha256(_mac_key()).hexdigest()[:12]
    return f"{PAGE_FORMAT}.{assets}.{fingerprint}"


def _mac_key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"signage notice pages", hashlib.sha256).digest()


def parts_mac(head, language: str, fmt: str, title: str, summary: str, details: str) -> str:
    """Return the MAC binding a page's parts to its site, version, content hash, language and format."""
    message = json.dumps([head.id, head.code, head.version_id, head.number, head.sha256, language, fmt, title,
                          summary, details], ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(_mac_key(), message, hashlib.sha256).hexdigest()


def render_parts(page: dict) -> Parts:
    """Render a page model's two parts (in the locale of the moment)."""
    template = current_app.jinja_env.get_template(PARTS_TEMPLATE)
    return Parts(page["title"], Markup(template.render(page=page, part="summary")),
                 Markup(template.render(page=page, part="details")))


def stored_parts(head, language: str, fmt: str) -> Parts | None:
    """Return the stored parts of the head's current version in a language, or None when there are none
    in this format or their MAC does not match (then the page is rendered live)."""
    with db.engine.connect() as connection:
        row = connection.execute(STORED, {"version_id": head.version_id, "language": language}).first()
    if row is None or row.format != fmt:
        return None
    expected = parts_mac(head, language, fmt, row.title, row.summary_html, row.details_html)
    if not hmac.compare_digest(expected, row.mac):
        log.error("notice page integrity alarm: stored page of site %s version %s (%s) fails its MAC",
                  head.id, head.number, language)
        return None
    return Parts(row.title, Markup(row.summary_html), Markup(row.details_html))


def page_urls(code: str, shown: int, latest: int, assets: str) -> dict:
    """Return the links a notice page carries (root-relative)."""
    return {"current": url_for("notices.current", code=code),
            "print": url_for("notices.printable", code=code, number=shown if shown != latest else None),
            "css": url_for("static", filename="notice.css", v=assets)}


def version_url(code: str):
    return lambda number: url_for("notices.version", code=code, number=number)


def _missing(fmt: str, limit: int):
    """Current versions of live sites lacking a page in this format in some language, oldest first."""
    latest = (select(func.max(_versions.c.number)).where(_versions.c.site_id == _sites.c.id)
              .correlate(_sites).scalar_subquery())
    stored = (select(func.count()).select_from(_pages)
              .where(_pages.c.version_id == _versions.c.id, _pages.c.format == fmt).correlate(_versions)
              .scalar_subquery())
    return (select(_sites.c.id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                   _versions.c.id.label("version_id"), _versions.c.number, _versions.c.sha256)
            .select_from(_versions.join(_sites, and_(_sites.c.id == _versions.c.site_id,
                                                     _versions.c.number == latest)))
            .where(stored < len(LANGUAGES)).order_by(_versions.c.id).limit(limit))


def render_missing_pages(assets: str, *, limit: int = PAGE_BATCH) -> int:
    """Render and store the pages of up to `limit` current versions that lack them, in the caller's
    transaction; drop the pages of the versions they replace. Return how many versions got pages."""
    fmt = page_format(assets)
    heads = db.session.execute(_missing(fmt, limit)).all()
    rows = []
    with current_app.test_request_context("/"), translating():  # url_for and gettext outside a request
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
                rows.append({"version_id": head.version_id, "language": tag, "format": fmt, "title": parts.title,
                             "summary_html": str(parts.summary), "details_html": str(parts.details),
                             "mac": parts_mac(head, tag, fmt, parts.title, parts.summary, parts.details)})
    if heads:
        site_ids = [head.id for head in heads]
        replaced = select(_versions.c.id).where(_versions.c.site_id.in_(site_ids))  # their older versions too
        db.session.execute(delete(_pages).where(_pages.c.version_id.in_(replaced)))
    if rows:
        db.session.execute(insert(_pages), rows)
    return len(rows) // len(LANGUAGES)  # a tampered version is skipped, so a run of them ends the work
