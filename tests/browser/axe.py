"""axe-core in the browser tests: WCAG 2.2 A/AA rules run on the page Playwright shows.

axe-core comes from the npm registry (``make test-deps`` installs it into ``.venv/axe``);
without it the checks skip naming the command, and fail in CI.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import skip_without_system_packages

AXE_VERSION = "4.14.1"  # .ci/test-deps installs the same version
AXE_SCRIPT = Path(__file__).resolve().parents[2] / ".venv/axe/node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def axe_script() -> str:
    if not AXE_SCRIPT.exists():
        skip_without_system_packages(
            f"axe-core {AXE_VERSION} in .venv/axe (make test-deps)", "npm  # then make test-deps"
        )
    return AXE_SCRIPT.read_text()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 AA violations on ``page``, one line each."""
    # After a form posts and the answer is a new page (a 409 that re-renders it), its
    # elements can be visible before its stylesheets apply; measured then, the header's
    # links are unstyled inline text and fail target-size. The load event waits for them.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern
        # (a <script> tag would be refused: script-src 'self').
        page.evaluate(axe_script())
    # Only violations are read: axe skips detailing passes (halves the run on a long page).
    options = "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}"
    result = page.evaluate(f"tags => axe.run(document, {options})", WCAG_TAGS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def assert_accessible(page, where: str = "") -> None:
    """Fail listing every serious or critical violation on the current page."""
    found = serious_violations(page)
    assert not found, f"axe-core on {where or page.url}:\n  " + "\n  ".join(found)
