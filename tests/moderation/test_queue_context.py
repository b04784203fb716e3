"""The moderation queue in context: the clause an item is on, the thread of a reply, the
proposed wording as a diff, the author's sector and verification; no default outcome."""

import re
from contextlib import contextmanager

import sqlalchemy as sa

from consult.auth.models import Verification
from consult.drafts.models import Clause
from consult.moderation.models import ContributionResponse
from consult.participation.models import ModerationState, Statement
from tests.conftest import post_form

QUEUE = "/c/test-consultation/moderate"
RESPONSES = "/c/test-consultation/moderate/responses"


def _first_clause(db, consultation):
    return db.session.scalar(
        sa.select(Clause)
        .join(Clause.version)
        .where(Clause.position == 1, Clause.version.has(consultation_id=consultation.id))
    )


@contextmanager
def _counted_queries(db):
    counted = []

    def count(*_args):
        counted.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_queue_item_shows_clause_thread_diff_and_author(client, db, team, contribute, login):
    c = team.consultation
    clause = _first_clause(db, c)
    clause_statement = db.session.get(Statement, clause.statement_id)
    author = contribute.participant(c, team.participant)
    team.participant.profile.verification = Verification.VERIFIED
    db.session.commit()
    parent = contribute.comment(
        c, clause_statement, "Tighten it.", author=author, clause_id=clause.id,
        proposed_text="First clause, tightened.", moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    reply = contribute.comment(c, clause_statement, "Yes, tighten.", parent_id=parent.id)
    login(team.moderator)
    html = client.get(f"{QUEUE}?state=pending").get_data(as_text=True)
    reply_item = html[html.index(f'id="item-comment-{reply.id}"') :]
    assert "On clause 1" in reply_item
    thread = f"/c/test-consultation/s/{clause_statement.id}#comment-{parent.id}"
    assert f'href="{thread}"' in reply_item
    assert client.get(thread.split("#")[0]).status_code == 200

    approved = client.get(f"{QUEUE}?state=approved").get_data(as_text=True)
    item = approved[approved.index(f'id="item-comment-{parent.id}"') :]
    assert "On clause 1" in item and "Government" in item
    assert "✔ Verified: Ministry of Things" in item  # the public badge, the verifiers' wording
    assert "Sector and organisation verified by the organisers" in item
    diff = item[
        item.index("proposal-diff") : item.index("</blockquote>", item.index("proposal-diff"))
    ]
    assert diff.count("<ins>") == 1 and "<del>" not in diff
    assert re.search(r"First clause<ins>.*, tightened.*</ins>\.", diff)


def test_queue_context_is_loaded_in_batches(client, db, team, contribute, login):
    """Ten items cost the same number of queries as two: no query per item."""
    c = team.consultation
    clause = _first_clause(db, c)
    statement = contribute.statement(c, "Some statement.")
    author = contribute.participant(c, team.participant)
    login(team.moderator)

    def add_items(n):
        for i in range(n):
            contribute.comment(
                c, statement, f"Comment {i}.", author=author, clause_id=clause.id,
                proposed_text=f"Wording {i}.",
            )  # fmt: skip
            contribute.statement(c, f"Statement {i}.", author=author)

    add_items(1)
    client.get(QUEUE)  # warm caches (translations, templates)
    with _counted_queries(db) as few:
        assert client.get(QUEUE).status_code == 200
    add_items(5)
    with _counted_queries(db) as many:
        html = client.get(QUEUE).get_data(as_text=True)
    assert html.count("proposal-diff") == 6
    assert len(many) == len(few)


def test_answer_needs_a_chosen_outcome(client, db, team, contribute, login):
    c = team.consultation
    statement = contribute.statement(
        c, "Answer me.", moderation_state=ModerationState.APPROVED, needs_response=True
    )
    login(team.moderator)
    page = client.get(RESPONSES).get_data(as_text=True)
    select = page[page.index(f'id="outcome-statement-{statement.id}"') :]
    select = select[: select.index("</select>")]
    assert "required" in select.split(">")[0]
    first_option = re.search(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)
    assert first_option.groups() == ("", "Choose...")
    assert "selected" not in select
    url = f"{RESPONSES}/statements/{statement.id}"
    refused = post_form(client, url, {"outcome": "", "reason": "Because."}, page=RESPONSES)
    assert refused.status_code == 422
    assert "Choose an answer" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContributionResponse)) == 0


def test_promotion_needs_a_chosen_target(client, db, team, contribute, login):
    c = team.consultation
    statement = contribute.statement(
        c, "Promote me.", moderation_state=ModerationState.APPROVED, needs_response=True
    )
    login(team.moderator)
    page = client.get(RESPONSES).get_data(as_text=True)
    select = page[page.index(f'id="into-statement-{statement.id}"') :]
    select = select[: select.index("</select>")]
    assert "required" in select.split(">")[0]
    assert re.search(r'<option value="([^"]*)"[^>]*>([^<]*)<', select).groups() == (
        "",
        "Choose...",
    )
    url = f"/c/test-consultation/draft/promote/statements/{statement.id}"
    refused = post_form(client, url, {"language": "en", "into": ""}, page=RESPONSES)
    assert refused.status_code == 422
    assert "Choose where the wording goes" in refused.get_data(as_text=True)
    done = post_form(client, url, {"language": "en", "into": "new"}, page=RESPONSES)
    assert done.status_code == 302
    promoted = db.session.scalar(
        sa.select(Clause).where(Clause.source_statement_id == statement.id)
    )
    assert promoted is not None and promoted.text["en"] == "Promote me."


