"""Validate the grouping: against Polis on the real exports, and against planted truth.

1. Per conversation in ../shared/data/polis, ARI of our groups to Polis's own (over the
   participants both clustered) and k against Polis's k, for three variants:
   - ``polis``: Polis's rules to the letter in one run (one k-means start from the first
     k distinct base centres, k by the best silhouette, always >= 2 groups);
   - ``consult``: the default of :func:`consult.analysis.analyse` (see
     :mod:`consult.analysis.clustering` and :mod:`consult.analysis.structure`), with the
     structure test's p-value;
   - ``replay`` (votes.csv, full run only): Polis's rules run as Polis ran them, once per
     batch of votes in time order, warm-started (base centres, k hysteresis, sticky
     in-conv set). Polis's k is path-dependent.
2. Leave-one-out for every choice that departs from Polis: for each held-out conversation,
   the value from a small grid with the best median ARI on the other six, scored on the
   held-out one. The LOO median is printed beside the in-sample median of the default.
3. Planted truth (consult.analysis.synthetic): share of runs with the right k, median ARI,
   for the default and with each departure switched back to Polis's rule; and the
   false-structure rate on uniform random votes (30-150 participants).

Usage: ``python benchmarks/polis_validation.py [--data DIR] [--quick] [--batches N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consult.analysis import VoteMatrix, analyse, load_export  # noqa: E402
from consult.analysis.polis_io import read_vote_log  # noqa: E402
from consult.analysis.structure import Rules  # noqa: E402
from consult.analysis.synthetic import planted_conversation, uniform_votes  # noqa: E402

DEFAULT = Rules()
# Each departure's grid lists Polis's own value first, so ties go to Polis's rule.
GRIDS = {
    "restarts": [0, 3, 10],
    "k_tolerance": [0.0, 0.02, 0.05, 0.1],
    "k_by_participants": [False, True],
    "min_group_share": [None, 0.02, 0.05, 0.1],
    "alpha": [None, 0.01, 0.05, 0.1],
}
VARIANTS = {
    "default": DEFAULT,
    "restarts=0": replace(DEFAULT, restarts=0),
    "k_tolerance=.05": replace(DEFAULT, k_tolerance=0.05),
    "k by base": replace(DEFAULT, k_by_participants=False),
    "no min size": replace(DEFAULT, min_group_share=None),
    "no test": replace(DEFAULT, alpha=None),
    "polis": Rules.polis(),
}


def ari_to_polis(export, result) -> tuple[int, float]:
    both = (result.group_labels >= 0) & (export.polis_groups >= 0)
    return int(both.sum()), float(
        adjusted_rand_score(export.polis_groups[both], result.group_labels[both])
    )


def replay(export, batches: int):
    participant, statement, value = read_vote_log(export.path / "votes.csv")
    result = None
    for cut in np.unique(np.linspace(0, len(value), batches + 1).astype(int))[1:]:
        votes = VoteMatrix.from_triples(
            participant[:cut],
            statement[:cut],
            value[:cut],
            statement_ids=export.votes.statement_ids,
        )
        result = analyse(votes, export.flags, previous=result, beyond=False, rules=Rules.polis())
    assert np.array_equal(result.participant_ids, export.votes.participant_ids)
    return result


def per_conversation(exports: dict, batches: int) -> None:
    print("1. Against Polis's own groups (ARI over participants both clustered)")
    header = (
        f"{'conversation':28} {'ptpts':>6} {'stmts':>5} {'both':>5} {'polis k':>7} | "
        f"{'polis rules':>12} | {'consult':>12} {'p':>6} | {'replay':>12}"
    )
    print(header + "\n" + "-" * len(header))
    found: dict[str, list] = {"polis rules": [], "consult": [], "replay": []}
    for name, export in exports.items():
        polis_k = len(np.unique(export.polis_groups[export.polis_groups >= 0]))
        runs = {
            "polis rules": analyse(export.votes, export.flags, beyond=False, rules=Rules.polis()),
            "consult": analyse(export.votes, export.flags, beyond=False),
        }
        if batches:
            runs["replay"] = replay(export, batches)
        cells = {}
        for variant, result in runs.items():
            both, ari = ari_to_polis(export, result)
            found[variant].append((result.k == polis_k, ari))
            cells[variant] = f"k={result.k} {ari:6.3f}"
        p = runs["consult"].structure_p_value
        n_p, n_s = export.votes.shape
        print(
            f"{name[:28]:28} {n_p:6d} {n_s:5d} {both:5d} {polis_k:7d} | "
            f"{cells['polis rules']:>12} | {cells['consult']:>12} "
            f"{'-' if p is None else f'{p:.3f}':>6} | {cells.get('replay', '-'):>12}"
        )
    for variant, rows in found.items():
        if rows:
            median = statistics.median(a for _, a in rows)
            same = sum(m for m, _ in rows)
            print(
                f"{variant:12}: median ARI {median:.3f}, same k as Polis in {same} of {len(rows)}"
            )


def leave_one_out(exports: dict) -> None:
    print("\n2. Leave-one-out over the conversations, for each departure from Polis")
    print(
        f"{'choice':17} {'grid':28} {'Polis value':>11} {'default':>8} {'in-sample':>11} "
        f"{'LOO':>11}  chosen per held-out conversation"
    )
    names = list(exports)
    for choice, grid in GRIDS.items():
        scores = {}
        for value in grid:
            rules = replace(DEFAULT, **{choice: value})
            scores[value] = {
                n: ari_to_polis(e, analyse(e.votes, e.flags, beyond=False, rules=rules))[1]
                for n, e in exports.items()
            }
        held, chosen = [], []
        for out in names:
            rest = [n for n in names if n != out]
            best = max(grid, key=lambda v: statistics.median(scores[v][n] for n in rest))
            chosen.append(best)
            held.append(scores[best][out])
        default = getattr(DEFAULT, choice)
        polis = scores[grid[0]].values()
        print(
            f"{choice:17} {str(grid):28} {_two(polis):>11} {str(default):>8} "
            f"{_two(scores[default].values()):>11} {_two(held):>11}  {chosen}"
        )
    print(
        "(median/mean ARI over the conversations; 'Polis value' is the grid's first entry, "
        "Polis's own rule; ties between grid values go to it)"
    )


def _two(values) -> str:
    values = list(values)
    return f"{statistics.median(values):.3f}/{statistics.mean(values):.3f}"


def planted(quick: bool) -> None:
    print("\n3. Planted truth: share of runs with the right k / median ARI to the truth")
    sizes = [30, 300, 2000] if quick else [30, 100, 300, 1000, 2000]
    seeds = range(1) if quick else range(3)
    cases = [(1, 0.0)] + [(k, c) for k in (2, 3) for c in (0.5, 0.8, 1.2)]
    print(f"{'variant':14} " + " ".join(f"{f'k={k} c={c}':>13}" for k, c in cases))
    for label, rules in VARIANTS.items():
        cells = []
        for k_true, contrast in cases:
            right, aris = [], []
            for n in sizes:
                for seed in seeds:
                    votes, truth = planted_conversation(
                        n, 50, n * 25, n_groups=k_true, contrast=contrast, seed=seed
                    )
                    r = analyse(votes, beyond=False, random_state=seed, rules=rules)
                    clustered = r.group_labels >= 0
                    right.append(r.k == k_true)
                    aris.append(adjusted_rand_score(truth[clustered], r.group_labels[clustered]))
            share = np.mean(right)
            cells.append(f"{share:5.2f}/{np.median(aris):5.2f}" if k_true > 1 else f"{share:11.2f}")
        print(f"{label:14} " + " ".join(f"{c:>13}" for c in cells))
    print(f"(sizes {sizes} participants, 50 statements, 25 votes each; seeds {list(seeds)})")
    print("\nFalse structure on uniform random votes (share of runs with k > 1)")
    n_seeds = 5 if quick else 20
    for n in (30, 60, 100, 150):
        ks = [
            analyse(uniform_votes(n, 40, n * 20, seed=s), beyond=False, random_state=s).k
            for s in range(n_seeds)
        ]
        print(f"{n:4d} participants: {np.mean(np.array(ks) > 1):.2f} of {n_seeds} seeds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polis")
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="no replay, fewer synthetic runs")
    args = parser.parse_args()
    folders = sorted(p for p in args.data.iterdir() if (p / "comments.csv").is_file())
    if not folders:
        sys.exit(f"error: no Polis exports under {args.data}")
    start = time.perf_counter()
    exports = {f.name: load_export(f) for f in folders}
    per_conversation(exports, 0 if args.quick else args.batches)
    leave_one_out(exports)
    planted(args.quick)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
