"""Public notice pages: the second layer behind every sign's QR code, without cookies or scripts."""
import hashlib
import logging

from flask import Blueprint, Flask, Response, current_app, g, json, request, url_for
from flask_babel import get_locale

from signage.auth.login import require
from signage.errors import problem, register_error_page
from signage.i18n import TAGS, select_locale
from signage.notices.cache import caches, register_caches
from signage.notices.content import content_sha256
from signage.notices.integrity import NoticeTampered, page_versions
from signage.notices.linked_data import notice_document
from signage.notices.page import (json_view, not_yet_json, not_yet_model, page_model, print_document,
                                   stored_page_model)
from signage.notices.pages import PAGE_FORMAT, page_format, page_urls, render_parts, stored_parts, version_url
from signage.notices.services import current_content
from signage.notices.state import SITE_HEAD, draft_content, query_head, version_hash
from signage.sites.services import get_site
from signage.security import is_public_path
from signage.translation import translating

bp = Blueprint("notices", __name__)
log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=300"


@bp.get("/n/<code:code>")
@bp.get("/n/<code:code>/<language:lang>/")
@bp.get("/n/<code:code>/<language:lang>/notice.json", defaults={"fmt": "json"})
def current(code, lang=None, fmt=None):
    """Show a site's current notice or, before the first publication, only that the code is genuine.

    Each language has its own address too, with the page as JSON beside it, so a copy on a static host
    (signage.static_export), which cannot read Accept headers, serves every language and format."""
    head = cached_head("site", code, SITE_HEAD)
    return answer(head, fmt=fmt, base=f"/n/{head.code}") if head is not None else not_found()


@bp.get("/n/<code:code>/v<int:number>")
@bp.get("/n/<code:code>/v<int:number>/<language:lang>/")
@bp.get("/n/<code:code>/v<int:number>/<language:lang>/notice.json", defaults={"fmt": "json"})
def version(code, number, lang=None, fmt=None):
    """Show one published version at its own URL, saying whether it has been superseded."""
    head = head_showing(code, number)
    return answer(head, number=number, fmt=fmt, base=f"/n/{head.code}/v{number}") if head is not None else not_found()


@bp.get("/n/<code:code>/print")
@bp.get("/n/<code:code>/v<int:number>/print")
@bp.get("/n/<code:code>/v<int:number>/notice.pdf")
def printable(code, number=None):
    """Return the notice as an A4 PDF in both languages, for reception desks and for keeping."""
    head = head_showing(code, number) if number is not None else cached_head("site", code, SITE_HEAD)
    if head is not None and head.number is None:  # a head cached before going live is read afresh
        head = query_head(SITE_HEAD, code)
    if head is not None and head.number is None:  # nothing is published to print before going live
        return _public_error(404, "Not found", "No notice has been published for this code yet.", "no-store")
    return answer(head, number=number, fmt="pdf") if head is not None else not_found()


@bp.get("/n/<code:code>/v<int:number>/notice.jsonld")
def linked_data(code, number):
    """Return one published version as JSON-LD in the Data Privacy Vocabulary, its context inline."""
    head = head_showing(code, number)
    if head is None:
        return not_found()
    try:
        versions, content = page_versions(head.id, head.number, number)
    except NoticeTampered as alarm:
        log.error("notice integrity alarm: %s", alarm)
        return _public_error(503, "Service unavailable", "This notice cannot be shown right now.", "no-store")
    row = next(r for r in versions if r.number == number)
    base = current_app.config["PUBLIC_BASE_URL"]
    document = notice_document(content, number=number, sha256=row.sha256, effective_from=row.effective_from.isoformat(),
                               urls={"notice": base + url_for("notices.version", code=head.code, number=number),
                                     "current": base + url_for("notices.current", code=head.code),
                                     "ask": base + url_for("public_requests.file", code=head.code, form="ask")})
    body = json.dumps(document, ensure_ascii=False, sort_keys=True)
    return Response(body, mimetype="application/ld+json",
                    headers={"Cache-Control": CACHE_CONTROL, "ETag": f'"{row.sha256[:32]}"'})


@bp.get("/sites/<int:site_id>/notice/preview")
@require("read")
def preview(site_id: int):
    """Show the organisation's users the full notice the record would publish now, marked as a preview:
    before activation the public address shows none of it."""
    site = get_site(g.user.organisation_id, site_id)
    head = query_head(SITE_HEAD, site.code)
    tag = TAGS[select_locale()]
    with translating():
        page = page_model(head, [], None, current_content(site), tag,
                          urls={"current": url_for("notices.current", code=site.code), "print": None,
                                "css": url_for("static", filename="notice.css", v=caches().assets)},
                          version_url=version_url(site.code))
        page["preview"] = True
        html = current_app.jinja_env.get_template("notices/notice.html").render(
            page={**page, "parts": render_parts(page)})
    return Response(html, mimetype="text/html", headers={"Cache-Control": "private, no-store"})


def cached_head(kind: str, key: str, statement):
    """Return a page's head (site state, latest version and its page in the reader's language), kept a
    few seconds per worker."""
    tag = TAGS[select_locale()]
    return caches().head((kind, key.upper(), tag), lambda: query_head(statement, key, tag))


def head_showing(code: str, number: int):
    """Return the head of a site whose version `number` is published, or None.

    A head cached before that version was published is read afresh, so the page never mixes an
    old picture of the site with a newer version.
    """
    head = cached_head("site", code, SITE_HEAD)
    if head is not None and (head.number is None or number > head.number):
        head = query_head(SITE_HEAD, code)
    if head is None or head.number is None or number > head.number or version_hash(head.id, number) is None:
        return None
    return head


