"""Invitations by mail: the role waits until the invited address is confirmed."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import ConsultationRole, Invitation
from tests.conftest import PASSWORD, post_form
from tests.mail.conftest import link_to

TEAM = "/c/test-consultation/organise/team"
GUEST = "guest@example.org"


def _roles(db, email) -> list[str]:
    db.session.commit()
    return sorted(
        role.value
        for role in db.session.scalars(
            sa.select(ConsultationRole.role)
            .join(User, User.id == ConsultationRole.user_id)
            .where(User.email == email)
        )
    )


def test_invitation_mail_register_confirm_role(app, db, team, inbox, new_client):
    organiser = new_client()
    post_form(organiser, "/login", {"email": team.organiser.email, "password": PASSWORD})
    assert post_form(organiser, TEAM, {"email": GUEST, "role": "moderator"}).status_code == 302
    (invitation,) = inbox.wait_for(1)
    assert invitation["To"] == GUEST
    # (Flask-Mailman folds an encoded subject after "Subject:": parsed, a leading space)
    assert invitation["Subject"].strip() == "You are invited to “Test consultation” on Consult"
    text = inbox.text(invitation)
    assert "Moderator" in text and team.organiser.display_name in text
    assert "“Test consultation”" in inbox.html(invitation)

    guest = new_client()
    register_page = link_to(inbox, invitation, "/register")
    assert guest.get(register_page).status_code == 200
    data = {
        "email": GUEST,
        "display_name": "Guest Person",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "sector": "academia",
        "country": "KE",
        "next": "/c/test-consultation",
    }
    assert post_form(guest, "/register", data, page=register_page).status_code == 200
    assert post_form(guest, "/login", {"email": GUEST, "password": PASSWORD}).status_code == 302
    assert _roles(db, GUEST) == [], "registering (and logging in) is not proving the address"
    confirmation = inbox.wait_for(2)[1]
    assert post_form(guest, link_to(inbox, confirmation, "/confirm/"), {}).status_code == 302
    assert _roles(db, GUEST) == ["moderator"]
    assert "You were invited to" in guest.get("/").get_data(as_text=True)
    assert guest.get("/c/test-consultation/moderate").status_code == 200


def test_appointing_an_unconfirmed_account_invites_it(app, db, team, inbox, make_user, new_client):
    person = make_user(GUEST, confirmed=False)
    organiser = new_client()
    post_form(organiser, "/login", {"email": team.organiser.email, "password": PASSWORD})
    response = post_form(organiser, TEAM, {"email": GUEST, "role": "moderator"})
    assert response.status_code == 302
    assert _roles(db, GUEST) == []
    assert db.session.scalar(sa.select(Invitation.email)) == GUEST
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == GUEST
    # Logging in unconfirmed gives nothing; confirming (here through a reset link, which
    # proves the address too) and logging in gives the role.
    guest = new_client()
    post_form(guest, "/login", {"email": GUEST, "password": PASSWORD})
    assert _roles(db, GUEST) == []
    post_form(new_client(), "/forgot", {"email": GUEST})
    reset = link_to(inbox, inbox.wait_for(2)[1], "/reset/")
    new_password = "violet kettle marathon sunrise"
    post_form(guest, reset, {"password": new_password, "confirm": new_password})
    assert post_form(guest, "/login", {"email": GUEST, "password": new_password}).status_code == 302
    assert _roles(db, GUEST) == ["moderator"]
    db.session.refresh(person)
    assert person.email_confirmed_at is not None
