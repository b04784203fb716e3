"""Account use cases: register, authenticate, change password, roles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from consult import geo
from consult.auth.models import Sector, StakeholderProfile, User
from consult.consultations.models import Consultation, ConsultationRole, Role
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError, Forbidden, NotFound
from consult.extensions import db

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# scrypt (Werkzeug's default KDF), with its parameters spelled out so they are reviewed.
PASSWORD_METHOD = "scrypt:32768:8:1"  # noqa: S105 (a KDF name, not a password)
# A hash no password matches: for accounts that must not log in (synthetic demo voters).
UNUSABLE_PASSWORD = "!"  # noqa: S105 (matches no password)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def _check_password_length(password: str, field: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        message = _(
            "Use a password of %(min)d to %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX
        )
        raise DomainError(message, field=field)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_user(
    *,
    email: str,
    display_name: str,
    password: str,
    sector: Sector | str,
    country: str,
    organisation: str | None = None,
    is_admin: bool = False,
) -> User:
    """Create an account with its stakeholder profile.

    Raises DomainError naming the field at fault: a taken email, an unknown
    country or sector, or a password outside the allowed length.
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(_("Enter your name."), field="display_name")
    _check_password_length(password, "password")
    try:
        sector = Sector(sector)
    except ValueError:
        raise DomainError(_("Choose a stakeholder sector from the list."), field="sector") from None
    country = (country or "").strip().upper()
    if not geo.is_known_country(country):
        raise DomainError(_("Choose a country from the list."), field="country")
    taken = DomainError(_("An account with this email already exists."), field="email")
    if find_user_by_email(email):
        raise taken
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        is_admin=is_admin,
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
    """Return the active user with these credentials, or raise DomainError."""
    user = find_user_by_email(email)
    if user is None or user.password_hash == UNUSABLE_PASSWORD:
        # Hash anyway so a missing account takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        raise DomainError(_("Wrong email or password."))
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        raise DomainError(_("Wrong email or password."))
    with write_transaction():
        user.last_login_at = utcnow()
    return user


_DUMMY_HASH = hash_password("not a real password, only for timing")


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError(_("Your current password is not right."), field="current_password")
    _check_password_length(new_password, "new_password")
    with write_transaction():
        user.password_hash = hash_password(new_password)


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
    """Give ``user`` a role in ``consultation``; granting a role already held changes nothing."""
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
