"""The draft editor in the browser: the preamble and a clause edited with their languages
side by side, the authoritative language marked, the warning when only one language changed;
clean for axe-core on a desktop and a 390 px phone, in English and Chinese."""

from playwright.sync_api import expect

from tests.browser.pages import DESKTOP, check_page, log_in, signed_in
from tests.conftest import PASSWORD
from tests.team import quick_user, team  # noqa: F401  (shared fixtures)

DRAFT = "/c/test-consultation/draft"


def test_an_organiser_redrafts_in_two_languages(live_server, page, team):  # noqa: F811
    log_in(page, live_server, team.organiser.email, PASSWORD)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server + DRAFT)
    page.get_by_role("link", name="Edit the preamble").click()
    english = page.get_by_label("Preamble (English)")
    chinese = page.get_by_label("Preamble (中文)")
    # Side by side on a desktop: the two boxes share a row.
    assert abs(english.bounding_box()["y"] - chinese.bounding_box()["y"]) < 5
    english.fill("We the participants.\n\nSecond paragraph.")
    chinese.fill("我们参与者。\n\n第二段。")
    page.get_by_role("button", name="Save in the working version").click()
    expect(page.locator(".flash-success")).to_contain_text("The preamble is saved")
    expect(page.locator("section", has_text="Preamble").first).to_contain_text("第二段。")

    page.get_by_role("link", name="Edit clause 1").click()
    expect(page.locator("legend", has_text="English")).to_contain_text("Authoritative")
    page.get_by_label("Text (English)").fill("First clause, amended in English only.")
    page.get_by_role("button", name="Save in the working version").click()
    expect(page.locator(".flash-warning")).to_contain_text(
        "The English text changed but the 中文 text did not"
    )
    expect(page.locator(".out-of-step")).to_have_count(1)

    page.get_by_label("Authoritative language").select_option("zh")
    page.get_by_role("button", name="Save the authoritative language").click()
    expect(page.locator(".flash-success")).to_contain_text("中文 is the authoritative language")
    # Now only English changed: a translation change, whose votes carry over.
    expect(page.locator(".voters-again")).to_contain_text("Only a translation changed")
    expect(page.locator("#publish-heading + p")).to_contain_text(
        "1 clause changed in translation only keeps its votes."
    )


def test_the_draft_editor_passes_axe(browser, live_server, team):  # noqa: F811
    problems = []
    for language in ("en", "zh"):
        with signed_in(browser, live_server, team.organiser.email, PASSWORD, language) as page:
            page.goto(live_server + DRAFT)
            key = page.locator(".clause").first.get_attribute("id").removeprefix("clause-")
            for path in (DRAFT, f"{DRAFT}/preamble", f"{DRAFT}/clauses/{key}"):
                problems += check_page(page, live_server, path, language)
    assert not problems, "\n".join(problems)
