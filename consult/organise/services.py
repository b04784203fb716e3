"""Running a consultation: create it, its settings and schedule, its team, and where its
participants' stakeholder profiles stand (decided by the site's verifiers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from consult.auth.models import StakeholderProfile, User, Verification
from consult.auth.services import ensure_role, find_user_by_email
from consult.consultations.models import (
    Consultation,
    ConsultationRole,
    ModerationMode,
    Participant,
    Role,
    Status,
)
from consult.database import write_transaction
from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.extensions import db
from consult.i18n import current_language
from consult.moderation.audit import record_event
from consult.moderation.audit_settings import settings_changes
from consult.verification import services as site_verification

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,78})[a-z0-9]$")
TITLE_MAX = 200
SUMMARY_MAX = 2000
# New pseudonymous participants one address may start per hour (a hall shares one address).
PSEUDONYMS_PER_HOUR_MIN, PSEUDONYMS_PER_HOUR_MAX = 1, 10000
NOTE_MAX = site_verification.NOTE_MAX  # the verification note's limit, for the organiser's form


@dataclass
class Settings:
    title: dict[str, str]
    summary: dict[str, str]
    languages: list[str]
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    moderation_mode: ModerationMode | str = ModerationMode.PRE
    allow_anonymous: bool = False
    allow_statements: bool = True
    dashboard_public: bool = True
    pseudonymous_per_hour: int | None = None  # None: leave as it is (10 when creating)
    # Creating only: the authoritative language (None: the creator's interface language
    # if offered, else the first offered).
    authoritative: str | None = None


def checked_slug(slug: str | None) -> str:
    """``slug`` trimmed and lower-cased if it can be a consultation's address (3 to 80
    lower-case letters, digits and hyphens, a letter or digit at each end); otherwise a
    DomainError on the ``slug`` field. The web form and ``flask import-polis`` share it."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.fullmatch(slug):
        raise DomainError(
            _("Use 3 to 80 lower-case letters, digits and hyphens for the address."), "slug"
        )
    return slug


def can_create_consultation(user) -> bool:
    """Site admins, site organisers (the admin's grant, consult.organise.site_organisers)
    and anyone who already organises a consultation may start one."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin or user.is_organiser:
        return True
    return bool(
        db.session.scalar(
            sa.select(ConsultationRole.id)
            .where(ConsultationRole.user_id == user.id, ConsultationRole.role == Role.ORGANISER)
            .limit(1)
        )
    )


def _clean(settings: Settings) -> dict:
    offered = current_app.config["LANGUAGES"]
    languages = [lang for lang in offered if lang in settings.languages]
    if not languages or len(languages) != len(set(settings.languages)):
        raise DomainError(_("Offer at least one of the listed languages."), field="languages")
    title = {k: v.strip() for k, v in settings.title.items() if k in languages and v.strip()}
    summary = {k: v.strip() for k, v in settings.summary.items() if k in languages and v.strip()}
    if not title:
        raise DomainError(_("Give the consultation a title."), field=f"title_{languages[0]}")
    for lang in languages:
        if len(title.get(lang, "")) > TITLE_MAX:
            raise DomainError(_("Keep this under %(n)d characters.", n=TITLE_MAX), f"title_{lang}")
        if len(summary.get(lang, "")) > SUMMARY_MAX:
            raise DomainError(
                _("Keep this under %(n)d characters.", n=SUMMARY_MAX), f"summary_{lang}"
            )
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise DomainError(_("The closing time must come after the opening time."), "closes_at")
    per_hour = settings.pseudonymous_per_hour
    if per_hour is not None and not (
        isinstance(per_hour, int) and PSEUDONYMS_PER_HOUR_MIN <= per_hour <= PSEUDONYMS_PER_HOUR_MAX
    ):
        raise DomainError(
            _(
                "Enter a whole number from %(low)d to %(high)d.",
                low=PSEUDONYMS_PER_HOUR_MIN,
                high=PSEUDONYMS_PER_HOUR_MAX,
            ),
            field="pseudonymous_per_hour",
        )
    try:
        mode = ModerationMode(getattr(settings.moderation_mode, "value", settings.moderation_mode))
    except ValueError:
        raise DomainError(_("Choose a moderation mode."), field="moderation_mode") from None
    values = {
        "title": title,
        "summary": summary,
        "languages": languages,
        "opens_at": settings.opens_at,
        "closes_at": settings.closes_at,
        "moderation_mode": mode,
        "allow_anonymous": bool(settings.allow_anonymous),
        "allow_statements": bool(settings.allow_statements),
        "dashboard_public": bool(settings.dashboard_public),
    }
    if per_hour is not None:
        values["pseudonymous_per_hour"] = per_hour
    return values


def _authoritative(choice: str | None, languages: list[str]) -> str:
    """The chosen authoritative language, which must be offered; with no choice, the
    creator's interface language if offered, else the first offered."""
    if choice:
        if choice not in languages:
            raise DomainError(
                _("Choose the authoritative language among the languages offered."),
                field="authoritative_language",
            )
        return choice
    interface = current_language()
    return interface if interface in languages else languages[0]


