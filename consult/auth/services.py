"""Account use cases: register, authenticate, change password, roles."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from consult import geo
from consult.auth import sessions, throttle
from consult.auth.models import Sector, StakeholderProfile, User
from consult.auth.passwords import PASSWORD_MAX, PASSWORD_MIN, check_password
from consult.consultations.models import Consultation, ConsultationRole, Role
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError, Forbidden, NotFound
from consult.extensions import db

__all__ = ["PASSWORD_MAX", "PASSWORD_MIN", "load_user"]

# scrypt (Werkzeug's default KDF), with its parameters spelled out so they are reviewed.
PASSWORD_METHOD = "scrypt:32768:8:1"  # noqa: S105 (a KDF name, not a password)
# A hash no password matches: for accounts that must not log in (synthetic demo voters).
UNUSABLE_PASSWORD = "!"  # noqa: S105 (matches no password)


def password_method() -> str:
    """The KDF for new hashes: PASSWORD_METHOD. The test suite's config names a cheap one
    (``PASSWORD_HASH_METHOD``) so its thousand logins do not each cost 0.1 s; it is read
    from no environment variable, so a deployment cannot weaken it by accident."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_METHOD)
    return PASSWORD_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=password_method())


def normalise_email(email: str) -> str:
    return email.strip().lower()


load_user = sessions.load_user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def checked_sector_and_country(sector: Sector | str | None, country: str | None):
    """The sector as a Sector and the country as an ISO code, or a DomainError on the field."""
    try:
        sector = Sector(sector)
    except ValueError:
        raise DomainError(_("Choose a stakeholder sector from the list."), field="sector") from None
    country = (country or "").strip().upper()
    if not geo.is_known_country(country):
        raise DomainError(_("Choose a country from the list."), field="country")
    return sector, country


class EmailTaken(DomainError):
    """The address has an account: said in a way that does not tell whose (the web form
    never shows it; ``email_accounts.register`` mails the owner instead)."""

    status = 409


def register_user(
    *,
    email: str,
    display_name: str,
    password: str,
    sector: Sector | str,
    country: str,
    organisation: str | None = None,
    is_admin: bool = False,
    confirmed: bool = False,
    locale: str | None = None,
) -> User:
    """Create an account with its stakeholder profile; its address is unconfirmed unless
    ``confirmed`` (accounts made by an admin on the command line, or by tests).
    ``locale`` is the interface language the person registered in: mails to the account
    (the confirmation link first) are written in it.

    Raises DomainError naming the field at fault: an unknown country or sector, or a
    password that is too short, too long or easy to guess; EmailTaken for an address
    that has an account (checked last, so the other answers do not depend on it).
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(_("Enter your name."), field="display_name")
    check_password(password, email=email, display_name=display_name, field="password")
    sector, country = checked_sector_and_country(sector, country)
    # Hashed before looking the email up, so a taken email answers no faster.
    password_hash = hash_password(password)
    taken = EmailTaken(_("An account uses this email address already."))
    if find_user_by_email(email):
        raise taken
    user = User(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        is_admin=is_admin,
        email_confirmed_at=utcnow() if confirmed else None,
        locale=locale,
    )
    user.profile = StakeholderProfile(
        sector=sector, country=country, organisation=(organisation or "").strip() or None
    )
    try:
        with write_transaction():
            db.session.add(user)
    except sa.exc.IntegrityError:
        # Two registrations with one email at the same moment: the unique index decides.
        raise taken from None
    return user


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise DomainError.

    Throttled per account key (known and unknown emails alike): while the key is
    locked, raises LoginThrottled (429) without checking the password."""
    key = throttle.account_key(email)
    throttle.claim_attempt(key)
    wrong = DomainError(_("Wrong email or password."))
    user = find_user_by_email(email)
    if user is None or user.password_hash == UNUSABLE_PASSWORD:
        # Hash anyway so a missing account takes as long as a wrong password.
        check_password_hash(_dummy_hash(password_method()), password)
        raise wrong
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        raise wrong
    with write_transaction():
        user.last_login_at = utcnow()
        throttle.succeeded(key)
    return user


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password, only for timing", method=method)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password and end every session of the account (the caller re-stamps
    the one that asked, see ``sessions.restamp``)."""
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError(_("Your current password is not right."), field="current_password")
    check_password(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    with write_transaction():
        user.password_hash = hash_password(new_password)
        sessions.bump_generation(user)


def deactivate_account(user: User) -> None:
    """The account can no longer log in, and every session it has ends (the model bumps
    the session generation whenever ``is_active_account`` becomes false)."""
    with write_transaction():
        user.is_active_account = False


def set_locale(user: User, language: str) -> None:
    """Remember the account's chosen language for its next visits."""
    with write_transaction():
        user.locale = language


def make_admin(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise NotFound(_("No account with that email."))
    with write_transaction():
        user.is_admin = True
    return user


def has_role(user, consultation: Consultation, *roles: Role) -> bool:
    """Site admins hold every role; others need a ConsultationRole row."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ConsultationRole)
            .where(
                ConsultationRole.user_id == user.id,
                ConsultationRole.consultation_id == consultation.id,
                ConsultationRole.role.in_(roles),
            )
        )
        > 0
    )


def ensure_role(user, consultation: Consultation, *roles: Role) -> None:
    """Raise Forbidden unless ``user`` holds one of ``roles`` in ``consultation`` (or is admin)."""
    if not has_role(user, consultation, *roles):
        raise Forbidden(_("You do not have permission to do this."))


def grant_role(user: User, consultation: Consultation, role: Role, granted_by: User | None = None):
    """Give ``user`` a role in ``consultation``; granting a role already held changes nothing.

    Refused (DomainError) while the account's address is unconfirmed: a role is given to
    the person who reads mail at that address, proven by the confirmation link."""
    if user.email_confirmed_at is None:
        raise DomainError(
            _(
                "%(name)s has not confirmed their email address yet, so they cannot be "
                "given a role. Invite the address instead: the role waits until it is "
                "confirmed.",
                name=user.display_name,
            ),
            field="email",
        )
    held = db.session.scalar(
        sa.select(ConsultationRole).where(
            ConsultationRole.user_id == user.id,
            ConsultationRole.consultation_id == consultation.id,
            ConsultationRole.role == role,
        )
    )
    if held:
        return
    with write_transaction():
        db.session.add(
            ConsultationRole(
                user_id=user.id,
                consultation_id=consultation.id,
                role=role,
                granted_by_id=granted_by.id if granted_by else None,
            )
        )
