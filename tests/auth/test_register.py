import re

import pytest
import sqlalchemy as sa

from consult.auth.models import Sector, User
from tests.conftest import PASSWORD, post_form

GOOD = {
    "email": "Wanjiru@Example.org",
    "display_name": "Wanjiru Kamau",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "sector": "civil_society",
    "country": "KE",
    "organisation": "Open Data Kenya",
}


def register(client, **changes):
    return post_form(client, "/register", {**GOOD, **changes})


def test_register_creates_an_unconfirmed_account_and_says_to_check_the_mail(client, db):
    response = register(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "wanjiru@example.org"))
    assert user is not None, "email is stored normalised to lower case"
    assert user.email_confirmed_at is None
    assert user.profile.sector is Sector.CIVIL_SOCIETY
    assert user.profile.country == "KE"
    assert user.profile.region == "sub_saharan_africa"
    assert user.profile.income_group == "lower_middle"
    assert user.password_hash.startswith("scrypt:"), "passwords use a modern KDF"
    assert PASSWORD not in user.password_hash
    # Not logged in by registering (an address that had an account could not be), but
    # the new account logs in at once, before confirming.
    assert "Log out" not in client.get("/").get_data(as_text=True)
    login = post_form(client, "/login", {"email": GOOD["email"], "password": PASSWORD})
    assert login.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Wanjiru Kamau" in page and "Log out" in page


def test_register_returns_to_where_the_visitor_was(client):
    html = client.get("/register?next=/c/somewhere").get_data(as_text=True)
    assert 'value="/c/somewhere"' in html
    response = register(client, next="/c/somewhere")
    assert 'href="/login?next=/c/somewhere"' in response.get_data(as_text=True)


def test_register_refuses_offsite_next(client):
    response = register(client, next="https://evil.example/")
    page = response.get_data(as_text=True)
    assert "evil.example" not in page and 'href="/login"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": "a" * 250 + "@example.org"}, "Field cannot be longer than 254 characters."),
        ({"display_name": ""}, "Enter your name."),
        ({"display_name": "x" * 81}, "Field cannot be longer than 80 characters."),
        (
            {"password": "short", "confirm": "short"},
            "Field must be between 10 and 128 characters long.",
        ),
        ({"confirm": "something else entirely"}, "The two passwords differ."),
        ({"sector": "astronaut"}, "Not a valid choice"),
        ({"sector": ""}, "Choose a stakeholder sector from the list."),
        ({"country": "XX"}, "Not a valid choice"),
        ({"country": ""}, "Choose a country from the list."),
        ({"organisation": "o" * 161}, "Field cannot be longer than 160 characters."),
    ],
)
def test_register_bad_input_is_a_clear_4xx(client, row_count, changes, message):
    response = register(client, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert row_count(User) == 0


def test_register_duplicate_email_keeps_the_first_account(reload, client, make_user, row_count, db):
    first = make_user("wanjiru@example.org", display_name="First")
    response = register(client, email="WANJIRU@example.org ")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check your email" in page, "the same answer as for a new address"
    assert "already" not in page.split("<main", 1)[1].split("If this address had")[0]
    assert row_count(User) == 1
    reload(first)
    assert first.display_name == "First"


def test_register_without_csrf_token_is_refused(client, row_count):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert row_count(User) == 0


def test_register_wrong_type_fields_do_not_crash(client, row_count):
    html = client.get("/register").get_data(as_text=True)
    from tests.conftest import csrf_from

    response = client.post(
        "/register",
        data={
            **GOOD,
            "csrf_token": csrf_from(html),
            "sector": ["industry", "academia"],
            "country": "1",
        },
    )
    assert response.status_code == 422
    assert row_count(User) == 0


def test_the_list_of_problems_follows_the_form_from_top_to_bottom(client):
    """The summary above the form names the problems in the order the fields come in."""
    response = post_form(client, "/register", {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('class="error-summary"') : html.index("</ul>")]
    listed = re.findall(r'href="#([a-z_]+)"', summary)
    on_page = [
        name
        for name in re.findall(r'<(?:input|select)[^>]*\bid="([a-z_]+)"', html)
        if name in listed
    ]
    assert listed == on_page and listed[:2] == ["email", "display_name"], listed
