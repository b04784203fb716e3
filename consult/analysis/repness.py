"""Representative statements per group (polis-math.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z90_ONE_SIDED = 1.2816
TOP = 5


@dataclass(frozen=True)
class RepStatement:
    """One representative statement of a group, with the figures that ranked it."""

    statement_id: int
    direction: str  # "agree" or "disagree"
    probability: float  # pa or pd
    probability_test: float  # pat or pdt
    ratio: float  # ra or rd
    ratio_test: float  # rat or rdt
    score: float


def prop_test(successes: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Polis's one-proportion z: 2 sqrt(n + 1) ((s + 1) / (n + 1) - 0.5)."""
    return 2.0 * np.sqrt(n + 1.0) * ((successes + 1.0) / (n + 1.0) - 0.5)


def two_prop_test(s1: np.ndarray, s2: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-proportion z with +1 smoothing of all four counts; 0 where the pool is all 1."""
    s1, s2, n1, n2 = (np.asarray(x, dtype=np.float64) + 1.0 for x in (s1, s2, n1, n2))
    p1, p2 = s1 / n1, s2 / n2
    pool = (s1 + s2) / (n1 + n2)
    var = pool * (1 - pool) * (1 / n1 + 1 / n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def repness(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    statement_ids: np.ndarray,
    eligible: np.ndarray,
) -> list[list[RepStatement]]:
    """Top representative statements for each group (rows of the (G, S) counts).

    ``eligible`` (S,) masks out moderated and meta statements. Up to 5 qualifying
    statements, agrees before disagrees; if none qualifies, the single best by
    max(rat, rdt).
    """
    rest_a, rest_d, rest_s = (x.sum(axis=0) - x for x in (agree, disagree, seen))
    pa, pd = (agree + 1.0) / (seen + 2.0), (disagree + 1.0) / (seen + 2.0)
    pat, pdt = prop_test(agree, seen), prop_test(disagree, seen)
    ra = pa / ((1.0 + rest_a) / (2.0 + rest_s))
    rd = pd / ((1.0 + rest_d) / (2.0 + rest_s))
    rat, rdt = (
        two_prop_test(agree, rest_a, seen, rest_s),
        two_prop_test(disagree, rest_d, seen, rest_s),
    )
    agree_side = rat > rdt
    qualifies = ((rat > Z90_ONE_SIDED) & (pat > Z90_ONE_SIDED)) | (
        (rdt > Z90_ONE_SIDED) & (pdt > Z90_ONE_SIDED)
    )
    score = np.where(agree_side, ra * rat * pa * pat, rd * rdt * pd * pdt)
    out: list[list[RepStatement]] = []
    for g in range(agree.shape[0]):
        ok = qualifies[g] & eligible & (seen[g] > 0)
        chosen = np.flatnonzero(ok)
        chosen = chosen[np.lexsort((statement_ids[chosen], -score[g, chosen]))][:TOP]
        # Agrees before disagrees, each kept in score order.
        chosen = chosen[np.argsort(~agree_side[g, chosen], kind="stable")]
        if len(chosen) == 0:
            pool = np.flatnonzero(eligible & (seen[g] > 0))
            if len(pool):
                best = np.maximum(rat[g, pool], rdt[g, pool])
                chosen = pool[[int(np.argmax(best))]]
        group = []
        for j in chosen.tolist():
            a = bool(agree_side[g, j])
            group.append(
                RepStatement(
                    statement_id=int(statement_ids[j]),
                    direction="agree" if a else "disagree",
                    probability=float(pa[g, j] if a else pd[g, j]),
                    probability_test=float(pat[g, j] if a else pdt[g, j]),
                    ratio=float(ra[g, j] if a else rd[g, j]),
                    ratio_test=float(rat[g, j] if a else rdt[g, j]),
                    score=float(score[g, j]),
                )
            )
        out.append(group)
    return out
