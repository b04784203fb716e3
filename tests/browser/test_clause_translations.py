"""Translated clauses in the browser: the team marks how a translation stands, a reader of
that language sees the badge beside the clause and opens the authoritative text with one
click; the editor and the reader's pages clean for axe-core, desktop and phone."""

from playwright.sync_api import expect

from tests.browser.pages import DESKTOP, check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)

DRAFT = "/c/test-consultation/draft"


def test_the_team_marks_a_translation_official_and_a_reader_sees_it(
    browser,
    live_server,
    page,
    team,  # noqa: F811
):
    log_in(page, live_server, team.organiser.email, PASSWORD)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server + DRAFT)
    page.get_by_role("link", name="Edit clause 1").click()
    standing = page.get_by_label("This translation is (中文)")
    expect(standing).to_have_value("reviewed")  # typed by the team: reviewed by default
    standing.select_option("official")
    page.get_by_role("button", name="Save in the working version").click()
    expect(page.locator(".flash-success")).to_contain_text("The clause is saved")
    expect(page.locator(".translation-standing").first).to_contain_text("Official translation")
    page.get_by_label("What changed in this version").fill("The Chinese text is official.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 2 is published")

    with signed_in(browser, live_server, team.participant.email, PASSWORD, "zh") as reader:
        reader.goto(live_server + "/c/test-consultation")
        first = reader.locator("li.clause").first
        expect(first.locator(".badge-translation")).to_be_visible()
        expect(first.locator(".clause-text").first).to_have_text("第一条。")
        authoritative = first.locator("details.authoritative-text")
        expect(authoritative.locator(".clause-text")).to_be_hidden()
        authoritative.locator("summary").click()  # one click
        expect(authoritative.locator(".clause-text")).to_have_text("First clause.")
        expect(authoritative.locator("[lang=en]")).to_have_count(1)


def test_the_translation_pages_pass_axe(browser, live_server, team, db):  # noqa: F811
    from consult.consultations.services import current_version

    c = team.consultation
    first = current_version(c).clauses[0]
    first.translations = {"zh": "proposed"}
    db.session.commit()
    problems = []
    with signed_in(browser, live_server, team.organiser.email, PASSWORD, "zh") as page:
        for path in (
            f"{DRAFT}/clauses/{first.lineage_key}",
            DRAFT,
            "/c/test-consultation",
            f"/c/test-consultation/s/{first.statement_id}",
            "/c/test-consultation/text",
            "/c/test-consultation/vote",
        ):
            problems += check_page(page, live_server, path, "zh")
    assert not problems, "\n".join(problems)