def create_consultation(user, slug: str, settings: Settings) -> Consultation:
    """Start a consultation (status draft); its creator becomes its organiser."""
    if not can_create_consultation(user):
        raise Forbidden(_("Only site admins and organisers may start a consultation."))
    slug = checked_slug(slug)
    values = _clean(settings)
    values["authoritative_language"] = _authoritative(settings.authoritative, values["languages"])
    taken = DomainError(_("Another consultation already uses this address."), field="slug")
    try:
        with write_transaction():
            if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug)):
                raise taken
            consultation = Consultation(slug=slug, status=Status.DRAFT, created_by_id=user.id)
            for name, value in values.items():
                setattr(consultation, name, value)
            db.session.add(consultation)
            db.session.flush()
            db.session.add(
                ConsultationRole(
                    consultation_id=consultation.id, user_id=user.id, role=Role.ORGANISER,
                    granted_by_id=user.id,
                )
            )  # fmt: skip
            record_event(
                user, consultation.id, "create_consultation", "consultation", consultation.id
            )
    except sa.exc.IntegrityError:
        raise taken from None  # the same address taken a moment ago: the unique index decides
    return consultation


def update_settings(user, consultation: Consultation, settings: Settings) -> Consultation:
    """Change the title, summary, languages, schedule and rules of a consultation."""
    ensure_role(user, consultation, Role.ORGANISER)
    values = _clean(settings)
    with write_transaction():
        changed = sorted(k for k, v in values.items() if getattr(consultation, k) != v)
        changes = settings_changes(consultation, values)  # old and new values, for the log
        for name, value in values.items():
            setattr(consultation, name, value)
        record_event(user, consultation.id, "edit_settings", "consultation", consultation.id,
                     changed=changed, changes=changes)  # fmt: skip
    return consultation


def team_members(consultation: Consultation) -> list[ConsultationRole]:
    return list(
        db.session.scalars(
            sa.select(ConsultationRole)
            .where(ConsultationRole.consultation_id == consultation.id)
            .order_by(ConsultationRole.role, ConsultationRole.id)
        )
    )


def checked_role(role: Role | str) -> Role:
    """A team role from a form value, or a DomainError on the role field."""
    try:
        return Role(getattr(role, "value", role))
    except ValueError:
        raise DomainError(_("Choose a role from the list."), field="role") from None


def appoint(user, consultation: Consultation, email: str, role: Role | str) -> ConsultationRole:
    """Make the account with ``email`` a moderator or co-organiser."""
    ensure_role(user, consultation, Role.ORGANISER)
    role = checked_role(role)
    member = find_user_by_email(email or "")
    if member is None:
        raise DomainError(_("No account uses this email. Ask them to register first."), "email")
    if member.email_confirmed_at is None:  # a role needs a proven address (invite it)
        raise DomainError(_("This address is not confirmed yet: invite it instead."), "email")
    with write_transaction():
        held = db.session.scalar(
            sa.select(ConsultationRole).where(
                ConsultationRole.consultation_id == consultation.id,
                ConsultationRole.user_id == member.id,
                ConsultationRole.role == role,
            )
        )
        if held:
            raise DomainError(_("This person already has this role."), field="email")
        granted = ConsultationRole(
            consultation_id=consultation.id, user_id=member.id, role=role, granted_by_id=user.id
        )
        db.session.add(granted)
        db.session.flush()
        record_event(user, consultation.id, "appoint", "user", member.id, role=role.value)
    return granted


def remove_member(user, consultation: Consultation, role_id: int) -> None:
    """Take a role away; the last organiser cannot be removed."""
    ensure_role(user, consultation, Role.ORGANISER)
    # Counted inside the write transaction, so two organisers removing each other at
    # the same moment cannot leave the consultation with none.
    with write_transaction():
        held = db.session.get(ConsultationRole, role_id)
        if held is None or held.consultation_id != consultation.id:
            raise NotFound(_("This person has no such role here."))
        if held.role is Role.ORGANISER:
            organisers = db.session.scalar(
                sa.select(sa.func.count()).where(
                    ConsultationRole.consultation_id == consultation.id,
                    ConsultationRole.role == Role.ORGANISER,
                )
            )
            if organisers <= 1:
                raise Conflict(_("A consultation needs at least one organiser."))
        record_event(
            user, consultation.id, "remove_role", "user", held.user_id, role=held.role.value
        )
        db.session.delete(held)


def participants_to_verify(consultation: Consultation, verification: str | None = None):
    """Participants with an account, and their profiles; unverified organisations first."""
    query = (
        sa.select(User, StakeholderProfile)
        .join(Participant, Participant.user_id == User.id)
        .join(StakeholderProfile, StakeholderProfile.user_id == User.id)
        .where(Participant.consultation_id == consultation.id)
        .order_by(
            StakeholderProfile.verification != Verification.UNVERIFIED,
            StakeholderProfile.organisation.is_(None),
            User.display_name,
        )
        .limit(500)
    )
    if verification in {v.value for v in Verification}:
        query = query.where(StakeholderProfile.verification == Verification(verification))
    return db.session.execute(query).all()


def verify_profile(user, consultation, member_id: int, decision: str, note: str | None = None):
    """A site verifier's decision taken from this consultation's page: the participant's
    sector and organisation verified, or declined with a reason, for the whole site.

    Organisers who are not verifiers may only look: a profile's verification holds in
    every consultation, so one consultation's team cannot decide it for the others.
    """
    ensure_role(user, consultation, Role.ORGANISER)
    site_verification.ensure_verifier(user)
    in_range = 0 < member_id <= site_verification.ID_MAX
    if not in_range or not db.session.scalar(
        sa.select(Participant.id).where(
            Participant.consultation_id == consultation.id, Participant.user_id == member_id
        )
    ):
        raise NotFound(_("This person does not take part in this consultation."))
    return site_verification.decide(user, member_id, decision, note)
