"""Jurisdiction pack settings: what the texts leave open, as values, never constants in code (docs/rules.md)."""
from dataclasses import dataclass, fields as dataclass_fields
from datetime import date
from typing import Any, Mapping

from signage.vocabulary import PORTLAND_EXCEPTIONS

SEVERITY_CHOICES = ("warn", "error")


@dataclass(frozen=True)
class PackSettings:
    """Hold every configurable threshold, date and flag the rules read."""

    filing_threshold: int = 100_000
    filing_warning: int = 80_000
    filing_working_days: int = 30
    #: A count reached before the CN Measures applied is counted from this day (CAC legacy filing).
    cn_measures_in_force: date = date(2025, 6, 1)
    #: §9 point 8: the trigger day is excluded, which reproduces the CAC's 2025-07-14 legacy date.
    working_days_include_trigger: bool = False
    cn_sensitive_traits_severity: str = "warn"
    eu_retention_warn_days: int = 3
    ai_logs_min_days: int = 180
    ai_act_annex_iii_from: date = date(2026, 8, 2)
    il_retention_cap_days: int = 3 * 365
    tx_retention_cap_days: int = 365
    #: §9 point 13: an exception the pack no longer lists does not lift the Portland ban.
    portland_exceptions: tuple[str, ...] = PORTLAND_EXCEPTIONS
    #: Days to delete face data after a withdrawal: the laws say "promptly" and "without undue delay".
    deletion_days_cn: int = 15
    deletion_days_eu: int = 30
    deletion_days_other: int = 30
    #: Working days to answer a person's request in China: the stricter of the secondary sources (the app
    #: rules' 15 working days against GB/T 35273-2020's 30 days); PIPL 50 sets no period of its own.
    request_working_days_cn: int = 15
    #: Months to answer in the EU and the UK, and the further months an extension may add.
    request_months_eu: int = 1
    request_extension_months_eu: int = 2
    #: The compliance calendar's periodic duties (docs/calendar.md): the DPIA reviewed, signs inspected.
    dpia_review_months: int = 12
    sign_inspection_months: int = 3
    #: Days after a sign goes up (a reprint is a new sign) by which it is first inspected.
    sign_first_inspection_days: int = 7
    #: A duty is "due soon" from this many days before its date.
    duty_due_soon_days: int = 30
    #: Days to cure a New York City sign violation after its written notice.
    nyc_cure_days: int = 30
    #: The day New York City's biometric identifier law took effect: no notice under it is dated earlier.
    nyc_law_in_force: date = date(2021, 7, 9)

    def __post_init__(self):
        if self.cn_sensitive_traits_severity not in SEVERITY_CHOICES:
            raise ValueError(f"cn_sensitive_traits_severity must be one of {SEVERITY_CHOICES}")
        if not 0 < self.filing_warning <= self.filing_threshold:
            raise ValueError("filing_warning must be positive and not above filing_threshold")

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any]) -> "PackSettings":
        """Build settings from defaults plus overrides, refusing unknown keys and wrong types."""
        defaults = cls()
        known = {field.name for field in dataclass_fields(cls)}
        values = {}
        for key, value in overrides.items():
            if key not in known:
                raise ValueError(f"Unknown pack setting: {key!r}")
            values[key] = _coerce(key, value, type(getattr(defaults, key)))
        return cls(**values)


def _coerce(key: str, value: Any, kind: type) -> Any:
    """Return value as the setting's type, reading dates from ISO strings."""
    if kind is date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"Pack setting {key!r} is not an ISO date: {value!r}") from None
    if kind is tuple and isinstance(value, list):
        value = tuple(value)
    # bool is a subclass of int, and True is no threshold
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"Pack setting {key!r} must be {kind.__name__}, not {type(value).__name__}")
    if kind is int and value <= 0:
        raise ValueError(f"Pack setting {key!r} must be positive")
    return value


