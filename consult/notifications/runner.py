"""When scans run: soon after a transaction that recorded something worth a notice, and
whenever ``flask send-notifications`` runs (cron: the schedule-driven notices and the
daily digest).

A SQLAlchemy ``after_flush`` hook notes that a transaction added an audit event of a
watched action (every answer, moderation decision, published version, published report
and status change is in the audit log); its ``after_commit`` hook then asks for a scan.
``NOTIFICATIONS_MODE`` says where the scan runs: ``thread`` (default without Redis; one
background thread per process, a request arriving during a scan asks for one more),
``rq`` (default with ``REDIS_URL``: a job on the ``mail`` queue that ``flask worker``
serves), or ``off`` (the default under ``TESTING``; the command still works).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.moderation.models import ModerationEvent

log = logging.getLogger(__name__)

MODES = ("thread", "rq", "off")
WATCHED = frozenset(
    {"approve", "reject", "duplicate", "respond", "publish", "publish_report",
     "republish_report", "set_status"}
)  # fmt: skip
FLAG = "consult_notifications_wanted"
RQ_QUEUE = "mail"
RQ_JOB = "consult.notifications.runner.rq_scan"
RQ_KEY = "consult:notifications:queued"
DEBOUNCE_SECONDS = 0.5


def mode(app: Flask) -> str:
    from consult.mail.settings import setting

    chosen = setting(app, "NOTIFICATIONS_MODE")
    if chosen is None:
        if app.testing:
            return "off"
        chosen = "rq" if app.config.get("REDIS_URL") else "thread"
    if chosen not in MODES:
        raise ValueError(f"NOTIFICATIONS_MODE must be one of {', '.join(MODES)}, not {chosen!r}")
    return chosen


@event.listens_for(Session, "after_flush")
def _note_events(session: Session, _context) -> None:
    if any(isinstance(o, ModerationEvent) and o.action in WATCHED for o in session.new):
        session.info[FLAG] = True


@event.listens_for(Session, "after_commit")
def _scan_after_commit(session: Session) -> None:
    if session.info.pop(FLAG, False) and has_app_context():
        try:
            request_scan()
        except Exception:  # noqa: BLE001 - a notice must never fail the write it follows
            log.exception("could not ask for a notification scan")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(FLAG, None)


def request_scan() -> None:
    """Ask for a scan soon; returns at once."""
    app = current_app._get_current_object()
    chosen = mode(app)
    if chosen == "off":
        return
    base_url = request.host_url if has_request_context() else None
    if chosen == "rq":
        _request_rq(app, base_url)
    else:
        _request_thread(app, base_url)


# --- a background thread per process ------------------------------------------------------

_lock = threading.Lock()
_state: dict[str, object] = {"thread": None, "again": False, "base_url": None}


def _request_thread(app: Flask, base_url: str | None) -> None:
    with _lock:
        _state["base_url"] = base_url or _state["base_url"]
        running = _state["thread"]
        if running is not None:
            _state["again"] = True
            return
        thread = threading.Thread(
            target=_thread_loop, args=(app,), name="notifications", daemon=True
        )
        _state["thread"], _state["again"] = thread, False
    thread.start()


def _thread_loop(app: Flask) -> None:
    """Scan until no request for one came in during the last scan."""
    while True:
        time.sleep(DEBOUNCE_SECONDS)  # let the burst that asked land first
        with _lock:
            _state["again"] = False
            base_url = _state["base_url"]
        try:
            _scan_in(app, base_url)
        except Exception:  # noqa: BLE001 - keep the loop's bookkeeping right
            log.exception("notification scan failed")
        with _lock:
            if not _state["again"]:
                _state["thread"] = None
                return


def _scan_in(app: Flask, base_url: str | None) -> None:
    from consult.notifications.delivery import run_scan

    with app.app_context():
        run_scan(base_url=base_url)


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until this process's scan thread is done; False on timeout (tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            thread = _state["thread"]
        if thread is None:
            return True
        thread.join(timeout=0.05)
    return False


# --- RQ ---------------------------------------------------------------------------------


def _request_rq(app: Flask, base_url: str | None) -> None:
    from rq import Queue

    from consult.jobs import redis_connection

    redis = redis_connection(app)
    # One job waiting is enough: it scans everything up to when it runs.
    if redis.set(RQ_KEY, 1, nx=True, ex=300):
        Queue(RQ_QUEUE, connection=redis).enqueue(RQ_JOB, base_url)


def rq_scan(base_url: str | None = None) -> None:
    """The RQ job: build an app and scan."""
    from consult.extensions import db
    from consult.jobs import APP_FACTORY, redis_connection, resolve

    app = resolve(APP_FACTORY)()
    redis_connection(app).delete(RQ_KEY)
    try:
        _scan_in(app, base_url)
    finally:
        with app.app_context():
            db.session.remove()
