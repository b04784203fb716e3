"""Site organisers: the admin lets an account start consultations (from /admin/organisers
or ``flask grant-organiser``), only for a confirmed address; each grant and removal is
in the site's audit log."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import Consultation, ConsultationRole, Role
from consult.moderation.models import ModerationEvent
from consult.organise.services import can_create_consultation
from tests.conftest import PASSWORD, IsolatedClient, post_form

PAGE = "/admin/organisers"


def _as(app, user):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _site_events(db):
    db.session.commit()
    return [
        (event.action, event.target_id, (event.details or {}).get("via"))
        for event in db.session.scalars(
            sa.select(ModerationEvent)
            .where(ModerationEvent.consultation_id.is_(None))
            .where(ModerationEvent.action.in_(["grant_organiser", "revoke_organiser"]))
            .order_by(ModerationEvent.id)
        )
    ]


def _reload(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_admin_grants_by_email_and_the_person_starts_a_consultation(app, db, quick_user):
    admin = quick_user("root@example.org", admin=True)
    lead = quick_user("lead@ministry.example.org")
    own = _as(app, lead)
    assert own.get("/organise/new").status_code == 403
    assert own.get("/organise").status_code == 403

    client = _as(app, admin)
    assert 'href="/admin/organisers"' in client.get("/admin/verifiers").get_data(as_text=True)
    response = post_form(client, PAGE, {"email": "  LEAD@ministry.example.org "})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    html = client.get(PAGE).get_data(as_text=True)
    assert "Lead may now start consultations." in html
    assert "lead@ministry.example.org" in html
    assert f'action="/admin/organisers/{lead.id}/remove"' in html
    assert _reload(db, lead).is_organiser
    assert _site_events(db) == [("grant_organiser", lead.id, "site")]
    assert "let Lead start consultations" in client.get("/admin/audit").get_data(as_text=True)

    # The person now sees "New consultation" (header and their empty home) and creates one.
    own = _as(app, lead)
    home = own.get("/organise")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert html.count('href="/organise/new"') == 2 and "You organise no consultation yet." in html
    assert 'href="/organise">' in html, "the header links to their home"
    data = {"slug": "ai-rules", "title_en": "AI rules", "languages": ["en"]}
    response = post_form(own, "/organise/new", {**data, "moderation_mode": "pre"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/ai-rules/organise"
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == "ai-rules"))
    roles = db.session.scalars(
        sa.select(ConsultationRole.role).where(ConsultationRole.consultation_id == consultation.id)
    ).all()
    assert roles == [Role.ORGANISER]


def test_refusals_are_clear(app, db, quick_user, make_user):
    admin = quick_user("root@example.org", admin=True)
    make_user("unconfirmed@example.org", confirmed=False, display_name="Newbie")
    client = _as(app, admin)
    response = post_form(client, PAGE, {"email": "unconfirmed@example.org"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Newbie has not confirmed their email address yet" in html
    assert 'aria-invalid="true"' in html

    response = post_form(client, PAGE, {"email": "nobody@example.org"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "No account uses this email yet" in html and "team page" in html

    assert post_form(client, PAGE, {"email": ""}).status_code == 422
    assert post_form(client, PAGE, {"email": "root@example.org"}).status_code == 302
    again = post_form(client, PAGE, {"email": "root@example.org"})
    assert again.status_code == 422 and "already a site organiser" in again.get_data(as_text=True)
    assert _site_events(db) == [("grant_organiser", admin.id, "site")]


def test_only_the_admin_grants_and_removes(app, db, team, quick_user):
    team.organiser.is_organiser = True
    db.session.commit()
    client = _as(app, team.organiser)  # a site organiser is no admin
    assert client.get(PAGE).status_code == 403
    response = post_form(client, PAGE, {"email": team.moderator.email}, page="/")
    assert response.status_code == 403
    remove = f"/admin/organisers/{team.organiser.id}/remove"
    assert post_form(client, remove, {}, page="/").status_code == 403
    assert not _reload(db, team.moderator).is_organiser
    assert _reload(db, team.organiser).is_organiser
    assert _site_events(db) == []


def test_the_admin_removes_a_site_organiser(app, db, team, quick_user):
    admin = quick_user("root@example.org", admin=True)
    lead = quick_user("lead@example.org")
    lead.is_organiser = True
    db.session.commit()
    assert can_create_consultation(lead)
    client = _as(app, admin)
    response = post_form(client, f"/admin/organisers/{lead.id}/remove", {}, page=PAGE)
    assert response.status_code == 302
    assert "Lead may no longer start consultations." in client.get(PAGE).get_data(as_text=True)
    lead = _reload(db, lead)
    assert not lead.is_organiser and not can_create_consultation(lead)
    missing = post_form(client, f"/admin/organisers/{lead.id}/remove", {}, page=PAGE)
    assert missing.status_code == 404
    assert post_form(client, "/admin/organisers/99999/remove", {}, page=PAGE).status_code == 404
    # Organising a consultation still lets one start another: the removal takes only the site role.
    assert can_create_consultation(team.organiser)
    assert _site_events(db) == [("revoke_organiser", lead.id, "site")]


def test_grant_organiser_command(app, db, runner, quick_user, make_user):
    lead = quick_user("lead@example.org")
    result = runner.invoke(args=["grant-organiser", "LEAD@example.org"])
    assert result.exit_code == 0, result.output
    assert "lead@example.org is now a site organiser." in result.output
    assert _reload(db, lead).is_organiser
    result = runner.invoke(args=["grant-organiser", "ghost@example.org"])
    assert result.exit_code == 2 and "error: No account uses this email yet" in result.output
    make_user("late@example.org", confirmed=False)
    result = runner.invoke(args=["grant-organiser", "late@example.org"])
    assert result.exit_code == 2 and "has not confirmed their email address" in result.output
    result = runner.invoke(args=["grant-organiser", "--revoke", "lead@example.org"])
    assert result.exit_code == 0 and "no longer a site organiser" in result.output
    assert not _reload(db, lead).is_organiser
    events = _site_events(db)
    assert events == [
        ("grant_organiser", lead.id, "command line"),
        ("revoke_organiser", lead.id, "command line"),
    ]
