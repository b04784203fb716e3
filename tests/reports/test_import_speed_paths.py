"""The fast path of ``flask import-polis`` on SQLite: the vote tables' secondary indexes
and vote-count triggers are dropped for the load and built again after it, in the import's
transaction. After an import the schema is as before and the counts match a recount (and
the triggers keep counting); after a failed one the schema and every row are as before.
On PostgreSQL nothing is dropped, and the same tests check the schema never changes."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation, Participant
from consult.participation.models import Statement, Vote, VoteEvent
from consult.reports import polis_import_rows
from tests.participation.test_tally_counts import kept, recount
from tests.reports.test_import_bulk import ORGANISER, _expected, _write_export

VOTE_TABLES = ("vote", "vote_event", "statement_vote_count")


@pytest.fixture
def organiser(make_user):
    return make_user(ORGANISER)


@pytest.fixture
def set_aside(monkeypatch):
    """The tables whose indexes each import set aside (one list per time it did)."""
    calls = []
    real = polis_import_rows._sqlite_set_aside

    def spy(connection, tables):
        calls.append(sorted(t.name for t in tables))
        return real(connection, tables)

    monkeypatch.setattr(polis_import_rows, "_sqlite_set_aside", spy)
    return calls


def _schema(db) -> list[tuple]:
    """Every index and trigger on the vote tables, with its definition."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return [
                tuple(r)
                for r in conn.exec_driver_sql(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE type IN ('index', 'trigger') ORDER BY type, name"
                )
            ]
        indexes = conn.exec_driver_sql(
            "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%(t)s) ORDER BY indexname",
            {"t": list(VOTE_TABLES)},
        ).all()
        triggers = conn.exec_driver_sql(
            "SELECT 'trigger', tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) "
            "FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
        ).all()
        return [tuple(r) for r in indexes + triggers]


def _rows(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            model.__tablename__: sorted(tuple(r) for r in conn.execute(sa.select(model)))
            for model in (Consultation, Participant, Statement, Vote, VoteEvent)
        } | {"statement_vote_count": sorted(kept(db).items())}


def _import(folder, slug):
    from consult.reports.polis_import import import_polis_export

    return import_polis_export(folder, slug, ORGANISER)


def _is_sqlite(db) -> bool:
    return db.engine.dialect.name == "sqlite"


def test_an_import_into_a_small_table_builds_the_indexes_after(db, tmp_path, organiser, set_aside):
    """The first import, and a second larger than what is stored, set the indexes aside;
    the schema is the same after, the stored votes are the export's, the counts of both
    consultations match a recount, and the triggers count the next changes."""
    _import(_write_export(tmp_path / "first", n_votes=800), "first")
    before = _schema(db)
    folder = _write_export(tmp_path / "second", n_participants=150, n_votes=2500, seed=5)
    outcome = _import(folder, "second")
    assert set_aside == ([["vote", "vote_event"]] * 2 if _is_sqlite(db) else [])
    assert _schema(db) == before
    assert outcome.n_votes == len(_expected(folder)[1])
    assert kept(db) == recount(db) and len(kept(db)) == 2 * 25
    with db.engine.begin() as conn:  # the count triggers are back, and fire
        conn.execute(sa.update(Vote).where(Vote.id % 3 == 0).values(value=-Vote.value))
        conn.execute(sa.delete(Vote).where(Vote.id % 7 == 0))
    assert kept(db) == recount(db)
    if _is_sqlite(db):  # the analysis still reads a consultation's votes by the index
        with db.engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT * FROM vote WHERE consultation_id = 2"
            ).all()
        assert "ix_vote_consultation_id" in str(plan)


def test_a_small_import_into_a_large_table_keeps_the_indexes(db, tmp_path, organiser, set_aside):
    """Rebuilding indexes over a table far larger than the import would cost more than
    it saves: the rows go in with the indexes and triggers in place."""
    _import(_write_export(tmp_path / "large", n_votes=3000), "large")
    set_aside.clear()
    before = _schema(db)
    _import(_write_export(tmp_path / "small", n_participants=20, n_votes=200, seed=9), "small")
    assert set_aside == []
    assert _schema(db) == before
    assert kept(db) == recount(db) and len(kept(db)) == 2 * 25


