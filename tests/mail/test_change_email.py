"""Changing the address: confirmed on the new one, the old one told; a taken address."""

from __future__ import annotations

from consult.auth import tokens
from consult.db_types import utcnow
from tests.conftest import PASSWORD, post_form
from tests.mail.conftest import link_to, main_of

FORM = "/account/email"


def test_the_address_changes_only_when_the_new_one_confirms(
    app, db, client, inbox, login, make_user
):
    user = login(make_user("old@example.org"))
    asked = post_form(client, FORM, {"email": "New@Example.org", "password": PASSWORD})
    assert asked.status_code == 302
    notice, link_mail = sorted(inbox.wait_for(2), key=lambda m: str(m["To"]) != "old@example.org")
    assert notice["To"] == "old@example.org" and "/account/password" in inbox.text(notice)
    assert link_mail["To"] == "new@example.org"
    db.session.refresh(user)
    assert user.email == "old@example.org", "nothing changes before the link is opened"
    link = link_to(inbox, link_mail, "/account/email/change/")
    page = client.get(link).get_data(as_text=True)
    assert "new@example.org" in page and "old@example.org" in page
    assert post_form(client, link, {}).headers["Location"] == "/account/profile"
    db.session.refresh(user)
    assert user.email == "new@example.org" and user.email_confirmed_at is not None
    again = post_form(client, link, {}, page="/account/profile")
    assert again.status_code == 400, "the link works once"
    fresh = app.test_client()
    assert (
        post_form(fresh, "/login", {"email": "new@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_a_taken_address_is_refused_without_saying_so(app, db, client, inbox, login, make_user):
    make_user("taken@example.org")
    user = login(make_user("me@example.org"))
    taken = post_form(client, FORM, {"email": "taken@example.org", "password": PASSWORD})
    assert taken.status_code == 302
    taken_page = main_of(client.get("/account/profile").get_data(as_text=True))
    free = post_form(client, FORM, {"email": "free@example.org", "password": PASSWORD})
    assert free.status_code == 302
    free_page = main_of(client.get("/account/profile").get_data(as_text=True))
    assert taken_page.replace("taken@", "X@") == free_page.replace("free@", "X@")
    received = inbox.wait_for(4)
    to_taken = [m for m in received if m["To"] == "taken@example.org"]
    assert [m["Subject"] for m in to_taken] == ["Someone asked to use this address on Consult"]
    assert not any("/account/email/change/" in link for m in to_taken for link in inbox.links(m))
    db.session.refresh(user)
    assert user.email == "me@example.org"


def test_an_address_taken_after_the_link_was_sent_is_refused(app, db, client, login, make_user):
    user = login(make_user("me@example.org"))
    token = tokens.make_token(tokens.CHANGE_EMAIL, user, "later@example.org")
    make_user("later@example.org")
    response = post_form(client, f"/account/email/change/{token}", {})
    assert response.status_code == 409
    assert "cannot be used for your account" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "me@example.org"


def test_bad_change_requests_are_clear_422s(app, db, client, inbox, login, make_user):
    user = login(make_user("me@example.org"))
    cases = [
        ({"email": "new@example.org", "password": "wrong password"}, "Your password is not right."),
        ({"email": "not-an-address", "password": PASSWORD}, "Enter a valid email address"),
        ({"email": "ME@example.org", "password": PASSWORD}, "This is your address already."),
        ({"email": "", "password": PASSWORD}, "Enter your email address."),
    ]
    for data, message in cases:
        response = post_form(client, FORM, data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    assert inbox.messages == []
    db.session.refresh(user)
    assert user.email == "me@example.org"


def test_change_links_expire_and_are_bound_to_the_account_state(app, db, client, make_user):
    user = make_user("me@example.org")
    old = tokens.make_token(
        tokens.CHANGE_EMAIL,
        user,
        "a@example.org",
        issued_at=utcnow() - tokens.CHANGE_EMAIL.valid_for * 2,
    )
    assert client.get(f"/account/email/change/{old}").status_code == 410
    first = tokens.make_token(tokens.CHANGE_EMAIL, user, "a@example.org")
    second = tokens.make_token(tokens.CHANGE_EMAIL, user, "b@example.org")
    assert post_form(client, f"/account/email/change/{second}", {}).status_code == 302
    # The address changed: the link for the other new address no longer works.
    assert client.get(f"/account/email/change/{first}").status_code == 400
    db.session.refresh(user)
    assert user.email == "b@example.org"


def test_changing_the_address_needs_a_login(app, client):
    assert client.get(FORM).status_code == 302
    assert client.post(FORM, data={"email": "a@example.org"}).status_code in (302, 400)
