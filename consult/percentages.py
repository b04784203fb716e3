"""Whole-number percentages that add up to 100 (largest-remainder rounding).

Shares shown side by side (agree / disagree / pass) are rounded together: each gets the
whole part of its exact percentage, and the points still missing go to the largest
remainders. Rounding each share alone can print 34 % + 33 % + 34 % = 101 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def rounded_shares(counts: Sequence[int | float], total: int = 100) -> list[int]:
    """Whole numbers proportional to ``counts`` that sum to ``total`` (all 0 when the
    counts sum to 0). Ties in the remainders go to the earlier count, so the result is
    deterministic; negative counts are refused."""
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    whole = sum(counts)
    if not counts or whole == 0:
        return [0] * len(counts)
    # Exact arithmetic (fractions of ``whole``), so no float error moves a point.
    exact = [Fraction(c) * total / Fraction(whole) for c in counts]
    shares = [math.floor(e) for e in exact]
    missing = total - sum(shares)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:missing]:
        shares[i] += 1
    return shares
