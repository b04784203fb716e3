"""Issue 13: a comment is posted once, with the stance its author chose; a statement that is
already there says where; the thread filters and sorts; in-place answers carry what the
live region says."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import ModerationMode
from consult.participation.models import Comment, ModerationState, Statement, Vote, VoteEvent
from tests.conftest import post_form
from tests.participation.conftest import HX


@pytest.fixture
def open_talk(make_consultation):
    return make_consultation("open-talk", moderation_mode=ModerationMode.POST)


def first_clause(db, consultation):
    from consult.drafts.models import Clause, DraftVersion

    return db.session.scalar(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id, Clause.position == 1)
    )


def comment(client, consultation, statement_id, headers=None, **data):
    url = f"/c/{consultation.slug}/s/{statement_id}"
    return post_form(client, f"{url}/comments", data, page=url, headers=headers or {})


def checked_stances(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="stance"[^>]*value="(\w+)"[^>]*checked', html) + re.findall(
        r'<input[^>]*checked[^>]*name="stance"[^>]*value="(\w+)"', html
    )


def test_no_stance_is_chosen_for_the_commenter(db, client, participant, open_talk):
    html = client.get(f"/c/{open_talk.slug}/s/{first_clause(db, open_talk)}").get_data(as_text=True)
    assert html.count('type="radio"') == 3 and checked_stances(html) == []
    assert "<legend>Your position</legend>" in html


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_comment_without_a_stance_is_refused_on_the_field_and_keeps_its_text(
    db, client, participant, open_talk, row_count, headers
):
    response = comment(
        client, open_talk, first_clause(db, open_talk), headers=headers, body="My objection."
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(
        r'id="stance-error">Choose whether you support, oppose or suggest a change', html
    ), "the message sits on the stance fieldset"
    assert 'aria-describedby="stance-error"' in html
    assert "My objection.</textarea>" in html, "the text is kept"
    assert row_count(Comment) == 0


def test_an_in_place_comment_returns_an_empty_form_and_says_it_was_posted(
    db, client, participant, open_talk
):
    sid = first_clause(db, open_talk)
    response = comment(client, open_talk, sid, headers=HX, stance="oppose", body="Too vague.")
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    posted = db.session.scalar(sa.select(Comment))
    assert re.search(rf'id="comment-{posted.id}"\s+tabindex="-1" data-focus', html)
    assert "<p hidden data-announce>Comment posted.</p>" in html
    form = html[html.index('class="comment-form"') :]
    assert "Too vague." not in form, "the form is empty again"
    assert checked_stances(form) == []
    assert 'hx-disabled-elt="find button[type=submit]"' in form


def test_a_pending_comment_is_announced_as_awaiting_moderation(
    db, client, participant, consultation
):
    sid = first_clause(db, consultation)
    response = comment(client, consultation, sid, headers=HX, stance="support", body="Yes.")
    assert "Comment posted. It is awaiting moderation." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Comment.moderation_state)) is ModerationState.PENDING


@pytest.mark.parametrize("headers", [{}, HX])
def test_the_same_comment_sent_twice_is_written_once(
    db, client, participant, open_talk, row_count, headers
):
    sid = first_clause(db, open_talk)
    first = comment(client, open_talk, sid, headers=headers, stance="oppose", body="Twice?")
    assert first.status_code in (200, 302)
    again = comment(client, open_talk, sid, headers=headers, stance="oppose", body=" Twice? ")
    assert again.status_code == 409
    assert "You have just posted this comment" in again.get_data(as_text=True)
    assert row_count(Comment) == 1
    # Another stance, or the same words a little later, is a new comment.
    assert comment(client, open_talk, sid, stance="support", body="Twice?").status_code == 302
    for row in db.session.scalars(sa.select(Comment)):
        row.created_at -= timedelta(seconds=11)
    db.session.commit()
    assert comment(client, open_talk, sid, stance="oppose", body="Twice?").status_code == 302
    assert row_count(Comment) == 3


def test_comments_filter_by_stance_and_sort(db, client, participant, open_talk):
    sid = first_clause(db, open_talk)
    for stance, body in (
        ("support", "First, for."),
        ("oppose", "Second, against."),
        ("support", "Third, for."),
    ):
        assert comment(client, open_talk, sid, stance=stance, body=body).status_code == 302
    url = f"/c/{open_talk.slug}/s/{sid}"

    def bodies(query):
        html = client.get(url + query).get_data(as_text=True)
        return re.findall(r'class="comment-body"[^>]*>([^<]+)<', html)

    assert bodies("") == ["First, for.", "Second, against.", "Third, for."]
    assert bodies("?order=newest") == ["Third, for.", "Second, against.", "First, for."]
    assert bodies("?stance=support&order=newest") == ["Third, for.", "First, for."]
    assert bodies("?stance=oppose") == ["Second, against."]
    assert "No comments with this position." in client.get(url + "?stance=amend").get_data(
        as_text=True
    )
    # Values it does not know mean the default view, not an error.
    response = client.get(url + "?stance=shout&order=sideways")
    assert response.status_code == 200
    assert bodies("?stance=shout&order=sideways") == bodies("")


def test_an_in_place_vote_says_the_vote_and_the_tally(db, client, participant, consultation, vote):
    sid = first_clause(db, consultation)
    html = vote(sid, "agree", headers=HX).get_data(as_text=True)
    assert re.search(rf'id="vote-{sid}" tabindex="-1" data-focus', html)
    assert "<p hidden data-announce>Your vote: agree. 100% agree of 1 voter.</p>" in html
    html = vote(sid, "withdraw", headers=HX).get_data(as_text=True)
    assert "<p hidden data-announce>Your vote was withdrawn.</p>" in html


def submit_statement(client, consultation, text):
    return post_form(client, f"/c/{consultation.slug}/statements", {"text": text})


def test_a_duplicate_of_an_open_statement_links_it(db, client, participant, open_talk, row_count):
    assert submit_statement(client, open_talk, "Audits should be public.").status_code == 302
    existing = db.session.scalar(sa.select(Statement).where(Statement.text.like("Audits%")))
    response = submit_statement(client, open_talk, "audits  should be PUBLIC.")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    url = f"/c/{open_talk.slug}/s/{existing.id}"
    link = f'<a href="{url}">Statement {existing.number} — vote on it</a>'
    assert f"A statement like this exists: {link}" in html
    assert row_count(Statement) == 3


def test_a_duplicate_of_a_pending_statement_says_it_awaits_moderation(
    db, client, participant, consultation, make_user, login, row_count
):
    assert submit_statement(client, consultation, "Publish the audits.").status_code == 302
    again = submit_statement(client, consultation, "Publish the audits.")
    assert again.status_code == 409
    assert "You have sent this statement already; it is awaiting moderation." in again.get_data(
        as_text=True
    )
    post_form(client, "/logout", {}, page="/")
    login(make_user("other@example.org"))
    other = submit_statement(client, consultation, "publish the audits.")
    html = other.get_data(as_text=True)
    assert other.status_code == 409 and "A statement like this is awaiting moderation." in html
    assert (
        "/s/"
        not in html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    )
    assert row_count(Statement) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteEvent)) == 1


def test_the_same_comment_sent_at_once_from_many_requests_is_written_once(
    app, db, open_talk, make_user
):
    import threading

    from consult.auth.models import User
    from consult.consultations.models import Consultation
    from consult.participation.comments import DuplicateComment, add_comment
    from consult.participation.participants import Actor, participant_id_for

    sid = first_clause(db, open_talk)
    clicker = make_user("clicker@example.org")
    # The participant row exists already (creating it would make the requests queue on
    # its unique key), so only the duplicate check stands between the copies.
    participant_id_for(open_talk, Actor(user=clicker))
    db.session.commit()
    threads, start = 12, threading.Barrier(12)
    outcomes: list[str] = []

    def post():
        with app.app_context():
            consultation = db.session.scalar(
                sa.select(Consultation).where(Consultation.slug == "open-talk")
            )
            user = db.session.scalar(sa.select(User).where(User.email == "clicker@example.org"))
            db.session.commit()
            start.wait(timeout=60)
            try:
                add_comment(consultation, sid, Actor(user=user), body="Once.", stance="oppose")
                outcomes.append("written")
            except DuplicateComment:
                outcomes.append("refused")
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes.append(repr(error))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(outcomes) == ["refused"] * (threads - 1) + ["written"]
    with db.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1
