"""Vote endpoint performance: the real htmx vote view against a bare upsert, on SQLite and
PostgreSQL, served by gunicorn on 127.0.0.1. Prints its figures; not a test.

    .venv/bin/python benchmarks/votes.py            # both databases, full durations
    .venv/bin/python benchmarks/votes.py --quick    # shorter runs
    .venv/bin/python benchmarks/votes.py --db sqlite --workers 2 --threads 4
    .venv/bin/python benchmarks/votes.py --profile  # cProfile the real view (test client)

For each database: a fresh one is migrated (``flask db upgrade``), one open consultation
with 20 approved clause statements and 1,000 accounts (+ their participant rows) are
inserted in bulk (one password hash reused), and each account gets a real signed session
cookie (logged in, with a CSRF token) made through Flask-Login and Flask-WTF themselves,
so the server checks cookie, session protection and CSRF exactly as for a browser.

Then, with gunicorn serving both the app (``wsgi:app``) and a bare Flask app that only
upserts one vote row with SQLAlchemy Core (same database, same worker settings):

1. throughput: closed loop, 16 keep-alive connections; after a warm-up of each, timed
   rounds load bare, then real, then bare again... (both servers up, one loaded at a
   time), so drift on a shared machine touches both alike; the ratio real / bare of the
   mean throughputs (target >= 60%), and the server CPU time per request of each.
2. steady load: open loop at 200 votes/s from the 1,000 participants; latency from the
   scheduled send time (target p99 < 200 ms); then the database is compared with the
   votes the servers acknowledged (every 200 answer, bare and real; the vote event log
   must hold exactly the real endpoint's acknowledged changes).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _loadgen  # noqa: E402

HOST = "127.0.0.1"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
USER_AGENT = "consult-votes-benchmark/1.0"
SECRET_KEY = "benchmark-secret-key-" + "x" * 32  # fixed, given to this process and gunicorn
N_PARTICIPANTS = 1000
N_STATEMENTS = 20
SLUG = "bench"
CHOICES = {1: "agree", -1: "disagree", 0: "pass"}
CYCLE = [1, -1, 0]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
FLASK = str(Path(sys.executable).with_name("flask"))

BARE_APP = textwrap.dedent(
    '''
    """Bare view: one vote upsert with SQLAlchemy Core, nothing else."""
    import os
    from datetime import datetime, timezone

    import sqlalchemy as sa
    from flask import Flask, request
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from consult.participation.models import Vote

    vote = Vote.__table__
    engine = sa.create_engine(os.environ["BARE_DATABASE_URL"])
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    app = Flask(__name__)


    @app.post("/bare")
    def bare():
        form = request.form
        now = datetime.now(timezone.utc)
        stmt = insert(vote).values(
            consultation_id=int(form["c"]),
            participant_id=int(form["p"]),
            statement_id=int(form["s"]),
            value=int(form["v"]),
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[vote.c.participant_id, vote.c.statement_id],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        )
        with engine.begin() as conn:
            conn.execute(stmt)
        return "ok"
    '''
)


# --- set-up ---------------------------------------------------------------------------


@dataclass
class Fixture:
    kind: str
    url: str
    instance: Path
    consultation_id: int = 0
    statement_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)
    csrf: list[str] = field(default_factory=list)


def server_env(fx: Fixture) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=fx.url,
        BARE_DATABASE_URL=fx.url,
        SECRET_KEY=SECRET_KEY,
        CONSULT_INSTANCE_PATH=str(fx.instance),
        FLASK_APP="wsgi:app",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("REDIS_URL", None)
    return env


def create_pg_database() -> str:
    import psycopg

    name = f"consult_bench_{secrets.token_hex(5)}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def migrate(fx: Fixture) -> None:
    result = subprocess.run(
        [FLASK, "db", "upgrade"],
        cwd=ROOT,
        env=server_env(fx),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{result.stderr[-3000:]}")


def make_app(fx: Fixture):
    os.environ.update(
        DATABASE_URL=fx.url, SECRET_KEY=SECRET_KEY, CONSULT_INSTANCE_PATH=str(fx.instance)
    )
    os.environ.pop("REDIS_URL", None)
    from consult.app import create_app

    return create_app({"ANALYSIS_MODE": "off"})


def seed(fx: Fixture, app) -> None:
    """One open consultation, 20 approved clause statements, 1,000 accounts and participants,
    and a logged-in session cookie + CSRF token for each account."""
    import flask_login
    import sqlalchemy as sa
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from consult.auth.services import hash_password
    from consult.consultations.models import Consultation, Participant, Status
    from consult.db_types import utcnow
    from consult.drafts.models import DraftVersion
    from consult.drafts.services import append_voted_clause
    from consult.extensions import db
    from consult.models import Sector, StakeholderProfile, User

    with app.app_context():
        consultation = Consultation(
            slug=SLUG,
            title={"en": "Benchmark consultation"},
            languages=["en"],
            status=Status.OPEN,
        )
        db.session.add(consultation)
        db.session.flush()
        version = DraftVersion(
            consultation_id=consultation.id,
            number=1,
            published_at=utcnow(),
            preamble={"en": ["Preamble."]},
        )
        for position in range(1, N_STATEMENTS + 1):
            clause = append_voted_clause(
                version, position, str(uuid.uuid4()), text={"en": f"Clause {position}."}
            )
            fx.statement_ids.append(clause.statement_id)
        db.session.add(version)
        db.session.commit()
        fx.consultation_id = consultation.id

        password_hash = hash_password("benchmark password")  # once, reused by every account
        now = utcnow()
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"voter{i:04d}@bench.example",
                    "display_name": f"Voter {i}",
                    "password_hash": password_hash,
                    "is_admin": False,
                    "is_active_account": True,
                    "created_at": now,
                }
                for i in range(N_PARTICIPANTS)
            ],
        )
        users = db.session.scalars(
            sa.select(User).where(User.email.like("voter%@bench.example")).order_by(User.email)
        ).all()
        db.session.execute(
            sa.insert(StakeholderProfile),
            [{"user_id": u.id, "sector": Sector.CITIZEN, "country": "KE"} for u in users],
        )
        db.session.execute(
            sa.insert(Participant),
            [
                {"consultation_id": consultation.id, "user_id": u.id, "created_at": now}
                for u in users
            ],
        )
        db.session.commit()
        by_user = dict(
            db.session.execute(
                sa.select(Participant.user_id, Participant.id).where(
                    Participant.consultation_id == consultation.id
                )
            ).all()
        )
        fx.participant_ids = [by_user[u.id] for u in users]

        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        for user in users:
            with app.test_request_context(
                environ_base={"REMOTE_ADDR": HOST}, headers={"User-Agent": USER_AGENT}
            ):
                # The request contexts share this app context's ``g``: drop the token
                # Flask-WTF cached there, or every account would get the first one's.
                g.pop("csrf_token", None)
                g.pop("_login_user", None)
                flask_login.login_user(user)
                token = generate_csrf()
                fx.cookies.append(f"{cookie_name}={serializer.dumps(dict(session))}")
                fx.csrf.append(token)
        db.session.remove()
        db.engine.dispose()


TALLY_READS = 200


def prefill(fx: Fixture, app, n: int) -> None:
    """``n`` anonymous participants, each with a vote on every statement, so each statement
    has ``n`` votes (the vote-count triggers fire as for any writer)."""
    import sqlalchemy as sa

    from consult.consultations.models import Participant
    from consult.db_types import utcnow
    from consult.extensions import db
    from consult.participation.models import Vote

    with app.app_context():
        now = utcnow()
        keys = [f"large-{i}" for i in range(n)]
        db.session.execute(
            sa.insert(Participant),
            [{"consultation_id": fx.consultation_id, "anonymous_key": k, "created_at": now}
             for k in keys],
        )  # fmt: skip
        # One INSERT ... SELECT per statement: the database makes the rows (the triggers
        # and foreign-key checks run as for any insert), no parameters per row.
        for s_index, statement_id in enumerate(fx.statement_ids):
            db.session.execute(
                sa.text(
                    "INSERT INTO vote (consultation_id, participant_id, statement_id, value,"
                    " created_at, updated_at) SELECT :c, id, :s, ((id + :k) % 3) - 1, :now, :now"
                    " FROM participant WHERE consultation_id = :c AND anonymous_key LIKE 'large-%'"
                ).bindparams(sa.bindparam("now", type_=Vote.created_at.type)),
                {"c": fx.consultation_id, "s": statement_id, "k": s_index, "now": now},
            )
        db.session.commit()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        db.session.remove()


def tally_reads(fx: Fixture, app) -> dict:
    """Mean time of one statement's tally read both ways, in this process: the GROUP BY
    count of its vote rows that record_vote ran before migration 0014, and tallies()."""
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.participation.models import Vote
    from consult.participation.votes import tallies

    count = (
        sa.select(Vote.statement_id, Vote.value, sa.func.count())
        .where(Vote.statement_id.in_(sa.bindparam("ids", expanding=True)))
        .group_by(Vote.statement_id, Vote.value)
    )
    figures = {}
    with app.app_context():
        for name, read in (
            ("count_ms", lambda sid: db.session.execute(count, {"ids": [sid]}).all()),
            ("counter_ms", lambda sid: tallies([sid])),
        ):
            read(fx.statement_ids[0])  # warm
            tick = time.perf_counter()
            for i in range(TALLY_READS):
                read(fx.statement_ids[i % N_STATEMENTS])
            figures[name] = 1000 * (time.perf_counter() - tick) / TALLY_READS
        db.session.remove()
    return figures


def read_votes(url: str, consultation_id: int) -> tuple[dict, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            votes = {
                (p, s): v
                for p, s, v in conn.execute(
                    sa.text(
                        "SELECT participant_id, statement_id, value FROM vote"
                        " WHERE consultation_id = :c"
                    ),
                    {"c": consultation_id},
                )
            }
            events = conn.scalar(
                sa.text("SELECT count(*) FROM vote_event WHERE consultation_id = :c"),
                {"c": consultation_id},
            )
    finally:
        engine.dispose()
    return votes, int(events)


def read_counts(url: str, statement_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """The per-statement counts the vote triggers keep (migration 0014)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT statement_id, agree, disagree, passed FROM statement_vote_count"
                    " WHERE statement_id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": statement_ids},
            )
            return {r[0]: tuple(r[1:]) for r in rows}
    finally:
        engine.dispose()


