"""Tables of the dashboard on a 390 px phone, in French and Chinese: a statement in a
table's row header keeps a readable width (the table scrolls sideways in its own box
instead of squeezing the statement to a character a line), the page itself never scrolls
sideways, and axe-core stays clean."""

import pytest

from tests.browser.conftest import seed_analysed_demo, switch_language
from tests.browser.pages import PHONE, SIDEWAYS, problems_here

# Row headers narrower than this many ems (at their own font size), with a statement in them.
READABLE_EMS = 9

NARROW_STATEMENTS = """(ems) => {
  const narrow = [];
  for (const cell of document.querySelectorAll('main table th[scope="row"]')) {
    if (!cell.querySelector('q')) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const width = cell.getBoundingClientRect().width;
    const table = cell.closest('table').className;
    if (width < ems * em) narrow.push(`${table}: ${Math.round(width)} px`);
  }
  return narrow;
}"""

# Visible table captions whose text runs past the window: read only by scrolling the table.
CUT_CAPTIONS = """() => {
  const cut = [];
  for (const caption of document.querySelectorAll('main caption')) {
    if (caption.getBoundingClientRect().width <= 1) continue;  // visually hidden
    const range = document.createRange();
    range.selectNodeContents(caption);
    const box = range.getBoundingClientRect();
    if (box.width > 1 && box.right > window.innerWidth + 1)
      cut.push(`${caption.textContent.trim().slice(0, 30)}: ${Math.round(box.right)} px`);
  }
  return cut;
}"""


@pytest.fixture
def demo_in_languages(app):
    """The demo with its full 300 stakeholders, analysed: enough voters in several
    languages for the broadly agreed statements to be shown by language; its slug."""
    return seed_analysed_demo(app, 300)


@pytest.mark.parametrize("language", ["fr", "zh"])
def test_statements_in_dashboard_tables_keep_a_readable_width_on_a_phone(
    browser, live_server, demo_in_languages, language
):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        switch_language(page, live_server, language)
        page.goto(f"{live_server}/c/{demo_in_languages}/dashboard")
        page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
        table = page.locator("table.language-agreement")
        assert table.count() == 1, "the demo's agreement-by-language table"
        statements = table.locator('tbody th[scope="row"]')
        assert statements.count() > 0
        assert page.evaluate(NARROW_STATEMENTS, READABLE_EMS) == []
        # Not thousands of pixels a row, one character a line.
        assert table.bounding_box()["height"] < 800 * statements.count()
        assert page.evaluate(CUT_CAPTIONS) == []
        assert page.evaluate(SIDEWAYS) == []
        assert problems_here(page, f"{language} dashboard") == []
    finally:
        context.close()
