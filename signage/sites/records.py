"""The site record as plain data: what the rules, notices, signs and exports work on."""
from datetime import date

from signage import vocabulary as vocab
from signage.rules.texts import DEFAULT_TEXT_LANGUAGE
from signage.sites.models import Site


def site_record(site: Site) -> dict:
    """Return the site as the plain dict that rules, notices and exports work on."""
    record = {name: getattr(site, name) for name in vocab.EDITABLE_FIELDS if name not in ("geo", "filing")}
    record["geo"] = None if site.latitude is None else {"lat": site.latitude, "lng": site.longitude}
    record["filing"] = _filing_dates(site.filing)
    record["status"] = site.status
    record["text_language"] = site.text_language or DEFAULT_TEXT_LANGUAGE
    record["text_translations"] = site.text_translations
    return record


def _filing_dates(filing: dict | None) -> dict | None:
    if not filing:
        return None
    return {key: date.fromisoformat(value) if key.endswith("_on") and value else value
            for key, value in filing.items()}
