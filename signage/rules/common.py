"""Rules that span packs: private spaces, retention, alternatives, consent and going live."""
from itertools import groupby

from signage.vocabulary import CONSENT_BASES_CN, GATEKEEPING_PURPOSES
from signage.rules.findings import ERROR, WARN, N_, Rule, RuleContext, Site, goes_live, in_jurisdiction, is_given
from signage.rules.texts import PROSE_FIELDS, ROW_PROSE, TEXT_LANGUAGES, missing_languages, missing_row_languages

PIA_JURISDICTIONS = ("CN", "EU", "UK")
#: Bases under which the person's consent is what makes processing lawful.
GDPR_CONSENT_BASES = ("6_1_a", "9_2_a")

PRIVATE_SPACE_MESSAGE = N_("Facial recognition may not be installed in private spaces such as hotel rooms, "
                           "bathhouses, changing rooms or toilets.")

ANY_PRIVATE_SPACE = Rule(
    "ANY-PRIVATE-SPACE", ERROR, PRIVATE_SPACE_MESSAGE,
    "Design decision: private spaces are off-limits in every pack", ("venue_class", "private_space_type"), ban=True)
FR_NO_ALTERNATIVE = Rule(
    "FR-NO-ALTERNATIVE", ERROR,
    N_("Face recognition cannot be the only way through. Say what else people can use."),
    "CN Measures Art 10 (secondary); PIPL 16 (unconfirmed); EDPB 3/2019 ch. 5 (secondary). "
    "The purpose trigger is a design decision.", ("non_fr_alternative",))
ANY_RETENTION = Rule(
    "ANY-RETENTION", ERROR, N_("Set how long face data is kept: the shortest period the purpose needs."),
    "CN Measures Art 8 (secondary); BIPA 15(a); ISO/IEC TS 27560", ("retention_period_days",))
ACT_PIA = Rule(
    "ACT-PIA", ERROR, N_("Finish the impact assessment before going live."),
    "CN Measures Art 9 (secondary); PIPL 55; GDPR 35 (unconfirmed)", ("pia_completed_on",))
ACT_NOTICE = Rule(
    "ACT-NOTICE", ERROR, N_("Publish the public notice before going live."),
    "PIPL 17; CN Measures Art 5 (secondary); GDPR 13 (secondary)")
ACT_SIGN = Rule(
    "ACT-SIGN", ERROR, N_("Put up at least one warning sign before going live."),
    "PIPL 26; CN Measures Art 13 (secondary); EDPB 3/2019 para 111")
CONSENT_BUNDLED = Rule(
    "CONSENT-BUNDLED", WARN, N_("Ask for face-recognition consent on its own."),
    "PIPL 29 (secondary); CN Measures Art 6 (secondary); ISO/IEC 29184 5.4.6 (secondary)", ("consent_bundled",))
SIGN_LANGUAGE = Rule(
    "SIGN-LANGUAGE", ERROR,
    N_("Write “%(field)s” in %(language)s too: signs and the notice print it in each of their "
       "languages, and a sentence is never printed in the wrong one."),
    "PIPL 17 (“clear and understandable language”); CN Measures Art 5; GDPR 12(1); "
    "WP29 WP260 rev.01 para 13 (secondary)", PROSE_FIELDS + tuple(ROW_PROSE))
SIGN_STALE = Rule(
    "SIGN-STALE", WARN, N_("Signs %(serials)s show notice v%(version)s; reprint them. Re-consent may be needed."),
    "PIPL 14, 17; ISO/IEC 29184 5.5 (secondary)")


def any_private_space(site: Site, ctx: RuleContext):
    """Reject a private space in every jurisdiction.

    Under CN, CN-PRIVATE-SPACE says the same with its article, so this stays quiet rather than say it twice.
    """
    if site.get("venue_class") == "private_space" and not in_jurisdiction(site, "CN"):
        yield ANY_PRIVATE_SPACE.finding()


