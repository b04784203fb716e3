"""'My participation' counts the votes a person cast, not the agree recorded for them
when they wrote a statement (the voting flow does not count it either)."""

import sqlalchemy as sa

from consult.participation.models import ModerationState, Statement, StatementKind
from tests.conftest import post_form


def _own_statement(db, client, consultation):
    post_form(client, f"/c/{consultation.slug}/statements", {"text": "Publish safety evaluations."})
    statement = db.session.scalar(
        sa.select(Statement).where(Statement.kind == StatementKind.PARTICIPANT)
    )
    statement.moderation_state = ModerationState.APPROVED
    db.session.commit()
    return statement


def test_the_authors_automatic_agree_is_not_a_vote_cast(db, client, participant, consultation):
    statement = _own_statement(db, client, consultation)
    html = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "My votes (0)" in html and "You have not voted yet." in html
    assert f'id="my-vote-{statement.id}"' not in html
    assert "Counted as agreed by you, as its author" in html


def test_a_changed_vote_on_ones_own_statement_is_a_vote_cast(
    db, client, participant, vote, consultation, clause_ids
):
    statement = _own_statement(db, client, consultation)
    assert vote(statement.id, "disagree").status_code in (200, 204, 302, 303)
    vote(clause_ids[0], "pass")
    html = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "My votes (2)" in html and f'id="my-vote-{statement.id}"' in html
    assert "Counted as agreed by you, as its author" not in html


def test_a_rejected_statement_counts_as_no_one_s_agreement(db, client, participant, consultation):
    """A statement moderators did not publish is in no analysis: its page does not say
    it counts as its author's agreement."""
    statement = _own_statement(db, client, consultation)
    statement.moderation_state = ModerationState.REJECTED
    db.session.commit()
    html = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "Not published" in html
    assert "Counted as agreed by you, as its author" not in html
