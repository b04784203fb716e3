"""Forgot password: the mailed link, single use, expiry, the neutral answer, sessions."""

from __future__ import annotations

from consult.auth import tokens
from consult.db_types import utcnow
from tests.conftest import PASSWORD, post_form
from tests.mail.conftest import link_to, main_of

NEW_PASSWORD = "violet kettle marathon sunrise"


def _login_status(app, email, password) -> int:
    """A fresh visitor's login with these credentials: 302 in, 422 refused."""
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    fresh = app.test_client()
    return post_form(fresh, "/login", {"email": email, "password": password}).status_code


def test_forgot_mail_reset_then_log_in_with_the_new_password(
    new_client, app, db, client, inbox, make_user, login
):
    user = make_user("ada@example.org", confirmed=False)
    old_session = new_client()
    post_form(old_session, "/login", {"email": user.email, "password": PASSWORD})
    assert old_session.get("/account/profile").status_code == 200

    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot"' in login_page and "Forgot your password?" in login_page
    asked = post_form(client, "/forgot", {"email": "ADA@example.org"})
    assert asked.status_code == 200 and "Check your email" in asked.get_data(as_text=True)
    (message,) = inbox.wait_for(1)
    assert message["Subject"] == "Choose a new password for Consult"
    reset = link_to(inbox, message, "/reset/")
    assert client.get(reset).status_code == 200
    done = post_form(client, reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert _login_status(app, user.email, PASSWORD) == 422
    assert _login_status(app, user.email, NEW_PASSWORD) == 302
    # The session from before the reset has ended.
    assert old_session.get("/account/profile").status_code == 302
    # The link reached the address, so it counts as confirmed.
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    # Used once: a second use changes nothing.
    again = post_form(
        client,
        reset,
        {"password": "another long phrase here", "confirm": "another long phrase here"},
        page="/login",
    )
    assert again.status_code == 400 and "was used already" in again.get_data(as_text=True)
    assert _login_status(app, user.email, NEW_PASSWORD) == 302


def test_forgot_says_the_same_for_unknown_and_known_addresses(
    new_client, app, db, inbox, make_user
):
    make_user("ada@example.org")
    known = post_form(new_client(), "/forgot", {"email": "ada@example.org"})
    unknown = post_form(new_client(), "/forgot", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert main_of(known.get_data(as_text=True)).replace("ada@", "X@") == main_of(
        unknown.get_data(as_text=True)
    ).replace("nobody@", "X@")
    (message,) = inbox.wait_for(1)
    assert message["To"] == "ada@example.org", "no mail to an address without an account"


def test_forgot_bad_input_is_a_clear_422(app, client, inbox):
    for email in ("", "not-an-address", "a" * 260 + "@example.org"):
        response = post_form(client, "/forgot", {"email": email})
        assert response.status_code == 422
        assert "There is a problem" in response.get_data(as_text=True)
    assert client.post("/forgot", data={"email": "ada@example.org"}).status_code == 400, "CSRF"
    assert inbox.messages == []


def test_expired_forged_and_other_purpose_reset_links(app, db, client, make_user):
    user = make_user("ada@example.org")
    old = tokens.make_token(tokens.RESET, user, issued_at=utcnow() - tokens.RESET.valid_for * 2)
    expired = client.get(f"/reset/{old}")
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    tried = post_form(
        client, f"/reset/{old}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page="/login"
    )
    assert tried.status_code == 410
    good = tokens.make_token(tokens.RESET, user)
    payload, _, signature = good.rpartition(".")
    forged = f"{payload}.{signature[::-1]}"
    assert client.get(f"/reset/{forged}").status_code == 400
    confirm_token = tokens.make_token(tokens.CHANGE_EMAIL, user, "x@example.org")
    assert client.get(f"/reset/{confirm_token}").status_code == 400
    assert _login_status(app, user.email, PASSWORD) == 302, "the password did not change"


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, db, client, make_user):
    user = make_user("ada@example.org")
    token = tokens.make_token(tokens.RESET, user)
    weak = post_form(
        client, f"/reset/{token}", {"password": "password123", "confirm": "password123"}
    )
    assert weak.status_code == 422 and "harder to guess" in weak.get_data(as_text=True)
    differ = post_form(client, f"/reset/{token}", {"password": NEW_PASSWORD, "confirm": "other"})
    assert differ.status_code == 422
    assert _login_status(app, user.email, PASSWORD) == 302
    done = post_form(client, f"/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302


def test_a_newer_password_outdates_older_links(app, db, client, make_user, login):
    user = make_user("ada@example.org")
    first = tokens.make_token(tokens.RESET, user)
    second = tokens.make_token(tokens.RESET, user)
    assert (
        post_form(
            client, f"/reset/{second}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(f"/reset/{first}").status_code == 400
