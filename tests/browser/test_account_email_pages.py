"""The account pages reached by mail, checked in Chromium in both languages: axe-core,
tap targets, and no sideways scrolling at phone width."""

from __future__ import annotations

import pytest

from consult.auth import tokens
from tests.browser.conftest import switch_language
from tests.browser.pages import check_page, problems_here, signed_in
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_account_email_pages_are_clean(app, live_server, browser, make_user, language):
    user = make_user("new@example.org", confirmed=False)
    confirm = tokens.make_token(tokens.CONFIRM, user)
    change = tokens.make_token(tokens.CHANGE_EMAIL, user, "other@example.org")
    reset = tokens.make_token(tokens.RESET, user)
    problems = []
    with signed_in(browser, live_server, user.email, PASSWORD, language) as page:
        for path in ("/account/profile", "/account/email", f"/confirm/{confirm}",
                     f"/account/email/change/{change}"):  # fmt: skip
            problems += check_page(page, live_server, path, language)
        problems += check_page(page, live_server, "/confirm/not-a-token", language, status=400)
        # The change form with its error messages.
        page.goto(live_server + "/account/email")
        page.locator("#email").fill("not an address")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        problems += problems_here(page, f"{language} change form with errors")
    context = browser.new_context(locale="en-GB")
    try:
        visitor = context.new_page()
        switch_language(visitor, live_server, language)
        problems += check_page(visitor, live_server, f"/reset/{reset}", language)
        problems += check_page(visitor, live_server, "/forgot", language)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_take_part_page_is_clean(app, live_server, browser, team, language):  # noqa: F811
    path = "/c/test-consultation/organise/take-part"
    with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
        problems = check_page(page, live_server, path, language)
        page.locator("#addresses").fill("not-an-address")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        problems += problems_here(page, f"{language} take part with errors")
    assert not problems, "\n".join(problems)
