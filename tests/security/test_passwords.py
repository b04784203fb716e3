"""Password policy (issue 12, item 7): common and trivially weak passwords are refused
with a reason, on registration, password change and ``flask create-admin``."""

from __future__ import annotations

import pytest

from consult.auth.models import User
from tests.conftest import PASSWORD, post_form

EMAIL = "wanjiru.kamau@example.org"
NAME = "Wanjiru Kamau"
STRONG = "lantern orbit mosaic 73"  # noqa: S105 (a test password)
WEAK = {
    "aaaaaaaaaa": 'Repeats like "aaa" are easy to guess.',
    "0123456789": 'Sequences like "abc" or "6543" are easy to guess.',
    "password123": "This is a very common password.",
    EMAIL: "It is your email or your name.",
    "Wanjiru Kamau": "It is your email or your name.",
}


def register(client, password: str):
    return post_form(
        client,
        "/register",
        {
            "email": EMAIL,
            "display_name": NAME,
            "password": password,
            "confirm": password,
            "sector": "academia",
            "country": "KE",
        },
    )


@pytest.mark.parametrize(("password", "reason"), WEAK.items(), ids=list(WEAK))
def test_registration_refuses_weak_passwords_and_says_why(client, row_count, password, reason):
    response = register(client, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a password that is harder to guess." in page
    assert reason.replace('"', "&#34;") in page
    assert row_count(User) == 0


def test_registration_accepts_a_strong_password(client, row_count):
    assert register(client, STRONG).status_code == 200  # "check your email"
    assert row_count(User) == 1


def test_the_test_suites_password_is_strong():
    from consult.auth.passwords import check_password

    check_password(PASSWORD, email="ada@example.org", display_name="Ada", field="password")


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "0123456789", "password123", "ada@example.org"])
def test_password_change_refuses_weak_passwords(client, make_user, login, reload, password):
    user = login(make_user("ada@example.org"))
    before = user.password_hash
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": password, "confirm": password},
    )
    assert response.status_code == 422
    assert "Choose a password that is harder to guess." in response.get_data(as_text=True)
    assert reload(user).password_hash == before


def test_password_change_accepts_a_strong_password(client, make_user, login):
    user = login(make_user())
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": STRONG, "confirm": STRONG},
    )
    assert response.status_code == 302
    post_form(client, "/logout", {}, page="/")
    assert post_form(client, "/login", {"email": user.email, "password": STRONG}).status_code == 302


def test_length_limits_are_kept(client, row_count):
    for password in ("Zq8#vL2!", "lantern orbit mosaic " * 7):  # 8 and 147 characters
        assert register(client, password).status_code == 422
    assert row_count(User) == 0


def test_a_long_strong_password_is_checked_quickly(client):
    import time

    password = "lantern orbit mosaic 73 " * 5 + "x" * 8  # 128 characters
    started = time.monotonic()
    assert register(client, password).status_code == 200  # "check your email"
    assert time.monotonic() - started < 5


def test_create_admin_refuses_a_weak_password(runner, row_count):
    result = runner.invoke(
        args=["create-admin", "root@example.org", "--country", "DE"],
        env={"CONSULT_ADMIN_PASSWORD": "password123"},
    )
    assert result.exit_code == 2
    assert "harder to guess" in result.output
    assert row_count(User) == 0


def test_production_hashes_with_the_reviewed_scrypt_cost(tmp_path):
    """The suite hashes cheaply (its config); an app configured as deployed does not."""
    from consult.app import create_app
    from consult.auth.services import PASSWORD_METHOD, hash_password

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "SECRET_KEY": "x" * 32,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    assert "PASSWORD_HASH_METHOD" not in app.config
    with app.app_context():
        assert hash_password(PASSWORD).startswith(PASSWORD_METHOD + "$")
    assert PASSWORD_METHOD == "scrypt:32768:8:1"
