"""A redrafted clause keeps its discussion: the current wording's page shows the comments
on earlier wordings (approved ones, with replies and answers, marked with their version),
counts them, and an earlier wording's page says it is one, links the current text and
offers nothing to act on; a vote on it without JavaScript leads to the current text."""

# ruff: noqa: F811  (the shared fixtures are imported by name)
import re

import pytest
import sqlalchemy as sa

from consult.consultations.services import current_version
from consult.drafts import publishing, services
from consult.moderation.models import ContributionResponse, Outcome
from consult.participation.models import ModerationState, Stance, Statement
from tests.conftest import csrf_from
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

SLUG = "test-consultation"
HX = {"HX-Request": "true"}
APPROVED = ModerationState.APPROVED


@pytest.fixture
def redrafted(db, team, contribute):
    """Clause 1 discussed on version 1 (approved comments, a reply, an adopted proposal, a
    pending and a rejected comment), then redrafted in version 2. Returns the two
    statement ids and the comments."""
    c = team.consultation
    first = current_version(c).clauses[0]
    old_id = first.statement_id
    author = contribute.participant(c, team.participant)
    on = db.session.get(Statement, old_id)
    support = contribute.comment(
        c, on, "Keep the first clause.", author, moderation_state=APPROVED, clause_id=first.id
    )
    proposal = contribute.comment(
        c,
        on,
        "Say who decides.",
        author,
        moderation_state=APPROVED,
        stance=Stance.AMEND,
        proposed_text="First clause, amended.",
        clause_id=first.id,
    )
    reply = contribute.comment(
        c, on, "Agreed with the proposal.", author, moderation_state=APPROVED,
        parent_id=proposal.id,
    )  # fmt: skip
    contribute.comment(c, on, "Waiting for a moderator.", author)
    contribute.comment(c, on, "Moderated out.", author, moderation_state=ModerationState.REJECTED)
    db.session.add(
        ContributionResponse(
            consultation_id=c.id,
            comment_id=proposal.id,
            outcome=Outcome.ADOPTED,
            reason="Adopted into version 2 of the draft.",
        )
    )
    db.session.commit()
    services.save_clause(
        team.moderator, c, first.lineage_key, {}, {"en": "First clause, amended.", "zh": "第一条。"}
    )
    version = publishing.publish_version(team.moderator, c, "Clause 1 says who decides.")
    new_id = version.clauses[0].statement_id
    assert new_id != old_id
    return {"old": old_id, "new": new_id, "support": support, "proposal": proposal, "reply": reply}


