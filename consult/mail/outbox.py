"""The embedded mail backend when no ``MAIL_SERVER`` is set: each message becomes an
``.eml`` file in ``<instance>/outbox/`` (open it with any mail program), and its
subject and recipients are logged, so a site without a mail server still works."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)


def outbox_folder() -> Path:
    return Path(current_app.instance_path) / "outbox"


class EmailBackend(BaseEmailBackend):
    """Flask-Mailman backend writing each message to its own file."""

    def send_messages(self, email_messages) -> int:
        folder = outbox_folder()
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            data = message.message().as_bytes()
            # Owner-only: the files hold password-reset links.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            log.info("mail to %s written to %s: %s", ", ".join(message.to), path, message.subject)
            written += 1
        return written
