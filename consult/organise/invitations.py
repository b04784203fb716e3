"""Appointing by email before the person can hold the role: an invitation, pending for
:data:`VALID_FOR` and sent to the address by mail, that grants its role once an account
with that address has confirmed it (on confirming, or on any later login).

An account whose address is unconfirmed is invited too, never appointed at once: the
role goes to whoever proves they read mail at the address, not to whoever registered it
first. An organiser who appointed the wrong address revokes the invitation, or removes
the role from the team page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from consult.auth.models import EMAIL_MAX, User
from consult.auth.services import ensure_role, find_user_by_email, grant_role, normalise_email
from consult.consultations.models import Consultation, Invitation, Role, Status
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound
from consult.extensions import db
from consult.i18n import localized
from consult.moderation.audit import record_event
from consult.organise import services

VALID_FOR = timedelta(days=30)
TAKE_PART_MAX = 50  # addresses per request to take part (the rate limit bounds requests)
# Enough to catch a typo in the form; whether the address works, only a sent email tells.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Accepted:
    """A role an invitation gave on logging in: where, and which."""

    consultation: Consultation
    role: Role


def _pending(now=None):
    """The condition of an invitation still waiting: not accepted, revoked nor expired."""
    return sa.and_(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > (now or utcnow()),
    )


def mail_language(language: str | None) -> str | None:
    """The language chosen for an invitation mail: one of the site's languages, or None
    (the consultation's authoritative language); a DomainError on ``language`` otherwise."""
    if not language:
        return None
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."), field="language")
    return language


def appoint_or_invite(
    user, consultation: Consultation, email: str, role: Role | str, language: str | None = None
):
    """Appoint the account using ``email``, or invite the address if no account uses it
    (mailed in ``language``, see :func:`invite`).

    Returns the :class:`ConsultationRole` given, or the :class:`Invitation` made (also
    for an account whose address is not confirmed yet)."""
    ensure_role(user, consultation, Role.ORGANISER)
    language = mail_language(language)
    member = find_user_by_email(email or "")
    if member is not None and member.email_confirmed_at is not None:
        return services.appoint(user, consultation, email, role)
    return invite(user, consultation, email, role, language)


def invite(
    user, consultation: Consultation, email: str, role: Role | str, language: str | None = None
) -> Invitation:
    """Invite ``email`` to ``role`` for 30 days and mail it the invitation; one pending
    invitation per address and role. The mail is in the language of the address's account
    if it has one, else in ``language`` (default: the consultation's authoritative one)."""
    ensure_role(user, consultation, Role.ORGANISER)
    role = services.checked_role(role)
    language = mail_language(language)
    email = normalise_email(email or "")
    if len(email) > EMAIL_MAX or not EMAIL_RE.fullmatch(email):
        raise DomainError(_("Enter a valid email address, like name@example.org."), "email")
    with write_transaction():
        # Two organisers (or one double click) inviting at once: the consultation's row
        # makes them take turns on PostgreSQL; SQLite's write transaction already does.
        db.session.execute(
            sa.select(Consultation.id).where(Consultation.id == consultation.id).with_for_update()
        )
        waiting = db.session.scalar(
            sa.select(Invitation.id).where(
                Invitation.consultation_id == consultation.id,
                Invitation.email == email,
                Invitation.role == role,
                _pending(),
            )
        )
        if waiting:
            raise Conflict(_("This address is already invited to this role."), field="email")
        invitation = Invitation(
            consultation_id=consultation.id,
            email=email,
            role=role,
            invited_by_id=user.id,
            expires_at=utcnow() + VALID_FOR,
        )
        db.session.add(invitation)
        db.session.flush()
        record_event(
            user, consultation.id, "invite", "invitation", invitation.id,
            email=email, role=role.value,
        )  # fmt: skip
    _mail_invitation(user, consultation, invitation, language)
    return invitation


def _language_for(email: str, chosen: str | None, consultation: Consultation) -> str:
    """An account's own language if the address has an account that chose one, else the
    inviter's choice, else the consultation's authoritative language."""
    member = find_user_by_email(email)
    return (member.locale if member is not None else None) or chosen or consultation.authoritative


def _title(consultation: Consultation, language: str) -> str:
    title = consultation.title or {}
    return title.get(language) or title.get(consultation.authoritative) or localized(title)


def _mail_invitation(inviter, consultation: Consultation, invitation: Invitation, chosen) -> None:
    from consult.mail import absolute_url, send_email

    language = _language_for(invitation.email, chosen, consultation)
    where = absolute_url("consultations.show", slug=consultation.slug)
    send_email(
        invitation.email,
        "organise/invitation",
        language=language,
        inviter=inviter.display_name,
        title=_title(consultation, language),
        role=invitation.role,
        consultation_link=where,
        register_link=absolute_url("auth.register", next=f"/c/{consultation.slug}"),
        login_link=absolute_url("auth.login", next=f"/c/{consultation.slug}"),
        expires_at=invitation.expires_at,
    )


def pending_invitations(consultation: Consultation) -> list[Invitation]:
    """The invitations of ``consultation`` still waiting, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.consultation_id == consultation.id, _pending())
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def revoke(user, consultation: Consultation, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation; one accepted, revoked or expired cannot be."""
    ensure_role(user, consultation, Role.ORGANISER)
    with write_transaction():
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or invitation.consultation_id != consultation.id:
            raise NotFound(_("This consultation has no such invitation."))
        still = db.session.scalar(
            sa.select(Invitation.id).where(Invitation.id == invitation.id, _pending())
        )
        if not still:
            raise Conflict(_("This invitation was already accepted, withdrawn or has expired."))
        invitation.revoked_at = utcnow()
        record_event(
            user, consultation.id, "revoke_invitation", "invitation", invitation.id,
            email=invitation.email, role=invitation.role.value,
        )  # fmt: skip
    return invitation


def accept_invitations(user: User) -> list[Accepted]:
    """Give ``user`` the roles of every pending invitation to their address (once each:
    an invitation accepted is marked so). Expired and revoked invitations give nothing,
    and nothing is given while the address is unconfirmed (the invitations wait)."""
    now = utcnow()
    accepted = []
    if user.email_confirmed_at is None:
        return accepted
    with write_transaction():
        invitations = db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.email == normalise_email(user.email), _pending(now))
            .order_by(Invitation.id)
        ).all()
        for invitation in invitations:
            inviter_id = invitation.invited_by_id
            inviter = db.session.get(User, inviter_id) if inviter_id else None
            grant_role(user, invitation.consultation, invitation.role, granted_by=inviter)
            invitation.accepted_at, invitation.accepted_by_id = now, user.id
            record_event(
                user, invitation.consultation_id, "accept_invitation", "invitation",
                invitation.id, email=invitation.email, role=invitation.role.value,
            )  # fmt: skip
            accepted.append(Accepted(invitation.consultation, invitation.role))
    return accepted


