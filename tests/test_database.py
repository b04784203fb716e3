"""write_transaction: one unit of work commits whole or not at all, nested units included."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from consult.auth.models import User
from consult.database import write_transaction


def _user(email: str) -> User:
    return User(email=email, display_name=email.split("@")[0], password_hash="x")


@pytest.fixture
def others_see(db):
    """How many users another connection sees. It counts from another thread: in this
    one, inside a write transaction, a new connection would wait for our own write lock."""
    engine = db.engine

    def count() -> int:
        with engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(User))

    with ThreadPoolExecutor(max_workers=1) as pool:
        yield lambda: pool.submit(count).result(timeout=30)


def test_a_unit_commits_at_its_end(db, others_see):
    with write_transaction():
        db.session.add(_user("one@example.org"))
        db.session.flush()
        assert others_see() == 0, "not visible to others before the end"
    assert others_see() == 1


def test_a_nested_unit_joins_the_outer_one(db, others_see):
    with write_transaction():
        db.session.add(_user("outer@example.org"))
        with write_transaction():
            db.session.add(_user("inner@example.org"))
        db.session.flush()
        assert others_see() == 0, "the inner unit did not commit the outer one's work"
    assert others_see() == 2


def test_a_failure_inside_a_nested_unit_undoes_the_whole(db, others_see):
    with pytest.raises(RuntimeError), write_transaction():
        db.session.add(_user("outer@example.org"))
        with write_transaction():
            db.session.add(_user("inner@example.org"))
            db.session.flush()
            raise RuntimeError("refused")
    assert others_see() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
