"""How the bridging ranking behaves with opinion camps of unequal size.

Two camps (shares 50/50, 80/20, 90/10 of N participants) disagree on 40 statements (each
camp favours half of them; 90 % of a camp vote its side). Four more statements are under
test, agreed by exactly these shares of the majority / minority camp:

- ``both 90``: 90 % / 90 %;  ``both 70``: 70 % / 70 %;
- ``major 95``: 95 % / 10 % (the larger camp's favourite);
- ``minor 95``: 10 % / 95 % (the smaller camp's favourite).

For each split the script prints, per test statement: the raw agreement rate, the plain
Community Notes-style intercept and its rank among all 44 statements, the score the
``bridging`` list is ranked by (the intercept of the same model with each opinion group
given equal total weight) and its rank, and the weakest camp's 90 % Jeffreys lower bound.
Figures, not asserted timings. Usage: ``python benchmarks/bridging_camps.py [N]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consult.analysis.agreement import jeffreys_interval  # noqa: E402
from consult.analysis.bridging import bridging_scores, group_balanced_weights  # noqa: E402
from consult.analysis.matrix import VoteMatrix  # noqa: E402

SPLITS = (0.5, 0.8, 0.9)
TESTS = {"both 90": (0.9, 0.9), "both 70": (0.7, 0.7), "major 95": (0.95, 0.1)}
TESTS["minor 95"] = (0.1, 0.95)
N_CAMP_STATEMENTS = 40


def camps_conversation(n: int, majority_share: float, seed: int = 0):
    """Votes, camp labels (0 = majority) and the test statements' columns."""
    rng = np.random.default_rng(seed)
    camp = (np.arange(n) >= round(n * majority_share)).astype(np.int64)
    rows, cols, vals = [], [], []
    for j in range(N_CAMP_STATEMENTS):
        loyal = rng.random(n) < 0.9
        agrees = (camp == j % 2) == loyal
        rows.append(np.arange(n)), cols.append(np.full(n, j)), vals.append(np.where(agrees, 1, -1))
    tests = {}
    for k, (name, shares) in enumerate(TESTS.items()):
        j = N_CAMP_STATEMENTS + k
        tests[name] = j
        agree = np.zeros(n, dtype=bool)
        for c, share in enumerate(shares):
            members = np.flatnonzero(camp == c)
            agree[members[: round(share * len(members))]] = True  # exact shares, no noise
        rows.append(np.arange(n)), cols.append(np.full(n, j)), vals.append(np.where(agree, 1, -1))
    n_statements = N_CAMP_STATEMENTS + len(TESTS)
    votes = VoteMatrix.from_triples(
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(vals),
        np.arange(n),
        np.arange(n_statements),
    )
    return votes, camp, tests


def _rank(scores: np.ndarray, j: int) -> int:
    return int((scores > scores[j]).sum()) + 1


def figures(n: int, majority_share: float) -> list[dict]:
    """One row per test statement (see the module docstring)."""
    votes, camp, tests = camps_conversation(n, majority_share)
    rated = np.bincount(votes.rows, minlength=n) > 0
    plain = bridging_scores(votes).statement_intercept
    fair = bridging_scores(votes, weights=group_balanced_weights(camp, rated)).statement_intercept
    out = []
    for name, j in tests.items():
        mine = votes.cols == j
        agree = votes.values[mine] == 1
        lows = []
        for c in (0, 1):
            inside = camp[votes.rows[mine]] == c
            lows.append(float(jeffreys_interval(agree[inside].sum(), inside.sum())[0]))
        out.append(
            {
                "statement": name,
                "raw_rate": float(agree.mean()),
                "plain": float(plain[j]),
                "plain_rank": _rank(plain, j),
                "score": float(fair[j]),
                "score_rank": _rank(fair, j),
                "weakest_lower": min(lows),
            }
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"{n} participants, {N_CAMP_STATEMENTS} camp statements + {len(TESTS)} under test")
    header = "split  statement  raw   plain (rank)   score (rank)  weakest lower"
    for share in SPLITS:
        print(f"\n{header}")
        for row in figures(n, share):
            split = f"{round(share * 100)}/{round((1 - share) * 100)}"
            print(
                f"{split:6} {row['statement']:9} {row['raw_rate']:5.2f} "
                f"{row['plain']:+6.3f} ({row['plain_rank']:2d})   "
                f"{row['score']:+6.3f} ({row['score_rank']:2d})   {row['weakest_lower']:.3f}"
            )


if __name__ == "__main__":
    main()
