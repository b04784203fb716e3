"""Delivering rendered mails off the request path.

``thread``: one daemon thread per process takes mails from a queue and sends them (a
gunicorn worker starts its own after the fork). ``rq``: a job on the ``mail`` queue, run by
``flask worker``; the job builds its app from :data:`APP_FACTORY`. ``inline``: at once.
A failed delivery is logged with the recipient and subject, never raised to a request.

A *mail job* (:func:`dispatch_job`) goes the same way, one step earlier: the request hands
over a dotted path and plain arguments, and the job looks up whom to mail and renders the
mail where it runs (sending it at once). A request whose answer must not tell whether an
address has an account uses it: its work is the same either way.
"""

from __future__ import annotations

import atexit
import contextvars
import logging
import os
import queue
import threading
from dataclasses import asdict, dataclass

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives

from consult.mail.compose import Envelope
from consult.mail.settings import OUTBOX_BACKEND, delivery_mode

log = logging.getLogger(__name__)

QUEUE = "mail"
APP_FACTORY = "consult.app.create_app"
DRAIN_AT_EXIT_SECONDS = 10.0

# Set while a mail job runs: the mails it renders are sent at once, from where it runs.
_in_job: contextvars.ContextVar[bool] = contextvars.ContextVar("consult_mail_job", default=False)


@dataclass(frozen=True)
class MailJob:
    """Work that renders and sends mail, as plain data: ``path`` names the function,
    ``args`` are its arguments, ``base_url`` is where links point without ``SITE_URL``."""

    path: str
    args: tuple
    base_url: str | None = None


def deliver(envelope: Envelope) -> None:
    """Send now, in the caller's app context; failures are logged, not raised."""
    app = current_app
    message = EmailMultiAlternatives(
        subject=envelope.subject,
        body=envelope.text,
        from_email=app.config["MAIL_FROM"],
        to=[envelope.to],
        headers=envelope.headers,
    )
    message.attach_alternative(envelope.html, "text/html")
    try:
        message.connection = _connection(app)
        message.send()
    except Exception:  # noqa: BLE001 - a mail that cannot go is logged, the caller goes on
        log.exception("could not send mail to %s: %s", envelope.to, envelope.subject)
    else:
        log.info("mail sent to %s: %s", envelope.to, envelope.subject)


def _connection(app: Flask):
    """The backend for the settings as they are now (tests change them on a live app)."""
    mailman = app.extensions["mailman"]
    config = app.config
    if not config.get("MAIL_SERVER"):
        return mailman.get_connection(config.get("MAIL_BACKEND") or OUTBOX_BACKEND)
    return mailman.get_connection(
        "smtp",
        host=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT") or 25),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=bool(config.get("MAIL_USE_SSL")),
        timeout=config.get("MAIL_TIMEOUT") or 30,
    )


def dispatch(envelope: Envelope) -> None:
    """Hand ``envelope`` to the configured delivery; returns at once except ``inline``."""
    app = current_app._get_current_object()
    mode = delivery_mode(app)
    if mode == "inline" or _in_job.get():
        deliver(envelope)
    elif mode == "rq":
        try:
            _enqueue_rq(app, envelope)
        except Exception:  # noqa: BLE001 - Redis down: say so in the log, not in a 500
            log.exception("could not queue mail to %s: %s", envelope.to, envelope.subject)
    else:
        _sender().put((app, envelope))


def dispatch_job(path: str, *args) -> None:
    """Run the function at dotted ``path`` with ``args`` (plain data) where mails are
    delivered: inline, the sending thread or an RQ job. It renders and sends its mails
    there; links point at ``SITE_URL``, else at the host of the request that asked."""
    from flask import has_request_context, request

    app = current_app._get_current_object()
    base_url = request.host_url if has_request_context() else None
    job = MailJob(path, tuple(args), base_url)
    mode = delivery_mode(app)
    if mode == "inline":
        run_job(app, job)
    elif mode == "rq":
        try:
            _enqueue_rq_job(app, job)
        except Exception:  # noqa: BLE001 - Redis down: say so in the log, not in a 500
            log.exception("could not queue the mail job %s", path)
    else:
        _sender().put((app, job))


def run_job(app: Flask, job: MailJob) -> None:
    """Run ``job`` with links on its base URL; the mails it renders go out at once."""
    from consult.jobs import resolve

    marker = _in_job.set(True)
    try:
        # Without a base URL (asked outside a request), links need SITE_URL.
        if job.base_url:
            context = app.test_request_context("/", base_url=job.base_url)
        else:
            context = app.app_context()
        with context:
            resolve(job.path)(*job.args)
    finally:
        _in_job.reset(marker)


# --- one sending thread per process ------------------------------------------------------


class _Sender:
    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self.thread.start()

    def put(self, item) -> None:
        self.queue.put(item)

    def _run(self) -> None:
        while True:
            app, work = self.queue.get()
            try:
                if isinstance(work, MailJob):
                    run_job(app, work)
                else:
                    with app.app_context():
                        deliver(work)
            except Exception:  # noqa: BLE001 - keep the thread alive for the next mail
                log.exception("mail thread failed on %s", getattr(work, "to", work))
            finally:
                self.queue.task_done()


_lock = threading.Lock()
_current: _Sender | None = None


def _sender() -> _Sender:
    global _current
    with _lock:
        # After a fork (gunicorn) the parent's thread does not exist here: start one.
        if _current is None or _current.pid != os.getpid():
            _current = _Sender()
        return _current


def wait_sent(timeout: float = 10.0) -> bool:
    """Wait until this process's sending thread has handled every mail given to it
    (tests, and process exit); False if some are still waiting after ``timeout``."""
    sender = _current
    if sender is None or sender.pid != os.getpid():
        return True
    done = threading.Event()

    def join():
        sender.queue.join()
        done.set()

    threading.Thread(target=join, daemon=True).start()
    return done.wait(timeout)


atexit.register(wait_sent, DRAIN_AT_EXIT_SECONDS)


# --- RQ -----------------------------------------------------------------------------------


def _enqueue_rq(app: Flask, envelope: Envelope) -> None:
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(app.config["REDIS_URL"])
    Queue(QUEUE, connection=redis).enqueue("consult.mail.delivery.rq_deliver", asdict(envelope))


def _enqueue_rq_job(app: Flask, job: MailJob) -> None:
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(app.config["REDIS_URL"])
    Queue(QUEUE, connection=redis).enqueue(
        "consult.mail.delivery.rq_run_job", job.path, list(job.args), job.base_url
    )


def rq_run_job(path: str, args: list, base_url: str | None) -> None:
    """The RQ job for :func:`dispatch_job`."""
    from consult.jobs import resolve

    app = resolve(APP_FACTORY)()
    run_job(app, MailJob(path, tuple(args), base_url))


def rq_deliver(envelope: dict) -> None:
    """The RQ job: send one rendered mail from the worker."""
    from consult.jobs import resolve

    app = resolve(APP_FACTORY)()
    with app.app_context():
        deliver(Envelope(**envelope))
