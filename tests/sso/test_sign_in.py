"""Signing in with an institution over real HTTP: the test client leaves for the test
provider (tests/sso/idp.py), which approves the person the test chose and sends it back.

A new address gets an account with its address confirmed and, when the institution vouches
for the organisation, a profile verified by it; a confirmed account is linked, an
unconfirmed one never; the same (provider, subject) signs in after the address changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from consult.auth.models import User, Verification
from consult.db_types import utcnow
from consult.moderation.models import ModerationEvent
from consult.sso.models import LinkedIdentity
from tests.conftest import PASSWORD, csrf_from
from tests.sso.conftest import leave_for_provider, provider_answer, sign_in

PROFILE = {"display_name": "Amina Diallo", "sector": "government", "country": "SN"}


def _complete(client, data=PROFILE):
    page = client.get("/sso/complete")
    assert page.status_code == 200, page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/sso/complete", data={"csrf_token": token, **data})


def _identities(db):
    return db.session.scalars(sa.select(LinkedIdentity)).all()


def test_a_new_address_gets_a_confirmed_account_verified_by_the_institution(
    client, db, idp, institution
):
    person = idp.add_person("amina", "Amina@Ministry.example", name="Amina D.")
    answer = sign_in(client, idp, institution.provider.id, "amina", next_url="/account/profile")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sso/complete")

    # The code flow with PKCE S256, state and nonce; the verifier matches the challenge.
    asked = idp.authorization_requests[-1]
    assert asked["response_type"] == "code" and asked["code_challenge_method"] == "S256"
    assert asked["state"] and asked["nonce"] and "openid" in asked["scope"].split()
    exchanged = idp.token_requests[-1]
    assert create_s256_code_challenge(exchanged["code_verifier"]) == asked["code_challenge"]

    page = client.get("/sso/complete").get_data(as_text=True)
    assert "amina@ministry.example" in page and "Ministry of Testing" in page
    assert 'name="organisation"' not in page  # the institution's vouch sets it
    assert 'value="Amina D."' in page  # the name the provider gave, to keep or change
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # the admin

    done = _complete(client)
    assert done.status_code == 302 and done.headers["Location"] == "/account/profile"
    user = db.session.scalar(sa.select(User).where(User.email == "amina@ministry.example"))
    assert user.email_confirmed_at is not None
    assert user.display_name == "Amina Diallo"
    profile = user.profile
    assert profile.organisation == "Ministry of Testing"
    assert profile.verification is Verification.VERIFIED and profile.verified_by_id is None
    [identity] = _identities(db)
    assert (identity.provider_id, identity.subject, identity.user_id) == (
        institution.provider.id, person.sub, user.id,
    )  # fmt: skip
    assert identity.vouched_at is not None
    event = db.session.scalar(
        sa.select(ModerationEvent).where(ModerationEvent.action == "profile_vouched")
    )
    assert event.target_id == user.id and event.details["institution"] == "Ministry of Testing"

    shown = client.get("/account/profile").get_data(as_text=True)  # signed in
    assert "Verified by Ministry of Testing" in shown
    audit = _as_admin(client, institution.admin).get("/admin/audit").get_data(as_text=True)
    assert "Ministry of Testing vouched, through its sign-in, that Amina Diallo belongs" in audit


def _as_admin(client, admin):
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": admin.email, "password": PASSWORD}
    )
    return client


def test_the_same_identity_signs_in_after_its_address_changed(client, db, idp, institution):
    person = idp.add_person("amina", "amina@ministry.example")
    sign_in(client, idp, institution.provider.id, "amina")
    _complete(client)
    client.delete_cookie("session")
    person.email = "amina.diallo@ministry.example"

    again = sign_in(client, idp, institution.provider.id, "amina", next_url="/account/profile")
    assert again.status_code == 302 and again.headers["Location"] == "/account/profile"
    users = db.session.scalars(sa.select(User).where(User.is_admin.is_(False))).all()
    assert [u.email for u in users] == ["amina@ministry.example"]  # the account's own address
    [identity] = _identities(db)
    assert identity.email == "amina.diallo@ministry.example"  # as the provider gives it now
    assert client.get("/account/profile").status_code == 200


def test_a_confirmed_account_is_linked_and_vouched_for(client, db, idp, institution, make_user):
    owner = make_user("ben@ministry.example", organisation="Ministry (testing dept)")
    owner.email_confirmed_at = utcnow()
    db.session.commit()
    idp.add_person("ben", "ben@ministry.example")

    answer = sign_in(client, idp, institution.provider.id, "ben")
    assert answer.status_code == 302 and "/sso/complete" not in answer.headers["Location"]
    [identity] = _identities(db)
    assert identity.user_id == owner.id
    db.session.refresh(owner.profile)
    assert owner.profile.organisation == "Ministry of Testing" and owner.profile.is_verified
    page = client.get("/account/profile").get_data(as_text=True)
    assert "Your account is linked to Ministry of Testing" in page
    assert "Verified by Ministry of Testing" in page


def test_an_institution_that_does_not_vouch_leaves_the_profile_alone(
    client, db, idp, register_institution, make_user
):
    institution = register_institution("University of Tests", ["uni.example"], vouches=False)
    owner = make_user("cho@uni.example", organisation="Physics department")
    owner.email_confirmed_at = utcnow()
    db.session.commit()
    idp.add_person("cho", "cho@uni.example")
    assert sign_in(client, idp, institution.provider.id, "cho").status_code == 302
    db.session.refresh(owner.profile)
    assert owner.profile.organisation == "Physics department"
    assert owner.profile.verification is Verification.UNVERIFIED
    assert _identities(db)[0].vouched_at is None


def test_an_unconfirmed_account_is_never_linked(client, db, idp, institution, make_user):
    owner = make_user("carla@ministry.example", organisation="Somewhere")
    owner.email_confirmed_at = None  # registered, the confirmation link not yet followed
    db.session.commit()
    idp.add_person("carla", "carla@ministry.example")

    answer = sign_in(client, idp, institution.provider.id, "carla")
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert "not confirmed yet" in text and "Log in with your password" in text
    assert _identities(db) == []
    db.session.refresh(owner)
    assert owner.email_confirmed_at is None and owner.profile.organisation == "Somewhere"
    assert owner.profile.verification is Verification.UNVERIFIED
    assert client.get("/account/profile").status_code == 302  # not signed in


def test_an_address_outside_the_institutions_domains_is_refused(client, db, idp, institution):
    idp.add_person("dan", "dan@elsewhere.example")
    answer = sign_in(client, idp, institution.provider.id, "dan")
    assert answer.status_code == 403
    assert "ministry.example only" in answer.get_data(as_text=True)
    assert client.get("/sso/complete").status_code == 400  # nothing waits to be completed
    assert _identities(db) == []


def test_an_address_the_institution_has_not_verified_is_refused(client, db, idp, institution):
    idp.add_person("eve", "eve@ministry.example", email_verified=False)
    answer = sign_in(client, idp, institution.provider.id, "eve")
    assert answer.status_code == 403 and "not verified" in answer.get_data(as_text=True)
    assert _identities(db) == []


def test_a_switched_off_institution_cannot_be_used(client, db, idp, institution):
    from consult.sso.providers import set_enabled

    idp.add_person("fay", "fay@ministry.example")
    assert "Sign in with Ministry of Testing" in client.get("/login").get_data(as_text=True)
    authorize = leave_for_provider(client, institution.provider.id)
    set_enabled(institution.admin, institution.provider.id, False)  # while at the provider
    idp.approve_as = "fay"
    answer = client.get(provider_answer(authorize))
    assert answer.status_code == 403 and "switched off" in answer.get_data(as_text=True)
    assert idp.token_requests == []  # refused before the code was even exchanged
    assert client.get(f"/sso/{institution.provider.id}/start").status_code == 403
    assert "Sign in with Ministry of Testing" not in client.get("/login").get_data(as_text=True)
    assert _identities(db) == []


def test_the_completion_step_checks_the_profile(client, db, idp, institution):
    idp.add_person("gil", "gil@ministry.example")
    sign_in(client, idp, institution.provider.id, "gil")
    refused = _complete(client, {**PROFILE, "country": "XX", "display_name": " "})
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "gil@ministry.example")) is None
    assert _complete(client).status_code == 302


def test_an_answer_is_used_once(client, db, idp, institution):
    idp.add_person("amina", "amina@ministry.example")
    idp.approve_as = "amina"
    back = provider_answer(leave_for_provider(client, institution.provider.id))
    assert client.get(back).status_code == 302
    replay = client.get(back)
    assert replay.status_code == 400 and "expired" in replay.get_data(as_text=True)


def test_the_provider_refusing_is_said_plainly(client, db, idp, institution):
    authorize = leave_for_provider(client, institution.provider.id)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    answer = client.get("/sso/callback", query_string={"error": "access_denied", "state": state})
    assert answer.status_code == 403 and "cancelled or refused" in answer.get_data(as_text=True)


def test_a_new_account_keeps_the_language_it_signed_up_in(client, db, idp, institution):
    idp.add_person("amina", "amina@ministry.example")
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": "fr", "next": "/"})
    sign_in(client, idp, institution.provider.id, "amina")
    assert _complete(client).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "amina@ministry.example"))
    assert user.locale == "fr"  # mails to the account speak it
