"""In Chromium: an account made through an institution's sign-in sees "Set a password by
email" on the change-password and change-email pages, and a dead mailed link says where
to ask for a new one; the pages pass axe-core (WCAG 2.2 AA), tap-target and phone-width
checks in English and Chinese."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.auth import tokens
from consult.auth.models import User
from consult.db_types import utcnow
from tests.browser.conftest import switch_language
from tests.browser.pages import check_page
from tests.sso.idp import PASSWORD as IDP_PASSWORD


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_password_pages_and_dead_link_pages_are_clean(
    app, db, idp, register_institution, live_server, browser, make_user, language
):
    app.config["SITE_URL"] = None  # the provider sends the browser back to the live server
    institution = register_institution(callback=live_server + "/sso/callback")
    idp.add_person("amina", "amina@ministry.example", name="Amina Diallo")
    other = make_user("other@example.org", confirmed=False)
    expired_confirm = tokens.make_token(
        tokens.CONFIRM, other, issued_at=utcnow() - tokens.CONFIRM.valid_for * 2
    )
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_role("link", name=f"Sign in with {institution.provider.name}").click()
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/sso/complete")
    page.get_by_label("Stakeholder sector").select_option("government")
    page.get_by_label("Country").select_option("SN")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Amina Diallo")
    user = db.session.scalar(sa.select(User).where(User.email == "amina@ministry.example"))
    old = utcnow() - tokens.RESET.valid_for * 2
    expired_reset = tokens.make_token(tokens.RESET, user, issued_at=old)
    problems: list[str] = []
    try:
        switch_language(page, live_server, language)
        for path in ("/account/password", "/account/email"):
            problems += check_page(page, live_server, path, language)
            expect(page.locator("#no-password form button")).to_be_visible()
        problems += check_page(page, live_server, f"/reset/{expired_reset}", language, 410)
        problems += check_page(page, live_server, "/reset/not-a-token", language, 400)
        problems += check_page(page, live_server, f"/confirm/{expired_confirm}", language, 410)
        problems += check_page(page, live_server, "/account/email/change/x", language, 400)
        if language == "en":
            page.goto(live_server + "/account/password")
            page.get_by_role("button", name="Set a password by email").click()
            expect(page.get_by_role("status")).to_contain_text("We have sent a link")
            page.goto(live_server + f"/reset/{expired_reset}")
            page.get_by_role("link", name="Ask for a new link to choose a password").click()
            expect(page.locator("h1")).to_have_text("Forgot your password?")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
