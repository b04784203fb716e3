"""Each person's choices (per kind: off, as it happens, or in a daily digest) and the
signed one-click unsubscribe links that turn a kind off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError
from consult.extensions import db
from consult.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    NotificationKind,
    NotificationPreference,
)

# Its own salt: a token signed for anything else (a session, a password reset) is no
# unsubscribe token, and this one is nothing else.
UNSUBSCRIBE_SALT = "consult.notifications.unsubscribe"
TOKEN_MAX = 400


def preferences_of(user_id: int) -> dict[NotificationKind, Delivery]:
    """Every kind with this person's choice, or the default where they made none."""
    chosen = dict(DEFAULT_DELIVERY)
    rows = db.session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(
            NotificationPreference.user_id == user_id
        )
    )
    chosen.update({row.kind: row.delivery for row in rows})
    return chosen


def preferences_for(user_ids: Iterable[int]) -> dict[int, dict[NotificationKind, Delivery]]:
    """The choices of many people in one query."""
    ids = set(user_ids)
    found: dict[int, dict[NotificationKind, Delivery]] = {i: dict(DEFAULT_DELIVERY) for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(ids))
    ).scalars()
    for row in rows:
        found[row.user_id][row.kind] = row.delivery
    return found


def parse_choices(values: Mapping[str, str | None]) -> dict[NotificationKind, Delivery]:
    """Every kind's delivery from form values named by kind; DomainError on a bad or
    missing one (so nothing is half-saved)."""
    choices = {}
    for kind in NotificationKind:
        try:
            choices[kind] = Delivery(values.get(kind.value))
        except ValueError:
            raise DomainError(
                _("Choose one option for each kind of notice."), field=kind.value
            ) from None
    return choices


def save_preferences(user, choices: Mapping[NotificationKind, Delivery]) -> bool:
    """Store ``user``'s choices (only their own: the user is the caller's, never a
    parameter from a form); True if anything changed."""
    if not user or not getattr(user, "is_authenticated", False):
        raise DomainError(_("Log in to choose your notifications."))
    return _store(user.id, choices)


def turn_off(user_id: int, kinds: Iterable[NotificationKind]) -> list[NotificationKind]:
    """Switch ``kinds`` off for the person; only ever off. Returns those that were on."""
    current = preferences_of(user_id)
    changed = [kind for kind in kinds if current[kind] is not Delivery.OFF]
    _store(user_id, dict.fromkeys(changed, Delivery.OFF))
    return changed


def _store(user_id: int, choices: Mapping[NotificationKind, Delivery]) -> bool:
    with write_transaction():
        existing = {
            row.kind: row
            for row in db.session.scalars(
                sa.select(NotificationPreference).where(NotificationPreference.user_id == user_id)
            )
        }
        changed = False
        for kind, delivery in choices.items():
            row = existing.get(kind)
            if row is None:
                changed |= delivery is not DEFAULT_DELIVERY[kind]
                db.session.add(
                    NotificationPreference(user_id=user_id, kind=kind, delivery=delivery)
                )
            elif row.delivery is not delivery:
                row.delivery, row.updated_at, changed = delivery, utcnow(), True
    return changed


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kinds: Iterable[NotificationKind]) -> str:
    """A signed token naming a person and the kinds one mail was about. It never
    expires (a mail read months later still unsubscribes) and can only turn kinds off."""
    return _serializer().dumps([user_id, sorted(kind.value for kind in kinds)])


def read_unsubscribe_token(token: str) -> tuple[int, list[NotificationKind]]:
    """The person and kinds of a token; DomainError (400) if it is forged or malformed."""
    invalid = DomainError(
        _("This unsubscribe link is not valid. Choose your notifications on your account page.")
    )
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise invalid
    try:
        user_id, kinds = _serializer().loads(token)
        user_id = int(user_id)
        found = [NotificationKind(value) for value in kinds]
    except (BadSignature, TypeError, ValueError):
        raise invalid from None
    if not found or user_id <= 0:
        raise invalid
    return user_id, found


def unsubscribe(token: str) -> tuple[object, list[NotificationKind]]:
    """Turn off the kinds a token names for the person it names (one click from a mail,
    without logging in). Returns the person and the kinds named."""
    from consult.auth.models import User

    user_id, kinds = read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(_("This unsubscribe link is not valid any more."))
    turn_off(user.id, kinds)
    return user, kinds
