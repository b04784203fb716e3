"""Broad agreement, its holdouts, and the statements that cannot be judged.

Broad agreement: a statement qualifies when the lower bound of its 90 % agreement
interval is at least ``threshold`` in every *required* segment. The required families
are :data:`REQUIRED`: everybody together, every opinion group, every sector, every
region and every income group. Income groups are required on purpose: the consultation
exists to give developing countries a voice, so a statement that low-income countries'
participants reject is not broadly agreed, whatever the rest think.

The voter floor. A required segment is judged on a statement only with at least
``min_voters`` voters on it (passes count; the tables' ``sufficient`` flag). Which
segments are required is decided by the conversation, not by the statement: a segment
is required when any of its members voted in the conversation (on any statement), and
"overall" is always required. So a segment that takes part in the conversation but has
too few voters on this statement -- 4, or 0 -- makes the statement *not assessable*: it
is never broad agreement, and :attr:`BroadAgreement.thin` names each such segment with
its number of voters. Skipping the segment instead would let 60 academics who agree
outvote 4 industry participants who all disagree, and a segment that has not seen the
statement has not agreed to it. Segments nobody in the conversation belongs to (a sector
without voters) are not required. Participants whose attribute is unknown belong to no
segment of that family (they still count in "overall").

Holdouts: for every statement that is not broad agreement, each required segment *with
enough voters* whose lower bound is below the threshold. A statement can be both not
assessable and held out (a large group rejects it and a small sector is too thin to
judge); a statement held out by nobody but not assessable has no holdout entry.
Statements flagged ``excluded`` are never ranked, held out or listed as not assessable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .agreement import AgreementTables
from .group_measures import (
    Divisive,
    GroupInformedConsensus,
    divisive_statements,
    group_informed_consensus,
)

__all__ = [
    "REQUIRED",
    "BroadAgreement",
    "Divisive",
    "GroupInformedConsensus",
    "Holdouts",
    "RequiredSegments",
    "SegmentCells",
    "broad_agreement",
    "divisive_statements",
    "group_informed_consensus",
    "required_segments",
]

REQUIRED = ("overall", "group", "sector", "region", "income_group")


@dataclass(frozen=True)
class RequiredSegments:
    """The R segments of the required families, stacked; S statements.

    - ``family``, ``segment``: (R,) object; ``present``: (R,) bool, the segment is
      required (a member voted in the conversation; "overall" always).
    - ``voters``: (R, S) int64 raw voters; ``rate``, ``lower``, ``upper``: (R, S) the
      agreement and its 90 % interval (weighted if the tables are); ``sufficient``:
      (R, S) bool, at least ``min_voters`` voters.
    """

    family: np.ndarray
    segment: np.ndarray
    present: np.ndarray
    voters: np.ndarray
    rate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sufficient: np.ndarray


def required_segments(
    tables: AgreementTables, required: tuple[str, ...] = REQUIRED
) -> RequiredSegments:
    """Stack the required families' tables and decide which segments are present."""
    chosen = [t for t in tables.tables if t.family in required]
    family = np.array([t.family for t in chosen for _ in t.segments], dtype=object)
    segment = np.empty(len(family), dtype=object)
    segment[:] = [v for t in chosen for v in t.segments]
    n_statements = tables.tables[0].rate.shape[1]

    def stack(name, dtype=np.float64):
        arrays = [getattr(t, name) for t in chosen]
        if not arrays:
            return np.zeros((0, n_statements), dtype=dtype)
        return np.concatenate(arrays, axis=0).astype(dtype, copy=False)

    voters = stack("voters", np.int64)
    present = (voters.sum(axis=1) > 0) | (family == "overall")
    return RequiredSegments(
        family,
        segment,
        present,
        voters,
        stack("rate"),
        stack("lower"),
        stack("upper"),
        stack("sufficient", bool),
    )


@dataclass(frozen=True)
class SegmentCells:
    """H (statement, segment) pairs, each array (H,): ``statement`` a column index,
    ``family`` and ``segment`` object arrays, ``voters`` int64, and for holdouts the
    segment's ``lower`` bound and ``rate`` (NaN for cells that are too thin to judge).
    """

    statement: np.ndarray
    family: np.ndarray
    segment: np.ndarray
    lower: np.ndarray
    rate: np.ndarray
    voters: np.ndarray


Holdouts = SegmentCells  # the name the rest of the package and its readers know


