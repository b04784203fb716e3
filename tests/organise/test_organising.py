"""Organisers: create consultations, settings and status, team, verification, audit log."""

from datetime import UTC, datetime

import pytest

from consult.auth.models import Verification
from consult.consultations.models import ConsultationRole, Role, Status
from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.organise import services
from consult.organise.status import set_status
from tests.conftest import post_form

SETTINGS = "/c/test-consultation/organise"


def _settings(**changes):
    values = {"title": {"en": "A title"}, "summary": {}, "languages": ["en"]}
    return services.Settings(**{**values, **changes})


def test_who_may_create_a_consultation(db, team, quick_user):
    with pytest.raises(Forbidden):
        services.create_consultation(team.moderator, "new-one", _settings())
    created = services.create_consultation(team.organiser, "new-one", _settings())
    assert created.status is Status.DRAFT
    roles = db.session.query(ConsultationRole).filter_by(consultation_id=created.id).all()
    assert [(r.user_id, r.role) for r in roles] == [(team.organiser.id, Role.ORGANISER)]
    admin = quick_user("root@example.org", admin=True)
    with pytest.raises(DomainError, match="already uses"):
        services.create_consultation(admin, "new-one", _settings())
    with pytest.raises(DomainError):
        services.create_consultation(admin, "Bad Slug!", _settings())


def test_settings_validate_schedule_languages_and_title(db, team):
    c = team.consultation
    opens = datetime(2030, 1, 2, tzinfo=UTC)
    with pytest.raises(DomainError) as refused:
        services.update_settings(team.organiser, c, _settings(opens_at=opens, closes_at=opens))
    assert refused.value.field == "closes_at"
    with pytest.raises(DomainError):
        services.update_settings(team.organiser, c, _settings(languages=["fr"]))
    with pytest.raises(DomainError):
        services.update_settings(team.organiser, c, _settings(title={"en": " "}))
    with pytest.raises(Forbidden):
        services.update_settings(team.moderator, c, _settings())
    services.update_settings(
        team.organiser, c, _settings(languages=["zh", "en"], moderation_mode="post",
                                     allow_statements=False, opens_at=opens)
    )  # fmt: skip
    assert c.languages == ["zh", "en"] and c.moderation_mode.value == "post"
    assert not c.allow_statements and c.opens_at == opens


def test_status_by_hand(db, team):
    c = team.consultation
    set_status(team.organiser, c, "closed")
    assert not c.accepts_input()
    with pytest.raises(Conflict):
        set_status(team.organiser, c, "closed")
    set_status(team.organiser, c, Status.OPEN)
    assert c.accepts_input()


def test_team_appointments_and_the_last_organiser(db, team):
    c = team.consultation
    with pytest.raises(DomainError) as refused:
        services.appoint(team.organiser, c, "nobody@example.org", "moderator")
    assert refused.value.field == "email"
    granted = services.appoint(team.organiser, c, "SOMEONE@example.org", "organiser")
    with pytest.raises(DomainError):
        services.appoint(team.organiser, c, "someone@example.org", "organiser")
    services.remove_member(team.organiser, c, granted.id)
    own = next(m for m in services.team_members(c) if m.user_id == team.organiser.id)
    with pytest.raises(Conflict):
        services.remove_member(team.organiser, c, own.id)
    other_role = db.session.query(ConsultationRole).filter_by(consultation_id=team.other.id).first()
    with pytest.raises(NotFound):
        services.remove_member(team.organiser, c, other_role.id)


def test_verifying_participants_profiles(db, team, contribute):
    c = team.consultation
    contribute.participant(c, team.participant)
    rows = services.participants_to_verify(c)
    assert [user.id for user, _ in rows] == [team.participant.id]
    with pytest.raises(Forbidden):  # organisers see where participants stand; verifiers decide
        services.verify_profile(team.organiser, c, team.participant.id, "verified")
    team.organiser.is_verifier = True
    db.session.commit()
    with pytest.raises(NotFound):  # not a participant of this consultation
        services.verify_profile(team.organiser, c, team.moderator.id, "verified")
    with pytest.raises(DomainError):
        services.verify_profile(team.organiser, c, team.participant.id, "declined", "")
    profile = services.verify_profile(team.organiser, c, team.participant.id, "verified")
    assert profile.verification is Verification.VERIFIED and profile.verified_by_id
    services.verify_profile(team.organiser, c, team.participant.id, "declined", "No such ministry.")
    assert profile.verification_note == "No such ministry."


def test_organiser_pages(client, db, team, login, reload):
    login(team.organiser)
    response = post_form(
        client, SETTINGS,
        {"title_en": "T", "languages": ["en"], "moderation_mode": "pre",
         "opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "closing time must come after" in response.get_data(as_text=True)
    assert reload(team.consultation).title["en"] == "Test consultation", "nothing stored"
    response = post_form(
        client, f"{SETTINGS}/team", {"email": "ghost-at-example.org", "role": "moderator"}
    )
    assert response.status_code == 422 and "valid email address" in response.get_data(as_text=True)
    response = post_form(
        client, "/organise/new",
        {"slug": "second-one", "title_en": "Second", "languages": ["en"], "moderation_mode": "pre"},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"] == "/c/second-one/organise"
    html = client.get(f"{SETTINGS}/audit").get_data(as_text=True)
    assert "Nothing recorded yet." in html
    post_form(client, f"{SETTINGS}/status", {"status": "closed"}, page=SETTINGS)
    html = client.get(f"{SETTINGS}/audit?action=set_status").get_data(as_text=True)
    assert html.count('class="audit-event"') == 1 and "Org" in html
