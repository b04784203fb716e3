"""The "vote on statements" flow: which statement a participant sees next."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa

from consult.consultations.models import Consultation, Participant
from consult.consultations.services import current_version
from consult.extensions import db
from consult.participation.models import ModerationState, Statement, StatementKind, Vote


@dataclass(frozen=True)
class NextStatement:
    statement: Statement | None
    voted: int  # how many of the votable statements the participant has voted on
    total: int  # how many statements are open for voting

    @property
    def done(self) -> bool:
        return self.statement is None


def votable_statement_ids(consultation: Consultation) -> list[int]:
    """The current clauses and the approved statements, in reading order."""
    version = current_version(consultation)
    clause_ids = [c.statement_id for c in version.clauses if c.statement_id] if version else []
    statement_ids = db.session.scalars(
        sa.select(Statement.id)
        .where(
            Statement.consultation_id == consultation.id,
            Statement.kind != StatementKind.CLAUSE,
            Statement.moderation_state == ModerationState.APPROVED,
        )
        .order_by(Statement.id)
    ).all()
    return clause_ids + list(statement_ids)


def routing_priorities(consultation: Consultation) -> dict[int, float]:
    """Routing priorities of the latest analysis (polis-math section 10), if there is one."""
    from consult.reports.snapshots import routing_priorities as latest_priorities

    return latest_priorities(consultation.id)


def next_statement(
    consultation: Consultation,
    participant: Participant | None,
    skipped: set[int],
    rng: random.Random | None = None,
) -> NextStatement:
    """Draw the next statement the participant has not voted on.

    Clauses and participants' statements are mixed on purpose: the analysis compares
    people by their votes on both. With an analysis, drawn at random in proportion to
    its routing priority (1 where none is known yet); without one, the least-voted
    first. Skipped statements come back only when nothing else is left.
    """
    votable = votable_statement_ids(consultation)
    voted: set[int] = set()
    if participant is not None and votable:
        voted = set(
            db.session.scalars(
                sa.select(Vote.statement_id).where(
                    Vote.participant_id == participant.id, Vote.statement_id.in_(votable)
                )
            )
        )
    remaining = [sid for sid in votable if sid not in voted]
    if not remaining:
        return NextStatement(None, len(voted), len(votable))
    candidates = [sid for sid in remaining if sid not in skipped] or remaining
    priorities = routing_priorities(consultation)
    if priorities:
        weights = [max(priorities.get(sid, 1.0), 1e-9) for sid in candidates]
        draw = rng or random.Random()  # noqa: S311 (a routing draw, not a secret)
        chosen = draw.choices(candidates, weights=weights, k=1)[0]
    else:
        counts = dict(
            db.session.execute(
                sa.select(Vote.statement_id, sa.func.count())
                .where(Vote.statement_id.in_(candidates))
                .group_by(Vote.statement_id)
            ).all()
        )
        chosen = min(candidates, key=lambda sid: (counts.get(sid, 0), sid))
    return NextStatement(db.session.get(Statement, chosen), len(voted), len(votable))
