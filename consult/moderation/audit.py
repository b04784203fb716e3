"""The audit trail: every moderation and drafting action leaves a ModerationEvent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.errors import DomainError
from consult.extensions import db
from consult.moderation.models import ModerationEvent

AUDIT_PAGE = 200
EXPORT_LIMIT = 100_000  # a consultation's whole log, bounded
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ID_MAX = 2**63 - 1


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


@dataclass(frozen=True)
class AuditFilters:
    """What the organiser asked to see: an action code, a person, a range of days (UTC)."""

    action: str | None = None
    target_kind: str | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict[str, str]:
        """The same filters as GET parameters (for the CSV link)."""
        values = {
            "action": self.action,
            "target_kind": self.target_kind,
            "person": self.actor_id,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
        }
        return {k: str(v) for k, v in values.items() if v}


def parse_filters(args) -> AuditFilters:
    """The filters from a request's GET parameters; DomainError (400) on a bad value."""

    def code(name: str) -> str | None:
        value = (args.get(name) or "").strip()
        if value and not CODE_RE.match(value):
            raise DomainError(_("Choose an action or an item from the list."), field=name)
        return value or None

    def day(name: str) -> date | None:
        value = (args.get(name) or "").strip()
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise DomainError(_("Write dates as YYYY-MM-DD."), field=name) from None

    person = (args.get("person") or "").strip()
    if person and not (person.isascii() and person.isdigit() and 0 < int(person) <= ID_MAX):
        raise DomainError(_("Choose a person from the list."), field="person")
    filters = AuditFilters(
        code("action"), code("target_kind"), int(person) if person else None, day("from"), day("to")
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise DomainError(_("The first day must not come after the last."), field="from")
    return filters


def audit_log(
    consultation_id: int,
    filters: AuditFilters | None = None,
    *,
    action: str | None = None,
    target_kind: str | None = None,
    actor_id: int | None = None,
    limit: int = AUDIT_PAGE,
) -> list[ModerationEvent]:
    """The consultation's events, newest first, optionally filtered."""
    filters = filters or AuditFilters(action, target_kind, actor_id)
    query = sa.select(ModerationEvent).where(ModerationEvent.consultation_id == consultation_id)
    if filters.action:
        query = query.where(ModerationEvent.action == filters.action)
    if filters.target_kind:
        query = query.where(ModerationEvent.target_kind == filters.target_kind)
    if filters.actor_id:
        query = query.where(ModerationEvent.actor_id == filters.actor_id)
    if filters.since:
        query = query.where(ModerationEvent.created_at >= _midnight(filters.since))
    if filters.until:  # the last day counts whole
        query = query.where(ModerationEvent.created_at < _midnight(filters.until + timedelta(1)))
    return list(db.session.scalars(query.order_by(ModerationEvent.id.desc()).limit(limit)))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def audit_facets(consultation_id: int) -> dict[str, list]:
    """The actions (code, label), target kinds and people (id, name) seen in this
    consultation's log, for the filter form."""
    from consult.auth.models import User
    from consult.moderation.audit_actions import action_label

    rows = db.session.execute(
        sa.select(ModerationEvent.action, ModerationEvent.target_kind, ModerationEvent.actor_id)
        .where(ModerationEvent.consultation_id == consultation_id)
        .distinct()
    ).all()
    ids = {row.actor_id for row in rows if row.actor_id}
    people = db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(ids)).order_by(User.display_name)
    ).all()
    actions = {(row.action, action_label(row.action)) for row in rows}
    return {
        "actions": sorted(actions, key=lambda pair: pair[1].casefold()),
        "target_kinds": sorted({row.target_kind for row in rows}),
        "people": [(row.id, row.display_name) for row in people],
    }


def actor_names(events: list[ModerationEvent]) -> dict[int, str]:
    """Display names of the people in these events, in one query."""
    from consult.auth.models import User

    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}
