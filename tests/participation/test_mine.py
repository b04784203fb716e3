import sqlalchemy as sa

from consult.moderation.models import ContributionResponse, Outcome
from consult.participation.models import Comment, ModerationState, Statement, StatementKind
from tests.conftest import post_form


def test_my_participation_lists_votes_writing_and_answers(
    db, client, participant, vote, consultation, clause_ids
):
    vote(clause_ids[0], "agree")
    post_form(client, f"/c/{consultation.slug}/statements", {"text": "Publish safety evaluations."})
    post_form(
        client,
        f"/c/{consultation.slug}/s/{clause_ids[1]}/comments",
        {"stance": "amend", "body": "Tighter wording.", "proposed_text": "Second, tighter clause."},
        page=f"/c/{consultation.slug}/s/{clause_ids[1]}",
    )
    statement = db.session.scalar(
        sa.select(Statement).where(Statement.kind == StatementKind.PARTICIPANT)
    )
    statement.moderation_state = ModerationState.REJECTED
    statement.moderation_reason = "Off topic for this draft."
    comment = db.session.scalar(sa.select(Comment))
    db.session.add(
        ContributionResponse(
            consultation_id=consultation.id,
            comment_id=comment.id,
            outcome=Outcome.ADOPTED_IN_PART,
            reason="We tightened the second clause.",
        )
    )
    db.session.commit()
    html = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "My votes (1)" in html, "the automatic agree on their own statement is not cast"
    assert "Counted as agreed by you, as its author" not in html, "rejected: in no analysis"
    assert "Publish safety evaluations." in html and "Off topic for this draft." in html
    assert "Adopted in part" in html and "We tightened the second clause." in html
    assert "Tighter wording." in html
    row = html[html.index('id="my-vote-') :]
    row = row[: row.index("</tr>")]
    assert "<td>Agree</td>" in row and "Voted on " in row, "the vote and its date in words"


def test_my_participation_needs_someone_to_be_about(client, consultation):
    response = client.get(f"/c/{consultation.slug}/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
