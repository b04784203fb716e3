"""An invitation's destination survives registration: the invitation mail's
/register?next=/c/<slug> carries on through the "check your email" page, the mailed
confirmation link, its page and the login form, so the invited person ends on the
consultation; a hostile ``next`` is dropped at every step."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.auth.test_register import GOOD
from tests.conftest import PASSWORD, csrf_from, post_form
from tests.mail.conftest import link_to, main_of

TEAM = "/c/test-consultation/organise/team"
SLUG_PATH = "/c/test-consultation"
GUEST = "guest@example.org"
FORM_NEXT_RE = re.compile(r'id="next" name="next" type="hidden" value="([^"]*)"')
HOSTILE = ["https://evil.example/", "//evil.example", "/\t/evil.example", "/c/x\r\nSet-Cookie:a"]


def _invite(inbox, new_client, team):
    organiser = new_client()
    post_form(organiser, "/login", {"email": team.organiser.email, "password": PASSWORD})
    assert post_form(organiser, TEAM, {"email": GUEST, "role": "moderator"}).status_code == 302
    (invitation,) = inbox.wait_for(1)
    return invitation


def _register(client, register_page, email=GUEST):
    """Fill in the register form the page gave (its hidden ``next`` as the page set it)."""
    html = client.get(register_page).get_data(as_text=True)
    page_next = html_lib.unescape(FORM_NEXT_RE.search(html).group(1))
    data = {**GOOD, "email": email, "csrf_token": csrf_from(html), "next": page_next}
    return client.post("/register", data=data)


def _next_of(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("next", [])


def test_invited_person_lands_on_the_consultation(app, db, team, inbox, new_client):
    invitation = _invite(inbox, new_client, team)
    register_page = link_to(inbox, invitation, "/register")
    assert _next_of(register_page) == [SLUG_PATH]
    guest = new_client()
    checked = _register(guest, register_page)
    assert checked.status_code == 200
    page = main_of(checked.get_data(as_text=True))
    assert "Check your email" in page and f'href="/login?next={SLUG_PATH}"' in page
    confirmation = inbox.wait_for(2)[1]
    confirm = link_to(inbox, confirmation, "/confirm/")
    assert _next_of(confirm) == [SLUG_PATH], "the mailed link keeps where they were going"
    assert guest.get(confirm).status_code == 200
    done = post_form(guest, confirm, {})
    assert done.status_code == 302
    login_page = done.headers["Location"]
    assert urlsplit(login_page).path == "/login" and _next_of(login_page) == [SLUG_PATH]
    login_html = guest.get(login_page).get_data(as_text=True)
    assert f'name="next" type="hidden" value="{SLUG_PATH}"' in login_html
    logged_in = guest.post(
        login_page,
        data={
            "csrf_token": csrf_from(login_html),
            "email": GUEST,
            "password": PASSWORD,
            "next": SLUG_PATH,
        },
    )
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == SLUG_PATH
    assert guest.get(SLUG_PATH).status_code == 200


def test_confirming_while_logged_in_goes_to_the_consultation(app, db, team, inbox, new_client):
    invitation = _invite(inbox, new_client, team)
    guest = new_client()
    assert _register(guest, link_to(inbox, invitation, "/register")).status_code == 200
    assert post_form(guest, "/login", {"email": GUEST, "password": PASSWORD}).status_code == 302
    confirm = link_to(inbox, inbox.wait_for(2)[1], "/confirm/")
    done = post_form(guest, confirm, {})
    assert done.status_code == 302 and done.headers["Location"] == SLUG_PATH


def test_a_known_address_gets_a_login_link_with_the_destination(
    app, db, inbox, new_client, make_user
):
    make_user(GUEST)
    assert _register(new_client(), f"/register?next={SLUG_PATH}").status_code == 200
    (message,) = inbox.wait_for(1)
    assert _next_of(link_to(inbox, message, "/login")) == [SLUG_PATH]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_next_is_dropped_everywhere(app, db, inbox, new_client, hostile):
    guest = new_client()
    checked = _register(guest, "/register?" + f"next={quote(hostile, safe='')}")
    assert checked.status_code == 200
    page = main_of(checked.get_data(as_text=True))
    assert 'href="/login"' in page and "evil" not in page and "Set-Cookie" not in page
    (confirmation,) = inbox.wait_for(1)
    confirm = link_to(inbox, confirmation, "/confirm/")
    assert _next_of(confirm) == [], "nothing unsafe is put on the mailed link"
    # A next added to the link by hand is checked again when it is used.
    tampered = f"{confirm}?next={quote(hostile, safe='')}"
    assert guest.get(tampered).status_code == 200
    done = post_form(guest, tampered, {})
    assert done.status_code == 302 and done.headers["Location"] == "/login"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_next_on_the_link_while_logged_in(app, db, client, login, make_user, hostile):
    from consult.auth import tokens

    user = login(make_user(GUEST, confirmed=False))
    token = tokens.make_token(tokens.CONFIRM, user)
    link = f"/confirm/{token}?next={quote(hostile, safe='')}"
    done = post_form(client, link, {})
    assert done.status_code == 302 and done.headers["Location"] == "/account/profile"
