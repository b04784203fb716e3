"""The statement list's count says "open for voting" only while voting is open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.consultations.models import Status
from consult.db_types import utcnow
from consult.participation.models import ModerationState, Statement, StatementKind


def _with_statements(db, consultation, count: int = 3):
    for n in range(1, count + 1):
        db.session.add(
            Statement(
                consultation_id=consultation.id,
                kind=StatementKind.PARTICIPANT,
                text=f"Participant statement {n}.",
                moderation_state=ModerationState.APPROVED,
                number=100 + n,
            )
        )
    db.session.commit()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.CLOSED},
        {"status": Status.CLOSED, "imported_from": "Polis export x"},
        {"closes_at": utcnow() - timedelta(days=1)},
        {"opens_at": utcnow() + timedelta(days=1)},
    ],
    ids=["closed", "imported", "past-closing-time", "not-open-yet"],
)
def test_count_does_not_say_open_when_voting_is_not(app, db, make_consultation, fields):
    consultation = make_consultation("shut", **fields)
    _with_statements(db, consultation)
    client = app.test_client()
    for headers in ({}, {"HX-Request": "true"}):  # the page, and the in-place search
        html = client.get(f"/c/{consultation.slug}/statements", headers=headers).get_data(
            as_text=True
        )
        assert "3 statements" in html
        assert "open for voting" not in html


def test_count_says_open_while_voting_is_open(app, db, make_consultation):
    consultation = make_consultation("open")
    _with_statements(db, consultation)
    html = app.test_client().get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    assert "3 statements open for voting" in html
