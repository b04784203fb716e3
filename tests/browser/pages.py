"""Helpers of the browser tests: logging in through the form, and the page checks every
journey runs (axe-core, tap targets, sideways scrolling at phone width)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.browser.axe import serious_violations
from tests.browser.conftest import switch_language

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

CHECKS = Path(__file__).parent / "js"
SIDEWAYS = (CHECKS / "sideways.js").read_text()
SMALL_TARGETS = (CHECKS / "small_targets.js").read_text()
OPEN_DISCLOSURES = (
    "() => document.querySelectorAll('main details').forEach(d => { d.open = true; })"
)


def log_in(page, base, email, password):
    page.goto(base + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"could not log in as {email}"


def check_page(page, base, path, language, status=200) -> list[str]:
    """Problems on ``path`` (answered with ``status``) at both sizes, one line each."""
    page.set_viewport_size(DESKTOP)
    response = page.goto(base + path)
    if response is None or response.status != status:
        return [f"{language} {path}: HTTP {response.status if response else 'none'}, not {status}"]
    return problems_here(page, f"{language} {path}")


def problems_here(page, where) -> list[str]:
    """axe-core and tap targets at both sizes, sideways scrolling on the phone; with every
    disclosure (tables behind charts, folded sections) open, so what it hides is checked."""
    page.evaluate(OPEN_DISCLOSURES)
    problems = []
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        problems += [f"{where} on {size}: {v}" for v in serious_violations(page)]
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems.append(f"{where} on {size}, small targets: " + "; ".join(small))
    wide = page.evaluate(SIDEWAYS)
    if wide:
        problems.append(f"{where} on phone scrolls sideways: " + "; ".join(wide))
    page.set_viewport_size(DESKTOP)
    return problems


@contextmanager
def signed_in(browser, base: str, email: str, password: str, language: str = "en") -> Iterator:
    """A page in a fresh browser context, logged in as ``email``, in ``language``."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, base, email, password)
        switch_language(page, base, language)
        yield page
    finally:
        context.close()
