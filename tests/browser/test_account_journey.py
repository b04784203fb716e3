"""A newcomer finds the consultation, registers, switches language and logs out."""

import re

from playwright.sync_api import expect


def test_newcomer_registers_reads_the_draft_and_switches_language(
    live_server, page, make_consultation
):
    make_consultation(title={"en": "Draft rules for shared data", "zh": "共享数据规则草案"})
    page.goto(live_server + "/")
    page.get_by_role("link", name="Draft rules for shared data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft rules for shared data")
    expect(page.locator(".clause")).to_have_count(2)

    page.get_by_role("link", name="Register").click()
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Name shown to others").fill("Amina Diallo")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_label("Stakeholder sector").select_option("civil_society")
    page.get_by_label("Country").select_option("SN")
    page.get_by_role("button", name="Create account").click()

    # Told to check the mail (the same page whether or not the address had an account),
    # then logging in at once, before confirming, brings the newcomer back.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.locator("#email").fill("amina@example.org")
    page.locator("#password").fill("a long enough password")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/c/test-consultation$"))
    expect(page.locator(".account-menu summary")).to_have_text("Amina Diallo")

    page.get_by_label("Language", exact=True).select_option("zh")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("共享数据规则草案")
    expect(page.get_by_text("第一条。")).to_be_visible()

    # The choice is remembered on the next page.
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_registration_errors_are_shown_next_to_the_fields(live_server, page):
    page.goto(live_server + "/register")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(
        page.get_by_text("Enter a valid email address, like name@example.org.").first
    ).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    # Keyboard users reach the content first through the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
