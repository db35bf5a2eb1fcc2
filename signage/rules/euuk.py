"""EU and UK pack rules: GDPR and UK GDPR special categories, DPIAs, EDPB 3/2019 and the AI Act."""
from signage.vocabulary import ANNEX_III_FUNCTIONS, PUBLICLY_ACCESSIBLE_VENUES, RECOGNISING_FUNCTIONS
from signage.rules.findings import ERROR, WARN, N_, Rule, RuleContext, Site, goes_live, in_jurisdiction, is_given

EUUK_SPECIAL_CATEGORY = Rule(
    "EUUK-SPECIAL-CATEGORY", ERROR,
    N_("Recognising people by face uses special-category data. Record the lawful basis and the Article 9 "
       "condition."),
    "ICO guidance; GDPR 9(1) (unconfirmed)", ("gdpr_art6_basis", "gdpr_art9_condition"))
EU_SENSITIVE_CATEGORISATION = Rule(
    "EU-SENSITIVE-CATEGORISATION", ERROR,
    N_("Inferring race, politics, religion, union membership or sexual orientation from faces is banned in "
       "the EU."),
    "AI Act 5(1)(g)", ("sensitive_trait_analysis",), ban=True)
EU_EMOTION_WORK_EDU = Rule(
    "EU-EMOTION-WORK-EDU", ERROR, N_("Emotion recognition at work or in education is banned in the EU."),
    "AI Act 5(1)(f) (secondary)", ("function", "venue_class", "education_setting"), ban=True)
EU_RBI_LAW_ENFORCEMENT = Rule(
    "EU-RBI-LAW-ENFORCEMENT", ERROR,
    N_("Real-time identification in public by police needs prior authorisation. Enter its reference."),
    "AI Act 5(1)(h)", ("authorisation_ref",))
EUUK_DPIA = Rule(
    "EUUK-DPIA", WARN,
    N_("A DPIA is expected for biometrics at scale and large-scale monitoring of public areas."),
    "GDPR 35(3)(b)–(c) (unconfirmed); ICO guidance", ("pia_completed_on",))
EU_RETENTION_72H = Rule(
    "EU-RETENTION-72H", WARN, N_("Keeping footage beyond %(hours)s hours needs a written justification."),
    "EDPB 3/2019 §8 (unconfirmed)", ("retention_period_days",))
EU_AI_LOGS = Rule(
    "EU-AI-LOGS", WARN, N_("Keep the system's logs at least six months."), "AI Act 26(6) (secondary)",
    ("logs_retention_days",))


def euuk_special_category(site: Site, ctx: RuleContext):
    """Reject recognition in the EU or UK without an Article 6 basis and an Article 9 condition."""
    recorded = is_given(site.get("gdpr_art6_basis")) and is_given(site.get("gdpr_art9_condition"))
    if in_jurisdiction(site, "EU", "UK") and site.get("function") in RECOGNISING_FUNCTIONS and not recorded:
        yield EUUK_SPECIAL_CATEGORY.finding()


def eu_sensitive_categorisation(site: Site, ctx: RuleContext):
    """Reject inferring sensitive traits from faces in the EU."""
    if in_jurisdiction(site, "EU") and site.get("sensitive_trait_analysis") is True:
        yield EU_SENSITIVE_CATEGORISATION.finding()


def eu_emotion_work_edu(site: Site, ctx: RuleContext):
    """Reject emotion recognition at an EU workplace or in education."""
    at_work_or_school = site.get("venue_class") == "internal_workplace" or site.get("education_setting") is True
    if in_jurisdiction(site, "EU") and site.get("function") == "emotion_recognition" and at_work_or_school:
        yield EU_EMOTION_WORK_EDU.finding()


def eu_rbi_law_enforcement(site: Site, ctx: RuleContext):
    """Reject real-time police identification in public in the EU without prior authorisation."""
    realtime_identification = site.get("function") == "identification_1toN" and site.get("live_mode") == "realtime"
    police_in_public = site.get("operator_kind") == "law_enforcement" and \
        site.get("venue_class") in PUBLICLY_ACCESSIBLE_VENUES
    if in_jurisdiction(site, "EU") and realtime_identification and police_in_public and \
            not is_given(site.get("authorisation_ref")):
        yield EU_RBI_LAW_ENFORCEMENT.finding()


def euuk_dpia(site: Site, ctx: RuleContext):
    """Warn an EU or UK site that has no completed DPIA.

    Going live, ACT-PIA refuses the same gap as an error, so this warning stays quiet rather than repeat it.
    """
    if in_jurisdiction(site, "EU", "UK") and not is_given(site.get("pia_completed_on")) and not goes_live(site, ctx):
        yield EUUK_DPIA.finding()


def eu_retention_72h(site: Site, ctx: RuleContext):
    """Warn when EU footage is kept longer than the pack's few days without justification."""
    days, limit = site.get("retention_period_days"), ctx.settings.eu_retention_warn_days
    if in_jurisdiction(site, "EU") and days is not None and days > limit:
        yield EU_RETENTION_72H.finding({"hours": limit * 24})


def eu_ai_logs(site: Site, ctx: RuleContext):
    """Warn when an EU Annex III system keeps its logs too briefly, once Annex III duties apply."""
    days, settings = site.get("logs_retention_days"), ctx.settings
    if in_jurisdiction(site, "EU") and site.get("function") in ANNEX_III_FUNCTIONS and days is not None \
            and days < settings.ai_logs_min_days and ctx.today >= settings.ai_act_annex_iii_from:
        yield EU_AI_LOGS.finding()


CHECKS = (
    (EUUK_SPECIAL_CATEGORY, euuk_special_category),
    (EU_SENSITIVE_CATEGORISATION, eu_sensitive_categorisation),
    (EU_EMOTION_WORK_EDU, eu_emotion_work_edu),
    (EU_RBI_LAW_ENFORCEMENT, eu_rbi_law_enforcement),
    (EUUK_DPIA, euuk_dpia),
    (EU_RETENTION_72H, eu_retention_72h),
    (EU_AI_LOGS, eu_ai_logs),
)
