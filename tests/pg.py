"""Creating and dropping PostgreSQL test databases."""

from __future__ import annotations

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url


def _admin_conninfo(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``server_url``; return its SQLAlchemy URL."""
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return (
        make_url(server_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def drop_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def empty_tables(url: str) -> None:
    """Remove every row (but not the schema or alembic's version) and restart ids.

    DELETE rather than TRUNCATE: TRUNCATE makes new files for every table and index, about
    a second per test here, where deleting the few rows a test wrote takes milliseconds.
    The session's replication role skips foreign-key checks and triggers (every table is
    emptied, the vote counts too), so the order of the tables does not matter.
    """
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        tables = conn.scalars(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).all()
        # Names from the catalogue, not from input.
        conn.exec_driver_sql("".join(f'DELETE FROM "{table}";' for table in tables))  # noqa: S608
        conn.exec_driver_sql(
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"
        )


_engines: dict[str, sa.Engine] = {}
