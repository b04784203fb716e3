import pytest
import sqlalchemy as sa

from consult.consultations.models import ModerationMode
from consult.participation.models import AbuseReport, Comment, ModerationState, Stance
from tests.conftest import post_form
from tests.participation.conftest import HX


@pytest.fixture
def post_consultation(make_consultation):
    """A post-moderated consultation: comments appear at once."""
    return make_consultation("open-talk", moderation_mode=ModerationMode.POST)


def statement_url(consultation, statement_id):
    return f"/c/{consultation.slug}/s/{statement_id}"


def comment(client, consultation, statement_id, headers=None, **data):
    url = statement_url(consultation, statement_id)
    return post_form(client, f"{url}/comments", data, page=url, headers=headers or {})


def first_clause(db, consultation):
    from consult.drafts.models import Clause, DraftVersion

    return db.session.scalar(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id, Clause.position == 1)
    )


def test_comment_with_proposed_wording_shows_a_word_diff(
    db, client, participant, post_consultation
):
    sid = first_clause(db, post_consultation)
    response = comment(
        client,
        post_consultation,
        sid,
        stance="amend",
        body="Be more precise.",
        proposed_text="First binding clause.",
    )
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(Comment))
    assert stored.stance is Stance.AMEND and stored.needs_response
    assert stored.moderation_state is ModerationState.APPROVED
    assert stored.clause_id is not None, "kept with the clause version it was made on"
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    assert "Be more precise." in html
    assert '<ins><span class="visually-hidden">[added: </span> binding<span' in html


