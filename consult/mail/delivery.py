"""Delivering rendered mails off the request path.

``thread``: one daemon thread per process takes mails from a queue and sends them (a
gunicorn worker starts its own after the fork). ``rq``: a job on the ``mail`` queue, run by
``flask worker``; the job builds its app from :data:`APP_FACTORY`. ``inline``: at once.
A failed delivery is logged with the recipient and subject, never raised to a request.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from dataclasses import asdict

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives

from consult.mail.compose import Envelope
from consult.mail.settings import OUTBOX_BACKEND, delivery_mode

log = logging.getLogger(__name__)

QUEUE = "mail"
APP_FACTORY = "consult.app.create_app"
DRAIN_AT_EXIT_SECONDS = 10.0


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
    if mode == "inline":
        deliver(envelope)
    elif mode == "rq":
        try:
            _enqueue_rq(app, envelope)
        except Exception:  # noqa: BLE001 - Redis down: say so in the log, not in a 500
            log.exception("could not queue mail to %s: %s", envelope.to, envelope.subject)
    else:
        _sender().put((app, envelope))


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
            app, envelope = self.queue.get()
            try:
                with app.app_context():
                    deliver(envelope)
            except Exception:  # noqa: BLE001 - keep the thread alive for the next mail
                log.exception("mail thread failed on a mail to %s", envelope.to)
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


def rq_deliver(envelope: dict) -> None:
    """The RQ job: send one rendered mail from the worker."""
    from consult.jobs import resolve

    app = resolve(APP_FACTORY)()
    with app.app_context():
        deliver(Envelope(**envelope))
