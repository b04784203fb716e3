"""Who may see a consultation's analysis, and the overview counts (snapshots: :mod:`.snapshots`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult import geo
from consult.auth.models import StakeholderProfile
from consult.auth.services import ensure_role, has_role
from consult.consultations.models import Consultation, Participant, Role
from consult.consultations.services import get_visible_consultation
from consult.errors import Forbidden
from consult.extensions import db
from consult.participation.models import Comment, ModerationState, Vote, VoteEvent
from consult.reports.labels import statement_infos

TEAM = (Role.ORGANISER, Role.MODERATOR)


def dashboard_consultation(slug: str, user) -> Consultation:
    """The consultation whose dashboard ``user`` may read: public unless the organiser hid it."""
    consultation = get_visible_consultation(slug, user)
    if not consultation.dashboard_public and not has_role(user, consultation, *TEAM):
        raise Forbidden(_("The organisers of this consultation have not made its analysis public."))
    return consultation


def organiser_consultation(slug: str, user) -> Consultation:
    """The consultation at ``slug`` if ``user`` organises it (or is a site admin)."""
    consultation = get_visible_consultation(slug, user)
    ensure_role(user, consultation, Role.ORGANISER)
    return consultation


def is_team(user, consultation: Consultation) -> bool:
    return has_role(user, consultation, *TEAM)


def is_organiser(user, consultation: Consultation) -> bool:
    return has_role(user, consultation, Role.ORGANISER)


@dataclass(frozen=True)
class Overview:
    participants: int
    voters: int
    votes: int
    statements: int
    comments: int
    by_sector: list[tuple[str | None, int]]
    by_region: list[tuple[str | None, int]]
    by_income: list[tuple[str | None, int]]
    votes_by_day: list[tuple[str, int]]
    last_vote_at: datetime | None


def overview(consultation: Consultation) -> Overview:
    """Counts for the dashboard's overview, each one aggregate query."""
    cid = consultation.id

    def count(query):
        return db.session.scalar(query) or 0

    profiles = db.session.execute(
        sa.select(StakeholderProfile.sector, StakeholderProfile.country)
        .select_from(Participant)
        .outerjoin(StakeholderProfile, StakeholderProfile.user_id == Participant.user_id)
        .where(Participant.consultation_id == cid)
    ).all()
    sectors = Counter(s.value if s else None for s, _c in profiles)
    regions = Counter(geo.region_of(c) if c else None for _s, c in profiles)
    incomes = Counter(geo.income_group_of(c) if c else None for _s, c in profiles)
    day = sa.func.date(VoteEvent.created_at)
    by_day = db.session.execute(
        sa.select(day, sa.func.count())
        .where(VoteEvent.consultation_id == cid)
        .group_by(day)
        .order_by(day)
    ).all()
    return Overview(
        participants=len(profiles),
        voters=count(
            sa.select(sa.func.count(sa.distinct(Vote.participant_id))).where(
                Vote.consultation_id == cid
            )
        ),
        votes=count(
            sa.select(sa.func.count()).select_from(Vote).where(Vote.consultation_id == cid)
        ),
        # One definition with the report's (labels.StatementInfo.listed): the current
        # draft's clauses and approved statements, not superseded clause wording.
        statements=sum(info.listed for info in statement_infos(cid).values()),
        comments=count(
            sa.select(sa.func.count())
            .select_from(Comment)
            .where(
                Comment.consultation_id == cid,
                Comment.moderation_state == ModerationState.APPROVED,
                Comment.deleted_at.is_(None),
            )
        ),
        by_sector=sectors.most_common(),
        by_region=regions.most_common(),
        by_income=incomes.most_common(),
        votes_by_day=[(str(d), n) for d, n in by_day],
        last_vote_at=db.session.scalar(
            sa.select(sa.func.max(Vote.updated_at)).where(Vote.consultation_id == cid)
        ),
    )
