"""Discussion on a clause or statement: comment, reply, edit, delete, report."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import User
from consult.consultations.models import Consultation, ModerationMode, Participant
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import CLAUSE_TEXT_MAX, Clause
from consult.errors import Conflict, DomainError, Forbidden, LoginRequired, NotFound, checked_text
from consult.extensions import db
from consult.participation import translations
from consult.participation.lineage import CommentOnEarlierWording, clause_lineage
from consult.participation.models import (
    COMMENT_MAX,
    AbuseReport,
    Comment,
    ModerationState,
    Stance,
    Statement,
    StatementKind,
)
from consult.participation.participants import (
    Actor,
    is_author,
    participant_id_for,
)
from consult.participation.reading import clause_of_statement
from consult.participation.votes import ensure_open

REPORT_REASON_MAX = 1000
# The same comment again within this many seconds is a repeat (a double click), not a new one.
REPEAT_WINDOW_SECONDS = 10


class DuplicateComment(Conflict):
    """The author sent this very comment a moment ago."""


def _clean_body(body: str | None) -> str:
    return checked_text(
        body,
        "body",
        COMMENT_MAX,
        _("Keep your comment under %(n)d characters.", n=COMMENT_MAX),
        _("Write your comment before sending it."),
    )


def _clean_proposal(stance: Stance, proposed: str | None) -> str | None:
    proposed = (proposed or "").strip() or None
    if stance is Stance.AMEND and not proposed:
        raise DomainError(_("Write the wording you propose."), field="proposed_text")
    if proposed and len(proposed) > CLAUSE_TEXT_MAX:
        raise DomainError(
            _("Keep the proposed wording under %(n)d characters.", n=CLAUSE_TEXT_MAX),
            field="proposed_text",
        )
    return proposed if stance is Stance.AMEND else None


def discussable_statement(consultation: Consultation, statement_id: int, actor: Actor) -> Statement:
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.consultation_id != consultation.id:
        raise NotFound(_("There is no such statement in this consultation."))
    if statement.moderation_state is not ModerationState.APPROVED and not is_author(
        consultation, actor, statement.author_id
    ):
        raise NotFound(_("There is no such statement in this consultation."))
    return statement


def add_comment(
    consultation: Consultation,
    statement_id: int,
    actor: Actor,
    *,
    body: str | None,
    stance: str | None,
    proposed_text: str | None = None,
    parent_id: int | None = None,
    language: str | None = None,
) -> Comment:
    """Post a comment (or a reply to a top-level comment) on a statement or clause.

    In a pre-moderated consultation it waits for a moderator; otherwise it shows at once.
    A "suggest a change" comment carries proposed wording and is owed an answer.
    """
    try:
        stance_value = Stance(stance)
    except ValueError:
        raise DomainError(
            _("Choose whether you support, oppose or suggest a change."), field="stance"
        ) from None
    body = _clean_body(body)
    proposed = _clean_proposal(stance_value, proposed_text)
    with write_transaction():
        ensure_open(consultation)
        statement = discussable_statement(consultation, statement_id, actor)
        lineage = clause_lineage(consultation, statement)
        if lineage is not None and lineage.is_superseded:
            raise CommentOnEarlierWording(lineage.current_statement_id)
        if parent_id is not None:
            parent = db.session.get(Comment, parent_id)
            hidden = parent is not None and (
                parent.moderation_state is not ModerationState.APPROVED
                and not is_author(consultation, actor, parent.author_id)
            )
            if parent is None or parent.statement_id != statement.id or hidden:
                raise NotFound(_("The comment you reply to is not here."))
            if parent.parent_id is not None:
                parent_id = parent.parent_id  # one level of replies: answer the thread
        author_id = participant_id_for(consultation, actor)
        _refuse_repeat(statement.id, author_id, stance_value, body)
        clause = clause_of_statement(statement) if statement.kind is StatementKind.CLAUSE else None
        comment = Comment(
            consultation_id=consultation.id,
            statement_id=statement.id,
            clause_id=clause.id if clause else None,
            parent_id=parent_id,
            author_id=author_id,
            stance=stance_value,
            body=body,
            proposed_text=proposed,
            language=language,
            moderation_state=ModerationState.APPROVED
            if consultation.moderation_mode is ModerationMode.POST
            else ModerationState.PENDING,
            needs_response=stance_value is Stance.AMEND,
        )
        db.session.add(comment)
    return comment


def _refuse_repeat(statement_id: int, author_id: int, stance: Stance, body: str) -> None:
    """Refuse the same comment by the same author on the same statement sent again within
    a few seconds (a double click, a resent form): one copy is kept, nothing is written.

    The author's participant row is locked first (PostgreSQL; SQLite's write transaction
    already runs one writer at a time), so two copies sent at once cannot both pass."""
    db.session.execute(
        sa.select(Participant.id).where(Participant.id == author_id).with_for_update()
    )
    since = utcnow() - timedelta(seconds=REPEAT_WINDOW_SECONDS)
    repeated = db.session.scalar(
        sa.select(Comment.id).where(
            Comment.statement_id == statement_id,
            Comment.author_id == author_id,
            Comment.stance == stance,
            Comment.body == body,
            Comment.deleted_at.is_(None),
            Comment.created_at >= since,
        )
    )
    if repeated is not None:
        raise DuplicateComment(
            _("You have just posted this comment; it was not posted a second time."),
            field="body",
        )


def comment_in(consultation: Consultation, comment_id: int) -> Comment:
    """A comment of this consultation that has not been deleted, or 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id or comment.deleted_at:
        raise NotFound(_("There is no such comment in this consultation."))
    return comment


