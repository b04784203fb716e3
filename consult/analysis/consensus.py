"""Majority and group-informed consensus (polis-math.md section 8), with a voter floor.

Polis lists a statement as majority consensus on a one-sided test that two unanimous
voters already pass, and its group-informed consensus multiplies over groups whatever
their number of voters. Here no consensus figure rests on fewer than ``min_voters``
voters (passes count, as in Polis's S): majority consensus needs that many voters
overall, and group-informed consensus is NaN (not listed) for a statement on which any
opinion group has fewer. The same floor governs broad agreement (:mod:`.broad`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .repness import TOP, Z90_ONE_SIDED, prop_test

MIN_VOTERS = 10  # the default voter floor, shared with broad agreement (beyond.MIN_VOTERS)


@dataclass(frozen=True)
class Consensus:
    """Consensus over S statements.

    - ``agree``, ``disagree``: statement ids of the majority consensus, best first (<= 5).
    - ``group_informed``: (S,) Polis's product over groups of (A_g + 1) / (S_g + 2).
    - ``group_informed_mean``: (S,) its geometric mean over groups, comparable across k.
    Excluded (moderated, meta) statements get nan in both arrays, and so do statements
    on which an opinion group has fewer than ``min_voters`` voters.
    """

    agree: tuple[int, ...]
    disagree: tuple[int, ...]
    group_informed: np.ndarray
    group_informed_mean: np.ndarray


def majority(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    statement_ids: np.ndarray,
    eligible: np.ndarray,
    min_voters: int = MIN_VOTERS,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Statements most agreed (and most disagreed) by all participants: (S,) counts in.

    Only statements with at least ``min_voters`` voters (``seen``) are listed.
    """
    out = []
    enough = eligible & (np.asarray(seen) >= min_voters)
    for count in (agree, disagree):
        p = (count + 1.0) / (seen + 2.0)
        pt = prop_test(count, seen)
        ok = np.flatnonzero(enough & (p > 0.5) & (pt > Z90_ONE_SIDED))
        score = p[ok] * pt[ok]
        ranked = ok[np.lexsort((statement_ids[ok], -score))][:TOP]
        out.append(tuple(int(s) for s in statement_ids[ranked]))
    return out[0], out[1]


def group_informed(
    group_agree: np.ndarray,
    group_seen: np.ndarray,
    eligible: np.ndarray,
    min_voters: int = MIN_VOTERS,
) -> tuple[np.ndarray, np.ndarray]:
    """(product, geometric mean), each (S,), from (G, S) group counts.

    NaN where a group has fewer than ``min_voters`` voters (and for ineligible statements).
    """
    probs = (group_agree + 1.0) / (group_seen + 2.0)
    log = np.log(probs).sum(axis=0)
    product = np.exp(log)
    mean = np.exp(log / max(len(probs), 1))
    ok = eligible & np.all(np.asarray(group_seen) >= min_voters, axis=0)
    return np.where(ok, product, np.nan), np.where(ok, mean, np.nan)


def consensus(
    total_agree: np.ndarray,
    total_disagree: np.ndarray,
    total_seen: np.ndarray,
    group_agree: np.ndarray,
    group_seen: np.ndarray,
    statement_ids: np.ndarray,
    eligible: np.ndarray,
    min_voters: int = MIN_VOTERS,
) -> Consensus:
    """Both consensus measures; totals are (S,) over all participants, groups (G, S).

    ``min_voters`` is the voter floor (module notes).
    """
    agree, disagree = majority(
        total_agree, total_disagree, total_seen, statement_ids, eligible, min_voters
    )
    product, mean = group_informed(group_agree, group_seen, eligible, min_voters)
    return Consensus(agree, disagree, product, mean)
