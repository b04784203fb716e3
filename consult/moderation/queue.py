"""The moderation queue and its filters: state, kind, consultation, clause and age.

Filters come from the queue page's GET form; an unknown value is a 400 with a message
saying what is accepted, never a silently different list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.db_types import utcnow
from consult.errors import DomainError
from consult.extensions import db
from consult.moderation import edits
from consult.moderation.access import TEAM, team_consultation_ids
from consult.moderation.services import MODELS, QUEUE_LIMIT, QueueItem, parse_state, report_target
from consult.participation.models import (
    AbuseReport,
    Comment,
    ContentTranslation,
    ModerationState,
    Statement,
    StatementKind,
)

KINDS = ("statement", "comment", "translation", "edit", "report")
STATES = tuple(state.value for state in ModerationState)
AGES = {"1d": timedelta(days=1), "1w": timedelta(weeks=1)}


@dataclass(frozen=True)
class QueueFilters:
    """What the moderator asked to see; empty strings mean "all"."""

    consultation: str = ""  # a consultation's slug
    kind: str = ""
    state: str = "pending"
    clause: str = ""  # a clause's lineage key: items on that clause, in every version
    age: str = ""  # "1d" or "1w": only items older than that


def parse_filters(args) -> QueueFilters:
    """The filters of a GET (or the bulk form's hidden copy of them); 400 on bad values."""
    kind, state = args.get("kind", ""), args.get("state", "") or "pending"
    age, clause = args.get("age", ""), args.get("clause", "")
    if kind not in ("", *KINDS):
        raise DomainError(
            _("Unknown kind: choose statements, comments, translations, edits or reports.")
        )
    if state not in STATES:
        raise DomainError(_("Unknown state: choose one from the list."))
    if age not in ("", *AGES):
        raise DomainError(_("Unknown age: choose older than a day or older than a week."))
    if len(clause) > 36:
        raise DomainError(_("There is no such clause in this consultation."))
    return QueueFilters(args.get("consultation", ""), kind, state, clause, age)


def clause_statement_ids(consultation_ids: list[int], lineage_key: str) -> list[int]:
    """The statements through which a clause's wordings were voted on; 400 if none."""
    ids = list(
        db.session.scalars(
            sa.select(Statement.id).where(
                Statement.kind == StatementKind.CLAUSE,
                Statement.lineage_key == lineage_key,
                Statement.consultation_id.in_(consultation_ids),
            )
        )
    )
    if not ids:
        raise DomainError(_("There is no such clause in this consultation."))
    return ids


def queue(
    user,
    *,
    consultation_id=None,
    kind=None,
    state="pending",
    on_statements: list[int] | None = None,
    older_than: timedelta | None = None,
    limit=QUEUE_LIMIT,
):
    """Items waiting for this user, oldest first: pending statements, comments and
    translations, edits of approved comments, unresolved reports; another ``state`` lists
    moderated items.

    ``on_statements`` keeps only comments on those (clause) statements, their edits and
    reports about them; ``older_than`` only items created (or edited) that long ago."""
    ids = team_consultation_ids(user, *TEAM)
    if consultation_id is not None:
        if ids is not None and consultation_id not in ids:
            return []
        ids = [consultation_id]
    moderation_state = parse_state(state)
    cutoff = utcnow() - older_than if older_than else None
    items: list[QueueItem] = []
    for name in ("statement", "comment", "translation"):
        if (kind and kind != name) or (on_statements is not None and name != "comment"):
            continue
        model = MODELS[name]
        query = (
            sa.select(model)
            .where(model.moderation_state == moderation_state)
            .order_by(model.created_at, model.id)
            .limit(limit)
            .options(selectinload(model.author))
        )
        if name == "statement":
            query = query.where(Statement.kind != StatementKind.CLAUSE)
        elif name == "translation":
            # the original beside the translation, loaded with it
            originals = (ContentTranslation.statement, ContentTranslation.comment)
            query = query.options(*(selectinload(o) for o in originals))
        else:
            query = query.where(Comment.deleted_at.is_(None))
            if on_statements is not None:
                query = query.where(Comment.statement_id.in_(on_statements))
        if ids is not None:
            query = query.where(model.consultation_id.in_(ids))
        if cutoff is not None:
            query = query.where(model.created_at <= cutoff)
        items += [QueueItem(name, row, row.created_at) for row in db.session.scalars(query)]
    pending = moderation_state is ModerationState.PENDING
    if kind in (None, "", "report") and pending:
        items += _reports(ids, on_statements, cutoff, limit)
    if kind in (None, "", "edit") and pending:
        conditions = []
        if on_statements is not None:
            conditions.append(Comment.statement_id.in_(on_statements))
        if cutoff is not None:
            conditions.append(Comment.pending_at <= cutoff)
        waiting = edits.pending_edits(ids, limit, *conditions)
        items += [QueueItem("edit", c, c.pending_at) for c in waiting]
    items.sort(key=lambda item: (item.created_at, item.kind, item.obj.id))
    return items[:limit]


def _reports(ids, on_statements, cutoff, limit) -> list[QueueItem]:
    query = (
        sa.select(AbuseReport)
        .where(AbuseReport.resolved_at.is_(None))
        .order_by(AbuseReport.created_at, AbuseReport.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(AbuseReport.consultation_id.in_(ids))
    if on_statements is not None:
        on_clause = sa.select(Comment.id).where(Comment.statement_id.in_(on_statements))
        query = query.where(AbuseReport.comment_id.in_(on_clause))
    if cutoff is not None:
        query = query.where(AbuseReport.created_at <= cutoff)
    return [
        QueueItem("report", row, row.created_at, report_target(row)[1])
        for row in db.session.scalars(query)
    ]
