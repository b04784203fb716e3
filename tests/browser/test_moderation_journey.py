"""A moderator publishes version 2 of the demo draft and works the moderation queue."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in


@pytest.fixture
def demo(app, db):
    from consult.demo.seed import DEMO_SLUG, seed_demo
    from consult.participation.models import ModerationState, Statement, StatementKind

    outcome = seed_demo(n_stakeholders=30)
    consultation_id = db.session.scalar(
        db.select(Statement.consultation_id).where(Statement.kind == StatementKind.CLAUSE).limit(1)
    )
    for text in ("Open-source models need shared safety tests.", "Buy cheap watches here!!!",
                 "Developing countries need compute access."):  # fmt: skip
        db.session.add(
            Statement(
                consultation_id=consultation_id,
                kind=StatementKind.PARTICIPANT,
                text=text,
                language="en",
                moderation_state=ModerationState.PENDING,
            )
        )
    db.session.commit()
    return outcome, DEMO_SLUG


def test_moderator_publishes_version_two_of_the_demo_draft(live_server, page, demo):
    outcome, slug = demo
    log_in(page, live_server, "moderator@demo.consult.example", outcome.password)
    page.goto(f"{live_server}/c/{slug}/draft")
    page.get_by_role("link", name="Edit clause 3").click()
    text = page.get_by_label("Text (English)")
    text.fill(text.input_value() + " Every region should have a voice.")
    page.get_by_role("button", name="Save in the working version").click()
    expect(page.get_by_role("status")).to_contain_text("saved in the working version")
    expect(page.get_by_text("You are editing version 2")).to_be_visible()

    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what changed in this version.")
    page.get_by_label("What changed in this version").fill("Clause 3 asks for every region.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is published.")

    page.goto(f"{live_server}/c/{slug}/draft/compare?from=1&to=2")
    changed = page.locator(".change-changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("ins")).to_contain_text("Every region should have a voice.")
    expect(page.locator(".change-unchanged")).to_have_count(10)
    page.goto(f"{live_server}/c/{slug}")
    expect(page.get_by_text("Draft version 2")).to_be_visible()


def test_moderator_works_the_queue_in_place(live_server, page, demo):
    from consult.demo.contributions import COMMENTS, STATEMENTS

    outcome, _ = demo
    # The demo itself leaves some statements and comments waiting, besides the three above.
    waiting = 3 + sum(not s[-1] for s in STATEMENTS) + sum(not c[-1] for c in COMMENTS)
    log_in(page, live_server, "moderator@demo.consult.example", outcome.password)
    expect(page.locator(".moderation-link")).to_contain_text(str(waiting))
    page.locator(".moderation-link").click()
    expect(page).to_have_url(re.compile(r"/moderation$"))
    rows = page.locator(".queue-item")
    expect(rows).to_have_count(waiting)

    first = rows.filter(has_text="shared safety tests")
    first.get_by_role("button", name="Approve").click()
    expect(first.get_by_role("status")).to_contain_text("now approved")  # swapped in place
    spam = rows.filter(has_text="cheap watches")
    spam.get_by_role("button", name="Reject").click()
    expect(spam.get_by_role("alert")).to_contain_text("Give a reason")
    spam.get_by_label("Reason (shown to the author)").fill("Advertising.")
    spam.get_by_role("button", name="Reject").click()
    expect(spam.get_by_role("status")).to_contain_text("now rejected")

    page.reload()
    expect(rows).to_have_count(waiting - 2)
    for index in range(waiting - 2):
        rows.nth(index).get_by_label("Select").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status").first).to_contain_text(f"{waiting - 2} items done.")
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