def public_comment(consultation: Consultation, comment_id: int) -> Comment:
    """A comment anyone can read: approved, on an approved statement; or 404, the same
    404 for a hidden comment as for a missing one, so its number says nothing."""
    comment = comment_in(consultation, comment_id)
    statement = db.session.get(Statement, comment.statement_id)
    if (
        comment.moderation_state is not ModerationState.APPROVED
        or statement is None
        or statement.moderation_state is not ModerationState.APPROVED
    ):
        raise NotFound(_("There is no such comment in this consultation."))
    return comment


def own_comment(consultation: Consultation, comment_id: int, actor: Actor) -> Comment:
    """The actor's own comment in this consultation, or 404 / 403."""
    comment = comment_in(consultation, comment_id)
    if not is_author(consultation, actor, comment.author_id):
        raise Forbidden(_("You can only change your own comments."))
    return comment


def edit_waits_for_review(consultation: Consultation, comment: Comment) -> bool:
    """In a pre-moderated consultation an approved comment's edit waits for a moderator:
    its approved text stays public until the edit is approved."""
    return (
        consultation.moderation_mode is ModerationMode.PRE
        and comment.moderation_state is ModerationState.APPROVED
    )


def _clear_pending_edit(comment: Comment) -> None:
    comment.pending_body = comment.pending_proposed_text = comment.pending_at = None


def edit_comment(
    consultation: Consultation,
    comment_id: int,
    actor: Actor,
    *,
    body: str | None,
    proposed_text: str | None,
) -> Comment:
    """Change one's comment. An approved comment of a pre-moderated consultation keeps its
    public text and gets a pending edit instead (replacing any earlier pending edit); an
    edit back to the approved text withdraws it. Otherwise the text changes at once."""
    body = _clean_body(body)
    with write_transaction():
        ensure_open(consultation)
        comment = own_comment(consultation, comment_id, actor)
        proposed = _clean_proposal(comment.stance, proposed_text)
        if not edit_waits_for_review(consultation, comment):
            if body != comment.body:
                translations.review_again(comment.id)
            comment.body = body
            comment.proposed_text = proposed
            comment.updated_at = utcnow()
            _clear_pending_edit(comment)  # left from when it was approved, if any
        elif (body, proposed) == (comment.body, comment.proposed_text):
            _clear_pending_edit(comment)
        else:
            comment.pending_body = body
            comment.pending_proposed_text = proposed
            comment.pending_at = utcnow()
    return comment


def withdraw_edit(consultation: Consultation, comment_id: int, actor: Actor) -> Comment:
    """Drop one's edit that waits for moderation; the approved text stays as it is."""
    with write_transaction():
        comment = own_comment(consultation, comment_id, actor)
        if comment.pending_at is None:
            raise Conflict(_("This comment has no edit waiting for moderation."))
        _clear_pending_edit(comment)
    return comment


def delete_comment(consultation: Consultation, comment_id: int, actor: Actor) -> None:
    """Withdraw one's comment: the text goes, the place in the thread stays for replies."""
    with write_transaction():
        comment = own_comment(consultation, comment_id, actor)
        comment.deleted_at = utcnow()
        _clear_pending_edit(comment)


def report_comment(
    consultation: Consultation, comment_id: int, user: User | None, reason: str | None
) -> None:
    """Report someone else's comment as abusive, once per person; only a comment one can
    read (a rejected or waiting one is not there to report)."""
    if user is None:
        raise LoginRequired(_("Log in to report a comment."))
    reason = checked_text(
        reason,
        "reason",
        REPORT_REASON_MAX,
        _("Keep the reason under %(n)d characters.", n=REPORT_REASON_MAX),
        _("Say briefly what is wrong with this comment."),
    )
    with write_transaction():
        comment = public_comment(consultation, comment_id)
        author: Participant | None = comment.author
        if author is not None and author.user_id == user.id:
            raise DomainError(_("You cannot report your own comment."))
        already = db.session.scalar(
            sa.select(AbuseReport.id).where(
                AbuseReport.comment_id == comment.id, AbuseReport.reporter_id == user.id
            )
        )
        if already:
            raise Conflict(_("You have already reported this comment. Moderators will look at it."))
        db.session.add(
            AbuseReport(
                consultation_id=consultation.id,
                comment_id=comment.id,
                reporter_id=user.id,
                reason=reason,
            )
        )
    return comment


def clause_text_for(comment: Comment, language: str) -> str | None:
    """The clause wording a proposal is compared with: the version commented on."""
    if comment.clause_id is None:
        return None
    clause = db.session.get(Clause, comment.clause_id)
    if clause is None:
        return None
    return (
        clause.text.get(comment.language or language)
        or clause.text.get(language)
        or clause.text.get("en")
    )