def page(client, statement_id: int, **args) -> str:
    response = client.get(f"/c/{SLUG}/s/{statement_id}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def earlier_section(html: str) -> str:
    match = re.search(r'<section class="earlier-discussion".*?</section>', html, re.S)
    assert match, "no earlier-versions section"
    return match.group(0)


def test_the_current_clause_shows_the_discussion_of_its_earlier_wording(
    client, login, team, redrafted
):
    login(team.moderator)
    html = page(client, redrafted["new"])
    section = earlier_section(html)
    assert "From earlier versions" in section
    assert "Written on version 1" in section
    for body in ("Keep the first clause.", "Say who decides.", "Agreed with the proposal."):
        assert body in section
    # The organisers' answer to the adopted proposal stays readable under it.
    assert "Adopted into version 2 of the draft." in section
    # Never a comment waiting for a moderator or moderated out.
    assert "Waiting for a moderator." not in html and "Moderated out." not in html
    # Counted: two comments and a reply, all from the earlier wording.
    assert "3 comments, 3 of them on earlier versions of this clause." in html
    assert "No comments on this wording yet." in html
    # The earlier wording is one link away, and the current text takes new comments.
    assert f'href="/c/{SLUG}/s/{redrafted["old"]}"' in section
    assert f'action="/c/{SLUG}/s/{redrafted["new"]}/comments"' in html


def test_earlier_comments_are_read_only_on_the_current_page(client, login, team, redrafted):
    login(team.participant)
    section = earlier_section(page(client, redrafted["new"]))
    # No reply or translation form aimed at the old thread, which is not on this page.
    assert f"#thread-{redrafted['old']}" not in section
    assert "Post reply" not in section and "Propose a translation" not in section
    # The author can still edit their own comment.
    assert f"/comments/{redrafted['support'].id}/edit" in section


def test_the_consultation_page_counts_the_earlier_discussion(client, redrafted):
    html = client.get(f"/c/{SLUG}").get_data(as_text=True)
    assert "Discuss this clause (3 comments)" in html
    assert "Discuss this clause (0 comments)" in html  # clause 2 has none


def test_a_stance_filter_applies_to_earlier_comments_too(client, redrafted):
    section = earlier_section(page(client, redrafted["new"], stance="amend"))
    assert "Say who decides." in section and "Keep the first clause." not in section
    # The reply stays under its comment whatever its stance.
    assert "Agreed with the proposal." in section
    section = earlier_section(page(client, redrafted["new"], stance="oppose"))
    assert "No comments with this position." in section


def test_an_earlier_wording_says_so_and_offers_no_vote(client, login, team, redrafted):
    login(team.participant)
    html = page(client, redrafted["old"])
    assert "This is an earlier version of this clause." in html
    assert "This wording was in version 1 of the draft." in html
    current = f'href="/c/{SLUG}/s/{redrafted["new"]}"'
    assert current in html and "Read the current text of clause 1" in html
    # The tally read only: no vote buttons, no comment or reply form.
    assert 'name="choice"' not in html
    assert "tally-text" in html
    assert "Post comment" not in html and "Post reply" not in html
    assert "Continue the discussion on the current text" in html
    # Its own comments stay readable there.
    assert "Keep the first clause." in html


def test_a_vote_on_an_earlier_wording_without_javascript_leads_to_the_current_text(
    client, login, team, redrafted
):
    login(team.participant)
    token = csrf_from(client.get(f"/c/{SLUG}").get_data(as_text=True))
    response = client.post(
        f"/c/{SLUG}/statements/{redrafted['old']}/vote",
        data={"csrf_token": token, "choice": "agree", "next": f"/c/{SLUG}/s/{redrafted['old']}"},
    )
    assert response.status_code == 302
    new = redrafted["new"]
    assert response.headers["Location"].endswith(f"/c/{SLUG}/s/{new}#vote-{new}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This clause has changed since you opened it, so your vote was not recorded." in html
    assert "Your vote:" not in html


def test_with_htmx_the_refusal_stays_inline(client, login, team, redrafted):
    login(team.participant)
    token = csrf_from(client.get(f"/c/{SLUG}").get_data(as_text=True))
    response = client.post(
        f"/c/{SLUG}/statements/{redrafted['old']}/vote",
        data={"csrf_token": token, "choice": "agree"},
        headers=HX,
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f'id="vote-{redrafted["old"]}"' in html
    assert "This clause has changed since. Please vote on its current text." in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_removed_clause_says_so_and_a_vote_on_it_leads_to_the_draft(
    client, db, login, team, redrafted
):
    c = team.consultation
    second = current_version(c).clauses[1]
    services.remove_clause(team.moderator, c, second.lineage_key)
    publishing.publish_version(team.moderator, c, "Clause 2 removed.")
    html = page(client, second.statement_id)
    assert "This clause was removed from the draft in version 3." in html
    assert 'name="choice"' not in html
    login(team.participant)
    token = csrf_from(client.get(f"/c/{SLUG}").get_data(as_text=True))
    response = client.post(
        f"/c/{SLUG}/statements/{second.statement_id}/vote",
        data={"csrf_token": token, "choice": "agree"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{SLUG}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This clause is no longer in the draft, so your vote was not recorded." in html


def test_three_wordings_gather_on_the_current_one_by_version(
    client,
    db,
    team,
    contribute,
    redrafted,
):
    c = team.consultation
    second = current_version(c).clauses[0]
    author = contribute.participant(c, team.moderator)
    on = db.session.get(Statement, redrafted["new"])
    contribute.comment(
        c, on, "On the second wording.", author, moderation_state=APPROVED, clause_id=second.id
    )
    services.save_clause(team.moderator, c, second.lineage_key, {}, {"en": "Clause one, third."})
    third = publishing.publish_version(team.moderator, c, "Third wording.").clauses[0]
    section = earlier_section(page(client, third.statement_id))
    v1, v2 = section.index("Written on version 1"), section.index("Written on version 2")
    assert (
        v1 < section.index("Keep the first clause.") < v2 < section.index("On the second wording.")
    )
    # The second wording's own page is superseded too, and gathers only what came before it.
    html = page(client, redrafted["new"])
    assert "This wording was in version 2 of the draft." in html
    assert "Written on version 2" not in earlier_section(html)


def test_a_translation_only_change_keeps_the_discussion_where_it_is(
    client,
    db,
    login,
    team,
    contribute,
):
    c = team.consultation
    login(team.participant)
    first = current_version(c).clauses[0]
    author = contribute.participant(c, team.participant)
    contribute.comment(
        c, first.statement, "On the only wording.", author, moderation_state=APPROVED
    )
    services.save_clause(
        team.moderator, c, first.lineage_key, {}, {"en": "First clause.", "zh": "第一条（新译）。"}
    )
    version = publishing.publish_version(team.moderator, c, "Better Chinese.")
    assert version.clauses[0].statement_id == first.statement_id
    html = page(client, first.statement_id)
    assert "earlier-discussion" not in html and "earlier version" not in html
    assert "On the only wording." in html and 'name="choice"' in html


def _queries(db, client, statement_id: int) -> int:
    seen = []

    def count(*_):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        page(client, statement_id)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_earlier_discussion_takes_the_same_few_queries_however_long(
    client,
    db,
    team,
    contribute,
    quick_user,
    redrafted,
):
    small = _queries(db, client, redrafted["new"])
    c = team.consultation
    on = db.session.get(Statement, redrafted["old"])
    for n in range(15):
        user = quick_user(f"voice{n}@example.org")
        author = contribute.participant(c, user)
        proposal = contribute.comment(
            c, on, f"Proposal {n}", author, moderation_state=APPROVED, stance=Stance.AMEND,
            proposed_text=f"Wording {n}", clause_id=redrafted["support"].clause_id,
        )  # fmt: skip
        contribute.comment(
            c, on, f"Reply {n}", author, moderation_state=APPROVED, parent_id=proposal.id
        )
    large = _queries(db, client, redrafted["new"])
    assert "Proposal 14" in page(client, redrafted["new"])
    assert large == small, "no query per earlier comment"


def _comment_on(client, statement_id: int, body: str, **extra):
    token = csrf_from(client.get(f"/c/{SLUG}").get_data(as_text=True))
    data = {"csrf_token": token, "body": body, "stance": "support", **extra}
    return client.post(f"/c/{SLUG}/s/{statement_id}/comments", data=data)


def _stored(db, body: str) -> int:
    from consult.participation.models import Comment

    db.session.commit()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Comment).where(Comment.body == body)
    )


def test_a_comment_sent_from_an_earlier_wording_is_kept_for_the_current_text(
    client, db, login, team, redrafted
):
    login(team.participant)
    response = _comment_on(client, redrafted["old"], "Written before the redraft.")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This clause has changed since you opened it." in html
    assert "Written before the redraft." in html, "the text is kept in the form"
    assert f'id="vote-{redrafted["new"]}"' in html, "on the current wording's page"
    assert _stored(db, "Written before the redraft.") == 0
    # A reply to a comment on the earlier wording is refused alike.
    reply = _comment_on(
        client, redrafted["old"], "A late reply.", parent_id=str(redrafted["proposal"].id)
    )
    assert reply.status_code == 409
    assert _stored(db, "A late reply.") == 0
    # On the current text it goes through.
    assert _comment_on(client, redrafted["new"], "Written on the current text.").status_code in (
        302,
        303,
    )
    assert _stored(db, "Written on the current text.") == 1
