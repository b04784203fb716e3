"""RQ mode of :mod:`consult.jobs`: the per-consultation lock and the analysis job.

Two Redis keys per consultation: ``wanted``, a counter every request increments, and
``lock``, a :class:`~consult.leases.Lease` that a queued job reserves and a running job
holds and renews from a heartbeat. A run clears ``wanted`` only if no request came in
meanwhile (compare-and-delete on the count it read), so a run that dies leaves its
request standing: whoever takes the lock next does it. Who that is, when a worker dies:

- its work horse killed (out of memory, SIGKILL): the worker sees it and RQ queues the
  job again (``Retry``); the retry takes the dead attempt's lock once it expires;
- the whole worker killed (a lost host): its lock expires within
  ``ANALYSIS_LOCK_SECONDS``; the next request, or the next reader asking whether a run
  is in flight, queues a new job, and RQ's own cleanup of abandoned jobs (run by the
  other workers) queues the killed job again, which finds the work done or does it.

A job that finds the lock held by a live holder (it renewed the lock while watched)
ends at once: that holder reads ``wanted`` before it lets go, so nothing is lost.
"""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask

from consult.jobs import APP_FACTORY, QUEUE, RUN, redis_connection, resolve, setting

log = logging.getLogger(__name__)

LOCK_SECONDS = 60.0  # a dead worker's lock frees this long after its last heartbeat
JOB_TIMEOUT = 3600  # RQ's limit for one job; a job hands over to a fresh one at half of it
JOB_RETRIES = 3  # RQ queues a job again when its worker or work horse died
JOB_RESULT_TTL = 600


def lock_seconds(app: Flask) -> float:
    """How long a lock outlives its holder's last heartbeat (``ANALYSIS_LOCK_SECONDS``)."""
    return float(setting(app, "ANALYSIS_LOCK_SECONDS", LOCK_SECONDS))


def _keys(consultation_id: int) -> tuple[str, str]:
    base = f"consult:analysis:{consultation_id}"
    return f"{base}:wanted", f"{base}:running"


def lock_key(consultation_id: int) -> str:
    """The Redis key of the consultation's analysis lock (its value names the holder)."""
    return _keys(consultation_id)[1]


def request(app: Flask, consultation_id: int) -> None:
    """Count a request for a run, and queue a job unless one is queued or running."""
    redis = redis_connection(app)
    wanted, _running = _keys(consultation_id)
    redis.incr(wanted)
    _enqueue_unless_locked(app, redis, consultation_id)


def _enqueue_unless_locked(app: Flask, redis, consultation_id: int) -> bool:
    """Queue a job unless one is queued or running (the lock is reserved for it first)."""
    from rq import Queue, Retry

    from consult.leases import Lease

    job_id = f"consult-analysis-{consultation_id}-{uuid.uuid4().hex[:12]}"
    lease = Lease(redis, lock_key(consultation_id), "", lock_seconds(app))
    if not lease.reserve(job_id):
        return False
    Queue(QUEUE, connection=redis).enqueue(
        "consult.jobs_rq.rq_analysis_job",
        consultation_id,
        job_id=job_id,
        job_timeout=JOB_TIMEOUT,
        retry=Retry(max=JOB_RETRIES),
        result_ttl=JOB_RESULT_TTL,
    )
    return True


def queued_or_running(app: Flask, consultation_id: int) -> bool:
    """RQ mode's :func:`in_flight`: True while a job is queued or running; a request
    left standing by a job that died (``wanted`` set, the lock expired) is queued again."""
    redis = redis_connection(app)
    wanted, running = _keys(consultation_id)
    if redis.exists(running):
        return True
    if redis.exists(wanted):
        _enqueue_unless_locked(app, redis, consultation_id)
        return True
    return False


def rq_analysis_job(consultation_id: int) -> None:
    """The RQ job: take the consultation's lock (or leave it to the live holder), then
    run until no request arrived during the last run, renewing the lock throughout."""
    from rq import get_current_job

    from consult.leases import Lease, holder_token

    app = resolve(APP_FACTORY)()
    redis = redis_connection(app)
    job = get_current_job()
    token = holder_token(job.id if job is not None else "")
    lease = Lease(redis, lock_key(consultation_id), token, lock_seconds(app))
    if not lease.acquire():
        log.info("analysis of consultation %s is running elsewhere; left to it", consultation_id)
        return
    with lease, app.app_context():
        handed_over = _run_while_wanted(app, redis, consultation_id)
    # A request between our last look and the release only counted itself in ``wanted``
    # (the lock was still held): queue its job now. So does a job that ran long enough.
    if handed_over or redis.exists(_keys(consultation_id)[0]):
        _enqueue_unless_locked(app, redis, consultation_id)


def _run_while_wanted(app: Flask, redis, consultation_id: int) -> bool:
    """Run while requests keep coming; True if it stopped only because this job has run
    for half its timeout (a fresh job carries on, so no job is ever cut short)."""
    from consult.extensions import db
    from consult.leases import delete_if_equal

    wanted, _running = _keys(consultation_id)
    delay = float(setting(app, "ANALYSIS_DEBOUNCE_SECONDS", 2.0))
    run = resolve(RUN)
    started = time.monotonic()
    while True:
        time.sleep(delay)  # let a burst of votes land before reading them
        seen = redis.get(wanted)
        if seen is None:
            return False
        run(consultation_id, skip_if_current=True)
        db.session.remove()
        if delete_if_equal(redis, wanted, seen):
            return False
        if time.monotonic() - started > JOB_TIMEOUT / 2:
            return True
