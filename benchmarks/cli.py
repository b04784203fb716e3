"""``python -m consult.analysis`` end to end on synthetic Polis exports: time and memory.

Writes a Polis export folder (comments.csv, votes.csv with some changed votes,
participants-votes.csv, summary.csv, participant-attributes.csv) with planted opinion
groups under a temporary folder, runs the CLI on it as a subprocess, and prints wall time
and peak RSS (``os.wait4``: that child's own maximum resident set size, so the
generator, which runs in this process, is not counted).

- default: 33,000 participants x 783 statements, ~1.8M votes.
  Targets: <= 3 s wall and <= 600 MB peak.
- ``--large``: also 330,000 x 2,000, ~18M votes, written as participants-votes.csv with
  a 0-byte votes.csv (the fallback path; real exports have both).
  Targets: <= 60 s and <= 4 GB.
- ``--reddwarf``: also runs red-dwarf 0.4.0's Polis pipeline on the same folder (its own
  CSV parsing of votes.csv and comments.csv, duplicate-vote filter and
  ``reddwarf.implementations.polis.run_pipeline``) in a venv of its own
  (``/tmp/reddwarf-venv``, created with pip when missing; never the project's .venv) and
  prints the ratio. Target: the CLI >= 10x faster.

Usage: ``python benchmarks/cli.py [--large] [--reddwarf] [--bootstrap N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
REDDWARF_VENV = Path(tempfile.gettempdir()) / "reddwarf-venv"
SECTORS = ("government", "industry", "academia", "civil_society", "citizen")
REGIONS = ("east_asia_pacific", "europe_central_asia", "sub_saharan_africa", "south_asia")
INCOME = ("low", "lower_middle", "upper_middle", "high")
_CSV = pacsv.WriteOptions(quoting_header="none", quoting_style="none")


def planted_votes(n_p: int, n_s: int, n_votes: int, n_groups: int = 3, seed: int = 0):
    """(participant, statement, value, group) for ``n_votes`` distinct cells.

    Each participant belongs to a planted group; each group agrees with a statement with
    probability 0.85 or 0.15 (drawn per group and statement), and passes 15 % of the time.
    """
    rng = np.random.default_rng(seed)
    group = rng.choice(
        n_groups, size=n_p, p=np.linspace(2, 1, n_groups) / np.linspace(2, 1, n_groups).sum()
    )
    p_agree = np.where(rng.random((n_groups, n_s)) < 0.5, 0.85, 0.15)
    cells = np.unique(rng.integers(0, n_p * n_s, size=int(n_votes * 1.1), dtype=np.int64))
    cells = np.sort(rng.choice(cells, size=min(n_votes, len(cells)), replace=False))
    participant, statement = cells // n_s, cells % n_s
    u = rng.random(len(cells))
    agree = p_agree[group[participant], statement]
    value = np.where(u < 0.15, 0, np.where(rng.random(len(cells)) < agree, 1, -1)).astype(np.int8)
    return participant, statement, value, group


def write_export(folder: Path, n_p: int, n_s: int, n_votes: int, vote_log: bool, seed: int = 0):
    """Write a Polis export folder; returns the number of (latest) votes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    participant, statement, value, group = planted_votes(n_p, n_s, n_votes, seed=seed)
    moderated = np.where(rng.random(n_s) < 0.03, -1, 1)
    pacsv.write_csv(
        pa.table(
            {
                "timestamp": np.arange(n_s, dtype=np.int64) + 1_400_000_000_000,
                "datetime": ["Tue Jul 01 2014 12:00:00 GMT+0000 (UTC)"] * n_s,
                "comment-id": np.arange(n_s),
                "author-id": rng.integers(0, n_p, n_s),
                "agrees": np.zeros(n_s, np.int64),
                "disagrees": np.zeros(n_s, np.int64),
                "moderated": moderated,
                "comment-body": [f"statement {j}" for j in range(n_s)],
            }
        ),
        folder / "comments.csv",
        _CSV,
    )
    if vote_log:
        _write_vote_log(folder / "votes.csv", participant, statement, value, rng)
    else:
        (folder / "votes.csv").write_bytes(b"")  # 0 bytes, as some real exports have
    _write_matrix(folder / "participants-votes.csv", n_p, n_s, participant, statement, value)
    (folder / "summary.csv").write_text(
        f"topic,synthetic\nvoters,{n_p}\ncomments,{n_s}\ngroups,{group.max() + 1}\n"
    )
    pids = np.arange(n_p)
    pacsv.write_csv(
        pa.table(
            {
                "participant": pids,
                "sector": pa.array(np.array(SECTORS)[rng.integers(0, len(SECTORS), n_p)]),
                "region": pa.array(np.array(REGIONS)[rng.integers(0, len(REGIONS), n_p)]),
                "income_group": pa.array(
                    np.array(INCOME)[rng.integers(0, len(INCOME), n_p)],
                    mask=rng.random(n_p) < 0.1,  # some unknown
                ),
            }
        ),
        folder / "participant-attributes.csv",
        _CSV,
    )
    return len(value)


