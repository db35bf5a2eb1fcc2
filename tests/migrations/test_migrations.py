"""The schema comes from migrations only: one head, and no drift from the models."""
import uuid
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from signage.audit.chain import GENESIS_HASH, canonical_bytes, entry_hash
from signage.audit.verification import verify_log

from signage.app import MIGRATIONS, create_app
from signage.auth.services import bearer_for_token, token_digest
from signage.database import maintained_by_hand, utcnow
from signage.extensions import db

from helpers import POSTGRES_URL, T0


def test_there_is_a_single_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1


def test_upgrade_from_empty_matches_the_models(tmp_path, app_config, instance_dir):
    # on SQLite whichever pass runs it: the PostgreSQL pass's connection options are not SQLite's
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
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


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of the suite's kind, dropped afterwards: a migration's data step runs on it."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"signage_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def test_entries_written_before_the_actor_column_get_it_from_their_hashed_actor(scratch_database_url, app_config,
                                                                               instance_dir):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    actors = [{"type": "system", "label": "test"}, {"type": "user", "id": 41, "label": "lin@example.com"},
              {"type": "user", "id": 42, "label": "mei@example.com", "via": "token 3"}]
    with app.app_context():
        upgrade(revision="f7c3e1a9d5b8")  # the schema before the column
        prev = GENESIS_HASH
        # as each database stores the column (signage.database.UTCDateTime)
        stamp = T0 if POSTGRES_URL else T0.strftime("%Y-%m-%d %H:%M:%S.%f")
        with db.engine.begin() as connection:
            for seq, actor in enumerate(actors, start=1):
                canonical = canonical_bytes({"seq": seq, "time": T0, "action": "site.updated", "actor": actor,
                                             "subject": {"type": "sites", "id": 1}, "organisation_id": None,
                                             "changes": {}, "reason": None})
                connection.execute(text(
                    "INSERT INTO audit_entries (id, organisation_id, subject_type, subject_id, action, created_at, "
                    "canonical, prev_hash, hash) VALUES (:id, NULL, 'sites', 1, 'site.updated', :t, :c, :p, :h)"),
                    {"id": seq, "t": stamp, "c": canonical, "p": prev, "h": entry_hash(prev, canonical)})
                prev = entry_hash(prev, canonical)
        upgrade()
        stored = db.session.execute(text("SELECT actor_id FROM audit_entries ORDER BY id")).scalars().all()
        assert stored == [None, 41, 42]
        assert verify_log(processes=1).intact
        db.session.rollback()
        with pytest.raises(DBAPIError):  # the append-only trigger is back in place
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE audit_entries SET actor_id = 7 WHERE id = 1"))
        db.session.remove()
        db.engine.dispose()


def test_tokens_made_before_scopes_become_read_write_for_a_year_and_the_step_goes_back(scratch_database_url,
                                                                                     app_config, instance_dir):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    stamp = T0 if POSTGRES_URL else T0.strftime("%Y-%m-%d %H:%M:%S.%f")
    with app.app_context():
        upgrade(revision="288623c3f561")  # the schema before scopes and expiry
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO organisations (id, legal_name, stored_individuals_count, created_at) "
                                    "VALUES (1, 'Old Ltd.', 0, :t)"), {"t": stamp})
            connection.execute(text(
                "INSERT INTO users (id, organisation_id, email, password_hash, role, active, created_at) "
                "VALUES (1, 1, 'old@example.com', 'x', 'editor', :yes, :t)"), {"t": stamp, "yes": True})
            connection.execute(text(
                "INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at) "
                "VALUES (1, 1, 'ERP', 'sgn_old', :h, :t)"), {"h": token_digest("sgn_old_token"), "t": stamp})
        before = utcnow()
        upgrade()
        scope, expires_at = db.session.execute(text("SELECT scope, expires_at FROM api_tokens")).one()
        if isinstance(expires_at, str):  # SQLite's stored text, without an offset: UTC, as every stored time
            expires_at = datetime.fromisoformat(expires_at).replace(tzinfo=timezone.utc)
        assert scope == "read-write"
        assert before + timedelta(days=364) < expires_at <= utcnow() + timedelta(days=365)
        bearer = bearer_for_token("sgn_old_token", now=utcnow())
        assert (bearer.scope, bearer.user.email) == ("read-write", "old@example.com")
        db.session.rollback()
        with pytest.raises(DBAPIError):  # a scope nobody knows is refused by the database itself
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE api_tokens SET scope = 'admin'"))
        db.session.remove()
        downgrade(revision="288623c3f561")
        with db.engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("api_tokens")}
            assert {"scope", "expires_at"}.isdisjoint(columns) and "token_hash" in columns
            assert connection.execute(text("SELECT name FROM api_tokens")).scalar_one() == "ERP"
        upgrade()
        db.session.remove()
        db.engine.dispose()
