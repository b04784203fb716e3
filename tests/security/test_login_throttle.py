"""Per-account login throttling (issue 12, item 7): exponential back-off after five
failures, kept in the database (shared by every worker), the same for known and unknown
emails, refusing with 429 while locked without checking the password."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.auth.models import LoginThrottle
from consult.auth.throttle import account_key, lock_seconds
from consult.db_types import utcnow
from tests.conftest import PASSWORD, csrf_from, post_form

WRONG = "not the password at all"  # noqa: S105 (a test password)


def attempt(client, email: str, password: str):
    return post_form(client, "/login", {"email": email, "password": password})


def throttle_row(db, email: str) -> LoginThrottle | None:
    db.session.commit()  # a fresh read of what the requests wrote
    return db.session.scalar(
        sa.select(LoginThrottle).where(LoginThrottle.key == account_key(email))
    )


def let_lock_expire(db, email: str) -> None:
    """Time passes: the lock ends (the count stays)."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.key == account_key(email))
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )


def locked_for(db, email: str) -> float:
    row = throttle_row(db, email)
    return (row.locked_until - row.updated_at).total_seconds()


def test_lock_seconds_grow_exponentially_up_to_fifteen_minutes():
    assert [lock_seconds(n) for n in range(1, 6)] == [0] * 5
    assert [lock_seconds(n) for n in range(6, 12)] == [2, 4, 8, 16, 32, 64]
    assert lock_seconds(14) == 512
    assert lock_seconds(15) == lock_seconds(16) == lock_seconds(10**6) == 15 * 60


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the password hashes checked at login."""
    from consult.auth import services

    calls = []
    real = services.check_password_hash

    def counting(stored, password):
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_back_off_grows_and_locked_reply_is_429_without_a_password_check(
    client, make_user, db, password_checks, known
):
    email = make_user().email if known else "nobody@example.org"
    for _ in range(5):
        assert attempt(client, email, WRONG).status_code == 422
    assert throttle_row(db, email).locked_until is None, "five failures are free"
    assert attempt(client, email, WRONG).status_code == 422  # the sixth locks
    assert locked_for(db, email) == 2
    checks = len(password_checks)

    response = attempt(client, email, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] in {"1", "2"}
    page = response.get_data(as_text=True)
    assert "Too many failed logins for this account." in page
    assert "Try again in" in page and "second" in page
    assert len(password_checks) == checks, "no password is checked while locked"
    assert throttle_row(db, email).failures == 6, "a refused attempt is not counted"

    for expected in (4, 8, 16):
        let_lock_expire(db, email)
        assert attempt(client, email, WRONG).status_code == 422
        assert locked_for(db, email) == expected
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.key == account_key(email))
            .values(failures=30, locked_until=None)
        )
    assert attempt(client, email, WRONG).status_code == 422
    assert locked_for(db, email) == 15 * 60
    response = attempt(client, email, WRONG)
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.get_data(as_text=True)


def test_known_and_unknown_emails_get_the_same_answers(client, make_user, db):
    known = make_user().email
    answers = {}
    for email in (known, "nobody@example.org"):
        answers[email] = []
        for _ in range(7):
            response = attempt(client, email, WRONG)
            page = response.get_data(as_text=True)
            message = next(
                text
                for text in ("Wrong email or password.", "Too many failed logins")
                if text in page
            )
            answers[email].append((response.status_code, message))
    assert answers[known] == answers["nobody@example.org"]
    assert [status for status, _ in answers[known]] == [422] * 6 + [429]


def test_success_resets_the_count(client, make_user, db):
    user = make_user()
    for _ in range(5):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email.upper(), PASSWORD).status_code == 302
    assert throttle_row(db, user.email) is None
    post_form(client, "/logout", {}, page="/")
    for _ in range(5):
        assert attempt(client, user.email, WRONG).status_code == 422
    assert throttle_row(db, user.email).locked_until is None, "counting starts again"


def test_the_key_is_the_normalised_email(client, make_user, db):
    user = make_user()
    for spelling in ("ADA@example.org", " ada@EXAMPLE.org", "ada@example.org"):
        attempt(client, spelling, WRONG)
    assert throttle_row(db, user.email).failures == 3


def test_an_old_count_is_forgotten(client, make_user, db):
    user = make_user()
    for _ in range(6):
        attempt(client, user.email, WRONG)
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.key == account_key(user.email))
            .values(updated_at=utcnow() - timedelta(days=2), locked_until=None)
        )
    assert attempt(client, user.email, WRONG).status_code == 422
    assert throttle_row(db, user.email).failures == 1


def test_concurrent_failures_are_all_counted(app, make_user, db):
    """Twelve clients fail at once: every attempt whose password was checked is counted
    (no lost update), and once the sixth has locked the key the rest are refused."""
    from tests.conftest import IsolatedClient

    email = make_user().email
    db.session.commit()
    app.test_client_class = IsolatedClient
    clients = [app.test_client() for _ in range(12)]
    tokens = [csrf_from(c.get("/login").get_data(as_text=True)) for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def fail(client, token):
        start.wait()
        data = {"csrf_token": token, "email": email, "password": WRONG}
        statuses.append(client.post("/login", data=data).status_code)

    threads = [
        threading.Thread(target=fail, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(set(statuses)) == [422, 429], statuses
    assert throttle_row(db, email).failures == statuses.count(422)
    assert statuses.count(422) == 6, "five free failures and the one that locked"
