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
