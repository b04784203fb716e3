"""RQ mode when a worker dies: real ``flask worker`` processes, the real Redis, SIGKILL.

The Redis on 127.0.0.1:6379 is shared with other work on this machine, so these tests use
a database number of their own (:data:`REDIS_URL`), emptied before and after each test.
The lock expires after ``ANALYSIS_LOCK_SECONDS`` (4 s here, a minute by default), and
a slow analysis is a real one with many bootstrap resamples (``ANALYSIS_BOOTSTRAP``); a
worker started later gets few, so the snapshot's parameters say which worker stored it.
Waits are polls bounded by generous limits; nothing asserts how long anything took.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from consult import jobs
from consult.jobs_rq import lock_key
from consult.leases import Lease, holder_pid, holder_token
from consult.reports.models import AnalysisSnapshot, SnapshotStatus

REDIS_URL = "redis://127.0.0.1:6379/14"  # a spare database number, used by this module only
LOCK_SECONDS = 4.0  # renewed every third: a starved worker under a loaded CI still keeps it
SLOW_BOOTSTRAP = 5000  # long enough to watch the lock renewed, then kill its holder
QUICK_BOOTSTRAP = 3
WAIT = 120.0  # bound of every poll (a shared, busy machine)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except Exception:  # noqa: BLE001 - no server: say so
        pytest.skip("no Redis on 127.0.0.1:6379")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def rq_app(app, redis):
    app.config.update(
        ANALYSIS_MODE="rq",
        REDIS_URL=REDIS_URL,
        ANALYSIS_LOCK_SECONDS=LOCK_SECONDS,
        ANALYSIS_DEBOUNCE_SECONDS=0,
    )
    return app


class Workers:
    """``flask worker`` processes, each in its own process group, all stopped at the end."""

    def __init__(self, database_url: str, folder: Path):
        self.database_url, self.folder = database_url, folder
        self.started: list[subprocess.Popen] = []
        self.logs_open: list = []

    def start(self, name: str, bootstrap: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi:app",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "job-recovery-test-secret",
            "CONSULT_INSTANCE_PATH": str(self.folder / name),
            "ANALYSIS_LOCK_SECONDS": str(LOCK_SECONDS),
            "ANALYSIS_DEBOUNCE_SECONDS": "0",
            "ANALYSIS_BOOTSTRAP": str(bootstrap),
            "ANALYSIS_MIN_VOTERS": "5",
        }
        log = (self.folder / f"{name}.log").open("w")
        self.logs_open.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "worker"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker as a lost host would lose it: its work horse too (RQ puts the
        horse in a process group of its own, so killing the worker's group alone would
        leave it running, holding and renewing the lock)."""
        horses = children(process.pid)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in horses:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        process.wait(timeout=15)

    def stop(self) -> None:
        for process in self.started:
            self.kill(process)
        for log in self.logs_open:
            log.close()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.folder.glob("*.log")))


@pytest.fixture
def workers(database_url, tmp_path):
    started = Workers(database_url, tmp_path)
    yield started
    started.stop()


def children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def poll(condition, what: str, workers: Workers | None = None):
    """``condition()``'s first truthy value, polled every 50 ms for up to :data:`WAIT`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}" + (f"\n{workers.logs()}" if workers else ""))


def holder(redis, consultation_id: int) -> int | None:
    return holder_pid(redis.get(lock_key(consultation_id)))


def watch_renewal(redis, consultation_id: int, pid: int, workers) -> None:
    """Wait until the lock, held by ``pid`` throughout, has been renewed (its time to
    live went up): the heartbeat keeps a run's lock past its expiry."""
    key = lock_key(consultation_id)
    last = [redis.pttl(key)]

    def renewed() -> bool:
        assert holder(redis, consultation_id) == pid, "the lock changed hands"
        now = redis.pttl(key)
        went_up, last[0] = now > last[0], now
        return went_up

    poll(renewed, "the lock to be renewed", workers)


def ok_snapshots(db, consultation_id: int) -> list[AnalysisSnapshot]:
    db.session.rollback()  # a fresh read of what the workers stored
    return db.session.scalars(
        sa.select(AnalysisSnapshot)
        .where(
            AnalysisSnapshot.consultation_id == consultation_id,
            AnalysisSnapshot.population == "all",
            AnalysisSnapshot.status == SnapshotStatus.OK,
        )
        .order_by(AnalysisSnapshot.id)
    ).all()


