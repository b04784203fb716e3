"""Appending many rows at the speed of the database, inside the session's transaction.

``flask import-polis`` writes millions of vote rows. Going through SQLAlchemy's
executemany costs a Python dict and a round of type processing per row (97 s and 2.4 GB
for 1.8M votes); here the rows stay in columns (numpy / Arrow arrays) until the driver:

- PostgreSQL: ``COPY ... FROM STDIN`` through psycopg 3's ``cursor.copy()``, in binary
  format built with numpy when every column is a fixed-width number or timestamp (no
  text for the server to parse), else as CSV made by Arrow, in slices of :data:`SLICE`
  rows;
- SQLite: the sqlite3 module's ``executemany`` over tuples built slice by slice.

Both run on the connection of the session's current transaction, so they commit or roll
back with everything else the import wrote. Triggers (the vote counts) fire as for any
insert, unless :func:`bulk_load` has set them aside. Timestamps are int64 microseconds
since 1970, UTC, written as ``UTCDateTime`` writes them on each backend.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa

from consult.db_types import UTCDateTime
from consult.extensions import db

SLICE = 100_000
# SQLite's page cache while an import writes (the default, 2 MB, is far smaller than the
# vote indexes being filled); set on the import's connection and put back after.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024
# The triggers that keep statement_vote_count (migration 0014), as a GLOB pattern.
COUNT_TRIGGERS = "vote_counts_*"
_CSV = pacsv.WriteOptions(include_header=False, quoting_style="needed")
_TIMESTAMP = pa.timestamp("us", tz="UTC")


def timestamps(microseconds: np.ndarray) -> pa.Array:
    """A column of UTC moments from int64 microseconds since 1970."""
    return pa.array(microseconds.astype(np.int64, copy=False)).cast(_TIMESTAMP)


def append_rows(table: sa.Table, columns: dict[str, np.ndarray | pa.Array]) -> int:
    """Insert the rows given as equal-length columns (name -> array) into ``table``;
    the number of rows. Columns not given take their database default (none of the
    callers relies on a Python-side default)."""
    data = pa.table({table.c[name].name: _arrow(values) for name, values in columns.items()})
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    # Names of the model's own table and columns (checked above), never input.
    target = f"{quote(table.name)} ({', '.join(quote(n) for n in data.column_names)})"
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        widths = [_binary_width(table.c[name].type) for name in data.column_names]
        binary = None not in widths
        copy_sql = f"COPY {target} FROM STDIN (FORMAT {'binary' if binary else 'csv'})"
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            if binary:
                copy.write(_BINARY_HEADER)
            for batch in data.to_batches(max_chunksize=SLICE):
                if binary:
                    copy.write(_binary_rows(batch, widths))
                else:
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer, _CSV)
                    copy.write(buffer.getbuffer())
            if binary:
                copy.write(b"\xff\xff")
    else:
        insert_sql = f"INSERT INTO {target} VALUES ({', '.join('?' * data.num_columns)})"  # noqa: S608
        cursor = driver.cursor()
        try:
            for batch in data.to_batches(max_chunksize=SLICE):
                rows = zip(*(_sqlite_values(c) for c in batch.columns), strict=True)
                cursor.executemany(insert_sql, rows)
        finally:
            cursor.close()
    return data.num_rows


@contextmanager
def bulk_load(
    tables: Sequence[sa.Table], n_rows: int, skip_row_triggers: bool = True
) -> Iterator[bool]:
    """Settings for writing ``n_rows`` rows into ``tables`` in the current transaction;
    yields whether the row triggers are off, in which case the caller writes what they
    would have (the vote counts).

    SQLite: a larger page cache, put back after (durability settings stay as they are;
    ``temp_store`` cannot change inside a transaction), and, when the rows to write
    outnumber those already there, the tables' secondary indexes and vote-count
    triggers set aside (:func:`_sqlite_set_aside`); ``skip_row_triggers`` is for
    PostgreSQL only (foreign keys stay checked on SQLite: under a tenth of an insert).

    PostgreSQL, when ``skip_row_triggers`` and the database role may set it (superuser,
    or ``GRANT SET ON PARAMETER session_replication_role`` on PostgreSQL >= 15):
    ``SET LOCAL session_replication_role = replica`` until the block ends. That skips
    the per-row foreign-key checks (three per vote row: three quarters of a COPY's time
    here) and the vote-count triggers. Only for rows whose references the caller made
    true itself: ids it read back from rows it inserted in this same, uncommitted
    transaction, which no one else can see or delete. Indexes are never dropped on
    PostgreSQL: that would lock the whole table against the site's other voters.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
        try:
            if n_rows >= _sqlite_rows_present(connection, tables):
                with _sqlite_set_aside(connection, tables):
                    yield True
            else:
                yield False
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
        return
    if not (skip_row_triggers and _may_set_replication_role(connection)):
        yield False
        return
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    yield True
    # Not reached on an error: the rollback ends the SET LOCAL with everything else.
    connection.exec_driver_sql("SET LOCAL session_replication_role = origin")


