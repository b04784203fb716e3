"""Many processes, two "hosts": votes at a steady rate while an RQ worker and a gunicorn
worker are killed. Prints its figures; not a test.

    .venv/bin/python benchmarks/scale.py                   # 60 s at 200 votes/s
    .venv/bin/python benchmarks/scale.py --seconds 30 --lock-seconds 20

Uses the PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) already running here: a
fresh database it creates, migrates and drops, and a Redis database number of its own
(``--redis-db``, 15; it must be empty at the start and is emptied at the end). A generated
consultation (20 voted clauses, 1,000 accounts with participant rows, each with a real
signed session cookie and CSRF token, made as benchmarks/votes.py makes them) is served by
two gunicorn instances on two ports standing in for two hosts (their own instance folders,
sharing DATABASE_URL, REDIS_URL and SECRET_KEY, behind a "proxy": CONSULT_PROXY_HOPS=1 and
each participant's own X-Forwarded-For address, as rate limits count per address), and
analysed by two RQ workers (``flask worker``, at ``--worker-nice`` 10: on one machine they
stand in for worker hosts, and must not take the web's CPU). Open-loop load at ``--rate``
votes/s, half to each instance, for ``--seconds``. At a third of the time, the RQ worker holding the
analysis lock is SIGKILLed (with its work horse) while it analyses; at half, one gunicorn
worker process of the first instance. Then it prints latency, errors, acknowledged votes
against stored ones and the vote event log, how long after the last vote a dashboard
showed it, and who took over the killed analysis and when. Everything started is stopped
at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _loadgen  # noqa: E402
import votes  # noqa: E402  (the vote benchmark's database set-up, accounts and cookies)

HOST = votes.HOST
REDIS = "redis://127.0.0.1:6379"
FLASK = votes.FLASK
GUNICORN = votes.GUNICORN


def address(i: int) -> str:
    """Participant ``i``'s own network address (sent as X-Forwarded-For)."""
    return f"10.77.{i // 200}.{i % 200 + 1}"


def sign_in_from_own_addresses(fx: votes.Fixture, app) -> None:
    """Each account's session cookie made from its own address: the app protects sessions
    "strong"ly, so a cookie is good only from the address and browser it was made for."""
    import flask_login
    import sqlalchemy as sa
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from consult.extensions import db
    from consult.models import User

    with app.app_context():
        users = db.session.scalars(
            sa.select(User).where(User.email.like("voter%@bench.example")).order_by(User.email)
        ).all()
        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        fx.cookies, fx.csrf = [], []
        for i, user in enumerate(users):
            with app.test_request_context(
                environ_base={"REMOTE_ADDR": address(i)},
                headers={"User-Agent": votes.USER_AGENT},
            ):
                g.pop("csrf_token", None)
                g.pop("_login_user", None)
                flask_login.login_user(user)
                fx.csrf.append(generate_csrf())
                fx.cookies.append(f"{cookie_name}={serializer.dumps(dict(session))}")
        db.session.remove()
        db.engine.dispose()


# --- processes ----------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill(self) -> None:
        """SIGKILL the process group and any child in a group of its own (an RQ work horse)."""
        if self.proc is None:
            return
        children = self.children() if self.proc.poll() is None else []
        for group in [self.proc.pid, *children]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.kill()  # its children may still be running
            return
        children = self.children()
        os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=15)
        for group in [self.proc.pid, *children]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


