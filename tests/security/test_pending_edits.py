"""Issue 12 item 3: in a pre-moderated consultation, an edit of an approved comment waits
for a moderator; the approved text stays public until the edit is approved."""

import re

import pytest
import sqlalchemy as sa

from consult.consultations.models import ModerationMode
from consult.moderation import services
from consult.moderation.models import ModerationEvent
from consult.participation.models import Comment, ModerationState, Statement
from tests import team as shared
from tests.conftest import PASSWORD, post_form

HX = {"HX-Request": "true"}
OLD = "The approved wording-heron-1187."
NEW = "A sneaky rewrite-jackal-9034."
QUEUE = "/c/test-consultation/moderate"

# The moderation tests' fixtures: a consultation's team, and contributions written directly.
team, quick_user, contribute = shared.team, shared.quick_user, shared.contribute


@pytest.fixture
def clause_statement(db, team):
    from consult.drafts.models import Clause

    statement_id = db.session.scalar(
        sa.select(Clause.statement_id).order_by(Clause.position).limit(1)
    )
    return db.session.get(Statement, statement_id)


@pytest.fixture
def approved(team, contribute, clause_statement):
    """An approved comment by ``team.participant`` in the pre-moderated consultation."""
    assert team.consultation.moderation_mode is ModerationMode.PRE
    author = contribute.participant(team.consultation, team.participant)
    return contribute.comment(
        team.consultation,
        clause_statement,
        OLD,
        author=author,
        moderation_state=ModerationState.APPROVED,
    )


@pytest.fixture
def as_user(app, client):
    """A new client (a browser of its own) logged in as ``user``; None: anonymous."""

    def browser(user=None):
        reader = app.test_client()
        if user is not None:
            response = post_form(reader, "/login", {"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
        return reader

    return browser


def page_url(comment):
    return f"/c/test-consultation/s/{comment.statement_id}"


def edit_url(comment):
    return f"/c/test-consultation/comments/{comment.id}/edit"


def edit(browser, comment, body, headers=None):
    return post_form(browser, edit_url(comment), {"body": body}, headers=headers or {})


def stored(db, comment_id) -> Comment:
    db.session.commit()  # a new transaction: what the requests committed
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def seen_state(html: str, comment_id: int) -> str:
    form = html[html.index(f'action="{QUEUE}/edits/{comment_id}"') :]
    return re.search(r'name="seen_state" value="([^"]+)"', form).group(1)


def decide(moderator, comment, action, seen, **extra):
    url = f"{QUEUE}/edits/{comment.id}"
    data = {"action": action, "seen_state": seen, **extra}
    return post_form(moderator, url, data, page=QUEUE, headers=HX)


def assert_public_text(as_user, team, comment, shown, hidden):
    """Anonymous visitors and other participants see ``shown`` and never ``hidden``, on
    the page and in the thread fragment."""
    for reader in (as_user(), as_user(team.organiser), as_user(team.other_moderator)):
        for headers in ({}, HX):
            response = reader.get(page_url(comment), headers=headers)
            html = response.get_data(as_text=True)
            main = html[html.find("<main") : html.find("</main>")] or html
            assert shown in html and hidden not in html, (response.status_code, main[:3000])
            assert "awaiting moderation" not in html


def test_edit_waits_and_only_its_author_sees_it(db, team, approved, as_user):
    author = as_user(team.participant)
    assert edit(author, approved, NEW).status_code == 302
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body) == (OLD, NEW)
    assert comment.pending_at is not None and comment.updated_at is None
    mine = author.get(page_url(approved)).get_data(as_text=True)
    assert "Your edit is awaiting moderation" in mine and NEW in mine and OLD in mine
    assert_public_text(as_user, team, approved, OLD, NEW)

    # The edit page offers the pending text to change again; saving replaces it.
    assert NEW in author.get(edit_url(approved)).get_data(as_text=True)
    assert edit(author, approved, NEW + " Again.").status_code == 302
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body) == (OLD, NEW + " Again.")
    # Someone else cannot edit or withdraw it.
    intruder = as_user(team.organiser)
    assert intruder.get(edit_url(approved)).status_code == 403
    withdraw = post_form(intruder, edit_url(approved) + "/withdraw", {}, page=page_url(approved))
    assert withdraw.status_code == 403
    # Editing back to the approved text, or withdrawing, drops the pending edit.
    assert edit(author, approved, OLD).status_code == 302
    assert stored(db, approved.id).pending_at is None
    edit(author, approved, NEW)
    withdrawn = post_form(author, edit_url(approved) + "/withdraw", {}, page=page_url(approved))
    assert withdrawn.status_code == 302
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body, comment.pending_at) == (OLD, None, None)
    assert NEW not in author.get(page_url(approved)).get_data(as_text=True)
    again = post_form(author, edit_url(approved) + "/withdraw", {}, page=page_url(approved))
    assert again.status_code == 409


