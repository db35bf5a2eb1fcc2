"""The application factory: configure, register, return."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from signage import api, cli
from signage.audit import log_views
from signage.audit import views as audit_views
from signage.audit.chain import canonical_json
from signage.calendar import dossier_views
from signage.calendar import feed_views as calendar_feed_views
from signage.calendar import subscribers as calendar_subscribers
from signage.calendar import views as calendar_views
from signage.auth import login
from signage.auth import views as auth_views
from signage.config import Config, check_configuration, environment_overrides
from signage.consent import capture_views, public_views as receipt_views
from signage.consent import subscribers as consent_subscribers
from signage.consent import views as consent_views
from signage.dashboard import views as dashboard_views
from signage.requests import public_views as request_public_views
from signage.requests import views as request_views
from signage.database import maintained_by_hand, register_database
from signage.errors import problem, register_error_handlers, register_error_page
from signage.extensions import csrf, db, limiter, login_manager, migrate
from signage.http import register_http
from signage.i18n import register_i18n
from signage.notices import subscribers as notice_subscribers
from signage.notices import views as notice_views
from signage.ratelimits import register_rate_limit_fields
from signage.register import public_views as public_register_views
from signage.register import subscribers as public_register_subscribers
from signage.security import register_security
from signage.signs import scan_views
from signage.signs import subscribers as sign_subscribers
from signage.signs import views as sign_views
from signage.sites import operator as site_operator
from signage.sites import views as site_views

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
#: What `mapping.name` means in a template when name is one of a dict's own attributes (d.items).
DICT_ATTRIBUTES = frozenset(dir(dict))


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configure, register, return."""
    app = Flask("signage", root_path=str(ROOT / "signage"), template_folder="../templates",
                instance_path=os.environ.get("SIGNAGE_INSTANCE_PATH") or str(ROOT / "instance"))
    app.config.from_object(Config)
    app.config.update(environment_overrides(app.instance_path))
    app.config.update(config or {})
    check_configuration(app)
    register_proxy(app)
    register_extensions(app)
    register_error_handlers(app)
    register_security(app)
    register_i18n(app)
    register_templates(app)
    register_blueprints(app)
    register_subscribers()
    cli.register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* from the configured number of proxies, so rate limits see real clients."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, sign-in, CSRF and rate limits to the app."""
    register_http(app)  # before any route is added
    # JSON columns are stored in the audit chain's canonical form (sorted keys, compact, UTF-8): a notice
    # version's stored text is then the very bytes its SHA-256 covers, so verifying it needs no parsing
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "json_serializer": canonical_json}
    db.init_app(app)
    with app.app_context():
        register_database(app, db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), include_object=maintained_by_hand)
    login.register_login(app, login_manager)
    csrf.init_app(app)
    register_rate_limit_fields(app)  # before the limiter, so its hook counts a failed sign-in first
    limiter.init_app(app)


def register_templates(app: Flask) -> None:
    """Read `mapping.key` in templates as the key at once.

    Jinja tries the attribute first and the key after a failed lookup: a notice page reads some 150
    keys of plain dicts that way, a fifth of its render. The answer is the same, as a key is read only
    where the name is not one of a dict's own attributes.
    """
    environment = app.jinja_env
    general = environment.getattr

    def getattr_key_first(obj, attribute):
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return general(obj, attribute)

    environment.getattr = getattr_key_first


def register_blueprints(app: Flask) -> None:
    """Serve the dashboard, the public pages and the API."""
    for views in (auth_views, dashboard_views, site_views, audit_views, sign_views, scan_views, receipt_views,
                  consent_views, capture_views, request_public_views, request_views, public_register_views,
                  log_views, calendar_views, calendar_feed_views, dossier_views):
        app.register_blueprint(views.bp)
    # the log's readers are programs: its errors are problem documents (before the public pages claim them)
    register_error_page(app, lambda path: path.startswith("/log/"),
                        lambda status, title, detail, **more: problem(status, title, detail, errors=more.get("errors")))
    notice_views.register(app)
    api.register(app)


def register_subscribers() -> None:
    """Let sites, notices, signs and consents follow what is announced below them (idempotent)."""
    site_operator.subscribe()
    notice_subscribers.subscribe()
    sign_subscribers.subscribe()
    consent_subscribers.subscribe()
    public_register_subscribers.subscribe()
    calendar_subscribers.subscribe()