def test_filters_by_state_kind_clause_and_age(client, db, team, contribute, login):
    from datetime import timedelta

    from consult.db_types import utcnow

    c = team.consultation
    clause = _first_clause(db, c)
    on_clause = db.session.get(Statement, clause.statement_id)
    statement = contribute.statement(c, "A fresh statement.")
    old = contribute.statement(c, "An old statement.", created_at=utcnow() - timedelta(days=3))
    clause_comment = contribute.comment(c, on_clause, "On the first clause.")
    other_comment = contribute.comment(c, statement, "On a statement.")
    approved = contribute.statement(c, "Approved.", moderation_state=ModerationState.APPROVED)
    login(team.moderator)

    def shown(query):
        response = client.get(f"{QUEUE}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return set(re.findall(r'id="item-(\w+-\d+)"', response.get_data(as_text=True)))

    everything = {
        f"statement-{statement.id}", f"statement-{old.id}",
        f"comment-{clause_comment.id}", f"comment-{other_comment.id}",
    }  # fmt: skip
    assert shown("") == everything
    assert shown("state=approved") == {f"statement-{approved.id}"}
    assert shown("kind=comment") == {f"comment-{clause_comment.id}", f"comment-{other_comment.id}"}
    assert shown(f"clause={clause.lineage_key}") == {f"comment-{clause_comment.id}"}
    assert shown("age=1d") == {f"statement-{old.id}"}
    assert shown("age=1w") == set()
    assert shown(f"kind=statement&age=1d&clause={clause.lineage_key}") == set()
    page = client.get(QUEUE).get_data(as_text=True)
    assert f'<option value="{clause.lineage_key}"' in page and 'id="filter-age"' in page
    # the cross-consultation queue takes the same filters
    assert client.get("/moderation?kind=comment&age=1d").status_code == 200


def test_bad_filter_values_are_a_400_with_a_message(client, db, team, login):
    login(team.moderator)
    for query, message in [
        ("kind=everything", "Unknown kind"),
        ("state=lost", "Unknown state"),
        ("age=2d", "Unknown age"),
        ("clause=not-a-clause", "There is no such clause"),
        ("clause=" + "x" * 500, "There is no such clause"),
    ]:
        for url in (f"{QUEUE}?{query}", f"/moderation?{query}"):
            response = client.get(url)
            assert response.status_code == 400, url
            assert message in response.get_data(as_text=True), url
    other_clause = _first_clause(db, team.other)
    response = client.get(f"{QUEUE}?clause={other_clause.lineage_key}")
    assert response.status_code == 400


def test_near_duplicates_are_suggested_and_marked_in_one_click(
    client, team, contribute, login, reload
):
    c = team.consultation
    approved = ModerationState.APPROVED
    same = contribute.statement(
        c, "Evaluations should be published openly.", moderation_state=approved
    )
    chinese = contribute.statement(c, "应当公开所有评估结果。", moderation_state=approved)
    unrelated = contribute.statement(c, "Fund more research.", moderation_state=approved)
    pending = contribute.statement(c, "Evaluations should be published, openly!")
    pending_zh = contribute.statement(c, "应当公开所有评估结果和数据")
    login(team.moderator)
    html = client.get(QUEUE).get_data(as_text=True)

    def item(statement):
        start = html.index(f'id="item-statement-{statement.id}"')
        return html[start : html.index("</li>\n", html.index('class="similar-statements"', start))]

    english = item(pending)
    assert f'name="duplicate_of" value="{same.number}"' in english
    assert f'value="{unrelated.number}"' not in english and chinese.text not in english
    assert f'value="{chinese.number}"' in item(pending_zh)
    done = post_form(
        client, f"{QUEUE}/statements/{pending.id}",
        {"action": "duplicate", "seen_state": "pending", "duplicate_of": str(same.number)},
        page=QUEUE, headers={"HX-Request": "true"},
    )  # fmt: skip
    assert done.status_code == 200
    assert reload(pending).duplicate_of_id == same.id


def test_duplicate_found_by_words_from_its_text(client, team, contribute, login, reload):
    c = team.consultation
    approved = ModerationState.APPROVED
    target = contribute.statement(c, "Publish the 50% evaluation data.", moderation_state=approved)
    contribute.statement(c, "Publish the budget.", moderation_state=approved)
    one, two = contribute.statement(c, "Open data now."), contribute.statement(c, "Data please.")
    login(team.moderator)

    def mark(statement, words):
        return post_form(
            client, f"{QUEUE}/statements/{statement.id}",
            {"action": "duplicate", "seen_state": "pending", "duplicate_of": words},
            page=QUEUE, headers={"HX-Request": "true"},
        )  # fmt: skip

    several = mark(one, "publish the")
    assert several.status_code == 422
    body = several.get_data(as_text=True)
    assert "Several statements contain" in body and f"#{target.number}" in body
    assert 'value="publish the"' in body  # the search box keeps what was typed
    none = mark(one, "nothing like this")
    assert none.status_code == 422 and "No approved statement contains" in none.get_data(
        as_text=True
    )
    assert mark(one, "50%").status_code == 200  # % is a character, not a wildcard
    assert reload(one).duplicate_of_id == target.id
    assert mark(two, "EVALUATION data").status_code == 200
    assert reload(two).moderation_state is ModerationState.REJECTED
    assert mark(contribute.statement(c, "Long."), "x" * 201).status_code == 422
