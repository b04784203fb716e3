"""The consultation page asks for votes only while it takes them. Closed, a clause
reworded after someone's vote says so without asking them to vote again, the page leads
to the results instead of "Vote on statements", and Follow promises only what can still
happen; scheduled, it says when voting opens; open, it asks as before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import Status
from consult.db_types import utcnow
from consult.drafts.models import Clause, DraftVersion
from consult.participation.models import ModerationState, Statement, StatementKind
from tests.conftest import post_form

PAGE = "/c/test-consultation"
ASK = "Please read it again and vote on the new text"
CHANGED = "This clause changed after you voted on it (you voted: agree)."


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def reworded(db, client, make_consultation, make_user, login):
    """A participant's vote on clause 1, then a version 2 rewording that clause."""
    consultation = make_consultation()
    login(make_user("voter@example.org"))
    first = db.session.scalar(
        sa.select(Clause).where(Clause.position == 1).order_by(Clause.id).limit(1)
    )
    voted = post_form(
        client, f"{PAGE}/statements/{first.statement_id}/vote", {"choice": "agree"}, page=PAGE
    )
    assert voted.status_code == 302
    old = db.session.get(Statement, first.statement_id)
    new = Statement(
        consultation_id=consultation.id,
        kind=StatementKind.CLAUSE,
        lineage_key=old.lineage_key,
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(new)
    db.session.flush()
    version = DraftVersion(consultation_id=consultation.id, number=2, published_at=utcnow())
    version.clauses = [
        Clause(position=1, lineage_key=old.lineage_key, text={"en": "Reworded."},
               statement_id=new.id),
    ]  # fmt: skip
    db.session.add(version)
    db.session.commit()
    return consultation


def _cta(html: str) -> str:
    found = re.search(r'class="consultation-cta[^"]*">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def test_open_asks_for_the_vote_again(client, reworded):
    html = client.get(PAGE).get_data(as_text=True)
    assert ASK in html and "Voting is closed." not in html
    assert "/vote" in _cta(html) and "Vote on statements" in _cta(html)
    text = _text(html)
    assert "we tell you when it closes soon or publishes a report" in text
    assert "when it opens" not in text, "it has opened"


@pytest.mark.parametrize("how", ["status", "closing time"])
def test_closed_asks_for_no_vote(client, db, reworded, how):
    if how == "status":
        reworded.status = Status.CLOSED
    else:
        reworded.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    text = _text(html)
    assert ASK not in html and "vote again" not in text
    assert CHANGED in text and "Voting is closed." in text
    assert 'name="choice"' not in html, "no vote buttons"
    assert "Vote on statements" not in html
    assert "/dashboard" in _cta(html) and "See the results" in _cta(html)
    assert "we tell you when it publishes a report" in text
    assert "when it opens" not in text and "closes soon" not in text


def test_closed_with_hidden_results_leads_to_the_statements(client, db, reworded):
    reworded.status, reworded.dashboard_public = Status.CLOSED, False
    db.session.commit()
    cta = _cta(client.get(PAGE).get_data(as_text=True))
    assert "See the results" not in cta and "/dashboard" not in cta
    assert "Statements from participants" in cta and "/statements" in cta


def test_scheduled_says_when_voting_opens(client, db, reworded):
    reworded.opens_at = utcnow() + timedelta(days=2)
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    text = _text(html)
    assert ASK not in html and CHANGED in text
    assert "Vote on statements" not in html
    assert "Voting opens on" in _text(_cta(html))
    assert "we tell you when it opens, closes soon or publishes a report" in text


def test_a_visitor_on_a_closed_consultation_is_not_asked_to_log_in_to_vote(
    client, db, make_consultation
):
    make_consultation(status=Status.CLOSED)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Vote on statements" not in html and "See the results" in _cta(html)
    assert "Log in to vote" not in html and "To vote and comment" not in html
