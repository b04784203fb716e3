"""Scheduling analysis runs off the request path: debounced per consultation, one at a time.

This module only decides *when* and *where* a run happens; the run itself is named by
dotted path (:data:`RUN`, ``consult.reports.snapshots.run_analysis``) and imported where
it executes, and a child process or RQ worker builds its app from :data:`APP_FACTORY`.
So nothing here imports a service or the app factory (no import cycle through views).

``ANALYSIS_MODE`` picks how :func:`request_analysis` runs the work:

- ``"thread"`` (default without Redis): a background thread per consultation in the web
  process, which runs each analysis in a fresh child process at the lowest CPU priority
  (so the analysis never holds the web process's GIL, and takes only the CPU the web
  tier leaves). Requests that arrive while a run is in flight only mark it "wanted
  again"; when the run ends, one more run starts and picks up every vote up to its start.
- ``"rq"`` (default with ``REDIS_URL``): an RQ job on the ``analysis`` queue, run by
  ``flask worker`` (or ``rq worker analysis``); the same debouncing with Redis keys, and
  a lock renewed while the run lives, so another worker takes over soon after one dies.
- ``"inline"``: run at once, in the request (tests, scripts).
- ``"off"``: do nothing (the default under ``TESTING`` unless a test asks otherwise).

Settings (app config, else environment): ``ANALYSIS_MODE``, ``ANALYSIS_DEBOUNCE_SECONDS``
(2), ``ANALYSIS_MIN_INTERVAL_SECONDS`` (30), ``ANALYSIS_LOCK_SECONDS`` (60: in RQ mode, how
soon a killed worker's run is taken over by another worker: :mod:`consult.jobs_rq`).
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import multiprocessing
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app

log = logging.getLogger(__name__)

QUEUE = "analysis"
MODES = ("thread", "rq", "inline", "off")
RUN = "consult.reports.snapshots.run_analysis"  # (consultation_id, skip_if_current=False)
APP_FACTORY = "consult.app.create_app"
CHILD_NICENESS = 19  # thread mode's analysis process yields the CPU to every request
# What a thread-mode child needs of its parent's config (the rest comes from the environment).
CHILD_CONFIG_KEYS = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "TESTING")


def resolve(path: str):
    """The object at a dotted path ``package.module.name``."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


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


def request_analysis(consultation_id: int) -> None:
    """Ask for a fresh analysis of the consultation; returns at once (except inline)."""
    app = current_app._get_current_object()
    mode = analysis_mode(app)
    if mode == "off":
        return
    if mode == "inline":
        resolve(RUN)(consultation_id)
    elif mode == "rq":
        _request_rq(app, consultation_id)
    else:
        _request_thread(app, consultation_id)


def in_flight(consultation_id: int) -> bool:
    """Whether a run of the consultation is queued or running, as far as this process
    can tell (thread mode knows its own threads; RQ mode asks Redis)."""
    app = current_app._get_current_object()
    mode = analysis_mode(app)
    if mode == "rq":
        from consult.jobs_rq import queued_or_running

        return queued_or_running(app, consultation_id)
    if mode == "thread":
        with _lock:
            return consultation_id in _state
    return False


# --- in-process threads ---------------------------------------------------------------

_lock = threading.Lock()
_state: dict[int, dict] = {}  # consultation id -> {"thread": Thread, "again": bool}


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
    app = resolve(APP_FACTORY)(config)
    with app.app_context():
        _run_and_clean_up(consultation_id)


def _run_and_clean_up(consultation_id: int) -> None:
    from consult.extensions import db

    try:
        resolve(RUN)(consultation_id, skip_if_current=True)
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


# --- RQ (the lock and the job: :mod:`consult.jobs_rq`) ----------------------------------


def redis_connection(app: Flask):
    """The app's Redis client for ``REDIS_URL``: one per app and URL, so its connection
    pool is reused (every vote asks for a run; a new client per call would open a new
    connection each time). The pool reconnects by itself in a forked process."""
    from redis import Redis

    url = app.config["REDIS_URL"]
    clients = app.extensions.setdefault("consult_redis", {})
    client = clients.get(url)
    if client is None:
        client = clients.setdefault(url, Redis.from_url(url))
    return client


def _request_rq(app: Flask, consultation_id: int) -> None:
    from consult.jobs_rq import request

    request(app, consultation_id)


def rq_analysis_job(consultation_id: int) -> None:
    """The job's former dotted path: a job queued before an upgrade still runs."""
    from consult.jobs_rq import rq_analysis_job as job

    job(consultation_id)
