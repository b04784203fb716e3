"""In the browser: forgot password -> the mail -> its link -> a new password -> logged in."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.mail.conftest import inbox, link_to  # noqa: F401  (the SMTP fixture)
from tests.smtp import smtp_server  # noqa: F401  (the fixture inbox uses)

NEW_PASSWORD = "violet kettle marathon sunrise"


def test_reset_by_mail_in_the_browser(app, live_server, page, inbox, make_user):  # noqa: F811
    make_user("ada@example.org", display_name="Ada Lovelace")
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    assert_accessible(page)
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    (message,) = inbox.wait_for(1)
    page.goto(live_server + link_to(inbox, message, "/reset/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat new password").fill("short")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)  # the page with its error messages
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    page.locator("#email").fill("ada@example.org")
    page.locator("#password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Ada Lovelace").first).to_be_visible()
    assert "/login" not in page.url