def _write_vote_log(path, participant, statement, value, rng):
    # 2 % of the votes were changed later: the earlier vote comes first in time.
    changed = np.flatnonzero(rng.random(len(value)) < 0.02)
    p = np.concatenate([participant[changed], participant])
    s = np.concatenate([statement[changed], statement])
    v = np.concatenate([-value[changed], value])
    stamps = 1_400_000_000_000 + np.arange(len(v), dtype=np.int64) * 7
    order = np.arange(len(v))
    rng.shuffle(order[len(changed) :])  # the vote log is in time order after the changes
    table = pa.table(
        {
            "timestamp": stamps,
            "datetime": pa.array(["Tue Jul 01 2014 12:00:00 GMT+0000 (UTC)"] * len(v)),
            "comment-id": s[order],
            "voter-id": p[order],
            "vote": v[order],
        }
    )
    pacsv.write_csv(table, path, _CSV)


def _write_matrix(path, n_p, n_s, participant, statement, value, chunk=10_000):
    head = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    schema = pa.schema([(h, pa.int64()) for h in head] + [(str(j), pa.int8()) for j in range(n_s)])
    bounds = np.searchsorted(participant, np.arange(0, n_p + chunk, chunk))
    with pacsv.CSVWriter(path, schema, write_options=_CSV) as writer:
        for c, start in enumerate(range(0, n_p, chunk)):
            stop = min(start + chunk, n_p)
            lo, hi = bounds[c], bounds[c + 1]
            rows = participant[lo:hi] - start
            dense = np.zeros((n_s, stop - start), dtype=np.int8)
            seen = np.zeros((n_s, stop - start), dtype=bool)
            dense[statement[lo:hi], rows] = value[lo:hi]
            seen[statement[lo:hi], rows] = True
            n_votes = seen.sum(axis=0)
            columns = [
                np.arange(start, stop),
                np.zeros(stop - start, np.int64),
                np.zeros(stop - start, np.int64),
                n_votes,
                (dense == 1).sum(axis=0),
                (dense == -1).sum(axis=0),
            ]
            arrays = [pa.array(col.astype(np.int64)) for col in columns]
            arrays[1] = pa.nulls(stop - start, pa.int64())  # Polis clustered nobody here
            arrays += [pa.array(dense[j], mask=~seen[j]) for j in range(n_s)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


REDDWARF_SCRIPT = """
import sys, time
from pathlib import Path

folder = Path(sys.argv[1])
from reddwarf.data_loader import Loader
from reddwarf.implementations.polis import run_pipeline


class LocalFiles:  # red-dwarf reads a CSV export by URL; hand it this folder's files
    def get(self, url):
        class Reply:
            text = (folder / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")
        return Reply()


loader = Loader()
loader.session = LocalFiles()
loader.load_remote_export_data_comments(str(folder) + "/")
loader.load_remote_export_data_votes(str(folder) + "/")
loader.filter_duplicate_votes(keep="recent")
mod_out = [c["statement_id"] for c in loader.comments_data if c["moderated"] == -1]
result = run_pipeline(votes=loader.votes_data, mod_out_statement_ids=mod_out, random_state=0)
print("red-dwarf groups:", len(set(result.participants_df["cluster_id"].dropna())))
"""


def reddwarf_python(install: bool) -> Path | None:
    """red-dwarf's interpreter in its own venv (created with pip if ``install``), or None."""
    python = REDDWARF_VENV / "bin" / "python"
    ok = python.exists() and subprocess.run([python, "-c", "import reddwarf"]).returncode == 0
    if not ok and install:
        print(f"installing red-dwarf 0.4.0 into {REDDWARF_VENV} (not the project's .venv)")
        subprocess.run([sys.executable, "-m", "venv", str(REDDWARF_VENV)], check=False)
        subprocess.run([python, "-m", "pip", "install", "-q", "red-dwarf==0.4.0"], check=False)
        ok = python.exists() and subprocess.run([python, "-c", "import reddwarf"]).returncode == 0
    return python if ok else None


def run_reddwarf(python: Path, folder: Path) -> tuple[float, float, str]:
    script = folder.parent / "reddwarf_run.py"
    script.write_text(REDDWARF_SCRIPT)
    return _timed([str(python), str(script), str(folder)], folder.parent)


def run_cli(folder: Path, bootstrap: int) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB of the child, its stage breakdown)."""
    command = [sys.executable, "-m", "consult.analysis", str(folder), "--json"]
    command += ["--bootstrap", str(bootstrap)]
    wall, peak, out = _timed(command, ROOT)
    data = json.loads(out)
    stages = {"load": 0.0, **data["timings"]}
    inside = float(data["seconds"])
    shown = ["load", "pca", "base_clusters", "structure_test", "tallies", "beyond", "total"]
    parts = ", ".join(f"{k} {stages[k]:.2f}" for k in shown if k in stages)
    startup = wall - inside
    return wall, peak, f"interpreter start + imports + output {startup:.2f} s; {parts}"


def _timed(command, cwd) -> tuple[float, float, str]:
    """Run ``command``; (wall seconds, this child's peak RSS in MB, the end of its output)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        tick = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not a running max
        wall = time.perf_counter() - tick
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command[:3]))} failed: {stderr.strip()[-500:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def bench(name, folder, n_p, n_s, n_votes, vote_log, bootstrap, targets, reddwarf=None, runs=1):
    tick = time.perf_counter()
    if (folder / "participant-attributes.csv").is_file():  # --keep: written by an earlier run
        n = n_votes
        print(f"reusing {folder}")
    else:
        n = write_export(folder, n_p, n_s, n_votes, vote_log)
    size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    print(
        f"{name}: {n_p:,} x {n_s:,}, {n:,} votes, export {size:,.0f} MB "
        f"(written in {time.perf_counter() - tick:.1f} s)"
    )
    # The first run pays for cold caches (Python's modules read from disk); the median of
    # the runs is what a user who runs the command again sees. Both are printed.
    timed = [run_cli(folder, bootstrap) for _ in range(runs)]
    wall, _, stages = sorted(timed, key=lambda t: t[0])[len(timed) // 2]
    peak = max(t[1] for t in timed)
    seconds, megabytes = targets
    verdict = "ok" if wall <= seconds and peak <= megabytes else "MISSED"
    runs_note = f"median of {runs} runs, first {timed[0][0]:.2f} s" if runs > 1 else "one run"
    print(
        f"  CLI --bootstrap {bootstrap}: {wall:.2f} s wall ({runs_note}), {peak:,.0f} MB peak "
        f"RSS (target <= {seconds} s, <= {megabytes:,} MB: {verdict})"
    )
    print(f"    {stages}")
    other = 0 if bootstrap else 20  # the stability figures' cost, beside the default run
    wall_other, peak_other, stages_other = run_cli(folder, other)
    print(f"  CLI --bootstrap {other}: {wall_other:.2f} s wall, {peak_other:,.0f} MB peak RSS")
    print(f"    {stages_other}")
    if reddwarf is not None:
        rd_wall, rd_peak, line = run_reddwarf(reddwarf, folder)
        print(
            f"  red-dwarf 0.4.0: {rd_wall:.2f} s wall, {rd_peak:,.0f} MB peak RSS "
            f"({line.strip().splitlines()[-1] if line.strip() else ''})"
        )
        ratio = rd_wall / wall
        print(
            f"  red-dwarf / CLI: {ratio:.1f}x (target >= 10x: {'ok' if ratio >= 10 else 'MISSED'})"
        )
    return wall, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 330,000 x 2,000 / 18M votes")
    parser.add_argument("--reddwarf", action="store_true", help="also time red-dwarf 0.4.0")
    parser.add_argument(
        "--bootstrap", type=int, default=0, help="CLI --bootstrap of the timed run (default 0)"
    )
    parser.add_argument(
        "--keep", help="write the exports under this folder and keep them (reused next time)"
    )
    args = parser.parse_args()
    reddwarf = reddwarf_python(install=True) if args.reddwarf else None
    if args.reddwarf and reddwarf is None:
        print(
            f"red-dwarf is NOT available (no working {REDDWARF_VENV}; pip failed): "
            "no comparison this run"
        )
    elif not args.reddwarf:
        print("red-dwarf comparison not requested (--reddwarf)")
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(args.keep) if args.keep else Path(scratch)
        bench(
            "medium",
            base / "medium",
            33_000,
            783,
            1_800_000,
            True,
            args.bootstrap,
            (3.0, 600),
            reddwarf,
            runs=3,
        )
        if args.large:
            bench(
                "large",
                base / "large",
                330_000,
                2_000,
                18_000_000,
                False,
                args.bootstrap,
                (60.0, 4_000),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
