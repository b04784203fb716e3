"""The organiser home, /organise: who sees which consultations, grouped by state, with
their queue counts and last analysis; the header's links to it and to a new consultation."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from consult.auth.services import grant_role
from consult.consultations.models import Role
from consult.consultations.schedule import Phase
from consult.db_types import utcnow
from consult.organise import services
from consult.organise.home import my_consultations
from consult.participation.models import ModerationState
from consult.reports.models import AnalysisSnapshot, SnapshotStatus

HOME = "/organise"


def _card(html: str, slug: str) -> str:
    match = re.search(
        rf'<li class="card organise-home-card" id="consultation-{slug}".*?</li>', html, re.S
    )
    assert match, f"no card for {slug}"
    return match.group(0)


def _menu(html: str) -> str:
    return re.search(r'<details class="account-menu">.*?</details>', html, re.S).group(0)


@pytest.fixture
def world(db, team, contribute, make_consultation):
    """The team's consultation with one item of each kind waiting, the other consultation
    with one pending statement, a draft, a scheduled and a closed one the organiser runs."""
    c = team.consultation
    author = contribute.participant(c, team.participant)
    contribute.statement(c, "Pending.", author)
    approved = contribute.statement(
        c, "Approved.", author, moderation_state=ModerationState.APPROVED
    )
    contribute.comment(c, approved, "Pending comment.", author)
    contribute.comment(
        c, approved, "Edited.", author, moderation_state=ModerationState.APPROVED,
        pending_body="Edited again.", pending_at=utcnow(),
    )  # fmt: skip
    contribute.comment(
        c, approved, "Withdrawn.", author, deleted_at=utcnow()
    )  # a deleted comment waits for nobody
    contribute.report(c, team.participant, statement=approved)
    contribute.statement(team.other, "Elsewhere.", author)
    draft = services.create_consultation(
        team.organiser,
        "a-draft",
        services.Settings(title={"en": "A draft"}, summary={}, languages=["en"]),
    )
    soon = make_consultation("soon", opens_at=utcnow() + timedelta(days=30))
    past = make_consultation("past", closes_at=utcnow() - timedelta(days=1))
    for consultation in (soon, past):
        grant_role(team.organiser, consultation, Role.ORGANISER)
    grant_role(team.organiser, c, Role.MODERATOR)  # two roles in one consultation
    return draft


def test_organiser_sees_each_state_with_counts_and_roles(client, login, team, world):
    login(team.organiser)
    html = client.get(HOME).get_data(as_text=True)
    groups = re.findall(r'<h2 id="state-(\w+)">', html)
    assert groups == ["draft", "scheduled", "open", "closed"]  # no empty "imported" group
    assert 'data-state="draft"' in _card(html, "a-draft")
    assert 'data-state="scheduled"' in _card(html, "soon")
    assert "Opens on" in _card(html, "soon")
    assert 'data-state="closed"' in _card(html, "past")
    assert "Closed on" in _card(html, "past")
    mine = _card(html, "test-consultation")
    assert 'data-state="open"' in mine
    # pending statement + pending comment + pending edit + unresolved report
    assert "4 items wait for moderation" in mine
    assert "Organiser, Moderator" in mine
    assert 'href="/c/test-consultation/organise"' in mine
    assert 'href="/c/test-consultation/moderate"' in mine
    assert 'href="/c/test-consultation"' in mine
    assert "0 items wait for moderation" in _card(html, "a-draft")
    assert "consultation-other" not in html  # not on its team
    assert 'href="/organise/new"' in html


def test_draft_is_listed_only_here(client, login, team, world):
    assert "a-draft" not in client.get("/").get_data(as_text=True)
    login(team.organiser)
    assert "a-draft" not in client.get("/").get_data(as_text=True)
    assert "a-draft" in client.get(HOME).get_data(as_text=True)


def test_moderator_sees_own_consultations_without_organising(client, login, team, world):
    login(team.moderator)
    html = client.get(HOME).get_data(as_text=True)
    mine = _card(html, "test-consultation")
    assert "Your role:\n            Moderator</span>" in mine
    assert "4 items wait for moderation" in mine
    assert '/organise"' not in mine  # no organise link for a moderator
    assert re.findall(r'id="consultation-([\w-]+)"', html) == ["test-consultation"]
    assert 'href="/organise/new"' not in html
    menu = _menu(html)
    assert 'href="/organise"' in menu and 'href="/organise/new"' not in menu


def test_admin_sees_every_consultation(client, login, team, world, quick_user):
    login(quick_user("root@example.org", admin=True))
    html = client.get(HOME).get_data(as_text=True)
    slugs = set(re.findall(r'id="consultation-([\w-]+)"', html))
    assert slugs == {"test-consultation", "other", "a-draft", "soon", "past"}
    other = _card(html, "other")
    assert "Site admin" in other and "1 item waits for moderation" in other
    assert 'href="/c/other/organise"' in other
    menu = _menu(html)
    assert 'href="/organise"' in menu and 'href="/organise/new"' in menu


def test_others_get_403_and_no_links(client, login, team):
    response = client.get(HOME)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(team.participant)
    response = client.get(HOME)
    assert response.status_code == 403
    assert "organise or moderate no consultation" in response.get_data(as_text=True)
    menu = _menu(client.get("/").get_data(as_text=True))
    assert 'href="/organise"' not in menu and 'href="/organise/new"' not in menu


def test_organiser_menu_offers_both_links(client, login, team):
    login(team.organiser)
    menu = _menu(client.get("/").get_data(as_text=True))
    assert 'href="/organise"' in menu and 'href="/organise/new"' in menu


def test_last_analysis_is_latest_ok_run_of_everyone(db, client, login, team):
    c = team.consultation
    login(team.organiser)
    assert "Not analysed yet" in _card(client.get(HOME).get_data(as_text=True), "test-consultation")

    def run(when, status=SnapshotStatus.OK, population="all"):
        db.session.add(
            AnalysisSnapshot(
                consultation_id=c.id, status=status, population=population, created_at=when
            )
        )
        db.session.commit()

    run(datetime(2030, 1, 2, 3, 4, tzinfo=UTC))
    run(datetime(2030, 1, 5, 6, 7, tzinfo=UTC))
    run(datetime(2030, 2, 1, tzinfo=UTC), status=SnapshotStatus.FAILED)
    run(datetime(2030, 3, 1, tzinfo=UTC), population="accounts")
    card = _card(client.get(HOME).get_data(as_text=True), "test-consultation")
    # Babel's English medium date and short time (a narrow no-break space before AM).
    assert "Last analysis: Jan 5, 2030, 6:07\u202fAM UTC" in card
    rows = my_consultations(team.organiser)
    assert [r.analysed_at for r in rows[Phase.OPEN]] == [datetime(2030, 1, 5, 6, 7, tzinfo=UTC)]