#: Where each default comes from, for the pack's documentation page.
PACK_SOURCES = {
    "filing_threshold": "CN Measures Art 15",
    "filing_warning": "Design decision (CN-FILING-NEAR)",
    "filing_working_days": "CN Measures Art 15; CAC announcement 2025-05-28",
    "cn_measures_in_force": "CN Measures Art 20; CAC announcement 2025-05-28 (legacy filing)",
    "working_days_include_trigger": "CN Measures Art 15; CAC announcement 2025-05-28 (legacy filing date)",
    "cn_sensitive_traits_severity": "2023 draft Art 11 (secondary)",
    "eu_retention_warn_days": "EDPB 3/2019 §8 (unconfirmed)",
    "ai_logs_min_days": "AI Act 26(6) (secondary)",
    "ai_act_annex_iii_from": "AI Act (secondary)",
    "il_retention_cap_days": "BIPA 15(a)",
    "tx_retention_cap_days": "CUBI §503.001(c)(3)",
    "portland_exceptions": "Portland 34.10 (secondary)",
    "deletion_days_cn": "PIPL 47 (unconfirmed): “promptly”, no number; 15 days is a design decision",
    "deletion_days_eu": "GDPR 17(1) (unconfirmed): “without undue delay”, no number; 30 days is a design decision",
    "deletion_days_other": "Design decision: 30 days where no law of the site names a period",
    "request_working_days_cn": "PIPL 50 names no period; 2019 rules on unlawful collection by apps (15 working "
                               "days) and GB/T 35273-2020 §8.7 (30 days), both secondary: the stricter one",
    "request_months_eu": "GDPR 12(3); UK GDPR 12(3)",
    "request_extension_months_eu": "GDPR 12(3); UK GDPR 12(3): two further months, the person told why "
                                   "within the first",
    "dpia_review_months": "GDPR 35(11) (unconfirmed): review “at least when there is a change of the risk”; "
                          "yearly is a design decision",
    "sign_inspection_months": "Design decision: signs re-photographed quarterly, with a photo",
    "sign_first_inspection_days": "Design decision: a new or reprinted sign is checked in place within a week",
    "duty_due_soon_days": "Design decision",
    "nyc_cure_days": "NYC Admin Code §22-1203 (secondary)",
    "nyc_law_in_force": "NYC Admin Code §§22-1201–22-1205 (Local Law 3 of 2021), in force 2021-07-09",
}

#: Why each default is a setting: what the texts leave open, as docs/rules.md explains it.
OPEN_POINTS = {
    "filing_threshold": "The thresholds may change with the final wording or guidance.",
    "filing_warning": "How early to warn before the filing threshold is the operator's choice.",
    "filing_working_days": "The period may change with the final wording or guidance.",
    "cn_measures_in_force": "Counts reached before the Measures applied are counted from this day.",
    "working_days_include_trigger": "Whether the trigger day counts; excluding it gives the CAC's legacy date.",
    "cn_sensitive_traits_severity": "Whether the final Measures keep the sensitive-trait ban (WARN until then).",
    "eu_retention_warn_days": "The exact EDPB wording of the 72-hour remark.",
    "ai_logs_min_days": "The minimum period for keeping the system's logs.",
    "ai_act_annex_iii_from": "The Annex III date under the Digital Omnibus (2027-12-02 as the alternative).",
    "il_retention_cap_days": "The three-year cap after the last interaction.",
    "tx_retention_cap_days": "The one-year cap after the purpose expires.",
    "portland_exceptions": "The list of exceptions is editable; one no longer listed does not lift the ban.",
    "deletion_days_cn": "How soon “promptly” is, after a withdrawal in China.",
    "deletion_days_eu": "How soon “without undue delay” is, after a withdrawal in the EU or the UK.",
    "deletion_days_other": "The deletion period after a withdrawal where no law names one.",
    "request_working_days_cn": "Which secondary source sets the answer period in China, as PIPL sets none.",
    "request_months_eu": "The answer period for a person's request in the EU and the UK.",
    "request_extension_months_eu": "How far an extension of a complex request may go.",
    "dpia_review_months": "How often a DPIA is reviewed when nothing else prompts it.",
    "sign_inspection_months": "How often each sign is inspected and photographed.",
    "sign_first_inspection_days": "How soon a sign just put up is inspected.",
    "duty_due_soon_days": "How early the calendar calls a duty due soon.",
    "nyc_cure_days": "The cure period after a notice of violation, known only from a secondary source.",
    "nyc_law_in_force": "A notice of violation dated before the law took effect is a typing error, refused.",
}

#: §9 point 7: the alternative pack version if the Digital Omnibus moves the Annex III date.
DIGITAL_OMNIBUS_OVERRIDES = {"ai_act_annex_iii_from": "2027-12-02"}
