"""Fixtures: app, client, runner, db, auth, and make_* factories that go through services."""
import shutil

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from signage.app import create_app
from signage.auth import services as accounts
from signage.calendar.models import Duty
from signage.consent.services import record_consent
from signage.database import utcnow, write_intent
from signage.extensions import db as _db
from signage.signs.services import change_sign_status, issue_sign
from signage.rules.packs import PackSettings
from signage.sites.services import change_status, register_site

from helpers import CONSENT_DEFAULTS, GYM_SITE, ILLINOIS_GYM, NORTH_GATE_ZH, PASSWORD, POSTGRES_URL, SITE_DEFAULTS, T0


def pytest_collection_modifyitems(config, items):
    """Skip what only PostgreSQL can show when the suite runs on SQLite."""
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (SIGNAGE_TEST_DATABASE_URL)")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


def _base_config(url):
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
              "REMEMBER_COOKIE_SECURE": False, "PUBLIC_BASE_URL": "https://signs.example",
              "NOTICE_STATE_TTL": 0}
    if str(url).startswith("postgresql"):
        # a test's commits need not wait for the disk (what a crash would lose, nobody keeps): the same
        # statements and transactions, a third less time for the pass
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": "-c synchronous_commit=off"}}
    return config


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per run: a template SQLite file, or the PostgreSQL test database."""
    if POSTGRES_URL:
        app = create_app(_base_config(POSTGRES_URL))
        with app.app_context():
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            _db.engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(_base_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return path


@pytest.fixture
def database_url(database_template, tmp_path):
    """A clean, migrated database for one test."""
    if POSTGRES_URL:
        yield POSTGRES_URL
        return
    path = tmp_path / "test.db"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url):
    return _base_config(database_url)


@pytest.fixture
def app(app_config, instance_dir):
    app = create_app(app_config)
    # the test's own session only reads between requests: on SQLite it must not hold the write lock
    # while a request (or a browser's request to the live server) waits for it
    token = write_intent.set(False)
    with app.app_context():
        yield app
        _db.session.remove()
        if POSTGRES_URL:
            _truncate()
        _db.engine.dispose()
    write_intent.reset(token)


@pytest.fixture
def make_app(app_config, instance_dir):
    """Build another app on the test database with changed settings; its connections close afterwards."""
    made = []

    def make(**overrides):
        other = create_app({**app_config, **overrides})
        other.test_client_class = RequestIsolatedClient
        made.append(other)
        return other
    yield make
    for other in made:
        with other.app_context():
            _db.engine.dispose()


@pytest.fixture
def instance_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNAGE_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def _truncate():
    """Empty every table and restart its ids. DELETE, not TRUNCATE: a test leaves a handful of rows, and
    TRUNCATE's new files for ~20 tables cost 80 ms a test, a minute and a half of the PostgreSQL pass."""
    with _db.engine.begin() as connection:
        # the append-only triggers refuse DELETE; replica mode, a superuser's right, skips them, and the
        # foreign keys' triggers with them, so the order does not matter
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in _db.metadata.sorted_tables:
            connection.execute(text(f"DELETE FROM {table.name}"))
        connection.execute(text(
            "SELECT setval(pg_get_serial_sequence(quote_ident(c.table_name), c.column_name), 1, false) "
            "FROM information_schema.columns c WHERE c.table_schema = 'public' "
            "AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL"))


@pytest.fixture
def db(app):
    return _db


class RequestIsolatedClient(FlaskClient):
    """Give every request its own app context, as a server would: its own g, locale and db session."""

    def open(self, *args, **kwargs):
        _db.session.commit()  # the request sees what the test wrote, and no lock of the test's is held
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.commit()  # a fresh transaction: the test's own session re-reads what the request committed
        return response


@pytest.fixture
def client(app):
    app.test_client_class = RequestIsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def settings():
    return PackSettings()


@pytest.fixture
def make_org(db):
    counter = iter(range(1, 10_000))

    def make(**overrides):
        data = {"legal_name": f"Operator {next(counter)} Ltd.", "contact_email": "privacy@operator.example",
                "contact_phone": "+86 21 5555 0000", "address": "1 Example Road, Shanghai", **overrides}
        organisation = accounts.create_organisation(data, by="test", now=T0)
        db.session.commit()
        return organisation
    return make


