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


def inertia(
    points: np.ndarray, centres: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> float:
    """Weighted within-cluster sum of squares."""
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def kmeans_plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.RandomState
) -> np.ndarray:
    """Weighted k-means++ seeding (Arthur and Vassilvitskii), for the restarts variant."""
    centres = [points[rng.choice(len(points), p=weights / weights.sum())]]
    for _ in range(1, k):
        dist = ((points[:, None, :] - np.array(centres)[None]) ** 2).sum(axis=2).min(axis=1)
        prob = weights * dist
        if prob.sum() <= 0:
            break
        centres.append(points[rng.choice(len(points), p=prob / prob.sum())])
    return np.array(centres)
