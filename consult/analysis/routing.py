"""Areas of uncertainty and which statement to show next (polis-math.md sections 9, 10)."""

from __future__ import annotations

import numpy as np

META_PRIORITY = 49.0


def uncertainty(
    passed: np.ndarray,
    seen: np.ndarray,
    statement_ids: np.ndarray,
    eligible: np.ndarray,
    top: int = 5,
) -> tuple[int, ...]:
    """Statement ids where passes / votes > 0.3, ranked by (passes/votes)^2 * passes."""
    share = passed / np.maximum(seen, 1)
    ok = np.flatnonzero(eligible & (seen > 0) & (share > 0.3))
    score = share[ok] ** 2 * passed[ok]
    ranked = ok[np.lexsort((statement_ids[ok], -score))][:top]
    return tuple(int(s) for s in statement_ids[ranked])


def priorities(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    extremity: np.ndarray,
    meta: np.ndarray,
    moderated_out: np.ndarray,
) -> np.ndarray:
    """(S,) routing priority from counts summed over groups; meta 49, rejected 0."""
    passed = seen - (agree + disagree)
    a = (agree + 1.0) / (seen + 2.0)
    p = (passed + 1.0) / (seen + 2.0)
    importance = (1.0 - p) * (extremity + 1.0) * a
    priority = (importance * (1.0 + 8.0 * 2.0 ** (-seen / 5.0))) ** 2
    priority = np.where(meta, META_PRIORITY, priority)
    return np.where(moderated_out & ~meta, 0.0, priority)


def next_statement(priority: np.ndarray, voted: np.ndarray, rng: np.random.Generator) -> int | None:
    """Column index drawn among unvoted statements with probability proportional to priority.

    ``voted`` (S,) bool marks the participant's votes; nan priorities (unknown) count as 1.
    Returns None when nothing is left to show.
    """
    weight = np.where(np.isnan(priority), 1.0, priority)
    weight = np.where(voted, 0.0, weight)
    total = weight.sum()
    if total <= 0:
        return None
    return int(rng.choice(len(weight), p=weight / total))
