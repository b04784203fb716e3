"""Pseudonymous participation that cannot be farmed: one address may start only
``pseudonymous_per_hour`` new pseudonymous participants an hour in a consultation; past
that, a clear 429 and nothing written. Organisers set the number (a hall shares one address).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.consultations.models import Participant
from consult.drafts.models import Clause
from consult.errors import DomainError
from consult.organise import services
from consult.participation.models import Comment, Statement, Vote
from tests import team as shared
from tests.conftest import IsolatedClient, csrf_from, post_form

team = shared.team
quick_user = shared.quick_user
ATTACKER = "203.0.113.7"
REFUSAL = "Too many new anonymous participants from your network"


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    app.test_client_class = IsolatedClient
    return app


def _first_statement(db) -> int:
    return db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).first()


def _new_visitor_votes(app, slug: str, statement_id: int, address: str):
    """A browser without cookies, from ``address``, votes once (its first write)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = csrf_from(browser.get(f"/c/{slug}").get_data(as_text=True))
    return browser.post(
        f"/c/{slug}/statements/{statement_id}/vote", data={"csrf_token": token, "choice": "agree"}
    )


def test_150_new_identities_from_one_address_are_mostly_refused(
    limited, db, make_consultation, row_count
):
    consultation = make_consultation(allow_anonymous=True)
    statement_id = _first_statement(db)
    statuses, refusal = [], None
    for _ in range(150):
        response = _new_visitor_votes(limited, consultation.slug, statement_id, ATTACKER)
        statuses.append(response.status_code)
        if response.status_code == 429:
            refusal = response
    cap = consultation.pseudonymous_per_hour
    assert cap == 10, "the default"
    assert statuses.count(302) == cap and statuses.count(429) == 150 - cap
    assert REFUSAL in refusal.get_data(as_text=True)
    assert int(refusal.headers["Retry-After"]) > 60 * 50, "the window is an hour"
    assert row_count(Participant) == cap and row_count(Vote) == cap, "nothing written"
    # Someone else, elsewhere, may still join; an admitted browser keeps voting.
    assert (
        _new_visitor_votes(limited, consultation.slug, statement_id, "198.51.100.1").status_code
        == 302
    )


def test_an_admitted_browser_keeps_its_identity(limited, db, make_consultation, row_count):
    consultation = make_consultation(allow_anonymous=True, pseudonymous_per_hour=1)
    first, second = db.session.scalars(
        sa.select(Clause.statement_id).order_by(Clause.position)
    ).all()
    browser = limited.test_client()
    browser.environ_base["REMOTE_ADDR"] = ATTACKER
    token = csrf_from(browser.get(f"/c/{consultation.slug}").get_data(as_text=True))
    for statement_id in (first, second):
        response = browser.post(
            f"/c/{consultation.slug}/statements/{statement_id}/vote",
            data={"csrf_token": token, "choice": "disagree"},
        )
        assert response.status_code == 302
    assert _new_visitor_votes(limited, consultation.slug, first, ATTACKER).status_code == 429
    assert row_count(Participant) == 1 and row_count(Vote) == 2


def _statement_of(db, consultation) -> int:
    return db.session.scalar(
        sa.select(Statement.id).where(Statement.consultation_id == consultation.id).limit(1)
    )


def test_the_cap_counts_per_consultation_and_accounts_are_not_capped(
    limited, db, make_consultation, quick_user, login, client, row_count
):
    one = make_consultation("one", allow_anonymous=True, pseudonymous_per_hour=1)
    two = make_consultation("two", allow_anonymous=True, pseudonymous_per_hour=1)
    in_one, in_two = _statement_of(db, one), _statement_of(db, two)
    assert _new_visitor_votes(limited, "one", in_one, ATTACKER).status_code == 302
    assert _new_visitor_votes(limited, "two", in_two, ATTACKER).status_code == 302
    assert _new_visitor_votes(limited, "one", in_one, ATTACKER).status_code == 429
    client.environ_base["REMOTE_ADDR"] = ATTACKER
    login(quick_user("member@example.org"))
    token = csrf_from(client.get("/c/one").get_data(as_text=True))
    response = client.post(
        f"/c/one/statements/{in_one}/vote", data={"csrf_token": token, "choice": "pass"}
    )
    assert response.status_code == 302
    assert row_count(Participant) == 3


def test_new_comment_and_statement_authors_are_capped_too(
    limited, db, make_consultation, row_count
):
    consultation = make_consultation(allow_anonymous=True, pseudonymous_per_hour=1)
    statement_id = _first_statement(db)
    assert _new_visitor_votes(limited, consultation.slug, statement_id, ATTACKER).status_code == 302
    browser = limited.test_client()
    browser.environ_base["REMOTE_ADDR"] = ATTACKER
    page = f"/c/{consultation.slug}/s/{statement_id}"
    token = csrf_from(browser.get(page).get_data(as_text=True))
    response = browser.post(f"{page}/comments", data={"csrf_token": token, "body": "Hello."})
    assert response.status_code == 429 and REFUSAL in response.get_data(as_text=True)
    response = browser.post(
        f"/c/{consultation.slug}/statements", data={"csrf_token": token, "text": "A new point."}
    )
    assert response.status_code == 429
    assert row_count(Participant) == 1 and row_count(Comment) == 0


def test_organisers_set_the_cap_within_range(limited, db, client, login, team):
    login(team.organiser)
    settings = f"/c/{team.consultation.slug}/organise"
    page = client.get(settings).get_data(as_text=True)
    assert 'name="pseudonymous_per_hour"' in page and 'value="10"' in page
    fields = {"title_en": "Test consultation", "languages": ["en", "zh"], "moderation_mode": "pre"}
    for bad in ("0", "10001", "-3", "many"):
        response = post_form(client, settings, {**fields, "pseudonymous_per_hour": bad})
        assert response.status_code == 422, bad
    db.session.refresh(team.consultation)
    assert team.consultation.pseudonymous_per_hour == 10, "nothing stored"
    response = post_form(client, settings, {**fields, "pseudonymous_per_hour": "400"})
    assert response.status_code == 302
    db.session.refresh(team.consultation)
    assert team.consultation.pseudonymous_per_hour == 400
    # Left out of the form, it stays as it is.
    assert post_form(client, settings, fields).status_code == 302
    db.session.refresh(team.consultation)
    assert team.consultation.pseudonymous_per_hour == 400


def test_the_service_refuses_a_cap_out_of_range(db, team):
    base = {"title": {"en": "A title"}, "summary": {}, "languages": ["en"]}
    for bad in (0, 10001, "12"):
        with pytest.raises(DomainError) as refused:
            services.update_settings(
                team.organiser,
                team.consultation,
                services.Settings(**base, pseudonymous_per_hour=bad),
            )
        assert refused.value.field == "pseudonymous_per_hour"
