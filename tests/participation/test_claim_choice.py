"""Issue 13 item 5: logging in says which pseudonymous votes moved to the account, and where
the account had voted differently the person chooses which vote to keep."""

import sqlalchemy as sa

from consult.drafts.models import Clause, DraftVersion
from consult.participation.models import Vote, VoteEvent
from tests.conftest import PASSWORD, csrf_from, post_form


def clause_ids(db, consultation):
    return db.session.scalars(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id)
        .order_by(Clause.position)
    ).all()


def cast(client, consultation, statement_id, choice):
    page = f"/c/{consultation.slug}"
    token = csrf_from(client.get(page).get_data(as_text=True))
    response = client.post(
        f"{page}/statements/{statement_id}/vote", data={"csrf_token": token, "choice": choice}
    )
    assert response.status_code == 302


def log_in(client, user):
    return post_form(client, "/login", {"email": user.email, "password": PASSWORD})


def votes(db):
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Vote.statement_id, Vote.value)).all())


def test_login_says_what_moved_and_lets_the_person_choose(db, client, make_consultation, make_user):
    consultation = make_consultation("open-to-all", allow_anonymous=True)
    first, second = clause_ids(db, consultation)
    user = make_user("later@example.org")
    log_in(client, user)
    cast(client, consultation, second, "disagree")
    post_form(client, "/logout", {}, page="/")
    cast(client, consultation, first, "agree")
    cast(client, consultation, second, "agree")

    assert log_in(client, user).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "1 vote you made before logging in was added to your account." in html
    assert "you voted differently on 1 statement than your account had" in html
    assert '<a href="/me/vote-choices">Choose which votes to keep</a>' in html
    assert votes(db) == {first: 1, second: 1}, "the newer vote counts until the person chooses"

    page = client.get("/me/vote-choices").get_data(as_text=True)
    assert "Your account's vote: disagree." in page
    assert "Your vote before logging in: agree." in page and "Counted now: agree." in page
    token = csrf_from(page)
    # Only one of the two votes may be chosen, and only for a statement listed.
    bad = client.post(
        "/me/vote-choices",
        data={"csrf_token": token, "statement_id": second, "choice": "pass"},
    )
    assert bad.status_code == 400 and "Choose one of your two votes." in bad.get_data(as_text=True)
    missing = client.post(
        "/me/vote-choices", data={"csrf_token": token, "statement_id": first, "choice": "agree"}
    )
    assert missing.status_code == 404
    events = db.session.scalar(sa.select(sa.func.count()).select_from(VoteEvent))

    kept = client.post(
        "/me/vote-choices",
        data={"csrf_token": token, "statement_id": second, "choice": "disagree"},
    )
    assert kept.status_code == 302
    assert votes(db) == {first: 1, second: -1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteEvent)) == events + 1
    after = client.get("/me/vote-choices").get_data(as_text=True)
    assert "Kept your vote: disagree." in after
    assert "There are no votes left to choose between." in after


def test_the_same_vote_on_both_sides_asks_nothing(db, client, make_consultation, make_user):
    consultation = make_consultation("open-to-all", allow_anonymous=True)
    first, second = clause_ids(db, consultation)
    user = make_user("later@example.org")
    log_in(client, user)
    cast(client, consultation, first, "agree")
    post_form(client, "/logout", {}, page="/")
    cast(client, consultation, first, "agree")
    cast(client, consultation, second, "pass")
    cast(client, consultation, second, "disagree")

    log_in(client, user)
    html = client.get("/").get_data(as_text=True)
    assert "1 vote you made before logging in was added to your account." in html
    assert "Choose which votes to keep" not in html
    assert votes(db) == {first: 1, second: -1}


def test_the_choice_page_needs_an_account(client):
    response = client.get("/me/vote-choices")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _add_statement(client, consultation, text):
    url = f"/c/{consultation.slug}/statements"
    assert post_form(client, url, {"text": text}).status_code == 302


def _claimed_notice(client, user) -> str:
    assert log_in(client, user).status_code == 302
    return client.get("/").get_data(as_text=True)


def test_the_notice_counts_what_my_votes_counts(db, client, make_consultation, make_user):
    """Two clause votes and a statement (with its author's automatic agree): 2 votes moved,
    as "My votes" lists 2, on a new account and on one that had voted before."""
    consultation = make_consultation("open-to-all", allow_anonymous=True)
    first, second = clause_ids(db, consultation)
    cast(client, consultation, first, "agree")
    cast(client, consultation, second, "disagree")
    _add_statement(client, consultation, "Audits should be published in full.")
    html = _claimed_notice(client, make_user("new@example.org"))
    assert "2 votes you made before logging in were added to your account." in html
    assert "1 comment or statement you wrote before logging in" in html
    mine = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert 'id="my-votes">My votes (2)</h2>' in mine
    post_form(client, "/logout", {}, page="/")

    # Merged into an account that already took part: the same count.
    other = make_user("other@example.org")
    log_in(client, other)
    cast(client, consultation, first, "pass")
    post_form(client, "/logout", {}, page="/")
    cast(client, consultation, second, "agree")
    _add_statement(client, consultation, "Models should carry a label.")
    html = _claimed_notice(client, other)
    assert "1 vote you made before logging in was added to your account." in html
