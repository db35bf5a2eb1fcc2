"""Gather what the rules need to know beyond the site record: the organisation, and facts that the
features built on sites contribute when asked (rule_context_requested)."""
from datetime import date

from signage.rules.findings import RuleContext
from signage.rules.packs import PackSettings
from signage.sites.signals import rule_context_requested


def rule_contexts(sites: list, *, today: date, settings: PackSettings, activating: frozenset = frozenset(),
                  changed_fields: tuple = ()) -> dict[int, RuleContext]:
    """Build the RuleContext of each site, asking subscribers for their facts about all sites at once.

    activating holds the ids of the sites checked as if they were going live.
    """
    facts: dict[int, dict] = {site.id: {} for site in sites}
    for _receiver, contributed in rule_context_requested.send(sites, activating=frozenset(activating)):
        for site_id, values in (contributed or {}).items():
            facts[site_id].update(values)
    return {site.id: RuleContext(today=today, settings=settings, activating=site.id in activating,
                                 operator_count=site.organisation.stored_individuals_count,
                                 threshold_reached_on=site.organisation.count_threshold_reached_on,
                                 changed_fields=tuple(changed_fields), **facts[site.id])
            for site in sites}


def rule_context(site, *, activating: bool = False, **kwargs) -> RuleContext:
    """Build the RuleContext for one site."""
    return rule_contexts([site], activating=frozenset({site.id} if activating else ()), **kwargs)[site.id]
