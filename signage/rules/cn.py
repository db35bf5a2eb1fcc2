"""China pack rules: PIPL, the CN Measures and the CAC filing duty."""
from datetime import date

from signage.vocabulary import EDITABLE_FIELDS, INTERNET_STORAGE_MODES
from signage.rules.findings import (ERROR, WARN, N_, Rule, RuleContext, Site, filing_status, in_jurisdiction,
                                    is_given)
from signage.rules.common import PRIVATE_SPACE_MESSAGE
from signage.rules.workdays import DueDate, add_working_days

#: Filing statuses that mean a filing is already on record.
FILED_STATUSES = ("filed", "change_due", "cancel_due")
#: Purpose, method and processing rules: changing one after filing is reported (CAC 2025-05-28).
FILING_CHANGE_FIELDS = (
    "purpose", "purpose_text", "function", "live_mode", "secondary_uses", "storage_mode",
    "internet_transfer_basis", "raw_image_retained", "retention_period_days", "recipients_third_parties",
    "security_measures",
)

CN_PRIVATE_SPACE = Rule(
    "CN-PRIVATE-SPACE", ERROR, PRIVATE_SPACE_MESSAGE,
    "CN Measures Art 13 (secondary); 2023 draft (secondary)", ("venue_class", "private_space_type"), ban=True)
CN_PUBLIC_PURPOSE = Rule(
    "CN-PUBLIC-PURPOSE", ERROR, N_("In public places, face recognition is allowed only where needed for public "
                                   "security."),
    "PIPL 26; CN Measures Art 13 (secondary)", ("purpose", "venue_class"), ban=True)
CN_PUBLIC_SECONDARY_USE = Rule(
    "CN-PUBLIC-SECONDARY-USE", ERROR, N_("Using these images for '%(use)s' needs each person's separate consent."),
    "PIPL 26", ("secondary_uses",))
CN_LEGAL_BASIS = Rule(
    "CN-LEGAL-BASIS", ERROR, N_("Choose the legal basis for processing faces."), "PIPL 13", ("legal_basis_cn",))
CN_INTERNET_TRANSFER = Rule(
    "CN-INTERNET-TRANSFER", WARN,
    N_("Face data should stay on the device unless a law or separate consent allows otherwise."),
    "CN Measures Art 8 (secondary)", ("internet_transfer_basis", "storage_mode"))
CN_FILING_NEAR = Rule(
    "CN-FILING-NEAR", WARN, N_("You are nearing the %(threshold)s-person filing threshold."),
    "Design decision", ("filing",))
CN_FILING_DUE = Rule(
    "CN-FILING-DUE", WARN, N_("File with the provincial cyberspace administration by %(due_on)s."),
    "CN Measures Art 15; CAC 2025-05-28", ("filing",))
CN_FILING_CHANGE = Rule(
    "CN-FILING-CHANGE", WARN, N_("Report this change by %(due_on)s; the impact assessment must be redone."),
    "CAC 2025-05-28; CN Measures Art 9 (secondary)", ("filing", "pia_completed_on"))
CN_MINORS = Rule(
    "CN-MINORS", WARN, N_("Children under 14 need a guardian's consent and written special rules."),
    "CN Measures Art 7 (secondary); PIPL 31 (unconfirmed)", ("guardian_consent_flow", "minors_rules_url"))
CN_SENSITIVE_TRAITS = Rule(
    "CN-SENSITIVE-TRAITS", WARN,
    N_("The 2023 draft banned inferring race, religion, health or class from faces. The final rule is "
       "unconfirmed."),
    "2023 draft Art 11 (secondary); PIPL 28", ("sensitive_trait_analysis",))


def cn_private_space(site: Site, ctx: RuleContext):
    """Reject FR in a private space in China."""
    if in_jurisdiction(site, "CN") and site.get("venue_class") == "private_space":
        yield CN_PRIVATE_SPACE.finding()


def cn_public_purpose(site: Site, ctx: RuleContext):
    """Reject FR in a Chinese public place for anything but public security."""
    purpose = site.get("purpose")
    if in_jurisdiction(site, "CN") and site.get("venue_class") == "public_place" and is_given(purpose) \
            and purpose != "public_security":
        yield CN_PUBLIC_PURPOSE.finding()


def cn_public_secondary_use(site: Site, ctx: RuleContext):
    """Reject each further use of public-place images that lacks separate consent."""
    if not (in_jurisdiction(site, "CN") and site.get("venue_class") == "public_place"):
        return
    for secondary in site.get("secondary_uses") or ():
        if secondary.get("consent_mode") != "separate_consent":
            yield CN_PUBLIC_SECONDARY_USE.finding({"use": secondary.get("use") or ""})


