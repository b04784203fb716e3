"""Stored results of analysis runs."""

from __future__ import annotations

import enum
import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consult.db_types import UTCDateTime, enum_type, utcnow
from consult.extensions import db


class SnapshotStatus(enum.Enum):
    OK = "ok"
    FAILED = "failed"


class AnalysisSnapshot(db.Model):
    """One analysis run: its inputs' high-water mark, parameters and result, kept as history.

    The result is stored in three parts (:mod:`consult.reports.snapshot_arrays`): the
    codec's JSON without its per-participant arrays (``stored_result``), those arrays
    compressed (``arrays``), and the routing priorities (``routing``) that the voting flow
    reads alone. ``result`` reads and writes the whole as the codec's dict.
    """

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
    stored_result: Mapped[dict | None] = mapped_column("result", sa.JSON)
    arrays: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    routing: Mapped[dict | None] = deferred(mapped_column(sa.JSON))
    error: Mapped[str | None] = mapped_column(sa.Text)
    seconds: Mapped[float | None]
    # "all" participants, or "accounts" only (pseudonymous participants left out).
    population: Mapped[str] = mapped_column(sa.String(16), default="all", server_default="all")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def result(self) -> dict | None:
        """The whole result as :func:`consult.analysis.codec.encode` wrote it (joined
        from the stored parts: for exports and warm starts; pages read the parts)."""
        from consult.reports.snapshot_arrays import join

        return join(self.stored_result, self.arrays, self.routing)

    @result.setter
    def result(self, value: dict | None) -> None:
        from consult.reports.snapshot_arrays import split

        self.stored_result, self.arrays, self.routing = split(value)


REPORT_SLUG_MAX = 80
PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")


class PdfState(enum.Enum):
    """Where a report's PDF stands: rendered off the request path, then stored."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class PublishedReport(db.Model):
    """An organiser's report: a frozen snapshot with an introduction, at a stable URL.

    Its PDFs, one per language it is read in, are :class:`ReportPdf` rows.
    """

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
    # Not public before this moment (an embargo); null: public once published.
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an organiser takes the report down; only the team can read it then.
    unpublished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Publish the data files even while the consultation's dashboard is hidden.
    data_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    snapshot = relationship("AnalysisSnapshot")
    consultation = relationship("Consultation")
    pdfs: Mapped[list[ReportPdf]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def pdf_language(self) -> str:
        """The language the report was published in: its PDF is rendered at once."""
        return self.language or DEFAULT_PDF_LANGUAGE

    def pdf_in(self, language: str) -> ReportPdf | None:
        """The report's PDF in ``language``, if one was ever asked for."""
        return next((pdf for pdf in self.pdfs if pdf.language == language), None)

    @property
    def paragraphs(self) -> list[str]:
        """The introduction's paragraphs (blank lines separate them, whatever the line ends)."""
        parts = PARAGRAPH_BREAK.split(self.introduction or "")
        return [p.strip() for p in parts if p.strip()]

    def is_public(self, now: datetime) -> bool:
        """Published, not taken down, and past its embargo."""
        if self.unpublished_at is not None:
            return False
        return self.embargo_until is None or self.embargo_until <= now


# Reports published without a language (before languages were recorded) are English.
DEFAULT_PDF_LANGUAGE = "en"


class ReportPdf(db.Model):
    """A published report's PDF in one language: rendered off the request path, stored.

    The PDF is stored in the database (not under the instance folder) so that every web
    host behind a proxy serves the same file without a shared disk; it is deferred, so
    listing a report's PDFs never loads one. The report's own language is rendered when
    it is published; any other of the consultation's languages when a reader first asks.
    """

    __tablename__ = "report_pdf"
    __table_args__ = (sa.UniqueConstraint("report_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("published_report.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[PdfState] = mapped_column(
        enum_type(PdfState, "pdf_state"), default=PdfState.PENDING, server_default="pending"
    )
    # When a rendering was last asked for: a pending PDF asked for long ago is asked again.
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    error: Mapped[str | None] = mapped_column(sa.Text)
    # When the rendering that made ``pdf`` began: text taken down later makes it stale.
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[PublishedReport] = relationship(back_populates="pdfs")
