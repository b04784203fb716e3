"""The audit log in a browser: filtering and the CSV download work without JavaScript, and
the organiser's log and the site's log pass axe-core (tap targets, no sideways scrolling)
in English and Chinese on a desktop and a phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from consult.moderation.services import moderate
from tests.browser.pages import check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

LOG = "/c/test-consultation/organise/audit"


def _history(team, contribute):  # noqa: F811
    c = team.consultation
    spam = contribute.statement(c, "Buy cheap watches.")
    moderate(team.moderator, c, "statement", spam.id, "reject", "pending", "spam")
    other = contribute.statement(c, "Share the evaluations.")
    moderate(team.organiser, c, "statement", other.id, "approve", "pending")
    return spam


def test_filter_and_download_without_javascript(browser, live_server, team, contribute):  # noqa: F811
    spam = _history(team, contribute)
    context = browser.new_context(locale="en-GB", java_script_enabled=False, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, team.organiser.email, PASSWORD)
        page.goto(live_server + LOG)
        page.get_by_label("Person").select_option(label="Mod")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_load_state()
        rows = page.locator("tr.audit-event")
        assert rows.count() == 1
        assert f"Mod rejected statement {spam.number}" in rows.first.inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download these events as CSV").click()
        saved = download.value
        assert saved.suggested_filename == "test-consultation-audit.csv"
        text = Path(saved.path()).read_text("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["actor"], r["action"], r["reason"]) for r in rows] == [("Mod", "reject", "spam")]
    finally:
        context.close()


def test_audit_pages_pass_axe_in_both_languages(browser, live_server, team, contribute, quick_user):  # noqa: F811
    from consult.verification.services import set_verifier

    _history(team, contribute)
    admin = quick_user("admin@example.org", admin=True)
    set_verifier(admin, team.moderator.email, True)
    problems = []
    for language in ("en", "zh"):
        for user, paths in (
            (team.organiser, [LOG, f"{LOG}?action=reject"]),
            (admin, ["/admin/audit"]),
        ):
            with signed_in(browser, live_server, user.email, PASSWORD, language) as page:
                for path in paths:
                    problems += check_page(page, live_server, path, language)
    assert not problems, "\n".join(problems)
