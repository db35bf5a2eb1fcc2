"""Public notice pages: the second layer behind every sign's QR code, without cookies or scripts."""
import hashlib
import threading
from pathlib import Path

from flask import Response, current_app, g, json, request, url_for
from flask_babel import force_locale, format_date, get_locale, gettext as _

from signage.errors import problem
from signage.i18n import LOCALES_BY_TAG, TAGS, select_locale
from signage.notices import bp
from signage.notices.content import content_sha256
from signage.notices.state import draft_content, page_state, version_content, version_hash, version_list
from signage.notices.summary import history_items, notice_items

#: Bump when templates or wording change shape, so caches and ETags turn over.
PAGE_FORMAT = "1"
CACHE_CONTROL = "public, max-age=300"
RENDER_CACHE_SIZE = 512
_cache_lock = threading.Lock()


@bp.before_request
def public_page():
    """Mark the request public: the locale comes from ?lang= or Accept-Language, never a cookie."""
    g.public_page = True


@bp.get("/n/<code>")
def current(code):
    """Show a site's current notice, or the draft built live before the first publication."""
    head = _state("site", code)
    return answer(head) if head is not None else not_found()


@bp.get("/n/<code>/v<int:number>")
def version(code, number):
    """Show one published version at its own URL, saying whether it has been superseded."""
    head = _state("site", code)
    shown = version_hash(head.id, number) if head is not None else None
    return answer(head, number=number, sha256=shown) if shown else not_found()


@bp.get("/n/<code>/print")
@bp.get("/n/<code>/v<int:number>/print")
def printable(code, number=None):
    """Return the notice as an A4 PDF in both languages, for reception desks and for keeping."""
    head = _state("site", code)
    shown = version_hash(head.id, number) if head is not None and number is not None else None
    if head is None or (number is not None and shown is None):
        return not_found()
    return answer(head, number=number, sha256=shown, fmt="pdf")


@bp.get("/S/<serial>")
@bp.get("/s/<serial>")
def scan(serial):
    """Show the current notice of a scanned sign's site, naming the sign and where it should hang."""
    head = _state("sign", serial)
    return answer(head) if head is not None else not_found()


def _state(kind: str, key: str):
    return page_state(kind, key, ttl=current_app.config["NOTICE_STATE_TTL"])


def answer(head, *, number=None, sha256=None, fmt=None) -> Response:
    """Answer from the render cache when the ETag is known; render once otherwise."""
    fmt = fmt or _negotiated_format()
    tag = TAGS[select_locale()]  # what Flask-Babel will pick, without parsing a Locale on a cache hit
    shown = number or head.number
    draft = draft_content(head.id) if head.number is None else None
    key = (PAGE_FORMAT, _assets_signature(), fmt, head.code, head.status, head.status_changed_at.isoformat(),
           shown, head.number, sha256 or head.sha256 or content_sha256(draft), None if fmt == "pdf" else tag,
           _sign_state(head))
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL,
               "Vary": "Accept" if fmt == "pdf" else "Accept, Accept-Language"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    cache = current_app.extensions.setdefault("notice_render_cache", {})
    hit = cache.get(etag)
    if hit is None:
        versions = version_list(head.id)
        content = draft if draft is not None else version_content(head.id, shown)
        hit = _render(fmt, head, versions, shown, content, tag)
        with _cache_lock:
            while len(cache) >= RENDER_CACHE_SIZE:
                cache.pop(next(iter(cache)), None)
            cache[etag] = hit
    body, mimetype = hit
    response = Response(body, mimetype=mimetype, headers=headers)
    if fmt == "pdf":
        response.headers["Content-Disposition"] = f'inline; filename="notice-{head.code}-v{shown or 0}.pdf"'
    return response


def _sign_state(head):
    if "serial" not in head._fields:
        return None
    return (head.serial, head.placement, head.sign_status, head.notice_version,
            head.stale_since.isoformat() if head.stale_since else None)


