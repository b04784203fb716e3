"""Small deterministic k-means routines used by the two-level clustering.

Lloyd's algorithm with an explicit start (no randomness unless asked for), weights, and
a k-d tree for the nearest-centre step, which keeps the base clustering of hundreds of
thousands of 2-D points at a few tens of milliseconds per iteration.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree


def first_distinct(points: np.ndarray, k: int, order: np.ndarray | None = None) -> np.ndarray:
    """The first ``k`` distinct rows of ``points`` taken in ``order`` (default: row order)."""
    ordered = points if order is None else points[order]
    _, first = np.unique(ordered, axis=0, return_index=True)
    return ordered[np.sort(first)[:k]]


def nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of each point's nearest centre (ties go to the lower index)."""
    if len(centres) <= 8 or len(points) <= 256:
        dist = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        return dist.argmin(axis=1)
    return cKDTree(centres).query(points, k=1)[1]


def lloyd(
    points: np.ndarray,
    init: np.ndarray,
    weights: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd's iterations from ``init``; returns (centres (k, d), labels (n,)).

    A centre that loses all its points stays where it was, so the caller can drop it.
    Stops when no assignment changes or no centre moves by more than ``tol``.
    """
    centres = np.array(init, dtype=np.float64, copy=True)
    k, dim = centres.shape
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    labels = nearest(points, centres)
    for _ in range(max_iter):
        mass = np.bincount(labels, weights=w, minlength=k)
        filled = mass > 0
        before = centres.copy()
        for d in range(dim):
            sums = np.bincount(labels, weights=w * points[:, d], minlength=k)
            centres[filled, d] = sums[filled] / mass[filled]
        if np.abs(centres - before).max(initial=0.0) <= tol:
            break
        new_labels = nearest(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centres, labels


def kmeans_plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, n_starts: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``n_starts`` weighted k-means++ seedings (Arthur and Vassilvitskii) at once.

    Returns starts (R, k, d) and (R,) bool: False where the points ran out of distinct
    positions before k centres were placed (such a start is unusable).
    """
    cum = np.cumsum(weights)
    first = np.minimum(
        np.searchsorted(cum, rng.random(n_starts) * cum[-1], side="right"), len(cum) - 1
    )
    starts = np.empty((n_starts, k, points.shape[1]))
    starts[:, 0] = points[first]
    dist = ((points[None, :, :] - starts[:, None, 0, :]) ** 2).sum(axis=2)  # (R, n)
    valid = np.ones(n_starts, dtype=bool)
    for step in range(1, k):
        cum = np.cumsum(weights * dist, axis=1)
        total = cum[:, -1]
        valid &= total > 0
        pick = np.minimum(
            (cum <= (rng.random(n_starts) * total)[:, None]).sum(axis=1), len(points) - 1
        )
        starts[:, step] = points[pick]
        dist = np.minimum(dist, ((points[None] - starts[:, None, step, :]) ** 2).sum(axis=2))
    return starts, valid


def lloyd_many(
    points: np.ndarray, starts: np.ndarray, weights: np.ndarray, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted Lloyd's iterations from R starts (R, k, d) side by side, for small point sets.

    The same fixed point as :func:`lloyd` run on each start (ties to the lower centre,
    emptied centres stay put). Returns centres (R, k, d), labels (R, n), inertia (R,).
    """
    centres = np.array(starts, dtype=np.float64, copy=True)
    n_starts, k, dim = centres.shape
    offset = (k * np.arange(n_starts))[:, None]
    w = np.tile(weights, n_starts)
    weighted = [w * np.tile(points[:, d], n_starts) for d in range(dim)]

    def assign(c):  # (R, n) nearest centre; coordinates summed one by one (fast for d = 2)
        dist = np.zeros((n_starts, len(points), k))
        for d in range(dim):
            dist += (points[None, :, d, None] - c[:, None, :, d]) ** 2
        return dist.argmin(axis=2)

    labels = assign(centres)
    for _ in range(max_iter):
        flat = (labels + offset).ravel()
        mass = np.bincount(flat, weights=w, minlength=n_starts * k).reshape(n_starts, k)
        filled = mass > 0
        for d in range(dim):
            sums = np.bincount(flat, weights=weighted[d], minlength=n_starts * k)
            centres[..., d][filled] = sums.reshape(n_starts, k)[filled] / mass[filled]
        new_labels = assign(centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    near = centres[np.arange(n_starts)[:, None], labels]  # (R, n, d)
    cost = (weights[None] * ((points[None] - near) ** 2).sum(axis=2)).sum(axis=1)
    return centres, labels, cost


def distances(points: np.ndarray) -> np.ndarray:
    """(n, n) Euclidean distances between the rows of ``points`` (for :func:`silhouette`)."""
    diff = points[:, None, :] - points[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def silhouette(dist: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean silhouette coefficient (Rousseeuw 1987) from (n, n) ``dist``.

    Unweighted, the same definition as scikit-learn's ``silhouette_score`` (a point alone
    in its cluster scores 0), computed directly for the <= 100 base centres it is used
    on. With ``weights`` (n,) of whole counts, it is the silhouette of that many copies of
    each point: for base centres weighted by their members, the participants' silhouette
    with each participant placed at its base centre.
    """
    w = np.ones(len(dist)) if weights is None else np.asarray(weights, dtype=np.float64)
    k = int(labels.max()) + 1
    member = np.eye(k)[labels]
    mass = w @ member  # (k,) copies per cluster
    sums = dist @ (member * w[:, None])  # (n, k): summed distance to each cluster's copies
    rows = np.arange(len(dist))
    own = mass[labels]
    a = sums[rows, labels] / np.maximum(own - 1, 1)
    other = sums / mass
    other[rows, labels] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own > 1, (b - a) / np.maximum(a, b), 0.0)
    return float((w * np.nan_to_num(s)).sum() / w.sum())
