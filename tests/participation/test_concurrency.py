"""Many people voting on one statement at the same moment lose no vote and see no error."""

import threading

import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.participation.models import Vote, VoteEvent
from consult.participation.participants import Actor
from consult.participation.votes import record_vote

THREADS = 12  # within the connection pool (5 + 10 overflow)
VOTES_EACH = 6


def test_concurrent_votes_on_one_statement(app, db, make_consultation, clause_ids):
    consultation = make_consultation("busy", allow_anonymous=True)
    from consult.drafts.models import Clause, DraftVersion

    target = db.session.scalar(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id, Clause.position == 1)
    )
    db.session.commit()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def voter(index: int):
        actor = Actor(anonymous_key=f"voter-{index}")
        try:
            with app.app_context():
                c = db.session.scalar(sa.select(Consultation).where(Consultation.slug == "busy"))
                db.session.commit()  # hand the connection back before waiting for the others
                start.wait(timeout=60)
                for round_ in range(VOTES_EACH):
                    # Each voter changes their mind every round; the last value is known.
                    record_vote(c, target, actor, 1 if (index + round_) % 2 else -1)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with db.engine.connect() as conn:
        rows = (
            conn.execute(sa.select(Vote.value).where(Vote.statement_id == target)).scalars().all()
        )
        events = conn.scalar(
            sa.select(sa.func.count())
            .select_from(VoteEvent)
            .where(VoteEvent.statement_id == target)
        )
    assert len(rows) == THREADS, "one vote per voter"
    expected = [1 if (i + VOTES_EACH - 1) % 2 else -1 for i in range(THREADS)]
    assert sorted(rows) == sorted(expected), "each voter's last vote is the one kept"
    assert events == THREADS * VOTES_EACH, "every acknowledged change is in the log"
