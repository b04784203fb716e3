"""The append-only audit log of moderation and drafting actions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.db_types import BigIntKey, UTCDateTime, utcnow
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
