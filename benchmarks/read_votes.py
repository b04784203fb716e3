"""Reading a consultation's votes into arrays: 1.8 million votes on SQLite in <= 3 s.

Builds a migrated SQLite database in a temporary folder with one consultation of
33,000 participants, 783 statements and 1.8 million votes (plus a second consultation,
so the read must use the consultation index), then times
:func:`consult.reports.adapter.read_vote_arrays` and the full :func:`read_input` (votes,
statement flags and participant attributes into the analysis engine's input).
Usage: ``python benchmarks/read_votes.py [--votes N]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 3.0


def build(path: Path, n_p: int, n_s: int, n_v: int) -> None:
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from consult.app import create_app

    url = f"sqlite:///{path}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(path.parent)})
    with app.app_context():
        upgrade()
    rng = np.random.default_rng(0)
    conn = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    with conn:
        for cid, slug in ((1, "bench"), (2, "other")):
            conn.execute(
                "INSERT INTO consultation (id, slug, title, summary, languages, status, "
                "moderation_mode, allow_anonymous, allow_statements, dashboard_public, "
                "created_at) VALUES (?, ?, '{}', '{}', '[\"en\"]', 'open', 'post', 1, 1, 1, ?)",
                (cid, slug, now),
            )
        conn.executemany(
            "INSERT INTO participant (id, consultation_id, anonymous_key, created_at) "
            "VALUES (?, 1, ?, ?)",
            ((i, f"k{i}", now) for i in range(1, n_p + 1)),
        )
        conn.executemany(
            "INSERT INTO statement (id, consultation_id, kind, text, moderation_state, is_seed, "
            "needs_response, created_at) VALUES (?, 1, 'participant', ?, 'approved', 0, 0, ?)",
            ((j, f"statement {j}", now) for j in range(1, n_s + 1)),
        )
        cells = rng.choice(n_p * n_s, size=n_v, replace=False)
        values = rng.choice([-1, 0, 1], size=n_v)
        conn.executemany(
            "INSERT INTO vote (consultation_id, participant_id, statement_id, value, "
            "created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)",
            (
                (int(c // n_s) + 1, int(c % n_s) + 1, int(v), now, now)
                for c, v in zip(cells, values, strict=True)
            ),
        )
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=1_800_000)
    parser.add_argument("--keep", help="build the database at this path once and reuse it")
    args = parser.parse_args()
    n_p, n_s = 33_000, 783
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.keep) if args.keep else Path(folder) / "bench.db"
        if not path.exists():
            tick = time.perf_counter()
            build(path, n_p, n_s, args.votes)
            print(f"built {args.votes:,} votes in {time.perf_counter() - tick:.1f} s")

        from consult.app import create_app
        from consult.reports.adapter import read_input, read_vote_arrays

        url = f"sqlite:///{path}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder})
        with app.app_context():
            tick = time.perf_counter()
            participant, _, _ = read_vote_arrays(1)
            read_seconds = time.perf_counter() - tick
            tick = time.perf_counter()
            data = read_input(1)
            input_seconds = time.perf_counter() - tick
    ok = read_seconds <= TARGET_SECONDS
    print(
        f"read_vote_arrays: {len(participant):,} votes in {read_seconds:.2f} s "
        f"(target <= {TARGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'})"
    )
    print(
        f"read_input (matrix {data.votes.shape[0]:,} x {data.votes.shape[1]:,}, flags, "
        f"attributes): {input_seconds:.2f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
