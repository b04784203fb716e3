"""The organiser's exports page offers participant-profiles.csv: the link downloads the file,
and the page stays clean for axe-core in English and Chinese on a desktop and a phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.browser.pages import check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

EXPORTS = "/c/test-consultation/exports"


def test_the_link_downloads_the_profiles(live_server, page, team, contribute):  # noqa: F811
    contribute.participant(team.consultation, team.participant)
    log_in(page, live_server, team.organiser.email, PASSWORD)
    page.goto(live_server + EXPORTS)
    with page.expect_download() as download:
        page.get_by_role("link", name="participant-profiles.csv").click()
    saved = download.value
    assert saved.suggested_filename == "test-consultation-participant-profiles.csv"
    rows = list(csv.DictReader(io.StringIO(Path(saved.path()).read_text("utf-8"))))
    assert [r["participant"] for r in rows] == ["0"]
    assert rows[0]["account"] == "true"


def test_exports_page_passes_axe_in_both_languages(browser, live_server, team):  # noqa: F811
    problems = []
    for language in ("en", "zh"):
        with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
            problems += check_page(page, live_server, EXPORTS, language)
    assert not problems, "\n".join(problems)
