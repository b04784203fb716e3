from datetime import timedelta

import pytest

from consult.consultations.models import Status
from consult.db_types import utcnow
from consult.participation.models import ModerationState, Statement, StatementKind
from tests.participation.conftest import HX


def test_vote_in_place_with_htmx_returns_the_vote_box(participant, vote, clause_ids, stored_votes):
    response = vote(clause_ids[0], "agree", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="vote-{clause_ids[0]}"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert (
        'value="agree" class="vote-button vote-agree"\n                  aria-pressed="true"'
        in html
    )
    assert "Agree 100% (1)" in html, "tallies show once one has voted"
    assert stored_votes() == ([(clause_ids[0], 1)], 1)


def test_vote_box_counts_everyone_with_the_new_vote(
    db, consultation, clause_ids, participant, vote
):
    from consult.participation.participants import Actor
    from consult.participation.votes import record_vote

    consultation.allow_anonymous = True
    for index, value in enumerate([1, -1, -1]):
        tally = record_vote(consultation, clause_ids[0], Actor(anonymous_key=f"k{index}"), value)
    assert (tally.agree, tally.disagree, tally.passed) == (1, 2, 0), "read with the new vote"
    html = vote(clause_ids[0], "agree", headers=HX).get_data(as_text=True)
    assert "Agree 50% (2)" in html and "Disagree 50% (2)" in html and "4 votes" in html


def test_a_history_restore_request_is_answered_like_a_plain_one(
    participant, vote, clause_ids, stored_votes
):
    # htmx restoring a page from history wants the whole page, never a lone fragment.
    restore = {**HX, "HX-History-Restore-Request": "true"}
    response = vote(clause_ids[0], "agree", headers=restore, next="/c/test-consultation")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/test-consultation#vote-{clause_ids[0]}"
    assert stored_votes() == ([(clause_ids[0], 1)], 1)


def test_vote_without_javascript_redirects_back(
    client, participant, vote, clause_ids, stored_votes
):
    response = vote(clause_ids[1], "disagree", next="/c/test-consultation")
    assert response.status_code == 302
    # Back at the box voted in, with what was recorded said on the page.
    assert response.headers["Location"] == f"/c/test-consultation#vote-{clause_ids[1]}"
    assert stored_votes() == ([(clause_ids[1], -1)], 1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your vote: disagree." in page


def test_change_repeat_and_withdraw(participant, vote, clause_ids, stored_votes):
    vote(clause_ids[0], "agree")
    vote(clause_ids[0], "agree")
    assert stored_votes() == ([(clause_ids[0], 1)], 1), "a repeated identical vote changes nothing"
    vote(clause_ids[0], "pass")
    assert stored_votes() == ([(clause_ids[0], 0)], 2)
    response = vote(clause_ids[0], "withdraw", headers=HX)
    assert "Vote to see how others voted." in response.get_data(as_text=True)
    assert stored_votes() == ([], 3), "withdrawing is logged as an event with no value"


def test_tallies_hidden_until_one_votes(client, participant, consultation):
    html = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "Vote to see how others voted." in html
    assert "Agree 0%" not in html


@pytest.mark.parametrize("choice", ["", "yes", "1", "AGREE", "agree;drop table vote"])
def test_bad_vote_value_is_refused_inline(participant, vote, clause_ids, stored_votes, choice):
    response = vote(clause_ids[0], choice, headers=HX)
    assert response.status_code == 400
    assert "Choose agree, disagree or pass." in response.get_data(as_text=True)
    assert stored_votes() == ([], 0)


def test_bad_vote_value_plain_post_is_an_error_page(participant, vote, clause_ids):
    response = vote(clause_ids[0], "maybe")
    assert response.status_code == 400
    assert "Choose agree, disagree or pass." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "state", [ModerationState.PENDING, ModerationState.REJECTED, ModerationState.META]
)
def test_vote_on_statement_not_open_for_voting(
    db, participant, vote, consultation, stored_votes, state
):
    statement = Statement(
        consultation_id=consultation.id,
        kind=StatementKind.PARTICIPANT,
        text="x",
        moderation_state=state,
    )
    db.session.add(statement)
    db.session.commit()
    response = vote(statement.id, "agree", headers=HX)
    assert response.status_code == 409
    assert "not open for voting" in response.get_data(as_text=True)
    assert stored_votes() == ([], 0)


def test_vote_on_statement_of_another_consultation_is_404(
    db, participant, vote, make_consultation, stored_votes, consultation
):
    other = make_consultation("other")
    other_statement = db.session.scalars(
        Statement.__table__.select().where(Statement.consultation_id == other.id)
    ).first()
    response = vote(other_statement, "agree", headers=HX)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#htmx-messages"
    assert stored_votes() == ([], 0)


def test_vote_on_closed_consultation(
    db, participant, vote, consultation, clause_ids, stored_votes, reload
):
    vote(clause_ids[0], "agree")
    consultation.status = Status.CLOSED
    db.session.commit()
    response = vote(clause_ids[0], "disagree", headers=HX)
    assert response.status_code == 403
    assert "not open" in response.get_data(as_text=True)
    assert stored_votes() == ([(clause_ids[0], 1)], 1), "the earlier vote is kept"


def test_vote_after_closing_time_without_anyone_closing_it(
    db, participant, vote, consultation, clause_ids
):
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert vote(clause_ids[0], "agree").status_code == 403


def test_vote_without_csrf_token_is_refused(
    client, participant, consultation, clause_ids, stored_votes
):
    response = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[0]}/vote", data={"choice": "agree"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[0]}/vote",
        data={"choice": "agree", "csrf_token": "forged"},
        headers=HX,
    )
    assert response.status_code == 400
    assert stored_votes() == ([], 0)


def test_anonymous_vote_needs_login_when_not_allowed(
    client, csrf, consultation, clause_ids, stored_votes
):
    response = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[0]}/vote",
        data={"csrf_token": csrf(), "choice": "agree", "next": f"/c/{consultation.slug}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/c/{consultation.slug}"
    response = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[0]}/vote",
        data={"csrf_token": csrf(), "choice": "agree"},
        headers={**HX, "HX-Current-URL": f"http://localhost/c/{consultation.slug}"},
    )
    assert response.headers["HX-Redirect"] == f"/login?next=/c/{consultation.slug}"
    assert stored_votes() == ([], 0)


def test_public_reader_sees_text_but_no_vote_buttons(client, consultation):
    html = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "First clause." in html
    assert 'name="choice"' not in html
    assert "Log in to vote" in html


def test_changed_clause_asks_earlier_voters_to_look_again(
    db, client, participant, vote, consultation, clause_ids
):
    from consult.drafts.models import Clause, DraftVersion

    vote(clause_ids[0], "agree")
    old = db.session.get(Statement, clause_ids[0])
    new_statement = Statement(
        consultation_id=consultation.id,
        kind=StatementKind.CLAUSE,
        lineage_key=old.lineage_key,
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(new_statement)
    db.session.flush()
    version = DraftVersion(consultation_id=consultation.id, number=2, published_at=utcnow())
    version.clauses = [
        Clause(
            position=1,
            lineage_key=old.lineage_key,
            text={"en": "First clause, reworded."},
            statement_id=new_statement.id,
        ),
    ]
    db.session.add(version)
    db.session.commit()
    html = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "First clause, reworded." in html
    assert "This clause has changed since you voted on it (you voted: agree)" in html
    # The old wording can no longer be voted on; the new one can.
    assert vote(clause_ids[0], "disagree", headers=HX).status_code == 409
    assert vote(new_statement.id, "agree", headers=HX).status_code == 200
    mine = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "Changed since you voted" in mine
