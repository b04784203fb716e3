"""Time and memory of the analysis on synthetic conversations with planted groups.

Each size runs in its own subprocess so its peak RSS (ru_maxrss) is its own. For each
size: the Polis-equivalent analysis (``beyond=False``) and the full analysis with
section 2 (``beyond=True``, 20 bootstrap resamples), time, tracemalloc peak, RSS, and the
ARI of our groups to the planted ones. Usage: ``python benchmarks/analysis.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(3_300, 200, 180_000), (33_000, 783, 1_800_000), (330_000, 2_000, 18_000_000)]


def run_one(n_p: int, n_s: int, n_v: int, beyond: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from sklearn.metrics import adjusted_rand_score

    from consult.analysis import analyse
    from consult.analysis.synthetic import planted_conversation

    votes, truth = planted_conversation(n_p, n_s, n_v, n_groups=3, seed=0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    start = time.perf_counter()
    result = analyse(votes, beyond=beyond, n_bootstrap=20)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    clustered = result.group_labels >= 0
    return {
        "votes": votes.n_votes,
        "seconds": seconds,
        "polis_seconds": result.timings["polis"],
        "tracemalloc_mb": peak,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_input_mb": rss_before,
        "k": result.k,
        "ari": adjusted_rand_score(truth[clustered], result.group_labels[clustered]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the smallest size")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n_p, n_s, n_v, beyond = (int(x) for x in args.child)
        print(json.dumps(run_one(n_p, n_s, n_v, bool(beyond))))
        return
    sizes = SIZES[:1] if args.quick else SIZES
    print(
        f"{'participants':>12} {'stmts':>5} {'votes':>10} {'part':>7} {'seconds':>8} "
        f"{'tracemalloc MB':>14} {'RSS MB':>7} {'k':>2} {'ARI':>6}"
    )
    for n_p, n_s, n_v in sizes:
        for beyond in (False, True):
            if beyond and n_p > 100_000:
                continue  # section 2's target is set at the 33k size
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(n_p),
                    str(n_s),
                    str(n_v),
                    str(int(beyond)),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout)
            part = "all" if beyond else "polis"
            print(
                f"{n_p:12,d} {n_s:5d} {r['votes']:10,d} {part:>7} {r['seconds']:8.2f} "
                f"{r['tracemalloc_mb']:14.0f} {r['rss_mb']:7.0f} {r['k']:2d} {r['ari']:6.3f}"
            )


if __name__ == "__main__":
    main()
