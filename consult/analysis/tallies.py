"""Per-group, per-statement vote counts and rates (polis-math.md section 6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from .matrix import VoteMatrix

# ndtri is norm.ppf without importing scipy.stats (~0.5 s of the CLI's start-up).
Z90 = float(ndtri(0.95))  # two-sided 90% interval


@dataclass(frozen=True)
class GroupTallies:
    """Counts and rates for G groups (rows, in ``group_ids`` order) and S statements.

    - ``agree``, ``disagree``, ``seen``: (G, S) int counts A, D, S (``seen`` includes passes).
    - ``agree_rate``, ``disagree_rate``, ``pass_rate``: (G, S) shares of ``seen`` (nan if 0).
    - ``agree_interval``, ``disagree_interval``: (2, G, S) Wilson 90% bounds (0, 1 if none).
    """

    group_ids: np.ndarray
    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray
    agree_rate: np.ndarray
    disagree_rate: np.ndarray
    pass_rate: np.ndarray
    agree_interval: np.ndarray
    disagree_interval: np.ndarray

    @property
    def passed(self) -> np.ndarray:
        return self.seen - self.agree - self.disagree

    @classmethod
    def from_counts(cls, group_ids, agree, disagree, seen) -> GroupTallies:
        """The rates and intervals that follow from (G, S) counts A, D and S."""
        with np.errstate(invalid="ignore", divide="ignore"):

            def rate(x):
                return np.where(seen > 0, x / np.maximum(seen, 1), np.nan)

            return cls(
                group_ids=np.asarray(group_ids),
                agree=agree,
                disagree=disagree,
                seen=seen,
                agree_rate=rate(agree),
                disagree_rate=rate(disagree),
                pass_rate=rate(seen - agree - disagree),
                agree_interval=wilson(agree, seen),
                disagree_interval=wilson(disagree, seen),
            )


def count_votes(votes: VoteMatrix, labels: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """(A, D, S), each (n_groups, S), over participants with ``0 <= labels < n_groups``."""
    n_s = votes.shape[1]
    group = labels[votes.rows]
    keep = group >= 0
    cell = group[keep].astype(np.int64) * n_s + votes.cols[keep]
    size = n_groups * n_s
    vals = votes.values[keep]
    agree = np.bincount(cell[vals == 1], minlength=size).reshape(n_groups, n_s)
    disagree = np.bincount(cell[vals == -1], minlength=size).reshape(n_groups, n_s)
    seen = np.bincount(cell, minlength=size).reshape(n_groups, n_s)
    return agree, disagree, seen


def wilson(successes: np.ndarray, n: np.ndarray, z: float = Z90) -> np.ndarray:
    """Wilson score interval, (2, ...) lower and upper bounds; (0, 1) where n = 0."""
    n = np.asarray(n, dtype=np.float64)
    safe = np.maximum(n, 1.0)
    p = successes / safe
    denom = 1.0 + z * z / safe
    centre = (p + z * z / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / denom
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return np.stack([low, high])


def group_tallies(votes: VoteMatrix, labels: np.ndarray, group_ids: np.ndarray) -> GroupTallies:
    """Tallies per group; ``labels`` (P,) hold group ids (-1 = unclustered)."""
    lut = np.full(int(max(group_ids.max(initial=-1), labels.max(initial=-1))) + 2, -1)
    lut[group_ids] = np.arange(len(group_ids))
    index = np.where(labels >= 0, lut[np.maximum(labels, 0)], -1)
    return GroupTallies.from_counts(group_ids, *count_votes(votes, index, len(group_ids)))
