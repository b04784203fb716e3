"""Organisers invite people by email to take part: a mail each, no role, nothing kept."""

from __future__ import annotations

import sqlalchemy as sa

from consult.consultations.models import Invitation, Status
from consult.moderation.models import ModerationEvent
from tests.conftest import PASSWORD, post_form
from tests.mail.conftest import link_to

PAGE = "/c/test-consultation/organise/take-part"


def _as(new_client, user):
    client = new_client()
    assert (
        post_form(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def test_each_address_gets_a_mail_with_the_consultations_link(app, db, team, inbox, new_client):
    organiser = _as(new_client, team.organiser)
    assert "Invite people by email to take part" in organiser.get(
        "/c/test-consultation/organise/team"
    ).get_data(as_text=True)
    addresses = "One@example.org, two@example.org\nthree@example.org one@example.org"
    response = post_form(organiser, PAGE, {"addresses": addresses})
    assert response.status_code == 302
    assert "on their way to 3 addresses" in organiser.get(PAGE).get_data(as_text=True)
    received = inbox.wait_for(3)
    assert sorted(str(m["To"]) for m in received) == [
        "one@example.org", "three@example.org", "two@example.org"
    ]  # fmt: skip
    message = received[0]
    assert message["Subject"].strip() == (
        f"{team.organiser.display_name} invites you to take part in “Test consultation”"
    )
    assert link_to(inbox, message, "/c/") == "/c/test-consultation"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    (event,) = db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.action == "invite_to_take_part")
    )
    assert event.details == {"count": 3}


def test_bad_lists_are_clear_422s_and_mail_no_one(app, db, team, inbox, new_client):
    organiser = _as(new_client, team.organiser)
    cases = {
        "": "Enter at least one email address.",
        "ok@example.org, not-an-address": "This is not an email address: not-an-address",
        " ".join(f"p{i}@example.org" for i in range(51)): "at most 50 addresses",
    }
    for addresses, message in cases.items():
        response = post_form(organiser, PAGE, {"addresses": addresses})
        assert response.status_code == 422, addresses
        assert message in response.get_data(as_text=True)
    assert inbox.messages == []


def test_only_an_open_consultations_organisers_invite(app, db, team, inbox, new_client):
    moderator = _as(new_client, team.moderator)
    assert post_form(moderator, PAGE, {"addresses": "a@example.org"}, page="/").status_code == 403
    team.consultation.status = Status.DRAFT
    db.session.commit()
    organiser = _as(new_client, team.organiser)
    closed = post_form(organiser, PAGE, {"addresses": "a@example.org"})
    assert closed.status_code == 409
    assert "while the consultation is open" in closed.get_data(as_text=True)
    assert inbox.messages == []