def test_a_failed_import_leaves_the_schema_and_the_rows_as_before(
    db, tmp_path, organiser, set_aside
):
    """A trigger the test adds refuses the last vote row the import writes, after the
    indexes were dropped: the rollback brings back the indexes, the count triggers and
    every row of the consultation imported before."""
    _import(_write_export(tmp_path / "before", n_votes=600), "before")
    folder = _write_export(tmp_path / "refused", n_votes=1500, seed=4)
    last = max(p for _, p, _, _ in _expected(folder)[0])
    who = f"(SELECT id FROM participant WHERE anonymous_key = 'polis:refused:{last}')"  # noqa: S608
    schema, rows = _schema(db), _rows(db)
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_vote() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.participant_id = {who} THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_vote BEFORE INSERT ON vote "
                "FOR EACH ROW EXECUTE FUNCTION refuse_vote()"
            )
            conn.exec_driver_sql("ALTER TABLE vote ENABLE ALWAYS TRIGGER refuse_vote")
        else:
            conn.exec_driver_sql(
                f"CREATE TRIGGER refuse_vote BEFORE INSERT ON vote WHEN NEW.participant_id = "
                f"{who} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    try:
        with pytest.raises((sa.exc.DBAPIError, sqlite3.Error, psycopg.Error), match="refused"):
            _import(folder, "refused")
    finally:
        with db.engine.begin() as conn:
            postgresql = conn.dialect.name == "postgresql"
            conn.exec_driver_sql("DROP TRIGGER refuse_vote" + (" ON vote" if postgresql else ""))
            if postgresql:
                conn.exec_driver_sql("DROP FUNCTION refuse_vote()")
    assert set_aside[1:] == ([["vote", "vote_event"]] if _is_sqlite(db) else [])
    assert _schema(db) == schema
    assert _rows(db) == rows
    assert kept(db) == recount(db)


def test_other_consultations_vote_while_a_postgresql_import_writes(
    db, tmp_path, organiser, monkeypatch
):
    """Nothing the import holds until it commits (after COPY, before the commit) stops a
    vote elsewhere: no index is dropped and no table-wide lock is taken on PostgreSQL."""
    if _is_sqlite(db):
        pytest.skip("SQLite has one writer at a time: the import holds the write lock")
    from consult.reports import polis_import

    _import(_write_export(tmp_path / "live", n_votes=600), "live")
    real, seen = polis_import._insert_votes, {}

    def insert_then_vote_elsewhere(*args, **kwargs):
        real(*args, **kwargs)
        pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with db.engine.begin() as other:
            other.exec_driver_sql("SET LOCAL lock_timeout = '3s'")
            seen["locks"] = set(
                other.exec_driver_sql(
                    "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c "
                    "ON c.oid = l.relation WHERE l.pid = %(pid)s AND c.relname = ANY(%(t)s)",
                    {"pid": pid, "t": list(VOTE_TABLES)},
                ).all()
            )
            vote = other.execute(sa.select(Vote).order_by(Vote.id).limit(1)).one()
            other.execute(
                sa.update(Vote).where(Vote.id == vote.id).values(value=1 - abs(vote.value))
            )
            other.execute(
                sa.insert(VoteEvent).values(
                    consultation_id=vote.consultation_id,
                    participant_id=vote.participant_id,
                    statement_id=vote.statement_id,
                    value=1 - abs(vote.value),
                )
            )

    monkeypatch.setattr(polis_import, "_insert_votes", insert_then_vote_elsewhere)
    _import(_write_export(tmp_path / "meanwhile", n_votes=1500, seed=6), "meanwhile")
    assert {mode for _, mode in seen["locks"]} == {"RowExclusiveLock"}
    assert {name for name, _ in seen["locks"]} >= {"vote", "vote_event"}
    assert kept(db) == recount(db)
