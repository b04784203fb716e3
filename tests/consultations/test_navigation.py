"""Finding one's way in a consultation (issue 13, item 6 and part of 8): the section
navigation on every page of it, versions and history linked, the authoritative text one
click away, reading progress and share links."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.db_types import utcnow
from consult.drafts.models import Clause
from tests.conftest import csrf_from

NAV = re.compile(r'<nav class="consultation-nav" aria-label="[^"]+">(.*?)</nav>', re.S)
ENGLISH = {"Accept-Language": "en-GB"}


@pytest.fixture
def consultation(make_consultation):
    """Chinese first (authoritative), English second, as in the demo."""
    return make_consultation(languages=["zh", "en"])


@pytest.fixture
def clause_ids(db, consultation):
    return db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).all()


def nav_of(html: str) -> tuple[list[str], list[str]]:
    """The navigation's link labels, and the labels marked as the current page."""
    found = NAV.findall(html)
    assert len(found) == 1, "exactly one consultation navigation"
    links = re.findall(r'<a href="[^"]+"( aria-current="page")?>([^<]+)</a>', found[0])
    return [label for _, label in links], [label for current, label in links if current]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("", "The text"),
        ("/vote", "Vote"),
        ("/statements", "Statements"),
        ("/dashboard", "What participants think"),
        ("/dashboard/method", "What participants think"),
        ("/dashboard/history", "What participants think"),
        ("/draft/versions", "Versions"),
        ("/draft/compare", "Versions"),
        ("/text", "The text"),
    ],
)
def test_every_public_page_of_a_consultation_has_its_navigation(
    client, consultation, path, current
):
    response = client.get(f"/c/{consultation.slug}{path}", headers=ENGLISH)
    assert response.status_code == 200
    labels, marked = nav_of(response.get_data(as_text=True))
    assert labels == [
        "The text",
        "Vote",
        "Statements",
        "What participants think",
        "Versions",
        "My participation",
    ]
    assert marked == [current]


def test_discussion_and_own_pages_mark_their_section(
    client, consultation, clause_ids, make_user, login, db
):
    from tests.participation.test_flow import add_statements

    (statement_id,) = add_statements(db, consultation, "A statement from a participant.")
    slug = consultation.slug
    assert nav_of(client.get(f"/c/{slug}/s/{statement_id}").get_data(as_text=True))[1] == [
        "Statements"
    ]
    clause_page = client.get(f"/c/{slug}/s/{clause_ids[0]}").get_data(as_text=True)
    assert nav_of(clause_page)[1] == ["The text"], "a clause's page belongs to the text"
    login(make_user("reader@example.org"))
    assert nav_of(client.get(f"/c/{slug}/me").get_data(as_text=True))[1] == ["My participation"]


def test_team_sees_its_tools_in_the_navigation_and_others_do_not(
    client, consultation, make_user, login, db
):
    from consult.consultations.models import ConsultationRole, Role

    assert "Team tools" not in nav_of(client.get(f"/c/{consultation.slug}").get_data(True))[0]
    moderator = make_user("mod@example.org")
    db.session.add(
        ConsultationRole(consultation_id=consultation.id, user_id=moderator.id, role=Role.MODERATOR)
    )
    db.session.commit()
    login(moderator)
    queue = client.get(f"/c/{consultation.slug}/moderate").get_data(as_text=True)
    labels, marked = nav_of(queue)
    assert "Team tools" in labels and marked == ["Team tools"]


def test_hidden_dashboard_is_not_offered(client, make_consultation):
    hidden = make_consultation("hidden-results", dashboard_public=False)
    labels, _ = nav_of(client.get(f"/c/{hidden.slug}").get_data(as_text=True))
    assert "What participants think" not in labels
    assert "/dashboard/history" not in client.get(f"/c/{hidden.slug}").get_data(as_text=True)


def test_pages_outside_a_consultation_have_no_consultation_navigation(client, consultation):
    assert "consultation-nav" not in client.get("/").get_data(as_text=True)
    assert "consultation-nav" not in client.get("/login").get_data(as_text=True)