def answer(head, *, number=None, fmt=None, panel=None, base: str = "") -> Response:
    """Answer from the render cache when the ETag is known; render once otherwise.

    panel, given by a feature built on notices (a scanned sign), has a hashable `key` and a
    `build(latest)` that returns the dict the page shows about it. base is the page's address without
    a language (/n/CODE, /n/CODE/v2, /S/SERIAL): the language switch links base/<language>/.
    """
    fmt = fmt or _negotiated_format()
    tag = TAGS[select_locale()]  # what Flask-Babel will pick, without parsing a Locale on a cache hit
    shown = number or head.number
    draft = draft_content(head.id) if head.number is None else None
    # a draft's page shows only its operator: its ETag must not change, and so tell, when the draft is edited
    key = (PAGE_FORMAT, caches().assets, fmt, head.code, head.status, head.status_changed_at.isoformat(), shown,
           head.number, head.sha256 if draft is None else content_sha256({"operator": draft.get("operator")}),
           None if fmt == "pdf" else tag,
           panel.key if panel else None, request.script_root + base)  # links begin with the path the app is under
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL,
               "Vary": "Accept" if fmt == "pdf" else "Accept, Accept-Language"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    try:
        body, mimetype = caches().page(etag, lambda: _render(fmt, head, shown, draft, tag, panel, base))
    except NoticeTampered as alarm:
        log.error("notice integrity alarm: %s", alarm)
        return _public_error(503, "Service unavailable", "This notice cannot be shown right now.", "no-store")
    response = Response(body, mimetype=mimetype, headers=headers)
    if fmt == "pdf":
        response.headers["Content-Disposition"] = f'inline; filename="notice-{head.code}-v{shown or 0}.pdf"'
    return response


def _negotiated_format() -> str:
    if "json" not in request.headers.get("Accept", ""):  # skip parsing the header on the common path
        return "html"
    best = request.accept_mimetypes.best_match(("text/html", "application/json"), default="text/html")
    return "json" if best == "application/json" else "html"


def _render(fmt, head, shown, draft, tag, panel, base) -> tuple[bytes, str]:
    with translating():  # a hundred strings a page: the catalog is looked up once
        return _rendered(fmt, head, shown, draft, tag, panel, request.script_root + base)


def _rendered(fmt, head, shown, draft, tag, panel, base) -> tuple[bytes, str]:
    if draft is not None:
        return _not_yet(fmt, head, draft, tag, panel, base)
    latest = head.number
    urls = {**page_urls(head.code, shown, latest, caches().assets), "page": base}
    sign = panel.build(latest) if panel else None
    if fmt == "html" and shown == latest:  # the current version: its parts were most likely rendered ahead
        parts = stored_parts(head, tag, page_format(caches().assets, request.script_root))
        if parts is not None:
            return _html(stored_page_model(head, parts, tag, urls=urls, sign=sign)), "text/html"
    versions, content = page_versions(head.id, head.number, shown)
    if fmt == "pdf":
        from signage.notices.pdf import notice_pdf  # reportlab loads only when someone prints
        url = current_app.config["PUBLIC_BASE_URL"] + url_for("notices.current", code=head.code)
        return notice_pdf(print_document(head, versions, shown, content, url)), "application/pdf"
    page = page_model(head, versions, shown, content, tag, urls=urls, sign=sign, version_url=version_url(head.code))
    if fmt == "json":
        return json.dumps(json_view(page, current_app.config["PUBLIC_BASE_URL"]), ensure_ascii=False).encode(), \
            "application/json"
    return _html({**page, "parts": render_parts(page)}), "text/html"


def _html(page: dict) -> bytes:
    # Rendered without context processors: Flask-Login's would load the user from the session.
    return current_app.jinja_env.get_template("notices/notice.html").render(page=page).encode()


def _not_yet(fmt, head, draft, tag, panel, base) -> tuple[bytes, str]:
    page = not_yet_model(head, draft, tag, css=url_for("static", filename="notice.css", v=caches().assets),
                         sign=panel.build(None) if panel else None, base=base)
    if fmt == "json":
        return json.dumps(not_yet_json(page), ensure_ascii=False).encode(), "application/json"
    return current_app.jinja_env.get_template("notices/not_yet.html").render(page=page).encode(), "text/html"


def not_found() -> Response:
    """Answer an unknown code or serial in the public style (or as a problem document)."""
    return _public_error(404, "Not found", "No notice or sign has this code.", "public, max-age=60")


def public_error_response(status: int, title: str, detail: str, **_) -> Response:
    """Answer an error on any public path in the public layout, never cached."""
    return _public_error(status, title, detail, "no-store")


def _public_error(status: int, title: str, detail: str, cache_control: str) -> Response:
    if _negotiated_format() == "json":
        response = problem(status, title, detail)
    else:
        html = current_app.jinja_env.get_template("notices/404.html").render(
            status=status, lang=TAGS.get(str(get_locale()), "en"),
            css=url_for("static", filename="notice.css", v=caches().assets))
        response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def register(app: Flask) -> None:
    """Serve the public pages, their caches, and the public layout for every error on a public path."""
    register_caches(app)
    register_error_page(app, lambda path: is_public_path(path) and not path.startswith("/api/"),
                        public_error_response)
    app.register_blueprint(bp)
