"""Site-wide roles held on the account itself: verifiers (who decide whether stakeholder
profiles are verified) and site organisers (who may start consultations of their own).

Only the site admin gives or takes them, by email from the admin pages, or whoever runs
``flask grant-verifier`` / ``flask grant-organiser`` on the host. Each change is written to
the site's audit log. Like a consultation role, a site role goes only to a confirmed
address: to whoever proved they read mail there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import User
from consult.auth.services import find_user_by_email
from consult.database import write_transaction
from consult.errors import DomainError, Forbidden, NotFound
from consult.extensions import db
from consult.moderation.audit import record_event

ID_MAX = 2**31 - 1  # user.id is a 32-bit integer on PostgreSQL


@dataclass(frozen=True)
class SiteRole:
    """One site role: the account's flag, its audit actions and what refusals say (each
    message a function, so it is translated when it is shown)."""

    flag: str  # the boolean column of User
    granted: str  # the audit log's action codes
    revoked: str
    already: Callable[[], str]
    not_held: Callable[[], str]
    no_account: Callable[[], str]


def ensure_admin(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_admin):
        raise Forbidden(_("Only the site admin may do this."))


def holders(role: SiteRole) -> list[User]:
    """The accounts holding ``role``, by name."""
    flag = getattr(User, role.flag)
    return list(
        db.session.scalars(sa.select(User).where(flag).order_by(User.display_name, User.id))
    )


def set_role(role: SiteRole, actor, email: str, grant: bool) -> User:
    """Give ``role`` to the account using ``email`` (or take it away) and audit it;
    ``actor`` is the admin, or None for a command run on the host."""
    if actor is not None:
        ensure_admin(actor)
    # A NUL byte cannot be in any stored email, and PostgreSQL refuses it in a query.
    member = find_user_by_email(email) if email and "\x00" not in email else None
    if member is None:
        raise DomainError(role.no_account(), "email")
    if getattr(member, role.flag) == grant:
        raise DomainError(role.already() if grant else role.not_held(), "email")
    if grant and member.email_confirmed_at is None:  # as consult.auth.services.grant_role
        raise DomainError(
            _(
                "%(name)s has not confirmed their email address yet, so they cannot be "
                "given a role. Ask them to follow the link we mailed them, then try again.",
                name=member.display_name,
            ),
            "email",
        )
    with write_transaction():
        setattr(member, role.flag, grant)
        action = role.granted if grant else role.revoked
        record_event(actor, None, action, "user", member.id,
                     via="site" if actor else "command line")  # fmt: skip
    return member


def remove(role: SiteRole, admin, member_id: int) -> User:
    """The admin takes ``role`` from account ``member_id`` (from its row on the admin page)."""
    ensure_admin(admin)
    member = db.session.get(User, member_id) if 0 < member_id <= ID_MAX else None
    if member is None or not getattr(member, role.flag):
        raise NotFound(role.not_held())
    return set_role(role, admin, member.email, False)