def fr_no_alternative(site: Site, ctx: RuleContext):
    """Reject FR as the only way through a verification or gatekeeping purpose in CN or the EU."""
    gatekeeping = site.get("function") == "verification_1to1" or site.get("purpose") in GATEKEEPING_PURPOSES
    if in_jurisdiction(site, "CN", "EU") and gatekeeping and not is_given(site.get("non_fr_alternative")):
        yield FR_NO_ALTERNATIVE.finding()


def any_retention(site: Site, ctx: RuleContext):
    """Reject a site that does not say how long face data is kept."""
    days = site.get("retention_period_days")
    if days is None or days <= 0:
        yield ANY_RETENTION.finding()


def act_pia(site: Site, ctx: RuleContext):
    """Refuse going live in CN, the EU or the UK before the impact assessment is completed."""
    completed_on = site.get("pia_completed_on")
    if goes_live(site, ctx) and in_jurisdiction(site, *PIA_JURISDICTIONS) and (
            completed_on is None or completed_on > ctx.today):
        yield ACT_PIA.finding()


def act_notice(site: Site, ctx: RuleContext):
    """Refuse going live without a published notice."""
    if goes_live(site, ctx) and not ctx.has_published_notice:
        yield ACT_NOTICE.finding()


def act_sign(site: Site, ctx: RuleContext):
    """Refuse going live without a sign at a public place or at any EU or UK site."""
    needs_sign = site.get("venue_class") == "public_place" or in_jurisdiction(site, "EU", "UK")
    if goes_live(site, ctx) and needs_sign and not ctx.sign_placements:
        yield ACT_SIGN.finding()


def relies_on_consent(site: Site) -> bool:
    """Say whether the site's legal basis is the person's consent."""
    return (site.get("legal_basis_cn") in CONSENT_BASES_CN or site.get("gdpr_art6_basis") in GDPR_CONSENT_BASES
            or site.get("gdpr_art9_condition") in GDPR_CONSENT_BASES)


def consent_bundled(site: Site, ctx: RuleContext):
    """Warn when consent is the basis but is asked for inside general terms."""
    if relies_on_consent(site) and site.get("consent_bundled") is True:
        yield CONSENT_BUNDLED.finding()


def sign_language(site: Site, ctx: RuleContext):
    """Refuse prose that is missing in a language the signs and the notice print: every sign prints a
    pair of TEXT_LANGUAGES and the notice is published in all of them, so each sentence needs each one."""
    for name in PROSE_FIELDS:
        for tag in missing_languages(site, name, TEXT_LANGUAGES):
            yield SIGN_LANGUAGE.finding({"field": name, "language": tag}, fields=(name,))
    # a row's sentence (a secondary use, a recipient's purpose) is named by its list, once per language
    seen = set()
    for list_name, _index, _part, tag in missing_row_languages(site, TEXT_LANGUAGES):
        if (list_name, tag) not in seen:
            seen.add((list_name, tag))
            yield SIGN_LANGUAGE.finding({"field": list_name, "language": tag}, fields=(list_name,))


def sign_stale(site: Site, ctx: RuleContext):
    """Warn once per printed notice version about signs that show an outdated notice."""
    by_version = sorted(ctx.stale_signs, key=lambda sign: sign[1])
    for version, signs in groupby(by_version, key=lambda sign: sign[1]):
        serials = ", ".join(sorted(serial for serial, _ in signs))
        yield SIGN_STALE.finding({"serials": serials, "version": version})


CHECKS = (
    (ANY_PRIVATE_SPACE, any_private_space),
    (FR_NO_ALTERNATIVE, fr_no_alternative),
    (ANY_RETENTION, any_retention),
    (ACT_PIA, act_pia),
    (ACT_NOTICE, act_notice),
    (ACT_SIGN, act_sign),
    (CONSENT_BUNDLED, consent_bundled),
    (SIGN_LANGUAGE, sign_language),
    (SIGN_STALE, sign_stale),
)
