"""Pooled PostgreSQL connections are checked only after sitting idle: a request right after another takes
its connection as it is, and a connection the server dropped while idle is replaced before a request sees it."""
import time

import pytest
from sqlalchemy import create_engine, text

from signage.extensions import db


def pooled_backend(engine) -> int:
    """The server process behind the connection the app's pool holds (it holds one after one request)."""
    assert engine.pool.checkedin() == 1
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def cut(engine, pid: int) -> None:
    """Drop one server connection, as a server restart or an idle timeout in between would."""
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


@pytest.mark.postgresql
def test_a_connection_dropped_while_idle_is_replaced_before_a_request_uses_it(make_app, live_site):
    site, _sign = live_site
    app = make_app(DATABASE_PING_AFTER_IDLE=0.05)
    client = app.test_client()
    with app.app_context():
        assert client.get(f"/n/{site.code}").status_code == 200
        dropped = pooled_backend(db.engine)
        cut(db.engine, dropped)
        time.sleep(0.1)  # longer than the idle limit: the next checkout pings, finds it dead, connects afresh
        assert client.get(f"/n/{site.code}?lang=zh-Hans").status_code == 200
        assert pooled_backend(db.engine) != dropped


@pytest.mark.postgresql
def test_a_connection_dropped_between_two_quick_requests_fails_at_most_one_and_the_pool_recovers(make_app,
                                                                                                live_site):
    site, _sign = live_site
    app = make_app(DATABASE_PING_AFTER_IDLE=3600)
    client = app.test_client()
    with app.app_context():
        assert client.get(f"/n/{site.code}").status_code == 200
        cut(db.engine, pooled_backend(db.engine))
        statuses = [client.get(f"/n/{site.code}").status_code for _ in range(3)]
        # unpinged, the dead connection fails the one request that meets it with an error page, never a hang;
        # the pool then connects afresh
        assert statuses[1:] == [200, 200] and statuses[0] in (200, 500, 503)