# --- servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, app_spec: str, cwd: Path, env: dict, args, log_dir: Path):
        self.name, self.port = name, free_port()
        self.log = log_dir / f"{name}.log"
        self.cmd = [
            GUNICORN,
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--worker-class", "gthread",
            "--keep-alive", "10",
            "--backlog", "256",
            "--log-level", "warning",
            app_spec,
        ]  # fmt: skip
        self.cwd, self.env = cwd, env
        self.proc: subprocess.Popen | None = None

    def start(self, check_path: str) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(f"GET {check_path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
                    if sock.recv(12):
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not start:\n{self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the gunicorn master and its workers."""
        assert self.proc is not None
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            pid, ppid = int(stat.parent.name), int(fields[1])
            if self.proc.pid in (pid, ppid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script started
            self.proc.wait(timeout=5)


# --- request plans ----------------------------------------------------------------------


class Plan:
    """Who votes on what next: participants in rotation (consecutive requests never share a
    participant, so one (participant, statement) pair is never in flight twice), statements
    rotating per participant, and each vote differing from the pair's previous one."""

    def __init__(self, fx: Fixture):
        self.fx = fx
        self.port = 0  # of the server the next requests go to (their Host header)
        self.i = 0
        self.last: dict[tuple[int, int], int] = {}

    def next_pair_value(self) -> tuple[int, int, int]:
        i = self.i
        self.i += 1
        p = i % N_PARTICIPANTS
        s = (i // N_PARTICIPANTS + p) % N_STATEMENTS
        prev = self.last.get((p, s))
        value = CYCLE[(p + s) % 3] if prev is None else CYCLE[(CYCLE.index(prev) + 1) % 3]
        self.last[(p, s)] = value
        return p, s, value

    def _raw(self, path: str, body: str, extra: str = "") -> bytes:
        return (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"{extra}Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()

    def real(self) -> tuple[bytes, tuple]:
        p, s, value = self.next_pair_value()
        body = urllib.parse.urlencode({"csrf_token": self.fx.csrf[p], "choice": CHOICES[value]})
        path = f"/c/{SLUG}/statements/{self.fx.statement_ids[s]}/vote"
        extra = f"Cookie: {self.fx.cookies[p]}\r\nHX-Request: true\r\n"
        return self._raw(path, body, extra), (p, s, value)

    def bare(self) -> tuple[bytes, tuple]:
        p, s, value = self.next_pair_value()
        body = (
            f"c={self.fx.consultation_id}&p={self.fx.participant_ids[p]}"
            f"&s={self.fx.statement_ids[s]}&v={value}"
        )
        return self._raw("/bare", body), (p, s, value)


class Ledger:
    """Every answer of both endpoints, to compare with the database afterwards (the bare
    view writes the same vote table, so its acknowledged votes count too; it writes no
    vote events)."""

    def __init__(self):
        # (sent, done, p, s, value, by_real_endpoint)
        self.acked: list[tuple[float, float, int, int, int, bool]] = []
        self.failed = 0  # errors/timeouts/non-200: outcome unknown or refused
        self.bad_body = 0
        self.other_status: dict[int, int] = {}

    def bare(self, meta, status, body, scheduled, sent, done):
        if sent is not None and status == 200:
            self.acked.append((sent, done, *meta, False))
        elif sent is not None:
            self.failed += 1

    def __call__(self, meta, status, body, scheduled, sent, done):
        p, s, value = meta
        if sent is None:  # never sent: cannot have changed anything
            self.failed += 1
            return
        if status == 200:
            # The fragment must show the vote just cast as pressed.
            marker = f'value="{CHOICES[value]}" class="vote-button vote-{CHOICES[value]}"'
            if marker.encode() not in body:
                self.bad_body += 1
            self.acked.append((sent, done, p, s, value, True))
        else:
            self.failed += 1
            if status is not None:
                self.other_status[status] = self.other_status.get(status, 0) + 1


def check_exact(fx: Fixture, before: dict, events_before: int, ledger: Ledger) -> dict:
    after, events_after = read_votes(fx.url, fx.consultation_id)
    pid = fx.participant_ids
    sid = fx.statement_ids
    last: dict[tuple[int, int], int] = {}
    changes = 0
    overlapping = 0
    last_done: dict[tuple[int, int], float] = {}
    for sent, done, p, s, value, by_real in sorted(ledger.acked):
        key = (pid[p], sid[s])
        if key in last_done and sent < last_done[key]:
            overlapping += 1  # two requests for one pair in flight at once: order unknowable
        last_done[key] = done
        prev = last.get(key, before.get(key))
        if prev != value and by_real:
            changes += 1
        last[key] = value
    expected = dict(before)
    expected.update(last)
    mismatched = sum(1 for key, value in expected.items() if after.get(key) != value)
    extra = sum(1 for key in after if key not in expected)
    event_delta = events_after - events_before
    recounted: dict[int, list[int]] = {}
    for (_p, s), value in after.items():
        recounted.setdefault(s, [0, 0, 0])[{1: 0, -1: 1, 0: 2}[value]] += 1
    kept = read_counts(fx.url, list(recounted))
    return {
        "counts_match": kept == {s: tuple(c) for s, c in recounted.items()},
        "acked": sum(1 for entry in ledger.acked if entry[-1]),
        "acked_changes": changes,
        "vote_rows": len(after),
        "vote_events_added": event_delta,
        "mismatched": mismatched,
        "unexpected_rows": extra,
        "overlapping": overlapping,
        "exact": mismatched == 0 and extra == 0 and event_delta == changes,
    }


# --- one database -----------------------------------------------------------------------


def run_database(kind: str, args, log_dir: Path) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"consult-bench-{kind}-"))
    url = f"sqlite:///{instance / 'consult.db'}" if kind == "sqlite" else create_pg_database()
    fx = Fixture(kind=kind, url=url, instance=instance)
    servers: list[Server] = []
    figures: dict = {"db": kind}
    try:
        t = time.monotonic()
        migrate(fx)
        app = make_app(fx)
        seed(fx, app)
        print(f"[{kind}] migrated and seeded in {time.monotonic() - t:.1f}s "
              f"({N_STATEMENTS} statements, {N_PARTICIPANTS} accounts, cookies built)")  # fmt: skip
        if args.prefill:
            t = time.monotonic()
            prefill(fx, app, args.prefill)
            print(f"[{kind}] large: {args.prefill:,} more votes on each of the {N_STATEMENTS} "
                  f"statements, written in {time.monotonic() - t:.1f}s")  # fmt: skip
            figures.update(tally_reads(fx, app))
            print(f"[{kind}] one statement's tally, mean of {TALLY_READS} reads: counting its "
                  f"vote rows (before 0014) {figures['count_ms']:.2f} ms, the kept counts "
                  f"{figures['counter_ms']:.3f} ms")  # fmt: skip
        (instance / "bench_bare.py").write_text(BARE_APP)
        env = server_env(fx)

        # 1. throughput: both servers up, loaded in turn (never at once), in alternating
        # rounds, so drift on a shared machine touches both alike.
        bare = Server(f"{kind}-bare", "bench_bare:app", instance, env, args, log_dir)
        if args.analysis == "default":
            real = Server(f"{kind}-real", "wsgi:app", ROOT, env, args, log_dir)
        else:  # diagnostic: the same factory with ANALYSIS_MODE overridden
            (instance / "bench_wsgi.py").write_text(
                "from consult.app import create_app\n"
                f"app = create_app({{'ANALYSIS_MODE': {args.analysis!r}}})\n"
            )
            real = Server(f"{kind}-real", "bench_wsgi:app", instance, env, args, log_dir)
        servers.extend([bare, real])
        bare.start("/")
        real.start("/")
        before, events_before = read_votes(fx.url, fx.consultation_id)
        plan = Plan(fx)  # one rotation: every vote, on either endpoint, changes its pair
        ledger = Ledger()
        sides = {
            "bare": (bare, plan.bare, ledger.bare),
            "real": (real, plan.real, ledger),
        }

        def load(side: str, duration: float, settle: float) -> dict:
            server, make_request, on_result = sides[side]
            plan.port = server.port
            cpu = server.cpu_seconds()
            out = asyncio.run(
                _loadgen.closed_loop(
                    HOST, server.port, make_request, on_result,
                    connections=args.connections, warmup=settle, duration=duration,
                    max_requests=args.max_requests,
                )
            )  # fmt: skip
            answered = sum(out.statuses.values())
            return {
                "rps": out.completed_in_window / duration,
                "errors": out.errors + sum(n for st, n in out.statuses.items() if st != 200),
                "statuses": out.statuses,
                "latencies": out.latencies,
                "cpu_ms": 1000 * (server.cpu_seconds() - cpu) / max(1, answered),
            }

        for side in sides:  # warm-up: workers import, compile and connect
            load(side, args.warmup, 0.0)
        rounds: dict[str, list[dict]] = {"bare": [], "real": []}
        for number in range(1, args.rounds + 1):
            for side in sides:
                rounds[side].append(load(side, args.duration, 0.5))
            b, r = rounds["bare"][-1], rounds["real"][-1]
            print(f"[{kind}] round {number}: bare {b['rps']:6.1f} req/s "
                  f"({b['cpu_ms']:.2f} ms CPU/request), real {r['rps']:6.1f} req/s "
                  f"({r['cpu_ms']:.2f} ms CPU/request), real/bare "
                  f"{100 * r['rps'] / max(1e-9, b['rps']):.1f}%")  # fmt: skip
        for side in sides:
            runs = rounds[side]
            figures[f"{side}_rps"] = sum(run["rps"] for run in runs) / len(runs)
            figures[f"{side}_errors"] = sum(run["errors"] for run in runs)
            figures[f"{side}_cpu_ms"] = sum(run["cpu_ms"] for run in runs) / len(runs)
            figures[f"{side}_p50_ms"] = 1000 * _loadgen.percentile(
                [x for run in runs for x in run["latencies"]], 50
            )
        figures["ratio"] = figures["real_rps"] / figures["bare_rps"] if figures["bare_rps"] else 0
        print(f"[{kind}] real/bare = {100 * figures['ratio']:.1f}% over {args.rounds} rounds "
              f"of {args.duration:.0f}s each  (target >= 60%)")  # fmt: skip
        bare.stop()

        # 2. steady open-loop load on the real endpoint
        time.sleep(args.pause)
        plan.port = real.port
        steady_ledger_start = len(ledger.acked)
        steady = asyncio.run(
            _loadgen.open_loop(
                HOST, real.port, plan.real, ledger, rate=args.rate, duration=args.steady,
            )
        )  # fmt: skip
        lat = steady.latencies
        figures.update(
            rate=args.rate,
            steady_sent=steady.issued,
            steady_ok=len(ledger.acked) - steady_ledger_start,
            steady_errors=steady.errors + sum(n for st, n in steady.statuses.items() if st != 200),
            achieved_rate=steady.issued
            / max(1e-9, steady.last_scheduled_send - steady.started)
            * (steady.issued - 1)
            / max(1, steady.issued),
            p50_ms=1000 * _loadgen.percentile(lat, 50),
            p90_ms=1000 * _loadgen.percentile(lat, 90),
            p99_ms=1000 * _loadgen.percentile(lat, 99),
            max_ms=1000 * max(lat) if lat else float("nan"),
            steady_conns=steady.max_connections,
        )
        print(f"[{kind}] steady {args.rate:.0f}/s x {args.steady:.0f}s: sent {steady.issued}, "
              f"200s {figures['steady_ok']}, errors {figures['steady_errors']} "
              f"(statuses {steady.statuses}, transport/timeouts {steady.errors - steady.unsent}, "
              f"given up unsent after 10 s {steady.unsent}), "
              f"connections used {steady.max_connections}")  # fmt: skip
        print(f"[{kind}] latency from schedule: p50 {figures['p50_ms']:.1f} ms, "
              f"p90 {figures['p90_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
              f"max {figures['max_ms']:.1f} ms  (target p99 < 200 ms)")  # fmt: skip
        real.stop()

        check = check_exact(fx, before, events_before, ledger)
        figures.update(check)
        figures["bad_body"] = ledger.bad_body
        print(f"[{kind}] acknowledged votes (real endpoint): {check['acked']}, of which changes "
              f"{check['acked_changes']}; vote_event rows added {check['vote_events_added']}; "
              f"vote rows {check['vote_rows']}; mismatched pairs {check['mismatched']}, "
              f"unexpected rows {check['unexpected_rows']}, overlapping pairs "
              f"{check['overlapping']}, fragments not showing the vote {ledger.bad_body}")  # fmt: skip  # noqa: E501
        print(f"[{kind}] exactly the acknowledged votes: {'yes' if check['exact'] else 'no'}")
        return figures
    finally:
        for server in servers:
            try:
                server.stop()
            except Exception as exc:  # noqa: BLE001
                print(f"could not stop {server.name}: {exc}", file=sys.stderr)
        if kind == "postgresql":
            try:
                drop_pg_database(url)
            except Exception as exc:  # noqa: BLE001
                print(f"could not drop {url}: {exc}", file=sys.stderr)
        shutil.rmtree(instance, ignore_errors=True)


# --- profiling (no gunicorn) ------------------------------------------------------------


def profile(args) -> None:
    """cProfile N real vote requests through app.test_client on a fresh SQLite database."""
    instance = Path(tempfile.mkdtemp(prefix="consult-bench-profile-"))
    kind = args.db if args.db != "both" else "sqlite"
    url = f"sqlite:///{instance / 'consult.db'}" if kind == "sqlite" else create_pg_database()
    fx = Fixture(kind=kind, url=url, instance=instance)
    try:
        migrate(fx)
        seed(fx, make_app(fx))
        app = make_app(fx)
        app.config["ANALYSIS_MODE"] = "off" if args.profile_no_analysis else "thread"
        client = app.test_client()
        plan = Plan(fx)

        def one():
            raw, (p, s, value) = plan.real()
            name, cookie = fx.cookies[p].split("=", 1)
            client.set_cookie(name, cookie)  # the test client sends its jar, not a header
            resp = client.post(
                f"/c/{SLUG}/statements/{fx.statement_ids[s]}/vote",
                data={"csrf_token": fx.csrf[p], "choice": CHOICES[value]},
                headers={"HX-Request": "true", "User-Agent": USER_AGENT},
                environ_base={"REMOTE_ADDR": HOST},
            )  # fmt: skip
            assert resp.status_code == 200, resp.status_code

        for _ in range(50):
            one()
        import sqlalchemy as sa

        from consult.extensions import db as _db

        seen: list[str] = []
        with app.app_context():
            engine = _db.engine

        def log_sql(conn, cursor, statement, params, context, executemany):
            seen.append(" ".join(statement.split())[:150])

        sa.event.listen(engine, "before_cursor_execute", log_sql)
        one()
        sa.event.remove(engine, "before_cursor_execute", log_sql)
        print(f"[profile {kind}] SQL statements in one vote request: {len(seen)}")
        for line in seen:
            print("   ", line)
        n = args.profile_requests
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        for _ in range(n):
            one()
        prof.disable()
        elapsed = time.perf_counter() - t
        print(
            f"[profile {kind}] {n} requests in {elapsed:.2f}s = {1000 * elapsed / n:.2f} ms each"
            " (under cProfile)"
        )
        stream = io.StringIO()
        stats = pstats.Stats(prof, stream=stream)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        print(stream.getvalue())
        # unprofiled timing
        t = time.perf_counter()
        for _ in range(n):
            one()
        elapsed = time.perf_counter() - t
        print(f"[profile {kind}] unprofiled: {1000 * elapsed / n:.2f} ms per request")
        from consult.extensions import db
        from consult.reports.snapshots import run_analysis

        with app.app_context():
            t = time.perf_counter()
            snapshot = run_analysis(fx.consultation_id)
            print(
                f"[profile {kind}] one analysis run ({snapshot.n_votes} votes, "
                f"{snapshot.status}): {time.perf_counter() - t:.2f}s"
            )
            db.session.remove()
    finally:
        if kind == "postgresql":
            drop_pg_database(url)
        shutil.rmtree(instance, ignore_errors=True)


# --- main -------------------------------------------------------------------------------


def fmt(value, spec: str) -> str:
    return format(value, spec) if isinstance(value, (int, float)) else str(value)


def print_table(results: list[dict], args) -> None:
    rows = [
        ("bare upsert, req/s", "bare_rps", ".1f"),
        ("real vote view, req/s", "real_rps", ".1f"),
        ("real / bare (>= 60%)", "ratio", ".1%"),
        ("server CPU per request, bare, ms", "bare_cpu_ms", ".2f"),
        ("server CPU per request, real, ms", "real_cpu_ms", ".2f"),
        ("throughput errors (real)", "real_errors", "d"),
        (f"steady rate sent, /s (target {args.rate:.0f})", "achieved_rate", ".1f"),
        ("steady p50, ms", "p50_ms", ".1f"),
        ("steady p90, ms", "p90_ms", ".1f"),
        ("steady p99, ms (< 200)", "p99_ms", ".1f"),
        ("steady max, ms", "max_ms", ".1f"),
        ("steady errors", "steady_errors", "d"),
        ("acknowledged votes", "acked", "d"),
        ("acknowledged changes", "acked_changes", "d"),
        ("vote_event rows added", "vote_events_added", "d"),
        ("exactly the acknowledged votes", "exact", ""),
        ("kept counts = recount", "counts_match", ""),
    ]
    if args.prefill:
        rows[:0] = [
            ("tally by counting 33k rows, ms", "count_ms", ".2f"),
            ("tally from kept counts, ms", "counter_ms", ".3f"),
        ]
    width = max(len(r[0]) for r in rows) + 2
    print()
    print(f"gunicorn: --workers {args.workers} --threads {args.threads} (gthread), "
          f"{os.cpu_count()} CPUs; closed loop {args.connections} connections, "
          f"{args.warmup:.0f}s warm-up, {args.rounds} x {args.duration:.0f}s per endpoint, "
          f"alternating; open loop {args.rate:.0f}/s "
          f"x {args.steady:.0f}s")  # fmt: skip
    header = "".ljust(width) + "".join(r["db"].rjust(14) for r in results)
    print(header)
    print("-" * len(header))
    for label, key, spec in rows:
        cells = []
        for r in results:
            value = r.get(key, "-")
            if key in ("exact", "counts_match") and value != "-":
                value = "yes" if value else "no"
                cells.append(value.rjust(14))
            else:
                cells.append(fmt(value, spec).rjust(14))
        print(label.ljust(width) + "".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--analysis", choices=["default", "off", "thread"], default="default",
                        help="diagnostic: serve create_app with this ANALYSIS_MODE")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the real view through app.test_client instead")  # fmt: skip
    parser.add_argument("--profile-requests", type=int, default=500)
    parser.add_argument("--profile-no-analysis", action="store_true")
    parser.add_argument("--large", action="store_true",
                        help="each statement already has 33,000 votes (issue 16)")  # fmt: skip
    args = parser.parse_args()
    args.prefill = 33_000 if args.large else 0
    if args.quick:
        args.warmup, args.duration, args.rounds, args.steady, args.pause = 2.0, 3.0, 2, 6.0, 1.0
    else:
        args.warmup, args.duration, args.rounds, args.steady, args.pause = 3.0, 6.0, 3, 15.0, 2.0
    args.max_requests = 50_000
    if args.profile:
        profile(args)
        return 0

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"gunicorn --workers {args.workers} --threads {args.threads} --worker-class gthread "
          f"--keep-alive 10 on {HOST}; {os.cpu_count()} CPUs; real app: "
          f"{'wsgi:app' if args.analysis == 'default' else 'ANALYSIS_MODE=' + args.analysis}")  # fmt: skip  # noqa: E501
    log_dir = Path(tempfile.mkdtemp(prefix="consult-bench-logs-"))
    results = []
    try:
        for kind in kinds:
            try:
                results.append(run_database(kind, args, log_dir))
            except Exception as exc:  # noqa: BLE001 - report and go on with the other database
                print(f"[{kind}] FAILED: {type(exc).__name__}: {exc}")
                for log in log_dir.glob(f"{kind}-*.log"):
                    print(f"--- {log.name} (tail)\n{log.read_text()[-2000:]}")
                results.append({"db": kind})
        print_table(results, args)
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
