"""Translations of participants' statements and comments: proposing, the team's at once,
moderation, what readers see, and what is never public."""

# ruff: noqa: F811  (the team fixtures are imported, then named as arguments)

import pytest
import sqlalchemy as sa

from consult.consultations.models import ModerationMode, Status
from consult.moderation.audit import audit_log
from consult.moderation.audit_sentences import describe_events
from consult.moderation.services import moderate
from consult.participation.models import (
    STATEMENT_MAX,
    Comment,
    ContentTranslation,
    ModerationState,
    Statement,
)
from consult.participation.participants import Actor
from consult.participation.translations import propose_translation
from consult.participation.votes import write_vote
from tests.conftest import PASSWORD, csrf_from, post_form
from tests.participation.conftest import HX
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)


@pytest.fixture
def approved(team, contribute):  # noqa: F811
    """An approved English statement with an approved English comment, by someone else."""
    c = team.consultation
    author = contribute.participant(c, team.other_moderator)  # not on this team
    statement = contribute.statement(
        c, "We should share evaluations.", author=author, moderation_state=ModerationState.APPROVED
    )
    comment = contribute.comment(
        c, statement, "Evaluations need shared methods.", author=author,
        moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    return statement, comment


def page(consultation, statement_id):
    return f"/c/{consultation.slug}/s/{statement_id}"


def propose(client, consultation, kind, item_id, headers=None, **data):
    url = (
        f"/c/{consultation.slug}/s/{item_id}/translate"
        if kind == "statement"
        else f"/c/{consultation.slug}/comments/{item_id}/translate"
    )
    return post_form(client, url, data, headers=headers or {})


def as_reader(client, language):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"language": language, "csrf_token": token})


def translations_of(db, **where):
    db.session.expire_all()
    return db.session.scalars(sa.select(ContentTranslation).filter_by(**where)).all()


def test_a_participant_proposes_and_it_waits_for_moderation(db, client, login, team, approved):
    statement, _comment = approved
    login(team.participant)
    response = propose(client, team.consultation, "statement", statement.id,
                       language="zh", text="我们应当共享评估。")  # fmt: skip
    assert response.status_code == 302
    (stored,) = translations_of(db, statement_id=statement.id)
    assert stored.moderation_state is ModerationState.PENDING
    assert stored.language == "zh" and stored.author.user_id == team.participant.id
    as_reader(client, "zh")
    html = client.get(page(team.consultation, statement.id)).get_data(as_text=True)
    assert "我们应当共享评估。" not in html, "a pending translation is not public"


def test_the_teams_translation_is_approved_at_once_and_readers_see_it(
    db, client, login, team, approved
):
    statement, comment = approved
    login(team.moderator)
    response = propose(client, team.consultation, "comment", comment.id, headers=HX,
                       language="zh", text="评估需要共同的方法。")  # fmt: skip
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert 'id="translate-comment-' in response.get_data(as_text=True)
    (stored,) = translations_of(db, comment_id=comment.id)
    assert stored.moderation_state is ModerationState.APPROVED
    (event,) = audit_log(team.consultation.id)
    assert (event.action, event.target_kind, event.target_id) == (
        "translate",
        "translation",
        stored.id,
    )
    (line,) = describe_events([event])
    assert line.sentence == f"Mod published the translation into Chinese of comment #{comment.id}"
    as_reader(client, "zh")
    html = client.get(page(team.consultation, statement.id)).get_data(as_text=True)
    translated = '<p class="comment-body translated-text" lang="zh" dir="auto">{}</p>'
    assert translated.format("评估需要共同的方法。") in html
    assert "Evaluations need shared methods." in html, "the original, one click away"
    assert '<details class="translation-original">' in html
    as_reader(client, "en")
    html = client.get(page(team.consultation, statement.id)).get_data(as_text=True)
    assert "评估需要共同的方法。" not in html, "an English reader reads the English original"