def _negotiated_format() -> str:
    if "json" not in request.headers.get("Accept", ""):  # skip parsing the header on the common path
        return "html"
    best = request.accept_mimetypes.best_match(("text/html", "application/json"), default="text/html")
    return "json" if best == "application/json" else "html"


def _assets_signature() -> str:
    """Hash the stylesheet, the templates and the catalogs once per process, for the ETag and the CSS URL."""
    signature = current_app.extensions.get("notice_assets")
    if signature is None:
        root = Path(current_app.root_path)
        files = [root / "static" / "notice.css", *sorted((root.parent / "templates" / "notices").glob("*.html")),
                 *sorted((root.parent / "translations").glob("*/LC_MESSAGES/*.mo"))]
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes() if path.exists() else b"")
        signature = current_app.extensions["notice_assets"] = digest.hexdigest()[:12]
    return signature


def _render(fmt, head, versions, shown, content, tag) -> tuple[bytes, str]:
    if fmt == "pdf":
        from signage.notices.pdf import notice_pdf  # reportlab loads only when someone prints
        return notice_pdf(_print_document(head, versions, shown, content)), "application/pdf"
    page = page_model(head, versions, shown, content, tag)
    if fmt == "json":
        return json.dumps(_json_view(page), ensure_ascii=False).encode(), "application/json"
    # Rendered without context processors: Flask-Login's would load the user from the session.
    html = current_app.jinja_env.get_template("notices/notice.html").render(page=page)
    return html.encode(), "text/html"


def page_model(site, versions, shown, content, tag) -> dict:
    """Gather everything a notice page says, in the request's language, as plain data."""
    latest = versions[0].number if versions else None
    row = next((r for r in versions if r.number == shown), None)
    items = notice_items(content, tag)
    return {
        "lang": tag, "code": site.code, "title": items["title"], "status": site.status,
        "status_since": site.status_changed_at, "banner": status_banner(site),
        "summary": items["summary"], "sections": items["sections"],
        "version": {"number": shown, "current": shown == latest, "current_number": latest,
                    "effective_from": row.effective_from if row else None,
                    "effective_text": format_date(row.effective_from, "long") if row else None,
                    "sha256": row.sha256 if row else content_sha256(content),
                    "superseded": superseded_text(versions, shown) if shown != latest else None},
        "sign": sign_panel(site, latest) if "serial" in site._fields else None,
        "history": [{**item, "url": url_for("notices.version", code=site.code, number=item["number"]),
                     "effective_from": r.effective_from}
                    for item, r in zip(history_items([r._asdict() for r in versions]), versions)],
        "urls": {"current": url_for("notices.current", code=site.code),
                 "print": url_for("notices.printable", code=site.code, number=shown if shown != latest else None),
                 "css": url_for("static", filename="notice.css", v=_assets_signature())},
        "languages": [{"tag": t, "name": n, "current": t == tag} for t, n in (("zh-Hans", "简体中文"), ("en", "English"))],
    }


def status_banner(site) -> dict:
    """Say whether the cameras are in operation, and since when."""
    since = format_date(site.status_changed_at, "long")
    text = {"draft": _("Not yet in operation. This notice is a preview; the cameras are not in use yet."),
            "active": _("In operation since %(date)s.", date=since),
            "suspended": _("Suspended since %(date)s: face recognition is switched off for now.", date=since),
            "decommissioned": _("Decommissioned since %(date)s: face recognition here has ended.", date=since),
            }[site.status]
    return {"status": site.status, "text": text}


def superseded_text(versions: list, shown: int) -> str:
    """Say which later version replaced an old one, and when."""
    following = next(r for r in reversed(versions) if r.number > shown)
    return _("This is version %(number)s. It was replaced by version %(next)s on %(date)s.", number=shown,
             next=following.number, date=format_date(following.effective_from, "long"))


