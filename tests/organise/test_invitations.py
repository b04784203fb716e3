"""Appointing by email before registration: the invitation, its listing and withdrawal,
and the role it gives when that address registers or logs in (once; never expired or
withdrawn). The site admin gives the organiser role from the team page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import ConsultationRole, Invitation, Role
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.moderation.models import ModerationEvent
from consult.organise import invitations
from consult.organise.services import can_create_consultation
from tests.conftest import PASSWORD, IsolatedClient, post_form

TEAM = "/c/test-consultation/organise/team"
GUEST = "new.person@example.org"


def _client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _login(client, email, password=PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


def _register(client, email):
    data = {
        "email": email,
        "display_name": "New Person",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "sector": "government",
        "country": "KE",
    }
    return post_form(client, "/register", data)


def _held(db, consultation, user_id):
    db.session.commit()
    return sorted(
        r.value
        for r in db.session.scalars(
            sa.select(ConsultationRole.role).where(
                ConsultationRole.consultation_id == consultation.id,
                ConsultationRole.user_id == user_id,
            )
        )
    )


def _invite_in_browser(app, team, email=GUEST, role="moderator"):
    client = _client(app)
    assert _login(client, team.organiser.email).status_code == 302
    return client, post_form(client, TEAM, {"email": email, "role": role})


def test_appointing_an_address_without_account_invites_it(app, db, team):
    client, response = _invite_in_browser(app, team, "  New.Person@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == TEAM
    html = client.get(TEAM).get_data(as_text=True)
    assert "an invitation is waiting" in html
    assert "Invitations waiting" in html and GUEST in html
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.email == GUEST and invitation.role is Role.MODERATOR
    assert invitation.invited_by_id == team.organiser.id
    days = (invitation.expires_at - invitation.created_at).total_seconds() / 86400
    assert 29.99 < days < 30.01
    revoke = f"{TEAM}/invitations/{invitation.id}/revoke"
    assert f'action="{revoke}"' in html

    again = post_form(client, TEAM, {"email": GUEST.upper(), "role": "moderator"})
    assert again.status_code == 409
    assert "already invited to this role" in again.get_data(as_text=True)
    other_role = post_form(client, TEAM, {"email": GUEST, "role": "organiser"})
    assert other_role.status_code == 302, "another role is another invitation"
    bad = post_form(client, TEAM, {"email": "not-an-address", "role": "moderator"})
    assert bad.status_code == 422 and "valid email address" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 2


def test_an_organiser_withdraws_an_invitation(app, db, team):
    client, _ = _invite_in_browser(app, team)
    invitation = db.session.scalar(sa.select(Invitation))
    revoke = f"{TEAM}/invitations/{invitation.id}/revoke"
    response = post_form(client, revoke, {}, page=TEAM)
    assert response.status_code == 302
    html = client.get(TEAM).get_data(as_text=True)
    assert "The invitation is withdrawn." in html and "Invitations waiting" not in html
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    twice = post_form(client, revoke, {}, page=TEAM)
    assert twice.status_code == 409 and "already accepted, withdrawn" in twice.get_data(
        as_text=True
    )
    assert post_form(client, f"{TEAM}/invitations/999999/revoke", {}, page=TEAM).status_code == 404
    # another consultation's address does not reach this invitation
    other = f"/c/other/organise/team/invitations/{invitation.id}/revoke"
    assert post_form(client, other, {}, page=TEAM).status_code == 403
    # a re-invitation after withdrawal is allowed
    assert post_form(client, TEAM, {"email": GUEST, "role": "moderator"}).status_code == 302


def test_registering_with_the_address_gives_the_role_once_confirmed(app, db, team):
    from consult.auth import tokens
    from consult.auth.models import User

    _invite_in_browser(app, team)
    newcomer = _client(app)
    response = _register(newcomer, GUEST)
    assert response.status_code == 200, response.get_data(as_text=True)
    user_id = db.session.scalar(sa.text('select id from "user" where email = :e'), {"e": GUEST})
    # Registering and logging in give nothing until the address is confirmed.
    assert _login(newcomer, GUEST).status_code == 302
    assert "You were invited" not in newcomer.get("/").get_data(as_text=True)
    assert _held(db, team.consultation, user_id) == []
    token = tokens.make_token(tokens.CONFIRM, db.session.get(User, user_id))
    assert post_form(newcomer, f"/confirm/{token}", {}).status_code == 302
    page = newcomer.get("/").get_data(as_text=True)
    assert "You were invited to" in page and "Moderator" in page
    assert _held(db, team.consultation, user_id) == ["moderator"]
    invitation = db.session.scalar(sa.select(Invitation))
    db.session.refresh(invitation)
    assert invitation.accepted_by_id == user_id and invitation.accepted_at is not None
    assert newcomer.get("/c/test-consultation/moderate").status_code == 200
    # logging in again gives nothing more, and says nothing
    again = _client(app)
    assert _login(again, GUEST).status_code == 302
    assert "You were invited" not in again.get("/").get_data(as_text=True)
    assert _held(db, team.consultation, user_id) == ["moderator"]
    accepted = db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.action == "accept_invitation")
    ).all()
    assert len(accepted) == 1 and accepted[0].actor_id == user_id


def test_logging_in_with_the_address_gives_the_roles(app, db, team, quick_user):
    """An account made after the invitation (here straight in the database, as the CLI
    would) receives every waiting role at its next login."""
    _invite_in_browser(app, team, role="moderator")
    _invite_in_browser(app, team, role="organiser")
    user = quick_user(GUEST)
    client = _client(app)
    assert _login(client, "New.Person@example.org").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert page.count("You were invited to") == 2
    assert _held(db, team.consultation, user.id) == ["moderator", "organiser"]
    assert can_create_consultation(user)


def test_expired_and_withdrawn_invitations_give_nothing(app, db, team, quick_user):
    c = team.consultation
    expired = invitations.invite(team.organiser, c, GUEST, Role.ORGANISER)
    expired.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    withdrawn = invitations.invite(team.organiser, c, GUEST, Role.MODERATOR)
    invitations.revoke(team.organiser, c, withdrawn.id)
    assert invitations.pending_invitations(c) == []
    user = quick_user(GUEST)
    client = _client(app)
    assert _login(client, GUEST).status_code == 302
    assert "You were invited" not in client.get("/").get_data(as_text=True)
    assert _held(db, c, user.id) == []
    with pytest.raises(Conflict):
        invitations.revoke(team.organiser, c, expired.id)


def test_an_invitation_for_a_role_already_held_is_accepted_quietly(db, team, quick_user):
    c = team.consultation
    invitations.invite(team.organiser, c, GUEST, Role.MODERATOR)
    user = quick_user(GUEST)
    from consult.auth.services import grant_role

    grant_role(user, c, Role.MODERATOR)
    accepted = invitations.accept_invitations(user)
    assert [a.role for a in accepted] == [Role.MODERATOR]
    assert _held(db, c, user.id) == ["moderator"]
    assert invitations.accept_invitations(user) == []


def test_only_organisers_invite_and_withdraw(db, team):
    c = team.consultation
    with pytest.raises(Forbidden):
        invitations.invite(team.moderator, c, GUEST, Role.MODERATOR)
    invitation = invitations.invite(team.organiser, c, GUEST, Role.MODERATOR)
    with pytest.raises(Forbidden):
        invitations.revoke(team.moderator, c, invitation.id)
    with pytest.raises(NotFound):
        invitations.revoke(team.organiser, c, invitation.id + 1000)
    with pytest.raises(DomainError, match="Choose a role"):
        invitations.invite(team.organiser, c, GUEST, "chief")


def test_the_audit_log_says_invitations_in_words(app, db, team):
    client, _ = _invite_in_browser(app, team)
    invitation = db.session.scalar(sa.select(Invitation))
    post_form(client, f"{TEAM}/invitations/{invitation.id}/revoke", {}, page=TEAM)
    html = client.get("/c/test-consultation/organise/audit").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert f"Org invited {GUEST} as Moderator" in text
    assert f"Org withdrew the invitation of {GUEST} as Moderator" in text


def test_the_site_admin_makes_someone_an_organiser_from_the_browser(app, db, team, quick_user):
    """An admin holds every role, so the team page of any consultation lets them appoint
    an organiser; that person may then start consultations of their own."""
    admin = quick_user("root@example.org", admin=True)
    person = quick_user("minister@example.org")
    assert not can_create_consultation(person)
    client = _client(app)
    assert _login(client, admin.email).status_code == 302
    home = client.get("/organise").get_data(as_text=True)
    assert 'href="/c/other/organise' in home, "the admin finds every consultation"
    response = post_form(
        client, "/c/other/organise/team", {"email": person.email, "role": "organiser"}
    )
    assert response.status_code == 302
    assert _held(db, team.other, person.id) == ["organiser"]
    assert can_create_consultation(person)
    own = _client(app)
    assert _login(own, person.email).status_code == 302
    assert own.get("/organise/new").status_code == 200
