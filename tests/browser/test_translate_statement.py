"""Issue 17 in the browser: a participant proposes a Chinese translation of an English
statement in place, a moderator approves it in the queue, and a reader whose browser asks
for Chinese reads it, marked as a translation, with the English original one click away.
axe-core (WCAG 2.2 AA) on each page, with its disclosures open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.pages import OPEN_DISCLOSURES
from tests.conftest import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
ORIGINAL = "Developing countries need access to compute."
TRANSLATION = "发展中国家需要获得算力。"


@pytest.fixture
def statement(db, make_consultation, make_user):
    """An approved English statement of a pre-moderated en + zh consultation; a
    participant and the consultation's moderator."""
    from consult.auth.services import grant_role
    from consult.consultations.models import Role
    from consult.participation.models import ModerationState, Statement, StatementKind

    consultation = make_consultation("bridges")
    make_user("translator@example.org", display_name="Translator")
    grant_role(make_user("mod@example.org", display_name="Mod"), consultation, Role.MODERATOR)
    row = Statement(
        consultation_id=consultation.id,
        kind=StatementKind.PARTICIPANT,
        text=ORIGINAL,
        language="en",
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(row)
    db.session.commit()
    return f"/c/{consultation.slug}/s/{row.id}"


def new_page(browser, locale="en-GB"):
    context = browser.new_context(locale=locale, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, base, email):
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def open_disclosures(page):
    page.evaluate(OPEN_DISCLOSURES)


def test_propose_approve_and_read_a_translation(live_server, browser, statement):
    translator = new_page(browser)
    log_in(translator, live_server, "translator@example.org")
    translator.goto(live_server + statement)
    proposal = translator.locator(".translate-proposal").first
    proposal.get_by_text("Propose a translation").click()
    proposal.get_by_label("Into").select_option(label="Chinese")
    open_disclosures(translator)
    assert_accessible(translator, "statement page with the translation form")
    proposal.get_by_label("Your translation").fill(TRANSLATION)
    proposal.get_by_role("button", name="Send the translation").click()
    expect(translator.locator(".translate-proposal").first.get_by_role("status")).to_contain_text(
        "once a moderator has approved it"
    )  # swapped in place by htmx
    expect(translator.get_by_text(TRANSLATION)).to_have_count(0)  # not public yet

    moderator = new_page(browser)
    log_in(moderator, live_server, "mod@example.org")
    moderator.goto(f"{live_server}/moderation?kind=translation")
    item = moderator.locator(".queue-item").filter(has_text=TRANSLATION)
    expect(item).to_have_count(1)
    expect(item.locator(".translation-pair")).to_contain_text(ORIGINAL)
    assert_accessible(moderator, "moderation queue with a translation")
    item.get_by_role("button", name="Approve").click()
    expect(item.get_by_role("status")).to_contain_text("now approved")

    reader = new_page(browser, locale="zh-CN")
    reader.goto(live_server + statement)
    shown = reader.locator("blockquote.translated-text")
    expect(shown).to_have_text(TRANSLATION)
    expect(shown).to_have_attribute("lang", "zh")
    original = reader.locator(".translation-original .original-text")
    expect(original).to_be_hidden()
    reader.locator(".translation-original summary").click()
    expect(original).to_have_text(ORIGINAL)
    expect(original).to_have_attribute("lang", "en")
    assert_accessible(reader, "statement page read in Chinese")
    reader.goto(f"{live_server}/c/bridges/statements")
    expect(reader.locator("blockquote.translated-text")).to_have_text(TRANSLATION)
