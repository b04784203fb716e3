"""The vote matrix and participant attributes: the analysis engine's input.

Votes are kept as coordinate triples rather than as a ``scipy.sparse`` matrix
because a pass is an explicit 0 that sparse matrices would silently drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

AGREE, DISAGREE, PASS = 1, -1, 0
# Stakeholder sector slugs, as ``consult.auth.models.Sector`` (not imported: no Flask here).
SECTORS = (
    "government",
    "intergovernmental",
    "industry",
    "academia",
    "civil_society",
    "citizen",
    "other",
)


@dataclass(frozen=True)
class VoteMatrix:
    """A participants x statements matrix of votes, missing where unseen.

    Shapes (n = number of votes, P = participants, S = statements):

    - ``participant_ids``: (P,) int64, the caller's ids, row order.
    - ``statement_ids``: (S,) int64, the caller's ids, column order.
    - ``rows``: (n,) int32 row index of each vote, ``cols``: (n,) int32 column index.
    - ``values``: (n,) int8 in {+1 agree, -1 disagree, 0 pass}.

    At most one vote per (row, col); :meth:`from_triples` keeps the last one given.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        return len(self.values)

    @classmethod
    def from_triples(
        cls,
        participant: np.ndarray,
        statement: np.ndarray,
        value: np.ndarray,
        participant_ids: np.ndarray | None = None,
        statement_ids: np.ndarray | None = None,
    ) -> VoteMatrix:
        """Build from parallel arrays of (participant id, statement id, value).

        Ids may be any integers; rows and columns are assigned in sorted id order
        unless ``participant_ids`` / ``statement_ids`` fix the order (and may
        include ids with no votes). Later triples replace earlier ones for the
        same (participant, statement), so a chronological vote log gives the
        latest vote.
        """
        participant = np.asarray(participant, dtype=np.int64)
        statement = np.asarray(statement, dtype=np.int64)
        value = np.asarray(value)
        if not (len(participant) == len(statement) == len(value)):
            raise ValueError("participant, statement and value must have the same length")
        if len(value) and not np.isin(value, (AGREE, DISAGREE, PASS)).all():
            raise ValueError("vote values must be +1, -1 or 0")
        p_ids = (
            np.unique(participant)
            if participant_ids is None
            else np.asarray(participant_ids, np.int64)
        )
        s_ids = (
            np.unique(statement) if statement_ids is None else np.asarray(statement_ids, np.int64)
        )
        rows = _index_of(p_ids, participant, "participant")
        cols = _index_of(s_ids, statement, "statement")
        # Keep the last triple for each cell: stable sort by cell, take each run's end.
        cell = rows.astype(np.int64) * max(len(s_ids), 1) + cols
        order = np.argsort(cell, kind="stable")
        cell_sorted = cell[order]
        last = np.ones(len(order), dtype=bool)
        if len(order):
            last[:-1] = cell_sorted[1:] != cell_sorted[:-1]
        keep = order[last]
        return cls(
            participant_ids=p_ids,
            statement_ids=s_ids,
            rows=rows[keep].astype(np.int32),
            cols=cols[keep].astype(np.int32),
            values=value[keep].astype(np.int8),
        )

    def to_csr(self, dtype=np.float64) -> sp.csr_matrix:
        """Values as a CSR matrix. Passes become stored zeros; use :meth:`seen_csr` for presence."""
        return sp.csr_matrix((self.values.astype(dtype), (self.rows, self.cols)), shape=self.shape)

    def seen_csr(self) -> sp.csr_matrix:
        """A 0/1 CSR matrix: 1 where the participant voted (pass included)."""
        return sp.csr_matrix(
            (np.ones(self.n_votes, dtype=np.float64), (self.rows, self.cols)), shape=self.shape
        )


def _index_of(ids: np.ndarray, query: np.ndarray, what: str) -> np.ndarray:
    order = np.argsort(ids, kind="stable")
    pos = np.searchsorted(ids, query, sorter=order)
    pos = np.clip(pos, 0, max(len(ids) - 1, 0))
    found = order[pos] if len(ids) else pos
    if len(query) and (len(ids) == 0 or not np.array_equal(ids[found], query)):
        raise ValueError(f"a vote names a {what} id that is not in {what}_ids")
    return found


