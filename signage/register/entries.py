"""What the register says of a deployment, computed from its published notice and its place. Pure.

Names, address, purpose, function, jurisdictions and operator come from the current published version,
never from the live record, so the register says only what the notice already made public; the city,
the coordinates and the kind of venue, which a notice does not print, come from the site.
"""
from datetime import datetime, timezone

from signage.rules.texts import TEXT_LANGUAGES, organisation_name, shown_text, text_language

STATUS_RANKS = {"active": 0, "suspended": 1, "decommissioned": 2}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def entry_row(site: dict, version: dict, first_published_at: datetime, *, now: datetime) -> dict:
    """Return the register row of a site (its columns: code, status, status_changed_at, organisation_id,
    city, latitude, longitude, venue_class) with its current version (number, sha256, effective_from,
    content) and the date its first version was published."""
    content = version["content"]
    operator = content.get("operator") or {}
    texts = {}
    for tag in TEXT_LANGUAGES:
        name = shown_text(content, "site_name", tag)
        address = shown_text(content, "address", tag)
        texts[tag] = {"name": str(name) if name else content.get("site_name") or "",
                      "name_lang": name.lang if name else None,
                      "address": str(address) if address else None, "address_lang": address.lang if address else None,
                      "operator": organisation_name(operator, "legal_name", tag) or ""}
    name = content.get("site_name") or ""
    city = (site.get("city") or "").strip() or None
    searched = {name, content.get("address") or "", city or "", operator.get("legal_name") or ""}
    for words in texts.values():
        searched.update((words["name"], words["address"] or "", words["operator"]))
    since = site["status_changed_at"]
    return {
        "site_id": site["id"], "organisation_id": site["organisation_id"], "code": site["code"],
        "status": site["status"], "status_rank": STATUS_RANKS[site["status"]], "status_since": since,
        "since_order": -_microseconds(since), "first_published_at": first_published_at,
        "version_number": version["number"], "version_sha256": version["sha256"],
        "version_published_at": version["effective_from"],
        "name": name, "address": content.get("address"), "city": city,
        "operator": operator.get("legal_name") or "", "text_language": text_language(content), "texts": texts,
        "name_key": name.casefold()[:200], "city_key": (city or "").casefold()[:100],
        "search": " ".join(sorted(text for text in searched if text)).casefold(),
        "purpose": content.get("purpose"), "function": content.get("function"),
        "jurisdictions": list(content.get("jurisdictions") or []), "venue_class": site.get("venue_class"),
        "live_mode": content.get("live_mode"), "latitude": site.get("latitude"), "longitude": site.get("longitude"),
        "retention_period_days": content.get("retention_period_days"), "refreshed_at": now,
    }


#: The register row's sort keys that its jurisdiction rows carry too.
SORT_KEYS = ("status_rank", "name_key", "city_key", "since_order")


def jurisdiction_rows(row: dict) -> list[dict]:
    """Return the rows of register_jurisdictions for a register row."""
    keys = {name: row[name] for name in SORT_KEYS}
    return [{"site_id": row["site_id"], "jurisdiction": code, **keys} for code in dict.fromkeys(row["jurisdictions"])]


def _microseconds(moment: datetime) -> int:
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
