"""A redrafted clause in the browser: the current wording's page shows the discussion of
the earlier wording and leads to it, the earlier wording's page says what it is and leads
back; axe-core (WCAG 2.2 AA) on both, English and Chinese, desktop and 390 px."""

# ruff: noqa: F811  (the shared fixtures are imported by name)
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_participation_a11y import accessible_everywhere, log_in, new_page
from tests.participation.test_clause_lineage import redrafted  # noqa: F401
from tests.team import contribute, quick_user, team  # noqa: F401

SLUG = "test-consultation"


def test_a_redrafted_clause_keeps_its_discussion_in_the_browser(
    live_server, browser, db, team, redrafted
):
    new, old = redrafted["new"], redrafted["old"]
    page = new_page(browser)
    try:
        log_in(page, live_server, "someone@example.org")
        page.goto(f"{live_server}/c/{SLUG}/s/{new}")
        earlier = page.locator("section.earlier-discussion")
        expect(earlier.get_by_role("heading", name="From earlier versions")).to_be_visible()
        expect(earlier.get_by_text("Say who decides.")).to_be_visible()
        expect(earlier.get_by_text("Adopted into version 2 of the draft.")).to_be_visible()
        expect(page.locator(".thread-count")).to_have_text(
            "3 comments, 3 of them on earlier versions of this clause."
        )
        expect(earlier.get_by_role("button", name="Post reply")).to_have_count(0)
        # The earlier wording, and back to the current text.
        earlier.get_by_role("link", name="Read the wording of version 1").click()
        expect(page.locator("#earlier-wording")).to_contain_text(
            "This is an earlier version of this clause."
        )
        expect(page.locator(f"#vote-{old} button.vote-button")).to_have_count(0)
        page.get_by_role("link", name="Read the current text of clause 1").click()
        expect(page).to_have_url(f"{live_server}/c/{SLUG}/s/{new}")
        expect(page.locator(f"#vote-{new} button.vote-button")).to_have_count(3)
    finally:
        page.context.close()
    for statement_id in (new, old):
        accessible_everywhere(
            browser, live_server, f"/c/{SLUG}/s/{statement_id}", email="someone@example.org"
        )
