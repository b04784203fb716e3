"""Recording votes and counting them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consult.consultations.models import Consultation, Participant
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import Clause, DraftVersion
from consult.drafts.translations import shown_language
from consult.errors import Conflict, DomainError, Forbidden, NotFound
from consult.extensions import db
from consult.i18n import current_language
from consult.jobs import request_analysis
from consult.participation.models import ModerationState, Statement, StatementKind, Vote, VoteEvent
from consult.participation.participants import Actor, participant_id_for
from consult.participation.vote_counts import StatementVoteCount
from consult.percentages import rounded_shares

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

    @property
    def shares(self) -> tuple[int, int, int]:
        """Agree, disagree, pass as whole percentages that add up to 100 (or all 0)."""
        agree, disagree, passed = rounded_shares([self.agree, self.disagree, self.passed])
        return agree, disagree, passed

    def share(self, count: int) -> int:
        """The whole-number percentage shown for ``count`` (one of this tally's counts),
        as in :attr:`shares`, so figures shown apart agree with those shown together."""
        counts = (self.agree, self.disagree, self.passed)
        if count in counts:
            return self.shares[counts.index(count)]
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


# The vote request is the busiest path of the site: its statements use the Core tables
# (no ORM objects, no unit of work) and are built once with bind parameters, so
# SQLAlchemy reuses their compiled form.
_vote = Vote.__table__
_event = VoteEvent.__table__
_statement = Statement.__table__
_clause = Clause.__table__
_version = DraftVersion.__table__
_LATEST_VERSION = (
    sa.select(_version.c.id)
    .where(
        _version.c.consultation_id == sa.bindparam("consultation_id"),
        _version.c.published_at.is_not(None),
    )
    .order_by(_version.c.number.desc())
    .limit(1)
    .scalar_subquery()
)
# The clause's texts come along (null when the statement is no clause of the current
# version), so the language it was read in is known without another query.
_VOTABLE = sa.select(
    _statement.c.consultation_id,
    _statement.c.kind,
    _statement.c.moderation_state,
    _statement.c.language,
    sa.select(_clause.c.text)
    .where(_clause.c.version_id == _LATEST_VERSION, _clause.c.statement_id == _statement.c.id)
    .limit(1)
    .scalar_subquery(),
).where(_statement.c.id == sa.bindparam("statement_id"))
_EVENT = sa.insert(_event)
_WITHDRAW = (
    sa.delete(_vote)
    .where(
        _vote.c.participant_id == sa.bindparam("participant_id"),
        _vote.c.statement_id == sa.bindparam("statement_id"),
    )
    .returning(_vote.c.id)
)
_count = StatementVoteCount.__table__
# The counts the vote triggers keep (migration 0014): one primary-key read per statement,
# however many votes it has, instead of counting its vote rows.
_TALLIES = sa.select(
    _count.c.statement_id, _count.c.agree, _count.c.disagree, _count.c.passed
).where(_count.c.statement_id.in_(sa.bindparam("ids", expanding=True)))
_MY_VOTES = sa.select(_vote.c.statement_id, _vote.c.value).where(
    _vote.c.participant_id == sa.bindparam("participant_id"),
    _vote.c.statement_id.in_(sa.bindparam("ids", expanding=True)),
)


@functools.cache
def _upsert_statement(dialect: str):
    """INSERT ... ON CONFLICT DO UPDATE that writes only a changed value, returning a row
    only when something changed (PostgreSQL and SQLite share the syntax)."""
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(_vote)
    return insert.on_conflict_do_update(
        index_elements=[_vote.c.participant_id, _vote.c.statement_id],
        set_={
            "value": insert.excluded.value,
            "language": insert.excluded.language,
            "updated_at": insert.excluded.updated_at,
        },
        where=_vote.c.value != insert.excluded.value,
    ).returning(_vote.c.id)


class ClauseChanged(Conflict):
    """A vote on a clause wording that a later version replaced (or removed)."""


@dataclass(frozen=True)
class Votable:
    """A statement open for voting, and what says which language it is read in."""

    id: int
    kind: StatementKind
    language: str | None  # a participant statement's own language
    clause_texts: dict[str, str] | None  # a clause's texts in the current version


def votable_statement(consultation: Consultation, statement_id: int) -> Votable:
    """Check the statement may be voted on now (one query); return it, or refuse clearly.

    It must belong to this consultation and be approved; a clause must be in the latest
    published version (an earlier wording can no longer be voted on).
    """
    row = db.session.execute(
        _VOTABLE, {"statement_id": statement_id, "consultation_id": consultation.id}
    ).first()
    if row is None or row.consultation_id != consultation.id:
        raise NotFound(_("There is no such statement in this consultation."))
    _consultation_id, kind, state, language, clause_texts = row
    if state is not ModerationState.APPROVED:
        raise Conflict(_("This statement is not open for voting."))
    if kind is StatementKind.CLAUSE and clause_texts is None:
        raise ClauseChanged(_("This clause has changed since. Please vote on its current text."))
    return Votable(statement_id, kind, language, clause_texts)


def read_in(consultation: Consultation, offered: str | None) -> str | None:
    """The language a voter says they read the statement in (the vote form's hidden
    ``read_in``), if it is one of the consultation's languages; anything else is ignored."""
    return offered if offered in (consultation.languages or []) else None


def reading_language(votable: Votable, offered: str | None, interface: str) -> str | None:
    """The language recorded with a vote: the one the voter says they read it in (already
    checked by :func:`read_in`), else for a clause the language its text was shown in to a
    reader of ``interface`` (as ``localized`` picks it), else the statement's own language,
    else the interface language."""
    if offered:
        return offered
    if votable.clause_texts is not None:
        return shown_language(votable.clause_texts, interface) or interface
    return votable.language or interface


def record_vote(
    consultation: Consultation,
    statement_id: int,
    actor: Actor,
    value: int | None,
    language: str | None = None,
) -> Tally:
    """Record (or with ``value=None`` withdraw) the actor's vote; return the statement's
    tally as it stands with this vote (read in the same transaction).

    ``language`` is the language the voter read the statement in, as the form said it
    (checked against the consultation's languages; otherwise worked out, see
    :func:`reading_language`). It is stored with the vote; the vote stays one per
    statement whatever the language.

    One atomic upsert: a repeated identical vote writes nothing, a changed one updates the
    row and appends to the vote event log in the same transaction, so an acknowledged vote
    is never lost and concurrent voters never block each other for long.
    """
    with write_transaction():
        ensure_open(consultation)
        votable = votable_statement(consultation, statement_id)
        participant_id = participant_id_for(consultation, actor)
        language = reading_language(votable, read_in(consultation, language), current_language())
        write_vote(consultation.id, participant_id, statement_id, value, language)
        tally = tallies([statement_id])[statement_id]
    request_analysis(consultation.id)
    return tally


def write_vote(
    consultation_id: int,
    participant_id: int,
    statement_id: int,
    value: int | None,
    language: str | None = None,
) -> bool:
    """Write a vote (``value`` None withdraws it) read in ``language``, and, if it changed
    anything, its event, inside the caller's write transaction; True if anything changed.
    Checks nothing. The same vote read again in another language changes nothing: the
    recorded language is the one the current vote was cast in."""
    row = {
        "consultation_id": consultation_id,
        "participant_id": participant_id,
        "statement_id": statement_id,
        "value": value,
        "language": language,
        "created_at": utcnow(),
    }
    if value is None:
        changed = db.session.execute(_WITHDRAW, row).first() is not None
    else:
        upsert = _upsert_statement(db.engine.dialect.name)
        changed = (
            db.session.execute(upsert, {**row, "updated_at": row["created_at"]}).first() is not None
        )
    if changed:
        db.session.execute(_EVENT, row)
    return changed


def tallies(statement_ids: list[int]) -> dict[int, Tally]:
    """Agree / disagree / pass counts for each statement, in one query (read from the
    per-statement counts the database keeps; a statement without votes counts 0)."""
    if not statement_ids:
        return {}
    rows = db.session.execute(_TALLIES, {"ids": statement_ids}).all()
    counts = {sid: Tally() for sid in statement_ids}
    for statement_id, agree, disagree, passed in rows:
        counts[statement_id] = Tally(agree=agree, disagree=disagree, passed=passed)
    return counts


def votes_of(
    participant: Participant | None, statement_ids: list[int] | None = None
) -> dict[int, int]:
    """The participant's current votes, ``{statement_id: value}``."""
    if participant is None:
        return {}
    if statement_ids is None:
        query = sa.select(_vote.c.statement_id, _vote.c.value).where(
            _vote.c.participant_id == participant.id
        )
        return dict(db.session.execute(query).all())
    return dict(
        db.session.execute(
            _MY_VOTES, {"participant_id": participant.id, "ids": statement_ids}
        ).all()
    )
