"""Engine set-up that depends on the backend."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine, event


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
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        # pysqlite's own implicit BEGIN is skipped for some statements; issuing it
        # ourselves gives real transactions (the SQLAlchemy-documented recipe).
        connection.exec_driver_sql("BEGIN")
