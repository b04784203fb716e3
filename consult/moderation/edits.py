"""Edits of approved comments in pre-moderated consultations, waiting for a moderator.

The approved text stays public until a moderator approves the edit. Approving or
rejecting is a conditional UPDATE on the edit the moderator saw (its ``pending_at``), so
an edit its author replaced or withdrew in the meantime is a Conflict, never a surprise.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound
from consult.extensions import db
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.participation import translations
from consult.participation.models import Comment, ModerationState
from consult.textdiff import Piece, diff

ACTIONS = ("approve", "reject")


def _waiting():
    return sa.and_(
        Comment.pending_at.is_not(None),
        Comment.deleted_at.is_(None),
        Comment.moderation_state == ModerationState.APPROVED,
    )


def pending_edits(ids: list[int] | None, limit: int, *conditions) -> list[Comment]:
    """Comments with an edit waiting (and meeting ``conditions``), oldest edit first;
    ``ids`` None means every consultation."""
    query = (
        sa.select(Comment).where(_waiting(), *conditions).order_by(Comment.pending_at, Comment.id)
    )
    if ids is not None:
        query = query.where(Comment.consultation_id.in_(ids))
    return list(db.session.scalars(query.limit(limit)))


def pending_edit_count(ids: list[int] | None):
    """A scalar subquery counting the edits waiting in these consultations."""
    query = sa.select(sa.func.count()).where(_waiting())
    if ids is not None:
        query = query.where(Comment.consultation_id.in_(ids))
    return query.scalar_subquery()


def edit_diff(comment: Comment) -> tuple[list[Piece], list[Piece]]:
    """The approved text against the pending edit: body pieces, proposed-wording pieces."""
    language = comment.language
    body = diff(comment.body, comment.pending_body or "", language)
    proposal = []
    if comment.proposed_text or comment.pending_proposed_text:
        proposal = diff(comment.proposed_text or "", comment.pending_proposed_text or "", language)
    return body, proposal


def get_pending_edit(consultation: Consultation, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        raise NotFound(_("There is no such item in this consultation."))
    return comment


def parse_seen(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat(value or "")
    except ValueError:
        raise DomainError(_("Reload the page: the form did not say which edit you saw.")) from None


def decide_edit(user, consultation: Consultation, comment_id: int, action: str, seen, reason=None):
    """Approve an edit (its text replaces the public one) or reject it (the approved text
    stays; the reason is kept on the comment for its author and in the audit log).

    ``seen`` is the ``pending_at`` of the edit the moderator looked at (a datetime or its
    ISO form); if the edit changed or went since, raise Conflict and change nothing.
    """
    from consult.moderation.services import clean_reason

    ensure_role(user, consultation, *TEAM)
    comment = get_pending_edit(consultation, comment_id)
    if action not in ACTIONS:
        raise DomainError(_("That action is not possible on this item."))
    seen_at = seen if isinstance(seen, datetime) else parse_seen(seen)
    reason = clean_reason(reason, required=action == "reject")
    now = utcnow()
    cleared = {"pending_body": None, "pending_proposed_text": None, "pending_at": None}
    decided = {"moderated_by_id": user.id, "moderated_at": now, "moderation_reason": reason}
    if action == "approve":
        text = {"body": Comment.pending_body, "proposed_text": Comment.pending_proposed_text}
        values = {**text, "updated_at": now, **decided, **cleared}
        details = {"previous_body": comment.body, "previous_proposed_text": comment.proposed_text}
    else:
        values = {**decided, **cleared}
        details = {
            "rejected_body": comment.pending_body,
            "rejected_proposed_text": comment.pending_proposed_text,
        }
    with write_transaction():
        result = db.session.execute(
            sa.update(Comment)
            .where(Comment.id == comment.id, Comment.pending_at == seen_at, _waiting())
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(
                _(
                    "This edit was changed, withdrawn or moderated a moment ago. "
                    "Nothing was changed."
                )
            )
        if action == "approve" and comment.pending_body != comment.body:
            translations.review_again(comment.id)
        record_event(
            user, consultation.id, f"{action}_edit", "comment", comment.id, reason, **details
        )
    db.session.refresh(comment)
    return comment
