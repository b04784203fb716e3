"""Finding statements, editing one's profile and asking for verification in a browser:
search in place (htmx, the URL follows) and without JavaScript; the pages pass axe-core in
English and Chinese on a desktop and a 390 px phone, without sideways scrolling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD

SIDEWAYS = (Path(__file__).parent / "js" / "sideways.js").read_text()
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def world(db, make_consultation, make_user):
    from consult.consultations.models import ModerationMode
    from consult.participation.models import ModerationState, Statement, StatementKind

    consultation = make_consultation(moderation_mode=ModerationMode.POST)
    texts = ["Public audits of large models.", "人工智能的安全评估应当公开。", "Compute limits."]
    for text in texts:
        db.session.add(
            Statement(
                consultation_id=consultation.id,
                kind=StatementKind.PARTICIPANT,
                text=text,
                moderation_state=ModerationState.APPROVED,
            )
        )
    db.session.commit()
    return consultation, make_user("amina@example.org", organisation="Uni")


def log_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".account-menu summary")).to_be_visible()


def test_search_in_place_and_without_javascript(browser, live_server, world):
    consultation, _user = world
    url = f"{live_server}/c/{consultation.slug}/statements"
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Words in the statement").fill("安全")
    page.get_by_role("button", name="Show statements").click()
    expect(page.locator("#statement-results .statement")).to_have_count(1)
    expect(page.locator(".results-count")).to_contain_text("1 statement found")
    expect(page.locator("#live-status")).to_have_text(re.compile("1 statement found"))
    expect(page).to_have_url(re.compile(r"q=%E5%AE%89%E5%85%A8"))
    context.close()

    no_js = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = no_js.new_page()
    page.goto(url)
    page.get_by_label("Show").select_option("all")
    page.get_by_label("Order").select_option("least_voted")
    page.get_by_role("button", name="Show statements").click()
    expect(page).to_have_url(re.compile(r"show=all"))
    expect(page.locator("#statement-results .statement")).to_have_count(5)
    no_js.close()


def test_profile_edit_and_verification_request(browser, live_server, world):
    _consultation, user = world
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, user)
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="My profile", exact=True).click()
    page.get_by_label("Organisation (optional)").fill("Data Rights Senegal")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.locator(".flashes")).to_contain_text("Your profile is saved.")
    page.get_by_role("link", name="What verification means").click()
    page.get_by_label("Note for the verifiers (optional)").fill("https://drs.example/team")
    page.get_by_role("button", name="Ask for verification").click()
    expect(page.get_by_text("You asked for verification on")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_pages_pass_axe_and_fit_a_phone(browser, live_server, world, language):
    consultation, user = world
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, user)
    if language == "zh":
        page.get_by_label("Language", exact=True).select_option("zh")
        page.get_by_role("button", name="Change language").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    pages = [
        f"/c/{consultation.slug}/statements",
        f"/c/{consultation.slug}/statements?q=audits&show=all&sort=divisive",
        "/account/profile",
        "/account/verification",
    ]
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for path in pages:
            page.goto(live_server + path)
            assert_accessible(page, f"{path} ({language}, {size})")
            assert page.evaluate(SIDEWAYS) == [], f"{path} scrolls sideways ({language}, {size})"
    context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_verifiers_queue_with_a_request_passes_axe(
    browser, live_server, world, make_user, language
):
    from consult.auth.profile import request_verification

    _consultation, user = world
    request_verification(user, "https://uni.example/staff")
    verifier = make_user("vera@example.org", admin=True)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, verifier)
    if language == "zh":
        page.get_by_label("Language", exact=True).select_option("zh")
        page.get_by_role("button", name="Change language").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"{live_server}/verification?state=requested")
        expect(page.locator(".profile-row")).to_have_count(1)
        expect(page.locator(".profile-row")).to_contain_text("uni.example/staff")
        assert_accessible(page, f"verification queue ({language}, {size})")
        assert page.evaluate(SIDEWAYS) == [], f"the queue scrolls sideways ({language}, {size})"
    context.close()
