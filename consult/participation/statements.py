"""Short statements written by participants, which others then vote on like clauses."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.consultations.models import Consultation, ModerationMode, Participant
from consult.database import write_transaction
from consult.errors import Conflict, Forbidden, checked_text
from consult.extensions import db
from consult.jobs import request_analysis
from consult.participation.models import (
    STATEMENT_MAX,
    ModerationState,
    Statement,
    StatementKind,
)
from consult.participation.participants import Actor, participant_id_for
from consult.participation.votes import ensure_open, write_vote


class DuplicateStatement(Conflict):
    """The wording is already in the consultation: ``existing`` (approved, or waiting for a
    moderator); ``own`` when it is the author's own earlier statement."""

    def __init__(self, existing: Statement, *, own: bool):
        if existing.moderation_state is ModerationState.APPROVED:
            message = _(
                "A statement like this exists: Statement %(n)d. You can vote on it.",
                n=existing.number,
            )
        elif own:
            message = _("You have sent this statement already; it is awaiting moderation.")
        else:
            message = _("A statement like this is awaiting moderation.")
        super().__init__(message)
        self.statement_id = existing.id
        self.number = existing.number
        self.approved = existing.moderation_state is ModerationState.APPROVED
        self.own = own


def _normalised(text: str) -> str:
    """The wording alone: case, spacing and punctuation (in any script) do not count."""
    kept = "".join(ch if ch.isalnum() else " " for ch in text.casefold())
    return " ".join(kept.split())


def submit_statement(
    consultation: Consultation, actor: Actor, text: str | None, language: str | None = None
) -> Statement:
    """Add a statement; it waits for a moderator in pre-moderation, else shows at once.

    The author's own agree vote is recorded with it. The same wording twice in one
    consultation is refused, so votes are not split between copies.
    """
    text = checked_text(
        text,
        "text",
        STATEMENT_MAX,
        _("Keep your statement to %(n)d characters or fewer.", n=STATEMENT_MAX),
        _("Write your statement before sending it."),
    )
    with write_transaction():
        ensure_open(consultation)
        if not consultation.allow_statements:
            raise Forbidden(_("This consultation does not take new statements."))
        wanted = _normalised(text)
        existing = db.session.scalars(
            sa.select(Statement).where(
                Statement.consultation_id == consultation.id,
                Statement.kind != StatementKind.CLAUSE,
                Statement.moderation_state != ModerationState.REJECTED,
            )
        )
        participant_id = participant_id_for(consultation, actor)
        for other in existing:
            if _normalised(other.text or "") == wanted:
                raise DuplicateStatement(other, own=other.author_id == participant_id)
        statement = Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text=text,
            language=language,
            author_id=participant_id,
            moderation_state=ModerationState.APPROVED
            if consultation.moderation_mode is ModerationMode.POST
            else ModerationState.PENDING,
            needs_response=True,
        )
        db.session.add(statement)
        db.session.flush()
        write_vote(consultation.id, participant_id, statement.id, 1)
    request_analysis(consultation.id)
    return statement


def approved_statements(consultation: Consultation) -> list[Statement]:
    """Participant statements open for voting, newest first."""
    return db.session.scalars(
        sa.select(Statement)
        .where(
            Statement.consultation_id == consultation.id,
            Statement.kind != StatementKind.CLAUSE,
            Statement.moderation_state == ModerationState.APPROVED,
        )
        .order_by(Statement.created_at.desc(), Statement.id.desc())
    ).all()


def own_statements(consultation: Consultation, participant: Participant | None) -> list[Statement]:
    if participant is None:
        return []
    return db.session.scalars(
        sa.select(Statement)
        .where(Statement.consultation_id == consultation.id, Statement.author_id == participant.id)
        .order_by(Statement.created_at.desc())
    ).all()
