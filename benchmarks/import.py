"""``flask import-polis`` of a consultation the size of Polis's largest: time and memory.

Writes the synthetic export of benchmarks/cli.py once (33,000 participants x 783
statements, 1.8M latest votes, ~1.84M rows in votes.csv with the changed votes), then for
each database: a fresh one migrated with ``flask db upgrade``, an organiser account, and
the import (what ``flask import-polis`` runs) in a subprocess, timed, with its peak RSS from
``os.wait4``. Then it counts what was stored: votes and vote events against the export,
and the per-statement counts (statement_vote_count) against a recount of the vote rows.

Targets (issue 16): PostgreSQL <= 20 s and <= 1 GB; SQLite <= 40 s.

    .venv/bin/python benchmarks/import.py                  # both databases, one run each
    .venv/bin/python benchmarks/import.py --runs 3 --db postgresql --keep /tmp/polis-big
    .venv/bin/python benchmarks/import.py --checked        # PostgreSQL with the per-row
                                                           # foreign-key checks too
    .venv/bin/python benchmarks/import.py --scale 0.25     # a quarter of the participants
                                                           # and votes, for quick trials

The machine's load (1 min) is printed before each run: on a shared 2-core machine the wall
time mostly measures the queue for the CPU past a load of 2, and the CPU seconds printed
are what the import itself costs.

The PostgreSQL server is the one at 127.0.0.1:5432 (user postgres), as in the tests.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from cli import write_export  # noqa: E402  (the generator of benchmarks/cli.py)

FLASK = str(ROOT / ".venv" / "bin" / "flask")
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
ORGANISER = "importer@example.org"
TARGETS = {"postgresql": (20.0, 1024), "sqlite": (40.0, None)}
N_P, N_S, N_VOTES = 33_000, 783, 1_800_000

# Run in the child after the import: what was stored, and the counts against a recount.
CHECK = """
import sys
import sqlalchemy as sa
from consult.app import create_app
from consult.extensions import db
app = create_app()
with app.app_context():
    q = lambda sql: db.session.execute(sa.text(sql)).all()
    votes, events = q("SELECT (SELECT count(*) FROM vote), (SELECT count(*) FROM vote_event)")[0]
    wrong = q(
        "SELECT count(*) FROM (SELECT statement_id, "
        "sum(CASE WHEN value = 1 THEN 1 ELSE 0 END) AS a, "
        "sum(CASE WHEN value = -1 THEN 1 ELSE 0 END) AS d, "
        "sum(CASE WHEN value = 0 THEN 1 ELSE 0 END) AS p FROM vote GROUP BY statement_id) r "
        "LEFT JOIN statement_vote_count c USING (statement_id) "
        "WHERE c.agree IS NULL OR c.agree <> r.a OR c.disagree <> r.d OR c.passed <> r.p"
    )[0][0]
    print(votes, events, wrong)
"""


def create_pg_database() -> str:
    import psycopg

    name = f"consult_import_{secrets.token_hex(5)}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(url: str, instance: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="benchmark-" + secrets.token_hex(8),
        CONSULT_INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi:app",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("REDIS_URL", None)
    return env


def run(command: list[str], env: dict, stdin: str | None = None) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, input=stdin, timeout=1800
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def timed(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall seconds, the child's own peak RSS in MB, its CPU seconds, its output)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        tick = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - tick
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed:\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stdout


def import_once(kind: str, folder: Path, expected: tuple[int, int], scratch: Path, checked: bool):
    load = os.getloadavg()[0]
    instance = scratch / f"instance-{secrets.token_hex(4)}"
    instance.mkdir()
    url = create_pg_database() if kind == "postgresql" else f"sqlite:///{instance / 'consult.db'}"
    try:
        env = environment(url, instance)
        run([FLASK, "db", "upgrade"], env)
        run([sys.executable, "-c", CREATE_ORGANISER], env)
        command = [sys.executable, "-c", IMPORT, str(folder), "checked" if checked else "fast"]
        wall, peak, cpu, output = timed(command, env)
        votes, events, wrong = map(int, run([sys.executable, "-c", CHECK], env).split())
    finally:
        if kind == "postgresql":
            drop_pg_database(url)
    ok = (votes, events) == expected and wrong == 0
    server = float(output.strip().splitlines()[-1].split()[-1])
    return wall, peak, (cpu, server), output.strip(), (votes, events, wrong, ok), load


CREATE_ORGANISER = f"""
from consult.app import create_app
from consult.auth.services import register_user
app = create_app()
with app.app_context():
    register_user(email={ORGANISER!r}, display_name="Importer", password="benchmark password 1",
                  sector="academia", country="KE", organisation=None, confirmed=True)
