"""Single sign-on in Chromium against the app served by gunicorn over real HTTP.

The admin registers the test provider on /admin/sso through the page; a ministry's staff
member picks the institution on the login page, signs in on the provider's own login form
(Playwright fills it), gives the profile details the provider does not know, and lands
signed in, shown as verified by the institution. The admin page (empty and with an
institution), the login page with institutions, the completion page and the profile pass
axe-core (WCAG 2.2 AA), tap-target and phone-width checks; the admin page in Chinese too.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import switch_language
from tests.browser.pages import DESKTOP, log_in, problems_here
from tests.conftest import PASSWORD
from tests.serving import served
from tests.sso.idp import PASSWORD as IDP_PASSWORD


def _context(browser):  # noqa: F811  (the fixture's value, passed in)
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    return context


def test_a_ministry_signs_in_with_its_own_provider(
    browser,  # noqa: F811
    database_url,
    tmp_path,
    db,
    idp,
    make_user,  # noqa: F811
):
    admin = make_user("admin@example.org", admin=True)
    idp.add_person("amina", "amina.diallo@ministry.example", name="Amina Diallo")
    problems: list[str] = []
    with served(database_url, tmp_path / "served", workers=1) as app:
        registered = idp.add_client(app.base + "/sso/callback")

        admin_context = _context(browser)
        page = admin_context.new_page()
        log_in(page, app.base, admin.email, PASSWORD)
        page.goto(app.base + "/admin/sso")
        expect(page.locator("#callback-url")).to_have_text(app.base + "/sso/callback")
        problems += problems_here(page, "admin page, no institution")
        page.locator("#name").fill("Ministry of Testing")
        page.locator("#issuer").fill(idp.issuer)
        page.locator("#client_id").fill(registered.client_id)
        page.locator("#client_secret").fill(registered.client_secret)
        page.locator("#domains").fill("ministry.example")
        page.locator("#vouches_for_organisation").check()
        page.get_by_role("button", name="Add the institution").click()
        expect(page.get_by_role("status")).to_contain_text("People can sign in with")
        expect(page.locator("#institutions")).to_contain_text("ministry.example")
        expect(page.locator("main")).not_to_contain_text(registered.client_secret)
        problems += problems_here(page, "admin page with an institution")
        page.get_by_role("link", name="Change the settings of Ministry of Testing").click()
        page.locator("#domains").fill("not a domain!")
        page.get_by_role("button", name="Save the settings").click()
        expect(page.locator("#domains-error")).to_contain_text("is not an email domain")
        problems += problems_here(page, "settings page, a domain refused")
        switch_language(page, app.base, "zh")
        page.goto(app.base + "/admin/sso")
        problems += problems_here(page, "zh admin page")
        admin_context.close()

        context = _context(browser)
        page = context.new_page()
        page.goto(app.base + "/login")
        problems += problems_here(page, "login page with institutions")
        page.get_by_role("link", name="Sign in with Ministry of Testing").click()
        # The provider's own page (another origin): its login form.
        expect(page).to_have_url(re.compile(re.escape(idp.issuer) + "/authorize"))
        page.get_by_label("Username").fill("amina")
        page.get_by_label("Password").fill(IDP_PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        expect(page).to_have_url(app.base + "/sso/complete")
        expect(page.locator("main")).to_contain_text("amina.diallo@ministry.example")
        expect(page.locator("#vouched-organisation")).to_contain_text("Ministry of Testing")
        problems += problems_here(page, "completion page")
        page.get_by_label("Stakeholder sector").select_option("government")
        page.get_by_label("Country").select_option("SN")
        page.get_by_role("button", name="Create my account").click()
        expect(page.get_by_role("status")).to_contain_text("Welcome, Amina Diallo")
        expect(page.locator(".account-menu summary")).to_have_text("Amina Diallo")

        page.goto(app.base + "/account/profile")
        expect(page.locator("#vouched-by")).to_contain_text("Verified by Ministry of Testing")
        problems += problems_here(page, "profile verified by the institution")
        context.close()
    assert idp.authorization_requests[-1]["code_challenge_method"] == "S256"
    assert not problems, "\n".join(problems)
