"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 at a free port, keeping what it gets.

Use the fixture (import it into a conftest or test module)::

    from tests.smtp import smtp_server  # noqa: F401

    def test_x(app, smtp_server):
        smtp_server.configure(app)          # the app sends to this server, inline
        ...
        (message,) = smtp_server.wait_for(1)
        link = smtp_server.links(message)[0]

or the context manager ``with running_smtp_server() as inbox: ...``. Messages are parsed
``email.message.EmailMessage`` objects (``email.policy.default``).
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.serving import free_port

LINK_RE = re.compile(r"https?://[^\s<>\"')]+")


class Inbox:
    """The aiosmtpd handler: every message received, in order."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO)
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first ``count`` messages, waiting up to ``timeout`` seconds for them;
        fails the test if fewer arrive."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"expected {count} mail(s), received {len(self.messages)}")
                self._changed.wait(left)
            return list(self.messages[:count])

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received so far for ``address``."""
        with self._changed:
            return [m for m in self.messages if address in str(m["To"])]

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()
            self.envelopes.clear()

    def configure(self, app, delivery: str = "inline") -> None:
        """Make ``app`` send its mail here (``delivery``: inline, or thread)."""
        app.config.update(
            MAIL_SERVER=self.host,
            MAIL_PORT=self.port,
            MAIL_USE_TLS=False,
            MAIL_USE_SSL=False,
            MAIL_DELIVERY=delivery,
        )

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        """The absolute links in the plain-text part, in order."""
        return LINK_RE.findall(cls.text(message))


@contextmanager
def running_smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    for _attempt in range(5):  # another process may take the free port first
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except (OSError, RuntimeError):
            continue
        break
    else:
        pytest.fail("could not start the test SMTP server")
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A fresh SMTP server per test; ``smtp_server.configure(app)`` points the app at it."""
    with running_smtp_server() as inbox:
        yield inbox
