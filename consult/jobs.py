"""Analysis off the request path: debounced per consultation, at most one run in flight.

``ANALYSIS_MODE`` picks how :func:`request_analysis` runs the work:

- ``"thread"`` (default without Redis): a background thread per consultation in the web
  process, which runs each analysis in a fresh child process at the lowest CPU priority
  (so the analysis never holds the web process's GIL, and takes only the CPU the web
  tier leaves). Requests that arrive while a run is in flight only mark it "wanted
  again"; when the run ends, one more run starts and picks up every vote up to its start.
- ``"rq"`` (default with ``REDIS_URL``): an RQ job on the ``analysis`` queue, run by
  ``flask worker`` (or ``rq worker analysis``); the same debouncing with Redis keys.
- ``"inline"``: run at once, in the request (tests, scripts).
- ``"off"``: do nothing (the default under ``TESTING`` unless a test asks otherwise).

:func:`run_analysis` does one run and stores it as an :class:`AnalysisSnapshot`; a
failed run is logged and stored as FAILED with its error, and the last OK snapshot
stays the one the site shows.

Settings (app config, else environment): ``ANALYSIS_MODE``, ``ANALYSIS_DEBOUNCE_SECONDS``
(2), ``ANALYSIS_SEED`` (0), ``ANALYSIS_THRESHOLD`` (0.6), ``ANALYSIS_BOOTSTRAP`` (20).
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

import consult
from consult.database import write_transaction
from consult.extensions import db
from consult.reports.models import AnalysisSnapshot, SnapshotStatus

log = logging.getLogger(__name__)

QUEUE = "analysis"
MODES = ("thread", "rq", "inline", "off")
LOCK_SECONDS = 3600
CHILD_NICENESS = 19  # thread mode's analysis process yields the CPU to every request
# What a thread-mode child needs of its parent's config (the rest comes from the environment).
CHILD_CONFIG_KEYS = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "TESTING")


def setting(app: Flask, key: str, default=None):
    """A setting from the app config, else from the environment (``ANALYSIS_*``)."""
    value = app.config.get(key)
    return os.environ.get(key, default) if value is None else value


def analysis_mode(app: Flask) -> str:
    mode = setting(app, "ANALYSIS_MODE")
    if mode is None:
        if app.testing:
            return "off"
        mode = "rq" if app.config.get("REDIS_URL") else "thread"
    if mode not in MODES:
        raise ValueError(f"ANALYSIS_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def parameters(app: Flask) -> dict:
    """The analysis parameters every run records (and a re-run needs to reproduce it)."""
    return {
        "random_state": int(setting(app, "ANALYSIS_SEED", 0)),
        "threshold": float(setting(app, "ANALYSIS_THRESHOLD", 0.6)),
        "n_bootstrap": int(setting(app, "ANALYSIS_BOOTSTRAP", 20)),
    }


def previous_ok(consultation_id: int) -> AnalysisSnapshot | None:
    return db.session.scalar(
        sa.select(AnalysisSnapshot)
        .where(
            AnalysisSnapshot.consultation_id == consultation_id,
            AnalysisSnapshot.status == SnapshotStatus.OK,
        )
        .order_by(AnalysisSnapshot.id.desc())
        .limit(1)
    )


def run_analysis(consultation_id: int, skip_if_current: bool = False) -> AnalysisSnapshot:
    """Analyse the consultation's votes now and store the run (OK or FAILED) as a snapshot.

    With ``skip_if_current`` (background runs), nothing is done when the last OK snapshot
    already saw the newest vote event, e.g. because another web process ran it first.
    """
    from consult.analysis import analyse
    from consult.reports.adapter import last_vote_event_id, read_input
    from consult.reports.snapshot_json import previous_from_json, result_json

    if skip_if_current:
        latest = previous_ok(consultation_id)
        if latest is not None and latest.last_vote_event_id == last_vote_event_id(consultation_id):
            db.session.rollback()
            return latest
    params = parameters(current_app)
    start = time.perf_counter()
    snapshot = AnalysisSnapshot(
        consultation_id=consultation_id,
        parameters={**params, "consult_version": consult.__version__},
    )
    try:
        data = read_input(consultation_id)
        snapshot.last_vote_event_id = data.last_vote_event_id
        snapshot.n_participants, snapshot.n_statements = data.votes.shape
        snapshot.n_votes = data.votes.n_votes
        if data.votes.n_votes == 0:
            raise ValueError("there are no votes to analyse yet")
        previous = previous_ok(consultation_id)
        warm = previous_from_json(previous.result if previous else None)
        snapshot.parameters["warm_start_from"] = previous.id if warm else None
        result = analyse(
            data.votes,
            data.flags,
            data.attributes,
            warm,
            random_state=params["random_state"],
            threshold=params["threshold"],
            n_bootstrap=params["n_bootstrap"],
        )
        snapshot.result = result_json(result)
        snapshot.status = SnapshotStatus.OK
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, never raised
        db.session.rollback()
        log.exception("analysis of consultation %s failed", consultation_id)
        snapshot.status = SnapshotStatus.FAILED
        snapshot.result = None
        snapshot.error = f"{type(exc).__name__}: {exc}"[:2000]
    snapshot.seconds = time.perf_counter() - start
    # End the read transaction first: on SQLite a read that turns into a write fails if
    # someone voted meanwhile, while a fresh BEGIN IMMEDIATE queues for the lock.
    db.session.rollback()
    with write_transaction():
        db.session.add(snapshot)
    return snapshot


# --- in-process threads ---------------------------------------------------------------

_lock = threading.Lock()
_state: dict[int, dict] = {}  # consultation id -> {"thread": Thread, "again": bool}


def request_analysis(consultation_id: int) -> None:
    """Ask for a fresh analysis of the consultation; returns at once (except inline)."""
    app = current_app._get_current_object()
    mode = analysis_mode(app)
    if mode == "off":
        return
    if mode == "inline":
        run_analysis(consultation_id)
    elif mode == "rq":
        _request_rq(app, consultation_id)
    else:
        _request_thread(app, consultation_id)


def _request_thread(app: Flask, consultation_id: int) -> None:
    with _lock:
        entry = _state.get(consultation_id)
        if entry is not None:
            entry["again"] = True
            return
        thread = threading.Thread(
            target=_thread_loop,
            args=(app, consultation_id),
            name=f"analysis-{consultation_id}",
            daemon=True,
        )
        _state[consultation_id] = {"thread": thread, "again": False}
    thread.start()


def _thread_loop(app: Flask, consultation_id: int) -> None:
    """Run until no request came in during the last run.

    Runs start at least ``ANALYSIS_MIN_INTERVAL_SECONDS`` apart, and one process at a
    time analyses a consultation (a lock file beside the database): the web workers
    keep their CPU for requests while votes pour in, and nothing is analysed twice.
    A process that finds the lock taken tries again after the interval.
    """
    delay = float(setting(app, "ANALYSIS_DEBOUNCE_SECONDS", 2.0))
    interval = float(setting(app, "ANALYSIS_MIN_INTERVAL_SECONDS", 30.0))
    last_start = float("-inf")
    while True:
        wait = max(delay, last_start + interval - time.monotonic())
        time.sleep(wait)  # let a burst of votes land before reading them
        with _lock:
            _state[consultation_id]["again"] = False
        with _process_lock(app, consultation_id) as acquired:
            if acquired:
                last_start = time.monotonic()
                try:
                    run_in_child_process(app, consultation_id)
                except Exception:  # noqa: BLE001 - keep the loop's bookkeeping right
                    log.exception("analysis thread for consultation %s failed", consultation_id)
        with _lock:
            if not acquired:
                _state[consultation_id]["again"] = True
                last_start = time.monotonic()
            elif not _state[consultation_id]["again"]:
                del _state[consultation_id]
                return


def run_in_child_process(app: Flask, consultation_id: int) -> None:
    """One background run in a new process (spawned, so nothing of this threaded parent
    is inherited), niced to the lowest priority; waits for it to finish."""
    config = {key: app.config[key] for key in CHILD_CONFIG_KEYS if key in app.config}
    config.update(
        {
            key: value
            for key, value in app.config.items()
            if key.startswith(("ANALYSIS_", "SQLITE_"))
        }
    )
    config["ANALYSIS_MODE"] = "off"
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_child_main,
        args=(config, consultation_id),
        name=f"consult-analysis-{consultation_id}",
        daemon=True,
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        log.error(
            "analysis process for consultation %s exited with %s", consultation_id, child.exitcode
        )


def _child_main(config: dict, consultation_id: int) -> None:
    os.nice(CHILD_NICENESS)
    from consult.app import create_app

    app = create_app(config)
    with app.app_context():
        try:
            run_analysis(consultation_id, skip_if_current=True)
        finally:
            db.session.remove()
            db.engine.dispose()


@contextmanager
def _process_lock(app: Flask, consultation_id: int):
    """An exclusive, non-blocking lock file per consultation, shared by the processes of
    one host (released by the OS if a process dies)."""
    folder = Path(app.config.get("INSTANCE_PATH") or app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"analysis-{consultation_id}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_idle(consultation_id: int | None = None, timeout: float = 60.0) -> bool:
    """Wait until no analysis thread runs (for one consultation or any); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            busy = [
                e["thread"]
                for cid, e in _state.items()
                if consultation_id is None or cid == consultation_id
            ]
        if not busy:
            return True
        busy[0].join(timeout=0.05)
    return False