def wait_http(port: int, path: str = "/", seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by ``root`` and its children (a gunicorn master
    and its workers; a worker killed meanwhile takes its share with it)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if root in (int(stat.parent.name), int(fields[1])):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


# --- load ---------------------------------------------------------------------------------


@dataclass
class Sent:
    sent: float | None
    done: float
    p: int
    s: int
    value: int
    status: int | None
    shows_vote: bool


@dataclass
class Ledger:
    entries: list[Sent] = field(default_factory=list)

    def __call__(self, meta, status, body, scheduled, sent, done):
        p, s, value = meta
        marker = f'value="{votes.CHOICES[value]}" class="vote-button vote-{votes.CHOICES[value]}"'
        shows = status == 200 and marker.encode() in (body or b"")
        self.entries.append(Sent(sent, done, p, s, value, status, shows))


class Voters:
    """Who votes on what next (votes.Plan's rotation: consecutive requests never share a
    participant, every vote changes its pair), sent to the port of the loop that asks."""

    def __init__(self, fx: votes.Fixture):
        self.fx = fx
        self.plan = votes.Plan(fx)

    def request_to(self, port: int):
        def make() -> tuple[bytes, tuple]:
            p, s, value = self.plan.next_pair_value()
            body = urllib.parse.urlencode(
                {"csrf_token": self.fx.csrf[p], "choice": votes.CHOICES[value]}
            )
            path = f"/c/{votes.SLUG}/statements/{self.fx.statement_ids[s]}/vote"
            raw = (
                f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                f"User-Agent: {votes.USER_AGENT}\r\nX-Forwarded-For: {address(p)}\r\n"
                f"Cookie: {self.fx.cookies[p]}\r\nHX-Request: true\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}"
            ).encode()
            return raw, (p, s, value)

        return make


async def drive(ports: list[int], voters: Voters, ledger: Ledger, rate: float, seconds: float):
    loops = [
        _loadgen.open_loop(
            HOST, port, voters.request_to(port), ledger, rate=rate / len(ports), duration=seconds
        )
        for port in ports
    ]
    return await asyncio.gather(*loops)


# --- chaos --------------------------------------------------------------------------------


@dataclass
class Chaos:
    """What was killed and when (monotonic times), and who held the analysis lock since."""

    killed_worker: str = ""
    killed_pid: int | None = None
    killed_at: float | None = None
    killed_job: str = ""
    taken_over_at: float | None = None
    taken_over_by: str = ""
    taken_over_job: str = ""
    killed_web_pid: int | None = None
    killed_web_at: float | None = None
    notes: list[str] = field(default_factory=list)


def lock_holder(redis, consultation_id: int) -> tuple[int | None, str]:
    from consult.jobs_rq import lock_key
    from consult.leases import holder_pid

    value = redis.get(lock_key(consultation_id))
    text = value.decode() if value else ""
    parts = text.split()
    return holder_pid(value), parts[3] if len(parts) > 3 else ""


def kill_analysis(redis, cid: int, workers: list[Process], chaos: Chaos, stop: threading.Event):
    """Wait until a work horse holds the lock and is using the CPU (analysing, not waiting
    out the debounce), then SIGKILL its worker and the horse."""
    deadline = time.monotonic() + 60
    while not stop.is_set() and time.monotonic() < deadline:
        pid, job = lock_holder(redis, cid)
        owner = next((w for w in workers if pid and parent_of(pid) == w.proc.pid), None)
        if owner is not None:
            before = cpu_ticks(pid)
            time.sleep(0.3)
            after = cpu_ticks(pid)
            # >= 10% of a CPU (the machine may be shared): analysing, not sleeping
            if before is not None and after is not None and after - before >= 3:
                owner.kill()
                chaos.killed_worker, chaos.killed_pid, chaos.killed_job = owner.name, pid, job
                chaos.killed_at = time.monotonic()
                return
        else:
            time.sleep(0.05)
    chaos.notes.append("no analysis was caught running: no RQ worker was killed")


def watch_takeover(redis, cid: int, workers: list[Process], chaos: Chaos, stop: threading.Event):
    while not stop.is_set():
        pid, job = lock_holder(redis, cid)
        if pid and pid != chaos.killed_pid:
            owner = next((w for w in workers if parent_of(pid) == w.proc.pid), None)
            if owner is not None:
                chaos.taken_over_at = time.monotonic()
                chaos.taken_over_by, chaos.taken_over_job = owner.name, job
                return
        time.sleep(0.02)


def chaos_thread(redis, cid, workers, web: Process, seconds: float, chaos: Chaos, stop):
    start = time.monotonic()
    stop.wait(seconds / 3)
    if stop.is_set():
        return
    kill_analysis(redis, cid, workers, chaos, stop)
    if chaos.killed_at is not None:
        threading.Thread(
            target=watch_takeover, args=(redis, cid, workers, chaos, stop), daemon=True
        ).start()
    stop.wait(max(0.0, start + seconds / 2 - time.monotonic()))
    if stop.is_set():
        return
    web_workers = web.children()
    if web_workers:
        chaos.killed_web_pid = web_workers[0]
        os.kill(web_workers[0], signal.SIGKILL)  # its master starts another
        chaos.killed_web_at = time.monotonic()


# --- what was stored ------------------------------------------------------------------------


def check_stored(fx: votes.Fixture, ledger: Ledger) -> dict:
    """Acknowledged votes against the vote table and the vote event log, pair by pair. A
    request whose answer never came (its worker was killed, a timeout) may or may not
    have been stored: such pairs are checked against either outcome and counted apart."""
    import sqlalchemy as sa

    engine = sa.create_engine(fx.url)
    try:
        with engine.connect() as conn:
            stored = {
                (p, s): v
                for p, s, v in conn.execute(
                    sa.text(
                        "SELECT participant_id, statement_id, value FROM vote"
                        " WHERE consultation_id = :c"
                    ),
                    {"c": fx.consultation_id},
                )  # fmt: skip
            }
            events = {
                (p, s): n
                for p, s, n in conn.execute(
                    sa.text(
                        "SELECT participant_id, statement_id, count(*) FROM vote_event"
                        " WHERE consultation_id = :c GROUP BY participant_id, statement_id"
                    ),
                    {"c": fx.consultation_id},
                )  # fmt: skip
            }
    finally:
        engine.dispose()
    by_pair: dict[tuple[int, int], list[Sent]] = {}
    for entry in sorted((e for e in ledger.entries if e.sent is not None), key=lambda e: e.sent):
        key = (fx.participant_ids[entry.p], fx.statement_ids[entry.s])
        by_pair.setdefault(key, []).append(entry)
    acked = sum(1 for e in ledger.entries if e.status == 200)
    unanswered = sum(1 for e in ledger.entries if e.sent is not None and e.status is None)
    lost = wrong = unanswered_stored = 0
    for key, sent in by_pair.items():
        ok = [e for e in sent if e.status == 200]
        unknown = [e for e in sent if e.status is None]
        n_events = events.get(key, 0)
        if not unknown:
            expected = ok[-1].value if ok else None
            if stored.get(key) != expected or n_events != len(ok):
                lost += stored.get(key) != expected
                wrong += n_events != len(ok)
            continue
        after_last_ok = [e for e in unknown if not ok or e.sent > ok[-1].sent]
        possible = {ok[-1].value if ok else None, *(e.value for e in after_last_ok)}
        if stored.get(key) not in possible or not len(ok) <= n_events <= len(ok) + len(unknown):
            lost += 1
        unanswered_stored += n_events - len(ok)
    extra = sum(1 for key in stored if key not in by_pair)
    return {
        "acked": acked,
        "unanswered": unanswered,
        "refused": sum(1 for e in ledger.entries if e.status not in (200, None)),
        "unsent": sum(1 for e in ledger.entries if e.sent is None),
        "rows": len(stored),
        "events": sum(events.values()),
        "unanswered_stored": unanswered_stored,
        "lost_or_wrong_pairs": lost + extra,
        "event_mismatch_pairs": wrong,
        "fragments_not_showing_vote": sum(
            1 for e in ledger.entries if e.status == 200 and not e.shows_vote
        ),
    }


COMPUTED = re.compile(r"from ([\d,]+) votes by ([\d,]+) participants")


def dashboard_shows_everything(ports: list[int], after: float, limit: float) -> dict:
    """Poll the dashboard (each instance in turn) until it shows a run that saw every vote
    (no "votes now; the next run will include..." line). Polling is also what a reader
    does: it queues a run that a killed worker left standing once its lock expired."""
    deadline = time.monotonic() + limit
    i = 0
    while time.monotonic() < deadline:
        port = ports[i % len(ports)]
        i += 1
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/c/{votes.SLUG}/dashboard", timeout=10
            ) as answer:
                page = answer.read().decode()
        except OSError:
            time.sleep(0.5)
            continue
        match = COMPUTED.search(page)
        if match and "votes now;" not in page:
            return {"seconds": time.monotonic() - after, "votes_shown": match.group(1)}
        time.sleep(0.5)
    return {"seconds": None, "votes_shown": None}


