"""Run every pack's rules and the required fields over a site record: the one entry point of the engine."""
from types import MappingProxyType
from typing import Iterable, Mapping

from signage.rules import cn, common, euuk, us
from signage.rules.findings import ERROR, Finding, Rule, RuleContext, Site
from signage.rules.required import REQUIRED_FIELD, missing_required

#: Every (rule, check) pair, in the order findings are reported within a severity.
CHECKS = common.CHECKS + cn.CHECKS + euuk.CHECKS + us.CHECKS

#: Every rule id -> Rule(rule_id, severity, message, source, fields), for tests, labels and documentation.
RULES: Mapping[str, Rule] = MappingProxyType(
    {rule.rule_id: rule for rule, _ in CHECKS} | {REQUIRED_FIELD.rule_id: REQUIRED_FIELD})


#: Rules that say the law forbids the deployment here, whatever is entered.
BANS = frozenset(rule_id for rule_id, rule in RULES.items() if rule.ban)


def site_findings(site: Site, ctx: RuleContext) -> list[Finding]:
    """Return every finding for the site record, required fields included, errors first."""
    findings = missing_required(site, ctx) + [finding for _, check in CHECKS for finding in check(site, ctx)]
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that block activation or saving an active site: the errors."""
    return [finding for finding in findings if finding.severity == ERROR]
