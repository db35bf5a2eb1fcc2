"""What the rules produce and read: findings, rule definitions, the rule context and site helpers."""
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping

from signage.rules.packs import PackSettings

ERROR = "error"
WARN = "warn"

Site = Mapping[str, Any]


def N_(message: str) -> str:
    """Mark a message for gettext extraction; translation happens when it is shown."""
    return message


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a site, with the fields the dashboard shows it beside."""

    rule_id: str
    severity: str
    #: The untranslated msgid, with %(name)s placeholders filled from params when shown.
    message: str
    # Left out of the hash so findings stay hashable; values are JSON types only.
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    fields: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self):
        object.__setattr__(self, "params", dict(self.params))
        object.__setattr__(self, "fields", tuple(self.fields))

    def text(self, translate: Callable[[str], str] = N_) -> str:
        """Return the message, translated by translate, with its parameters filled in."""
        return translate(self.message) % self.params

    def to_dict(self) -> dict:
        """Return the finding as JSON-ready data with the English message filled in."""
        return {"rule_id": self.rule_id, "severity": self.severity, "message": self.text(),
                "params": dict(self.params), "fields": list(self.fields), "source": self.source}


@dataclass(frozen=True)
class Rule:
    """A rule's stable id, default severity, message, source citation and concerned fields."""

    rule_id: str
    severity: str
    message: str
    source: str
    fields: tuple[str, ...] = ()
    #: The law forbids this deployment here: no field can fix it, so the refusal shows it apart, without a link.
    ban: bool = False

    def finding(self, params: Mapping[str, Any] | None = None, *, fields: tuple[str, ...] | None = None,
                severity: str | None = None) -> Finding:
        """Return a finding of this rule, overriding fields or severity where the case needs it."""
        return Finding(self.rule_id, severity or self.severity, self.message, params or {},
                       self.fields if fields is None else fields, self.source)


@dataclass(frozen=True)
class RuleContext:
    """What the rules need beyond the site record: the date, the pack and related records."""

    today: date
    settings: PackSettings = PackSettings()
    activating: bool = False
    has_published_notice: bool = False
    #: Placement labels of issued, non-retired signs.
    sign_placements: tuple[str, ...] = ()
    #: Organisation-wide, de-duplicated stored_individuals_count.
    operator_count: int | None = None
    threshold_reached_on: date | None = None
    #: Fields changed by the edit being checked.
    changed_fields: tuple[str, ...] = ()
    #: (serial, printed notice version) of signs showing an outdated notice.
    stale_signs: tuple[tuple[str, int], ...] = ()
    sign_generated_nyc: bool = False


Check = Callable[[Site, RuleContext], Iterable[Finding]]


def is_given(value: Any) -> bool:
    """Say whether a field holds an answer: not None, not blank, not an empty collection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(is_given(item) for item in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return bool(value)
    return True


def in_jurisdiction(site: Site, *codes: str) -> bool:
    """Say whether the site falls under any of the jurisdiction codes."""
    return bool(set(site.get("jurisdictions") or ()) & set(codes))


def goes_live(site: Site, ctx: RuleContext) -> bool:
    """Say whether activation-time rules apply: the site is being activated or is active."""
    return ctx.activating or site.get("status") == "active"


def filing_status(site: Site) -> str | None:
    """Return the CN filing status, or None when no filing sub-record exists."""
    return (site.get("filing") or {}).get("status")


#: Findings that say what to fill in, gathered into one checklist: a field missing, a text missing a language.
CHECKLIST_RULES = ("REQUIRED-FIELD", "SIGN-LANGUAGE")


def refusal_groups(findings: Iterable[Mapping], bans: Iterable[str]) -> dict[str, list]:
    """Sort open findings (as dicts) the way a refusal teaches: what the law forbids here first and apart,
    then one checklist of what to fill in, then the other errors, then the warnings."""
    bans = set(bans)
    groups: dict[str, list] = {"bans": [], "checklist": [], "errors": [], "warnings": []}
    for finding in findings:
        if finding.get("acknowledged"):
            continue
        if finding["rule_id"] in bans:
            groups["bans"].append(finding)
        elif finding["rule_id"] in CHECKLIST_RULES:
            groups["checklist"].append(finding)
        else:
            groups["errors" if finding["severity"] == ERROR else "warnings"].append(finding)
    return groups


def problem_count(findings: Iterable[Mapping], bans: Iterable[str]) -> int:
    """Count errors as a refusal shows them: each ban and error once, the whole checklist as one."""
    groups = refusal_groups(findings, bans)
    return len(groups["bans"]) + len(groups["errors"]) + (1 if groups["checklist"] else 0)
