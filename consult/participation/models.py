"""What participants vote on and write: statements, comments, votes and the vote log."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from consult.db_types import BigIntKey, UTCDateTime, enum_type, utcnow
from consult.enums import LabelledEnum, LabelledIntEnum
from consult.extensions import db

STATEMENT_MAX = 280
COMMENT_MAX = 4000


class StatementKind(enum.Enum):
    CLAUSE = "clause"  # a clause of the draft, text lives on Clause
    PARTICIPANT = "participant"  # a short statement submitted by a participant or moderator
    AMENDMENT = "amendment"  # proposed wording promoted for voting


class ModerationState(LabelledEnum):
    PENDING = "pending", _l("pending")
    APPROVED = "approved", _l("approved")
    REJECTED = "rejected", _l("rejected")
    META = "meta", _l("meta")


class Stance(LabelledEnum):
    SUPPORT = "support", _l("Supports")
    OPPOSE = "oppose", _l("Opposes")
    AMEND = "amend", _l("Suggests a change")


class VoteValue(LabelledIntEnum):
    AGREE = 1, _l("agree")
    DISAGREE = -1, _l("disagree")
    PASS = 0, _l("pass")


class Statement(db.Model):
    """The unit that is voted on."""

    __tablename__ = "statement"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[StatementKind] = mapped_column(enum_type(StatementKind, "statement_kind"))
    # Participant statements are written in one language; clause statements read Clause.text.
    text: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    lineage_key: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    moderation_state: Mapped[ModerationState] = mapped_column(
        enum_type(ModerationState, "moderation_state"), default=ModerationState.PENDING
    )
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_seed: Mapped[bool] = mapped_column(default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="SET NULL")
    )
    source_comment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", ondelete="SET NULL", use_alter=True)
    )
    # The id a statement had in an imported Polis conversation, for faithful re-export.
    external_id: Mapped[int | None]
    # The statement's public number in its consultation, the one readers see everywhere
    # ("Statement 14") and the exports write as the Polis comment-id: 1, 2, 3... in order
    # of creation (assigned on flush, see below); an imported statement keeps its Polis id.
    number: Mapped[int]
    # Moderators owe this contribution an answer (adopted, not adopted, noted...).
    needs_response: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("Participant", foreign_keys=[author_id])

    @classmethod
    def for_clause(cls, consultation_id: int, lineage_key: str, **fields) -> Statement:
        """The approved statement through which one wording of a clause is voted on."""
        return cls(
            consultation_id=consultation_id,
            kind=StatementKind.CLAUSE,
            lineage_key=lineage_key,
            moderation_state=ModerationState.APPROVED,
            is_seed=True,
            **fields,
        )


@event.listens_for(Session, "before_flush")
def _number_new_statements(session: Session, _context, _instances) -> None:
    """Give each new statement the next public number of its consultation.

    The consultation's row is locked first (FOR NO KEY UPDATE on PostgreSQL: it does not
    wait on the KEY SHARE locks that inserting rows which point at the consultation take,
    so it cannot deadlock with them; SQLite's write transactions are serial already), so
    two statements written at once cannot draw the same number.
    """
    from consult.consultations.models import Consultation

    new: dict[int, list[Statement]] = {}
    for obj in session.new:
        if isinstance(obj, Statement) and obj.number is None and obj.consultation_id:
            new.setdefault(obj.consultation_id, []).append(obj)
    for consultation_id, statements in new.items():
        with session.no_autoflush:
            session.execute(
                sa.select(Consultation.id)
                .where(Consultation.id == consultation_id)
                .with_for_update(key_share=True)
            )
            last = session.scalar(
                sa.select(sa.func.max(Statement.number)).where(
                    Statement.consultation_id == consultation_id
                )
            )
        # session.new is unordered: number in the order the statements were added.
        statements.sort(key=lambda st: sa.inspect(st).insert_order)
        for offset, statement in enumerate(statements, start=1):
            statement.number = (last or 0) + offset


class Comment(db.Model):
    """Discussion on a clause or statement, one level of replies."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    # The exact clause version commented on, when the statement is a clause.
    clause_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clause.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    stance: Mapped[Stance] = mapped_column(enum_type(Stance, "stance"))
    body: Mapped[str] = mapped_column(sa.Text)
    proposed_text: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    moderation_state: Mapped[ModerationState] = mapped_column(
        enum_type(ModerationState, "moderation_state"), default=ModerationState.PENDING
    )
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    needs_response: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An edit of an approved comment in a pre-moderated consultation waits here for
    # approval; the approved body and proposed text stay public meanwhile.
    pending_body: Mapped[str | None] = mapped_column(sa.Text)
    pending_proposed_text: Mapped[str | None] = mapped_column(sa.Text)
    pending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("Participant", foreign_keys=[author_id])
    parent = relationship("Comment", remote_side=[id])


