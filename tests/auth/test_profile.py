"""A person edits their own profile, reads what verification means and asks for it; the
site's verifiers see the requests first."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.auth.models import StakeholderProfile, Verification
from consult.auth.profile import update_profile
from consult.db_types import utcnow
from consult.errors import DomainError
from consult.moderation.models import ModerationEvent
from tests.conftest import PASSWORD, IsolatedClient, csrf_from, post_form

PROFILE = "/account/profile"
VERIFICATION = "/account/verification"
GOOD = {
    "display_name": "Amina Diallo",
    "sector": "civil_society",
    "country": "SN",
    "organisation": "Data Rights Senegal",
}


@pytest.fixture
def amina(make_user, login):
    return login(
        make_user("amina@example.org", sector="academia", country="KE", organisation="Uni")
    )


def profile_of(db, user) -> StakeholderProfile:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(StakeholderProfile, user.id)


def events(db, action: str):
    db.session.commit()
    return db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.action == action)
        .order_by(ModerationEvent.id)
    ).all()


def decide(db, user, verification: Verification, note=None):
    profile = profile_of(db, user)
    profile.verification, profile.verification_note = verification, note
    profile.verified_at = utcnow()
    db.session.commit()


def test_profile_page_is_linked_from_the_account_menu_and_shows_the_profile(client, amina):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/account/profile"' in home and 'href="/account/verification"' in home
    html = client.get(PROFILE).get_data(as_text=True)
    assert 'value="Uni"' in html and '<option selected value="academia">' in html
    assert "decision on your profile ends" not in html, "not verified yet"


def test_changes_are_saved_and_written_to_the_site_audit_log(db, client, amina):
    response = post_form(client, PROFILE, GOOD)
    assert response.status_code == 302
    profile = profile_of(db, amina)
    assert (profile.user.display_name, profile.sector.value, profile.country) == (
        "Amina Diallo", "civil_society", "SN",
    )  # fmt: skip
    assert profile.organisation == "Data Rights Senegal"
    (event,) = events(db, "profile_changed")
    assert (event.consultation_id, event.actor_id, event.target_id) == (None, amina.id, amina.id)
    assert event.details["before"]["organisation"] == "Uni"
    assert event.details["after"]["sector"] == "civil_society"
    assert event.details["verification_reset"] is False


def test_nothing_changed_writes_nothing(db, client, amina):
    same = {"display_name": "Amina", "sector": "academia", "country": "KE", "organisation": "Uni"}
    post_form(client, PROFILE, same)
    assert events(db, "profile_changed") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"display_name": "  "}, "Enter your name."),
        ({"display_name": "x" * 81}, "Field cannot be longer than 80 characters."),
        ({"sector": "astrology"}, "Not a valid choice."),
        ({"country": "XX"}, "Not a valid choice."),
        ({"organisation": "o" * 161}, "Field cannot be longer than 160 characters."),
    ],
)
def test_bad_values_are_refused_on_their_field(db, client, amina, change, message):
    response = post_form(client, PROFILE, {**GOOD, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert profile_of(db, amina).organisation == "Uni"


def test_changing_sector_of_a_verified_profile_ends_its_verification(db, client, amina):
    decide(db, amina, Verification.VERIFIED)
    html = client.get(PROFILE).get_data(as_text=True)
    assert "decision on your profile ends" in html, "said before saving"
    post_form(client, PROFILE, {**GOOD, "organisation": "Uni", "sector": "industry"})
    assert profile_of(db, amina).verification is Verification.UNVERIFIED
    (event,) = events(db, "profile_changed")
    assert event.details["verification_reset"] is True
    assert "Its verification has ended" in client.get(PROFILE).get_data(as_text=True)


def test_changing_name_or_country_keeps_verification(db, client, amina):
    decide(db, amina, Verification.VERIFIED)
    post_form(client, PROFILE, {**GOOD, "sector": "academia", "organisation": "Uni"})
    assert profile_of(db, amina).verification is Verification.VERIFIED


def test_profile_pages_need_an_account(client):
    for url in (PROFILE, VERIFICATION):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_verification_is_explained_and_asked_for_once(db, client, amina):
    html = client.get(VERIFICATION).get_data(as_text=True)
    assert "check that your stakeholder sector and your organisation are real" in html
    assert "Not checked yet" in html and "Ask for verification" in html
    response = post_form(client, VERIFICATION, {"note": "See https://uni.example/staff"})
    assert response.status_code == 302
    profile = profile_of(db, amina)
    assert profile.verification_requested_at is not None
    assert profile.verification_request_note == "See https://uni.example/staff"
    assert len(events(db, "verification_requested")) == 1
    html = client.get(VERIFICATION).get_data(as_text=True)
    assert "You asked for verification on" in html and "uni.example/staff" in html

    again = post_form(client, VERIFICATION, {"note": "Please?"})
    assert again.status_code == 409
    assert "You have asked already" in again.get_data(as_text=True)
    assert profile_of(db, amina).verification_request_note == "See https://uni.example/staff"


def test_the_note_is_optional_and_at_most_1000_characters(db, client, amina):
    response = post_form(client, VERIFICATION, {"note": "n" * 1001})
    assert response.status_code == 422
    assert "Field cannot be longer than 1000 characters." in response.get_data(as_text=True)
    assert post_form(client, VERIFICATION, {"note": ""}).status_code == 302
    assert profile_of(db, amina).verification_request_note is None


def test_a_declined_profile_asks_again_after_editing(db, client, amina):
    post_form(client, VERIFICATION, {})
    decide(db, amina, Verification.DECLINED, "We found no such university.")
    html = client.get(VERIFICATION).get_data(as_text=True)
    assert "We found no such university." in html and "Change your sector or organisation" in html
    refused = post_form(client, VERIFICATION, {}, page=PROFILE)
    assert refused.status_code == 409
    post_form(client, PROFILE, GOOD)
    assert profile_of(db, amina).verification is Verification.UNVERIFIED
    assert post_form(client, VERIFICATION, {"note": "New organisation."}).status_code == 302
    assert profile_of(db, amina).verification_request_note == "New organisation."


def test_a_verified_profile_has_nothing_to_ask(db, client, amina):
    decide(db, amina, Verification.VERIFIED)
    response = post_form(client, VERIFICATION, {}, page=PROFILE)
    assert response.status_code == 409 and "verified already" in response.get_data(as_text=True)


def test_verifiers_see_requests_first_with_their_note_and_can_filter_them(
    app, db, make_user, client, login
):
    make_user("aaron@example.org", display_name="Aaron")  # first by name, never asked
    early = make_user("zoe@example.org", display_name="Zoe")
    late = make_user("yann@example.org", display_name="Yann")
    for person, note in ((early, "Zoe's page"), (late, "Yann's page")):
        login(person)
        post_form(client, VERIFICATION, {"note": note})
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(True))})
    answered = make_user("xena@example.org", display_name="Xena")
    profile = profile_of(db, answered)
    profile.verification_requested_at = utcnow()
    db.session.commit()
    decide(db, answered, Verification.DECLINED, "No.")

    verifier = make_user("verifier@example.org", admin=True, display_name="Vera")
    app.test_client_class = IsolatedClient
    desk = app.test_client()
    token = csrf_from(desk.get("/login").get_data(as_text=True))
    desk.post("/login", data={"csrf_token": token, "email": verifier.email, "password": PASSWORD})

    html = desk.get("/verification").get_data(as_text=True)
    order = re.findall(r'id="profile-(\d+)"', html)
    assert order[:2] == [str(early.id), str(late.id)], "asked first, longest waiting first"
    assert "Zoe&#39;s page" in html and "Asked for a check on" in html

    html = desk.get("/verification?state=requested").get_data(as_text=True)
    assert re.findall(r'id="profile-(\d+)"', html) == [str(early.id), str(late.id)]
    assert '<option value="requested" selected>' in html
    assert desk.get("/verification?state=asked").status_code == 400


def test_the_service_refuses_what_cannot_be_stored(db, make_user):
    user = make_user("nul@example.org")
    with pytest.raises(DomainError) as refused:
        update_profile(user, **{**GOOD, "organisation": "bad\x00byte"})
    assert refused.value.field == "organisation"