def test_a_moderator_approves_then_readers_see_it_in_list_flow_and_page(
    db, client, login, team, approved
):
    statement, _comment = approved
    login(team.participant)
    propose(client, team.consultation, "statement", statement.id, language="zh", text="共享评估。")
    (stored,) = translations_of(db, statement_id=statement.id)
    moderate(team.moderator, team.consultation, "translation", stored.id, "approve", "pending")
    as_reader(client, "zh")
    slug = team.consultation.slug
    # The flow brings the statement once the participant has voted on both clauses.
    participant_id = _participant_id(db, team)
    for clause_id in db.session.scalars(
        sa.select(Statement.id).where(
            Statement.consultation_id == team.consultation.id, Statement.text.is_(None)
        )
    ):
        write_vote(team.consultation.id, participant_id, clause_id, 1)
    db.session.commit()
    urls = (page(team.consultation, statement.id), f"/c/{slug}/statements", f"/c/{slug}/vote")
    for url in urls:
        html = client.get(url).get_data(as_text=True)
        assert "共享评估。" in html and "We should share evaluations." in html, url
        assert "显示原文" in html, url  # "Show the original", read in Chinese


def _participant_id(db, team):
    from consult.consultations.models import Participant

    return db.session.scalar(
        sa.select(Participant.id).where(
            Participant.consultation_id == team.consultation.id,
            Participant.user_id == team.participant.id,
        )
    )


def test_approving_a_second_translation_replaces_the_first(db, client, login, team, approved):
    statement, _comment = approved
    login(team.participant)
    propose(client, team.consultation, "statement", statement.id, language="zh", text="第一。")
    propose_translation(team.consultation, "statement", statement.id, Actor(team.organiser),
                        team.organiser, language="zh", text="第二。")  # fmt: skip
    first, second = sorted(translations_of(db, statement_id=statement.id), key=lambda t: t.id)
    assert second.moderation_state is ModerationState.APPROVED
    moderate(team.moderator, team.consultation, "translation", first.id, "approve", "pending")
    db.session.expire_all()
    assert first.moderation_state is ModerationState.APPROVED
    assert second.moderation_state is ModerationState.REJECTED
    as_reader(client, "zh")
    html = client.get(page(team.consultation, statement.id)).get_data(as_text=True)
    assert "第一。" in html and "第二。" not in html


