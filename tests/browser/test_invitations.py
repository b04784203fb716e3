"""Invitations in the browser: an organiser invites an address without account from the team
page, sees it waiting and withdraws it; the team page, with an invitation waiting and with the
duplicate refused, is clean for axe-core in English and Chinese on a desktop and a 390 px phone."""

from playwright.sync_api import expect

from consult.consultations.models import Role
from consult.organise.invitations import invite
from tests.browser.pages import check_page, log_in, problems_here, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

TEAM = "/c/test-consultation/organise/team"


def test_organiser_invites_and_withdraws(live_server, page, team):  # noqa: F811
    log_in(page, live_server, team.organiser.email, PASSWORD)
    page.goto(live_server + TEAM)
    page.get_by_label("Their email address").fill("guest@example.org")
    page.locator("#role").select_option("moderator")
    page.get_by_role("button", name="Appoint").click()
    expect(page.locator("#invitations")).to_contain_text("guest@example.org")
    expect(page.locator("main")).to_contain_text("an invitation is waiting")
    page.get_by_role("button", name="Withdraw the invitation of guest@example.org").click()
    expect(page.locator("main")).to_contain_text("The invitation is withdrawn.")
    expect(page.locator("#invitations")).to_have_count(0)


def test_team_page_with_invitations_passes_axe(browser, live_server, team):  # noqa: F811
    invite(team.organiser, team.consultation, "waiting@example.org", Role.ORGANISER)
    problems = []
    for language in ("en", "zh"):
        with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
            problems += check_page(page, live_server, TEAM, language)
            # the same address and role again: refused in the page (409)
            page.locator("#email").fill("waiting@example.org")
            page.locator("#role").select_option("organiser")
            page.locator("main form button.button").click()
            page.wait_for_load_state()
            expect(page.locator("#email-error")).to_be_visible()
            problems += problems_here(page, f"{language} {TEAM} duplicate refused")
    assert not problems, "\n".join(problems)
