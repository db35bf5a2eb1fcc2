"""The rules engine of regulation.md §4: run every pack's rules over a site record and return findings.

Pure: no Flask, no database, no clock. The rules themselves live in rules_common, rules_cn,
rules_euuk and rules_us; required fields in rules_required; data types in findings.
"""
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from signage.sites import rules_cn, rules_common, rules_euuk, rules_us
from signage.sites.findings import ERROR, WARN, N_, Finding, Rule, RuleContext, Site
from signage.sites.rules_required import REQUIRED_FIELD, missing_required
from signage.sites.rules_us import consent_release_findings

__all__ = ["ERROR", "WARN", "N_", "Finding", "Rule", "RuleContext", "RULES", "CHECKS", "evaluate",
           "missing_required", "check_consent", "blocking"]

#: Every (rule, check) pair, in the order findings are reported within a severity.
CHECKS = rules_common.CHECKS + rules_cn.CHECKS + rules_euuk.CHECKS + rules_us.CHECKS

#: Every rule id -> Rule(rule_id, severity, message, source, fields), for tests and documentation.
RULES: Mapping[str, Rule] = MappingProxyType(
    {rule.rule_id: rule for rule, _ in CHECKS} | {REQUIRED_FIELD.rule_id: REQUIRED_FIELD})


def evaluate(site: Site, ctx: RuleContext) -> list[Finding]:
    """Return every §4 finding for the site, errors first."""
    findings = [finding for _, check in CHECKS for finding in check(site, ctx)]
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def check_consent(consent: Mapping[str, Any], site: Site) -> list[Finding]:
    """Return the findings that refuse recording this consent event for the site."""
    return consent_release_findings(consent, site)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that block activation or saving an active site: the errors."""
    return [finding for finding in findings if finding.severity == ERROR]
