"""signage: make facial-recognition deployments visible and accountable."""
from flask import Flask

from signage.config import Config, environment_overrides


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configure, register, return."""
    app = Flask(__name__, template_folder="../templates", instance_path=_instance_path())
    app.config.from_object(Config)
    app.config.update(environment_overrides(app.instance_path))
    app.config.update(config or {})
    register_extensions(app)
    register_blueprints(app)
    from signage.errors import register_error_handlers
    from signage.security import register_security
    from signage.i18n import register_i18n
    from signage.cli import register_commands
    register_error_handlers(app)
    register_security(app)
    register_i18n(app)
    register_commands(app)
    return app


def _instance_path() -> str:
    import os
    from pathlib import Path
    return os.environ.get("SIGNAGE_INSTANCE_PATH") or str(Path(__file__).resolve().parent.parent / "instance")


def register_extensions(app: Flask) -> None:
    from signage.extensions import csrf, db, limiter, login_manager, migrate
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    from signage.auth import login  # noqa: F401  (registers the user loader)


def _migrations_dir():
    from pathlib import Path
    return Path(__file__).resolve().parent.parent / "migrations"


def register_blueprints(app: Flask) -> None:
    from signage import api, audit, auth, dashboard, notices, signs, sites
    for module in (auth, dashboard, sites, audit, signs, notices):
        app.register_blueprint(module.bp)
    api.register(app)
