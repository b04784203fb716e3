"""The phase badges and dates, and the status and team refusals shown in their pages, in
the browser: clean for axe-core in English and Chinese on a desktop and a 390 px phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.auth.services import grant_role
from consult.consultations.models import Role
from consult.db_types import utcnow
from consult.organise import services
from tests.browser.conftest import switch_language
from tests.browser.pages import check_page, log_in, problems_here
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)


@pytest.fixture
def schedule(team, make_consultation):  # noqa: F811
    """A scheduled and an ended consultation beside the open one, and a draft with no
    published version that only ``team.organiser`` runs."""
    now = utcnow()
    soon = make_consultation("soon", opens_at=now + timedelta(days=30))
    make_consultation("over", closes_at=now - timedelta(days=2))
    grant_role(team.organiser, soon, Role.ORGANISER)
    services.create_consultation(
        team.organiser,
        "unpublished",
        services.Settings(title={"en": "Unpublished", "zh": "未发布"}, summary={},
                          languages=["en", "zh"]),
    )  # fmt: skip
    return team


@pytest.mark.parametrize("language", ["en", "zh"])
def test_phase_pages_and_refusals_pass_axe(browser, live_server, schedule, language):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    try:
        log_in(page, live_server, schedule.organiser.email, PASSWORD)
        switch_language(page, live_server, language)
        for path in ("/", "/c/soon", "/c/over", "/c/soon/organise"):
            problems += check_page(page, live_server, path, language)
        # Opening with no published draft: refused on the settings page itself.
        page.goto(live_server + "/c/unpublished/organise")
        with page.expect_response(lambda r: r.url.endswith("/organise/status")) as answer:
            page.locator("button[name=status][value=open]").click()
        assert answer.value.status == 409
        expect(page.locator("#status-error")).to_be_visible()
        expect(page.locator("#title_en")).to_be_visible()
        problems += problems_here(page, f"{language} refused opening")
        # Removing the only organiser: refused on the team page itself.
        page.goto(live_server + "/c/unpublished/organise/team")
        with page.expect_response(lambda r: r.url.endswith("/remove")) as answer:
            page.locator("form[action$='/remove'] button").first.click()
        assert answer.value.status == 409
        expect(page.locator("#removal-error")).to_be_visible()
        expect(page.locator("#email")).to_be_visible()
        problems += problems_here(page, f"{language} refused removal")
        if language == "en":
            expect(page.locator("#removal-error")).to_contain_text("at least one organiser")
            page.goto(live_server + "/")
            expect(page.locator(".card", has_text="Test consultation").first).to_be_visible()
            expect(page.locator("#upcoming-heading")).to_have_text("Coming consultations")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
