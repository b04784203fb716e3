"""A newcomer takes part end to end, with JavaScript (htmx) and without it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD


@pytest.fixture
def demo(app):
    from consult.demo.seed import DEMO_SLUG, seed_demo

    seed_demo(n_stakeholders=20)
    return DEMO_SLUG


def register(page, base, slug, email, name):
    page.goto(f"{base}/c/{slug}")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name shown to others").fill(name)
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_label("Stakeholder sector").select_option("academia")
    page.get_by_label("Country").select_option("IN")
    page.get_by_role("button", name="Create account").click()
    # "Check your email" (the same page whether or not the address had an account); an
    # account logs in at once, before its address is confirmed, and is back on the page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.locator("#email").fill(email)
    page.locator("#password").fill("a long enough password")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/c/{slug}$"))


def clause(page, position):
    return page.locator(".clause").nth(position - 1)


def journey(page, base, slug, *, javascript: bool):
    register(page, base, slug, "newcomer@example.org", "Priya Newcomer")
    if javascript:
        # htmx is a deferred script: vote once it has taken the forms over (the page's load
        # event), or the first click would post the form as a plain page load.
        page.wait_for_load_state("load")
        page.wait_for_function("window.htmx !== undefined")
        page.evaluate("window.__sameDocument = true")

    for position, choice in ((1, "Agree"), (2, "Disagree"), (3, "Pass / unsure")):
        clause(page, position).get_by_role("button", name=choice, exact=True).click()
        expect(
            clause(page, position).get_by_role("button", name=choice, exact=True)
        ).to_have_attribute("aria-pressed", "true")
        expect(clause(page, position).locator(".tally-text")).to_be_visible()

    # Change a vote.
    clause(page, 1).get_by_role("button", name="Disagree", exact=True).click()
    expect(clause(page, 1).get_by_role("button", name="Disagree", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(clause(page, 1).get_by_role("button", name="Agree", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(clause(page, 1)).to_contain_text("Your vote: disagree.")
    if javascript:
        assert page.evaluate("window.__sameDocument === true"), (
            "votes were cast without a page load"
        )

    # Comment with proposed wording, on the first clause's page.
    clause(page, 1).get_by_role("link", name=re.compile("Discuss this clause")).click()
    page.get_by_label("I suggest a change").check()
    page.get_by_label("Your comment").fill("Name the people it is for.")
    page.get_by_label("Proposed wording (for a suggested change)").fill(
        "AI should be developed for people, with their wellbeing as its aim."
    )
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comment").filter(has_text="Name the people it is for.")
    expect(mine).to_contain_text("Waiting for moderation")
    expect(mine.locator(".diff ins").first).to_be_visible()

    # Submit a statement.
    page.goto(f"{base}/c/{slug}/statements")
    page.get_by_label("Your statement").fill("Small countries need help to test AI systems.")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("status")).to_contain_text("once a moderator has approved it")
    expect(page.get_by_text("Small countries need help to test AI systems.")).to_be_visible()

    # The statement flow (11 clauses and 8 approved statements): progress moves as one
    # votes; skipping moves on.
    page.goto(f"{base}/c/{slug}/vote")
    expect(page.locator("#flow-progress")).to_have_text("3 of 19 voted")
    first = page.locator(".flow-statement").inner_text()
    page.get_by_role("button", name="Skip for now").click()
    expect(page.locator(".flow-statement")).not_to_have_text(first)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#flow-progress")).to_have_text("4 of 19 voted")
    page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.locator("#flow-progress")).to_have_text("5 of 19 voted")

    # Five votes cast here; the agree vote recorded with the statement is not one of them.
    page.goto(f"{base}/c/{slug}/me")
    expect(page.get_by_role("heading", name=re.compile(r"My votes \(5\)"))).to_be_visible()


def tally_of_first_clause(browser, base, slug, make_user):
    """Another person, logged in, votes on clause 1 and reads its tally."""
    other = make_user("observer@example.org")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(other.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/c/{slug}")
    clause(page, 1).get_by_role("button", name="Agree", exact=True).click()
    text = clause(page, 1).locator(".tally-text").inner_text()
    context.close()
    return text


def _first_clause_counts(db, slug):
    import sqlalchemy as sa

    from consult.consultations.models import Consultation
    from consult.drafts.models import Clause, DraftVersion
    from consult.participation.models import Vote

    statement_id = db.session.scalar(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .join(Consultation, Consultation.id == DraftVersion.consultation_id)
        .where(Consultation.slug == slug, Clause.position == 1)
    )
    rows = db.session.execute(
        sa.select(Vote.value, sa.func.count())
        .where(Vote.statement_id == statement_id)
        .group_by(Vote.value)
    ).all()
    return dict(rows)


def test_newcomer_journey_with_javascript(live_server, page, browser, demo, db, make_user):
    journey(page, live_server, demo, javascript=True)
    text = tally_of_first_clause(browser, live_server, demo, make_user)
    db.session.commit()
    counts = _first_clause_counts(db, demo)
    assert (
        f"Disagree {round(100 * counts.get(-1, 0) / sum(counts.values()))}% ({counts.get(-1, 0)})"
        in text
    )
    assert f"{sum(counts.values())} votes" in text


def test_newcomer_journey_without_javascript(live_server, browser, demo, db, make_user):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    journey(page, live_server, demo, javascript=False)
    context.close()
    text = tally_of_first_clause(browser, live_server, demo, make_user)
    assert "Agree" in text and "votes" in text
