"""The append-only audit log of moderation and drafting actions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consult.db_types import BigIntKey, UTCDateTime, enum_type, utcnow
from consult.enums import LabelledEnum
from consult.extensions import db


class ModerationEvent(db.Model):
    """Who did what to which item, when and why."""

    __tablename__ = "moderation_event"
    __table_args__ = (sa.Index("ix_moderation_event_consultation_id_id", "consultation_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    target_kind: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Outcome(LabelledEnum):
    ADOPTED = "adopted", _l("Adopted")
    ADOPTED_IN_PART = "adopted_in_part", _l("Adopted in part")
    NOT_ADOPTED = "not_adopted", _l("Not adopted")
    NOTED = "noted", _l("Noted")


class ContributionResponse(db.Model):
    """A moderator's answer to a proposed wording, statement or comment, with its reason.

    ``version_id`` and ``clause_lineage_key`` say where an adopted contribution went, so
    a change in the text can be traced to who asked for it.
    """

    __tablename__ = "contribution_response"
    __table_args__ = (
        sa.UniqueConstraint("comment_id"),
        sa.UniqueConstraint("statement_id"),
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
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "response_outcome"))
    reason: Mapped[str] = mapped_column(sa.Text)
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("draft_version.id", ondelete="SET NULL")
    )
    clause_lineage_key: Mapped[str | None] = mapped_column(sa.String(36))
    responded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
