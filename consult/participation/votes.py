"""Recording votes and counting them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consult.consultations.models import Consultation, Participant
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import Clause, DraftVersion
from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.extensions import db
from consult.jobs import request_analysis
from consult.participation.models import ModerationState, Statement, StatementKind, Vote, VoteEvent
from consult.participation.participants import Actor, participant_for

VOTE_CHOICES = {"agree": 1, "disagree": -1, "pass": 0}
VALUE_NAMES = {value: name for name, value in VOTE_CHOICES.items()}


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed

    def share(self, count: int) -> int:
        """Whole-number percentage of all votes, for display."""
        return round(100 * count / self.total) if self.total else 0


def parse_choice(choice: str | None) -> int | None:
    """``agree``/``disagree``/``pass`` to +1/-1/0, ``withdraw`` to None; anything else refused."""
    if choice == "withdraw":
        return None
    if choice not in VOTE_CHOICES:
        raise DomainError(_("Choose agree, disagree or pass."))
    return VOTE_CHOICES[choice]


def ensure_open(consultation: Consultation) -> None:
    if not consultation.accepts_input():
        raise Forbidden(_("This consultation is not open for contributions at the moment."))


def votable_statement(consultation: Consultation, statement_id: int) -> Statement:
    """A statement of this consultation that may be voted on now, or a clear refusal."""
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.consultation_id != consultation.id:
        raise NotFound(_("There is no such statement in this consultation."))
    if statement.moderation_state is not ModerationState.APPROVED:
        raise Conflict(_("This statement is not open for voting."))
    if statement.kind is StatementKind.CLAUSE and not is_current_clause(consultation, statement):
        raise Conflict(_("This clause has changed since. Please vote on its current text."))
    return statement


def is_current_clause(consultation: Consultation, statement: Statement) -> bool:
    """Whether the statement is a clause of the latest published version (one query)."""
    latest = (
        sa.select(DraftVersion.id)
        .where(
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
        )
        .order_by(DraftVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    found = db.session.scalar(
        sa.select(Clause.id)
        .where(Clause.version_id == latest, Clause.statement_id == statement.id)
        .limit(1)
    )
    return found is not None


def record_vote(
    consultation: Consultation, statement_id: int, actor: Actor, value: int | None
) -> int | None:
    """Record (or with ``value=None`` withdraw) the actor's vote; return the vote now held.

    One atomic upsert: a repeated identical vote writes nothing, a changed one updates the
    row and appends to the vote event log in the same transaction, so an acknowledged vote
    is never lost and concurrent voters never block each other for long.
    """
    with write_transaction():
        ensure_open(consultation)
        statement = votable_statement(consultation, statement_id)
        participant = participant_for(consultation, actor)
        changed = _upsert(consultation.id, participant.id, statement.id, value)
        if changed:
            db.session.execute(
                sa.insert(VoteEvent).values(
                    consultation_id=consultation.id,
                    participant_id=participant.id,
                    statement_id=statement.id,
                    value=value,
                    created_at=utcnow(),
                )
            )
    request_analysis(consultation.id)
    return value


def _upsert(
    consultation_id: int, participant_id: int, statement_id: int, value: int | None
) -> bool:
    """Write the vote; True if anything changed."""
    if value is None:
        deleted = db.session.execute(
            sa.delete(Vote)
            .where(Vote.participant_id == participant_id, Vote.statement_id == statement_id)
            .returning(Vote.id)
        ).first()
        return deleted is not None
    now = utcnow()
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(Vote).values(
        consultation_id=consultation_id,
        participant_id=participant_id,
        statement_id=statement_id,
        value=value,
        created_at=now,
        updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Vote.participant_id, Vote.statement_id],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        where=Vote.value != statement.excluded.value,
    ).returning(Vote.id)
    return db.session.execute(statement).first() is not None


def tallies(statement_ids: list[int]) -> dict[int, Tally]:
    """Agree / disagree / pass counts for each statement, in one query."""
    if not statement_ids:
        return {}
    rows = db.session.execute(
        sa.select(Vote.statement_id, Vote.value, sa.func.count())
        .where(Vote.statement_id.in_(statement_ids))
        .group_by(Vote.statement_id, Vote.value)
    ).all()
    counts: dict[int, dict[int, int]] = {sid: {} for sid in statement_ids}
    for statement_id, value, count in rows:
        counts[statement_id][value] = count
    return {
        sid: Tally(agree=c.get(1, 0), disagree=c.get(-1, 0), passed=c.get(0, 0))
        for sid, c in counts.items()
    }


def votes_of(
    participant: Participant | None, statement_ids: list[int] | None = None
) -> dict[int, int]:
    """The participant's current votes, ``{statement_id: value}``."""
    if participant is None:
        return {}
    query = sa.select(Vote.statement_id, Vote.value).where(Vote.participant_id == participant.id)
    if statement_ids is not None:
        query = query.where(Vote.statement_id.in_(statement_ids))
    return dict(db.session.execute(query).all())
