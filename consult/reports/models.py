"""Stored results of analysis runs."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db_types import UTCDateTime, enum_type, utcnow
from consult.extensions import db


class SnapshotStatus(enum.Enum):
    OK = "ok"
    FAILED = "failed"


class AnalysisSnapshot(db.Model):
    """One analysis run: its inputs' high-water mark, parameters and result, kept as history."""

    __tablename__ = "analysis_snapshot"
    __table_args__ = (sa.Index("ix_analysis_snapshot_consultation_id_id", "consultation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    status: Mapped[SnapshotStatus] = mapped_column(enum_type(SnapshotStatus, "snapshot_status"))
    last_vote_event_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    n_participants: Mapped[int] = mapped_column(default=0)
    n_statements: Mapped[int] = mapped_column(default=0)
    n_votes: Mapped[int] = mapped_column(default=0)
    parameters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    seconds: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


REPORT_SLUG_MAX = 80


class PublishedReport(db.Model):
    """An organiser's report: a frozen snapshot with an introduction, at a stable URL."""

    __tablename__ = "published_report"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("analysis_snapshot.id", ondelete="CASCADE")
    )
    slug: Mapped[str] = mapped_column(sa.String(REPORT_SLUG_MAX))
    title: Mapped[str] = mapped_column(sa.String(200))
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str | None] = mapped_column(sa.String(8))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    snapshot = relationship("AnalysisSnapshot")
