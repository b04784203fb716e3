"""Revocable sessions (issue 12, item 6): logout, a password change, deactivation and
"log out everywhere" end every copy of an account's session cookie."""

from __future__ import annotations

from http.cookiejar import CookieJar
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest

from tests.conftest import PASSWORD, post_form
from tests.reports.served import Browser
from tests.serving import served

NEW_PASSWORD = "lantern orbit mosaic 73"  # noqa: S105 (a test password)
ACCOUNT_PAGE = "/account/password"


@pytest.fixture
def copy_of(app):
    """A second client holding a copy of ``client``'s session cookie (a stolen cookie)."""
    from tests.conftest import IsolatedClient

    def copy(client):
        cookie = client.get_cookie("session")
        assert cookie is not None, "the client has a session cookie to copy"
        app.test_client_class = IsolatedClient
        thief = app.test_client()
        thief.set_cookie("session", cookie.value)
        return thief

    return copy


def logged_in(client) -> bool:
    return client.get(ACCOUNT_PAGE).status_code == 200


def test_a_copied_cookie_works_until_logout_and_dies_with_it(client, make_user, login, copy_of):
    login(make_user())
    thief = copy_of(client)
    assert logged_in(thief), "a copy works while its owner is logged in"
    response = post_form(client, "/logout", {}, page="/")
    assert response.status_code == 302
    assert "every other device" in client.get("/").get_data(as_text=True)
    assert not logged_in(client)
    response = thief.get(ACCOUNT_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_password_change_ends_copies_and_keeps_the_session_that_changed_it(
    client, make_user, login, copy_of
):
    login(make_user())
    thief = copy_of(client)
    response = post_form(
        client,
        ACCOUNT_PAGE,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "this one goes on" in client.get("/").get_data(as_text=True)
    assert logged_in(client), "the session that changed the password goes on"
    assert not logged_in(thief)


def test_a_login_after_a_password_change_is_not_revived(client, make_user, login, copy_of):
    user = login(make_user())
    old_copy = copy_of(client)
    post_form(
        client,
        ACCOUNT_PAGE,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    post_form(client, "/logout", {}, page="/")
    login(user, NEW_PASSWORD)
    assert logged_in(client)
    assert not logged_in(old_copy), "a later login does not bring an older cookie back"


def test_deactivation_ends_every_session(client, make_user, login, copy_of, db):
    from consult.auth import services

    user = login(make_user())
    thief = copy_of(client)
    before = user.session_generation
    services.deactivate_account(user)
    db.session.refresh(user)
    assert user.session_generation == before + 1
    assert not logged_in(client)
    assert not logged_in(thief)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 422, "a deactivated account cannot log in again"


def test_deactivation_anywhere_bumps_the_generation(make_user, db):
    """Whatever code sets ``is_active_account`` to false ends the sessions (a model event)."""
    user = make_user()
    before = user.session_generation
    user.is_active_account = False
    db.session.commit()
    db.session.refresh(user)
    assert user.session_generation == before + 1
    user.is_active_account = False  # already inactive: nothing more to end
    db.session.commit()
    db.session.refresh(user)
    assert user.session_generation == before + 1


def test_log_out_everywhere(client, make_user, login, copy_of):
    login(make_user())
    thief = copy_of(client)
    page = client.get(ACCOUNT_PAGE).get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page
    response = post_form(client, "/account/logout-everywhere", {}, page=ACCOUNT_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not logged_in(client)
    assert not logged_in(thief)


def test_log_out_everywhere_needs_post_with_csrf(client, make_user, login):
    login(make_user())
    assert client.get("/account/logout-everywhere").status_code == 405
    assert client.post("/account/logout-everywhere").status_code == 400
    assert logged_in(client)


def test_log_out_everywhere_needs_login(client):
    response = post_form(client, "/account/logout-everywhere", {}, page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("bad", ["1", "x:y", "1:", "99999999999999999999999:0", "-1:0", ""])
def test_malformed_session_ids_are_logged_out(app, make_user, bad):
    from consult.auth.sessions import load_user

    make_user()
    assert load_user(bad) is None


def test_a_copied_cookie_dies_on_logout_when_served(db, database_url, make_user, tmp_path):
    """The same over real HTTP, gunicorn with two workers: the copy gets the login page."""
    user = make_user()
    email = user.email
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # the served app holds the only connections from here on
    with served(database_url, tmp_path / "served") as app:
        owner = Browser(app.base)
        owner.login(email, PASSWORD)
        jar = next(h.cookiejar for h in owner.opener.handlers if isinstance(h, HTTPCookieProcessor))
        cookie = next(c for c in jar if c.name == "session")

        def as_thief() -> str:
            thief = build_opener(HTTPCookieProcessor(CookieJar()))
            request = Request(  # noqa: S310 - always http://127.0.0.1
                app.base + ACCOUNT_PAGE, headers={"Cookie": f"session={cookie.value}"}
            )
            with thief.open(request, timeout=30) as response:
                return response.geturl()

        assert as_thief().endswith(ACCOUNT_PAGE), "the copy works before logout"
        landed = owner.post_form("/", "/logout", {})
        assert landed.status == 200 and 'action="/logout"' not in landed.text
        assert "/login?next=" in as_thief(), "the copy is sent to log in"
