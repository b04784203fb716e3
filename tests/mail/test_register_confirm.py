"""Registering by email: the confirmation link, the neutral answer, what needs a
confirmed address."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.auth import tokens
from consult.auth.models import User
from consult.consultations.models import ConsultationRole, Role
from consult.db_types import utcnow
from tests.auth.test_register import GOOD
from tests.conftest import post_form
from tests.mail.conftest import link_to, main_of


def _user(db, email="wanjiru@example.org") -> User | None:
    db.session.commit()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_register_then_confirm_with_the_mailed_link(app, db, client, inbox):
    response = post_form(client, "/register", GOOD)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = _user(db)
    assert user is not None and user.email_confirmed_at is None
    (message,) = inbox.wait_for(1)
    assert message["To"] == "wanjiru@example.org"
    assert message["Subject"] == "Confirm your email address for Consult"
    confirm = link_to(inbox, message, "/confirm/")
    # Opening the link (as a mail scanner would) changes nothing; the button does.
    page = client.get(confirm)
    assert page.status_code == 200 and "wanjiru@example.org" in page.get_data(as_text=True)
    assert _user(db).email_confirmed_at is None
    done = post_form(client, confirm, {})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    confirmed_at = _user(db).email_confirmed_at
    assert confirmed_at is not None
    # The link works once.
    again = post_form(client, confirm, {}, page="/login")
    assert again.status_code == 400 and "was used already" in again.get_data(as_text=True)
    assert client.get(confirm).status_code == 400
    assert _user(db).email_confirmed_at == confirmed_at


def test_registration_says_the_same_for_a_known_address(
    new_client, app, db, client, inbox, make_user
):
    first = make_user("taken@example.org", display_name="First Owner")
    known = post_form(client, "/register", {**GOOD, "email": "Taken@example.org"})
    fresh = post_form(new_client(), "/register", {**GOOD, "email": "new@example.org"})
    assert known.status_code == fresh.status_code == 200
    assert main_of(known.get_data(as_text=True)).replace("Taken@example.org", "X") == main_of(
        fresh.get_data(as_text=True)
    ).replace("new@example.org", "X")
    taken_mail, new_mail = sorted(inbox.wait_for(2), key=lambda m: str(m["To"]))[::-1]
    assert taken_mail["To"] == "taken@example.org"
    assert taken_mail["Subject"] == "You already have a Consult account"
    assert "/forgot" in inbox.text(taken_mail), "the mail offers a reset link"
    assert new_mail["Subject"] == "Confirm your email address for Consult"
    # Nothing created nor changed for the known address.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
    db.session.refresh(first)
    assert first.display_name == "First Owner"


def test_an_unconfirmed_account_takes_part_but_holds_no_role(
    app, db, client, login, make_user, make_consultation
):
    from consult.auth import services

    consultation = make_consultation()
    user = make_user("new@example.org", confirmed=False)
    login(user)  # logging in works before confirming
    assert "not confirmed yet" in client.get("/account/profile").get_data(as_text=True)
    try:
        services.grant_role(user, consultation, Role.MODERATOR)
    except services.DomainError as error:
        assert "has not confirmed their email address" in error.message
    else:
        raise AssertionError("an unconfirmed account was given a role")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsultationRole)) == 0
    asked = post_form(client, "/account/verification", {"note": "see my page"})
    assert asked.status_code == 409 and "Confirm your email address first" in asked.get_data(
        as_text=True
    )
    db.session.refresh(user.profile)
    assert user.profile.verification_requested_at is None


def test_resend_confirmation_from_the_account_page(app, db, client, inbox, login, make_user):
    user = make_user("new@example.org", confirmed=False)
    login(user)
    old = tokens.make_token(tokens.CONFIRM, user)
    response = post_form(client, "/account/email/confirmation", {}, page="/account/profile")
    assert response.status_code == 302
    (message,) = inbox.wait_for(1)
    link = link_to(inbox, message, "/confirm/")
    assert post_form(client, link, {}).headers["Location"] == "/account/profile"
    # Any link made before the confirmation is now spent.
    assert client.get(f"/confirm/{old}").status_code == 400
    # A confirmed address needs no new link: a clear 409.
    again = post_form(client, "/account/email/confirmation", {}, page="/account/profile")
    assert again.status_code == 409 and "confirmed already" in again.get_data(as_text=True)
    assert len(inbox.messages) == 1


def test_expired_forged_and_misused_confirmation_links(app, db, client, make_user):
    user = make_user("new@example.org", confirmed=False)
    old = tokens.make_token(tokens.CONFIRM, user, issued_at=utcnow() - tokens.CONFIRM.valid_for * 2)
    expired = client.get(f"/confirm/{old}")
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    good = tokens.make_token(tokens.CONFIRM, user)
    for bad in (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "x", "a" * 2000):
        assert client.get(f"/confirm/{bad}").status_code in (400, 404)
    reset_token = tokens.make_token(tokens.RESET, user)
    assert client.get(f"/confirm/{reset_token}").status_code == 400, "another purpose's token"
    assert post_form(client, f"/confirm/{old}", {}, page="/login").status_code == 410
    db.session.refresh(user)
    assert user.email_confirmed_at is None


def test_confirm_needs_the_csrf_token(app, db, client, make_user):
    user = make_user("new@example.org", confirmed=False)
    token = tokens.make_token(tokens.CONFIRM, user)
    assert client.post(f"/confirm/{token}").status_code == 400
    db.session.refresh(user)
    assert user.email_confirmed_at is None


def test_a_double_tap_on_create_account_mails_once(new_client, app, db, client, inbox):
    """The same registration sent twice (a second tap on a slow connection) gets one
    confirmation mail, not a "you already have an account" mail beside it; a newcomer
    who registers the address again later, still unconfirmed, is told it has one."""
    first = post_form(client, "/register", GOOD)
    second = post_form(new_client(), "/register", GOOD)
    assert first.status_code == second.status_code == 200
    inbox.wait_for(1)
    assert [m["Subject"] for m in inbox.to("wanjiru@example.org")] == [
        "Confirm your email address for Consult"
    ]
    user = _user(db)
    user.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    inbox.clear()
    post_form(new_client(), "/register", GOOD)
    (later,) = inbox.wait_for(1)
    assert later["Subject"] == "You already have a Consult account"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
