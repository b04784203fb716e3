"""Compare our opinion groups with Polis's own on the real exports in ../shared/data/polis.

For every conversation, from votes.csv and from participants-votes.csv, three variants:

- ``polis``: Polis's rules to the letter in one run: a single k-means start from the
  first k distinct base centres, k by the best silhouette, always >= 2 groups.
- ``consult``: the default of :func:`consult.analysis.analyse`, which departs from Polis
  for quality: 10 seeded k-means++ restarts on the base centres (lowest inertia wins),
  the smallest k within 0.05 silhouette of the best, and k = 1 below silhouette 0.38.
- ``replay`` (votes.csv only): Polis's rules run as Polis ran them, once per batch of
  votes in time order (50 batches), each run warm-started from the previous result
  (base centres, k hysteresis, sticky in-conv set). Polis's k is path-dependent: early
  runs have few base clusters and so K = 2, and hysteresis holds k there.

ARI is over the participants both Polis and we clustered. Usage:
``python benchmarks/polis_validation.py [--data DIR] [--batches N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consult.analysis import VoteMatrix, analyse, load_export  # noqa: E402
from consult.analysis.polis_io import read_vote_log  # noqa: E402

POLIS_RULES = {"restarts": 0, "k_tolerance": 0.0, "min_silhouette": -1.0}


def score(export, result) -> tuple[int, int, float]:
    both = (result.group_labels >= 0) & (export.polis_groups >= 0)
    ari = adjusted_rand_score(export.polis_groups[both], result.group_labels[both])
    return int(both.sum()), result.k, float(ari)


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
        result = analyse(votes, export.flags, previous=result, beyond=False, **POLIS_RULES)
    # The last batch holds every vote, so participants line up with the export's.
    assert np.array_equal(result.participant_ids, export.votes.participant_ids)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polis")
    parser.add_argument("--batches", type=int, default=50)
    args = parser.parse_args()
    folders = sorted(p for p in args.data.iterdir() if (p / "comments.csv").is_file())
    if not folders:
        sys.exit(f"error: no Polis exports under {args.data}")
    header = (
        f"{'conversation':28} {'source':7} {'ptpts':>6} {'stmts':>5} {'votes':>6} {'both':>5} "
        f"{'polis k':>7} | {'polis':>11} | {'consult':>11} | {'replay':>11}"
    )
    print(header)
    print("-" * len(header))
    rows: dict[str, list] = {"polis": [], "consult": [], "replay": []}
    for folder in folders:
        for source in ("votes", "participants-votes"):
            export = load_export(folder, source)
            polis_k = len(np.unique(export.polis_groups[export.polis_groups >= 0]))
            runs = {
                "polis": analyse(export.votes, export.flags, beyond=False, **POLIS_RULES),
                "consult": analyse(export.votes, export.flags, beyond=False),
            }
            if source == "votes":
                runs["replay"] = replay(export, args.batches)
            cells, both = {}, 0
            for name, result in runs.items():
                both, k, ari = score(export, result)
                rows[name].append((source, k == polis_k, ari))
                cells[name] = f"k={k} {ari:6.3f}"
            n_p, n_s = export.votes.shape
            print(
                f"{folder.name[:28]:28} {source[:7]:7} {n_p:6d} {n_s:5d} {export.votes.n_votes:6d} "
                f"{both:5d} {polis_k:7d} | {cells['polis']:>11} | {cells['consult']:>11} | "
                f"{cells.get('replay', '-'):>11}"
            )
    print()
    for name, found in rows.items():
        for source in ("votes", "participants-votes"):
            sel = [(match, ari) for s, match, ari in found if s == source]
            if not sel:
                continue
            median = statistics.median(a for _, a in sel)
            matches = sum(m for m, _ in sel)
            print(
                f"{name:8} from {source:19}: median ARI {median:.3f}, "
                f"same k as Polis in {matches} of {len(sel)}"
            )


if __name__ == "__main__":
    main()
