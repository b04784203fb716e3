import sqlalchemy as sa

from consult.auth.models import User
from tests.conftest import PASSWORD, post_form


def test_login_and_logout(reload, client, make_user, db):
    user = make_user()
    response = post_form(client, "/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert user.display_name in client.get("/").get_data(as_text=True)
    reload(user)
    assert user.last_login_at is not None
    response = post_form(client, "/logout", {}, page="/")
    assert response.status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_login_wrong_password(client, make_user):
    user = make_user()
    response = post_form(client, "/login", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_login_unknown_email_says_the_same(client):
    response = post_form(client, "/login", {"email": "nobody@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_login_empty_form(client):
    response = post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_login_returns_to_next(client, make_user):
    user = make_user()
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": PASSWORD, "next": "/c/x"},
        page="/login?next=/c/x",
    )
    assert response.headers["Location"] == "/c/x"


def test_login_refuses_protocol_relative_next(client, make_user):
    user = make_user()
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example"):
        response = post_form(
            client, "/login", {"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == "/"
        post_form(client, "/logout", {}, page="/")


def test_synthetic_accounts_cannot_log_in(client, db):
    from consult.auth.models import Sector, StakeholderProfile
    from consult.auth.services import UNUSABLE_PASSWORD

    user = User(email="voter@demo.example", display_name="Voter", password_hash=UNUSABLE_PASSWORD)
    user.profile = StakeholderProfile(sector=Sector.CITIZEN, country="IN")
    db.session.add(user)
    db.session.commit()
    for password in ("", "!", UNUSABLE_PASSWORD):
        response = post_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 422


def test_logout_requires_post_with_csrf(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_change_password(client, make_user, login, db):
    user = login(make_user())
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    post_form(client, "/logout", {}, page="/")
    assert (
        post_form(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 422
    )
    assert (
        post_form(
            client, "/login", {"email": user.email, "password": "a brand new secret"}
        ).status_code
        == 302
    )


def test_change_password_wrong_current_keeps_old(client, make_user, login, db):
    user = login(make_user())
    before = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.password_hash).where(User.id == user.id)) == before


def test_change_password_needs_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account/password")


def test_htmx_request_to_protected_page_gets_hx_redirect(client):
    response = client.get("/account/password", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