def test_moderator_approves_the_edit_from_the_queue(db, team, approved, as_user):
    edit(as_user(team.participant), approved, NEW)
    moderator = as_user(team.moderator)
    assert services.waiting_count(team.moderator) == 1
    assert services.waiting_count(team.other_moderator) == 0
    html = moderator.get(QUEUE).get_data(as_text=True)
    assert f'id="item-edit-{approved.id}"' in html and "Edited comment" in html
    assert '<ins><span class="visually-hidden">[added: </span>' in html  # old vs new
    assert "<del>" in html and "heron" in html and "jackal" in html
    assert f"item-edit-{approved.id}" in moderator.get(QUEUE + "?kind=edit").get_data(True)
    assert f"item-edit-{approved.id}" not in moderator.get(QUEUE + "?kind=comment").get_data(True)
    seen = seen_state(html, approved.id)

    done = decide(moderator, approved, "approve", seen)
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "the edit is published" in done.get_data(as_text=True)
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body, comment.pending_at) == (NEW, None, None)
    assert comment.updated_at is not None and comment.moderated_by_id == team.moderator.id
    assert_public_text(as_user, team, approved, NEW, OLD)
    event = db.session.scalar(
        sa.select(ModerationEvent).where(ModerationEvent.action == "approve_edit")
    )
    assert event.target_id == approved.id and event.details["previous_body"] == OLD
    assert event.consultation_id == team.consultation.id
    assert services.waiting_count(team.moderator) == 0
    # Deciding again on the edit seen then is a conflict, and changes nothing.
    late = decide(moderator, approved, "reject", seen, reason="No.")
    assert late.status_code == 409
    assert stored(db, approved.id).body == NEW


def test_moderator_rejects_the_edit_and_the_approved_text_stays(db, team, approved, as_user):
    author = as_user(team.participant)
    edit(author, approved, NEW)
    moderator = as_user(team.moderator)
    seen = seen_state(moderator.get(QUEUE).get_data(as_text=True), approved.id)
    refused = decide(moderator, approved, "reject", seen)
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    assert stored(db, approved.id).pending_body == NEW
    # Outsiders cannot decide: another consultation's moderator, or the author.
    assert decide(as_user(team.other_moderator), approved, "approve", seen).status_code == 403
    assert decide(author, approved, "approve", seen).status_code == 403

    done = decide(moderator, approved, "reject", seen, reason="Keep it civil.")
    assert done.status_code == 200, done.get_data(as_text=True)
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body, comment.pending_at) == (OLD, None, None)
    assert comment.moderation_state is ModerationState.APPROVED
    assert comment.moderation_reason == "Keep it civil."
    event = db.session.scalar(
        sa.select(ModerationEvent).where(ModerationEvent.action == "reject_edit")
    )
    assert event.reason == "Keep it civil." and event.details["rejected_body"] == NEW
    assert_public_text(as_user, team, approved, OLD, NEW)
    assert "Keep it civil." in author.get(page_url(approved)).get_data(as_text=True)
    assert "Keep it civil." not in as_user().get(page_url(approved)).get_data(as_text=True)