def test_a_killed_workers_analysis_is_taken_over_by_the_other(rq_app, db, voted, redis, workers):
    from rq import Queue

    cid = voted.consultation.id
    first = workers.start("first", SLOW_BOOTSTRAP)
    jobs.request_analysis(cid)
    horse = poll(lambda: children(first.pid) & {holder(redis, cid)}, "the first worker's run")
    (horse,) = horse
    watch_renewal(redis, cid, horse, workers)

    second = workers.start("second", QUICK_BOOTSTRAP)
    # While the first holds the lock: requests only count themselves, and a duplicate job
    # (as a retry would be) run by the second worker leaves the live holder alone.
    jobs.request_analysis(cid)
    assert Queue(jobs.QUEUE, connection=redis).count == 0
    duplicate = Queue(jobs.QUEUE, connection=redis).enqueue(
        "consult.jobs_rq.rq_analysis_job", cid, result_ttl=600
    )
    poll(lambda: duplicate.get_status(refresh=True) == "finished", "the duplicate job", workers)
    assert holder(redis, cid) == horse
    assert ok_snapshots(db, cid) == []

    workers.kill(first)  # the worker and its work horse, mid-analysis
    # A reader asking whether a run is in flight queues the standing request again once
    # the dead worker's lock expired; the second worker takes it.
    taken = poll(
        lambda: jobs.in_flight(cid) and children(second.pid) & {holder(redis, cid)},
        "the second worker to take the lock",
        workers,
    )
    assert taken and horse not in taken
    snapshots = poll(lambda: ok_snapshots(db, cid), "the analysis to complete", workers)
    assert len(snapshots) == 1
    assert snapshots[0].parameters["n_bootstrap"] == QUICK_BOOTSTRAP  # the second stored it
    assert snapshots[0].n_votes == voted.n_votes
    poll(lambda: not redis.exists(lock_key(cid)), "the lock to be released", workers)
    assert not redis.exists(f"consult:analysis:{cid}:wanted")
    assert not jobs.in_flight(cid)


def test_a_killed_work_horse_is_retried_by_rq(rq_app, db, voted, redis, workers):
    from rq.job import Job

    cid = voted.consultation.id
    worker = workers.start("only", SLOW_BOOTSTRAP)
    jobs.request_analysis(cid)
    (horse,) = poll(lambda: children(worker.pid) & {holder(redis, cid)}, "the run", workers)
    job_id = redis.get(lock_key(cid)).decode().split()[3]
    os.kill(horse, signal.SIGKILL)  # the worker survives and sees its work horse die
    # RQ queues the job again; its retry takes the dead horse's lock once it expired.
    retried = poll(
        lambda: (holder(redis, cid) or horse) != horse and holder(redis, cid),
        "the retry to take the lock",
        workers,
    )
    assert retried in children(worker.pid)
    job = Job.fetch(job_id, connection=redis)
    assert job.retries_left == 2  # one of three retries used
    redis.set(f"consult:analysis:{cid}:wanted", 1)  # keep it wanted after the slow run
    workers.kill(worker)
    workers.start("quick", QUICK_BOOTSTRAP)
    # Asking whether a run is in flight queues the standing request once the lock expired;
    # asked on every poll, so the run that ends (and is no longer in flight) is still seen.
    snapshots = poll(
        lambda: (jobs.in_flight(cid), ok_snapshots(db, cid))[1], "the analysis", workers
    )
    assert [s.parameters["n_bootstrap"] for s in snapshots] == [QUICK_BOOTSTRAP]


def test_the_lock_is_one_holders_and_its_heartbeat_keeps_it(redis):
    """In one process: a second claimant waits while the heartbeat renews the lock, never
    takes it, and takes it within one expiry once the holder stops renewing."""
    key = "consult:analysis:test:running"
    holder_lease = Lease(redis, key, holder_token("a"), 1.0)
    assert holder_lease.acquire()
    with holder_lease:
        other = Lease(redis, key, holder_token("b"), 1.0)
        assert not other.acquire()  # it saw the holder renew: alive, so it backs off
        assert not other.renew() and not other.release()
        assert redis.get(key).decode() == holder_lease.token
        assert not holder_lease.lost.is_set()
    assert not redis.exists(key)  # released at the end of the block

    dead = Lease(redis, key, holder_token("dead"), 1.0)
    assert dead.acquire()  # and never renewed, as if its process had been killed
    successor = Lease(redis, key, holder_token("next"), 1.0)
    assert successor.acquire()
    assert redis.get(key).decode() == successor.token
    assert not dead.renew() and not dead.release()  # too late: the lock is the successor's
    assert successor.release()


def test_a_reservation_goes_to_the_first_job_that_starts(redis):
    key = "consult:analysis:test:running"
    queued = Lease(redis, key, "", 5)
    assert queued.reserve("job-1")
    assert not Lease(redis, key, "", 5).reserve("job-2")  # one queued job at a time
    runner = Lease(redis, key, holder_token("job-1"), 5)
    assert runner.acquire()
    assert holder_pid(redis.get(key)) == os.getpid()
    assert runner.release()
