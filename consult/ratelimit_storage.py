"""Rate-limit counters in a SQLite file that every worker of one host shares.

Without Redis, the ``limits`` library's in-memory storage counts per worker process, so a
limit of N became N x workers. This storage keeps one table (key, count, expiry) in a file
in the instance folder; every increment is a single UPSERT statement, which SQLite runs
under its write lock, so concurrent workers never lose or double a count.

Registered with ``limits`` under the scheme ``consult-sqlite``:
``consult-sqlite:////absolute/path/ratelimits.sqlite``.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time

from limits.storage import Storage

from consult.database import enable_wal

SCHEME = "consult-sqlite"
BUSY_TIMEOUT_MS = 5000
# One increment in this many also deletes expired counters, so the file stays small.
SWEEP_ONE_IN = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_counter (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expiry REAL NOT NULL
) WITHOUT ROWID
"""
# A counter past its expiry starts again from ``amount`` (a new window).
_INCREMENT = """
INSERT INTO rate_counter (key, count, expiry) VALUES (:key, :amount, :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_counter.expiry <= :now THEN excluded.count
                 ELSE rate_counter.count + excluded.count END,
    expiry = CASE WHEN rate_counter.expiry <= :now THEN excluded.expiry
                  ELSE rate_counter.expiry END
RETURNING count
"""


def storage_uri(path: str | os.PathLike) -> str:
    """The ``limits`` storage URI of the SQLite counter file at ``path``."""
    return f"{SCHEME}://{os.path.abspath(path)}"


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite file (WAL, busy timeout), safe across processes.

    Connections are opened per process and thread on first use, so the storage may be
    created before gunicorn forks its workers.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri or "://" not in uri:
            raise ValueError(f"expected {SCHEME}:///path/to/file, got {uri!r}")
        self.path = uri.split("://", 1)[1]
        if not self.path:
            raise ValueError(f"expected {SCHEME}:///path/to/file, got {uri!r}")
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            return connection
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        # Autocommit: each statement is its own transaction, taken under SQLite's lock.
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        enable_wal(connection)
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(_SCHEMA)
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        count = connection.execute(
            _INCREMENT, {"key": key, "amount": amount, "expiry": now + expiry, "now": now}
        ).fetchone()[0]
        if random.randrange(SWEEP_ONE_IN) == 0:  # noqa: S311 - not for security
            connection.execute("DELETE FROM rate_counter WHERE expiry <= ?", (now,))
        return int(count)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT count FROM rate_counter WHERE key = ? AND expiry > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expiry FROM rate_counter WHERE key = ? AND expiry > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_counter").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_counter WHERE key = ?", (key,))