def invite_to_take_part(
    user, consultation: Consultation, addresses: str, language: str | None = None
) -> list[str]:
    """Mail each address (comma, space or line separated; at most :data:`TAKE_PART_MAX`)
    an invitation to take part in the open ``consultation``, in ``language`` (or the
    address's account's own); no role, nothing kept but an audit line with their number.
    Returns the addresses mailed, normalised."""
    ensure_role(user, consultation, Role.ORGANISER)
    language = mail_language(language)
    if consultation.status is not Status.OPEN:
        raise Conflict(_("Invite people to take part while the consultation is open."))
    emails = list(dict.fromkeys(normalise_email(a) for a in re.split(r"[\s,;]+", addresses or "")))
    emails = [email for email in emails if email]
    if not emails:
        raise DomainError(_("Enter at least one email address."), "addresses")
    if len(emails) > TAKE_PART_MAX:
        raise DomainError(
            _("Enter at most %(n)d addresses at a time.", n=TAKE_PART_MAX), "addresses"
        )
    for email in emails:
        if len(email) > EMAIL_MAX or not EMAIL_RE.fullmatch(email):
            raise DomainError(
                _("This is not an email address: %(value)s", value=email[:80]), "addresses"
            )
    with write_transaction():
        record_event(
            user, consultation.id, "invite_to_take_part", "consultation", consultation.id,
            count=len(emails),
        )  # fmt: skip
    _mail_take_part(user, consultation, emails, language)
    return emails


def _mail_take_part(inviter, consultation: Consultation, emails: list[str], chosen) -> None:
    from consult.mail import absolute_url, send_email

    link = absolute_url("consultations.show", slug=consultation.slug)
    for email in emails:
        language = _language_for(email, chosen, consultation)
        send_email(
            email,
            "organise/take_part",
            language=language,
            inviter=inviter.display_name,
            title=_title(consultation, language),
            consultation_link=link,
        )
