"""A schedule that explains itself, in the browser: a draft with saved dates says it still
needs scheduling, its button schedules it ("Schedule: opens on <date, time>"), the vote
boxes say when voting opens, and the audit log reads "from Draft to Scheduled"; each page
clean for axe-core in English and Chinese on a desktop and a 390 px phone."""

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


@pytest.mark.parametrize("language", ["en", "zh"])
def test_scheduling_a_draft_reads_clearly(browser, live_server, db, team, language):  # noqa: F811
    c = team.consultation
    c.status = Status.DRAFT
    c.opens_at = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    c.closes_at = c.opens_at + timedelta(days=10)
    db.session.commit()
    problems = []
    with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
        problems += check_page(page, live_server, SETTINGS, language)
        explained = page.locator("#status-explained")
        expect(explained).to_have_class("notice")
        schedule = page.locator("button[name=status][value=open]")
        if language == "en":
            expect(explained).to_contain_text("Saving the dates does not schedule")
            expect(schedule).to_contain_text("Schedule: opens on")
            expect(schedule).to_contain_text("UTC")
        schedule.click()
        page.wait_for_load_state()
        expect(page.locator(".badge-scheduled").first).to_be_visible()
        expect(page.locator("button[name=status][value=open]")).to_have_count(0)
        problems += problems_here(page, f"{language} scheduled settings")
        problems += check_page(page, live_server, "/c/test-consultation", language)
        problems += check_page(page, live_server, f"{SETTINGS}/audit", language)
        if language == "en":
            page.goto(live_server + "/c/test-consultation")
            expect(page.locator(".vote-box").first).to_contain_text("Voting opens on")
            page.goto(live_server + f"{SETTINGS}/audit")
            expect(page.locator("tr.audit-event").first).to_contain_text(
                "changed the status from Draft to Scheduled"
            )
    assert not problems, "\n".join(problems)
