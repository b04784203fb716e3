"""A reply in the queue shows the comment it answers (escaped, its state when not public,
batched); the answers page names the clause, keeps a refused reason, and asks for the
promotion language; state labels read as labels."""

import re

import sqlalchemy as sa

from consult.db_types import utcnow
from consult.drafts.models import Clause
from consult.participation.models import ModerationState, Statement
from tests.conftest import post_form
from tests.moderation.test_queue_context import _counted_queries

QUEUE = "/c/test-consultation/moderate"
RESPONSES = "/c/test-consultation/moderate/responses"


def _clause(db, consultation, heading=None):
    clause = db.session.scalar(
        sa.select(Clause).where(
            Clause.position == 1, Clause.version.has(consultation_id=consultation.id)
        )
    )
    if heading:
        clause.heading = heading
        db.session.commit()
    return clause, db.session.get(Statement, clause.statement_id)


def _item(html, key):
    start = html.index(f'id="item-{key}"')
    end = html.find('id="item-', start + 10)
    return html[start : end if end > 0 else len(html)]


def test_a_reply_shows_the_comment_it_answers(client, db, team, contribute, login):
    c = team.consultation
    _, on_clause = _clause(db, c)
    approved = contribute.comment(
        c, on_clause, "Keep <b>the</b> clause.", moderation_state=ModerationState.APPROVED
    )
    rejected = contribute.comment(
        c, on_clause, "Rude words here.", moderation_state=ModerationState.REJECTED
    )
    withdrawn = contribute.comment(c, on_clause, "Gone text.", deleted_at=utcnow(),
                                   moderation_state=ModerationState.APPROVED)  # fmt: skip
    replies = [
        contribute.comment(c, on_clause, f"Reply {n}.", parent_id=parent.id)
        for n, parent in enumerate((approved, rejected, withdrawn))
    ]
    login(team.moderator)
    html = client.get(QUEUE).get_data(as_text=True)
    to_approved, to_rejected, to_withdrawn = (_item(html, f"comment-{r.id}") for r in replies)
    assert "A reply to this comment:" in to_approved
    assert "Keep &lt;b&gt;the&lt;/b&gt; clause." in to_approved  # escaped
    assert 'class="badge state-' not in to_approved.split("thread-parent")[1].split("</p>")[0]
    thread = f"/c/test-consultation/s/{on_clause.id}#comment-{approved.id}"
    assert f'href="{thread}"' in to_approved
    parent_part = to_rejected.split('class="thread-parent"')[1]
    assert "Rude words here." in parent_part
    assert '<span class="badge state-rejected">Rejected</span>' in parent_part
    assert "A reply to a comment its author withdrew." in to_withdrawn
    assert "Gone text." not in to_withdrawn
    # an approved top-level comment has no thread block
    assert "thread-parent" not in _item(
        client.get(f"{QUEUE}?state=approved").get_data(as_text=True), f"comment-{approved.id}"
    )


def test_parents_are_loaded_in_one_batch(client, db, team, contribute, login):
    """Six replies cost the same number of queries as one: no query per parent."""
    c = team.consultation
    _, on_clause = _clause(db, c)
    login(team.moderator)

    def add_replies(n):
        for i in range(n):
            parent = contribute.comment(c, on_clause, f"Parent {i}.",
                                        moderation_state=ModerationState.APPROVED)  # fmt: skip
            contribute.comment(c, on_clause, f"Reply {i}.", parent_id=parent.id)

    add_replies(1)
    client.get(QUEUE)  # warm caches
    with _counted_queries(db) as few:
        assert client.get(QUEUE).status_code == 200
    add_replies(5)
    with _counted_queries(db) as many:
        html = client.get(QUEUE).get_data(as_text=True)
    assert all(f"Parent {i}." in html for i in range(5))
    assert len(many) == len(few)


def test_state_labels_read_as_labels(client, team, contribute, login):
    c = team.consultation
    pending = contribute.statement(c, "Waiting.")
    login(team.moderator)
    html = client.get(QUEUE).get_data(as_text=True)
    assert '<span class="badge state-pending">Pending</span>' in _item(
        html, f"statement-{pending.id}"
    )
    states = html[
        html.index('id="filter-state"') : html.index("</select>", html.index('id="filter-state"'))
    ]
    assert re.findall(r">([^<>]+)</option>", states) == ["Pending", "Approved", "Rejected", "Meta"]


def test_answers_page_names_the_clause_and_keeps_a_refused_reason(
    client, db, team, contribute, login
):
    c = team.consultation
    clause, on_clause = _clause(db, c, heading={"en": "Data <sharing>"})
    comment = contribute.comment(
        c, on_clause, "Say it better.", clause_id=clause.id, proposed_text="Better.",
        moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    statement = contribute.statement(
        c, "On its own.", moderation_state=ModerationState.APPROVED, needs_response=True
    )
    login(team.moderator)
    page = client.get(RESPONSES).get_data(as_text=True)
    card = page[
        page.index(f'id="comment-{comment.id}"') : page.index(f'id="statement-{statement.id}"')
    ]
    assert "On clause 1: Data &lt;sharing&gt;" in card
    assert "On clause" not in page[page.index(f'id="statement-{statement.id}"') :]

    url = f"{RESPONSES}/comments/{comment.id}"
    for headers in ({}, {"HX-Request": "true"}):
        refused = post_form(
            client, url, {"outcome": "", "reason": "Typed & kept."}, page=RESPONSES,
            headers=headers,
        )  # fmt: skip
        assert refused.status_code == 422
        body = refused.get_data(as_text=True)
        assert ">Typed &amp; kept.</textarea>" in body
        assert "On clause 1: Data &lt;sharing&gt;" in body
    saved = post_form(client, url, {"outcome": "noted", "reason": "Noted, thanks."},
                      page=RESPONSES, headers={"HX-Request": "true"})  # fmt: skip
    assert saved.status_code == 200
    body = saved.get_data(as_text=True)
    assert ">Noted, thanks.</textarea>" in body  # the saved answer, ready to change
    assert "On clause 1" in body


def test_promotion_language_is_a_required_choice(client, db, team, contribute, login):
    c = team.consultation
    statement = contribute.statement(
        c, "Promote me.", moderation_state=ModerationState.APPROVED, needs_response=True
    )
    login(team.moderator)
    page = client.get(RESPONSES).get_data(as_text=True)
    select = page[page.index(f'id="language-statement-{statement.id}"') :]
    select = select[: select.index("</select>")]
    assert "required" in select.split(">")[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)
    assert options[0] == ("", "Choose...") and {v for v, _ in options[1:]} == {"en", "zh"}
    assert "selected" not in select
    url = f"/c/test-consultation/draft/promote/statements/{statement.id}"
    refused = post_form(client, url, {"language": "", "into": "new"}, page=RESPONSES)
    assert refused.status_code == 400
    assert "Choose one of the consultation" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Clause)
            .where(Clause.source_statement_id == statement.id)
        )
        == 0
    )
