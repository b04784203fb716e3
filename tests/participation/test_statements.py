import pytest
import sqlalchemy as sa

from consult.consultations.models import ModerationMode
from consult.participation.models import ModerationState, Statement, StatementKind, Vote, VoteEvent
from tests.conftest import post_form


def submit(client, consultation, text):
    url = f"/c/{consultation.slug}/statements"
    return post_form(client, url, {"text": text})


def test_submitted_statement_waits_for_moderation_with_authors_agree_vote(
    db, client, participant, consultation, row_count
):
    response = submit(client, consultation, "  Open-source models need   their own rules. ")
    assert response.status_code == 302
    statement = db.session.scalar(
        sa.select(Statement).where(Statement.kind == StatementKind.PARTICIPANT)
    )
    assert statement.text == "Open-source models need   their own rules.", "stored as written"
    assert statement.moderation_state is ModerationState.PENDING
    assert db.session.scalar(sa.select(Vote.value).where(Vote.statement_id == statement.id)) == 1
    assert row_count(VoteEvent) == 1
    html = client.get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    assert "Your statements not yet published" in html and "Waiting for moderation" in html


def test_post_moderated_statement_is_open_for_voting_at_once(
    db, client, participant, make_consultation
):
    consultation = make_consultation("open", moderation_mode=ModerationMode.POST)
    submit(client, consultation, "Compute thresholds are a poor proxy for risk.")
    html = client.get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    assert "1 statement open for voting" in html
    assert "Compute thresholds are a poor proxy for risk." in html


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 422, "Write your statement before sending it."),
        ("   ", 422, "Write your statement before sending it."),
        ("x" * 281, 422, "Keep your statement to 280 characters or fewer."),
    ],
)
def test_bad_statements_are_refused(
    client, participant, consultation, row_count, text, status, message
):
    response = submit(client, consultation, text)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert row_count(Statement) == 2  # only the two clauses


def test_exactly_280_characters_is_accepted(client, participant, consultation, row_count):
    assert submit(client, consultation, "y" * 280).status_code == 302
    assert row_count(Statement) == 3


def test_duplicate_statement_is_refused(client, participant, consultation, row_count):
    submit(client, consultation, "Audits should be public.")
    response = submit(client, consultation, "audits should   be PUBLIC.")
    assert response.status_code == 409
    # the author's own, still pending: they are told it awaits moderation (no link)
    assert "already; it is awaiting moderation" in response.get_data(as_text=True)
    assert row_count(Statement) == 3


def test_a_copy_without_its_punctuation_is_a_duplicate(
    client, participant, consultation, row_count
):
    submit(client, consultation, "Audits should be public.")
    assert submit(client, consultation, "audits, should be public").status_code == 409
    assert submit(client, consultation, "审计应当公开。").status_code == 302
    assert submit(client, consultation, "审计应当公开").status_code == 409
    assert row_count(Statement) == 4


def test_my_statements_are_listed_while_they_await_moderation(client, participant, consultation):
    submit(client, consultation, "Small countries need testing help.")
    html = client.get(f"/c/{consultation.slug}/statements?show=mine").get_data(as_text=True)
    assert "Small countries need testing help." in html and "Waiting for moderation" in html
    everyone = client.get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    assert "Small countries need testing help." not in everyone.split("statement-results")[1]


def test_statements_switched_off(db, client, participant, make_consultation, row_count):
    consultation = make_consultation("no-statements", allow_statements=False)
    response = submit(client, consultation, "Anything.")
    assert response.status_code == 403
    assert row_count(Statement) == 2


def test_statement_text_is_escaped(db, client, participant, make_consultation):
    consultation = make_consultation("open", moderation_mode=ModerationMode.POST)
    submit(client, consultation, "<b>bold</b> & 'quotes'")
    html = client.get(f"/c/{consultation.slug}/statements").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quotes&#39;" in html
