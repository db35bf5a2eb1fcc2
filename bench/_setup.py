"""Shared bench set-up: a migrated throw-away database and an app bound to it."""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_app(database_url: str | None = None, **config):
    """Return an app on a fresh migrated database (SQLite in a temp dir unless a URL is given)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from signage.app import create_app
    from signage.extensions import db

    folder = tempfile.mkdtemp(prefix="signage-bench-")
    os.environ["SIGNAGE_INSTANCE_PATH"] = folder
    url = database_url or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, **config})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app
