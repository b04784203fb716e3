"""The audit trail: every moderation and drafting action leaves a ModerationEvent."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db
from consult.moderation.models import ModerationEvent

AUDIT_PAGE = 200


def record_event(
    actor,
    consultation_id: int | None,
    action: str,
    target_kind: str,
    target_id: int | None = None,
    reason: str | None = None,
    **details,
) -> ModerationEvent:
    """Add an event to the session; the caller's transaction commits it with the change."""
    event = ModerationEvent(
        consultation_id=consultation_id,
        actor_id=getattr(actor, "id", None),
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        reason=reason,
        details=details,
    )
    db.session.add(event)
    return event


def audit_log(
    consultation_id: int,
    *,
    action: str | None = None,
    target_kind: str | None = None,
    actor_id: int | None = None,
    limit: int = AUDIT_PAGE,
) -> list[ModerationEvent]:
    """The consultation's events, newest first, optionally filtered."""
    query = sa.select(ModerationEvent).where(ModerationEvent.consultation_id == consultation_id)
    if action:
        query = query.where(ModerationEvent.action == action)
    if target_kind:
        query = query.where(ModerationEvent.target_kind == target_kind)
    if actor_id:
        query = query.where(ModerationEvent.actor_id == actor_id)
    return list(db.session.scalars(query.order_by(ModerationEvent.id.desc()).limit(limit)))


def audit_facets(consultation_id: int) -> dict[str, list]:
    """The actions and target kinds seen in this consultation's log, for the filter form."""
    rows = db.session.execute(
        sa.select(ModerationEvent.action, ModerationEvent.target_kind)
        .where(ModerationEvent.consultation_id == consultation_id)
        .distinct()
    ).all()
    return {
        "actions": sorted({row.action for row in rows}),
        "target_kinds": sorted({row.target_kind for row in rows}),
    }


def actor_names(events: list[ModerationEvent]) -> dict[int, str]:
    """Display names of the people in these events, in one query."""
    from consult.auth.models import User

    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}
