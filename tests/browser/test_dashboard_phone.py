"""The dashboard on a 390 px phone, in English and Chinese: nothing scrolls sideways, the
plain-language summary is on the first screen, long sections fold (and open on a tap),
and axe-core finds no serious or critical WCAG 2.2 AA violation. The desktop view too."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import switch_language

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _sideways(page) -> list[str]:
    """Elements that stick out past the right edge of the viewport (none may)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const out = [];
          const page = document.documentElement.scrollWidth;
          if (page > width) out.push('page ' + page);
          for (const el of document.querySelectorAll('main *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1 && !el.closest('.scroll-box, .table-scroll'))
              out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
          }
          return out.slice(0, 8);
        }"""
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_dashboard_fits_a_phone_summary_first(browser, live_server, analysed_demo, language):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        switch_language(page, live_server, language)
        page.goto(f"{live_server}/c/{analysed_demo}/dashboard")
        summary = page.locator("#agree-summary-heading")
        expect(summary).to_be_visible()
        # The summary heading and the start of what it says are on the first screen.
        first = page.locator("section.summary").first.locator("p").first
        assert first.bounding_box()["y"] + 20 < PHONE["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _sideways(page) == []
        # Long sections start folded on a phone, so the page is short; a tap opens one.
        fold = page.locator("details#fold-broad")
        expect(fold).not_to_have_attribute("open", "")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 6000, height
        fold.locator("summary").click()
        expect(fold).to_have_attribute("open", "")
        # A link from the summary to a folded section opens it.
        page.locator('section.summary a[href="#divisive-heading"]').click()
        expect(page.locator("details#fold-divisive")).to_have_attribute("open", "")
        assert _sideways(page) == []
        # Open every section: still nothing wider than the phone.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert _sideways(page) == []
        assert_accessible(page)
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server}/c/{analysed_demo}/dashboard")
        expect(page.locator("details#fold-broad")).to_have_attribute("open", "")
        assert_accessible(page)
        page.goto(f"{live_server}/c/{analysed_demo}/dashboard/method")
        assert_accessible(page)
    finally:
        context.close()


def test_dashboard_on_a_phone_without_javascript(browser, live_server, analysed_demo):
    context = browser.new_context(locale="en-GB", viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{analysed_demo}/dashboard")
        # Without script every section is open, and still nothing scrolls sideways.
        expect(page.locator("details#fold-broad")).to_have_attribute("open", "")
        expect(page.get_by_role("heading", name="What people agree on")).to_be_visible()
        assert _sideways(page) == []
        page.locator("a.term").first.click()
        expect(page.get_by_role("heading", name="How the analysis works")).to_be_visible()
    finally:
        context.close()
