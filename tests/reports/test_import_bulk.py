"""``flask import-polis`` writing columns (COPY on PostgreSQL, executemany on SQLite):
the rows are exactly what the export says, with and without the per-row checks, the vote
counts match a recount, and a failure at any point writes nothing."""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation, Participant
from consult.participation.models import Statement, Vote, VoteEvent
from consult.participation.vote_counts import StatementVoteCount
from tests.participation.test_tally_counts import kept, recount

ORGANISER = "bulk@example.org"
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks" / "cli.py"


def _write_export(folder: Path, n_participants=120, n_statements=25, n_votes=1500, seed=3):
    """A synthetic Polis export (the benchmark's generator: votes.csv with changed votes)."""
    spec = importlib.util.spec_from_file_location("benchmark_cli", BENCHMARKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_export(folder, n_participants, n_statements, n_votes, True, seed=seed)
    return folder


def _expected(folder: Path):
    """(every vote event, the latest vote per cell) read straight from votes.csv."""
    with (folder / "votes.csv").open(newline="") as handle:
        rows = [
            (float(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"]))
            for r in csv.DictReader(handle)
        ]
    rows.sort(key=lambda r: r[0])  # stable: as the importer orders them
    events = [(p, c, v, _moment(t)) for t, p, c, v in rows]
    latest = {}
    for p, c, v, moment in events:
        latest[(p, c)] = (v, moment)
    return events, {(p, c, v, m) for (p, c), (v, m) in latest.items()}


def _moment(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _stored(db, slug: str):
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    polis = sa.cast(
        sa.func.substr(Participant.anonymous_key, len(f"polis:{slug}:") + 1), sa.Integer
    )

    def read(model, *extra):
        query = (
            sa.select(polis, Statement.number, model.value, model.created_at, *extra)
            .join(Participant, Participant.id == model.participant_id)
            .join(Statement, Statement.id == model.statement_id)
            .where(model.consultation_id == consultation.id)
            .order_by(model.id)
        )
        return [tuple(r) for r in db.session.execute(query)]

    events = read(VoteEvent)
    votes = read(Vote, Vote.updated_at)
    assert all(row[3] == row[4] for row in votes), "an imported vote was last changed then"
    return events, {row[:4] for row in votes}


@pytest.fixture
def organiser(make_user):
    return make_user(ORGANISER)


@pytest.mark.parametrize("skip_row_triggers", [True, False], ids=["fast", "checked"])
def test_the_rows_are_the_exports(db, tmp_path, organiser, skip_row_triggers):
    from consult.reports.polis_import import import_polis_export

    folder = _write_export(tmp_path / "synthetic")
    outcome = import_polis_export(folder, "bulk", ORGANISER, skip_row_triggers=skip_row_triggers)
    events, latest = _expected(folder)
    assert (outcome.n_votes, outcome.source) == (len(latest), "votes.csv")
    stored_events, stored_votes = _stored(db, "bulk")
    assert stored_events == events, "every change, in time order, with its moment"
    assert stored_votes == latest
    assert len(events) > len(latest), "the export has changed votes"
    assert kept(db) == recount(db) and len(kept(db)) == outcome.n_statements
    # The session is usable after the import (the replication role is back to normal).
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"


def test_a_matrix_only_export_is_imported_whole(db, tmp_path, organiser):
    """Without votes.csv the votes come from participants-votes.csv, all at one moment."""
    from consult.reports.polis_import import import_polis_export

    folder = _write_export(tmp_path / "matrix")
    _, latest = _expected(folder)
    (folder / "votes.csv").write_bytes(b"")
    outcome = import_polis_export(folder, "matrix", ORGANISER)
    assert outcome.source == "participants-votes.csv"
    events, votes = _stored(db, "matrix")
    assert {row[:3] for row in votes} == {row[:3] for row in latest}
    assert len(events) == len(votes) == outcome.n_votes
    assert len({row[3] for row in events}) == 1, "one moment: the import's"
    assert kept(db) == recount(db)


def _nothing_written(db, row_count) -> None:
    assert db.session.scalar(sa.select(Consultation.id)) is None
    for model in (Participant, Statement, Vote, VoteEvent, StatementVoteCount):
        assert row_count(model) == 0, model.__name__


def test_a_bad_row_late_in_the_file_writes_nothing(runner, db, tmp_path, organiser, row_count):
    folder = _write_export(tmp_path / "late")
    with (folder / "votes.csv").open("a") as handle:
        handle.write("1400000009999999,x,3,5,2\n")  # the very last row: a vote of 2
    result = runner.invoke(args=["import-polis", str(folder), "--organiser", ORGANISER])
    assert result.exit_code == 2 and result.output.startswith("error: ")
    assert "votes.csv" in result.output
    _nothing_written(db, row_count)


@pytest.mark.parametrize("skip_row_triggers", [True, False], ids=["fast", "checked"])
def test_a_database_failure_at_the_last_vote_writes_nothing(
    db, tmp_path, organiser, row_count, skip_row_triggers
):
    """A trigger the test adds refuses the last participant's votes, the last rows the
    import writes: everything before them (consultation, statements, event log, the
    other votes, the counts) is rolled back with them."""
    from consult.reports.polis_import import import_polis_export

    folder = _write_export(tmp_path / "refused")
    last = max(p for _, p, _, _ in _expected(folder)[0])
    who = f"(SELECT id FROM participant WHERE anonymous_key = 'polis:refused:{last}')"  # noqa: S608
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
            # Fires under session_replication_role = replica too.
            conn.exec_driver_sql("ALTER TABLE vote ENABLE ALWAYS TRIGGER refuse_vote")
        else:
            conn.exec_driver_sql(
                f"CREATE TRIGGER refuse_vote BEFORE INSERT ON vote WHEN NEW.participant_id = "
                f"{who} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    try:
        with pytest.raises((sa.exc.DBAPIError, sqlite3.Error, psycopg.Error), match="refused"):
            import_polis_export(folder, "refused", ORGANISER, skip_row_triggers=skip_row_triggers)
        _nothing_written(db, row_count)
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "DROP TRIGGER refuse_vote"
                + (" ON vote" if conn.dialect.name == "postgresql" else "")
            )
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("DROP FUNCTION refuse_vote()")
