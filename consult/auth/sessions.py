"""Revocable sessions: each account has a session generation, and a session loads its
user only while it was issued under the current one.

The session cookie is signed but kept by the browser, so a copy of it (stolen, or left
on a shared computer) would otherwise work until it expires. Bumping the generation
ends every session issued before, every copy included: on logout, on "log out
everywhere", on a password change (which re-stamps the session that made the change)
and on deactivation (see ``models._end_sessions_on_deactivation``).
"""

from __future__ import annotations

from flask_login import login_user

from consult.auth.models import User
from consult.database import write_transaction
from consult.extensions import db

_ID_LIMIT = 2**63  # the widest key column; a larger id cannot exist (and would overflow)


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: ``"<user id>:<generation>"`` (``User.get_id``) gives the
    active user if the generation is still current, else no one (logged out)."""
    user_part, _, generation_part = session_id.partition(":")
    try:
        user_id, generation = int(user_part), int(generation_part)
    except ValueError:
        return None  # a session from before generations, or garbage: logged out
    if not 0 < user_id < _ID_LIMIT:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_generation != generation:
        return None
    return user


def bump_generation(user: User) -> None:
    """Within the caller's transaction: make every session issued so far invalid.

    Incremented in SQL, so two bumps at once both count; the attribute is reloaded
    after the flush."""
    user.session_generation = User.session_generation + 1


def end_every_session(user: User) -> None:
    """Log the account out everywhere: this session, other devices and every copy."""
    with write_transaction():
        bump_generation(user)


def restamp(user: User) -> None:
    """Keep the current request's session valid after the generation was bumped."""
    db.session.refresh(user, ["session_generation"])
    login_user(user)
