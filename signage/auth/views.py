"""Sign-in, sign-out, language choice, and the owner's user, token and organisation pages."""
import hashlib
import hmac
import re
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from signage.auth import services
from signage.auth.login import require
from signage.auth.models import ApiToken, User
from signage.config import pack_settings
from signage.rules.findings import N_
from signage.auth.schemas import (LocaleSchema, LoginSchema, OrganisationSchema, TokenCreateSchema,
                                  UserCreateSchema, UserUpdateSchema)
from signage.database import reads_only, utcnow
from signage.errors import Conflict, InvalidInput
from signage.extensions import db, limiter
from signage.http import load_data, load_input, query_args
from signage.local_time import zone
from signage.pagination import PageQuerySchema, keyset_page

bp = Blueprint("auth", __name__)


#: Organisation fields the form may blank out (the legal name and the count stay required).
OPTIONAL_DETAILS = ("registration_number", "address", "contact_email", "contact_phone", "dpo_contact",
                    "name_translations", "request_answer_days")


#: A path on this site, in printable ASCII without backslashes: nothing a browser could read as another host.
SAFE_NEXT = re.compile(r"/(?![/\\])[!-\[\]-~]{0,499}")


def _safe_next(target: str | None) -> str:
    """Only follow redirects within this site, so a login link cannot send people elsewhere; anything
    else (another host, control characters, a path too long) goes to the home page."""
    if isinstance(target, str) and SAFE_NEXT.fullmatch(target) and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.get("/login")
def login():
    """Show the sign-in form."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return render_template("auth/login.html", next=_safe_next(request.args.get("next")))


def _address_and_account() -> str:
    """Key failed sign-ins by client address and account, whatever the body's format, so nobody can
    lock the real user out from elsewhere and JSON cannot open a second bucket. The account is keyed
    by an HMAC under the secret key: counters in Redis or in a log name nobody."""
    body = request.get_json(silent=True) if request.is_json else request.form
    account = body.get("email") if isinstance(body, dict) or hasattr(body, "getlist") else None
    account = services.normalised_email(account) if isinstance(account, str) else ""
    key = current_app.secret_key if isinstance(current_app.secret_key, bytes) else current_app.secret_key.encode()
    digest = hmac.new(key, account.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]
    return f"login|{get_remote_address()}|{digest}"


#: Said when a limit is reached: the account is never locked, only this address's attempts wait.
TOO_MANY_ATTEMPTS = N_("Too many sign-in attempts from your network. Wait a minute, then try again.")
TOO_MANY_FAILURES = N_("Too many wrong passwords for this account from your network. Wait 15 minutes, then try "
                       "again. The account is not locked: its owner can still sign in from elsewhere.")


@bp.post("/login")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], error_message=TOO_MANY_ATTEMPTS,
               key_func=lambda: f"login|{get_remote_address()}", scope="login")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_FAILURES"], key_func=_address_and_account,
               deduct_when=lambda response: response.status_code == 401, error_message=TOO_MANY_FAILURES,
               scope="login-failures")
@reads_only  # checking a password writes nothing: a flood of sign-ins must not queue the writers
def login_submit():
    """Check the password; repeated failures from one address for one account are throttled."""
    data = load_input(LoginSchema())
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        return render_template("auth/login.html", next=_safe_next(request.form.get("_next")), email=data["email"],
                               error=_("Wrong e-mail or password.")), 401
    login_user(user)
    return redirect(_safe_next(request.form.get("_next")))


@bp.post("/logout")
@require("read")
def logout():
    """Sign out on every device: this session, the user's others, and every copy of their cookies end."""
    services.end_sessions(g.user, by=g.user, now=utcnow())
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale():
    """Switch the dashboard language and remember the choice."""
    data = load_input(LocaleSchema())
    session["locale"] = data["locale"]
    if current_user.is_authenticated:
        services.set_locale(current_user._get_current_object(), data["locale"], now=utcnow())
        db.session.commit()
    return redirect(_safe_next(request.form.get("_next")))


@bp.get("/organisation")
@require("read")
def organisation():
    """Show the operator's details, printed on every notice."""
    return render_template("auth/organisation.html", organisation=g.user.organisation, errors={})


