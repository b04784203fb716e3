"""An account made through an institution's sign-in has no password: "Forgot your
password?" mails it a link that sets the first one (over the real SMTP server), and the
change-password and change-email pages offer that link instead of asking for a password
it does not have. Its comments say which institution vouched for it."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import User, Verification
from consult.auth.services import UNUSABLE_PASSWORD
from consult.participation.models import ModerationState, Statement, StatementKind
from tests.conftest import PASSWORD, IsolatedClient, post_form
from tests.mail.conftest import link_to
from tests.smtp import smtp_server  # noqa: F401  (the fixture)
from tests.sso.conftest import sign_in
from tests.sso.test_sign_in import _complete
from tests.team import contribute, quick_user  # noqa: F401  (the fixtures)

EMAIL = "amina@ministry.example"
FIRST_PASSWORD = "copper lantern harbour evening"


def _sso_account(client, db, idp, institution) -> User:
    idp.add_person("amina", EMAIL, name="Amina D.")
    sign_in(client, idp, institution.provider.id, "amina", next_url="/account/profile")
    assert _complete(client).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    assert user.password_hash == UNUSABLE_PASSWORD
    return user


def _fresh(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _login_status(app, password) -> int:
    return post_form(_fresh(app), "/login", {"email": EMAIL, "password": password}).status_code


def _choose(client, path, password=FIRST_PASSWORD):
    return post_form(client, path, {"password": password, "confirm": password})


def test_forgot_mails_a_sign_in_account_a_link_that_sets_its_first_password(
    app,
    client,
    db,
    idp,
    institution,
    smtp_server,  # noqa: F811
):
    _sso_account(client, db, idp, institution)
    smtp_server.configure(app)
    assert _login_status(app, FIRST_PASSWORD) == 422

    visitor = _fresh(app)
    asked = post_form(visitor, "/forgot", {"email": "Amina@Ministry.example"})
    assert asked.status_code == 200 and "Check your email" in asked.get_data(as_text=True)
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == EMAIL
    assert "has no password yet" in smtp_server.text(message)
    reset = link_to(smtp_server, message, "/reset/")
    done = _choose(visitor, reset)
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert _login_status(app, FIRST_PASSWORD) == 302
    assert _choose(visitor, reset, "another long phrase here").status_code == 400, "used once"
    # Signing in with the institution still works alongside the password.
    again = _fresh(app)
    answer = sign_in(again, idp, institution.provider.id, "amina")
    assert answer.status_code == 302 and "/sso/complete" not in answer.headers["Location"]


def test_the_account_pages_offer_to_set_a_password_by_email(
    app,
    client,
    db,
    idp,
    institution,
    smtp_server,  # noqa: F811
):
    _sso_account(client, db, idp, institution)
    smtp_server.configure(app)
    for path in ("/account/password", "/account/email"):
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Your account has no password yet" in html and "Set a password by email" in html
        assert 'name="current_password"' not in html and 'name="password"' not in html
        assert 'action="/account/password/link"' in html
    # A crafted post to the forms changes nothing and mails nobody.
    refused = client.post("/account/email", data={"email": "new@example.org", "password": "x"})
    assert refused.status_code in (400, 422)
    assert smtp_server.messages == []

    sent = post_form(client, "/account/password/link", {}, page="/account/password")
    assert sent.status_code == 302 and sent.headers["Location"] == "/account/profile"
    assert EMAIL in client.get("/account/profile").get_data(as_text=True)
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == EMAIL and "has no password yet" in smtp_server.text(message)
    assert _choose(client, link_to(smtp_server, message, "/reset/")).status_code == 302
    assert _login_status(app, FIRST_PASSWORD) == 302

    # With a password, the pages ask for it as for any account, and the button refuses.
    fresh = _fresh(app)
    post_form(fresh, "/login", {"email": EMAIL, "password": FIRST_PASSWORD})
    html = fresh.get("/account/password").get_data(as_text=True)
    assert 'name="current_password"' in html and "Set a password by email" not in html
    assert 'name="password"' in fresh.get("/account/email").get_data(as_text=True)
    again = post_form(fresh, "/account/password/link", {}, page="/account/password")
    assert again.status_code == 409
    assert len(smtp_server.messages) == 1


def test_no_mail_for_an_account_without_password_or_confirmed_address(
    app,
    client,
    db,
    smtp_server,  # noqa: F811
):
    """Synthetic demo voters have neither: nothing is mailed to their made-up addresses."""
    db.session.add(User(email="voter@demo.example", display_name="V", password_hash="!"))
    db.session.commit()
    smtp_server.configure(app)
    asked = post_form(client, "/forgot", {"email": "voter@demo.example"})
    assert asked.status_code == 200
    assert smtp_server.messages == []  # inline: the job has run


def test_a_comment_says_which_institution_vouched_and_keeps_the_organisers_wording(
    app,
    client,
    db,
    idp,
    institution,
    make_consultation,
    quick_user,  # noqa: F811
    contribute,  # noqa: F811
):
    vouched = _sso_account(client, db, idp, institution)
    assert vouched.profile.is_verified and vouched.profile.organisation == "Ministry of Testing"
    checked = quick_user("checked@example.org", organisation="Agency of Things")
    checked.profile.verification = Verification.VERIFIED
    checked.profile.verified_by_id = institution.admin.id
    db.session.commit()
    consultation = make_consultation()
    clause = db.session.scalar(
        sa.select(Statement).where(
            Statement.consultation_id == consultation.id, Statement.kind == StatementKind.CLAUSE
        )
    )
    for author, body in ((vouched, "From the ministry."), (checked, "From the agency.")):
        person = contribute.participant(consultation, author)
        contribute.comment(
            consultation, clause, body, author=person, moderation_state=ModerationState.APPROVED
        )

    html = _fresh(app).get(f"/c/{consultation.slug}/s/{clause.id}").get_data(as_text=True)
    ministry = html[html.index("From the ministry.") - 1500 : html.index("From the ministry.")]
    agency = html[html.index("From the agency.") - 1500 : html.index("From the agency.")]
    ministry = ministry[ministry.rindex("<article") :]
    agency = agency[agency.rindex("<article") :]
    assert "✔ Verified by Ministry of Testing" in ministry
    assert "The sector is as they declared it." in ministry
    assert "verified by the organisers" not in ministry
    assert "✔ Verified: Agency of Things" in agency
    assert "Sector and organisation verified by the organisers" in agency
    assert "Verified by" not in agency

    # Verifiers' lists name the institution too.
    post_form(client, "/logout", {}, page="/account/profile")
    post_form(client, "/login", {"email": institution.admin.email, "password": PASSWORD})
    listing = client.get("/verification").get_data(as_text=True)
    assert "Verified by Ministry of Testing" in listing


def test_the_moderation_queue_names_the_institution_that_vouched(
    app,
    client,
    db,
    idp,
    institution,
    make_consultation,
    contribute,  # noqa: F811
):
    vouched = _sso_account(client, db, idp, institution)
    consultation = make_consultation()
    clause = db.session.scalar(
        sa.select(Statement).where(
            Statement.consultation_id == consultation.id, Statement.kind == StatementKind.CLAUSE
        )
    )
    person = contribute.participant(consultation, vouched)
    contribute.comment(consultation, clause, "Waiting in the queue.", author=person)
    db.session.commit()
    moderator = _fresh(app)  # the site admin holds every role
    post_form(moderator, "/login", {"email": institution.admin.email, "password": PASSWORD})
    html = moderator.get(f"/c/{consultation.slug}/moderate").get_data(as_text=True)
    item = html[html.index("Waiting in the queue.") - 3000 : html.index("Waiting in the queue.")]
    assert "✔ Verified by Ministry of Testing" in item
    assert "The sector is as they declared it." in item
