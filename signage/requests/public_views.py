"""The public side of requests: "Ask about your data" and "Report this sign" from the notice page (and from a
sign's URL, which names the sign), and the status page a reference code opens. No account, no cookie, no
script; the forms carry their own signed, single-use token."""
import re
import time
from datetime import timedelta

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy import select

from signage.config import pack_settings
from signage.consent.codes import normalised_code, readable_code
from signage.database import utcnow
from signage.errors import InvalidInput, NotFound
from signage.extensions import csrf, db, limiter
from signage.http import load_data
from signage.i18n import LOCALES_BY_TAG, TAGS, locale_from_tag, negotiated_locale
from signage.notices.cache import caches
from signage.notices.page import language_links
from signage.notices.services import latest_version
from signage.requests import page, rules, services, tokens
from signage.requests.schemas import PublicRequestSchema
from signage.rules.findings import N_
from signage.signs.models import Sign
from signage.sites.models import Site

bp = Blueprint("public_requests", __name__)
FORMS = {"ask": rules.RIGHTS, "report": rules.SIGN}
FIELDS = ("kind", "passed_at", "description", "reply_channel", "reply_contact")


def _limit():
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def _filed(response) -> bool:
    """Count a site's limit only for what was filed: junk without a valid token cannot use it up."""
    return response.status_code in (201, 303)


def _site_limit():
    return current_app.config["RATELIMIT_REQUESTS_PER_SITE"]


def _per_site() -> str:
    """Key a limit on the site written to, whichever addresses write: a flood at one site stays slow."""
    return "requests-site|" + str((request.view_args or {}).get("code", "")).upper()[:16]


#: One count per address, and one per site, for the forms and the API's public filing together.
per_address_limit = limiter.shared_limit(_limit, scope="requests-per-address", methods=["POST"])
per_site_limit = limiter.shared_limit(_site_limit, scope="requests-per-site", key_func=_per_site, methods=["POST"],
                                      deduct_when=_filed)
#: A sign's serial as it is printed: letters and digits (anything else is no sign of this site).
SERIAL = re.compile(r"^[0-9A-Za-z]{1,16}$")


@bp.route("/n/<code:code>/<any(ask, report):form>", methods=("GET", "POST"))
@csrf.exempt  # a public form without a cookie: its signed single-use token guards it, and limits keep it slow
@per_address_limit
@per_site_limit
def file(code: str, form: str):
    """Show a request or report form, and file it: the status page of its reference code opens next."""
    site, content = _site(code)
    sign = _sign(site, request.values.get("sign"))
    tag = _tag()
    scope = f"{site.code}|{form}|{sign.serial if sign else ''}"
    if request.method == "GET":
        return _form(site, content, sign, form, tag, scope)
    values = {name: request.form.get(name, "") for name in FIELDS}
    once = tokens.token_once(request.form.get("token", ""), _key(), scope, now=time.time())
    if once is None:
        return _form(site, content, sign, form, tag, scope, values=values, error="expired", status=400)
    # a field sent twice is not guessed at: the form sends each once
    twice = {name: [N_("Give one value.")] for name in FIELDS if len(request.form.getlist(name)) > 1}
    try:
        if twice:
            raise InvalidInput("A field was sent twice.", errors=twice)
        data = load_data(PublicRequestSchema(), {**_present(values), "category": FORMS[form], "language": tag})
        _not_ahead(data.get("passed_at"), site)
    except InvalidInput as invalid:
        return _form(site, content, sign, form, tag, scope, values=values, errors=invalid.errors, status=422)
    filed, reference = services.file_request(site, data, now=utcnow(), settings=pack_settings(), sign=sign,
                                             form_once=once, dashboard_url=current_app.config["PUBLIC_BASE_URL"])
    db.session.commit()
    if not reference:  # the same form sent again: the first one filed it, under the code shown then
        return _form(site, content, sign, form, tag, scope, values=values, error="resent", status=409)
    return redirect(url_for("public_requests.status", code=reference, lang=tag, filed=1), code=303)


def _not_ahead(passed_at: str | None, site: Site) -> None:
    """Refuse a time of passing after today (a day's leeway for the person's own time zone): a slip of the
    date picker, which the person can fix while the form is open. The API takes the time as its document
    says; an app checks its own input."""
    today = services.local_day(utcnow(), site.organisation.time_zone)
    if passed_at and passed_at[:10] > (today + timedelta(days=1)).isoformat():
        raise InvalidInput("The time of passing is in the future.",
                           errors={"passed_at": [N_("This is later than today: give when you passed.")]})