@bp.post("/organisation")
@require("manage")
def organisation_update():
    """Change the operator's details."""
    try:
        data = load_input(OrganisationSchema(partial=("legal_name",)))
        if "time_zone" in request.form and not request.form["time_zone"].strip():  # blank is not "keep it"
            raise InvalidInput("The details were not saved.", errors={"time_zone": ["Choose a time zone."]})
        for name in OPTIONAL_DETAILS:  # a field left blank on the form is cleared, not kept
            data.setdefault(name, None)
        services.update_organisation(g.user.organisation, data, by=g.user, now=utcnow(),
                                     settings=pack_settings())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        return render_template("auth/organisation.html", organisation=g.user.organisation,
                               errors=error.errors or {}, form=request.form), error.status
    db.session.commit()
    flash(_("Organisation details saved."))
    return redirect(url_for("auth.organisation"))


def _users_page():
    query = load_data(PageQuerySchema(), query_args())
    return keyset_page(db.session, services.members_query(g.user.organisation_id), User.id, descending=False,
                       limit=query["limit"], cursor=query["cursor"])


@bp.get("/users")
@require("manage")
def users():
    """List the organisation's users, a page at a time."""
    page = _users_page()
    return render_template("auth/users.html", users=page.items, page=page, errors={})


@bp.post("/users")
@require("manage")
def user_create():
    """Add a user with a role."""
    try:
        data = load_input(UserCreateSchema())
        services.create_user(g.user.organisation, data, by=g.user, now=utcnow())
    except InvalidInput as error:
        db.session.rollback()
        page = _users_page()
        return render_template("auth/users.html", users=page.items, page=page, errors=error.errors,
                               form=request.form), 422
    db.session.commit()
    flash(_("User added."))
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>")
@require("manage")
def user_update(user_id: int):
    """Change a user's role, or deactivate them."""
    user = services.get_member(g.user.organisation_id, User, user_id)
    data = load_input(UserUpdateSchema())
    services.update_user(user, data, by=g.user, now=utcnow())
    db.session.commit()
    flash(_("User updated."))
    return redirect(url_for("auth.users"))


@bp.get("/tokens")
@require("read")
def tokens():
    """List the API tokens this user may manage, a page at a time, with their scope and expiry."""
    return _tokens_response({}, status=200)


def _tokens_page():
    query = load_data(PageQuerySchema(), query_args())
    visible = services.tokens_query(g.user.organisation_id, user_id=None if g.user.can("manage") else g.user.id)
    return keyset_page(db.session, visible, ApiToken.id, descending=True, limit=query["limit"],
                       cursor=query["cursor"])


def _tokens_response(errors: dict, *, status: int, new_token: str | None = None, form=None):
    page = _tokens_page()
    now = utcnow()
    last_day = now.astimezone(zone(g.user.organisation.time_zone)).date()
    html = render_template("auth/tokens.html", tokens=page.items, page=page, new_token=new_token, errors=errors,
                           form=form, now=now, today=last_day.isoformat(),
                           default_last_day=(last_day + timedelta(days=services.DEFAULT_TOKEN_DAYS)).isoformat(),
                           latest_last_day=(last_day + timedelta(days=services.MAX_TOKEN_DAYS)).isoformat())
    return html, status, {"Cache-Control": "no-store"}


@bp.post("/tokens")
@require("read")
def token_create():
    """Create an API token for the signed-in user, read-only or read-write, and show it once."""
    try:
        data = load_input(TokenCreateSchema())
        _token, plain = services.create_token(g.user, data, by=g.user, now=utcnow())
    except InvalidInput as error:
        db.session.rollback()
        return _tokens_response(error.errors or {}, status=422, form=request.form)
    db.session.commit()
    return _tokens_response({}, status=201, new_token=plain)


@bp.post("/tokens/<int:token_id>/revoke")
@require("read")
def token_revoke(token_id: int):
    """Revoke a token: one's own, or any in the organisation for an owner."""
    token = services.get_member(g.user.organisation_id, ApiToken, token_id)
    services.revoke_token(token, by=g.user, now=utcnow())
    db.session.commit()
    flash(_("Token revoked."))
    return redirect(url_for("auth.tokens"))
