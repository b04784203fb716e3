"""A translation left behind by a new authoritative text, in the browser: a reader of Chinese
sees the notice naming the version and the authoritative text already open on the clause
page; the clause, consultation, vote and editor pages clean for axe-core, desktop and phone."""

from playwright.sync_api import expect

from tests.browser.pages import check_page, signed_in
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)

SLUG = "test-consultation"


def test_a_reader_of_an_outdated_translation_is_told_and_shown_the_original(
    browser,
    live_server,
    team,  # noqa: F811
    db,
):
    from consult.consultations.services import current_version
    from consult.drafts import publishing, services

    c = team.consultation
    first = current_version(c).clauses[0]
    reworded = {"en": "First clause, reworded.", "zh": "第一条。"}
    services.save_clause(team.organiser, c, first.lineage_key, {}, reworded)
    publishing.publish_version(team.organiser, c, "Clause 1 reworded in English.")
    clause = current_version(c).clauses[0]
    assert clause.translations == {"zh": "outdated"}
    db.session.commit()
    clause_page = f"/c/{SLUG}/s/{clause.statement_id}"

    with signed_in(browser, live_server, team.participant.email, PASSWORD, "zh") as page:
        page.goto(live_server + clause_page)
        notice = page.locator("main .standing-outdated")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("2")  # the version (its words are translated)
        authoritative = page.locator("details.authoritative-text")
        # Open without a click: the reader reads the text voted on.
        expect(authoritative.locator(".clause-text")).to_have_text("First clause, reworded.")
        expect(authoritative.locator("[lang=en]")).to_have_count(1)
        expect(page.locator("main .clause-text").first).to_have_text("第一条。")
        authoritative.locator("summary").click()  # and it folds like any other
        expect(authoritative.locator(".clause-text")).to_be_hidden()
        problems = check_page(page, live_server, clause_page, "zh")
        problems += check_page(page, live_server, f"/c/{SLUG}", "zh")

    with signed_in(browser, live_server, team.organiser.email, PASSWORD, "zh") as page:
        for path in (f"/c/{SLUG}/draft", f"/c/{SLUG}/draft/clauses/{clause.lineage_key}"):
            problems += check_page(page, live_server, path, "zh")
        page.goto(live_server + f"/c/{SLUG}/draft/clauses/{clause.lineage_key}")
        expect(page.locator("select[name=standing_zh]")).to_have_value("outdated")
    assert not problems, "\n".join(problems)
