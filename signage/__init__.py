"""signage: make facial-recognition deployments visible and accountable."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from signage.config import Config, environment_overrides

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configure, register, return."""
    app = Flask(__name__, template_folder="../templates", instance_path=_instance_path())
    app.config.from_object(Config)
    app.config.update(environment_overrides(app.instance_path))
    app.config.update(config or {})
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    from signage.cli import register_commands
    from signage.errors import register_error_handlers
    from signage.i18n import register_i18n
    from signage.security import register_security
    register_error_handlers(app)
    register_security(app)
    register_i18n(app)
    register_commands(app)
    return app


def _instance_path() -> str:
    return os.environ.get("SIGNAGE_INSTANCE_PATH") or str(ROOT / "instance")


def _migrations_dir() -> Path:
    return ROOT / "migrations"


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* from the configured number of proxies, so rate limits see real clients."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from signage.extensions import csrf, db, limiter, login_manager, migrate
    from signage.http import IdConverter
    app.url_map.converters["int"] = IdConverter  # before any route is added
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    from signage.auth import login  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from signage import api, audit, auth, dashboard, notices, signs, sites
    for module in (auth, dashboard, sites, audit, signs, notices):
        app.register_blueprint(module.bp)
    api.register(app)
