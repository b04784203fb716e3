"""Agreement per statement within segments of participants, with an interval.

A *segment family* partitions participants: ``overall`` (everybody), ``group`` (opinion
groups; unclustered participants are in no group), ``sector``, ``region`` and
``income_group`` (participants whose attribute is unknown are in no segment of that
family, but still count in ``overall``).

Agreement rate = agrees / votes, where votes include passes. A pass is an explicit "I
do not endorse this", so a statement most people pass on has not earned agreement; this
also matches Polis's pa = (A + 1) / (S + 2), whose S counts passes.

The interval is the 90 % equal-tailed Jeffreys interval: quantiles 0.05 and 0.95 of
Beta(A + 0.5, N - A + 0.5), with the usual boundary fix (lower = 0 when A = 0, upper = 1
when A = N; Brown, Cai and DasGupta 2001), which keeps its coverage near nominal for
small N where Wald fails. With participant weights, A and N are weighted sums and the
interval uses Kish's effective sample size n_eff = (sum w)^2 / sum w^2 in place of N,
so that a few heavily weighted voters do not look like many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import betainc, betaincinv

from .consensus import MIN_VOTERS
from .matrix import ParticipantAttributes, VoteMatrix

LEVEL = 0.90
FAMILIES = ("overall", "group", "sector", "region", "income_group")


def jeffreys_interval(agree, n, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed Jeffreys interval for a binomial proportion, elementwise.

    ``agree`` and ``n`` may be fractional (weighted or effective counts). Where ``n``
    is 0 the interval is [0, 1].
    """
    agree = np.asarray(agree, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    tail = (1.0 - level) / 2.0
    a, b = agree + 0.5, np.maximum(n - agree, 0.0) + 0.5
    lower = np.where(agree <= 0, 0.0, betaincinv(a, b, tail))
    upper = np.where(agree >= n, 1.0, betaincinv(a, b, 1.0 - tail))
    return lower, upper


@dataclass(frozen=True)
class Segmentation:
    """One segment family: ``codes`` (P,) int64, -1 = in no segment; ``values`` (K,)."""

    family: str
    codes: np.ndarray
    values: tuple


def attribute_segmentation(
    family: str, values: np.ndarray, unknown_segment: bool = False
) -> Segmentation:
    """Codes for an object array of labels (``None`` = unknown), values in sorted order.

    With ``unknown_segment`` the unknown participants form a last segment ``None``
    (used by weighting); otherwise they are in no segment (code -1).
    """
    values = np.asarray(values, dtype=object)
    mapping: dict = {}
    # One pass through a dict: np.unique cannot sort None among strings.
    raw = np.fromiter(
        (-1 if v is None else mapping.setdefault(v, len(mapping)) for v in values),
        dtype=np.int64,
        count=len(values),
    )
    ordered = sorted(mapping, key=str)
    remap = np.empty(len(ordered) + 1, dtype=np.int64)
    remap[[mapping[v] for v in ordered]] = np.arange(len(ordered))
    remap[-1] = len(ordered) if unknown_segment else -1
    codes = remap[raw]  # raw == -1 picks the last entry of remap
    labels = tuple(ordered) + ((None,) if unknown_segment else ())
    return Segmentation(family, codes, labels)


def group_segmentation(group_labels: np.ndarray) -> Segmentation:
    """Opinion groups as a segment family; labels < 0 (not clustered) are in no group."""
    labels = np.asarray(group_labels, dtype=np.int64)
    groups = np.unique(labels[labels >= 0])
    codes = np.full(len(labels), -1, dtype=np.int64)
    inside = labels >= 0
    codes[inside] = np.searchsorted(groups, labels[inside])
    return Segmentation("group", codes, tuple(int(g) for g in groups))


def segmentations(
    attributes: ParticipantAttributes, group_labels: np.ndarray
) -> tuple[Segmentation, ...]:
    """All families of :data:`FAMILIES`, in that order."""
    n = len(group_labels)
    return (
        Segmentation("overall", np.zeros(n, dtype=np.int64), ("all",)),
        group_segmentation(group_labels),
        attribute_segmentation("sector", attributes.sector),
        attribute_segmentation("region", attributes.region),
        attribute_segmentation("income_group", attributes.income_group),
    )


class SegmentCounter:
    """Tallies of every segment family, for any per-participant weights, in one pass.

    Participants are coded by their combination of segments (one per family), and a
    sparse (cells x P) matrix maps them to (combination, statement, vote value) cells:
    tallies under weights w are one matrix-vector product, O(votes), and each family's
    (K, S, 3) table is a small sum over combinations. The same matrix serves the plain
    and the weighted tables and every bootstrap resample (whose weights are the number
    of times each participant was drawn). No participants x statements array is built.
    """

    def __init__(self, votes: VoteMatrix, families: tuple[Segmentation, ...]):
        n_participants, self.n_statements = votes.shape
        self.families = families
        # Mixed-radix code of each participant's combination, then compacted to 0..C-1.
        combo = np.zeros(n_participants, dtype=np.int64)
        for family in families:
            combo = combo * (len(family.values) + 1) + (family.codes + 1)
        present, combo = np.unique(combo, return_inverse=True)
        self.n_combos = len(present)
        key = combo.ravel()[votes.rows] * (self.n_statements * 3)
        key += votes.cols.astype(np.int64) * 3 + votes.values + 1
        # COO -> CSR is a counting sort: O(votes), no comparison sort.
        self.cells = sp.csr_matrix(
            (np.ones(len(key)), (key, votes.rows)),
            shape=(self.n_combos * self.n_statements * 3, n_participants),
        )
        # Decode each combination back to its segment in every family: (K_f, C) 0/1 maps.
        self.maps = []
        for family in reversed(families):
            radix = len(family.values) + 1
            code = present % radix - 1
            present = present // radix
            inside = np.flatnonzero(code >= 0)
            self.maps.insert(
                0,
                sp.csr_matrix(
                    (np.ones(len(inside)), (code[inside], inside)),
                    shape=(len(family.values), self.n_combos),
                ),
            )

    def counts(self, weights: np.ndarray, which: tuple[int, ...] | None = None) -> list[np.ndarray]:
        """(K_f, S, 3) disagree / pass / agree tallies for each family (or those in ``which``)."""
        per_combo = self.cells @ np.asarray(weights, dtype=np.float64)
        per_combo = per_combo.reshape(self.n_combos, self.n_statements * 3)
        chosen = range(len(self.maps)) if which is None else which
        return [
            (self.maps[f] @ per_combo).reshape(self.maps[f].shape[0], self.n_statements, 3)
            for f in chosen
        ]


@dataclass(frozen=True)
class SegmentAgreement:
    """Agreement per segment of one family and per statement; K segments, S statements.

    - ``segments``: (K,) segment values (group id, sector slug, region name, ...).
    - ``agree``, ``disagree``, ``passes``: (K, S) float64 counts (weighted sums if
      ``weighted``; whole numbers otherwise).
    - ``voters``: (K, S) int64 raw number of voters (pass included).
    - ``effective_n``: (K, S) Kish effective sample size (= ``voters`` unweighted).
    - ``rate``: (K, S) agree / votes, NaN where nobody voted.
    - ``lower``, ``upper``: (K, S) the 90 % Jeffreys interval.
    - ``sufficient``: (K, S) bool, ``voters >= min_voters``; the rest is "insufficient data".
    """

    family: str
    segments: tuple
    agree: np.ndarray
    disagree: np.ndarray
    passes: np.ndarray
    voters: np.ndarray
    effective_n: np.ndarray
    rate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sufficient: np.ndarray
    weighted: bool = False


def segment_agreement(
    segmentation: Segmentation,
    raw: np.ndarray,
    min_voters: int = MIN_VOTERS,
    weighted: np.ndarray | None = None,
    squares: np.ndarray | None = None,
) -> SegmentAgreement:
    """Agreement table of one family from its (K, S, 3) tallies.

    ``raw`` are the unweighted tallies; with weights, ``weighted`` are the weighted
    tallies and ``squares`` the tallies under squared weights (for Kish's n_eff).
    """
    voters = np.rint(raw.sum(axis=2)).astype(np.int64)
    if weighted is None:
        counts, effective_n = raw, voters.astype(np.float64)
    else:
        counts, sum_w2 = weighted, squares.sum(axis=2)
        total = counts.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            effective_n = np.where(sum_w2 > 0, total * total / sum_w2, 0.0)
    total = counts.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(total > 0, counts[..., 2] / total, np.nan)
    lower, upper = jeffreys_interval(np.nan_to_num(rate) * effective_n, effective_n)
    return SegmentAgreement(
        family=segmentation.family,
        segments=segmentation.values,
        agree=counts[..., 2],
        disagree=counts[..., 0],
        passes=counts[..., 1],
        voters=voters,
        effective_n=effective_n,
        rate=rate,
        lower=lower,
        upper=upper,
        sufficient=voters >= min_voters,
        weighted=weighted is not None,
    )


@dataclass(frozen=True)
class AgreementTables:
    """One :class:`SegmentAgreement` per family of :data:`FAMILIES`, in that order."""

    tables: tuple[SegmentAgreement, ...]
    min_voters: int

    def family(self, name: str) -> SegmentAgreement:
        for table in self.tables:
            if table.family == name:
                return table
        raise KeyError(name)

    def to_json(self) -> dict:
        """Per family: segment values and (K, S) arrays as nested lists (NaN -> None)."""
        fields = ("agree", "disagree", "passes", "voters", "effective_n", "rate", "lower", "upper")
        return {
            t.family: {
                "segments": [plain_value(v) for v in t.segments],
                **{name: plain_list(getattr(t, name)) for name in (*fields, "sufficient")},
            }
            for t in self.tables
        }


def agreement_tables(
    votes: VoteMatrix,
    attributes: ParticipantAttributes,
    group_labels: np.ndarray,
    min_voters: int = MIN_VOTERS,
    weights: np.ndarray | None = None,
    counter: SegmentCounter | None = None,
) -> AgreementTables:
    """Agreement of every statement overall and in every segment of every family.

    ``weights`` (P,) are optional participant weights; ``counter`` a prebuilt
    :class:`SegmentCounter` over :func:`segmentations` (built here if None).
    """
    if counter is None:
        counter = SegmentCounter(votes, segmentations(attributes, group_labels))
    raw = counter.counts(np.ones(votes.shape[0]))
    if weights is None:
        weighted = squares = [None] * len(raw)
    else:
        w = np.asarray(weights, dtype=np.float64)
        weighted, squares = counter.counts(w), counter.counts(w * w)
    tables = tuple(
        segment_agreement(family, r, min_voters, wt, sq)
        for family, r, wt, sq in zip(counter.families, raw, weighted, squares, strict=True)
    )
    return AgreementTables(tables, min_voters)


def lower_bound_clears(agree, n, threshold: float, level: float = LEVEL) -> np.ndarray:
    """Elementwise ``jeffreys_interval(agree, n)[0] >= threshold``, computed faster.

    The lower bound is the (1 - level) / 2 quantile, so it clears ``threshold`` exactly
    when the Beta CDF at ``threshold`` is at most that tail: one ``betainc`` instead of
    a ``betaincinv`` (about 3x cheaper), which matters inside the bootstrap.
    """
    agree = np.asarray(agree, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    tail = (1.0 - level) / 2.0
    cdf = betainc(agree + 0.5, np.maximum(n - agree, 0.0) + 0.5, threshold)
    return (agree > 0) & (cdf <= tail)


def plain_list(array) -> list:
    """A list of plain Python values; NaN -> None."""
    array = np.asarray(array)
    if array.dtype.kind == "f":
        return np.where(np.isnan(array), None, array).tolist()
    if array.dtype.kind == "O":
        return [v.item() if isinstance(v, np.generic) else v for v in array.tolist()]
    return array.tolist()


def plain_value(v):
    """A numpy scalar as a plain Python value."""
    return v.item() if isinstance(v, np.generic) else v
