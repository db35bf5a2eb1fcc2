"""US pack rules: NYC Admin Code §22-1202, BIPA, CUBI, RCW 19.375 and Portland 34.10."""
from signage.vocabulary import COMMERCIAL_PURPOSES, NYC_COVERED_ESTABLISHMENTS, PUBLICLY_ACCESSIBLE_VENUES
from signage.rules.findings import ERROR, WARN, N_, Rule, RuleContext, Site, goes_live, in_jurisdiction, is_given

NO_SALE_JURISDICTIONS = ("US-NYC", "US-IL", "US-TX")
RETENTION_CAP_FIELDS = ("retention_period_days", "retention_criteria_text")

US_PORTLAND_BAN = Rule(
    "US-PORTLAND-BAN", ERROR, N_("Portland bans private face recognition in places open to the public."),
    "Portland 34.10 (secondary)", ("portland_exception", "venue_class", "operator_kind"))
US_NO_SALE = Rule(
    "US-NO-SALE", ERROR, N_("Selling or otherwise profiting from biometric data is unlawful here."),
    "NYC §22-1202(b); BIPA 15(c); CUBI §503.001", ("recipients_third_parties",))
TX_CONSENT = Rule(
    "TX-CONSENT", ERROR, N_("Texas requires notice and consent before capture."), "CUBI §503.001",
    ("consent_before_capture",))
NYC_ENTRANCE_SIGNS = Rule(
    "NYC-ENTRANCE-SIGNS", ERROR, N_("New York City needs a sign at every customer entrance. Missing: %(list)s."),
    "NYC §22-1202(a)", ("customer_entrances",))
IL_RETENTION_POLICY = Rule(
    "IL-RETENTION-POLICY", ERROR,
    N_("Illinois needs a public retention and destruction policy before collection starts."),
    "BIPA 15(a); Mora v. J&M Plating (secondary)", ("retention_policy_url",))
IL_RETENTION_CAP = Rule(
    "IL-RETENTION-CAP", WARN, N_("Illinois caps retention at 3 years after last interaction, or sooner."),
    "BIPA 15(a)", RETENTION_CAP_FIELDS)
TX_RETENTION_CAP = Rule(
    "TX-RETENTION-CAP", WARN, N_("Texas requires destruction within a year of the purpose ending."),
    "CUBI §503.001(c)(3)", RETENTION_CAP_FIELDS)
WA_ENROLMENT = Rule(
    "WA-ENROLMENT", WARN, N_("Washington needs notice and consent, or a safeguard, before enrolment."),
    "RCW 19.375.020", ("commercial_enrolment", "consent_before_capture", "enrolment_safeguard"))
NYC_SIGN_FORM = Rule(
    "NYC-SIGN-FORM", WARN, N_("Check this sign against the current DCWP template."),
    "DCWP rule; template (unconfirmed)")


def us_portland_ban(site: Site, ctx: RuleContext):
    """Reject private FR in a Portland place open to the public unless a pack exception applies."""
    excepted = site.get("portland_exception") in ctx.settings.portland_exceptions
    if in_jurisdiction(site, "US-OR-PORTLAND") and site.get("operator_kind") == "private" and \
            site.get("venue_class") in PUBLICLY_ACCESSIBLE_VENUES and not excepted:
        yield US_PORTLAND_BAN.finding()


def us_no_sale(site: Site, ctx: RuleContext):
    """Reject passing biometric data to a recipient for value in NYC, Illinois or Texas."""
    sold = any(recipient.get("for_value") is True for recipient in site.get("recipients_third_parties") or ())
    if in_jurisdiction(site, *NO_SALE_JURISDICTIONS) and sold:
        yield US_NO_SALE.finding()


def tx_consent(site: Site, ctx: RuleContext):
    """Reject commercial capture in Texas without notice and consent first."""
    if in_jurisdiction(site, "US-TX") and site.get("purpose") in COMMERCIAL_PURPOSES and \
            site.get("consent_before_capture") is not True:
        yield TX_CONSENT.finding()


def nyc_entrance_signs(site: Site, ctx: RuleContext):
    """Refuse going live while a covered NYC establishment has an entrance without a sign."""
    if not (goes_live(site, ctx) and in_jurisdiction(site, "US-NYC")
            and site.get("nyc_establishment_type") in NYC_COVERED_ESTABLISHMENTS):
        return
    signed = {_label_key(placement) for placement in ctx.sign_placements}
    missing = [entrance.strip() for entrance in site.get("customer_entrances") or ()
               if _label_key(entrance) not in signed]
    if missing:
        yield NYC_ENTRANCE_SIGNS.finding({"list": ", ".join(missing)})


def _label_key(label: str | None) -> str:
    """Return a placement label as compared: trimmed and case-folded."""
    return (label or "").strip().casefold()


def il_retention_policy(site: Site, ctx: RuleContext):
    """Refuse going live in Illinois without a published retention policy."""
    if goes_live(site, ctx) and in_jurisdiction(site, "US-IL") and not is_given(site.get("retention_policy_url")):
        yield IL_RETENTION_POLICY.finding()


def il_retention_cap(site: Site, ctx: RuleContext):
    """Warn when Illinois retention runs past the pack's cap."""
    days = site.get("retention_period_days")
    if in_jurisdiction(site, "US-IL") and days is not None and days > ctx.settings.il_retention_cap_days:
        yield IL_RETENTION_CAP.finding()


def tx_retention_cap(site: Site, ctx: RuleContext):
    """Warn when Texas destruction comes later than the pack's cap."""
    days = site.get("retention_period_days")
    if in_jurisdiction(site, "US-TX") and days is not None and days > ctx.settings.tx_retention_cap_days:
        yield TX_RETENTION_CAP.finding()


def wa_enrolment(site: Site, ctx: RuleContext):
    """Warn about commercial enrolment in Washington with neither consent nor a safeguard."""
    covered = site.get("consent_before_capture") is True or site.get("enrolment_safeguard") is True
    if in_jurisdiction(site, "US-WA") and site.get("commercial_enrolment") is True and not covered:
        yield WA_ENROLMENT.finding()


def nyc_sign_form(site: Site, ctx: RuleContext):
    """Remind the operator to check a generated NYC sign against the DCWP template."""
    if in_jurisdiction(site, "US-NYC") and ctx.sign_generated_nyc:
        yield NYC_SIGN_FORM.finding()


CHECKS = (
    (US_PORTLAND_BAN, us_portland_ban),
    (US_NO_SALE, us_no_sale),
    (TX_CONSENT, tx_consent),
    (NYC_ENTRANCE_SIGNS, nyc_entrance_signs),
    (IL_RETENTION_POLICY, il_retention_policy),
    (IL_RETENTION_CAP, il_retention_cap),
    (TX_RETENTION_CAP, tx_retention_cap),
    (WA_ENROLMENT, wa_enrolment),
    (NYC_SIGN_FORM, nyc_sign_form),
)
