"""The per-statement vote counts (migration 0014's triggers) equal a recount of the vote
rows after every kind of write: votes, changed votes, withdrawals, rows inserted
directly, concurrent votes, the demo seed, deletions of statements, participants and
consultations, and random sequences of votes and withdrawals."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.consultations.models import Consultation, Participant
from consult.drafts.models import Clause
from consult.participation.models import Statement, Vote
from consult.participation.participants import Actor
from consult.participation.vote_counts import StatementVoteCount
from consult.participation.votes import record_vote, tallies


def recount(db) -> dict[int, tuple[int, int, int]]:
    """(agree, disagree, pass) per statement from the vote rows themselves."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(Vote.statement_id, Vote.value, sa.func.count()).group_by(
                Vote.statement_id, Vote.value
            )
        ).all()
    counts: dict[int, list[int]] = {}
    for statement_id, value, count in rows:
        counts.setdefault(statement_id, [0, 0, 0])[{1: 0, -1: 1, 0: 2}[value]] = count
    return {sid: tuple(c) for sid, c in counts.items()}


def kept(db) -> dict[int, tuple[int, int, int]]:
    """The counts the triggers keep, leaving out statements whose votes all went."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                StatementVoteCount.statement_id,
                StatementVoteCount.agree,
                StatementVoteCount.disagree,
                StatementVoteCount.passed,
            )
        ).all()
    assert all(min(r[1:]) >= 0 for r in rows), "no count ever goes below zero"
    return {r[0]: tuple(r[1:]) for r in rows if any(r[1:])}


def assert_counts_right(db) -> None:
    assert kept(db) == recount(db)


@pytest.fixture
def open_consultation(make_consultation, db):
    consultation = make_consultation("counted", allow_anonymous=True)
    db.session.commit()
    return consultation


@pytest.fixture
def clauses(db, open_consultation):
    from consult.drafts.models import DraftVersion

    return db.session.scalars(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == open_consultation.id)
        .order_by(Clause.position)
    ).all()


def test_votes_changes_and_withdrawals_through_the_service(db, open_consultation, clauses):
    first, second = clauses
    alice, bob, carol = (Actor(anonymous_key=k) for k in ("alice", "bob", "carol"))
    record_vote(open_consultation, first, alice, 1)
    record_vote(open_consultation, first, bob, -1)
    tally = record_vote(open_consultation, first, carol, 0)
    assert (tally.agree, tally.disagree, tally.passed) == (1, 1, 1)
    assert_counts_right(db)
    tally = record_vote(open_consultation, first, bob, 1)  # changed
    assert (tally.agree, tally.disagree, tally.passed) == (2, 0, 1)
    record_vote(open_consultation, first, bob, 1)  # the same again: nothing changes
    tally = record_vote(open_consultation, first, alice, None)  # withdrawn
    assert (tally.agree, tally.disagree, tally.passed) == (1, 0, 1)
    record_vote(open_consultation, first, alice, None)  # withdrawn twice: nothing changes
    record_vote(open_consultation, second, alice, -1)
    assert_counts_right(db)
    assert tallies([first, second]) == {
        first: tally,
        second: type(tally)(agree=0, disagree=1, passed=0),
    }


def test_the_vote_endpoint_keeps_the_counts(client, login, make_user, vote_as, clauses, db):
    login(make_user("voter@example.org"))
    for choice in ("agree", "disagree", "pass", "withdraw", "agree"):
        assert vote_as(clauses[0], choice).status_code == 302
        assert_counts_right(db)
    assert kept(db) == {clauses[0]: (1, 0, 0)}


@pytest.fixture
def vote_as(client, open_consultation):
    from tests.conftest import csrf_from

    def cast(statement_id: int, choice: str):
        token = csrf_from(client.get(f"/c/{open_consultation.slug}").get_data(as_text=True))
        return client.post(
            f"/c/{open_consultation.slug}/statements/{statement_id}/vote",
            data={"csrf_token": token, "choice": choice},
        )

    return cast


def _participants(db, consultation, n):
    rows = [{"consultation_id": consultation.id, "anonymous_key": f"p{i}"} for i in range(n)]
    db.session.execute(sa.insert(Participant), rows)
    return db.session.scalars(
        sa.select(Participant.id)
        .where(Participant.consultation_id == consultation.id)
        .order_by(Participant.id)
    ).all()


def test_rows_written_directly_updated_in_bulk_and_deleted(db, open_consultation, clauses):
    people = _participants(db, open_consultation, 30)
    rows = [
        {
            "consultation_id": open_consultation.id,
            "participant_id": p,
            "statement_id": clauses[i % 2],
            "value": (i % 3) - 1,
        }
        for i, p in enumerate(people)
    ]
    db.session.execute(sa.insert(Vote), rows)  # one multi-row statement
    db.session.add(
        Vote(
            consultation_id=open_consultation.id,
            participant_id=people[0],
            statement_id=clauses[1],
            value=1,
        )
    )
    db.session.commit()
    assert_counts_right(db)
    db.session.execute(sa.update(Vote).where(Vote.value == -1).values(value=0))
    db.session.execute(sa.update(Vote).values(updated_at=sa.func.now()))  # no value change
    db.session.commit()
    assert_counts_right(db)
    db.session.execute(sa.delete(Vote).where(Vote.participant_id.in_(people[:7])))
    db.session.commit()
    assert_counts_right(db)
    # A rolled-back write leaves the counts as they were.
    before = kept(db)
    db.session.execute(sa.delete(Vote))
    db.session.rollback()
    assert kept(db) == before == recount(db)


def test_deleting_statements_participants_and_consultations(db, open_consultation, clauses):
    for index in range(6):
        actor = Actor(anonymous_key=f"k{index}")
        for statement_id in clauses:
            record_vote(open_consultation, statement_id, actor, (index % 3) - 1)
    assert sum(sum(c) for c in kept(db).values()) == 12
    participant = db.session.scalar(sa.select(Participant).where(Participant.anonymous_key == "k1"))
    db.session.delete(participant)  # its votes go by ON DELETE CASCADE
    db.session.commit()
    assert_counts_right(db)
    db.session.execute(sa.delete(Statement).where(Statement.id == clauses[0]))
    db.session.commit()
    assert_counts_right(db)
    assert db.session.get(StatementVoteCount, clauses[0]) is None, "its count row goes too"
    db.session.execute(sa.delete(Consultation).where(Consultation.id == open_consultation.id))
    db.session.commit()
    assert recount(db) == {} and kept(db) == {}


def test_concurrent_votes_on_one_statement_lose_no_count(app, db, open_consultation, clauses):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers are serial; the PostgreSQL run checks the counter's lock")
    threads_n, rounds = 10, 5
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def voter(index: int):
        try:
            with app.app_context():
                consultation = db.session.get(Consultation, open_consultation.id)
                db.session.commit()
                start.wait(timeout=60)
                for round_ in range(rounds):
                    value = [1, -1, 0, None][(index + round_) % 4]
                    record_vote(consultation, clauses[0], Actor(anonymous_key=f"t{index}"), value)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    last = [[1, -1, 0, None][(i + rounds - 1) % 4] for i in range(threads_n)]
    expected = (last.count(1), last.count(-1), last.count(0))
    assert recount(db)[clauses[0]] == expected
    assert_counts_right(db)


def test_the_demo_seed_keeps_the_counts(runner, db):
    result = runner.invoke(
        args=["seed-demo", "--stakeholders", "60"], env={"CONSULT_DEMO_PASSWORD": "demo pw 123"}
    )
    assert result.exit_code == 0, result.output
    counts = recount(db)
    assert sum(sum(c) for c in counts.values()) > 60
    assert kept(db) == counts


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),  # who
            st.integers(0, 1),  # which clause
            st.sampled_from([1, -1, 0, None]),  # a vote, or a withdrawal
        ),
        max_size=40,
    )
)
def test_random_votes_and_withdrawals_match_a_recount(db, open_consultation, clauses, steps):
    start = {sid: tallies([sid])[sid] for sid in clauses}
    expected = {}
    for who, which, value in steps:
        actor = Actor(anonymous_key=f"h{who}")
        tally = record_vote(open_consultation, clauses[which], actor, value)
        expected[(who, which)] = value
        mine = [v for (w, c), v in expected.items() if c == which]
        base = start[clauses[which]]
        assert (tally.agree - base.agree, tally.disagree - base.disagree) == (
            mine.count(1),
            mine.count(-1),
        )
    assert_counts_right(db)
    # Leave the statement as found for the next example (the database is shared by them).
    for who, which in expected:
        record_vote(open_consultation, clauses[which], Actor(anonymous_key=f"h{who}"), None)
    assert {sid: tallies([sid])[sid] for sid in clauses} == start
