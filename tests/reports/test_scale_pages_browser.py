"""In Chromium: the dashboard with its opinion map drawn as a density, and the statements
list a page at a time, pass axe-core (WCAG 2.2 AA), tap targets and 390 px without
sideways scrolling. The app is served in this process, so the thresholds are lowered
for the small demo: 60 participants make a density, 5 statements a page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import analysed_demo  # noqa: F401  (the demo, analysed)
from tests.browser.pages import DESKTOP, PHONE, problems_here


def _page(browser, viewport):  # noqa: F811  (the fixture's value, passed in)
    context = browser.new_context(locale="en-GB", viewport=viewport)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_the_density_map_dashboard_is_accessible_on_a_phone(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    analysed_demo,  # noqa: F811
    monkeypatch,
):
    from consult.reports import dashboard_cache, dashboard_figures

    monkeypatch.setattr(dashboard_figures, "MAP_POINTS", 10)
    dashboard_cache.clear()
    context, page = _page(browser, PHONE)
    try:
        page.goto(f"{live_server}/c/{analysed_demo}/dashboard")
        figure = page.locator("#fold-map figure")
        expect(figure).to_contain_text("the map shows where they sit rather than each one")
        assert page.locator("svg.opinion-map .map-marks path").count() > 0
        assert page.locator("svg.opinion-map .map-marks circle").count() == 0
        assert problems_here(page, "dashboard with a density map") == []
    finally:
        context.close()


def test_the_statements_list_a_page_at_a_time_is_accessible(
    browser,  # noqa: F811
    live_server,  # noqa: F811
    analysed_demo,  # noqa: F811
    monkeypatch,
):
    from consult.participation import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 5)
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(f"{live_server}/c/{analysed_demo}/statements?show=all&sort=agreed")
        expect(page.locator(".pager")).to_contain_text("Page 1 of")
        first = page.locator("#statement-results li.statement").all_inner_texts()
        assert len(first) == 5
        assert problems_here(page, "statements, page 1") == []
        page.locator('.pager a[rel="next"]').click()
        expect(page.locator(".pager")).to_contain_text("Page 2 of")
        second = page.locator("#statement-results li.statement").all_inner_texts()
        assert second and not set(second) & set(first)
        assert "sort=agreed" in page.url and "page=2" in page.url
        # Another order, chosen with the form (htmx swaps the results in place).
        page.locator("#statement-sort").select_option("least_voted")
        page.locator(".statement-filters button[type=submit]").click()
        expect(page.locator(".pager")).to_contain_text("Page 1 of")
        assert problems_here(page, "statements, least voted") == []
    finally:
        context.close()
