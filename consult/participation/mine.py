"""'My participation': everything one person voted and wrote in a consultation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from consult.consultations.models import Consultation, Participant
from consult.consultations.services import current_version
from consult.drafts.models import Clause
from consult.extensions import db
from consult.moderation.models import ContributionResponse
from consult.participation.models import Comment, Statement, StatementKind, Vote


@dataclass(frozen=True)
class MyVote:
    statement: Statement
    value: int
    updated_at: datetime
    clause: Clause | None  # the clause (latest wording voted on) for clause statements
    changed: bool  # a newer wording of this clause has been published since
    removed: bool  # the clause is no longer in the draft


@dataclass
class MyParticipation:
    votes: list[MyVote] = field(default_factory=list)  # votes the person cast
    # Statements whose only vote is the agree recorded automatically when the person
    # wrote them: not a vote they cast (the voting flow does not count it either).
    own_agreed: set[int] = field(default_factory=set)
    comments: list[Comment] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    responses: dict[tuple[str, int], ContributionResponse] = field(default_factory=dict)

    @property
    def changed_count(self) -> int:
        return sum(vote.changed for vote in self.votes)

    def response_to(self, kind: str, item_id: int) -> ContributionResponse | None:
        return self.responses.get((kind, item_id))


def my_participation(
    consultation: Consultation, participant: Participant | None
) -> MyParticipation:
    """Votes (with clauses changed since marked), comments, statements and the answers given."""
    if participant is None:
        return MyParticipation()
    version = current_version(consultation)
    current = {c.lineage_key: c.statement_id for c in version.clauses} if version else {}
    rows = db.session.execute(
        sa.select(Vote, Statement)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Vote.participant_id == participant.id)
        .order_by(Vote.updated_at.desc())
    ).all()
    clause_statement_ids = [s.id for _, s in rows if s.kind is StatementKind.CLAUSE]
    clauses = _latest_clauses(clause_statement_ids)
    votes, own_agreed = [], set()
    for vote, statement in rows:
        if is_automatic_agree(vote, statement):
            own_agreed.add(statement.id)
            continue
        is_clause = statement.kind is StatementKind.CLAUSE
        in_draft = statement.lineage_key in current
        votes.append(
            MyVote(
                statement=statement,
                value=vote.value,
                updated_at=vote.updated_at,
                clause=clauses.get(statement.id),
                changed=is_clause and in_draft and current[statement.lineage_key] != statement.id,
                removed=is_clause and not in_draft,
            )
        )
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.author_id == participant.id, Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc())
    ).all()
    statements = db.session.scalars(
        sa.select(Statement)
        .where(Statement.author_id == participant.id)
        .order_by(Statement.created_at.desc())
    ).all()
    return MyParticipation(
        votes=votes,
        own_agreed=own_agreed,
        comments=list(comments),
        statements=list(statements),
        responses=_responses([c.id for c in comments], [s.id for s in statements]),
    )


def is_automatic_agree(vote: Vote, statement: Statement) -> bool:
    """The author's agree vote, written with their statement and never changed since
    (a changed vote has a later ``updated_at``; an unchanged re-vote writes nothing).
    "My votes" leaves it out, and so does the count of votes claimed at login."""
    return (
        statement.author_id == vote.participant_id
        and vote.value == 1
        and vote.updated_at == vote.created_at
    )


def _latest_clauses(statement_ids: list[int]) -> dict[int, Clause]:
    if not statement_ids:
        return {}
    clauses = db.session.scalars(
        sa.select(Clause).where(Clause.statement_id.in_(statement_ids)).order_by(Clause.id)
    ).all()
    return {clause.statement_id: clause for clause in clauses}


def _responses(comment_ids: list[int], statement_ids: list[int]):
    if not comment_ids and not statement_ids:
        return {}
    found = db.session.scalars(
        sa.select(ContributionResponse).where(
            sa.or_(
                ContributionResponse.comment_id.in_(comment_ids),
                ContributionResponse.statement_id.in_(statement_ids),
            )
        )
    ).all()
    responses = {}
    for response in found:
        if response.comment_id:
            responses[("comment", response.comment_id)] = response
        else:
            responses[("statement", response.statement_id)] = response
    return responses
