"""The queue with a reply's parent comment and a pending near-duplicate of a pending
statement, and the answers page with clause titles, pass axe-core in English and Chinese on
a desktop and a 390 px phone; with htmx, a refused answer keeps its reason, and promoting
asks for a language."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from consult.drafts.models import Clause
from consult.participation.models import ModerationState, Statement
from tests.browser.pages import check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

QUEUE = "/c/test-consultation/moderate"
RESPONSES = "/c/test-consultation/moderate/responses"


def _setup(db, team, contribute):  # noqa: F811
    c = team.consultation
    clause = db.session.scalar(
        sa.select(Clause).where(Clause.position == 1, Clause.version.has(consultation_id=c.id))
    )
    clause.heading = {"en": "Data sharing", "zh": "数据共享"}
    db.session.commit()
    on_clause = db.session.get(Statement, clause.statement_id)
    parent = contribute.comment(
        c, on_clause, "This clause is too vague.", clause_id=clause.id,
        moderation_state=ModerationState.REJECTED, proposed_text="First clause, clearer.",
        needs_response=True,
    )  # fmt: skip
    reply = contribute.comment(c, on_clause, "I disagree: it is clear.", parent_id=parent.id)
    first = contribute.statement(c, "数字身份必须自愿，不能强制。")
    later = contribute.statement(c, "数字身份必须是自愿的，不得强制。")
    return parent, reply, first, later, clause


def test_queue_and_answers_pass_axe(browser, live_server, db, team, contribute):  # noqa: F811
    _setup(db, team, contribute)
    problems = []
    for language in ("en", "zh"):
        with signed_in(browser, live_server, team.moderator.email, PASSWORD, language) as page:
            for path in (QUEUE, RESPONSES):
                problems += check_page(page, live_server, path, language)
    assert not problems, "\n".join(problems)


def test_reply_parent_and_pending_duplicate_in_the_queue(page, live_server, db, team, contribute):  # noqa: F811
    parent, reply, first, later, _ = _setup(db, team, contribute)
    log_in(page, live_server, team.moderator.email, PASSWORD)
    page.goto(live_server + QUEUE)
    item = page.locator(f"#item-comment-{reply.id} .thread-parent")
    expect(item).to_contain_text("This clause is too vague.")
    expect(item.locator(".badge")).to_have_text("Rejected")
    similar = page.locator(f"#item-statement-{later.id} .similar-statements")
    expect(similar).to_contain_text("also waiting for moderation")
    expect(page.locator(f"#item-statement-{first.id} .similar-statements")).to_have_count(0)
    similar.get_by_role("button", name=f"Duplicate of #{first.number}").click()
    expect(page.locator(f"#item-statement-{later.id} .flash-success")).to_be_visible()


def test_answer_keeps_its_reason_and_asks_for_a_language(page, live_server, db, team, contribute):  # noqa: F811
    clause = _setup(db, team, contribute)[-1]
    on_clause = db.session.get(Statement, clause.statement_id)
    answered = contribute.comment(
        team.consultation, on_clause, "Say it better.", clause_id=clause.id,
        proposed_text="First clause, better.", moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    log_in(page, live_server, team.moderator.email, PASSWORD)
    page.goto(live_server + RESPONSES)
    card = page.locator(f"#comment-{answered.id}")
    expect(card.locator(".contribution-clause")).to_have_text("On clause 1: Data sharing")
    card.get_by_label("Answer").select_option("noted")
    long_reason = "Too long. " * 210  # over the 2000-character limit: refused by the server
    card.get_by_label("Reason (shown to the author)").fill(long_reason)
    card.get_by_role("button", name="Save answer").click()
    card = page.locator(f"#comment-{answered.id}")
    expect(card.get_by_role("alert")).to_contain_text("2000 characters")
    assert card.get_by_label("Reason (shown to the author)").input_value() == long_reason
    language = card.get_by_label("as the text in")
    assert language.input_value() == ""
    card.get_by_label("Put this wording into").select_option("new")
    card.get_by_role("button", name="Promote into the draft").click()
    assert language.evaluate("el => !el.validity.valid")  # the browser asks for a choice
    assert page.url.endswith(RESPONSES)
