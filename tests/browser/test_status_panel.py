"""The status panel in the browser: a draft with an opening time to come offers both
"Schedule: opens on ..." and "Open now" (never "Close it"); scheduled, it still offers
"Open now", which opens it at once; once closed, the consultation page asks for no vote
and leads to the results. Each page clean for axe-core in English and Chinese on a
desktop and a 390 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from consult.consultations.models import Status
from consult.db_types import utcnow
from tests.browser.pages import check_page, problems_here, signed_in
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)

SETTINGS = "/c/test-consultation/organise"


def _button(page, value: str):
    return page.locator(f"button[name=status][value={value}]")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_status_panel_offers_both_ways_to_open(browser, live_server, db, team, language):  # noqa: F811
    c = team.consultation
    c.status = Status.DRAFT
    c.opens_at = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    c.closes_at = c.opens_at + timedelta(days=10)
    db.session.commit()
    problems = []
    with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
        problems += check_page(page, live_server, SETTINGS, language)
        expect(_button(page, "open")).to_be_visible()
        expect(_button(page, "open_now")).to_be_visible()
        expect(_button(page, "closed")).to_have_count(0)
        if language == "en":
            expect(_button(page, "open")).to_contain_text("Schedule: opens on")
            expect(_button(page, "open_now")).to_have_text("Open now")
        _button(page, "open").click()  # scheduled: still "Open now", and "Back to draft"
        page.wait_for_load_state()
        expect(page.locator(".badge-scheduled").first).to_be_visible()
        expect(_button(page, "open")).to_have_count(0)
        expect(_button(page, "draft")).to_be_visible()
        problems += problems_here(page, f"{language} scheduled panel")
        _button(page, "open_now").click()
        page.wait_for_load_state()
        expect(page.locator(".badge-open").first).to_be_visible()
        expect(_button(page, "open_now")).to_have_count(0)
        problems += problems_here(page, f"{language} open panel")
        _button(page, "closed").click()
        page.wait_for_load_state()
        expect(page.locator(".badge-closed").first).to_be_visible()
        expect(_button(page, "open")).to_be_visible()  # reopen
        expect(_button(page, "archived")).to_be_visible()
        problems += problems_here(page, f"{language} closed panel")
        problems += check_page(page, live_server, "/c/test-consultation", language)
        expect(page.locator(".consultation-cta a[href$='/dashboard']")).to_be_visible()
        expect(page.locator(".consultation-header a[href$='/vote']")).to_have_count(0)
        expect(page.locator(".changed-notice, .vote-form")).to_have_count(0)
        if language == "en":
            page.goto(live_server + f"{SETTINGS}/audit")
            expect(page.locator("tr.audit-event").first).to_contain_text(
                "changed the status from Open to Closed"
            )
            expect(page.locator("tr.audit-event").nth(1)).to_contain_text(
                "changed the status from Scheduled to Open"
            )
    assert not problems, "\n".join(problems)
