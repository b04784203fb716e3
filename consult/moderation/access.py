"""Who may work on a consultation: its organisers, its moderators and site admins."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation, ConsultationRole, Role
from consult.consultations.services import get_visible_consultation
from consult.extensions import db

TEAM = (Role.ORGANISER, Role.MODERATOR)


def team_consultation(slug: str, user, *roles: Role) -> Consultation:
    """The consultation at ``slug`` if ``user`` holds one of ``roles`` there (default: the team).

    NotFound for an unknown slug (or a draft the user may not see), Forbidden otherwise.
    """
    consultation = get_visible_consultation(slug, user)
    ensure_role(user, consultation, *(roles or TEAM))
    return consultation


def team_consultation_ids(user, *roles: Role) -> list[int] | None:
    """Ids of the consultations ``user`` works on; None means every one (site admin)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_admin:
        return None
    return list(
        db.session.scalars(
            sa.select(ConsultationRole.consultation_id)
            .where(ConsultationRole.user_id == user.id, ConsultationRole.role.in_(roles or TEAM))
            .distinct()
        )
    )


def team_consultations(user, *roles: Role) -> list[Consultation]:
    ids = team_consultation_ids(user, *roles)
    query = sa.select(Consultation).order_by(Consultation.id)
    if ids is not None:
        query = query.where(Consultation.id.in_(ids))
    return list(db.session.scalars(query))
