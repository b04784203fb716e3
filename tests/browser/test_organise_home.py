"""The organiser home in the browser: reached from the account menu, and clean for axe-core
in English and Chinese on a desktop and a 390 px phone, for an organiser and a moderator."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.auth.services import grant_role
from consult.consultations.models import Role
from consult.db_types import utcnow
from consult.organise import services
from tests.browser.axe import serious_violations
from tests.browser.pages import DESKTOP, check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)


@pytest.fixture
def consultations(team, contribute, make_consultation):  # noqa: F811
    c = team.consultation
    contribute.statement(c, "Waiting.", contribute.participant(c, team.participant))
    services.create_consultation(
        team.organiser,
        "a-draft",
        services.Settings(
            title={"en": "A draft", "zh": "草稿"}, summary={}, languages=["en", "zh"]
        ),
    )
    soon = make_consultation("soon", opens_at=utcnow() + timedelta(days=30))
    grant_role(team.organiser, soon, Role.ORGANISER)
    return team


def test_organiser_reaches_the_home_from_the_account_menu(live_server, page, consultations):
    log_in(page, live_server, consultations.organiser.email, PASSWORD)
    page.goto(live_server + "/")
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="My consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My consultations")
    expect(page.get_by_role("heading", level=2)).to_have_count(3)  # draft, scheduled, open
    card = page.locator("#consultation-test-consultation")
    expect(card).to_contain_text("1 item waits for moderation")
    card.get_by_role("link", name="Moderate").click()
    expect(page).to_have_url(f"{live_server}/c/test-consultation/moderate")
    page.goto(live_server + "/")
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="New consultation").click()
    expect(page).to_have_url(f"{live_server}/organise/new")


@pytest.mark.parametrize("role", ["organiser", "moderator"])
def test_home_passes_axe_and_fits_a_phone(browser, live_server, consultations, role):
    problems = []
    for language in ("en", "zh"):
        with signed_in(
            browser, live_server, getattr(consultations, role).email, PASSWORD, language
        ) as page:
            problems += check_page(page, live_server, "/organise", language)
            # The account menu with its new links, open: on a desktop only, since on a
            # phone the open menu covers the page (axe then counts the covered targets).
            page.set_viewport_size(DESKTOP)
            page.locator(".account-menu summary").click()
            expect(page.locator(".account-menu a[href='/organise']")).to_be_visible()
            problems += [f"{language} menu open: {v}" for v in serious_violations(page)]
    assert not problems, "\n".join(problems)