@pytest.fixture
def make_user(db, make_org):
    counter = iter(range(1, 10_000))

    def make(role="owner", organisation=None, **overrides):
        organisation = organisation or make_org()
        data = {"email": f"user{next(counter)}-{role}@operator.example", "password": PASSWORD, "role": role,
                **overrides}
        user = accounts.create_user(organisation, data, by="test", now=T0)
        db.session.commit()
        return user
    return make


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def make_site(db, owner):
    def make(by=None, **overrides):
        by = by or owner
        site = register_site(by.organisation, {**SITE_DEFAULTS, **overrides}, by=by, now=T0, settings=PackSettings())
        db.session.commit()
        return site
    return make


@pytest.fixture
def make_sign(db, owner):
    def make(site, by=None, **overrides):
        data = {"placement": "North entrance", "size": "A4", "languages": ["zh-Hans", "en"], **overrides}
        sign = issue_sign(site, data, by=by or owner, now=T0, settings=PackSettings())
        db.session.commit()
        return sign
    return make


@pytest.fixture
def live_site(db, make_site, make_sign, owner):
    """An active CN site with its Chinese words, one sign at the north entrance, and notice v1."""
    site = make_site(text_translations=NORTH_GATE_ZH)
    sign = make_sign(site)
    change_status(site, "active", reason="go live", by=owner, now=T0, settings=PackSettings())
    db.session.commit()
    return site, sign


@pytest.fixture
def gym_site(db, make_site, make_sign, owner):
    """An active CN gym whose turnstile relies on separate consent, with an optional purpose asked after it."""
    site = make_site(**GYM_SITE)
    make_sign(site, placement="Turnstile")
    change_status(site, "active", reason="go live", by=owner, now=T0, settings=PackSettings())
    db.session.commit()
    return site


@pytest.fixture
def illinois_site(db, make_site, owner):
    """An active gym in Chicago, where a given consent needs the person's signed written release."""
    site = make_site(**ILLINOIS_GYM)
    change_status(site, "active", reason="go live", by=owner, now=T0, settings=PackSettings())
    db.session.commit()
    return site


@pytest.fixture
def make_consent(db, owner):
    """Record an answer through the service; return the record and its receipt code."""
    def make(site, by=None, now=T0, **overrides):
        consent, code = record_consent(site, {**CONSENT_DEFAULTS, "notice_version": None, "acted_by": "subject",
                                              "guardian_relationship": None, "guardian_verification": None,
                                              "expires_at": None, **overrides}, by=by or owner, now=now)
        db.session.commit()
        return consent, code
    return make


@pytest.fixture
def api_token(make_token, owner):
    """The owner's API token, as a header."""
    return make_token(owner)


class AuthActions:
    """Sign a user in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD):
        return self.client.post("/login", data={"email": user.email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_token(db):
    """Create a token through the service and return it as a header: read-write unless asked, and made now
    (not at T0), so its expiry lies ahead of the real clock the API checks it against."""
    def make(user, name="test", *, scope="read-write", now=None, expires_on=None):
        _token, plain = accounts.create_token(user, {"name": name, "scope": scope, "expires_on": expires_on},
                                              by=user, now=now or utcnow())
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}
    return make


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def live_server(make_app, app):
    """Serve a real app (CSRF on, as in production) from a thread on 127.0.0.1."""
    import threading
    from werkzeug.serving import make_server
    served = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright; browsers cannot be downloaded here."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def publish(db, make_site, make_sign, owner, settings):
    """Register a site, put up its sign and take it live through the services: notice v1 is published."""
    def go(*, by=None, at=T0, **fields):
        by = by or owner
        site = make_site(by=by, **fields)
        make_sign(site, by=by)
        change_status(site, "active", reason="go live", by=by, now=at, settings=settings)
        db.session.commit()
        return site
    return go


@pytest.fixture
def inspection(db, live_site, owner, settings):
    """The sign-inspection duty that putting up the live site's sign starts (the compliance calendar)."""
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=settings)
    db.session.commit()
    return db.session.scalars(db.select(Duty).where(Duty.kind == "sign_inspection")).one()