def test_rejected_translation_is_never_public(app, db, client, login, team, approved):
    statement, _comment = approved
    login(team.participant)
    propose(client, team.consultation, "statement", statement.id, language="zh", text="坏的翻译。")
    (stored,) = translations_of(db, statement_id=statement.id)
    moderate(team.moderator, team.consultation, "translation", stored.id, "reject", "pending",
             "Not a translation.")  # fmt: skip
    as_reader(client, "zh")
    slug = team.consultation.slug
    urls = [page(team.consultation, statement.id), f"/c/{slug}/statements", f"/c/{slug}/vote"]
    for url in urls:
        assert "坏的翻译" not in client.get(url).get_data(as_text=True), url
    organiser = app.test_client()
    post_form(organiser, "/login", {"email": team.organiser.email, "password": PASSWORD})
    for name in ("comments.csv", "analysis.json"):
        response = organiser.get(f"/c/{slug}/exports/{name}")
        assert response.status_code == 200, name
        assert "坏的翻译" not in response.get_data(as_text=True), name


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"language": "en", "text": "Same language."}, 422, "other than the original"),
        ({"language": "fr", "text": "Pas une langue de la consultation."}, 422, "other than"),
        ({"language": "zh", "text": ""}, 422, "Write the translation"),
        ({"language": "zh", "text": "长" * (STATEMENT_MAX + 1)}, 422, "characters or fewer"),
    ],
)
def test_bad_input_is_a_clear_4xx(db, client, login, team, approved, data, status, message):
    statement, _comment = approved
    login(team.participant)
    response = propose(client, team.consultation, "statement", statement.id, **data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert translations_of(db) == []


def test_a_second_pending_proposal_into_one_language_is_a_conflict(
    db, client, login, team, approved
):
    statement, _comment = approved
    login(team.participant)
    propose(client, team.consultation, "statement", statement.id, language="zh", text="一。")
    response = propose(client, team.consultation, "statement", statement.id, headers=HX,
                       language="zh", text="二。")  # fmt: skip
    assert response.status_code == 409
    assert "already awaiting moderation" in response.get_data(as_text=True)


def test_what_readers_cannot_see_cannot_be_translated(db, client, login, team, contribute):  # noqa: F811
    c = team.consultation
    pending = contribute.statement(c, "Pending statement.")
    other = contribute.statement(
        team.other, "Another consultation's.", moderation_state=ModerationState.APPROVED
    )
    clause_statement = db.session.scalar(
        sa.select(Statement.id).where(Statement.consultation_id == c.id, Statement.text.is_(None))
    )
    login(team.participant)
    for item_id in (pending.id, other.id, clause_statement, 10**9):
        response = client.get(f"/c/{c.slug}/s/{item_id}/translate")
        assert response.status_code == 404, item_id


def test_a_deleted_comment_cannot_be_translated(db, client, login, team, approved):
    _statement, comment = approved
    db.session.get(Comment, comment.id).deleted_at = sa.func.now()
    db.session.commit()
    login(team.participant)
    response = client.get(f"/c/{team.consultation.slug}/comments/{comment.id}/translate")
    assert response.status_code == 404


def test_a_closed_consultation_takes_no_translation(db, client, login, team, approved):
    statement, _comment = approved
    login(team.participant)
    url = f"/c/{team.consultation.slug}/s/{statement.id}/translate"
    token = csrf_from(client.get(url).get_data(as_text=True))
    team.consultation.status = Status.CLOSED
    db.session.commit()
    response = client.post(url, data={"csrf_token": token, "language": "zh", "text": "译文。"})
    assert response.status_code == 403
    assert translations_of(db) == []


def test_logged_out_visitors_are_asked_to_log_in(db, client, team, approved):
    statement, _comment = approved
    response = propose(client, team.consultation, "statement", statement.id,
                       language="zh", text="译文。")  # fmt: skip
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert translations_of(db) == []


def test_new_statements_and_comments_record_the_language_they_were_written_in(
    db, client, make_consultation, make_user, login
):
    consultation = make_consultation("post", moderation_mode=ModerationMode.POST)
    login(make_user("writer@example.org"))
    as_reader(client, "zh")
    url = f"/c/{consultation.slug}/statements"
    assert post_form(client, url, {"text": "我们应该合作。"}).status_code == 302
    statement = db.session.scalar(sa.select(Statement).where(Statement.text == "我们应该合作。"))
    assert statement.language == "zh"
    comment_url = page(consultation, statement.id)
    response = post_form(client, f"{comment_url}/comments", {"stance": "support", "body": "同意。"},
                         page=comment_url)  # fmt: skip
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Comment.language)) == "zh"


def test_an_edited_comment_sends_its_translations_back_to_the_moderators(
    db, client, login, team, contribute
):
    """The translation translated the old text: it is not shown until checked again."""
    c = team.consultation
    c.moderation_mode = ModerationMode.POST  # the edit applies at once
    db.session.commit()
    author = contribute.participant(c, team.participant)
    statement = contribute.statement(c, author=author, moderation_state=ModerationState.APPROVED)
    comment = contribute.comment(
        c, statement, "Old text.", author=author, moderation_state=ModerationState.APPROVED
    )
    propose_translation(c, "comment", comment.id, Actor(team.organiser), team.organiser,
                        language="zh", text="旧文本。")  # fmt: skip
    login(team.participant)
    url = f"/c/{c.slug}/comments/{comment.id}/edit"
    assert post_form(client, url, {"body": "New text."}).status_code == 302
    (stored,) = translations_of(db, comment_id=comment.id)
    assert stored.moderation_state is ModerationState.PENDING
    as_reader(client, "zh")
    assert "旧文本。" not in client.get(page(c, statement.id)).get_data(as_text=True)
