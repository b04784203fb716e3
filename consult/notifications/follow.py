"""Following a consultation: Follow / Unfollow, and who follows it.

People who took part (have a participant row tied to their account) follow a
consultation without pressing anything; an Unfollow overrides that, a Follow adds
people who have not taken part yet (to hear when it opens).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.consultations.models import Participant
from consult.consultations.services import get_visible_consultation
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import LoginRequired
from consult.extensions import db
from consult.notifications.models import ConsultationFollow


def is_following(user, consultation) -> bool | None:
    """Whether ``user`` follows the consultation; None for a visitor without an account."""
    if not user or not getattr(user, "is_authenticated", False):
        return None
    choice = db.session.get(ConsultationFollow, (user.id, consultation.id))
    if choice is not None:
        return choice.following
    took_part = db.session.scalar(
        sa.select(Participant.id).where(
            Participant.consultation_id == consultation.id, Participant.user_id == user.id
        )
    )
    return took_part is not None


def set_following(user, slug: str, following: bool):
    """Follow or unfollow the consultation at ``slug`` (one the user may read)."""
    if not user or not getattr(user, "is_authenticated", False):
        raise LoginRequired(_("Log in to follow a consultation."))
    consultation = get_visible_consultation(slug, user)
    with write_transaction():
        choice = db.session.get(ConsultationFollow, (user.id, consultation.id))
        if choice is None:
            db.session.add(
                ConsultationFollow(
                    user_id=user.id, consultation_id=consultation.id, following=following
                )
            )
        elif choice.following != following:
            choice.following, choice.updated_at = following, utcnow()
    return consultation


def followers(consultation_id: int, since_before: datetime) -> set[int]:
    """Accounts following the consultation since before ``since_before`` (a notice
    about something that happened is not sent to someone who came after it)."""
    explicit = {
        row.user_id: row
        for row in db.session.scalars(
            sa.select(ConsultationFollow).where(
                ConsultationFollow.consultation_id == consultation_id
            )
        )
    }
    participants = db.session.scalars(
        sa.select(Participant.user_id).where(
            Participant.consultation_id == consultation_id,
            Participant.user_id.is_not(None),
            Participant.created_at <= since_before,
        )
    )
    unfollowed = {user_id for user_id, row in explicit.items() if not row.following}
    found = {user_id for user_id in participants if user_id not in unfollowed}
    found |= {
        user_id
        for user_id, row in explicit.items()
        if row.following and row.updated_at <= since_before
    }
    return found
