import pytest
import sqlalchemy as sa

from consult.drafts.models import Clause
from consult.participation.models import Vote, VoteEvent
from tests.conftest import csrf_from

HX = {"HX-Request": "true"}


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()


@pytest.fixture
def clause_ids(db, consultation):
    """Statement ids of the consultation's two clauses, in order."""
    return db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).all()


@pytest.fixture
def participant(make_user, login):
    return login(make_user("voter@example.org"))


@pytest.fixture
def csrf(client):
    """A CSRF token of the client's current session."""

    def token(page: str = "/") -> str:
        return csrf_from(client.get(page).get_data(as_text=True))

    return token


@pytest.fixture
def vote(client, csrf, consultation):
    def cast(statement_id: int, choice: str, headers=None, **extra):
        return client.post(
            f"/c/{consultation.slug}/statements/{statement_id}/vote",
            data={"csrf_token": csrf(f"/c/{consultation.slug}"), "choice": choice, **extra},
            headers=headers or {},
        )

    return cast


@pytest.fixture
def stored_votes(db):
    """(statement_id, value) of every vote row, and the number of vote events."""

    def read():
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(Vote.statement_id, Vote.value).order_by(Vote.statement_id)
            )
            events = conn.scalar(sa.select(sa.func.count()).select_from(VoteEvent))
            return [tuple(r) for r in rows], events

    return read