"""

# What ``flask import-polis`` runs, with the per-row checks kept or not (skip_row_triggers),
# then the CPU seconds the PostgreSQL backend that served it has used (from /proc: the
# server runs on this machine). On a busy shared machine wall time mostly measures the
# queue for the CPU; these two CPU figures are what the import itself costs.
IMPORT = f"""
import os, sys
import sqlalchemy as sa
from consult.app import create_app
from consult.extensions import db
from consult.reports.polis_import import import_polis_export
app = create_app()
with app.app_context():
    print(import_polis_export(sys.argv[1], "big", {ORGANISER!r},
                             skip_row_triggers=sys.argv[2] == "fast"))
    server = 0.0
    if db.engine.dialect.name == "postgresql":
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        fields = open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    print(f"server CPU {{server:.2f}}")
"""


def expected_counts(folder: Path) -> tuple[int, int]:
    """(latest votes, vote events) as votes.csv holds them."""
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(folder / "votes.csv").select(["voter-id", "comment-id"])
    cells = table["voter-id"].to_numpy() * N_S + table["comment-id"].to_numpy()
    return len(np.unique(cells)), table.num_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--checked", action="store_true", help="also PostgreSQL with FK checks")
    parser.add_argument("--keep", help="write the export under this folder and reuse it")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the participants and votes"
    )
    args = parser.parse_args()
    n_p, n_votes = round(N_P * args.scale), round(N_VOTES * args.scale)
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        folder = Path(args.keep) if args.keep else scratch / "synthetic"
        if (folder / "participant-attributes.csv").is_file():
            print(f"reusing {folder}")
        else:
            tick = time.perf_counter()
            write_export(folder, n_p, N_S, n_votes, True)
            print(f"wrote the export in {time.perf_counter() - tick:.1f} s")
        expected = expected_counts(folder)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(
            f"export: {n_p:,} participants x {N_S} statements, {expected[0]:,} votes, "
            f"{expected[1]:,} rows in votes.csv, {size:,.0f} MB"
        )
        print(f"machine: {os.getloadavg()[0]:.2f} load (1 min), {os.cpu_count()} cores")
        kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
        plans = [(k, False) for k in kinds]
        if args.checked and "postgresql" in kinds:
            plans.append(("postgresql", True))
        for kind, checked in plans:
            results = [
                import_once(kind, folder, expected, scratch, checked) for _ in range(args.runs)
            ]
            walls = [r[0] for r in results]
            peak = max(r[1] for r in results)
            seconds, megabytes = TARGETS[kind]
            best = min(walls)
            verdict = best <= seconds and (megabytes is None or peak <= megabytes)
            name = kind + (" (per-row FK checks kept)" if checked else "")
            spread = (
                f", all runs {', '.join(f'{w:.1f}' for w in walls)} s" if len(walls) > 1 else ""
            )
            target = f"<= {seconds:.0f} s" + (f", <= {megabytes} MB" if megabytes else "")
            if args.scale != 1:
                target += f", for the full size; this is x{args.scale}"
            print(
                f"{name}: best {best:.1f} s wall{spread}; peak RSS {peak:,.0f} MB "
                f"(target {target}: {'ok' if verdict else 'MISSED'}); "
                f"load after: {os.getloadavg()[0]:.2f}"
            )
            cpu = min(r[2][0] for r in results), min(r[2][1] for r in results)
            server = f", PostgreSQL backend {cpu[1]:.1f} s" if kind == "postgresql" else ""
            print(f"  CPU (least of the runs): import process {cpu[0]:.1f} s{server}")
            votes, events, wrong, ok = results[-1][4]
            print(
                f"  stored {votes:,} votes, {events:,} vote events; statements whose counts "
                f"differ from a recount: {wrong} ({'counts match' if ok else 'MISMATCH'})"
            )
            loads = ", ".join(f"{r[5]:.2f}" for r in results)
            print(f"  load (1 min) before each run: {loads}")
            print(f"  {results[-1][3].splitlines()[0][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
