"""Per-statement vote counts, kept by the database itself.

``statement_vote_count`` holds one row per statement that has (had) votes: how many
current votes agree, disagree and pass. Triggers on ``vote`` (created by migration 0014)
keep it equal to ``SELECT value, count(*) FROM vote GROUP BY statement_id, value`` for
every writer: the vote endpoint, withdrawals, ``flask import-polis`` (COPY on
PostgreSQL), the demo seed, a test inserting Vote rows, and cascades when a statement,
participant or consultation is deleted. On PostgreSQL the triggers are statement-level
with transition tables (a COPY of 1.8M votes is one aggregate); the counter row is
updated with ``INSERT ... ON CONFLICT DO UPDATE``, whose row lock makes concurrent votes
on one statement queue instead of losing increments. On SQLite they are row-level (its
writes are serial).

Nothing in Python writes this table; :func:`consult.participation.votes.tallies` reads it.
A later migration that rebuilds ``vote`` on SQLite (``batch_alter_table`` with a table
copy) drops its triggers and must create them again (see migration 0014).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db


class StatementVoteCount(db.Model):
    """A statement's current agree / disagree / pass counts (no row: no votes yet)."""

    __tablename__ = "statement_vote_count"

    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    agree: Mapped[int] = mapped_column(default=0)
    disagree: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
