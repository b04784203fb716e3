"""A consultation's votes, flags and participant attributes as the analysis engine's arrays.

Votes never become ORM objects: one query on the indexed ``vote.consultation_id`` is
read through the raw DBAPI cursor in large batches straight into preallocated arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa

from consult import geo
from consult.auth.models import StakeholderProfile, Verification
from consult.consultations.models import Participant
from consult.extensions import db
from consult.participation.models import ModerationState, Statement, Vote, VoteEvent

if TYPE_CHECKING:  # the engine is imported where arrays are built: pages need not load it
    from consult.analysis import ParticipantAttributes, StatementFlags, VoteMatrix

BATCH = 65_536


@dataclass(frozen=True)
class AnalysisInput:
    """Everything one run reads, and the newest vote event it is known to include."""

    votes: VoteMatrix
    flags: StatementFlags
    attributes: ParticipantAttributes
    last_vote_event_id: int | None


def last_vote_event_id(consultation_id: int) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(VoteEvent.id)).where(VoteEvent.consultation_id == consultation_id)
    )


def read_vote_arrays(consultation_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant id, statement id, value) arrays of the consultation's current votes.

    Each vote comes back packed in one 64-bit integer (participant id in the high 32 bits,
    statement id and value below), so the driver builds one Python int per vote instead of
    a 3-tuple; batches go straight into a preallocated array.
    """
    n = db.session.scalar(
        sa.select(sa.func.count()).select_from(Vote).where(Vote.consultation_id == consultation_id)
    )
    packed = np.empty(n, dtype=np.int64)
    query = sa.select(
        Vote.participant_id * sa.literal(1 << 32, sa.BigInteger)
        + Vote.statement_id * 4
        + (Vote.value + 1)
    ).where(Vote.consultation_id == consultation_id)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    raw = db.session.connection().connection.dbapi_connection
    cursor = raw.cursor()
    try:
        cursor.execute(str(compiled))
        filled = 0
        while rows := cursor.fetchmany(BATCH):
            need = filled + len(rows)
            if need > len(packed):  # a vote arrived between the count and the read
                packed = np.resize(packed, need)
            packed[filled:need] = np.fromiter(
                chain.from_iterable(rows), dtype=np.int64, count=len(rows)
            )
            filled = need
    finally:
        cursor.close()
    packed = packed[:filled]
    participant = packed >> 32
    statement = (packed & 0xFFFFFFFF) >> 2
    value = ((packed & 3) - 1).astype(np.int8)
    return participant, statement, value


def statement_table(consultation_id: int) -> tuple[np.ndarray, StatementFlags]:
    """Every statement of the consultation (sorted ids) and its moderation flags."""
    from consult.analysis import StatementFlags

    rows = db.session.execute(
        sa.select(Statement.id, Statement.moderation_state)
        .where(Statement.consultation_id == consultation_id)
        .order_by(Statement.id)
    ).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    states = [r[1] for r in rows]
    flags = StatementFlags(
        moderated_out=np.array([s is ModerationState.REJECTED for s in states], dtype=bool),
        meta=np.array([s is ModerationState.META for s in states], dtype=bool),
    )
    return ids, flags


def participant_attributes(consultation_id: int, participant_ids: np.ndarray):
    """Sector, region, income group and verification aligned with ``participant_ids``."""
    from consult.analysis import ParticipantAttributes

    rows = db.session.execute(
        sa.select(
            Participant.id,
            StakeholderProfile.sector,
            StakeholderProfile.country,
            StakeholderProfile.verification,
        )
        .select_from(Participant)
        .outerjoin(StakeholderProfile, StakeholderProfile.user_id == Participant.user_id)
        .where(Participant.consultation_id == consultation_id)
    ).all()
    known = {
        pid: (
            sector.value if sector else None,
            geo.region_of(country) if country else None,
            geo.income_group_of(country) if country else None,
            verification is Verification.VERIFIED,
        )
        for pid, sector, country, verification in rows
    }
    blank = (None, None, None, False)
    cells = [known.get(pid, blank) for pid in participant_ids.tolist()]
    n = len(cells)

    def column(i, dtype=object):
        out = np.empty(n, dtype=dtype)
        out[:] = [c[i] for c in cells]
        return out

    return ParticipantAttributes(column(0), column(1), column(2), column(3, bool))


def participant_numbers(consultation_id: int) -> np.ndarray:
    """All participant ids of the consultation, sorted: an id's index is its public number."""
    ids = db.session.scalars(
        sa.select(Participant.id)
        .where(Participant.consultation_id == consultation_id)
        .order_by(Participant.id)
    ).all()
    return np.array(ids, dtype=np.int64)


def read_input(consultation_id: int) -> AnalysisInput:
    """The high-water mark first, then the votes, in one snapshot of the database.

    Statements are read after the votes, so every voted statement is among them (a vote
    on a statement deleted meanwhile is dropped).
    """
    if db.engine.dialect.name == "postgresql":
        # One snapshot of the database for every read below, so the votes are exactly
        # those up to the mark (SQLite's read transactions already are snapshots).
        db.session.rollback()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    mark = last_vote_event_id(consultation_id)
    participant, statement, value = read_vote_arrays(consultation_id)
    statement_ids, flags = statement_table(consultation_id)
    known = np.isin(statement, statement_ids)
    if not known.all():
        participant, statement, value = participant[known], statement[known], value[known]
    votes = _matrix(participant, statement, value, statement_ids)
    attributes = participant_attributes(consultation_id, votes.participant_ids)
    return AnalysisInput(votes, flags, attributes, mark)


def _matrix(participant, statement, value, statement_ids: np.ndarray) -> VoteMatrix:
    """The vote table holds one row per (participant, statement), so the matrix is built
    directly, without :meth:`VoteMatrix.from_triples`'s de-duplicating sort."""
    from consult.analysis import VoteMatrix

    participant_ids, rows = np.unique(participant, return_inverse=True)
    cols = np.searchsorted(statement_ids, statement)
    # Cell order, as from_triples gives: results do not depend on the order rows come back.
    order = np.argsort(rows.astype(np.int64) * max(len(statement_ids), 1) + cols)
    return VoteMatrix(
        participant_ids=participant_ids.astype(np.int64),
        statement_ids=statement_ids,
        rows=rows[order].astype(np.int32),
        cols=cols[order].astype(np.int32),
        values=value[order].astype(np.int8),
    )
