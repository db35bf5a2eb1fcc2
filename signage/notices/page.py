"""What a notice page says, as plain data: from a site's state, its versions, the content shown and,
when a sign was scanned, that sign's panel. No database and no request: the view passes everything in,
URLs included; texts come from gettext in the locale of the moment (flask_babel.force_locale).
"""
from functools import lru_cache
from typing import Callable

from flask_babel import format_date, get_locale
from signage.translation import force_locale, gettext as _

from signage.i18n import LOCALES_BY_TAG
from signage.notices.content import content_sha256
from signage.notices.schemas import NoticeJSONSchema
from signage.notices.summary import history_items, notice_items
from signage.rules.texts import LANGUAGE_NAMES, organisation_name

#: The page's languages in their own script, in the order the switch lists them.
LANGUAGES = tuple(LANGUAGE_NAMES.items())
NOTICE_JSON = NoticeJSONSchema()


def page_model(head, versions: list, shown: int | None, content: dict, tag: str, *, urls: dict,
               version_url: Callable[[int], str], sign: dict | None = None) -> dict:
    """Gather everything a notice page says, in one language.

    head.number is the latest published version (None for a draft) and bounds everything else.
    """
    latest = head.number
    row = next((r for r in versions if r.number == shown), None)
    items = notice_items(content, tag)
    return {
        "lang": tag, "code": head.code, "title": items["title"], "status": head.status,
        "status_since": head.status_changed_at, "banner": status_banner(head),
        "summary": items["summary"], "sections": items["sections"],
        "version": {"number": shown, "current": shown == latest, "current_number": latest,
                    "effective_from": row.effective_from if row else None,
                    "effective_text": format_date(row.effective_from, "long") if row else None,
                    "sha256": row.sha256 if row else content_sha256(content),
                    "superseded": superseded_text(versions, shown)},
        "sign": sign,
        "history": [{**item, "url": version_url(item["number"]), "effective_from": r.effective_from}
                    for item, r in zip(history_items([r._asdict() for r in versions]), versions)],
        "urls": urls,
        "languages": language_links(tag, urls.get("page")),
        "labels": page_labels(tag),
    }


def stored_page_model(head, parts, tag: str, *, urls: dict, sign: dict | None = None) -> dict:
    """Gather what a page of the current version says around its parts rendered ahead (notices.pages):
    only what may change without a new version, the site's status and the scanned sign."""
    return {"lang": tag, "code": head.code, "status": head.status, "banner": status_banner(head),
            "version": {"superseded": None}, "sign": sign, "urls": urls, "languages": language_links(tag, urls.get("page")),
            "labels": page_labels(tag), "parts": parts}


def not_yet_model(head, content: dict, tag: str, *, css: str, sign: dict | None = None, base: str | None = None
                  ) -> dict:
    """Say, for a code whose site has never gone live, only that the code is genuine, who runs the site
    and that it is not in operation: a draft may still change, or be refused, before it is published."""
    explanation = (_("The full notice is published here when the site goes live.") if head.status == "draft"
                   else _("This site never went live, so no notice was published for it."))
    return {"lang": tag, "code": head.code, "status": head.status, "banner": status_banner(head)["text"],
            "operator": organisation_name(content.get("operator") or {}, "legal_name", tag),
            "explanation": explanation, "sign": sign, "urls": {"css": css, "page": base},
            "languages": language_links(tag, base)}


def not_yet_json(page: dict) -> dict:
    """Return the not-yet-published page as JSON: the same few facts, no notice."""
    return {"site": {"code": page["code"], "status": page["status"], "banner": page["banner"]},
            "operator": page["operator"], "published": False, "language": page["lang"],
            "sign": {"serial": page["sign"]["serial"]} if page["sign"] else None}


@lru_cache(maxsize=8)
def page_labels(tag: str) -> dict:
    """Return the fixed words notice.html puts between the parts, in `tag`'s language (the locale of the
    moment is that language's): translated once per language, not by the template on every page, where
    the template's gettext cost a third of putting a stored page together."""
    return {"see_current": _("See the current notice"), "sign_heading": _("Which sign you scanned"),
            "actions_heading": _("Your rights, and the signs"), "ask": _("Ask about your data"),
            "report_sign": _("Report this sign"), "report_problem": _("Report a problem with a sign"),
            "follow": _("Follow a request")}


def language_links(tag: str, base: str | None = None) -> list[dict]:
    """Return the language switch of a public page shown in `tag`: links to base/<language>/ where the page
    has an address per language (notices, scanned signs), ?lang= on the page itself otherwise."""
    return [{"tag": other, "name": name, "current": other == tag, **({"href": f"{base}/{other}/"} if base else {})}
            for other, name in LANGUAGES]


def status_banner(head) -> dict:
    """Say whether the cameras are in operation, and since when."""
    status = head.status
    if status == "draft":
        return {"status": status, "text": _("Not yet in operation: the cameras here are not in use yet.")}
    since = long_date(head.status_changed_at, str(get_locale()))
    if status == "active":
        text = _("In operation since %(date)s.", date=since)
    elif status == "suspended":
        text = _("Suspended since %(date)s: face recognition is switched off for now.", date=since)
    else:
        text = _("Decommissioned since %(date)s: face recognition here has ended.", date=since)
    return {"status": status, "text": text}


@lru_cache(maxsize=4096)
def long_date(moment, locale: str) -> str:
    """Return a moment's date in the locale's long form: the same few dates on many pages, and Babel's
    formatting costs a tenth of an uncached page. `locale` is part of the key; format_date reads it."""
    return format_date(moment, "long")


def superseded_text(versions: list, shown: int | None) -> str | None:
    """Say which later version replaced the one shown, and when; None when nothing replaced it."""
    if shown is None:
        return None
    following = [row for row in versions if row.number > shown]
    if not following:
        return None
    replacement = min(following, key=lambda row: row.number)
    return _("This is version %(number)s. It was replaced by version %(next)s on %(date)s.", number=shown,
             next=replacement.number, date=format_date(replacement.effective_from, "long"))


def json_view(page: dict, base_url: str) -> dict:
    """Return the page as the JSON the same URL answers to Accept: application/json."""
    return NOTICE_JSON.dump({
        "site": {"code": page["code"], "name": page["title"], "status": page["status"],
                 "status_since": page["status_since"], "banner": page["banner"]["text"]},
        "language": page["lang"], "version": page["version"],
        "summary": page["summary"], "sections": page["sections"], "sign": page["sign"],
        "versions": [{**item, "url": base_url + item["url"]} for item in page["history"]],
        "urls": {"current": base_url + page["urls"]["current"], "print": base_url + page["urls"]["print"]},
    })


def print_document(head, versions: list, shown: int | None, content: dict, url: str) -> dict:
    """Return the A4 notice's blocks, one per language, for notices.pdf."""
    row = next((r for r in versions if r.number == shown), None)
    blocks = []
    for tag, _name in LANGUAGES:
        with force_locale(LOCALES_BY_TAG[tag]):
            blocks.append({"tag": tag, **notice_items(content, tag), "banner": status_banner(head)["text"],
                           "summary_title": _("In short"), "details_title": _("In detail"),
                           "version_line": _("Notice version %(number)s, in effect from %(date)s. SHA-256: %(sha)s",
                                             number=shown or 0, sha=row.sha256 if row else content_sha256(content),
                                             date=format_date(row.effective_from, "long") if row else "—"),
                           "superseded": superseded_text(versions, shown),
                           "history_title": _("Version history"),
                           "history": history_items([r._asdict() for r in versions])})
    return {"title": blocks[1]["title"], "url": url, "blocks": blocks}
