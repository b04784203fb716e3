import sqlalchemy as sa

from consult.consultations.models import Participant
from consult.participation.models import Vote, VoteEvent
from tests.conftest import PASSWORD, post_form
from tests.participation.conftest import HX


def test_pseudonymous_votes_move_to_the_account_on_login(
    db, client, vote, make_consultation, make_user, clause_ids
):
    consultation = make_consultation("open-to-all", allow_anonymous=True)
    from consult.drafts.models import Clause, DraftVersion

    ids = db.session.scalars(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id)
        .order_by(Clause.position)
    ).all()
    user = make_user("later@example.org")
    # The account already voted on the second clause, earlier.
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    client.post(
        f"/c/{consultation.slug}/statements/{ids[1]}/vote",
        data={"csrf_token": _token(client, consultation), "choice": "disagree"},
    )
    post_form(client, "/logout", {}, page="/")

    for sid, choice in ((ids[0], "agree"), (ids[1], "agree")):
        response = client.post(
            f"/c/{consultation.slug}/statements/{sid}/vote",
            data={"csrf_token": _token(client, consultation), "choice": choice},
            headers=HX,
        )
        assert response.status_code == 200, "anonymous visitors may vote here"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 2

    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    db.session.expire_all()
    participants = db.session.scalars(sa.select(Participant)).all()
    assert [(p.user_id, p.anonymous_key) for p in participants] == [(user.id, None)]
    votes = dict(db.session.execute(sa.select(Vote.statement_id, Vote.value)).all())
    assert votes == {ids[0]: 1, ids[1]: 1}, "no duplicates; the more recent vote wins"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteEvent)) == 3
    assert all(
        e.participant_id == participants[0].id for e in db.session.scalars(sa.select(VoteEvent))
    )


def _token(client, consultation):
    from tests.conftest import csrf_from

    return csrf_from(client.get(f"/c/{consultation.slug}").get_data(as_text=True))


def test_pseudonymous_participation_is_refused_where_not_allowed(
    client, consultation, clause_ids, row_count
):
    response = client.post(
        f"/c/{consultation.slug}/statements/{clause_ids[0]}/vote",
        data={"csrf_token": _token(client, consultation), "choice": "agree"},
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert row_count(Participant) == 0


def test_registering_claims_pseudonymous_statement(db, client, make_consultation):
    consultation = make_consultation("open-to-all", allow_anonymous=True)
    post_form(client, f"/c/{consultation.slug}/statements", {"text": "Written before registering."})
    from tests.auth.test_register import GOOD

    post_form(client, "/register", {**GOOD, "email": "new@example.org"})
    # Registering does not log in; the first login claims what this browser wrote.
    post_form(client, "/login", {"email": "new@example.org", "password": GOOD["password"]})
    html = client.get(f"/c/{consultation.slug}/me").get_data(as_text=True)
    assert "Written before registering." in html