# --- main -----------------------------------------------------------------------------------


def percentile_ms(values: list[float], q: float) -> float:
    return 1000 * _loadgen.percentile(values, q)


def run(args) -> int:
    from redis import Redis

    redis_url = f"{REDIS}/{args.redis_db}"
    redis = Redis.from_url(redis_url)
    redis.ping()
    if redis.dbsize():
        print(f"Redis database {args.redis_db} is not empty: choose a free one with --redis-db")
        return 2
    instance = Path(tempfile.mkdtemp(prefix="consult-scale-"))
    url = votes.create_pg_database()
    fx = votes.Fixture(kind="postgresql", url=url, instance=instance)
    processes: list[Process] = []
    stop = threading.Event()
    try:
        t = time.monotonic()
        votes.migrate(fx)
        app = votes.make_app(fx)
        votes.seed(fx, app)
        sign_in_from_own_addresses(fx, app)
        print(f"database migrated and seeded in {time.monotonic() - t:.1f} s: a generated "
              f"consultation, {votes.N_STATEMENTS} clauses, {votes.N_PARTICIPANTS} accounts "
              "with session cookies")  # fmt: skip
        base = votes.server_env(fx)
        base.update(
            REDIS_URL=redis_url,
            CONSULT_PROXY_HOPS="1",
            ANALYSIS_MODE="rq",
            ANALYSIS_LOCK_SECONDS=str(args.lock_seconds),
            ANALYSIS_DEBOUNCE_SECONDS=str(args.debounce),
        )
        webs, workers, ports = [], [], []
        for host in ("a", "b"):
            env = {**base, "CONSULT_INSTANCE_PATH": str(instance / f"host-{host}")}
            port = votes.free_port()
            web = Process(
                f"web-{host}",
                [GUNICORN, "--bind", f"{HOST}:{port}", "--workers", str(args.workers),
                 "--threads", str(args.threads), "--worker-class", "gthread",
                 "--keep-alive", "10", "--backlog", "256", "--log-level", "warning",
                 "wsgi:app"],
                env, instance / f"web-{host}.log",
            )  # fmt: skip
            worker = Process(
                f"worker-{host}",
                ["nice", "-n", str(args.worker_nice), FLASK, "worker"],
                env,
                instance / f"rq-{host}.log",
            )
            processes += [web, worker]
            webs.append(web)
            workers.append(worker)
            ports.append(port)
            web.start()
            worker.start()
        for port in ports:
            wait_http(port)
            wait_http(port, f"/c/{votes.SLUG}/dashboard")
        print(f"two instances on ports {ports[0]} and {ports[1]} (gunicorn --workers "
              f"{args.workers} --threads {args.threads} each), two RQ workers at nice "
              f"{args.worker_nice}; "
              f"lock {args.lock_seconds:g} s, debounce {args.debounce:g} s; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip

        chaos = Chaos()
        thread = threading.Thread(
            target=chaos_thread,
            args=(redis, fx.consultation_id, workers, webs[0], args.seconds, chaos, stop),
            daemon=True,
        )
        ledger = Ledger()
        voters = Voters(fx)
        web_cpu = sum(tree_cpu_seconds(web.proc.pid) for web in webs)
        started = time.monotonic()
        thread.start()
        outcomes = asyncio.run(drive(ports, voters, ledger, args.rate, args.seconds))
        load_end = time.monotonic()
        web_cpu = sum(tree_cpu_seconds(web.proc.pid) for web in webs) - web_cpu
        answered = [e.done for e in ledger.entries if e.status == 200]
        last_vote = max(answered) if answered else load_end
        dashboard = dashboard_shows_everything(ports, last_vote, args.lock_seconds + 180)
        stop.set()
        thread.join(timeout=5)

        latencies = [x for out in outcomes for x in out.latencies]
        statuses: dict = {}
        for out in outcomes:
            for status, n in out.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
        issued = sum(out.issued for out in outcomes)
        check = check_stored(fx, ledger)
        rel = lambda at: f"{at - started:.1f} s" if at is not None else "-"  # noqa: E731
        print()
        print(f"votes sent: {issued} in {load_end - started:.1f} s at {args.rate:g}/s "
              f"over both instances; answers by status {dict(sorted(statuses.items()))}, "
              f"no answer {check['unanswered']}")  # fmt: skip
        print(f"web CPU per answered vote: {1000 * web_cpu / max(1, sum(statuses.values())):.1f}"
              f" ms (both instances; bounds what 2 idle cores could serve); load average now "
              f"{os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"latency from schedule: p50 {percentile_ms(latencies, 50):.1f} ms, "
              f"p90 {percentile_ms(latencies, 90):.1f} ms, p99 {percentile_ms(latencies, 99):.1f}"
              f" ms, max {1000 * max(latencies):.0f} ms")  # fmt: skip
        errors = check["unanswered"] + check["refused"] + check["unsent"]
        print(f"errors: {errors} (no answer {check['unanswered']}, refused {check['refused']}, "
              f"never sent: no free connection within 10 s {check['unsent']})")  # fmt: skip
        print(f"acknowledged votes {check['acked']}; stored: vote rows {check['rows']}, "
              f"vote_event rows {check['events']} (of which from unanswered requests "
              f"{check['unanswered_stored']}); pairs lost or wrong "
              f"{check['lost_or_wrong_pairs']}, pairs whose event count differs "
              f"{check['event_mismatch_pairs']}; fragments not showing the vote "
              f"{check['fragments_not_showing_vote']}")  # fmt: skip
        exact = (
            check["lost_or_wrong_pairs"] == 0
            and check["event_mismatch_pairs"] == 0
            and check["events"] == check["acked"] + check["unanswered_stored"]
        )
        print(f"acknowledged = stored (with the vote event log): {'yes' if exact else 'NO'}")
        if chaos.killed_web_at is not None:
            print(f"gunicorn worker {chaos.killed_web_pid} of web-a SIGKILLed at "
                  f"{rel(chaos.killed_web_at)}")  # fmt: skip
        if chaos.killed_at is not None:
            print(f"RQ {chaos.killed_worker} SIGKILLed at {rel(chaos.killed_at)} while its work "
                  f"horse {chaos.killed_pid} analysed (job {chaos.killed_job})")  # fmt: skip
            if chaos.taken_over_at is not None:
                same = "the same job, retried" if chaos.taken_over_job == chaos.killed_job else (
                    f"a new job {chaos.taken_over_job}")  # fmt: skip
                print(f"the analysis was taken over by {chaos.taken_over_by} "
                      f"{chaos.taken_over_at - chaos.killed_at:.1f} s after the kill "
                      f"({same}; votes stopped at {rel(load_end)})")  # fmt: skip
            else:
                print("the killed analysis was NOT taken over")
        for note in chaos.notes:
            print(note)
        if dashboard["seconds"] is not None:
            print(f"last vote -> dashboard showing every vote: {dashboard['seconds']:.1f} s "
                  f"({dashboard['votes_shown']} votes)")  # fmt: skip
        else:
            print("the dashboard never showed every vote")
        return 0 if exact and dashboard["seconds"] is not None else 1
    finally:
        stop.set()
        for process in processes:
            try:
                process.stop()
            except Exception as exc:  # noqa: BLE001 - stop the others anyway
                print(f"could not stop {process.name}: {exc}", file=sys.stderr)
        if args.keep_logs:
            print(f"logs kept in {instance}")
        try:
            votes.drop_pg_database(url)
        except Exception as exc:  # noqa: BLE001
            print(f"could not drop {url}: {exc}", file=sys.stderr)
        redis.flushdb()
        if not args.keep_logs:
            shutil.rmtree(instance, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long votes come")
    parser.add_argument("--rate", type=float, default=200.0, help="votes per second in all")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--lock-seconds", type=float, default=60.0,
                        help="ANALYSIS_LOCK_SECONDS (the default setting: 60)")  # fmt: skip
    parser.add_argument("--debounce", type=float, default=2.0,
                        help="ANALYSIS_DEBOUNCE_SECONDS (the default setting: 2)")  # fmt: skip
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="niceness of the RQ workers (sharing the web's host)")  # fmt: skip
    parser.add_argument("--redis-db", type=int, default=15, help="an empty Redis database")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
