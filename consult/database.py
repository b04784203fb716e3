"""Engine set-up that depends on the backend, and write transactions that never lose a race."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from sqlalchemy import Engine, event

from consult.extensions import db

# Set while a write transaction is wanted: SQLite then begins with BEGIN IMMEDIATE.
_immediate: ContextVar[bool] = ContextVar("sqlite_immediate", default=False)


def enable_wal(connection: sqlite3.Connection, attempts: int = 40) -> None:
    """Put the SQLite file in WAL mode (a property of the file, kept once set).

    Changing the journal mode needs an exclusive lock and SQLite answers "database is
    locked" at once, without waiting on the busy timeout, while another process opens
    the same new file: so processes starting together retry for a few seconds.
    """
    for attempt in range(attempts):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 + 0.01 * attempt)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL so readers never block the writer, a busy timeout so writers queue
    instead of failing, and foreign keys enforced as on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000))

    @event.listens_for(engine, "connect")
    def set_sqlite_pragmas(dbapi_connection, _record):
        # Stop pysqlite issuing BEGIN itself; the "begin" listener below does it.
        dbapi_connection.isolation_level = None
        enable_wal(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        # pysqlite's own implicit BEGIN is skipped for some statements; issuing it
        # ourselves gives real transactions (the SQLAlchemy-documented recipe).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a use case's reads and writes in one transaction that commits at the end.

    On SQLite the transaction takes the write lock when it begins (BEGIN IMMEDIATE),
    so concurrent writers queue on the busy timeout instead of failing when a read
    lock cannot be upgraded. Whatever the session held before is committed first.
    On error the transaction rolls back and nothing is half-written.

    Objects loaded before (the user, the consultation) are not expired by these
    commits: the use case checks what it needs inside the transaction, and reloading
    them on every access would double the queries of the busiest requests.

    A unit of work called inside another (removing a reported item while resolving the
    report) joins the outer transaction: it commits, or rolls back, with the outer one.
    """
    if _immediate.get():
        yield
        return
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    token = _immediate.set(True)
    try:
        session.commit()
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _immediate.reset(token)
        session.expire_on_commit = expire
