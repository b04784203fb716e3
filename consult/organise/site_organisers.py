"""Site organisers: accounts the site admin lets start consultations of their own (a
ministry's new lead, say), without first being made organiser of one.

The role is site-wide, like the verifier role (consult.verification.services): given by
the admin from /admin/organisers or by ``flask grant-organiser`` on the host, and each
grant and removal is written to the site's audit log. Like a consultation role, it needs
a confirmed address: it goes to whoever proved they read mail there.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import User
from consult.auth.services import find_user_by_email
from consult.database import write_transaction
from consult.errors import DomainError, Forbidden, NotFound
from consult.extensions import db
from consult.moderation.audit import record_event

ID_MAX = 2**31 - 1  # user.id is a 32-bit integer on PostgreSQL


def ensure_admin(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_admin):
        raise Forbidden(_("Only the site admin may do this."))


def organisers() -> list[User]:
    """The accounts holding the site organiser role, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.is_organiser).order_by(User.display_name, User.id)
        )
    )


def _set_role(actor, email: str, grant: bool) -> User:
    # A NUL byte cannot be in any stored email, and PostgreSQL refuses it in a query.
    member = find_user_by_email(email) if email and "\x00" not in email else None
    if member is None:
        raise DomainError(
            _(
                "No account uses this email yet. Ask them to register with it and confirm "
                "it, then give them the role here. (To bring them into one consultation "
                "now, invite the address from that consultation's team page.)"
            ),
            "email",
        )
    if member.is_organiser == grant:
        message = (
            _("This person is already a site organiser.")
            if grant
            else _("This person is not a site organiser.")
        )
        raise DomainError(message, field="email")
    if grant and member.email_confirmed_at is None:  # as consult.auth.services.grant_role
        raise DomainError(
            _(
                "%(name)s has not confirmed their email address yet, so they cannot be "
                "given a role. Ask them to follow the link we mailed them, then try again.",
                name=member.display_name,
            ),
            field="email",
        )
    with write_transaction():
        member.is_organiser = grant
        action = "grant_organiser" if grant else "revoke_organiser"
        record_event(actor, None, action, "user", member.id,
                     via="site" if actor else "command line")  # fmt: skip
    return member


def set_organiser(admin, email: str, grant: bool = True) -> User:
    """The site admin lets the account with ``email`` start consultations, or stops it;
    recorded in the site's audit log."""
    ensure_admin(admin)
    return _set_role(admin, email, grant)


def set_organiser_from_command_line(email: str, grant: bool = True) -> User:
    """``flask grant-organiser``: whoever runs commands on the host already holds the site."""
    return _set_role(None, email, grant)


def revoke_organiser(admin, member_id: int) -> User:
    """Take the site organiser role from account ``member_id`` (its consultations stay its)."""
    ensure_admin(admin)
    member = db.session.get(User, member_id) if 0 < member_id <= ID_MAX else None
    if member is None or not member.is_organiser:
        raise NotFound(_("This person is not a site organiser."))
    return _set_role(admin, member.email, False)
