"""The schema comes from migrations only: one head, and no drift from the models."""
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from signage.app import MIGRATIONS, create_app
from signage.database import maintained_by_hand
from signage.extensions import db


def test_there_is_a_single_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1


def test_upgrade_from_empty_matches_the_models(tmp_path, app_config, instance_dir):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(
                connection, opts={"include_object": maintained_by_hand}), db.metadata)
        db.engine.dispose()
    assert differences == []


def test_the_test_database_matches_the_models(app):
    with db.engine.connect() as connection, warnings.catch_warnings():
        # PostgreSQL's expression indexes (pg_trgm, jsonb) cannot be reflected; they are left out above
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        assert compare_metadata(MigrationContext.configure(
            connection, opts={"include_object": maintained_by_hand}), db.metadata) == []
