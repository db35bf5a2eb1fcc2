"""The public register at /register and its downloads: no account, no cookie, no script needed (a map where a
tile server is set up); filters as plain query parameters, so every list and download has an address to keep
and share."""
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context, url_for

from signage.config import map_tile_origin
from signage.database import reads_only
from signage.errors import InvalidInput, problem
from signage.http import load_data, query_args
from signage.i18n import TAGS, select_locale
from signage.notices.cache import caches
from signage.notices.page import LANGUAGES
from signage.pagination import DEFAULT_LIMIT
from signage.register import opendata, queries
from signage.register.page import numbered_model, refused_model, register_model
from signage.register.schemas import DownloadQuerySchema, RegisterQuerySchema
from signage.security import content_security_policy

bp = Blueprint("register", __name__)
CACHE_CONTROL = "public, max-age=60"
#: Bump when a download's shape changes, so ETags made before never match it.
DOWNLOAD_FORMAT = "1"


@bp.get("/register")
@bp.get("/register/<language:lang>/")
@reads_only
def listing(lang=None):
    """Show one page of the register, filtered and sorted as the query asks."""
    tag = TAGS[select_locale()]
    try:
        query = load_data(RegisterQuerySchema(), query_args(drop_empty=True))
    except InvalidInput as refused:  # the form again, saying which filter is wrong and why
        model = refused_model(refused.errors, query_args(drop_empty=True), tag=tag, css=_css(),
                              links=_links(queries.RegisterFilters(), "name", tag, None))
        return _page(model, tag, status=400)
    filters = queries.RegisterFilters.from_query(query)
    page = queries.register_page(filters, sort=query["sort"], limit=query["limit"], cursor=query.get("cursor"))
    model = register_model(page, filters, sort=query["sort"], tag=tag, matching=queries.count_matching(filters),
                           links=_links(filters, query["sort"], tag, page, query["limit"]), css=_css(),
                           tiles=_tiles())
    return _page(model, tag)


@bp.get("/register/page/<int:number>/")
@bp.get("/register/<language:lang>/page/<int:number>/")
@reads_only
def numbered(number: int, lang=None):
    """Show a numbered page of the deployments in operation by name: the pages a static copy of the register
    serves (signage.static_export), at the same addresses here."""
    tag = TAGS[select_locale()]
    page = queries.numbered_page(number, limit=current_app.config["REGISTER_NUMBERED_ROWS"])
    if page is None:
        abort(404)
    chosen = {"lang": lang} if lang else {}
    links = {"next": url_for("register.numbered", number=page.next_cursor, **chosen) if page.next_cursor else None,
             "prev": url_for("register.numbered", number=page.prev_cursor, **chosen) if page.prev_cursor else None,
             "downloads": {fmt: url_for("register.download", fmt=fmt) for fmt in opendata.CHUNKS},
             "languages": [{"tag": other, "name": name, "current": other == tag,
                            "href": url_for("register.numbered", number=number, lang=other)}
                           for other, name in LANGUAGES],
             "clear": None, "search": url_for("register.listing", **chosen)}
    return _page(numbered_model(page, number, tag=tag, links=links, css=_css(), tiles=_tiles()), tag)


def _page(model: dict, tag: str, *, status: int = 200) -> Response:
    response = Response(render_template("register/list.html", page=model, lang=tag), status=status)
    response.headers["Cache-Control"] = CACHE_CONTROL if status == 200 else "no-store"
    response.headers["Vary"] = "Accept-Language"
    if model["map"]:  # the map's scripts from this site, and its tiles from the one host set up
        response.headers["Content-Security-Policy"] = content_security_policy(scripts=True,
                                                                              images_from=model["map"]["origin"])
    return response


def _tiles() -> dict | None:
    """Return the map's tile settings (README, Map), or None when no tile server is set up: then no map."""
    config = current_app.config
    if not config.get("MAP_TILE_URL"):
        return None
    origin = map_tile_origin(config["MAP_TILE_URL"])
    return {"url": config["MAP_TILE_URL"], "origin": origin, "host": urlsplit(origin).netloc,
            "attribution": config.get("MAP_ATTRIBUTION") or "",
            "attribution_url": config.get("MAP_ATTRIBUTION_URL") or ""}


def _css() -> str:
    return url_for("static", filename="notice.css", v=caches().assets)


@bp.get("/register.<any(csv, json, geojson):fmt>")
@reads_only
def download(fmt: str):
    """Stream the filtered register as CSV, JSON or GeoJSON, whatever its length, with an ETag that moves
    only when a row does."""
    try:
        query = load_data(DownloadQuerySchema(), query_args(drop_empty=True))
    except InvalidInput as refused:
        response = problem(400, "Bad request", "The query names a filter the register does not have, or a value "
                           "it cannot take; `errors` says which.", errors=refused.errors)
        response.headers["Cache-Control"] = "no-store"
        return response
    filters = queries.RegisterFilters.from_query(query)
    etag = hashlib.sha256(repr((DOWNLOAD_FORMAT, fmt, sorted(filters.as_query().items()), query["sort"],
                                queries.register_revision(), current_app.config["PUBLIC_BASE_URL"])
                               ).encode()).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL,
               "Content-Disposition": f'inline; filename="signage-register.{fmt}"'}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    chunks = opendata.CHUNKS[fmt](queries.download_batches(filters, sort=query["sort"], fmt=fmt),
                                  current_app.config["PUBLIC_BASE_URL"])
    return Response(stream_with_context(chunks), mimetype=opendata.MIMETYPES[fmt], headers=headers)


def _links(filters, sort: str, tag: str, page, limit: int = DEFAULT_LIMIT) -> dict:
    """Return the page's links: the other pages, the downloads of the same filters, each language."""
    kept = {**filters.as_query(), **({"sort": sort} if sort != "name" else {})}
    pages = {**kept, **({"limit": limit} if limit != DEFAULT_LIMIT else {})}
    # the language a link chose (in the path or as ?lang=) is kept, as the tag the page is in
    here = tag if (request.view_args or {}).get("lang") or request.args.get("lang") else None
    with_lang = {**pages, **({"lang": here} if here else {})}
    next_cursor, prev_cursor = (page.next_cursor, page.prev_cursor) if page else (None, None)
    return {
        "next": url_for("register.listing", **with_lang, cursor=next_cursor) if next_cursor else None,
        "prev": url_for("register.listing", **with_lang, cursor=prev_cursor) if prev_cursor else None,
        "downloads": {fmt: url_for("register.download", fmt=fmt, **kept) for fmt in opendata.CHUNKS},
        "languages": [{"tag": other, "name": name, "current": other == tag,
                       "href": url_for("register.listing", **pages, lang=other)} for other, name in LANGUAGES],
        "clear": url_for("register.listing", **({"lang": here} if here else {})),
    }
