"""Is there any opinion structure? A permutation test against a null made from the data.

The statistic is the best participant silhouette the grouping pipeline finds (PCA,
base clusters, group candidates that respect the minimum group size). Its distribution without
opinion structure depends on the conversation's size, sparsity and vote margins: PCA
of pure noise finds "axes" anyway, and on 30 participants the best of four groupings of
30 points has a high silhouette by chance. A fixed cut-off cannot know this; the null
made from the data does.

Null: within each statement, the observed votes are shuffled among the participants who
voted on it. This keeps every statement's votes (agree/disagree/pass counts) and every
participant's pattern of which statements they saw (so the same participants are
clustered and the sqrt(N / n_i) scaling is unchanged), and destroys only the association
between a participant's votes on different statements, which is what opinion groups are.
A participant's overall leaning to agree is not kept; it is a form of shared structure.

p = (1 + #{null >= observed}) / (1 + n_permutations), the one-sided Monte Carlo p-value
(Davison and Hinkley, 1997, eq. 4.11), valid at any n_permutations. "No structure" when
p > ``ALPHA``, the conventional 5% level; it is a convention, not fitted to any data.
With 19 shuffles this is the classical Monte Carlo test at 5% (Hope 1968; Besag and
Diggle 1977): structure is declared when the observed value beats all 19, which under
the null happens with probability exactly 1/20. So p = 0.05 is the smallest p-value
reported; more shuffles would refine it but not change the test's level, and would not
fit the cost budget.

Cost: each null value reruns the pipeline. Above ``MAX_TESTED`` clustered participants,
the observed statistic and the null are both computed on the same seeded subsample of
``MAX_TESTED`` clustered participants, so the test is a fixed cost (0.35-0.5 s of CPU at
33,000 x 783 / 1.8M votes on a busy 2-core machine) and stays valid: a subsample of a
conversation without structure has no structure, so the null is still the null of the
subsample's own statistic. Power is that of ``MAX_TESTED`` participants, which is
plenty for groups large enough to report.
The subsample and the shuffles are drawn in participant-id order, so the answer does not
depend on row order and repeats exactly for a fixed ``random_state``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .clustering import (
    MIN_GROUP_SHARE,
    base_clusters,
    best_silhouette,
    group_candidates,
    min_group_size,
    select_in_conv,
)
from .matrix import StatementFlags, VoteMatrix
from .pca import centred_csr

ALPHA = 0.05
# The smallest number for which p can reach ALPHA: p = 1/20 when nothing beats the data.
N_PERMUTATIONS = 19
MAX_TESTED = 600
RESTARTS = 10
# Polis's rule (the best silhouette): the 0.05 tolerance used before helped only on the
# conversation it was fitted to (leave-one-out, benchmarks/polis_validation.py) and cost
# three-group recovery on planted truth.
K_TOLERANCE = 0.0
# Subspace iteration for the test's PCA: 2 components plus 6 spare vectors, 6 rounds.
_SPARE, _ROUNDS = 6, 6
# k-means++ starts per k inside the test statistic (the analysis itself uses RESTARTS).
TEST_RESTARTS = 3


@dataclass(frozen=True)
class Rules:
    """How groups are chosen. ``Rules.polis()`` is Polis's rule to the letter.

    ``restarts``, ``k_tolerance``, ``k_by_participants``: see
    :mod:`consult.analysis.clustering` (:func:`~consult.analysis.clustering.choose_k`);
    ``min_group_share`` None: no minimum group size; ``alpha`` None: no structure test
    (k >= 2 whenever a grouping exists).
    """

    restarts: int = RESTARTS
    k_tolerance: float = K_TOLERANCE
    k_by_participants: bool = True
    min_group_share: float | None = MIN_GROUP_SHARE
    alpha: float | None = ALPHA
    n_permutations: int = N_PERMUTATIONS

    @classmethod
    def polis(cls) -> Rules:
        return cls(
            restarts=0,
            k_tolerance=0.0,
            k_by_participants=False,
            min_group_share=None,
            alpha=None,
        )

    def min_size(self, n_clustered: int) -> int:
        if self.min_group_share is None:
            return 0
        return min_group_size(n_clustered, self.min_group_share)


def _top_two(matrix, random_state: int) -> np.ndarray:
    """(2, S) leading right singular vectors by seeded subspace iteration (fixed cost)."""
    n_s = matrix.shape[1]
    width = min(2 + _SPARE, n_s)
    basis = np.random.default_rng([random_state, 2]).standard_normal((n_s, width))
    for _ in range(_ROUNDS):
        basis, _ = np.linalg.qr(matrix.T @ (matrix @ basis))
    _, _, vt = np.linalg.svd(matrix @ basis, full_matrices=False)
    components = np.zeros((2, n_s))
    top = (basis @ vt[:2].T).T
    components[: len(top)] = top
    return components


def grouping_statistic(
    votes: VoteMatrix, flags: StatementFlags, rules: Rules, random_state: int = 0
) -> float:
    """The test statistic: the best silhouette of the grouping pipeline on ``votes``.

    PCA and sqrt(N / n_i) projection (polis-math.md sections 2-3), in-conv set, base
    clusters, group candidates; the best silhouette among groupings whose every group
    has the minimum size, -inf if none. It is the analysis's own pipeline with two
    economies, so that 20 runs fit the cost budget: the two axes come from a fixed number
    of subspace-iteration rounds instead of ARPACK, whose run time grows when the top
    singular values are close, as they are on shuffled votes; and k-means keeps the best
    of ``TEST_RESTARTS`` seeded starts plus Polis's own. The test is valid for any fixed
    statistic, since the observed and null values are computed by this same function.
    """
    n_p, n_s = votes.shape
    excluded = flags.excluded
    matrix, _ = centred_csr(votes, excluded)
    components = _top_two(matrix, random_state)
    n_seen = np.bincount(votes.rows[~excluded[votes.cols]], minlength=n_p) + int(excluded.sum())
    projections = np.asarray(matrix @ components.T) * np.sqrt(n_s / np.maximum(n_seen, 1))[:, None]
    n_votes = np.bincount(votes.rows, minlength=n_p)
    members = np.flatnonzero(select_in_conv(n_votes, n_s, votes.participant_ids))
    if len(members) < 3:
        return -math.inf
    order = np.argsort(votes.participant_ids[members], kind="stable")
    base = base_clusters(projections[members], order)
    restarts = min(rules.restarts, TEST_RESTARTS)
    candidates = group_candidates(base, restarts=restarts, random_state=random_state)
    return best_silhouette(candidates, rules.min_size(len(members)))


@dataclass(frozen=True)
class StructureTest:
    """``observed`` best silhouette, ``null`` (n_permutations,) best silhouettes of the
    shuffled votes (-inf where no grouping qualified), ``p_value``, ``n_tested``
    participants the test ran on, and whether those were a subsample."""

    observed: float
    null: np.ndarray
    p_value: float
    n_tested: int
    subsampled: bool


def _rows_for_test(
    participant_ids: np.ndarray, in_conv: np.ndarray, max_tested: int, rng
) -> tuple[np.ndarray, bool]:
    """Rows (in participant-id order) the test runs on: all, or a seeded subsample."""
    if int(in_conv.sum()) <= max_tested:
        return np.argsort(participant_ids, kind="stable"), False
    clustered = np.flatnonzero(in_conv)
    clustered = clustered[np.argsort(participant_ids[clustered], kind="stable")]
    picked = np.sort(rng.choice(len(clustered), max_tested, replace=False))
    return clustered[picked], True


def _submatrix(votes: VoteMatrix, rows: np.ndarray) -> VoteMatrix:
    """The votes of ``rows``, in that order, sorted by (row, column) like from_triples."""
    remap = np.full(votes.shape[0], -1, dtype=np.int64)
    remap[rows] = np.arange(len(rows))
    new_rows = remap[votes.rows]
    keep = new_rows >= 0
    new_rows, cols, values = new_rows[keep], votes.cols[keep], votes.values[keep]
    order = np.lexsort((cols, new_rows))
    return VoteMatrix(
        participant_ids=votes.participant_ids[rows],
        statement_ids=votes.statement_ids,
        rows=new_rows[order].astype(np.int32),
        cols=cols[order],
        values=values[order],
    )


class _Shuffler:
    """Shuffles each statement's votes among the participants who cast one."""

    def __init__(self, votes: VoteMatrix):
        self.votes = votes
        # Column-major order of the votes: a canonical order to attach random keys to.
        self.by_column = np.lexsort((votes.rows, votes.cols))
        self.column = votes.cols[self.by_column].astype(np.float64)

    def draw(self, rng: np.random.Generator) -> VoteMatrix:
        v = self.votes
        # Integer column plus a key in [0, 1): sorting keeps columns apart, shuffles within.
        source = self.by_column[np.argsort(self.column + rng.random(len(self.column)))]
        values = np.empty_like(v.values)
        values[self.by_column] = v.values[source]
        return VoteMatrix(v.participant_ids, v.statement_ids, v.rows, v.cols, values)


