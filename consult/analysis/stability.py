"""Stability under bootstrap resampling of participants.

Each resample draws P participants with replacement (a ``numpy`` Generator seeded from
``random_state``, so runs repeat exactly). With a ``regroup`` callable the resampled
matrix (drawn rows duplicated, kept in the original row order, new participant ids =
positions 0..P-1) is clustered again with a seed drawn from the same generator, and
the adjusted Rand index between its labels and the full-data labels of the drawn
participants, over the participants clustered in both, says how stable the groups are.
Broad agreement is recomputed on every resample (with the resample's own groups, or,
without ``regroup``, the full-data groups of the drawn participants), giving for each
statement the share of resamples in which it stays broadly agreed. The voter floor of
:mod:`.broad` holds in every resample: the segments required are those of the full
data (a sector the resample happened not to draw has 0 voters, so the statement is not
assessable there, not broadly agreed), plus the resample's own opinion groups.

Only the unweighted measures are resampled. Counting never builds a participants x
statements array, nor even the resampled votes: a resample is a multiplicity m_i per
participant (and, with ``regroup``, a count of copies per participant and new group),
so every tally is a sparse matrix product of the original votes with those counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .agreement import SegmentCounter, group_segmentation, lower_bound_clears, plain_list
from .matrix import VoteMatrix


@dataclass(frozen=True)
class Stability:
    """Bootstrap results over B resamples and S statements.

    - ``seeds``: (B,) int, the seed passed to ``regroup`` for each resample.
    - ``ari``: (B,) adjusted Rand index to the full-data groups (NaN without
      ``regroup`` or with fewer than two participants clustered in both).
    - ``ari_mean``, ``ari_sd``: over the finite entries of ``ari`` (NaN if none).
    - ``broad_frequency``: (S,) share of resamples in which each statement is broadly
      agreed; NaN for excluded statements.
    """

    n_bootstrap: int
    seeds: np.ndarray
    ari: np.ndarray
    ari_mean: float
    ari_sd: float
    broad_frequency: np.ndarray

    def to_json(self, statement_ids: np.ndarray, statements: np.ndarray) -> dict:
        """Plain JSON; broad-agreement frequency for the given columns (by statement id)."""
        return {
            "n_bootstrap": self.n_bootstrap,
            "ari_mean": plain_list([self.ari_mean])[0],
            "ari_sd": plain_list([self.ari_sd])[0],
            "ari": plain_list(self.ari),
            "seeds": plain_list(self.seeds),
            "broad_agreement_frequency": [
                {"statement_id": int(statement_ids[j]), "frequency": float(self.broad_frequency[j])}
                for j in statements
            ],
        }


class _Resampler:
    """Expands a draw of participants into the resampled vote triples (for ``regroup``)."""

    def __init__(self, votes: VoteMatrix):
        rows = votes.rows
        self.order = None if np.all(rows[1:] >= rows[:-1]) else np.argsort(rows, kind="stable")
        self.degree = np.bincount(rows, minlength=votes.shape[0])
        self.start = np.concatenate(([0], np.cumsum(self.degree)[:-1]))
        self.votes = votes
        self.index_type = np.int32 if votes.n_votes < 2**31 else np.int64

    def resample(self, drawn: np.ndarray) -> VoteMatrix:
        degree = self.degree[drawn]
        n_drawn = len(drawn)
        # Output vote k is input vote start[drawn[p]] + (k - first output vote of p).
        shift = (self.start[drawn] - (np.cumsum(degree) - degree)).astype(self.index_type)
        index = np.repeat(shift, degree)
        index += np.arange(len(index), dtype=self.index_type)
        if self.order is not None:
            index = self.order[index]
        return VoteMatrix(
            participant_ids=np.arange(n_drawn, dtype=np.int64),
            statement_ids=self.votes.statement_ids,
            rows=np.repeat(np.arange(n_drawn, dtype=np.int32), degree),
            cols=self.votes.cols[index],
            values=self.votes.values[index],
        )


def adjusted_rand_score(labels_a: np.ndarray, labels_b: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index of two labelings of the same items.

    The same figure as ``sklearn.metrics.adjusted_rand_score`` (a test compares them),
    computed here from the contingency table because importing scikit-learn costs the
    command line 1-2 s, more than the rest of a bootstrap on 33,000 participants.
    """
    _, a = np.unique(np.asarray(labels_a), return_inverse=True)
    _, b = np.unique(np.asarray(labels_b), return_inverse=True)
    n_b = int(b.max()) + 1 if len(b) else 0
    table = np.bincount(a * n_b + b, minlength=(int(a.max()) + 1 if len(a) else 0) * n_b)

    def pairs(counts: np.ndarray) -> float:
        counts = counts.astype(np.float64)
        return float((counts * (counts - 1) / 2).sum())

    both = pairs(table)
    rows, cols = pairs(np.bincount(a)), pairs(np.bincount(b))
    total = len(a) * (len(a) - 1) / 2
    expected = rows * cols / total if total else 0.0
    best = (rows + cols) / 2
    if best == expected:  # both labelings trivial (one cluster, or all singletons)
        return 1.0
    return (both - expected) / (best - expected)


def _cell(votes: VoteMatrix) -> np.ndarray:
    """(n,) int64 index of each vote's (statement, value) cell, statement * 3 + value + 1."""
    return votes.cols.astype(np.int64) * 3 + votes.values + 1


