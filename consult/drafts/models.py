"""The draft text: numbered versions made of ordered clauses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db_types import UTCDateTime, utcnow
from consult.extensions import db

HEADING_MAX = 200
CLAUSE_TEXT_MAX = 5000
PREAMBLE_MAX = 20000  # per language


class DraftVersion(db.Model):
    """Version ``number`` of a consultation's draft; unpublished while ``published_at`` is null."""

    __tablename__ = "draft_version"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    # The preamble, per language: a list of paragraphs.
    preamble: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    change_summary: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    clauses: Mapped[list[Clause]] = relationship(
        back_populates="version", order_by="Clause.position", cascade="all, delete-orphan"
    )


class Clause(db.Model):
    """One clause of one version.

    ``lineage_key`` is shared by the same clause across versions, so a vote on
    version 1 of a clause is still known when version 2 changes it. Each clause
    is voted on through its ``statement``; a version that leaves the text alone
    keeps pointing at the same statement, so its votes carry over.
    """

    __tablename__ = "clause"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("draft_version.id", ondelete="CASCADE"))
    position: Mapped[int]
    lineage_key: Mapped[str] = mapped_column(sa.String(36), index=True)
    heading: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    text: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    statement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="SET NULL"), index=True
    )
    # Where a clause's wording came from when a contribution was promoted into the draft.
    source_statement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="SET NULL")
    )
    source_comment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", ondelete="SET NULL", use_alter=True)
    )

    # Set in the working version when the organiser asks earlier voters to look again
    # although the authoritative text is unchanged (a translation changed the meaning).
    ask_voters_again: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # How each translation stands, by language: "official", "reviewed" or "proposed"
    # (the authoritative language is not listed; see consult.drafts.translations).
    translations: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    version: Mapped[DraftVersion] = relationship(back_populates="clauses")
    statement = relationship("Statement", foreign_keys=[statement_id])
    source_statement = relationship("Statement", foreign_keys=[source_statement_id])

    def missing_languages(self, languages: list[str]) -> list[str]:
        return [lang for lang in languages if not (self.text.get(lang) or "").strip()]
