import sqlalchemy as sa

from consult.participation.flow import next_statement
from consult.participation.models import ModerationState, Statement, StatementKind, Vote
from consult.reports.models import AnalysisSnapshot, SnapshotStatus
from tests.participation.conftest import HX


def add_statements(db, consultation, *texts):
    statements = [
        Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text=text,
            moderation_state=ModerationState.APPROVED,
        )
        for text in texts
    ]
    db.session.add_all(statements)
    db.session.commit()
    return [s.id for s in statements]


def flow_post(client, csrf, consultation, path="", headers=None, **data):
    return client.post(
        f"/c/{consultation.slug}/vote{path}",
        data={"csrf_token": csrf(f"/c/{consultation.slug}/vote"), **data},
        headers=headers or {},
    )


def test_flow_shows_one_statement_at_a_time_with_progress(
    db, client, csrf, participant, consultation, clause_ids
):
    extra = add_statements(db, consultation, "Statement A")
    html = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "0 of 3 voted" in html
    seen = []
    for _ in range(3):
        response = flow_post(
            client,
            csrf,
            consultation,
            headers=HX,
            statement_id=str(_current(client, consultation)),
            choice="agree",
        )
        assert response.status_code == 200
        seen.append(response.get_data(as_text=True))
    assert "3 of 3 voted" in seen[-1] and "You have voted on everything" in seen[-1]
    voted = set(db.session.scalars(sa.select(Vote.statement_id)))
    assert voted == set(clause_ids) | set(extra)


def _current(client, consultation):
    import re

    html = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    return int(re.search(r'name="statement_id" value="(\d+)"', html).group(1))


def test_least_voted_first_without_analysis(db, participant, consultation, clause_ids, make_user):
    from consult.consultations.models import Participant

    others = [Participant(consultation_id=consultation.id, anonymous_key=f"k{i}") for i in range(2)]
    db.session.add_all(others)
    db.session.flush()
    for other in others:
        db.session.add(
            Vote(
                consultation_id=consultation.id,
                participant_id=other.id,
                statement_id=clause_ids[0],
                value=1,
            )
        )
    db.session.commit()
    upcoming = next_statement(consultation, None, set())
    assert upcoming.statement.id == clause_ids[1]
    assert next_statement(consultation, None, {clause_ids[1]}).statement.id == clause_ids[0], (
        "skipped go last"
    )


def test_routing_priorities_of_latest_analysis_are_used(db, consultation, clause_ids):
    import random

    import numpy as np

    from consult.analysis import VoteMatrix, analyse, codec

    # A stored run in the codec's format (over these statements), with extreme weights.
    rng = np.random.default_rng(0)
    people = np.repeat(np.arange(20), len(clause_ids))
    votes = VoteMatrix.from_triples(
        people, np.tile(clause_ids, 20), rng.choice([-1, 0, 1], size=len(people))
    )
    result = codec.encode(analyse(votes, n_bootstrap=0))
    result["routing"] = {str(s): 1.0 for s in clause_ids}
    result["routing"].update({str(clause_ids[0]): 1e-6, str(clause_ids[1]): 1000.0})
    db.session.add(
        AnalysisSnapshot(consultation_id=consultation.id, status=SnapshotStatus.OK, result=result)
    )
    db.session.commit()
    picks = {
        next_statement(consultation, None, set(), random.Random(seed)).statement.id
        for seed in range(20)
    }
    assert picks == {clause_ids[1]}


def test_skip_moves_on_and_keeps_nothing(
    db, client, csrf, participant, consultation, clause_ids, row_count
):
    first = _current(client, consultation)
    response = flow_post(client, csrf, consultation, "/skip", statement_id=str(first))
    assert response.status_code == 302
    assert _current(client, consultation) != first
    assert row_count(Vote) == 0


def test_flow_bad_vote_is_refused_inline(client, csrf, participant, consultation, row_count):
    response = flow_post(
        client, csrf, consultation, headers=HX, statement_id="999999", choice="agree"
    )
    assert response.status_code == 404
    response = flow_post(
        client,
        csrf,
        consultation,
        headers=HX,
        statement_id=str(_current(client, consultation)),
        choice="nope",
    )
    assert response.status_code == 400 and "Choose agree, disagree or pass." in response.get_data(
        as_text=True
    )
    assert 'id="flow-card"' in response.get_data(as_text=True)
    assert row_count(Vote) == 0
