"""What a page of the public register says, as plain data: its rows in the reader's language, the filters
as the form shows them, and where each link goes. No database; texts in the locale of the moment."""
from signage import vocabulary as vocab
from signage.i18n import LOCALES_BY_TAG
from signage.labels import choice_label
from signage.notices.page import long_date
from signage.pagination import Page
from signage.register.queries import COUNT_CAP, RegisterFilters, bbox_text
from signage.rules.findings import N_
from signage.translation import gettext as _


def register_model(page, filters: RegisterFilters, *, sort: str, tag: str, matching: int, links: dict,
                   css: str, tiles: dict | None = None) -> dict:
    """Gather everything one page of the register says, in one language; `tiles` (the map's tile settings)
    adds the map, which then opens on the page's box."""
    return {
        "lang": tag, "css": css, "rows": [row_model(entry, tag) for entry in page.items],
        "matching": _matching_text(matching), "filters": _filters_model(filters, sort),
        "links": links, "languages": links["languages"],
        "filtered": bool(filters.as_query()), "errors": [], "invalid": (),
        "map": {**tiles, "bbox": bbox_text(filters.bbox) or ""} if tiles else None,
    }


def numbered_model(page, number: int, *, tag: str, links: dict, css: str, tiles: dict | None = None) -> dict:
    """Gather a numbered page of the deployments in operation: the list without its filters, which a static
    copy cannot run, and a link to the live register that can."""
    model = register_model(page, RegisterFilters(), sort="name", tag=tag, matching=0, links=links, css=css,
                           tiles=tiles)
    model["numbered"] = {"number": number, "text": _(
        "Page %(number)s of the deployments in operation, by name. Suspended and decommissioned ones, search and "
        "filters are on the live register.", number=number), "search": _("Search and filter the register")}
    model["matching"] = ""
    return model


def refused_model(errors: dict, given: dict, *, tag: str, links: dict, css: str) -> dict:
    """Gather the page that refuses a query: the form as it was sent, and what is wrong with each filter."""
    sent = RegisterFilters(q=_text(given.get("q")), city=_text(given.get("city")))
    model = register_model(Page([], None, None), sent, sort="name", tag=tag, matching=0, links=links, css=css)
    labels = {item["name"]: item["label"] for item in model["filters"]["selects"]}
    labels.update(q=_("Search"), city=_("City"), bbox=_("Map area"), limit=_("Rows per page"), cursor=_("Page"))
    model["errors"] = [{"field": labels.get(name, name),
                        "messages": [_shown(message) for message in _messages(problems)]}
                       for name, problems in sorted(errors.items())]
    model["invalid"] = tuple(errors)
    model["filters"]["bbox"] = _text(given.get("bbox")) or ""
    model["matching"] = _("This list cannot be shown: a filter is wrong.")
    return model


#: marshmallow's own messages, which its catalogs do not translate, as the page says them
LIBRARY_MESSAGES = (("Must be one of:", N_("Choose one of the values the list offers.")),
                    ("Unknown field.", N_("This page takes no such filter.")),
                    ("Must be greater than or equal to", N_("Give a number within the range this list takes.")),
                    ("Not a valid integer.", N_("Give a whole number.")))


def _shown(message: str) -> str:
    for start, replacement in LIBRARY_MESSAGES:
        if message.startswith(start):
            return _(replacement)
    return _(message)


def _messages(problems) -> list[str]:
    if isinstance(problems, dict):
        return [message for inner in problems.values() for message in _messages(inner)]
    return [str(message) for message in problems] if isinstance(problems, list) else [str(problems)]


def _text(value) -> str | None:
    return value[:100] if isinstance(value, str) else None


def row_model(entry, tag: str) -> dict:
    """Return one deployment as a row of the list shows it to a reader of `tag`."""
    words = (entry.texts or {}).get(tag) or {}
    since = long_date(entry.status_since, LOCALES_BY_TAG[tag])
    status = {"active": _("In operation since %(date)s", date=since),
              "suspended": _("Suspended since %(date)s", date=since),
              "decommissioned": _("Decommissioned since %(date)s", date=since)}[entry.status]
    return {
        "code": entry.code, "name": words.get("name") or entry.name,
        "name_lang": words.get("name_lang") if words.get("name_lang") not in (None, tag) else None,
        "address": words.get("address") or entry.address,
        "address_lang": words.get("address_lang") if words.get("address_lang") not in (None, tag) else None,
        "city": entry.city, "operator": words.get("operator") or entry.operator,
        "purpose": choice_label("purpose", entry.purpose), "function": choice_label("function", entry.function),
        "jurisdictions": [choice_label("jurisdictions", code) for code in entry.jurisdictions or []],
        "status": entry.status, "status_text": status,
        "latitude": entry.latitude, "longitude": entry.longitude,
        "notice_url": f"/n/{entry.code}/{tag}/", "version": entry.version_number,
    }


def _filters_model(filters: RegisterFilters, sort: str) -> dict:
    def options(kind: str, values) -> list[dict]:
        return [{"value": value, "label": choice_label(kind, value)} for value in values]
    return {
        "q": filters.q or "", "city": filters.city or "",
        "bbox": bbox_text(filters.bbox) or "",
        "selects": [
            {"name": "status", "label": _("Status"), "value": filters.status, "any": None,
             "options": [{"value": "active", "label": _("In operation")},
                         {"value": "suspended", "label": _("Suspended")},
                         {"value": "decommissioned", "label": _("Decommissioned")},
                         {"value": "all", "label": _("Any status, in operation first")}]},
            {"name": "jurisdiction", "label": _("Jurisdiction"), "value": filters.jurisdiction,
             "any": _("Any jurisdiction"), "options": options("jurisdictions", vocab.JURISDICTIONS)},
            {"name": "purpose", "label": _("Purpose"), "value": filters.purpose, "any": _("Any purpose"),
             "options": options("purpose", vocab.PURPOSES)},
            {"name": "function", "label": _("What the system does"), "value": filters.function,
             "any": _("Any function"), "options": options("function", vocab.FUNCTIONS)},
            {"name": "sort", "label": _("Order"), "value": sort, "any": None,
             "options": [{"value": "name", "label": _("By name")}, {"value": "city", "label": _("By city")},
                         {"value": "newest", "label": _("Latest change first")}]},
        ],
    }


def _matching_text(matching: int) -> str:
    if matching > COUNT_CAP:
        return _("More than %(count)s deployments match.", count=f"{COUNT_CAP:,}")
    if matching == 0:
        return _("No deployment matches.")
    return _("%(count)s deployments match.", count=f"{matching:,}") if matching != 1 else \
        _("One deployment matches.")
