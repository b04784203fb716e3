"""Server time and size of the pages that must not grow with the consultation (issue 16, 2).

Builds (once; ``--rebuild`` starts over) a database holding the synthetic Polis export of
``benchmarks/cli.py`` (default 33,000 participants x 783 statements, ~1.8M votes) through
``flask import-polis``, runs ``flask analyse``, then times in this process, through the
Flask test client, as an anonymous reader:

- ``/c/<slug>/dashboard`` (the first request after a new snapshot, then warm ones),
- ``/c/<slug>/statements`` in each sort order, a search and a later page,

and prints, per page, the median and p95 server time over ``--repeat`` requests after a
warm-up, and the HTML size. The time is the request's own (no network, no browser).

Usage::

    python benchmarks/pages.py                      # PostgreSQL (127.0.0.1, user postgres)
    python benchmarks/pages.py --sqlite             # a SQLite file under /tmp
    python benchmarks/pages.py --participants 3300 --statements 200 --votes 180000

The database is named after the size (``consult_pages_<P>x<S>``) and kept between runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
ORGANISER = "bench-organiser@example.org"
SLUG = "bench"


def _flask(database_url: str, instance: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONSULT_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "pages-benchmark-secret",
        "ANALYSIS_MODE": "off",
        "CONSULT_ADMIN_PASSWORD": "pages-benchmark-password",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi:app", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def _postgres(name: str, rebuild: bool) -> tuple[str, bool]:
    """The benchmark database's URL, and whether it must be filled."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", not exists


def _sqlite(name: str, rebuild: bool) -> tuple[str, bool]:
    path = Path(tempfile.gettempdir()) / f"{name}.sqlite"
    if rebuild and path.exists():
        path.unlink()
    return f"sqlite:///{path}", not path.exists()


def build(database_url: str, instance: Path, n_p: int, n_s: int, n_v: int) -> None:
    """Migrate, import the synthetic export and analyse it."""
    from cli import write_export

    print(f"building {n_p} x {n_s} / {n_v} votes in {database_url} ...", flush=True)
    _flask(database_url, instance, "db", "upgrade")
    _flask(database_url, instance, "create-admin", ORGANISER, "--country", "DE")
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / SLUG
        write_export(export, n_p, n_s, n_v, vote_log=True)
        start = time.perf_counter()
        out = _flask(
            database_url,
            instance,
            "import-polis",
            str(export),
            "--slug",
            SLUG,
            "--organiser",
            ORGANISER,
        )
        print(f"  {out} ({time.perf_counter() - start:.1f} s)", flush=True)
    analyse(database_url, instance)


def analyse(database_url: str, instance: Path) -> None:
    start = time.perf_counter()
    out = _flask(database_url, instance, "analyse", SLUG)
    print(f"  {out} ({time.perf_counter() - start:.1f} s wall)", flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_page(client, url: str, repeat: int, warmup: int = 2) -> dict:
    """Server time of ``repeat`` GETs of ``url`` after ``warmup`` ones, and its size."""
    first = None
    for i in range(warmup):
        start = time.perf_counter()
        response = client.get(url)
        if i == 0:
            first = time.perf_counter() - start
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "url": url,
        "first_ms": 1000 * first,
        "median_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * _percentile(times, 0.95),
        "kb": len(response.data) / 1024,
    }


def measure(database_url: str, instance: Path, repeat: int) -> list[dict]:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "CONSULT_INSTANCE_PATH": str(instance),
            "SECRET_KEY": "pages-benchmark-secret",
            "ANALYSIS_MODE": "off",
        }
    )
    from consult.app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()
    base = f"/c/{SLUG}"
    urls = [
        f"{base}/dashboard",
        f"{base}/statements",
        f"{base}/statements?sort=agreed",
        f"{base}/statements?sort=divisive",
        f"{base}/statements?sort=least_voted",
        f"{base}/statements?sort=agreed&page=8",
        f"{base}/statements?q=statement+1",
    ]
    with app.app_context():
        return [time_page(client, url, repeat) for url in urls], stored_sizes()


def stored_sizes() -> dict:
    """Bytes of the latest snapshot's stored parts: JSON, packed arrays, routing."""
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.reports.models import AnalysisSnapshot

    def size(column):
        return sa.func.coalesce(sa.func.length(sa.cast(column, sa.Text)), 0)

    row = db.session.execute(
        sa.select(
            size(AnalysisSnapshot.stored_result),
            sa.func.coalesce(sa.func.length(AnalysisSnapshot.arrays), 0),
            size(AnalysisSnapshot.routing),
        )
        .order_by(AnalysisSnapshot.id.desc())
        .limit(1)
    ).one()
    return {"json": row[0], "arrays": row[1], "routing": row[2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--participants", type=int, default=33_000)
    parser.add_argument("--statements", type=int, default=783)
    parser.add_argument("--votes", type=int, default=1_800_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the database")
    parser.add_argument("--reanalyse", action="store_true", help="run a new analysis first")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    name = f"consult_pages_{args.participants}x{args.statements}"
    database_url, empty = (_sqlite if args.sqlite else _postgres)(name, args.rebuild)
    instance = Path(tempfile.gettempdir()) / f"{name}-instance"
    instance.mkdir(exist_ok=True)
    if not empty:
        _flask(database_url, instance, "db", "upgrade")  # the schema may have moved on
    if empty:
        build(database_url, instance, args.participants, args.statements, args.votes)
    elif args.reanalyse:
        analyse(database_url, instance)
    if args.build_only:
        return
    print(
        f"{'sqlite' if args.sqlite else 'postgresql'}: {args.participants} participants x "
        f"{args.statements} statements, {args.repeat} timed requests per page after warm-up"
    )
    print(f"{'page':48} {'first':>8} {'median':>8} {'p95':>8} {'HTML':>9}")
    rows, sizes = measure(database_url, instance, args.repeat)
    for row in rows:
        print(
            f"{row['url']:48} {row['first_ms']:6.0f}ms {row['median_ms']:6.1f}ms "
            f"{row['p95_ms']:6.1f}ms {row['kb']:7.0f}KB"
        )
    print(
        f"latest snapshot stored as: JSON {sizes['json'] / 1024:,.0f} KB, "
        f"packed arrays {sizes['arrays'] / 1024:,.0f} KB, routing {sizes['routing'] / 1024:,.0f} KB"
    )


if __name__ == "__main__":
    main()
