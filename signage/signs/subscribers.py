"""Connect signs to what sites and organisations announce: flag signs whose printed words changed."""
from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.extensions import db
from signage.notices.content import operator_details
from signage.signs.content import ReadLog, printed_text
from signage.signs.models import Sign
from signage.sites.records import site_record
from signage.sites.signals import operator_change_reached, rule_context_requested, site_changed


def subscribe() -> None:
    """Flag signs for reprint as sites and operators change; tell the rules which signs hang where."""
    site_changed.connect(flag_on_site_change)
    operator_change_reached.connect(flag_on_operator_change)
    rule_context_requested.connect(sign_facts)


def _signs_in_use(site_ids, *, issued_by: datetime | None = None) -> dict[int, list[Sign]]:
    """Return the signs not retired of these sites (issued by a time, if given), by site id, in one query."""
    by_site: dict[int, list[Sign]] = defaultdict(list)
    query = select(Sign).where(Sign.site_id.in_(site_ids), Sign.status != "retired").order_by(Sign.id)
    if issued_by is not None:
        query = query.where(Sign.issued_at <= issued_by)  # at the same instant: flagged, to be safe
    for sign in db.session.scalars(query):
        by_site[sign.site_id].append(sign)
    return by_site


def flag_on_site_change(site, *, changes: dict, by, now: datetime, **_) -> None:
    """Flag the site's signs whose printed words differ after a change to the site."""
    signs = _signs_in_use([site.id])[site.id]
    if signs:
        after = site_record(site)
        before = {**after, **{name: values[0] for name, values in changes.items()}}
        operator = operator_details(site.organisation)
        flag_changed_signs(signs, (before, operator), (after, operator), set(changes), by=by, now=now)


def flag_on_operator_change(organisation, *, sites: list, changes: dict, actor, now: datetime,
                            changed_at: datetime, **_) -> None:
    """Flag the signs of a batch of sites whose printed operator details changed.

    Only signs issued before the change: one issued while the job was under way printed the new details.
    """
    signs = _signs_in_use([site.id for site in sites], issued_by=changed_at)
    if not signs:
        return
    earlier = SimpleNamespace(**{name: getattr(organisation, name) for name in _ORGANISATION_FIELDS})
    for name, (before, _after) in changes.items():
        setattr(earlier, name, before)
    operator_before, operator_after = operator_details(earlier), operator_details(organisation)
    for site in sites:
        if signs[site.id]:
            record = site_record(site)
            flag_changed_signs(signs[site.id], (record, operator_before), (record, operator_after), set(),
                               by=actor, now=now)


_ORGANISATION_FIELDS = ("legal_name", "registration_number", "address", "contact_email", "contact_phone",
                        "dpo_contact", "name_translations")


def flag_changed_signs(signs: list[Sign], before: tuple, after: tuple, changed: set, *, by, now: datetime):
    """Flag each sign whose words differ between the before and after (record, operator) pairs.

    The fields named are the changed ones the sign actually prints, read off the renderer itself,
    so what is tracked can never drift from what is printed.
    """
    compared: dict[tuple, list[str] | None] = {}
    for sign in signs:
        key = (tuple(sign.languages), "STICKER" if sign.size == "STICKER" else "FULL")
        if key not in compared:
            compared[key] = _changed_printed_fields(before, after, changed, *key)
        if compared[key]:
            _flag(sign, compared[key], by=by, now=now)


def _changed_printed_fields(before: tuple, after: tuple, changed: set, languages, size) -> list[str] | None:
    record, operator = ReadLog(after[0]), ReadLog(after[1])
    new = printed_text(record, operator, languages, size)
    if new == printed_text(before[0], before[1], languages, size):
        return None
    fields = changed & record.read
    if before[1] != after[1] and {key for key in operator.read if before[1].get(key) != after[1].get(key)}:
        fields.add("operator")
    return sorted(fields or changed or {"operator"})


def _flag(sign: Sign, fields: list[str], *, by, now: datetime) -> None:
    before = list(sign.stale_fields or [])
    if set(fields) <= set(before):
        return
    sign.stale_fields = sorted(set(before) | set(fields))
    sign.stale_since = sign.stale_since or now
    append_entry("sign.flagged_stale", actor=by, subject=sign, now=now, organisation_id=sign.site.organisation_id,
                 changes={"stale_fields": [before, sign.stale_fields]})


def sign_facts(sites: list, **_) -> dict[int, dict]:
    """Tell the rules where each site's signs hang, which are outdated, and whether NYC signs exist."""
    signs = _signs_in_use([site.id for site in sites])
    facts = {}
    for site in sites:
        mine = signs[site.id]
        facts[site.id] = {
            "sign_placements": tuple(sign.placement for sign in mine),
            "stale_signs": tuple((sign.serial, sign.notice_version) for sign in mine if sign.stale_since),
            "sign_generated_nyc": bool(mine) and "US-NYC" in (site.jurisdictions or []),
        }
    return facts
