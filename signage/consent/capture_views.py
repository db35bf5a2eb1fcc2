"""Consent capture without an account: kiosk mode on a front-desk tablet, and self-service from a site's
notice. One question a screen, "No" as easy as "Yes", the alternative on the same screen, no cookie."""
import hashlib
import secrets
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from marshmallow import ValidationError

from signage.consent import channels, flow, rules, services
from signage.consent.codes import readable_code
from signage.consent.receipts import releases_dir
from signage.consent.releases import NOT_A_RELEASE, RELEASE_MAX, release_kind, store_release
from signage.consent.schemas import ConsentAnswerSchema
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput, NotFound
from signage.extensions import csrf, db, limiter
from signage.http import allow_large_body
from signage.i18n import LOCALES_BY_TAG, TAGS, locale_from_tag, negotiated_locale
from signage.notices.cache import caches
from signage.notices.page import language_links
from signage.notices.services import latest_version
from signage.notices.summary import notice_items
from signage.rules.findings import N_
from signage.rules.texts import shown_row_text, shown_text
from signage.signs.qr import QUIET_ZONE, qr_matrix, qr_runs
from signage.sites.models import Site
from signage.sites.records import site_record

bp = Blueprint("capture", __name__)


def _limit():
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


@bp.route("/k/<token>", methods=("GET", "POST"))
@csrf.exempt  # no cookie: the secret link, and the signed flow state, guard these forms
@limiter.limit(lambda: current_app.config["RATELIMIT_KIOSK"], methods=["POST"], scope="kiosk")
def kiosk(token: str):
    """Run the kiosk: the notice summary, then one question a screen, then the receipt."""
    channel = channels.kiosk_for_token(token)
    return _screen(channel.site, channel_key=channel.token_sha256, method="kiosk", actor=channels.channel_actor(channel),
                   action=url_for("capture.kiosk", token=token))


@bp.route("/n/<code:code>/consent", methods=("GET", "POST"))
@csrf.exempt  # a public form without a cookie: the signed flow state guards it, and limits keep it slow
@limiter.limit(_limit, methods=["POST"], scope="public-form")
def self_service(code: str):
    """Let a person give consent from the site's notice with the reference the operator gave them."""
    site = db.session.scalar(db.select(Site).where(Site.code == code.upper()))
    if site is None:
        raise NotFound("No notice has this code.")
    channel = channels.self_service_channel(site.id)
    if channel is None:
        return _render(site, {"lang": _tag()}, "unavailable", status=404)
    return _screen(site, channel_key=f"self:{channel.id}", method="self_service", actor=channels.channel_actor(channel),
                   action=url_for("capture.self_service", code=site.code))


# a signed release (Illinois) is uploaded on the last screen before the answer is recorded
allow_large_body("capture.kiosk", RELEASE_MAX + 64 * 1024)
allow_large_body("capture.self_service", RELEASE_MAX + 64 * 1024)


def _tag() -> str:
    chosen = locale_from_tag(request.values.get("lang"))
    return TAGS[chosen or negotiated_locale(request.accept_languages)]


def _fresh(lang: str, channel_key: str) -> dict:
    """Return the state of a new person's flow, with the one-time value its answer is recorded under: the same
    form sent twice (a back button on a shared kiosk) records nothing the second time."""
    return {"lang": lang, "ch": channel_key, "t": time.time(), "n": secrets.token_hex(16)}


def _key() -> bytes:
    secret = current_app.secret_key
    return secret if isinstance(secret, bytes) else secret.encode()


def _screen(site, *, channel_key: str, method: str, actor: dict, action: str):
    version, record = latest_version(site), site_record(site)
    if version is None or rules.recording_refusal(record, site.status):
        return _render(site, {"lang": _tag()}, "unavailable", status=409)
    if request.method == "GET":
        return _render(site, _fresh(_tag(), channel_key), "notice", version=version, action=action)
    state = flow.read_state(request.form.get("state", ""), _key(), now=time.time())
    if state is None or state.get("ch") != channel_key:
        return _render(site, _fresh(_tag(), channel_key), "notice", version=version,
                       action=action, error="expired", status=400)
    state["lang"] = TAGS.get(LOCALES_BY_TAG.get(request.form.get("lang", ""), ""), state["lang"])
    asked = [purpose["key"] for purpose in rules.asked_purposes(version.content)][1:]
    needs_release = "US-IL" in rules.consent_jurisdictions(record)
    expected = flow.next_step(state, asked, needs_release=needs_release)
    # only the screen the state is at takes an answer: another step's form (a back button, a forged step) is
    # shown that screen again, so nothing is asked out of order
    release: dict = {}
    errors = _take(state, expected, method, release) if request.form.get("step") == expected else {}
    step = expected if errors else flow.next_step(state, asked, needs_release=needs_release)
    if step == "record":
        return _record(site, state, version, method=method, actor=actor, action=action, release=release)
    return _render(site, state, step, version=version, action=action, errors=errors,
                   status=422 if errors else 200)