def _sqlite_rows_present(connection: sa.Connection, tables: Sequence[sa.Table]) -> int:
    """About how many rows ``tables`` hold (their largest ids: no table scan)."""
    return sum(
        connection.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar()
        for t in tables
    )


@contextmanager
def _sqlite_set_aside(connection: sa.Connection, tables: Sequence[sa.Table]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` and their vote-count triggers, then create
    them again from their own SQL in ``sqlite_master``.

    Filling an index row by row costs a B-tree descent per row, in the index's order
    rather than the rows' (1.8M votes took 413 s, nearly all of it that); building it
    once after sorts instead (23 s in all). The indexes of UNIQUE constraints belong to
    the table and stay; so do other triggers (the caller writes the counts, nothing else
    they might do).
    DDL is transactional in SQLite and the import holds the write lock: if anything
    fails, the rollback brings the indexes and triggers back with the rows, and no
    other connection ever sees the tables without them.
    """
    names = [t.name for t in tables]
    marks = ", ".join("?" * len(names))
    kept = connection.exec_driver_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
        "AND sql IS NOT NULL AND (type = 'index' OR type = 'trigger' AND name GLOB ?) "
        "ORDER BY type, name",
        (*names, COUNT_TRIGGERS),
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    for kind, name, _sql in kept:
        connection.exec_driver_sql(f"DROP {kind.upper()} {quote(name)}")
    yield
    for _kind, _name, sql in kept:  # indexes first ('index' < 'trigger')
        connection.exec_driver_sql(sql)


def _may_set_replication_role(connection: sa.Connection) -> bool:
    if connection.exec_driver_sql("SHOW is_superuser").scalar() == "on":
        return True
    if int(connection.exec_driver_sql("SHOW server_version_num").scalar()) < 150000:
        return False
    return bool(
        connection.exec_driver_sql(
            "SELECT has_parameter_privilege('session_replication_role', 'SET')"
        ).scalar()
    )


# PostgreSQL's binary COPY format: a fixed header, then per row the number of fields and,
# per field, its length and big-endian value; timestamps are microseconds since 2000.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_PG_EPOCH_US = 946_684_800_000_000


def _binary_width(column_type) -> int | None:
    """Bytes of a NOT NULL fixed-width value in binary COPY; None: use CSV."""
    if isinstance(column_type, UTCDateTime | sa.BigInteger):
        return 8
    if isinstance(column_type, sa.SmallInteger):
        return 2
    if isinstance(column_type, sa.Integer):
        return 4
    return None


def _binary_rows(batch: pa.RecordBatch, widths: list[int]) -> bytes:
    """The rows of ``batch`` in binary COPY format, built as one numpy record array (every
    row has the same size: fixed-width values and no NULL)."""
    fields = [("n", ">i2")]
    for i, width in enumerate(widths):
        fields += [(f"len{i}", ">i4"), (f"v{i}", f">i{width}")]
    rows = np.empty(batch.num_rows, dtype=np.dtype(fields))
    rows["n"] = len(widths)
    for i, (column, width) in enumerate(zip(batch.columns, widths, strict=True)):
        if column.null_count:
            raise ValueError("binary COPY here writes no NULL")
        if pa.types.is_timestamp(column.type):
            values = column.cast(pa.int64()).to_numpy() - _PG_EPOCH_US
        else:
            values = column.to_numpy()
        rows[f"len{i}"] = width
        rows[f"v{i}"] = values
    return rows.tobytes()


def _arrow(values: np.ndarray | pa.Array) -> pa.Array:
    return values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)


def _sqlite_values(column: pa.Array) -> list:
    if pa.types.is_timestamp(column.type):
        # SQLAlchemy's SQLite DATETIME format, "2014-05-13 16:53:20.000000" (numpy's ISO
        # strings with a space for the T: several times faster than strftime).
        iso = np.datetime_as_string(column.cast(pa.int64()).to_numpy().astype("datetime64[us]"))
        return np.strings.replace(iso, "T", " ").tolist()
    return column.to_pylist()
