"""The browser fixtures (Chromium through Playwright, a live server, a fresh page), in one
plugin that tests/conftest.py registers once for the whole suite.

They live here, not in a conftest, so that every folder's browser tests share the one
session-wide Playwright: a conftest or module that imported them would define them again,
and a second sync Playwright cannot start inside the first one's event loop.

Without a ``chromium`` on PATH they skip with a message saying so; in CI (``CI`` set)
a missing browser is a failure, so the journeys cannot silently stop running.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import BROWSER_PACKAGES, skip_without_system_packages

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium")
    if path is None:
        skip_without_system_packages("Debian's chromium on PATH", BROWSER_PACKAGES)
    return path


@pytest.fixture(scope="session")
def playwright_instance(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free port of 127.0.0.1 in a thread for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


# Generous waits: the suite runs in two processes on two cores, so a page may take
# seconds to answer; a wait only lasts this long when a test is failing anyway.
ACTION_TIMEOUT_MS = 30_000
expect.set_options(timeout=15_000)


@pytest.fixture
def page(browser):
    """A fresh browser context (cookies, storage) per test."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