class _GroupCounter:
    """Opinion-group tallies of a resample from its labels, without expanding the votes."""

    def __init__(self, votes: VoteMatrix):
        n_participants, self.n_statements = votes.shape
        self.votes_t = sp.csr_matrix(
            (np.ones(votes.n_votes), (votes.rows, _cell(votes))),
            shape=(n_participants, self.n_statements * 3),
        ).T  # a CSC view: reads the (P, G) weights in participant order

    def counts(self, drawn: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
        """(G, S, 3) tallies; ``codes`` (P,) is the group of each drawn position, -1 none."""
        if n_groups == 0:
            return np.zeros((0, self.n_statements, 3))
        inside = codes >= 0
        # copies[i, g]: how many drawn copies of participant i landed in group g.
        copies = np.bincount(
            drawn[inside] * n_groups + codes[inside], minlength=self.votes_t.shape[1] * n_groups
        ).reshape(-1, n_groups)
        tallies = self.votes_t @ copies.astype(np.float64)  # (S * 3, G)
        return tallies.T.reshape(n_groups, self.n_statements, 3)


def present_segments(counts: list[np.ndarray], families: tuple[str, ...]) -> list[np.ndarray]:
    """(K,) bool per family: the segments required by broad agreement (see :mod:`.broad`):
    those with a voter on any statement, and always "overall"."""
    return [
        (c.sum(axis=(1, 2)) > 0) | (name == "overall")
        for c, name in zip(counts, families, strict=True)
    ]


def _broadly_agreed(
    counts: list[np.ndarray],
    threshold: float,
    min_voters: int,
    present: list[np.ndarray],
) -> np.ndarray:
    """(S,) bool: broad agreement from (K, S, 3) tallies of the required families.

    ``present`` (K,) bool per family: the required segments. Every one of them must have
    ``min_voters`` voters and clear the threshold.
    """
    stacked = np.concatenate(counts, axis=0)
    required = np.concatenate(present)
    voters = stacked.sum(axis=2)
    agree = stacked[..., 2]
    sufficient = voters >= min_voters
    # The lower bound is below the point estimate, so only cells at or above the
    # threshold need the (costly) Beta CDF.
    candidate = sufficient & (agree >= threshold * voters)
    clears = np.zeros(voters.shape, dtype=bool)
    clears[candidate] = lower_bound_clears(agree[candidate], voters[candidate], threshold)
    return np.all(clears | ~required[:, None], axis=0) & sufficient.any(axis=0)


def bootstrap_stability(
    votes: VoteMatrix,
    excluded: np.ndarray,
    counter: SegmentCounter,
    group_labels: np.ndarray,
    regroup: Callable[[VoteMatrix, int], np.ndarray] | None,
    *,
    threshold: float = 0.6,
    min_voters: int = 10,
    n_bootstrap: int = 20,
    random_state: int = 0,
) -> Stability:
    """Bootstrap the groups' ARI and each statement's broad-agreement frequency.

    ``counter`` tallies the required families (built on :func:`segmentations` with
    ``group_labels``); all but the opinion groups keep their membership in a resample,
    and so do the groups when ``regroup`` is None.
    """
    n_participants, n_statements = votes.shape
    rng = np.random.default_rng(random_state)
    labels = np.asarray(group_labels, dtype=np.int64)
    fixed = tuple(
        f for f, s in enumerate(counter.families) if regroup is None or s.family != "group"
    )
    if regroup is not None:
        resampler, group_counter = _Resampler(votes), _GroupCounter(votes)
    names = tuple(counter.families[f].family for f in fixed)
    full = present_segments(counter.counts(np.ones(n_participants), fixed), names)
    seeds = np.zeros(n_bootstrap, dtype=np.int64)
    ari = np.full(n_bootstrap, np.nan)
    agreed = np.zeros(n_statements)
    for b in range(n_bootstrap if n_participants else 0):
        copies = np.bincount(
            rng.integers(0, n_participants, size=n_participants), minlength=n_participants
        )
        # Drawn participants in row order (a resample is a multiset): the resampled votes
        # are then near-sequential reads of the original ones, several times faster.
        drawn = np.repeat(np.arange(n_participants), copies)
        seeds[b] = rng.integers(0, 2**31 - 1)
        counts = counter.counts(copies, fixed)
        present = list(full)
        if regroup is not None:
            new_labels = np.asarray(regroup(resampler.resample(drawn), int(seeds[b])), np.int64)
            both = (new_labels >= 0) & (labels[drawn] >= 0)
            if both.sum() >= 2:
                ari[b] = adjusted_rand_score(labels[drawn][both], new_labels[both])
            new_groups = group_segmentation(new_labels)
            counts.append(group_counter.counts(drawn, new_groups.codes, len(new_groups.values)))
            present += present_segments(counts[-1:], ("group",))
        agreed += _broadly_agreed(counts, threshold, min_voters, present)
    finite = ari[np.isfinite(ari)]
    frequency = (
        agreed / n_bootstrap if n_bootstrap and n_participants else np.full(n_statements, np.nan)
    )
    return Stability(
        n_bootstrap=n_bootstrap,
        seeds=seeds,
        ari=ari,
        ari_mean=float(finite.mean()) if len(finite) else float("nan"),
        ari_sd=float(finite.std()) if len(finite) else float("nan"),
        broad_frequency=np.where(excluded, np.nan, frequency),
    )