def _present(values: dict) -> dict:
    """The fields the person filled in; a radio button left unchosen sends nothing. A phone's keyboard adds a
    space after a suggested address: the contact and the time are taken without the spaces around them."""
    trimmed = {name: value.strip() if name in ("reply_contact", "passed_at") else value
               for name, value in values.items()}
    return {name: value for name, value in trimmed.items() if value != ""}


def _site(code: str) -> tuple[Site, dict]:
    """The site whose notice has this code, and what its current version says (read once a request)."""
    site = db.session.scalar(select(Site).where(Site.code == code.upper()))
    version = latest_version(site) if site is not None else None
    if version is None:
        raise NotFound("No notice has this code.")
    return site, version.content


def _sign(site: Site, serial: str | None) -> Sign | None:
    """The sign the form was opened from, when it is one of this site's: another serial is not attached."""
    if not serial or not SERIAL.match(serial):
        return None
    return db.session.scalar(select(Sign).where(Sign.serial == serial.upper(), Sign.site_id == site.id))


def _form(site, content: dict, sign, form: str, tag: str, scope: str, *, values: dict | None = None,
          errors: dict | None = None, error: str | None = None, status: int = 200) -> Response:
    with force_locale(LOCALES_BY_TAG[tag]):
        model = page.form_model(site, content, sign, FORMS[form], tag)
        # switching language keeps the sign the form was opened from
        model["languages"] = [{**link, "href": f"?lang={link['tag']}" + (f"&sign={sign.serial}" if sign else "")}
                              for link in language_links(tag)]
        html = render_template("requests/form.html", page=model, form=form, lang=tag, css=_css(),
                               values=values or {}, errors=errors or {}, error=error,
                               token=tokens.new_token(_key(), scope, now=time.time()),
                               action=url_for("public_requests.file", code=site.code, form=form),
                               notice_url=url_for("notices.current", code=site.code, lang=tag))
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


@bp.get("/q/")
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def lookup():
    """Ask for a reference code and open its status page."""
    typed = request.args.get("code")
    code = normalised_code(typed) if typed is not None else None
    if code:
        return redirect(url_for("public_requests.status", code=code, lang=request.args.get("lang") or None), code=303)
    return _lookup_page(typed, status=200 if typed is None else 404)


@bp.get("/q/<code>")  # as printed too, in groups with hyphens: the lookup normalises it
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def status(code: str):
    """Show where a request or report stands: each step, the date the answer is due, and the answer."""
    try:
        filed = services.request_for_code(code)
    except NotFound:
        return _lookup_page(code, status=404)
    tag = TAGS[locale_from_tag(request.args.get("lang")) or LOCALES_BY_TAG.get(filed.language, "en")]
    with force_locale(LOCALES_BY_TAG[tag]):
        site = db.session.get(Site, filed.site_id)
        sign = db.session.get(Sign, filed.sign_id) if filed.sign_id else None
        version = latest_version(site)
        model = {**page.status_model(filed, site, version.content if version else None, sign, services.steps_of(filed),
                                     tag), "languages": language_links(tag)}
        html = render_template("requests/status.html", page=model, lang=tag, css=_css(),
                               code=readable_code(normalised_code(code)), filed=request.args.get("filed") == "1")
    # a status changes with every step the operator takes: never kept by a shared cache
    return Response(html, headers={"Cache-Control": "no-store"})


def _lookup_page(typed: str | None, *, status: int) -> Response:
    """The code form, saying when a code opens nothing; never whether some other code would."""
    locale = locale_from_tag(request.args.get("lang")) or negotiated_locale(request.accept_languages)
    with force_locale(locale):
        html = render_template("requests/lookup.html", lang=TAGS[locale], css=_css(), typed=typed,
                               wrong=typed is not None, languages=language_links(TAGS[locale]))
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


def _tag() -> str:
    chosen = locale_from_tag(request.values.get("lang"))
    return TAGS[chosen or negotiated_locale(request.accept_languages)]


def _key() -> bytes:
    secret = current_app.secret_key
    return secret if isinstance(secret, bytes) else secret.encode()


def _css() -> str:
    return url_for("static", filename="notice.css", v=caches().assets)
