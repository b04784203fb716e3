"""What a tester saw on the served site: "Reply" under a comment read as plain text beside
the blue, underlined Edit and Delete; and a wrapped vote tally left a "·" hanging at the end
of a line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_participation_a11y import (
    DESKTOP,
    PHONE,
    box,
    clause_statement,
    log_in,
    new_page,
)


@pytest.fixture
def talk(db, make_consultation, make_user):
    from consult.consultations.models import ModerationMode

    consultation = make_consultation("open-talk", moderation_mode=ModerationMode.POST)
    make_user("taker@example.org", display_name="Taker")
    return consultation


def computed(locator, *properties):
    return locator.evaluate(
        "(el, names) => names.map(n => getComputedStyle(el).getPropertyValue(n))",
        list(properties),
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_reply_looks_like_the_actions_beside_it(live_server, browser, db, talk, language):
    page = new_page(browser, language, viewport=PHONE)
    log_in(page, live_server)
    page.goto(f"{live_server}/c/{talk.slug}/s/{clause_statement(db, talk)}")
    page.locator("fieldset.stance-field input[value=support]").check()
    page.locator("#comment-body, textarea[name=body]").first.fill("Fine as it is.")
    page.locator(".comment-form button[type=submit]").click()
    actions = page.locator("article.comment .comment-actions").first
    expect(actions).to_be_visible()
    summary = actions.locator(".reply summary")
    edit, delete = actions.locator("a").first, actions.locator(".link-button").first
    style = ("color", "text-decoration-line", "cursor")
    assert computed(summary, *style) == computed(edit, *style) == computed(delete, *style)
    assert computed(summary, "text-decoration-line") == ["underline"]
    # It still says it opens something in place: the disclosure marker is shown.
    assert computed(summary, "display") == ["list-item"]
    target = box(summary)
    assert target["height"] >= 24 and target["width"] >= 24, target
    summary.click()
    expect(actions.locator(".reply textarea")).to_be_visible()
    page.context.close()


# For every "·" in the tally, the top of the first visible character after it (its item).
SEPARATORS_AND_NEXT = """el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      chars.push([node.data[i], range.getBoundingClientRect().top]);
    }
  }
  return chars.flatMap(([c, top], i) => (c === "·" ? [[top, chars[i + 1][1]]] : []));
}"""


def test_a_wrapped_tally_leaves_no_separator_at_the_end_of_a_line(live_server, browser, db, talk):
    page = new_page(browser, viewport=DESKTOP)
    log_in(page, live_server)
    page.goto(f"{live_server}/c/{talk.slug}")
    sid = clause_statement(db, talk)
    page.locator(f"#vote-{sid}").get_by_role("button", name="Agree", exact=True).click()
    tally = page.locator(f"#vote-{sid} .tally-text")
    expect(tally).to_contain_text("1 vote")
    one_line = box(tally)["height"]
    wrapped = 0
    for width in range(90, 460, 6):
        tally.evaluate("(el, w) => { el.style.width = w + 'px'; }", width)
        if box(tally)["height"] > one_line * 1.5:
            wrapped += 1
        for separator, following in tally.evaluate(SEPARATORS_AND_NEXT):
            assert separator == following, f"a '·' ends a line at {width}px"
    assert wrapped, "the tally never wrapped, so the test showed nothing"
    page.context.close()