# --- RQ ---------------------------------------------------------------------------------


def _redis(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def _keys(consultation_id: int) -> tuple[str, str]:
    base = f"consult:analysis:{consultation_id}"
    return f"{base}:wanted", f"{base}:running"


def _request_rq(app: Flask, consultation_id: int) -> None:
    from rq import Queue

    redis = _redis(app)
    wanted, running = _keys(consultation_id)
    redis.set(wanted, 1)
    if redis.set(running, 1, nx=True, ex=LOCK_SECONDS):
        Queue(QUEUE, connection=redis).enqueue(
            rq_analysis_job, consultation_id, job_timeout=LOCK_SECONDS
        )


def rq_analysis_job(consultation_id: int) -> None:
    """The RQ job: run until no request arrived during the last run, then release the lock."""
    from consult.app import create_app

    app = create_app()
    redis = _redis(app)
    wanted, running = _keys(consultation_id)
    delay = float(setting(app, "ANALYSIS_DEBOUNCE_SECONDS", 2.0))
    with app.app_context():
        while True:
            time.sleep(delay)
            redis.delete(wanted)
            run_analysis(consultation_id, skip_if_current=True)
            db.session.remove()
            if redis.exists(wanted):
                continue
            redis.delete(running)
            # A request between the check and the release found the lock held: take it back.
            if not (redis.exists(wanted) and redis.set(running, 1, nx=True, ex=LOCK_SECONDS)):
                return
