"""Reading consultations: which are listed, who may see them, and their current text."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.auth.services import has_role
from consult.consultations.models import Consultation, Role, Status
from consult.consultations.schedule import Phase
from consult.drafts.models import DraftVersion
from consult.errors import NotFound
from consult.extensions import db


def listed_consultations() -> dict[str, list[Consultation]]:
    """Consultations for the home page: open ones, scheduled ones ("upcoming"), closed ones."""
    rows = db.session.scalars(
        sa.select(Consultation)
        .where(Consultation.status.in_([Status.OPEN, Status.CLOSED]))
        .order_by(Consultation.closes_at.is_(None), Consultation.closes_at, Consultation.id)
    ).all()
    listing: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": []}
    for consultation in rows:
        phase = consultation.phase()
        key = {Phase.OPEN: "open", Phase.SCHEDULED: "upcoming"}.get(phase, "closed")
        listing[key].append(consultation)
    return listing


_BY_SLUG = sa.select(Consultation).where(Consultation.slug == sa.bindparam("slug"))


def get_visible_consultation(slug: str, user) -> Consultation:
    """The consultation at ``slug`` if this user may read it; drafts only for its team."""
    consultation = db.session.scalar(_BY_SLUG, {"slug": slug})
    if consultation is None:
        raise NotFound(_("There is no consultation at this address."))
    if consultation.status is Status.DRAFT and not has_role(
        user, consultation, Role.ORGANISER, Role.MODERATOR
    ):
        raise NotFound(_("There is no consultation at this address."))
    return consultation


def current_version(consultation: Consultation) -> DraftVersion | None:
    """The latest published version of the draft, with its clauses loaded in order."""
    return db.session.scalar(
        sa.select(DraftVersion)
        .where(
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
        )
        .order_by(DraftVersion.number.desc())
        .limit(1)
        .options(selectinload(DraftVersion.clauses))
    )
