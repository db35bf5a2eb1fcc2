"""The declarative base with a naming convention, UTC datetimes, the package's one clock, and how
connections behave on each backend."""
import time
from collections import namedtuple
from contextvars import ContextVar
from functools import wraps
from datetime import datetime, timezone

from flask import Flask, g, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    """Base for every model; named constraints migrate alike on SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    })


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both backends; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC time")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # SQLite stores no offset; PostgreSQL returns the session's zone
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """Return the current time in UTC: the only clock in the package."""
    return datetime.now(timezone.utc)


#: Whether the current unit of work may write. On SQLite a writer takes the write lock when its
#: transaction begins (BEGIN IMMEDIATE), so two writers queue instead of one failing on a stale read;
#: reads (GET pages) begin deferred so they never wait for a writer, thanks to WAL.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Milliseconds a SQLite writer waits for another to commit before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, connection_record):
    if not _is_sqlite(dbapi_connection):
        return
    # we begin transactions ourselves (below), so the driver must not
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked on each connection
    cursor.execute("PRAGMA journal_mode=WAL")  # readers and one writer at a time, without blocking each other
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


#: The PostgreSQL advisory lock every writer holds from the start of its transaction to its end; any
#: constant works, as long as every writer uses the same.
WRITE_LOCK_KEY = 0x5167_4E41


class DriverRead:
    """One read-only SELECT run straight on a pooled driver connection, for the public page that every
    scan of a sign reads: no transaction (on PostgreSQL in autocommit, one round trip instead of three;
    on SQLite no BEGIN) and no SQLAlchemy execution layer, which cost more than the statement itself
    (about 170 µs against 110 on PostgreSQL here, 70 against 35 on SQLite). SQLAlchemy still compiles the
    statement, once per dialect, and converts the values with the columns' own types, as execute() does;
    and the engine's before_cursor_execute listeners (the statement counters of the tests and of
    bench/scale.py) still see the statement, with the pooled connection and no execution context.
    """

    def __init__(self, statement):
        self.statement = statement
        self.row = namedtuple("DriverRow", statement.selected_columns.keys())
        self._compiled: dict[str, tuple] = {}

    def first(self, engine: Engine, parameters: dict):
        """Return the statement's first row for these parameters as a named tuple, or None."""
        sql, names, processors = self._compiled.get(engine.dialect.name) or self._compile(engine.dialect)
        arguments = tuple(parameters[name] for name in names) if names else parameters
        pooled = engine.raw_connection()
        try:
            driver = pooled.driver_connection
            for listener in engine.dispatch.before_cursor_execute:  # none outside tests and benches
                listener(pooled, None, sql, arguments, None, False)
            if engine.dialect.name == "postgresql":
                driver.autocommit = True  # checked out idle: no transaction is open to end
                try:
                    found = driver.execute(sql, arguments).fetchone()
                finally:
                    driver.autocommit = False
            else:  # the driver begins nothing itself (isolation_level None, set on connect)
                found = driver.execute(sql, arguments).fetchone()
        except engine.dialect.loaded_dbapi.Error:
            pooled.invalidate()  # as SQLAlchemy's own execute does with a dead one: it must not go back
            raise
        finally:
            pooled.close()
        if found is None:
            return None
        return self.row._make(value if convert is None else convert(value)
                              for value, convert in zip(found, processors))

    def _compile(self, dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                           for column in self.statement.selected_columns)
        entry = (str(compiled), compiled.positiontup, processors)
        self._compiled[dialect.name] = entry
        return entry


@event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
    elif write_intent.get():
        # Writers take turns from their first statement, as SQLite's do. Nearly every write appends to the
        # one audit chain, so writers queue there anyway; taking the turn late, a writer that first locked a
        # row (a site, its organisation's counts) and then waited for the chain could deadlock with one
        # holding the chain and wanting that row. The cost: a housekeeping batch (about 0.4 s) holds it too.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


#: Schema objects the migrations make by hand for one backend, which the models do not describe: SQLite's
#: FTS5 search table (and the tables FTS5 keeps for it), PostgreSQL's pg_trgm and jsonb GIN indexes.
HAND_MADE = ("sites_search", "ix_sites_search_trgm", "ix_sites_jurisdictions_gin", "register_search",
             "ix_register_search_trgm")


def maintained_by_hand(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic's comparison to leave out the hand-made objects (its include_object hook)."""
    return not (reflected and name and name.startswith(HAND_MADE))


def reads_only(func):
    """Run a view or command that only reads without the SQLite write lock, so writers never wait on it."""
    @wraps(func)
    def wrapped(*args, **kwargs):
        token = write_intent.set(False)
        try:
            return func(*args, **kwargs)
        finally:
            write_intent.reset(token)
    return wrapped


def ping_when_idle(engine: Engine, after_seconds: float) -> None:
    """Check a pooled server connection is alive before use only when it sat idle longer than after_seconds.

    pool_pre_ping checks at every checkout: a round trip (about 160 µs here) on every request, most of what
    a public notice served from its stored page costs on PostgreSQL. A connection back from a request a
    moment ago is alive but for a server that went down within that moment, which fails that request
    as it would fail a pinged one a moment later; one that sat idle (a quiet night, a restarted server) is
    pinged, and replaced when dead, before any request sees it.
    """

    @event.listens_for(engine, "checkin")
    def _idle_since(_dbapi_connection, connection_record):
        connection_record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, connection_record, _connection_proxy):
        idle_since = connection_record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > after_seconds:
            if not _answers(dbapi_connection, engine.dialect.loaded_dbapi.Error):
                raise DisconnectionError("the pooled connection is dead")  # the pool connects afresh


def _answers(dbapi_connection, errors) -> bool:
    """Say whether the server answers on this connection, leaving no transaction open behind the ping.

    Any driver error counts as dead: a server that cut the connection (AdminShutdown, a restart) answers
    with one that SQLAlchemy's own ping would raise rather than report.
    """
    try:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            dbapi_connection.autocommit = autocommit
    except errors:
        return False
    return True


def register_database(app: Flask, engine: Engine) -> None:
    """Let requests that only read (GET, HEAD) begin their SQLite transactions without the write lock, and
    check the engine's idle server connections before use."""
    if engine.dialect.name != "sqlite" and not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        ping_when_idle(engine, app.config["DATABASE_PING_AFTER_IDLE"])

    @app.before_request
    def declare_write_intent():
        g.write_intent_token = write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def forget_write_intent(_error=None):
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)