def test_navigation_in_chinese(client, consultation):
    html = client.get(f"/c/{consultation.slug}", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    labels, marked = nav_of(html)
    assert len(labels) == 6 and len(marked) == 1


def test_versions_compare_and_history_are_linked_from_the_text_and_clause_pages(
    client, consultation, clause_ids
):
    slug = consultation.slug
    text = client.get(f"/c/{slug}", headers=ENGLISH).get_data(as_text=True)
    assert f'href="/c/{slug}/draft/versions">Earlier versions</a>' in text
    assert f'href="/c/{slug}/dashboard/history">How each clause changed</a>' in text
    assert "Compare versions" not in text, "one version: nothing to compare yet"
    clause_page = client.get(f"/c/{slug}/s/{clause_ids[0]}", headers=ENGLISH).get_data(True)
    assert f'href="/c/{slug}/draft/versions">Earlier versions</a>' in clause_page
    assert f'href="/c/{slug}/dashboard/history#clause-1-heading">' in clause_page


def test_compare_is_linked_once_there_are_two_versions(client, db, consultation, clause_ids):
    from consult.drafts.models import DraftVersion
    from consult.drafts.services import append_voted_clause

    second = DraftVersion(
        consultation_id=consultation.id, number=2, published_at=utcnow(), preamble={}
    )
    append_voted_clause(second, 1, "lineage-new", text={"en": "A new clause.", "zh": "新条款。"})
    db.session.add(second)
    db.session.commit()
    slug = consultation.slug
    text = client.get(f"/c/{slug}", headers=ENGLISH).get_data(as_text=True)
    assert f'href="/c/{slug}/draft/compare">Compare versions</a>' in text
    clause_statement = db.session.scalar(
        sa.select(Clause.statement_id).where(Clause.version_id == second.id)
    )
    clause_page = client.get(f"/c/{slug}/s/{clause_statement}", headers=ENGLISH).get_data(True)
    assert f'/c/{slug}/draft/compare#change-lineage-new">Compare versions</a>' in clause_page


def test_english_reader_gets_the_authoritative_chinese_text_one_click_away(
    client, consultation, clause_ids
):
    slug = consultation.slug
    for path in (f"/c/{slug}", f"/c/{slug}/s/{clause_ids[0]}"):
        html = client.get(path, headers=ENGLISH).get_data(as_text=True)
        details = re.findall(r'<details class="authoritative-text">(.*?)</details>', html, re.S)
        assert len(details) == 1, "only the clause that has a Chinese text offers it"
        assert "<summary>Authoritative text (中文)</summary>" in details[0]
        assert 'lang="zh-Hans"' in details[0] and "第一条。" in details[0]
    chinese = client.get(f"/c/{slug}", headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert "authoritative-text" not in chinese, "the reader already reads the authoritative text"


def test_reading_progress_counts_the_viewers_votes_on_clauses(
    client, consultation, clause_ids, make_user, login
):
    slug = consultation.slug
    assert "clauses voted" not in client.get(f"/c/{slug}", headers=ENGLISH).get_data(True)
    login(make_user("voter@example.org"))
    page = client.get(f"/c/{slug}", headers=ENGLISH).get_data(as_text=True)
    token = csrf_from(page)
    response = client.post(
        f"/c/{slug}/statements/{clause_ids[0]}/vote",
        data={"csrf_token": token, "choice": "agree"},
    )
    assert response.status_code in (200, 302, 303)
    html = client.get(f"/c/{slug}", headers=ENGLISH).get_data(as_text=True)
    assert '<p id="reading-progress" class="progress-text">1 of 2 clauses voted</p>' in html
    assert '<progress max="2" value="1" aria-labelledby="reading-progress">' in html


def test_anonymous_voter_sees_their_own_progress(client, make_consultation):
    open_to_all = make_consultation("open-to-all", allow_anonymous=True)
    clause_ids = [c.statement_id for c in _clauses(open_to_all)]
    page = client.get(f"/c/{open_to_all.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "clauses voted" not in page, "a visitor who has not voted sees no progress"
    client.post(
        f"/c/{open_to_all.slug}/statements/{clause_ids[1]}/vote",
        data={"csrf_token": csrf_from(page), "choice": "disagree"},
    )
    html = client.get(f"/c/{open_to_all.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "1 of 2 clauses voted" in html


def _clauses(consultation):
    from consult.consultations.services import current_version

    return current_version(consultation).clauses


def test_share_links_are_absolute_addresses(client, db, consultation, clause_ids):
    from tests.participation.test_flow import add_statements

    (statement_id,) = add_statements(db, consultation, "Share me.")
    slug = consultation.slug
    text = client.get(f"/c/{slug}", headers=ENGLISH).get_data(as_text=True)
    for position, sid in enumerate(clause_ids, start=1):
        assert f'id="s-{sid}"' in text
        assert (
            f'<a href="http://localhost/c/{slug}#s-{sid}">Link to this clause'
            f'<span class="visually-hidden"> {position}</span></a>'
        ) in text
    statement = client.get(f"/c/{slug}/s/{statement_id}", headers=ENGLISH).get_data(True)
    assert f'<a href="http://localhost/c/{slug}/s/{statement_id}">Link to this statement' in (
        statement
    )


def test_vote_is_offered_only_while_the_consultation_takes_votes(client, db, consultation):
    from consult.consultations.models import Status

    labels, _ = nav_of(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    assert "Vote" in labels
    consultation.status = Status.CLOSED
    db.session.commit()
    labels, _ = nav_of(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    assert "Vote" not in labels and "The text" in labels and "Statements" in labels