def test_chinese_proposal_is_diffed_by_character(db, client, participant, post_consultation):
    sid = first_clause(db, post_consultation)
    client.post("/language", data={"language": "zh", "csrf_token": _token(client)})
    response = comment(
        client,
        post_consultation,
        sid,
        stance="amend",
        body="更准确。",
        proposed_text="第一项条款。",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    hidden = '<span class="visually-hidden">'
    added = "<ins>" + hidden + "[{} </span>{}" + hidden + "]</span></ins>"
    # Character by character: only the two new characters are marked.
    assert (
        "第一" + added.format("新增：", "项") + "条" + added.format("新增：", "款") + "。" in html
    )


def _token(client):
    from tests.conftest import csrf_from

    return csrf_from(client.get("/").get_data(as_text=True))


def test_pre_moderated_comment_waits_and_is_shown_only_to_its_author(
    db, client, participant, consultation, make_user, login
):
    sid = first_clause(db, consultation)
    comment(client, consultation, sid, stance="support", body="Good clause.")
    assert db.session.scalar(sa.select(Comment.moderation_state)) is ModerationState.PENDING
    assert "Waiting for moderation" in client.get(statement_url(consultation, sid)).get_data(
        as_text=True
    )
    post_form(client, "/logout", {}, page="/")
    assert "Good clause." not in client.get(statement_url(consultation, sid)).get_data(as_text=True)


def test_htmx_comment_returns_the_thread_fragment(db, client, participant, post_consultation):
    sid = first_clause(db, post_consultation)
    response = comment(client, post_consultation, sid, headers=HX, stance="oppose", body="No.")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<section") and f'id="thread-{sid}"' in html
    assert "No." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "support", "body": ""}, "Write your comment before sending it."),
        ({"stance": "support", "body": "x" * 4001}, "Keep your comment under 4000 characters."),
        (
            {"stance": "amend", "body": "Change it", "proposed_text": ""},
            "Write the wording you propose.",
        ),
        (
            {"stance": "shout", "body": "hi"},
            "Choose whether you support, oppose or suggest a change.",
        ),
    ],
)
def test_bad_comments_are_refused_clearly(
    db, client, participant, post_consultation, row_count, data, message
):
    sid = first_clause(db, post_consultation)
    response = comment(client, post_consultation, sid, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    htmx = comment(client, post_consultation, sid, headers=HX, **data)
    assert htmx.status_code == 422 and message in htmx.get_data(as_text=True)
    assert row_count(Comment) == 0


def test_reply_is_one_level_deep(db, client, participant, post_consultation):
    sid = first_clause(db, post_consultation)
    comment(client, post_consultation, sid, stance="support", body="Top.")
    top = db.session.scalar(sa.select(Comment))
    comment(client, post_consultation, sid, stance="oppose", body="Reply.", parent_id=str(top.id))
    reply = db.session.scalar(sa.select(Comment).where(Comment.body == "Reply."))
    comment(
        client,
        post_consultation,
        sid,
        stance="support",
        body="Reply to reply.",
        parent_id=str(reply.id),
    )
    nested = db.session.scalar(sa.select(Comment).where(Comment.body == "Reply to reply."))
    assert reply.parent_id == top.id and nested.parent_id == top.id
    # The reply form says what its position is about: the comment, not the clause.
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    assert f'<label for="reply-stance-{top.id}">Your position on this comment</label>' in html


def test_edit_and_delete_own_comment_but_not_others(
    db, client, participant, post_consultation, make_user, login
):
    sid = first_clause(db, post_consultation)
    comment(client, post_consultation, sid, stance="support", body="Original.")
    mine = db.session.scalar(sa.select(Comment))
    edit_url = f"/c/{post_consultation.slug}/comments/{mine.id}/edit"
    assert post_form(client, edit_url, {"body": "Edited."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).body == "Edited."
    assert post_form(client, edit_url, {"body": "  "}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).body == "Edited.", "a refused edit loses nothing"

    post_form(client, "/logout", {}, page="/")
    login(make_user("other@example.org"))
    assert client.get(edit_url).status_code == 403
    response = post_form(
        client,
        f"/c/{post_consultation.slug}/comments/{mine.id}/delete",
        {},
        page=statement_url(post_consultation, sid),
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Comment, mine.id).deleted_at is None


def test_report_someone_elses_comment_once(
    db, client, participant, post_consultation, make_user, login, row_count
):
    sid = first_clause(db, post_consultation)
    comment(client, post_consultation, sid, stance="support", body="Rude words.")
    target = db.session.scalar(sa.select(Comment))
    report_url = f"/c/{post_consultation.slug}/comments/{target.id}/report"
    assert post_form(client, report_url, {"reason": "My own"}).status_code == 400, "not one's own"
    post_form(client, "/logout", {}, page="/")
    login(make_user("reporter@example.org"))
    assert post_form(client, report_url, {"reason": ""}).status_code == 422
    assert post_form(client, report_url, {"reason": "Insulting."}).status_code == 302
    again = post_form(client, report_url, {"reason": "Still insulting."})
    assert again.status_code == 409 and "already reported" in again.get_data(as_text=True)
    assert row_count(AbuseReport) == 1


def test_comment_text_is_escaped(db, client, participant, post_consultation):
    sid = first_clause(db, post_consultation)
    comment(client, post_consultation, sid, stance="support", body="<img src=x onerror=alert(1)>")
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert db.session.scalar(sa.select(Comment.body)) == "<img src=x onerror=alert(1)>", (
        "stored as written"
    )


def test_comment_on_statement_of_other_consultation_is_404(
    db, client, participant, post_consultation, make_consultation
):
    other = make_consultation("elsewhere")
    sid = first_clause(db, other)
    response = post_form(
        client,
        f"/c/{post_consultation.slug}/s/{sid}/comments",
        {"stance": "support", "body": "hi"},
        page=f"/c/{post_consultation.slug}",
    )
    assert response.status_code == 404


def test_verified_stakeholders_carry_a_badge(db, client, participant, post_consultation, reload):
    from consult.auth.models import Verification

    sid = first_clause(db, post_consultation)
    comment(client, post_consultation, sid, stance="support", body="From a verified body.")
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    assert "badge-verified" not in html
    profile = reload(participant).profile
    profile.verification = Verification.VERIFIED
    profile.organisation = "Ministry of Digital Affairs"
    db.session.commit()
    html = client.get(statement_url(post_consultation, sid)).get_data(as_text=True)
    assert "Verified: Ministry of Digital Affairs" in html


def test_a_hidden_comment_cannot_be_reported_or_answered(
    db, client, consultation, make_user, login, row_count
):
    """A rejected or waiting comment is not there for anyone but its author: reporting it
    or replying to it by its number is the 404 of a missing comment, and nothing is kept
    (a report would bring rejected text back to the moderators' queue)."""
    author = make_user("author@example.org")
    login(author)
    sid = first_clause(db, consultation)  # pre-moderated: the comment waits
    comment(client, consultation, sid, stance="support", body="Waiting words.")
    waiting = db.session.scalar(sa.select(Comment))
    comment(client, consultation, sid, stance="oppose", body="Rejected words.")
    rejected = db.session.scalar(sa.select(Comment).where(Comment.body == "Rejected words."))
    rejected.moderation_state = ModerationState.REJECTED
    db.session.commit()
    post_form(client, "/logout", {}, page="/")

    login(make_user("someone@example.org"))
    missing = f"/c/{consultation.slug}/comments/999999/report"
    assert client.get(missing).status_code == 404
    for hidden in (waiting, rejected):
        url = f"/c/{consultation.slug}/comments/{hidden.id}/report"
        assert client.get(url).status_code == 404, "the page does not confirm the number"
        response = post_form(client, url, {"reason": "spam"}, page=f"/c/{consultation.slug}")
        assert response.status_code == 404
        reply = comment(
            client, consultation, sid, stance="support", body="Reply.", parent_id=str(hidden.id)
        )
        assert reply.status_code == 404
    assert row_count(AbuseReport) == 0
    assert row_count(Comment) == 2, "no reply was kept"
