"""A mailed link that no longer works says where a new one comes from: the reset page
points at /forgot, the confirmation page at the account page's resend button, the
change-of-address page at the change form."""

from __future__ import annotations

import re

import pytest

from consult.auth import tokens
from consult.db_types import utcnow
from tests.conftest import post_form

BUTTON_RE = re.compile(r'<a class="button" href="([^"]+)"')


def _old(purpose, user, extra=""):
    issued = utcnow() - purpose.valid_for * 2
    return tokens.make_token(purpose, user, extra, issued_at=issued)


@pytest.mark.parametrize(
    ("purpose", "prefix", "extra", "target", "words"),
    [
        (tokens.RESET, "/reset/", "", "/forgot", "Ask for a new link to choose a password"),
        (tokens.CONFIRM, "/confirm/", "", "/account/profile#email-heading", "Resend confirmation"),
        (
            tokens.CHANGE_EMAIL,
            "/account/email/change/",
            "new@example.org",
            "/account/email",
            "Change my email address again",
        ),
    ],
)
def test_an_expired_or_used_link_points_at_where_to_ask_again(
    app, db, client, make_user, purpose, prefix, extra, target, words
):
    user = make_user("ada@example.org", confirmed=purpose is not tokens.CONFIRM)
    expired = client.get(prefix + _old(purpose, user, extra))
    html = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "has expired" in html
    assert BUTTON_RE.findall(html) == [target] and words in html
    assert "HX-Request" in expired.headers["Vary"]

    forged = client.get(prefix + tokens.make_token(purpose, user, extra)[:-3] + "xyz")
    html = forged.get_data(as_text=True)
    assert forged.status_code == 400 and "Ask for a new one" in html
    assert BUTTON_RE.findall(html) == [target]
    posted = post_form(client, prefix + "not-a-token", {}, page="/login")
    assert posted.status_code == 400 and BUTTON_RE.findall(posted.get_data(as_text=True))


def test_a_used_confirmation_link_then_the_account_page_has_the_resend_button(
    app, db, client, login, make_user
):
    user = login(make_user("ada@example.org", confirmed=False))
    token = tokens.make_token(tokens.CONFIRM, user)
    page = "/account/profile"
    assert post_form(client, f"/confirm/{token}", {}).status_code == 302
    used = client.get(f"/confirm/{token}")
    assert used.status_code == 400
    (target,) = BUTTON_RE.findall(used.get_data(as_text=True))
    assert target == page + "#email-heading"
    assert 'id="email-heading"' in client.get(page).get_data(as_text=True)


def test_an_htmx_request_gets_the_usual_error_fragment(app, db, client, make_user):
    user = make_user("ada@example.org")
    answer = client.get(f"/reset/{_old(tokens.RESET, user)}", headers={"HX-Request": "true"})
    assert answer.status_code == 410 and answer.headers["HX-Retarget"] == "#htmx-messages"
    assert "<html" not in answer.get_data(as_text=True)
