"""The dashboard in a browser: figures, table views and method notes, with and without
JavaScript; the htmx poll leaves the page alone until a newer analysis exists."""

import re

from playwright.sync_api import expect


def _check_dashboard(page, base, slug):
    page.goto(f"{base}/c/{slug}")
    page.get_by_role("link", name="What participants think").click()
    expect(page.get_by_role("heading", name="What participants think")).to_be_visible()
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(page.get_by_role("heading", name="Clause by sector")).to_be_visible()
    # Every chart has a table view behind a disclosure that works without script.
    section = page.locator("section", has=page.get_by_role("heading", name="Clause by region"))
    table = section.locator("details.table-view table")
    expect(table).to_be_hidden()
    section.get_by_text("Show as a table").click()
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile(r"^Clause 1: "))).to_be_visible()
    # Heatmap cells are focusable and carry their counts.
    cell = section.locator("g.heat-cell").first
    cell.focus()
    expect(cell.locator("title")).to_contain_text("voters")
    page.locator("a.method-link").first.click()
    expect(page.get_by_role("heading", name="How the analysis works")).to_be_visible()


def test_dashboard_with_and_without_javascript(browser, page, live_server, analysed_demo):
    _check_dashboard(page, live_server, analysed_demo)
    page.clock.install()
    page.goto(f"{live_server}/c/{analysed_demo}/dashboard")
    page.evaluate("window.__marker = 1")
    # Run the 20 s poll now: 204 (no newer analysis) means nothing is swapped.
    with page.expect_response(lambda r: "since=" in r.url) as polled:
        page.clock.run_for(21_000)
    assert polled.value.status == 204
    assert page.evaluate("window.__marker") == 1
    expect(page.locator("#dashboard")).to_have_count(1)

    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _check_dashboard(page, live_server, analysed_demo)
    finally:
        context.close()