def cn_legal_basis(site: Site, ctx: RuleContext):
    """Reject a Chinese site without a legal basis."""
    if in_jurisdiction(site, "CN") and not is_given(site.get("legal_basis_cn")):
        yield CN_LEGAL_BASIS.finding()


def cn_internet_transfer(site: Site, ctx: RuleContext):
    """Warn when face data leaves the device without a law or separate consent behind it."""
    if in_jurisdiction(site, "CN") and site.get("storage_mode") in INTERNET_STORAGE_MODES \
            and not is_given(site.get("internet_transfer_basis")):
        yield CN_INTERNET_TRANSFER.finding()


def cn_filing_near(site: Site, ctx: RuleContext):
    """Warn when the operator-wide count approaches the filing threshold."""
    count, settings = ctx.operator_count, ctx.settings
    if in_jurisdiction(site, "CN") and count is not None and \
            settings.filing_warning <= count < settings.filing_threshold:
        yield CN_FILING_NEAR.finding({"threshold": f"{settings.filing_threshold:,}"})


def cn_filing_due(site: Site, ctx: RuleContext):
    """Warn that a filing is due, and by when, once the operator-wide count reaches the threshold."""
    count, settings = ctx.operator_count, ctx.settings
    if not in_jurisdiction(site, "CN") or count is None or count < settings.filing_threshold \
            or filing_status(site) in FILED_STATUSES:
        return
    # A count reached before the Measures applied is counted from their first day: the CAC legacy rule.
    trigger = max(ctx.threshold_reached_on or ctx.today, settings.cn_measures_in_force)
    due = _filing_due(trigger, ctx)
    provisional = due.provisional or ctx.threshold_reached_on is None
    yield CN_FILING_DUE.finding(_due_params(due.on, provisional, ctx.today))


def cn_filing_change(site: Site, ctx: RuleContext):
    """Warn that changing a filed site's purpose, method or processing rules must be reported."""
    changed = set(ctx.changed_fields) & set(FILING_CHANGE_FIELDS)
    if not (in_jurisdiction(site, "CN") and filing_status(site) == "filed" and changed):
        return
    due = _filing_due(ctx.today, ctx)
    fields = tuple(name for name in EDITABLE_FIELDS if name in changed) + CN_FILING_CHANGE.fields
    yield CN_FILING_CHANGE.finding(_due_params(due.on, due.provisional, ctx.today), fields=fields)


def _filing_due(trigger: date, ctx: RuleContext) -> DueDate:
    """Return the filing deadline the pack's working-day period sets from trigger."""
    settings = ctx.settings
    return add_working_days(trigger, settings.filing_working_days,
                            include_trigger=settings.working_days_include_trigger)


def _due_params(due_on: date, provisional: bool, today: date) -> dict:
    """Return JSON-ready parameters for a filing deadline message."""
    return {"due_on": due_on.isoformat(), "provisional": provisional, "overdue": today > due_on}


def cn_minors(site: Site, ctx: RuleContext):
    """Warn when children are expected without a guardian consent flow and published rules."""
    if in_jurisdiction(site, "CN") and site.get("minors_expected") is True and (
            site.get("guardian_consent_flow") is not True or not is_given(site.get("minors_rules_url"))):
        yield CN_MINORS.finding()


def cn_sensitive_traits(site: Site, ctx: RuleContext):
    """Flag sensitive-trait inference in China at the severity the pack sets (§9 point 2)."""
    if in_jurisdiction(site, "CN") and site.get("sensitive_trait_analysis") is True:
        yield CN_SENSITIVE_TRAITS.finding(severity=ctx.settings.cn_sensitive_traits_severity)


CHECKS = (
    (CN_PRIVATE_SPACE, cn_private_space),
    (CN_PUBLIC_PURPOSE, cn_public_purpose),
    (CN_PUBLIC_SECONDARY_USE, cn_public_secondary_use),
    (CN_LEGAL_BASIS, cn_legal_basis),
    (CN_INTERNET_TRANSFER, cn_internet_transfer),
    (CN_FILING_NEAR, cn_filing_near),
    (CN_FILING_DUE, cn_filing_due),
    (CN_FILING_CHANGE, cn_filing_change),
    (CN_MINORS, cn_minors),
    (CN_SENSITIVE_TRAITS, cn_sensitive_traits),
)
