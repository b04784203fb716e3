"""Opening needs a published draft and a closing time to come; every refusal of the
status and team forms is said on the page that holds the form, never a bare error page."""

import re
from datetime import timedelta

import pytest

from consult.consultations.models import ConsultationRole, Role, Status
from consult.db_types import utcnow
from consult.drafts.models import DraftVersion
from consult.errors import Conflict
from consult.organise.status import set_status
from tests.conftest import post_form

SETTINGS = "/c/test-consultation/organise"
TEAM = f"{SETTINGS}/team"


def _alert(html: str, block_id: str) -> str:
    found = re.search(rf'id="{block_id}">(.*?)</div>', html, flags=re.S)
    assert found, f"no #{block_id} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def _unpublish(db, consultation):
    for version in db.session.query(DraftVersion).filter_by(consultation_id=consultation.id):
        version.published_at = None
    consultation.status = Status.DRAFT
    db.session.commit()


def test_opening_needs_a_published_draft(db, team):
    c = team.consultation
    _unpublish(db, c)
    with pytest.raises(Conflict, match="Publish a version of the draft"):
        set_status(team.organiser, c, "open")
    assert c.status is Status.DRAFT
    set_status(team.organiser, c, "archived")  # archiving needs no text


def test_opening_after_the_closing_time_is_refused(db, team):
    c = team.consultation
    c.status, c.closes_at = Status.CLOSED, utcnow() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Conflict, match="closing time has passed"):
        set_status(team.organiser, c, "open")


def test_opening_before_the_opening_time_schedules_it(db, team):
    c = team.consultation
    c.status, c.opens_at = Status.DRAFT, utcnow() + timedelta(days=3)
    db.session.commit()
    set_status(team.organiser, c, "open")
    assert c.phase().value == "scheduled" and not c.accepts_input()


def test_refused_opening_is_shown_on_the_settings_page(client, db, team, login, reload):
    c = team.consultation
    _unpublish(db, c)
    login(team.organiser)
    response = post_form(client, f"{SETTINGS}/status", {"status": "open"}, page=SETTINGS)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Publish a version of the draft" in _alert(html, "status-error")
    assert 'name="title_en"' in html and 'value="open"' in html, "the forms are still there"
    assert reload(c).status is Status.DRAFT


def test_other_status_refusals_are_shown_on_the_page(client, db, team, login):
    login(team.organiser)
    response = post_form(client, f"{SETTINGS}/status", {"status": "open"}, page=SETTINGS)
    assert response.status_code == 409
    assert "already has this status" in _alert(response.get_data(as_text=True), "status-error")
    response = post_form(client, f"{SETTINGS}/status", {"status": "bogus"}, page=SETTINGS)
    assert response.status_code == 422
    assert "Choose a status" in _alert(response.get_data(as_text=True), "status-error")


def test_settings_page_states_the_phase(client, db, team, login):
    c = team.consultation
    c.opens_at = utcnow() + timedelta(days=3)
    db.session.commit()
    login(team.organiser)
    html = client.get(SETTINGS).get_data(as_text=True)
    assert "badge-scheduled" in html and "Opens on" in html
    assert "it opens on its own on" in html and "nobody needs to press anything" in html


def test_removing_the_last_organiser_is_said_on_the_team_page(client, db, team, login, reload):
    login(team.organiser)
    own = (
        db.session.query(ConsultationRole)
        .filter_by(
            consultation_id=team.consultation.id, user_id=team.organiser.id, role=Role.ORGANISER
        )
        .one()
    )
    response = post_form(client, f"{TEAM}/{own.id}/remove", {}, page=TEAM)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "needs at least one organiser" in _alert(html, "removal-error")
    assert "Organisers and moderators" in html and 'name="email"' in html
    assert reload(own).role is Role.ORGANISER
    response = post_form(client, f"{TEAM}/999999/remove", {}, page=TEAM)
    assert response.status_code == 404
    assert "no such role here" in _alert(response.get_data(as_text=True), "removal-error")
    # A moderator still gets 403 from the team's own pages.
    post_form(client, "/logout", {}, page="/")
    login(team.moderator)
    assert post_form(client, f"{TEAM}/{own.id}/remove", {}, page="/").status_code == 403