@dataclass(frozen=True)
class ParticipantAttributes:
    """Who the participants are, aligned with ``VoteMatrix.participant_ids``.

    Each array has shape (P,) and dtype object (str) with ``None`` where unknown;
    ``verified`` is bool. Sectors use the slugs of ``consult`` (government,
    intergovernmental, industry, academia, civil_society, citizen, other);
    regions and income groups use World Bank names.
    """

    sector: np.ndarray
    region: np.ndarray
    income_group: np.ndarray
    verified: np.ndarray = field(default=None)  # type: ignore[assignment]

    @classmethod
    def unknown(cls, n: int) -> ParticipantAttributes:
        empty = np.full(n, None, dtype=object)
        return cls(empty, empty.copy(), empty.copy(), np.zeros(n, dtype=bool))


@dataclass(frozen=True)
class StatementFlags:
    """Moderation flags aligned with ``VoteMatrix.statement_ids``, each (S,) bool.

    ``moderated_out`` (rejected) and ``meta`` statements are zeroed for the
    analysis (polis-math section 1) but keep their columns.
    """

    moderated_out: np.ndarray
    meta: np.ndarray

    @classmethod
    def none(cls, n: int) -> StatementFlags:
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))

    @property
    def excluded(self) -> np.ndarray:
        return self.moderated_out | self.meta


def latest_votes(
    participant: np.ndarray,
    statement: np.ndarray,
    value: np.ndarray,
    statement_ids: np.ndarray | None = None,
) -> VoteMatrix:
    """The same matrix as :meth:`VoteMatrix.from_triples` (participants in sorted id
    order, the last triple per cell wins), built for millions of votes.

    Ids map to indices through a lookup table when they are small non-negative integers
    (Polis numbers participants and statements from 0), and the last-vote-per-cell pass
    sorts packed ``cell * n + position`` keys (a plain sort of unique int64 keys is
    several times faster than a stable argsort). ``statement_ids`` must be sorted,
    unique and include every voted statement; values must already be -1, 0 or 1.
    """
    participant = np.asarray(participant, dtype=np.int64)
    statement = np.asarray(statement, dtype=np.int64)
    value = np.asarray(value, dtype=np.int8)
    p_ids = unique_ids(participant)
    s_ids = unique_ids(statement) if statement_ids is None else np.asarray(statement_ids, np.int64)
    rows = _positions(p_ids, participant)
    cols = _positions(s_ids, statement)
    n, width = len(value), max(len(s_ids), 1)
    cell = rows * width + cols
    if n == 0 or bool(np.all(cell[1:] > cell[:-1])):
        # Already in cell order with no repeats (a participants-votes matrix sorted by
        # participant, as Polis writes it): nothing to sort or drop.
        return VoteMatrix(p_ids, s_ids, rows.astype(np.int32), cols.astype(np.int32), value)
    if int(cell.max()) < (2**62) // n:
        key = np.sort(cell * n + np.arange(n, dtype=np.int64))
        order, cell_sorted = key % n, key // n
    else:  # packed keys would overflow int64: the general stable sort
        order = np.argsort(cell, kind="stable")
        cell_sorted = cell[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = cell_sorted[1:] != cell_sorted[:-1]
    # Row and column come back from the sorted cells in order; only the values need
    # a (random-access) gather.
    kept_rows, kept_cols = np.divmod(cell_sorted[last], width)
    return VoteMatrix(
        participant_ids=p_ids,
        statement_ids=s_ids,
        rows=kept_rows.astype(np.int32),
        cols=kept_cols.astype(np.int32),
        values=value[order[last]],
    )


def _small_ids(ids: np.ndarray, n: int) -> bool:
    # A lookup table of at most ~4 entries per id (plus 1M) stays small next to the votes.
    return len(ids) > 0 and int(ids.min()) >= 0 and int(ids.max()) < 4 * n + (1 << 20)


def unique_ids(ids: np.ndarray) -> np.ndarray:
    """Sorted unique ids (``np.unique``, in O(n) for small non-negative ids)."""
    if _small_ids(ids, len(ids)):
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True
        return np.flatnonzero(present).astype(np.int64)
    return np.unique(ids)


def _positions(ids: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index in ``ids`` (sorted, unique) of each query id, which must be present."""
    if _small_ids(ids, len(query)):
        lookup = np.zeros(int(ids.max()) + 1, dtype=np.int64)
        lookup[ids] = np.arange(len(ids))
        return lookup[query]
    return np.searchsorted(ids, query).astype(np.int64)