def _take(state: dict, step: str, method: str, release: dict) -> dict:
    """Add one screen's answer to the state; return the errors that keep the person on that screen. A signed
    release is only checked here, and kept (in `release`) for the record to store with the answer."""
    form = request.form
    if step == "release":
        upload = request.files.get("release")
        data = upload.read(RELEASE_MAX + 1) if upload else b""
        if len(data) > RELEASE_MAX or release_kind(data) is None:
            return {"release": [NOT_A_RELEASE]}
        release["data"] = data
        state["release"] = hashlib.sha256(data).hexdigest()
        return {}
    if step == "who":
        reference, age = (form.get("ref") or "").strip(), form.get("age")
        problems = {}
        problem = rules.subject_ref_problem(reference) if reference else N_("Enter the reference.")
        if problem or len(reference) > 64:
            problems["ref"] = [problem or N_("At most 64 characters.")]
        if age not in rules.AGE_BANDS:
            problems["age"] = [N_("Choose one.")]
        elif age == "under_14" and method == "self_service":
            problems["age"] = [N_("For a child under 14, a guardian gives consent at the desk, where "
                                        "staff can check who they are.")]
        if not problems:
            state.update(ref=reference, age=age)
        return problems
    if step == "guardian":
        relationship, verification = form.get("rel"), form.get("ver")
        problems = {name: [N_("Choose one.")] for name, value, allowed in (
            ("rel", relationship, rules.GUARDIAN_RELATIONSHIPS), ("ver", verification, rules.GUARDIAN_VERIFICATIONS))
            if value not in allowed}
        if not problems:
            state.update(rel=relationship, ver=verification)
        return problems
    if step == rules.PRIMARY or step.startswith("secondary_"):
        if form.get("answer") not in ("yes", "no"):
            return {"answer": [N_("Choose Yes or No.")]}
        state.setdefault("answers", {})[step] = form.get("answer") == "yes"
        return {}
    return {}


def _record(site, state: dict, version, *, method: str, actor: dict, action: str, release: dict):
    data = {"subject_ref": state["ref"], "notice_version": version.number, "language": state["lang"],
            "purposes": state["answers"], "collection_method": method, "age_band": state["age"],
            "acted_by": "guardian" if state.get("rel") else "subject", "guardian_relationship": state.get("rel"),
            "guardian_verification": state.get("ver"), "expires_at": None, "evidence_sha256": state.get("release")}
    stored = None
    try:
        data = ConsentAnswerSchema().load({key: value for key, value in data.items() if value is not None})
        if release:
            stored = store_release(site, release["data"], by=actor, now=utcnow(), directory=releases_dir())
        consent, code = services.record_consent(site, data, by=actor, now=utcnow(), releases=releases_dir(),
                                                once=state.get("n"))
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        if stored and stored.created:  # nothing refers to it now: the answer was not recorded
            stored.path.unlink(missing_ok=True)
        return _render(site, _fresh(state["lang"], state["ch"]), "notice",
                       version=version, action=action, error=error.detail, status=error.status)
    except ValidationError:  # a value no screen offers: the signed state was made by an older flow
        db.session.rollback()
        return _render(site, _fresh(state["lang"], state["ch"]), "notice",
                       version=version, action=action, error="expired", status=400)
    db.session.commit()
    return _render(site, _fresh(state["lang"], state["ch"]), "receipt", version=version,
                   action=action, receipt={"code": readable_code(code), "state": consent.state,
                                           "url": url_for("receipts.receipt", code=code, lang=state["lang"]),
                                           "pdf": url_for("receipts.receipt_pdf", code=code, lang=state["lang"]),
                                           "qr": qr_svg(_public_url(code))}, status=201)


def _public_url(code: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("receipts.receipt", code=code)


def _render(site, state: dict, step: str, *, version=None, action: str = "", errors: dict | None = None,
            error: str | None = None, receipt: dict | None = None, status: int = 200) -> Response:
    tag = state["lang"]
    with force_locale(LOCALES_BY_TAG[tag]):
        content = version.content if version is not None else {}
        html = render_template("consent/capture.html", step=step, lang=tag, languages=language_links(tag),
                               css=url_for("static", filename="notice.css", v=caches().assets), action=action,
                               state=flow.signed_state(state, _key()) if "ch" in state else "",
                               site=shown_text(content, "site_name", tag) if content else site.site_name,
                               summary=notice_items(content, tag)["summary"] if content and step == "notice" else [],
                               question=_question(content, step, tag) if content else None,
                               alternative=shown_text(content, "non_fr_alternative", tag) if content else None,
                               notice_url=url_for("notices.current", code=site.code, lang=tag), errors=errors or {},
                               error=error, receipt=receipt, asking_guardian=bool(state.get("rel")),
                               kiosk=request.path.startswith("/k/"), age_bands=rules.AGE_BANDS,
                               relationships=rules.GUARDIAN_RELATIONSHIPS,
                               verifications=rules.GUARDIAN_VERIFICATIONS)
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


def _question(content: dict, step: str, tag: str) -> dict | None:
    """Return the purpose a question screen asks about, in the reader's language where the operator wrote it."""
    if step == rules.PRIMARY:
        return {"key": step, "text": shown_text(content, "purpose_text", tag), "primary": True}
    if step.startswith("secondary_"):
        number = int(step.rsplit("_", 1)[1])
        rows = content.get("secondary_uses") or []
        if number <= len(rows):
            return {"key": step, "text": shown_row_text(content, "secondary_uses", rows[number - 1], "use", tag),
                    "primary": False}
    return None


def qr_svg(url: str) -> str:
    """Return the QR code of a URL as inline SVG: a receipt the person scans with their own phone."""
    size = len(qr_matrix(url)) + 2 * QUIET_ZONE
    runs = "".join(f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h{length}v1h-{length}z"
                   for row, column, length in qr_runs(url))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr" role="img" '
            f'aria-label="QR"><rect width="{size}" height="{size}" fill="#fff"/><path d="{runs}" fill="#000"/></svg>')