def structure_test(
    votes: VoteMatrix,
    in_conv: np.ndarray,
    statistic: Callable[[VoteMatrix], float],
    random_state: int = 0,
    n_permutations: int = N_PERMUTATIONS,
    max_tested: int = MAX_TESTED,
) -> StructureTest:
    """Permutation test of "no opinion structure" (see the module docstring).

    ``statistic`` maps a vote matrix to the pipeline's best silhouette (-inf when no
    grouping qualifies); ``in_conv`` (P,) marks the clustered participants, from whom a
    subsample is drawn when there are more than ``max_tested``.
    """
    rng = np.random.default_rng([random_state, 0x5EED])
    rows, subsampled = _rows_for_test(votes.participant_ids, in_conv, max_tested, rng)
    tested = _submatrix(votes, rows)
    observed = statistic(tested)
    shuffler = _Shuffler(tested)
    null = np.array([statistic(shuffler.draw(rng)) for _ in range(n_permutations)])
    # A tie counts against structure: "at least as extreme" is the conservative reading.
    exceed = int(np.sum(null >= observed - 1e-12))
    return StructureTest(
        observed=observed,
        null=null,
        p_value=(1 + exceed) / (1 + n_permutations),
        n_tested=len(rows),
        subsampled=subsampled,
    )
