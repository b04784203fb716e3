"""What a reader sees next to the text: tallies, their own votes, what changed, discussion size."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from consult.consultations.models import Participant
from consult.drafts.models import Clause, DraftVersion
from consult.extensions import db
from consult.participation.models import Comment, ModerationState, Statement, StatementKind, Vote
from consult.participation.votes import Tally, tallies, votes_of


@dataclass(frozen=True)
class VoteBox:
    """Everything the vote control of one statement shows."""

    statement_id: int
    tally: Tally
    my_vote: int | None
    # The participant voted on an earlier wording of this clause: their old vote.
    earlier_vote: int | None = None
    comment_count: int = 0


def vote_boxes(
    statement_ids: list[int],
    participant: Participant | None,
    lineages: dict[int, str] | None = None,
    *,
    with_comment_counts: bool = True,
) -> dict[int, VoteBox]:
    """Vote boxes for these statements, in a fixed number of queries."""
    counts = tallies(statement_ids)
    mine = votes_of(participant, statement_ids)
    earlier = _earlier_votes(participant, lineages or {})
    comments = comment_counts(statement_ids) if with_comment_counts else {}
    return {
        sid: VoteBox(
            statement_id=sid,
            tally=counts[sid],
            my_vote=mine.get(sid),
            earlier_vote=None if sid in mine else earlier.get((lineages or {}).get(sid)),
            comment_count=comments.get(sid, 0),
        )
        for sid in statement_ids
    }


def clause_boxes(
    version: DraftVersion | None, participant: Participant | None
) -> dict[int, VoteBox]:
    """Vote boxes keyed by clause id for a version's clauses."""
    if version is None:
        return {}
    by_statement = {c.statement_id: c for c in version.clauses if c.statement_id}
    lineages = {c.statement_id: c.lineage_key for c in by_statement.values()}
    boxes = vote_boxes(list(by_statement), participant, lineages)
    return {clause.id: boxes[sid] for sid, clause in by_statement.items()}


def _earlier_votes(participant: Participant | None, lineages: dict[int, str]) -> dict[str, int]:
    """The participant's latest vote on any wording of each lineage: ``{lineage: value}``."""
    if participant is None or not lineages:
        return {}
    rows = db.session.execute(
        sa.select(Statement.lineage_key, Vote.value)
        .join(Vote, Vote.statement_id == Statement.id)
        .where(
            Vote.participant_id == participant.id,
            Statement.kind == StatementKind.CLAUSE,
            Statement.lineage_key.in_(set(lineages.values())),
        )
        .order_by(Vote.updated_at)
    ).all()
    return dict(rows)  # ordered by time, so each lineage keeps its latest vote


_COMMENT_COUNTS = (
    sa.select(Comment.statement_id, sa.func.count())
    .where(
        Comment.statement_id.in_(sa.bindparam("ids", expanding=True)),
        Comment.moderation_state == ModerationState.APPROVED,
        Comment.deleted_at.is_(None),
    )
    .group_by(Comment.statement_id)
)


def comment_counts(statement_ids: list[int]) -> dict[int, int]:
    """Visible comments per statement (one prepared query)."""
    if not statement_ids:
        return {}
    return dict(db.session.execute(_COMMENT_COUNTS, {"ids": statement_ids}).all())


def clause_of_statement(statement: Statement) -> Clause | None:
    """The latest clause row that points at this statement (any version)."""
    return db.session.scalar(
        sa.select(Clause)
        .join(DraftVersion, DraftVersion.id == Clause.version_id)
        .where(Clause.statement_id == statement.id, DraftVersion.published_at.is_not(None))
        .order_by(DraftVersion.number.desc())
        .limit(1)
    )
