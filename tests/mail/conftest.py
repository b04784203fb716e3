"""Mail tests: a real SMTP server per test (tests/smtp.py), and reading links from mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.smtp import smtp_server  # noqa: F401  (the fixture)
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)

MAIN_RE = re.compile(r"<main\b.*?</main>", re.S)
CSRF_INPUT_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


@pytest.fixture
def inbox(app, smtp_server):  # noqa: F811 (the fixture imported above)
    """The app mails the test SMTP server, inline (the request returns once it is sent)."""
    smtp_server.configure(app)
    return smtp_server


def path_of(link: str) -> str:
    """The path of an absolute link from a mail, for the test client."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_to(inbox, message, fragment: str) -> str:
    """The one link in ``message`` whose path contains ``fragment``."""
    (link,) = [link for link in inbox.links(message) if fragment in link]
    return path_of(link)


def main_of(html: str) -> str:
    """The page's main content, without its CSRF tokens (they differ per session)."""
    match = MAIN_RE.search(html)
    assert match, "page has no <main>"
    return CSRF_INPUT_RE.sub("", match.group(0))


@pytest.fixture
def new_client(app):
    """Another visitor: a fresh test client (its own cookies), each request in its own
    app context as in production."""
    from tests.conftest import IsolatedClient

    def make():
        app.test_client_class = IsolatedClient
        return app.test_client()

    return make
