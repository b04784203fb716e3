"""Who is clustered, and into which opinion group (polis-math.md sections 4 and 5).

Two levels: up to 100 base clusters of the 2-D projections, then weighted k-means on the
base centres for k = 2..K, k chosen by silhouette on the base centres.

Departures from Polis, both measured in ``benchmarks/polis_validation.py``:

- ``restarts``: besides Polis's single start from the first k distinct base centres, try
  that many weighted k-means++ starts (seeded from ``random_state``) and keep the lowest
  weighted inertia. A single start can land in a poor partition of 2-D points.
- Parsimony: the smallest k whose silhouette is within ``tolerance`` (0.05) of the best,
  since differences that small between groupings of <= 100 base centres are noise;
  Polis takes the best outright (and leans to 2 only through its update history).
- Unimodality: when even the best k has a silhouette below ``min_silhouette``, the
  conversation is reported as one camp (k = 1) instead of being forced into two groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import silhouette_score

from .kmeans import first_distinct, inertia, kmeans_plus_plus, lloyd

N_BASE = 100
MIN_VOTES = 7
MIN_IN_CONV = 15
MAX_GROUPS = 5
HYSTERESIS = 4
# Below this best silhouette the conversation is reported as one camp. Random one-camp
# conversations score 0.29-0.36 (tests/analysis/test_pipeline.py, 3 sizes x 3 seeds); the
# seven real Polis conversations score 0.41-0.64, so 0.38 separates them.
MIN_SILHOUETTE = 0.38


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
    """Grouping of the base clusters for one k: ``labels`` (B,), ``centres`` (k, 2)."""

    k: int
    labels: np.ndarray
    centres: np.ndarray
    silhouette: float


def group_candidates(
    base: BaseClusters, restarts: int = 0, random_state: int = 0
) -> dict[int, GroupCandidate]:
    """Weighted k-means of the base centres for k = 2..K, K = min(5, 2 + B // 12)."""
    points, weights = base.centres, base.counts.astype(np.float64)
    n_base = len(points)
    top = min(MAX_GROUPS, 2 + n_base // 12, n_base - 1)
    found: dict[int, GroupCandidate] = {}
    for k in range(2, top + 1):
        starts = [first_distinct(points, k)]
        rng = np.random.RandomState(random_state + k)
        starts += [kmeans_plus_plus(points, weights, k, rng) for _ in range(restarts)]
        best = None
        for start in starts:
            if len(start) < k:
                continue
            centres, labels = lloyd(points, start, weights)
            score = inertia(points, centres, labels, weights)
            if best is None or score < best[0] - 1e-12:
                best = (score, centres, labels)
        if best is None:
            continue
        _, centres, labels = best
        used = np.unique(labels)
        if len(used) < 2 or len(used) >= n_base:
            continue
        labels = np.searchsorted(used, labels)
        sil = float(silhouette_score(points, labels))
        found[len(used)] = GroupCandidate(len(used), labels, centres[used], sil)
    return found


def choose_k(
    candidates: dict[int, GroupCandidate],
    tolerance: float = 0.0,
    min_silhouette: float = MIN_SILHOUETTE,
) -> tuple[int, str]:
    """The smallest k whose silhouette is within ``tolerance`` of the best, and a note.

    ``tolerance`` = 0 is Polis's rule (the best silhouette). Returns k = 1 (one camp)
    when no candidate reaches ``min_silhouette``.
    """
    if not candidates:
        return 1, "too few distinct opinions to find groups"
    best = max(c.silhouette for c in candidates.values())
    if best < min_silhouette:
        return 1, (
            f"no group structure: the best silhouette, {best:.2f}, is below {min_silhouette:.2f}"
        )
    k = min(c.k for c in candidates.values() if c.silhouette >= best - tolerance)
    return k, f"{k} groups (silhouette {candidates[k].silhouette:.2f})"


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