@dataclass(frozen=True)
class BroadAgreement:
    """Broad agreement over S statements.

    - ``segments``: the required segments and their tables (:class:`RequiredSegments`).
    - ``min_lower_bound``: (S,) minimum interval lower bound over required segments
      with enough voters; NaN when excluded or when no such segment exists.
    - ``limiting_family`` / ``limiting_segment``: (S,) object, the segment attaining it.
    - ``assessable``: (S,) bool, not excluded and every required segment has enough voters.
    - ``qualifies``: (S,) bool, assessable and every lower bound >= ``threshold``.
    - ``ranking``: column indices of all rankable statements (not excluded, finite
      minimum), best first (minimum lower bound descending, ties by column).
    - ``ranked``: the qualifying part of ``ranking``, in the same order.
    - ``not_assessable``: column indices of the non-excluded, not assessable statements,
      in ranking order (those with no segment to rank last, by column); ``thin``: their
      segments with too few voters, in the same statement order, then family order.
    - ``insufficient``: column indices of non-excluded statements with fewer than
      ``min_voters`` voters overall (so no segment can be judged).
    - ``holdouts``: who holds out on the rest, statements in ranking order (nearest
      misses first), within one lowest bound first.
    """

    threshold: float
    segments: RequiredSegments
    min_lower_bound: np.ndarray
    limiting_family: np.ndarray
    limiting_segment: np.ndarray
    assessable: np.ndarray
    qualifies: np.ndarray
    ranking: np.ndarray
    ranked: np.ndarray
    not_assessable: np.ndarray
    thin: SegmentCells
    insufficient: np.ndarray
    holdouts: SegmentCells


def broad_agreement(
    tables: AgreementTables,
    excluded: np.ndarray,
    threshold: float = 0.6,
    required: tuple[str, ...] = REQUIRED,
) -> BroadAgreement:
    """Which statements are broadly agreed on, ranked; who holds out; what cannot be judged."""
    seg = required_segments(tables, required)
    excluded = np.asarray(excluded, dtype=bool)
    lower, sufficient = seg.lower, seg.sufficient
    n_statements = lower.shape[1]
    masked = np.where(sufficient, lower, np.inf)
    has_rows = len(seg.family) > 0
    limiting = np.argmin(masked, axis=0) if has_rows else np.zeros(n_statements, np.int64)
    has_data = sufficient.any(axis=0) & ~excluded
    min_lower = np.full(n_statements, np.nan)
    limiting_family = np.full(n_statements, None, dtype=object)
    limiting_segment = np.full(n_statements, None, dtype=object)
    if has_rows:
        min_lower[has_data] = masked[limiting[has_data], np.flatnonzero(has_data)]
        limiting_family[has_data] = seg.family[limiting[has_data]]
        limiting_segment[has_data] = seg.segment[limiting[has_data]]
    thin_cell = seg.present[:, None] & ~sufficient & ~excluded[None, :]
    assessable = ~excluded & ~thin_cell.any(axis=0)
    qualifies = assessable & has_data & (min_lower >= threshold)
    ranking = np.flatnonzero(has_data)
    ranking = ranking[np.lexsort((ranking, -min_lower[ranking]))]
    position = np.full(n_statements, n_statements, dtype=np.int64)
    position[ranking] = np.arange(len(ranking))
    not_assessable = np.flatnonzero(~excluded & ~assessable)
    not_assessable = not_assessable[np.lexsort((not_assessable, position[not_assessable]))]

    hold = sufficient & (lower < threshold) & (has_data & ~qualifies)[None, :]
    return BroadAgreement(
        threshold=threshold,
        segments=seg,
        min_lower_bound=min_lower,
        limiting_family=limiting_family,
        limiting_segment=limiting_segment,
        assessable=assessable,
        qualifies=qualifies,
        ranking=ranking,
        ranked=ranking[qualifies[ranking]],
        not_assessable=not_assessable,
        thin=_cells(seg, thin_cell, position, by_bound=False),
        insufficient=np.flatnonzero(~excluded & ~sufficient.any(axis=0)),
        holdouts=_cells(seg, hold, position, by_bound=True),
    )


def _cells(seg: RequiredSegments, mask: np.ndarray, position, by_bound: bool) -> SegmentCells:
    """The (statement, segment) pairs of ``mask``, statements in ``position`` order."""
    seg_idx, stmt = np.nonzero(mask)
    within = seg.lower[seg_idx, stmt] if by_bound else seg_idx
    order = np.lexsort((seg_idx, within, stmt, position[stmt]))
    seg_idx, stmt = seg_idx[order], stmt[order]
    thin = ~seg.sufficient[seg_idx, stmt]
    return SegmentCells(
        statement=stmt,
        family=seg.family[seg_idx],
        segment=seg.segment[seg_idx],
        lower=np.where(thin, np.nan, seg.lower[seg_idx, stmt]),
        rate=np.where(thin, np.nan, seg.rate[seg_idx, stmt]),
        voters=seg.voters[seg_idx, stmt].astype(np.int64),
    )
