"""Answers to contributions: every proposed wording, statement and comment marked for a
response gets an outcome (adopted, adopted in part, not adopted, noted) and a reason."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import Clause
from consult.errors import DomainError
from consult.extensions import db
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.moderation.context import comment_clauses
from consult.moderation.models import ContributionResponse, Outcome
from consult.moderation.services import clean_reason, get_item
from consult.participation.models import Comment, ModerationState, Statement, StatementKind


@dataclass(frozen=True)
class Contribution:
    kind: str  # "comment" or "statement"
    obj: Comment | Statement
    response: ContributionResponse | None
    clause: Clause | None = None  # the clause a comment is on


def contribution(kind: str, obj, response: ContributionResponse | None = None) -> Contribution:
    """One contribution with its clause (a comment on a clause) and the given answer."""
    clause = comment_clauses([obj]).get(obj.id) if kind == "comment" else None
    return Contribution(kind, obj, response, clause)


def contributions_to_answer(consultation: Consultation) -> list[Contribution]:
    """Proposed wordings, participant statements and comments marked for a response;
    unanswered ones first, oldest first."""
    comments = db.session.scalars(
        sa.select(Comment)
        .where(
            Comment.consultation_id == consultation.id,
            Comment.deleted_at.is_(None),
            Comment.moderation_state != ModerationState.REJECTED,
            sa.or_(Comment.needs_response.is_(True), Comment.proposed_text.is_not(None)),
        )
        .order_by(Comment.created_at, Comment.id)
    ).all()
    statements = db.session.scalars(
        sa.select(Statement)
        .where(
            Statement.consultation_id == consultation.id,
            Statement.kind != StatementKind.CLAUSE,
            Statement.moderation_state == ModerationState.APPROVED,
            Statement.is_seed.is_(False),
        )
        .order_by(Statement.created_at, Statement.id)
    ).all()
    responses = db.session.scalars(
        sa.select(ContributionResponse).where(
            ContributionResponse.consultation_id == consultation.id
        )
    ).all()
    by_comment = {r.comment_id: r for r in responses if r.comment_id}
    by_statement = {r.statement_id: r for r in responses if r.statement_id}
    clauses = comment_clauses(comments)
    found = [Contribution("comment", c, by_comment.get(c.id), clauses.get(c.id)) for c in comments]
    found += [Contribution("statement", s, by_statement.get(s.id)) for s in statements]
    found.sort(key=lambda c: (c.response is not None, c.obj.created_at, c.kind, c.obj.id))
    return found


def response_for(kind: str, item_id: int) -> ContributionResponse | None:
    column = (
        ContributionResponse.comment_id if kind == "comment" else ContributionResponse.statement_id
    )
    return db.session.scalar(sa.select(ContributionResponse).where(column == item_id))


def record_response(user, consultation, kind: str, item_id: int, outcome, reason: str):
    """Answer (or change the answer to) one contribution; the author sees it."""
    ensure_role(user, consultation, *TEAM)
    item = get_item(consultation, kind, item_id)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise DomainError(_("Choose an answer from the list."), field="outcome") from None
    reason = clean_reason(reason, required=True)
    with write_transaction():
        response = response_for(kind, item.id)
        if response is None:
            response = ContributionResponse(
                consultation_id=consultation.id,
                comment_id=item.id if kind == "comment" else None,
                statement_id=item.id if kind == "statement" else None,
                outcome=outcome,
                reason=reason,
                responded_by_id=user.id,
            )
            db.session.add(response)
        else:
            response.outcome, response.reason = outcome, reason
            response.responded_by_id, response.updated_at = user.id, utcnow()
        record_event(user, consultation.id, "respond", kind, item.id, reason, outcome=outcome.value)
    return response