class Vote(db.Model):
    """A participant's current vote on a statement; the latest one counts."""

    __tablename__ = "vote"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "statement_id"),
        sa.CheckConstraint("value IN (-1, 0, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    # Denormalised so the analysis reads a consultation's votes with one indexed scan.
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    # The language the statement was read in (null: before it was recorded, or imported).
    language: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoteEvent(db.Model):
    """Append-only log of every vote change; ``value`` is null when a vote is withdrawn.

    The source of truth for exports and audits: an acknowledged vote is here.
    """

    __tablename__ = "vote_event"
    __table_args__ = (
        sa.Index("ix_vote_event_consultation_id_id", "consultation_id", "id"),
        sa.CheckConstraint("value IS NULL OR value IN (-1, 0, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id", ondelete="CASCADE"))
    value: Mapped[int | None] = mapped_column(sa.SmallInteger)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbuseReport(db.Model):
    """Someone reports a comment or statement as abusive; moderators resolve it."""

    __tablename__ = "abuse_report"
    __table_args__ = (
        sa.UniqueConstraint("comment_id", "reporter_id"),
        sa.UniqueConstraint("statement_id", "reporter_id"),
        sa.CheckConstraint("(comment_id IS NULL) <> (statement_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    statement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="CASCADE")
    )
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    resolution: Mapped[str | None] = mapped_column(sa.String(40))


class ContentTranslation(db.Model):
    """A translation of one participant's statement or one comment into another of the
    consultation's languages, proposed by a participant and moderated like a contribution.

    The original stays the authoritative text (votes are on the statement, whatever
    language it was read in). At most one translation per item and language is approved
    at a time (partial unique indexes); pending and rejected ones are never shown publicly.
    """

    __tablename__ = "content_translation"
    __table_args__ = (
        sa.CheckConstraint("(statement_id IS NULL) <> (comment_id IS NULL)", name="one_target"),
        sa.Index(
            "uq_content_translation_statement_language",
            "statement_id",
            "language",
            unique=True,
            sqlite_where=sa.text("moderation_state = 'approved'"),
            postgresql_where=sa.text("moderation_state = 'approved'"),
        ),
        sa.Index(
            "uq_content_translation_comment_language",
            "comment_id",
            "language",
            unique=True,
            sqlite_where=sa.text("moderation_state = 'approved'"),
            postgresql_where=sa.text("moderation_state = 'approved'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)
    # The participant who proposed it (named "author" like a statement's, for the queue).
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    moderation_state: Mapped[ModerationState] = mapped_column(
        enum_type(ModerationState, "moderation_state"), default=ModerationState.PENDING
    )
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("Participant", foreign_keys=[author_id])
    statement = relationship("Statement", foreign_keys=[statement_id])
    comment = relationship("Comment", foreign_keys=[comment_id])

    @property
    def original(self) -> Statement | Comment:
        return self.statement if self.statement_id is not None else self.comment

    @property
    def original_text(self) -> str:
        """The text translated: a statement's text or a comment's body."""
        if self.statement_id is not None:
            return self.statement.text or ""
        return self.comment.body