def test_a_replaced_edit_is_a_conflict_for_the_moderator_who_saw_the_first(
    db, team, approved, as_user
):
    author = as_user(team.participant)
    edit(author, approved, NEW)
    moderator = as_user(team.moderator)
    seen = seen_state(moderator.get(QUEUE).get_data(as_text=True), approved.id)
    edit(author, approved, "Another text entirely.")
    late = decide(moderator, approved, "approve", seen)
    assert late.status_code == 409 and "Nothing was changed" in late.get_data(as_text=True)
    assert stored(db, approved.id).body == OLD
    bad = decide(moderator, approved, "approve", "not a time")
    assert bad.status_code == 422


def test_htmx_edit_and_withdraw_answer_the_comment_fragment(db, team, approved, as_user):
    author = as_user(team.participant)
    form = author.get(edit_url(approved), headers=HX)
    assert "HX-Request" in form.headers["Vary"]
    body = form.get_data(as_text=True)
    assert body.lstrip().startswith("<article") and f'id="comment-{approved.id}"' in body
    assert "<html" not in body and "stays public" in body
    refused = edit(author, approved, "  ", headers=HX)
    assert refused.status_code == 422 and "<html" not in refused.get_data(as_text=True)
    done = edit(author, approved, NEW, headers=HX)
    assert done.status_code == 200 and "HX-Request" in done.headers["Vary"]
    fragment = done.get_data(as_text=True)
    assert fragment.lstrip().startswith(
        f'<article class="comment stance-support" id="comment-{approved.id}"'
    )
    assert OLD in fragment and NEW in fragment and "Your edit is awaiting moderation" in fragment
    assert stored(db, approved.id).body == OLD
    assert_public_text(as_user, team, approved, OLD, NEW)
    withdrawn = post_form(
        author, edit_url(approved) + "/withdraw", {}, page=page_url(approved), headers=HX
    )
    assert withdrawn.status_code == 200
    assert NEW not in withdrawn.get_data(as_text=True)
    assert stored(db, approved.id).pending_at is None


def test_deleting_a_comment_drops_its_pending_edit(db, team, approved, as_user):
    author = as_user(team.participant)
    edit(author, approved, NEW)
    url = f"/c/test-consultation/comments/{approved.id}/delete"
    assert post_form(author, url, {}, page=page_url(approved)).status_code == 302
    comment = stored(db, approved.id)
    assert comment.deleted_at is not None and comment.pending_body is None
    assert services.waiting_count(team.moderator) == 0
    assert NEW not in author.get(page_url(approved)).get_data(as_text=True)


def test_a_comment_still_waiting_is_just_changed(db, team, contribute, clause_statement, as_user):
    author = contribute.participant(team.consultation, team.participant)
    waiting = contribute.comment(team.consultation, clause_statement, OLD, author=author)
    edit(as_user(team.participant), waiting, NEW)
    comment = stored(db, waiting.id)
    assert (comment.body, comment.pending_body, comment.moderation_state) == (
        NEW,
        None,
        ModerationState.PENDING,
    )
    assert NEW not in as_user().get(page_url(waiting)).get_data(as_text=True)


def test_post_moderated_edits_show_at_once(db, team, approved, as_user):
    team.consultation.moderation_mode = ModerationMode.POST
    db.session.commit()
    assert edit(as_user(team.participant), approved, NEW).status_code == 302
    comment = stored(db, approved.id)
    assert (comment.body, comment.pending_body, comment.pending_at) == (NEW, None, None)
    assert comment.updated_at is not None
    assert_public_text(as_user, team, approved, NEW, OLD)
    assert services.waiting_count(team.moderator) == 0
