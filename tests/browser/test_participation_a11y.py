"""Issue 13 in the browser: a comment is posted once with the stance chosen, the stance
radios sit beside their labels, focus and a polite live region follow in-place votes and
comments, a duplicate statement links the one there, claimed votes can be chosen, and a
keyboard-only journey (Tab, Shift+Tab, Enter, Space) votes, comments and adds a statement.
axe-core (WCAG 2.2 AA) on each page visited, English and Chinese, desktop and 390 px."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "zh": "zh-CN"}


@pytest.fixture
def talk(db, make_consultation, make_user):
    """A post-moderated consultation open to anonymous visitors, and an account."""
    from consult.consultations.models import ModerationMode

    consultation = make_consultation(
        "open-talk", moderation_mode=ModerationMode.POST, allow_anonymous=True
    )
    make_user("taker@example.org", display_name="Taker")
    return consultation


def clause_statement(db, consultation, position=1):
    from consult.drafts.models import Clause, DraftVersion

    return db.session.scalar(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id, Clause.position == position)
    )


def new_page(browser, language="en", viewport=DESKTOP, javascript=True):
    context = browser.new_context(
        locale=LOCALES[language], viewport=viewport, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, base, email="taker@example.org"):
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def accessible_everywhere(browser, base, path, email="taker@example.org"):
    """axe on ``path`` in English and Chinese, at desktop and phone width."""
    for language in LOCALES:
        page = new_page(browser, language)
        try:
            if email:
                log_in(page, base, email)
            for viewport in (DESKTOP, PHONE):
                page.set_viewport_size(viewport)
                page.goto(base + path)
                expected = "zh-Hans" if language == "zh" else "en"
                assert page.locator("html").get_attribute("lang") == expected
                assert_accessible(page, f"{language} {viewport['width']}px {path}")
        finally:
            page.context.close()


def live_text(page):
    return page.locator("#live-status")


def active_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def expect_focus(page, selector):
    """Wait (htmx settles, then the script moves the focus) until ``selector`` has it."""
    page.wait_for_function("s => document.activeElement.matches(s)", arg=selector)


def box(locator):
    found = locator.bounding_box()
    assert found is not None, "not displayed"
    return found


def test_a_comment_is_posted_once_and_the_form_clears(live_server, browser, db, talk):
    from consult.participation.models import Comment

    page = new_page(browser)
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}/s/{sid}")
    page.get_by_label("I oppose this").check()
    page.get_by_label("Your comment").fill("Too vague to audit.")
    page.get_by_role("button", name="Post comment").dblclick()
    expect(live_text(page)).to_have_text("Comment posted.")
    expect(page.locator(".comment")).to_have_count(1)
    db.session.rollback()  # end the test's read snapshot
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1
    posted = db.session.scalar(sa.select(Comment))
    assert posted.stance.value == "oppose"
    expect(page.get_by_label("Your comment")).to_have_value("")
    for label in ("I support this", "I oppose this", "I suggest a change"):
        expect(page.get_by_label(label)).not_to_be_checked()
    expect_focus(page, f"#comment-{posted.id}")
    # Sending the same text again at once is refused, in place, and nothing is written.
    page.get_by_label("I oppose this").check()
    page.get_by_label("Your comment").fill("Too vague to audit.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".error-summary")).to_contain_text("You have just posted this comment")
    expect_focus(page, ".error-summary")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1
    page.context.close()


def test_an_in_place_edit_keeps_the_place(live_server, browser, db, talk):
    page = new_page(browser)
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}/s/{sid}")
    page.get_by_label("I support this").check()
    page.get_by_label("Your comment").fill("Fine as it is.")
    page.get_by_role("button", name="Post comment").click()
    expect(live_text(page)).to_have_text("Comment posted.")
    expect_focus(page, "article.comment")
    comment_id = active_id(page)
    page.locator(f"#{comment_id}").get_by_role("link", name="Edit").click()
    # The comment swapped for its edit form (the comment itself holds reply and translate boxes).
    edit_box = page.locator(f"#{comment_id}.comment-editing textarea[name=body]")
    expect(edit_box).to_be_visible()
    expect_focus(page, f"#{comment_id}")  # the edit form
    edit_box.fill("Fine as it is, mostly.")
    page.locator(f"#{comment_id}").get_by_role("button", name="Save").click()
    expect(live_text(page)).to_have_text("Your comment has been updated.")
    expect(page.locator(f"#{comment_id} .comment-body")).to_have_text("Fine as it is, mostly.")
    expect_focus(page, f"#{comment_id}")
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_stance_is_a_required_choice_with_radios_beside_their_labels(
    live_server, browser, db, talk, viewport
):
    page = new_page(browser, viewport=viewport)
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}/s/{sid}")
    expect(page.locator("fieldset.stance-field legend")).to_have_text("Your position")
    previous = None
    for option in page.locator(".stance-field .inline-choice").all():
        radio, text = box(option.locator("input")), box(option.locator("span"))
        assert radio["width"] >= 24 and radio["height"] >= 24, radio
        gap = text["x"] - (radio["x"] + radio["width"])
        assert 0 <= gap <= 16, f"the label starts {gap}px after its radio"
        assert abs((radio["y"] + radio["height"] / 2) - (text["y"] + text["height"] / 2)) < 8
        assert box(option)["height"] >= 44
        if previous is not None:
            assert radio["y"] > previous, "one choice per row, each under the last"
        previous = radio["y"]
        expect(option.locator("input")).not_to_be_checked()
    # Posting without a stance: the message on the field, the text kept.
    page.get_by_label("Your comment").fill("I have doubts.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#stance-error")).to_have_text(
        re.compile("Choose whether you support, oppose or suggest a change")
    )
    expect(page.get_by_label("Your comment")).to_have_value("I have doubts.")
    assert_accessible(page)
    page.context.close()


def test_a_vote_in_place_moves_focus_and_is_announced(live_server, browser, db, talk):
    page = new_page(browser, viewport=PHONE)
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}")
    vote = page.locator(f"#vote-{sid}")
    for button in vote.locator(".vote-button").all():
        assert box(button)["height"] >= 44 and box(button)["width"] >= 44
    discuss = page.locator(".clause-links a").first
    assert box(discuss)["height"] >= 24, "the discussion link is a usable tap target"
    vote.get_by_role("button", name="Agree", exact=True).click()
    expect(live_text(page)).to_have_text("Your vote: agree. 100% agree of 1 voter.")
    expect_focus(page, f"#vote-{sid}")
    page.locator(f"#vote-{sid}").get_by_role("button", name="Withdraw my vote").click()
    expect(live_text(page)).to_have_text("Your vote was withdrawn.")
    expect_focus(page, f"#vote-{sid}")
    withdraw_gone = page.locator(f"#vote-{sid}").get_by_role("button", name="Withdraw my vote")
    expect(withdraw_gone).to_have_count(0)
    page.context.close()


def test_a_vote_is_announced_in_chinese(live_server, browser, db, talk):
    page = new_page(browser, "zh")
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}")
    page.locator(f"#vote-{sid} .vote-agree").click()
    expect(live_text(page)).not_to_have_text("")
    expect_focus(page, f"#vote-{sid}")
    page.context.close()


def test_a_duplicate_statement_links_the_one_there(live_server, browser, db, talk):
    page = new_page(browser)
    log_in(page, live_server)
    page.goto(f"{live_server}/c/{talk.slug}/statements")
    page.get_by_label("Your statement").fill("Audits should be public.")
    page.get_by_role("button", name="Add statement").click()
    page.get_by_label("Your statement").fill("audits should be PUBLIC.")
    page.get_by_role("button", name="Add statement").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("A statement like this exists:")
    summary.get_by_role("link", name=re.compile(r"Statement \d+ — vote on it")).click()
    expect(page.locator("blockquote.statement-text")).to_have_text("Audits should be public.")
    page.context.close()


def test_comments_filter_and_sort_without_javascript(live_server, browser, db, talk):
    page = new_page(browser, javascript=False)
    log_in(page, live_server)
    sid = clause_statement(db, talk)
    page.goto(f"{live_server}/c/{talk.slug}/s/{sid}")
    for stance, body in (("I support this", "For it."), ("I oppose this", "Against it.")):
        page.get_by_label(stance).check()
        page.get_by_label("Your comment").fill(body)
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comment-body", has_text=body)).to_be_visible()
    page.get_by_label("Show").select_option("oppose")
    page.get_by_role("button", name="Show comments").click()
    expect(page.locator(".comment-body")).to_have_text(["Against it."])
    page.get_by_label("Show").select_option("")
    page.get_by_label("Sort").select_option("newest")
    page.get_by_role("button", name="Show comments").click()
    expect(page.locator(".comment-body")).to_have_text(["Against it.", "For it."])
    assert "order=newest" in page.url
    page.context.close()


def test_claimed_votes_that_differ_can_be_chosen(live_server, browser, db, talk):
    page = new_page(browser)
    sid = clause_statement(db, talk)
    log_in(page, live_server)
    page.goto(f"{live_server}/c/{talk.slug}")
    page.locator(f"#vote-{sid}").get_by_role("button", name="Disagree", exact=True).click()
    expect(live_text(page)).to_contain_text("Your vote: disagree.")
    page.get_by_text("Taker").click()
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server}/c/{talk.slug}")
    page.locator(f"#vote-{sid}").get_by_role("button", name="Agree", exact=True).click()
    expect(live_text(page)).to_contain_text("Your vote: agree.")
    log_in(page, live_server)
    flashes = page.locator(".flashes")
    expect(flashes).to_contain_text("you voted differently on 1 statement")
    flashes.get_by_role("link", name="Choose which votes to keep").click()
    for language in ("zh", "en"):  # the choices wait in the session across a language change
        page.locator("#language-select").select_option(language)
        page.locator(".language-switcher button").click()
        expect(page.locator(".vote-conflict")).to_have_count(1)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            assert_accessible(page, f"{language} {viewport['width']}px vote choices")
    page.get_by_role("button", name="Keep my account's vote (disagree)").click()
    expect(page.locator(".flashes")).to_contain_text("Kept your vote: disagree.")
    page.goto(f"{live_server}/c/{talk.slug}")
    expect(
        page.locator(f"#vote-{sid}").get_by_role("button", name="Disagree", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    page.context.close()


def tab_to(page, selector, *, backwards=False, limit=80):
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus with {key}")


def test_keyboard_only_journey(live_server, browser, db, talk):
    from consult.participation.models import Comment, Statement

    page = new_page(browser)
    log_in(page, live_server)
    first, second = clause_statement(db, talk, 1), clause_statement(db, talk, 2)
    page.goto(f"{live_server}/c/{talk.slug}")

    # Vote with Enter on one clause and Space on the next; focus stays in the box.
    tab_to(page, f"#vote-{first} .vote-agree")
    page.keyboard.press("Enter")
    expect(live_text(page)).to_have_text("Your vote: agree. 100% agree of 1 voter.")
    expect_focus(page, f"#vote-{first}")
    tab_to(page, f"#vote-{second} .vote-disagree")
    page.keyboard.press("Space")
    expect(live_text(page)).to_have_text("Your vote: disagree. 0% agree of 1 voter.")
    expect_focus(page, f"#vote-{second}")
    # Back up to the first clause's box with Shift+Tab and change the vote.
    tab_to(page, f"#vote-{first} .vote-pass", backwards=True)
    page.keyboard.press("Enter")
    expect(live_text(page)).to_have_text("Your vote: pass. 0% agree of 1 voter.")
    expect_focus(page, f"#vote-{first}")

    # Open the discussion and comment.
    tab_to(page, f'.clause-links a[href$="/s/{first}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/s/{first}$"))
    tab_to(page, "#stance-0")
    page.keyboard.press("Space")
    assert page.is_checked("#stance-0")
    tab_to(page, "#body")
    page.keyboard.type("Clear and fair.")
    tab_to(page, ".comment-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(live_text(page)).to_have_text("Comment posted.")
    db.session.rollback()
    posted = db.session.scalar(sa.select(Comment.id))
    expect_focus(page, f"#comment-{posted}")

    # Add a statement (a plain form: the page reloads and says so).
    page.goto(f"{live_server}/c/{talk.slug}/statements")
    tab_to(page, "#text")
    page.keyboard.type("Small firms need a simpler path.")
    tab_to(page, "main form button[type=submit]:not(.button-small)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("open for voting")
    db.session.rollback()  # end the test's read snapshot
    assert db.session.scalar(
        sa.select(Statement.id).where(Statement.text == "Small firms need a simpler path.")
    )
    page.context.close()

    for path in (
        f"/c/{talk.slug}",
        f"/c/{talk.slug}/s/{first}",
        f"/c/{talk.slug}/s/{first}?stance=support&order=newest",
        f"/c/{talk.slug}/comments/{posted}/edit",
        f"/c/{talk.slug}/statements",
    ):
        accessible_everywhere(browser, live_server, path)
