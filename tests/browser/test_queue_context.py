"""The moderation queue in context (clause, thread, author, proposal diff, near-duplicates,
filters) passes axe-core in English and Chinese on a desktop and a 390 px phone; marking a
suggested near-duplicate works without JavaScript."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import Verification
from consult.drafts.models import Clause
from consult.participation.models import ModerationState, Statement
from tests.browser.pages import check_page, log_in, problems_here, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

QUEUE = "/c/test-consultation/moderate"


def _queue_in_context(db, team, contribute):  # noqa: F811
    c = team.consultation
    clause = db.session.scalar(
        sa.select(Clause).where(Clause.position == 1, Clause.version.has(consultation_id=c.id))
    )
    on_clause = db.session.get(Statement, clause.statement_id)
    author = contribute.participant(c, team.participant)
    team.participant.profile.verification = Verification.VERIFIED
    db.session.commit()
    parent = contribute.comment(
        c, on_clause, "Tighten it.", author=author, clause_id=clause.id,
        proposed_text="First clause, tightened.",
    )  # fmt: skip
    contribute.comment(
        c, on_clause, "Yes.", parent_id=parent.id, moderation_state=ModerationState.PENDING
    )
    original = contribute.statement(
        c, "应当公开所有评估结果。", moderation_state=ModerationState.APPROVED
    )
    repeat = contribute.statement(c, "应当公开所有评估结果和数据", author=author)
    return clause, original, repeat


def test_queue_in_context_passes_axe(browser, live_server, db, team, contribute):  # noqa: F811
    clause, _, _ = _queue_in_context(db, team, contribute)
    problems = []
    for language in ("en", "zh"):
        with signed_in(browser, live_server, team.moderator.email, PASSWORD, language) as page:
            for path in (QUEUE, f"{QUEUE}?clause={clause.lineage_key}&age=1d", "/moderation"):
                problems += check_page(page, live_server, path, language)
    assert not problems, "\n".join(problems)


def test_suggested_duplicate_without_js(browser, live_server, db, team, contribute, reload):  # noqa: F811
    _, original, repeat = _queue_in_context(db, team, contribute)
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, team.moderator.email, PASSWORD)
        page.goto(live_server + QUEUE)
        item = page.locator(f"#item-statement-{repeat.id}")
        assert "On clause" not in item.inner_text()
        item.get_by_role("button", name=f"Duplicate of #{original.number}").click()
        page.wait_for_load_state()
        assert reload(repeat).duplicate_of_id == original.id
        page.get_by_label("Kind").select_option("comment")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_load_state()
        assert "kind=comment" in page.url
        assert ", tightened" in page.locator(".proposal-diff ins").first.inner_text()
    finally:
        context.close()


def _spoken(page, words: str) -> None:
    """Wait until the page's polite live region says ``words``."""
    page.wait_for_function(
        "words => document.getElementById('live-status').textContent.includes(words)",
        arg=words,
        timeout=30_000,
    )


def _focus_on(page, element_id: str) -> None:
    # A function, not an expression: polling a string would need eval, which the CSP forbids.
    page.wait_for_function("id => document.activeElement.id === id", arg=element_id, timeout=30_000)


def test_shortcuts_act_on_the_focused_item(page, live_server, team, contribute, reload):  # noqa: F811
    c = team.consultation
    first = contribute.statement(c, "First waiting statement.")
    second = contribute.statement(c, "Second waiting statement.")
    third = contribute.statement(c, "Third waiting statement.")
    log_in(page, live_server, team.moderator.email, PASSWORD)
    page.goto(live_server + QUEUE)
    items = page.locator(".queue-item")
    ids = items.evaluate_all("items => items.map(item => item.id)")
    assert len(ids) == 3
    by_id = {f"item-statement-{s.id}": s for s in (first, second, third)}
    # Typing in a reason box is typing, not a shortcut.
    reason = page.locator(f"#reason-statement-{second.id}")
    reason.fill("ar")
    assert reason.input_value() == "ar"
    reason.press("a")
    assert reason.input_value() == "ara"
    assert reload(second).moderation_state is ModerationState.PENDING
    reason.fill("")
    # Focus an item, move with J and K.
    items.first.focus()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == ids[1]
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == ids[0]
    # A approves, and the focus moves on to the next item still waiting: A again, no J,
    # approves that one too. The live region says what was done and where the focus is.
    page.keyboard.press("a")
    page.locator(f"#{ids[0]} .flash-success").wait_for(timeout=30_000)
    _focus_on(page, ids[1])
    _spoken(page, f"Done: the item is now approved. Next: Statement #{by_id[ids[1]].number}.")
    page.keyboard.press("a")
    page.locator(f"#{ids[1]} .flash-success").wait_for(timeout=30_000)
    _focus_on(page, ids[2])
    _spoken(page, f"Next: Statement #{by_id[ids[2]].number}.")
    assert reload(by_id[ids[0]]).moderation_state is ModerationState.APPROVED
    assert reload(by_id[ids[1]]).moderation_state is ModerationState.APPROVED
    # R rejects the last one (with its reason); nothing is left, and the page says so.
    page.locator(f"#reason-{ids[2][len('item-') :]}").fill("Off topic.")
    page.locator(f"#{ids[2]}").focus()
    page.keyboard.press("r")
    page.locator(f"#{ids[2]} .flash-success").wait_for(timeout=30_000)
    _focus_on(page, "queue-done")
    assert page.get_by_role("heading", name="Nothing left to moderate here").is_visible()
    _spoken(page, "Done: the item is now rejected. Nothing left to moderate here.")
    assert reload(by_id[ids[2]]).moderation_state is ModerationState.REJECTED
    # A on an item decided already says so rather than nothing.
    page.locator(f"#{ids[0]}").focus()
    page.keyboard.press("a")
    _spoken(page, "This item is approved already. J goes to the next item.")
    assert reload(by_id[ids[0]]).moderation_state is ModerationState.APPROVED
    problems = problems_here(page, "en queue after the decisions")
    assert not problems, "\n".join(problems)