def sign_panel(sign, latest: int | None) -> dict:
    """Name the scanned sign and its placement, and say whether it is outdated (SIGN-STALE)."""
    outdated = None
    if sign.sign_status == "retired":
        outdated = _("This sign has been retired and should no longer hang anywhere.")
    elif sign.stale_since:
        outdated = _("This sign is outdated: it was printed with notice version %(printed)s and its text may "
                     "no longer be right.", printed=sign.notice_version)
    # a newer notice that changed nothing printed on the sign leaves the sign right (regulation.md §5.4)
    older = (latest is not None and sign.notice_version < latest and outdated is None)
    return {"older_text": _("This sign was printed with notice version %(printed)s; below is version %(current)s, "
                            "the current one. What the sign says is still right.", printed=sign.notice_version,
                            current=latest) if older else None,"serial": sign.serial, "placement": sign.placement, "printed_version": sign.notice_version,
            "status": sign.sign_status, "outdated": outdated is not None,
            "text": _("You scanned sign %(serial)s. It should hang at: %(placement)s.", serial=sign.serial,
                      placement=sign.placement),
            "check": _("If it hangs somewhere else, it may have been put over the real sign: please tell us."),
            "outdated_text": (outdated + " " + _("This page shows the current notice.")) if outdated else None}


def _json_view(page: dict) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    version = page["version"]
    return {
        "site": {"code": page["code"], "name": page["title"], "status": page["status"],
                 "status_since": page["status_since"].isoformat(), "banner": page["banner"]["text"]},
        "language": page["lang"],
        "version": {"number": version["number"], "current": version["current"],
                    "current_number": version["current_number"], "sha256": version["sha256"],
                    "effective_from": version["effective_from"].isoformat() if version["effective_from"] else None,
                    "superseded": version["superseded"]},
        "summary": page["summary"], "sections": page["sections"], "sign": page["sign"],
        "versions": [{"number": item["number"], "effective_from": item["effective_from"].isoformat(),
                      "changes": item["changes"], "url": base + item["url"]} for item in page["history"]],
        "urls": {"current": base + page["urls"]["current"], "print": base + page["urls"]["print"]},
    }


def _print_document(site, versions, shown, content) -> dict:
    latest = versions[0].number if versions else None
    row = next((r for r in versions if r.number == shown), None)
    blocks = []
    for tag in ("zh-Hans", "en"):
        with force_locale(LOCALES_BY_TAG[tag]):
            blocks.append({"tag": tag, **notice_items(content, tag), "banner": status_banner(site)["text"],
                           "summary_title": _("In short"), "details_title": _("In detail"),
                           "version_line": _("Notice version %(number)s, in effect from %(date)s. SHA-256: %(sha)s",
                                             number=shown or 0, sha=row.sha256 if row else content_sha256(content),
                                             date=format_date(row.effective_from, "long") if row else "—"),
                           "superseded": superseded_text(versions, shown) if shown != latest else None,
                           "history_title": _("Version history"),
                           "history": history_items([r._asdict() for r in versions])})
    url = current_app.config["PUBLIC_BASE_URL"] + url_for("notices.current", code=site.code)
    return {"title": blocks[1]["title"], "url": url, "blocks": blocks}


def not_found() -> Response:
    """Answer an unknown code or serial in the public style (or as a problem document)."""
    return _public_error(404, "Not found", "No notice or sign has this code.", "public, max-age=60")


def public_error_response(status: int, title: str, detail: str) -> Response:
    """Answer an error on any public path in the public layout, never cached."""
    return _public_error(status, title, detail, "no-store")


def _public_error(status: int, title: str, detail: str, cache_control: str) -> Response:
    if _negotiated_format() == "json":
        response = problem(status, title, detail)
    else:
        html = current_app.jinja_env.get_template("notices/404.html").render(
            status=status, lang=TAGS.get(str(get_locale()), "en"),
            css=url_for("static", filename="notice.css", v=_assets_signature()))
        response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
