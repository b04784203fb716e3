"""Who is clustered, and into which opinion group (polis-math.md sections 4 and 5).

Two levels: up to 100 base clusters of the 2-D projections, then weighted k-means on the
base centres for k = 2..K, k chosen by silhouette on the base centres.

Departures from Polis, each measured (in-sample and leave-one-out on the real
conversations, and on planted truth) by ``benchmarks/polis_validation.py``:

- ``restarts``: besides Polis's single start from the first k distinct base centres, try
  that many weighted k-means++ starts (seeded from ``random_state``) and keep the lowest
  weighted inertia. A single start can land in a poor partition of 2-D points.
- k by the participants' silhouette (:func:`choose_k`), each base centre counted once per
  member, rather than Polis's silhouette of the base centres, in which a base cluster
  of one far-out participant weighs as much as one of fifty. It is the silhouette of
  the grouping that is shown, and the structure test's statistic.
- Parsimony (off by default): the smallest k whose silhouette is within ``tolerance`` of
  the best. Polis takes the best outright (and leans to 2 only through its update
  history); a 0.05 tolerance matched Polis better on one of the seven example
  conversations but not under leave-one-out, and it lost three-group planted truth.
- Minimum group size (:func:`min_group_size`): a k whose smallest group is below it is
  never chosen, so a handful of far-out low-vote participants is not an opinion group.
- Unimodality: whether there is any structure at all is a permutation test
  (:mod:`consult.analysis.structure`); without structure k = 1 instead of Polis's
  forced two groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .kmeans import distances, first_distinct, kmeans_plus_plus, lloyd, lloyd_many, silhouette

N_BASE = 100
MIN_VOTES = 7
MIN_IN_CONV = 15
MAX_GROUPS = 5
HYSTERESIS = 4
# A group's share of a statement's votes is judged by normal-approximation z tests
# (repness, consensus), which want at least 5 members (the textbook n*p >= 5 rule); and
# no group may be under 5% of the clustered participants, one in twenty, so that five
# groups (MAX_GROUPS) can never include one that is a rounding error of the others.
MIN_GROUP_MEMBERS = 5
MIN_GROUP_SHARE = 0.05


def min_group_size(n_clustered: int, share: float = MIN_GROUP_SHARE) -> int:
    """Fewest participants an opinion group may hold: max(5, ceil(share * clustered))."""
    return max(MIN_GROUP_MEMBERS, math.ceil(share * n_clustered))


def select_in_conv(
    n_votes: np.ndarray,
    n_statements: int,
    participant_ids: np.ndarray,
    previous_ids: np.ndarray | None = None,
) -> np.ndarray:
    """(P,) bool: clustered participants (section 4).

    At least min(7, S) votes, sticky for ids clustered before, topped up with the
    heaviest voters (ties by id) until there are 15.
    """
    mask = n_votes >= min(MIN_VOTES, n_statements)
    if previous_ids is not None and len(previous_ids):
        mask |= np.isin(participant_ids, previous_ids) & (n_votes > 0)
    short = MIN_IN_CONV - int(mask.sum())
    if short > 0:
        candidates = np.flatnonzero(~mask & (n_votes > 0))
        heaviest = candidates[np.lexsort((participant_ids[candidates], -n_votes[candidates]))]
        mask[heaviest[:short]] = True
    return mask


@dataclass(frozen=True)
class BaseClusters:
    """``centres`` (B, 2), ``counts`` (B,) members, ``members`` (n,) base index per point."""

    centres: np.ndarray
    counts: np.ndarray
    members: np.ndarray


def base_clusters(
    points: np.ndarray,
    order: np.ndarray,
    previous_centres: np.ndarray | None = None,
    k: int = N_BASE,
    max_iter: int = 20,
) -> BaseClusters:
    """k-means with k = min(100, distinct points), empty clusters dropped (section 5.1).

    Starts from the previous centres when given, topped up with the first distinct
    points in ``order`` (participant-id order, as Polis does), else from those points.
    """
    start = first_distinct(points, k, order)
    if previous_centres is not None and len(previous_centres):
        fresh = start[~(start[:, None, :] == previous_centres[None]).all(axis=2).any(axis=1)]
        start = np.concatenate([previous_centres, fresh])[: len(start)]
    # Centres moving less than 1/1000 of the spread change nothing that matters.
    tol = 1e-3 * float(points.std()) if len(points) else 0.0
    centres, labels = lloyd(points, start, max_iter=max_iter, tol=tol)
    counts = np.bincount(labels, minlength=len(centres))
    kept = counts > 0
    remap = np.cumsum(kept) - 1
    return BaseClusters(centres[kept], counts[kept], remap[labels])


@dataclass(frozen=True)
class GroupCandidate:
    """Grouping of the base clusters for one k: ``labels`` (B,), ``centres`` (k, 2),
    ``silhouette`` of the base centres (Polis's k criterion), ``participant_silhouette``
    (each base centre counted once per member: the structure test's statistic), and
    ``smallest``, the participants in its smallest group."""

    k: int
    labels: np.ndarray
    centres: np.ndarray
    silhouette: float
    participant_silhouette: float
    smallest: int


def group_candidates(
    base: BaseClusters, restarts: int = 0, random_state: int = 0
) -> dict[int, GroupCandidate]:
    """Weighted k-means of the base centres for k = 2..K, K = min(5, 2 + B // 12)."""
    points, weights = base.centres, base.counts.astype(np.float64)
    n_base = len(points)
    top = min(MAX_GROUPS, 2 + n_base // 12, n_base - 1)
    found: dict[int, GroupCandidate] = {}
    dist = distances(points)
    for k in range(2, top + 1):
        start = first_distinct(points, k)
        if len(start) < k:
            continue
        starts = start[None]
        if restarts:
            rng = np.random.default_rng([random_state, k])
            more, valid = kmeans_plus_plus(points, weights, k, restarts, rng)
            starts = np.concatenate([starts, more[valid]])
        centres, labels, cost = lloyd_many(points, starts, weights)
        # Lowest inertia wins; near-ties go to the earliest start (Polis's own first).
        best = int(np.flatnonzero(cost <= cost.min() + 1e-12)[0])
        centres, labels = centres[best], labels[best]
        used = np.unique(labels)
        if len(used) < 2 or len(used) >= n_base:
            continue
        labels = np.searchsorted(used, labels)
        sil = silhouette(dist, labels)
        smallest = int(np.bincount(labels, weights=weights).min())
        found[len(used)] = GroupCandidate(
            len(used), labels, centres[used], sil, silhouette(dist, labels, weights), smallest
        )
    return found


def eligible(candidates: dict[int, GroupCandidate], min_size: int) -> dict[int, GroupCandidate]:
    """The candidates whose every group holds at least ``min_size`` participants."""
    return {k: c for k, c in candidates.items() if c.smallest >= min_size}


def best_silhouette(candidates: dict[int, GroupCandidate], min_size: int) -> float:
    """The structure statistic: best participant silhouette of the eligible candidates.

    Weighted by members, so that a few far-out base clusters of one or two low-vote
    participants weigh as little as they are; -inf when no candidate is eligible.
    """
    kept = eligible(candidates, min_size)
    return max((c.participant_silhouette for c in kept.values()), default=-math.inf)


def choose_k(
    candidates: dict[int, GroupCandidate],
    tolerance: float = 0.0,
    min_size: int = 0,
    by_participants: bool = False,
) -> tuple[int, str]:
    """The smallest eligible k whose silhouette is within ``tolerance`` of the best, and a
    note. ``tolerance`` = 0, ``min_size`` = 0 and ``by_participants`` False are Polis's
    rule (the best silhouette of the base centres); ``by_participants`` ranks by the
    participant silhouette instead (each base centre counted once per member).

    Returns k = 1 when no candidate has groups of at least ``min_size``; whether a k > 1
    is shown at all is the structure test's decision (the caller's).
    """
    if not candidates:
        return 1, "too few distinct opinions to find groups"
    kept = eligible(candidates, min_size)
    if not kept:
        return 1, f"no grouping has every group of at least {min_size} participants"
    score = {
        k: c.participant_silhouette if by_participants else c.silhouette for k, c in kept.items()
    }
    best = max(score.values())
    k = min(k for k, value in score.items() if value >= best - tolerance)
    return k, f"{k} groups (silhouette {score[k]:.2f})"


@dataclass(frozen=True)
class KHistory:
    """Hysteresis state: the shown k, and the challenger with its consecutive wins."""

    shown: int
    candidate: int = 0
    streak: int = 0


def update_k(history: KHistory | None, best_k: int, available: set[int]) -> KHistory:
    """Section 5.4: the shown k changes after the same new k has won 4 updates running."""
    if history is None or history.shown not in available:
        return KHistory(best_k)
    if best_k == history.shown:
        return KHistory(best_k)
    streak = history.streak + 1 if best_k == history.candidate else 1
    if streak >= HYSTERESIS:
        return KHistory(best_k)
    return KHistory(history.shown, best_k, streak)


def stable_ids(
    labels: np.ndarray,
    ids: np.ndarray,
    previous_labels: np.ndarray | None = None,
    previous_ids: np.ndarray | None = None,
) -> np.ndarray:
    """Renumber groups 0..k-1 in ``labels`` (n,) so they keep last run's numbers.

    New groups are matched to old ones by the number of shared participants (Hungarian
    assignment); membership survives the PCA flipping an axis, centre distance does not.
    Unmatched groups take the lowest free numbers, largest group first.
    """
    groups, sizes = np.unique(labels, return_counts=True)
    by_size = groups[np.lexsort((groups, -sizes))]
    mapping: dict[int, int] = {}
    if previous_labels is not None and previous_ids is not None and len(previous_ids):
        old_groups = np.unique(previous_labels)
        order = np.argsort(previous_ids, kind="stable")
        pos = np.clip(np.searchsorted(previous_ids, ids, sorter=order), 0, len(order) - 1)
        found = previous_ids[order[pos]] == ids
        old = previous_labels[order[pos[found]]]
        overlap = np.zeros((len(groups), len(old_groups)))
        np.add.at(
            overlap,
            (np.searchsorted(groups, labels[found]), np.searchsorted(old_groups, old)),
            1.0,
        )
        # Imported here: only a warm-started run matches groups, and scipy.optimize
        # costs ~0.8 s of start-up that the command line never needs.
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols, strict=True):
            if overlap[r, c] > 0:
                mapping[int(groups[r])] = int(old_groups[c])
    free = (g for g in range(len(groups) + len(mapping) + 1) if g not in mapping.values())
    for g in by_size.tolist():
        if g not in mapping:
            mapping[g] = next(free)
    lut = np.zeros(int(groups.max()) + 1 if len(groups) else 0, dtype=np.int64)
    for g, new in mapping.items():
        lut[g] = new
    return lut[labels] if len(labels) else labels.astype(np.int64)
