"""A vote records the language the statement was read in; it stays one vote per statement
whatever the language, and a bad ``read_in`` is ignored, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.participation.models import ModerationState, Statement, StatementKind, Vote, VoteEvent
from tests.conftest import csrf_from, post_form
from tests.participation.conftest import HX


def _languages(db) -> tuple[list[tuple], list[tuple]]:
    """(statement, value, language) of every vote row, and of every vote event."""
    with db.engine.connect() as conn:
        votes = conn.execute(
            sa.select(Vote.statement_id, Vote.value, Vote.language).order_by(Vote.id)
        ).all()
        events = conn.execute(
            sa.select(VoteEvent.statement_id, VoteEvent.value, VoteEvent.language).order_by(
                VoteEvent.id
            )
        ).all()
    return [tuple(r) for r in votes], [tuple(r) for r in events]


def test_a_clause_vote_records_the_language_its_text_was_shown_in(
    db, participant, vote, clause_ids
):
    first, second = clause_ids  # clause 1 in English and Chinese, clause 2 in English only
    zh = {"Accept-Language": "zh"}
    assert vote(first, "agree", headers={**HX, **zh}).status_code == 200
    # Clause 2 has no Chinese: the Chinese reader was shown, and voted on, the English.
    assert vote(second, "disagree", headers={**HX, **zh}).status_code == 200
    votes, events = _languages(db)
    assert votes == [(first, 1, "zh"), (second, -1, "en")]
    assert events == votes


def test_read_in_says_which_translation_was_read_and_the_vote_stays_one_per_statement(
    db, participant, vote, clause_ids
):
    first = clause_ids[0]
    assert vote(first, "agree", headers=HX, read_in="zh").status_code == 200
    # Read again in English and changed: still one vote, now read in English.
    assert vote(first, "disagree", headers=HX, read_in="en").status_code == 200
    # The same vote read in another language changes nothing.
    assert vote(first, "disagree", headers=HX, read_in="zh").status_code == 200
    votes, events = _languages(db)
    assert votes == [(first, -1, "en")]
    assert events == [(first, 1, "zh"), (first, -1, "en")]


@pytest.mark.parametrize("bad", ["xx", "fr", "", "<script>alert(1)</script>", "e" * 300])
def test_a_read_in_outside_the_consultations_languages_is_ignored(
    db, participant, vote, clause_ids, bad
):
    response = vote(clause_ids[0], "agree", headers={**HX, "Accept-Language": "en"}, read_in=bad)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert _languages(db)[0] == [(clause_ids[0], 1, "en")], "the shown language, not the claim"


def test_a_read_in_with_a_control_character_is_refused_with_a_4xx_and_records_nothing(
    db, participant, vote, clause_ids
):
    response = vote(clause_ids[0], "agree", headers=HX, read_in="zh\x00")
    assert response.status_code == 400
    assert _languages(db) == ([], [])


def test_a_participant_statement_vote_records_its_own_language(
    db, client, participant, consultation
):
    statement = Statement(
        consultation_id=consultation.id,
        kind=StatementKind.PARTICIPANT,
        text="各国应共享人工智能风险事件的信息。",
        language="zh",
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(statement)
    db.session.commit()
    url = f"/c/{consultation.slug}/statements/{statement.id}/vote"
    page = f"/c/{consultation.slug}/s/{statement.id}"
    response = post_form(client, url, {"choice": "pass"}, page=page)  # without JavaScript
    assert response.status_code == 302
    assert _languages(db)[0] == [(statement.id, 0, "zh")]


def test_the_voting_flow_records_the_language_and_keeps_read_in_in_the_box(
    db, client, participant, consultation, clause_ids
):
    flow = f"/c/{consultation.slug}/vote"
    token = csrf_from(client.get(flow).get_data(as_text=True))
    form = {"csrf_token": token, "statement_id": clause_ids[0], "choice": "agree"}
    response = client.post(flow, data={**form, "read_in": "zh"}, headers=HX)
    assert response.status_code == 200
    assert _languages(db)[0] == [(clause_ids[0], 1, "zh")]
    # The vote box sent back after a vote keeps saying which language the text was read in.
    box = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[1]}/vote",
        data={"csrf_token": token, "choice": "agree", "read_in": "en"},
        headers=HX,
    ).get_data(as_text=True)
    assert '<input type="hidden" name="read_in" value="en">' in box
    bad = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[1]}/vote",
        data={"csrf_token": token, "choice": "pass", "read_in": '"><b>x'},
        headers=HX,
    ).get_data(as_text=True)
    assert 'name="read_in"' not in bad and "<b>x" not in bad
