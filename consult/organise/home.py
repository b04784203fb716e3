"""The organiser home: the consultations one organises or moderates, grouped by state,
each with one's role, the moderation queue's waiting count and the last analysis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from consult.consultations.models import Consultation, ConsultationRole, Role
from consult.consultations.schedule import Phase
from consult.db_types import utcnow
from consult.extensions import db
from consult.moderation.access import team_consultation_ids, team_consultations
from consult.moderation.services import waiting_count
from consult.organise.services import can_create_consultation
from consult.reports.snapshots import latest_ok


@dataclass(frozen=True)
class HomeRow:
    consultation: Consultation
    roles: tuple[Role, ...]  # empty for a site admin holding no role there
    waiting: int
    analysed_at: datetime | None  # the latest OK analysis of all participants

    @property
    def organises(self) -> bool:
        return Role.ORGANISER in self.roles


@dataclass(frozen=True)
class HomeLinks:
    """What the site header offers: the organiser home, and starting a consultation."""

    home: bool
    create: bool


def header_links(user) -> HomeLinks:
    if not getattr(user, "is_authenticated", False):
        return HomeLinks(False, False)
    create = can_create_consultation(user)  # a site organiser's home starts empty
    return HomeLinks(create or team_consultation_ids(user) != [], create)


def _roles(user) -> dict[int, tuple[Role, ...]]:
    rows = db.session.execute(
        sa.select(ConsultationRole.consultation_id, ConsultationRole.role).where(
            ConsultationRole.user_id == user.id
        )
    )
    roles: dict[int, tuple[Role, ...]] = {}
    for consultation_id, role in rows:
        roles[consultation_id] = tuple(
            r for r in Role if r in {*roles.get(consultation_id, ()), role}
        )
    return roles


def my_consultations(user) -> dict[Phase, list[HomeRow]] | None:
    """The consultations ``user`` organises or moderates (every one for a site admin) by
    phase (:meth:`Consultation.phase`, in :class:`Phase` order), newest first; None for
    someone on no team."""
    if team_consultation_ids(user) == []:
        return None
    roles = _roles(user)
    now = utcnow()
    grouped: dict[Phase, list[HomeRow]] = {phase: [] for phase in Phase}
    for consultation in reversed(team_consultations(user)):
        snapshot = latest_ok(consultation.id, with_result=False)
        row = HomeRow(
            consultation,
            roles.get(consultation.id, ()),
            waiting_count(user, consultation.id) or 0,
            snapshot.created_at if snapshot else None,
        )
        grouped[consultation.phase(now)].append(row)
    return grouped
