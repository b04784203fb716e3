"""Finding one's way in the demo consultation, in a browser (issue 13, items 6 and 8): the
consultation navigation, the authoritative text, reading progress, the share links, the
vote flow's guidance and the printable text; axe-core finds no serious or critical WCAG 2.2
AA violation, in English and Chinese, on a desktop and a 390 px phone."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PAGES = ("", "/vote", "/draft/versions", "/text", "/statements", "/dashboard")


@pytest.fixture
def demo(app):
    from consult.demo.seed import DEMO_SLUG, seed_demo

    seed_demo(n_stakeholders=20)
    return DEMO_SLUG


def _no_sideways_scroll(page, where: str) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{where} scrolls sideways by {wide} px"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_consultation_pages_are_navigable_and_accessible(browser, live_server, demo, language):
    context = browser.new_context(locale="zh-CN" if language == "zh" else "en-GB")
    page = context.new_page()
    try:
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for path in PAGES:
                page.goto(f"{live_server}/c/{demo}{path}")
                where = f"{path or '/'} ({language}, {size['width']} px)"
                nav = page.locator("nav.consultation-nav")
                expect(nav).to_have_count(1)
                expect(nav.locator('[aria-current="page"]')).to_have_count(1)
                assert_accessible(page, where)
                if size is PHONE:
                    _no_sideways_scroll(page, where)
    finally:
        context.close()


def test_english_reader_finds_the_authoritative_text_and_shares_a_clause(
    browser, live_server, demo
):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{demo}")
        nav = page.get_by_role("navigation", name="This consultation")
        expect(nav.get_by_role("link", name="The text")).to_have_attribute("aria-current", "page")
        first = page.locator(".clause").first
        authoritative = first.locator("details.authoritative-text")
        expect(authoritative.locator("[lang='zh-Hans']")).to_be_hidden()
        authoritative.get_by_text("Authoritative text (中文)").click()
        expect(authoritative.locator("[lang='zh-Hans']")).to_be_visible()
        share = first.get_by_role("link", name=re.compile("Link to this clause"))
        href = share.get_attribute("href")
        assert href.startswith(f"{live_server}/c/{demo}#s-")
        page.goto(href)
        expect(page.locator(href[href.index("#") :])).to_be_visible()
        nav.get_by_role("link", name="Versions").click()
        expect(page.get_by_role("heading", name="Versions of the draft")).to_be_visible()
        expect(nav.get_by_role("link", name="Versions")).to_have_attribute("aria-current", "page")
        assert_accessible(page, "versions, after navigating")
    finally:
        context.close()


def test_anonymous_voter_sees_progress_and_the_flow_ends_with_results(
    browser, live_server, demo, db
):
    from consult.consultations.models import Consultation

    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == demo))
    consultation.allow_anonymous = True
    db.session.commit()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{demo}")
        expect(page.locator("#reading-progress")).to_have_count(0)
        total = page.locator(".clause").count()
        agree = page.locator(".clause").first.get_by_role("button", name=re.compile("Agree"))
        agree.click()
        expect(agree).to_have_attribute("aria-pressed", "true")
        page.goto(f"{live_server}/c/{demo}")
        expect(page.locator("#reading-progress")).to_have_text(f"1 of {total} clauses voted")
        progress = page.get_by_role("progressbar", name=f"1 of {total} clauses voted")
        expect(progress).to_have_attribute("value", "1")
        page.get_by_role("navigation", name="This consultation").get_by_role(
            "link", name="Vote"
        ).click()
        expect(page.locator(".flow-intro")).to_contain_text("helps the analysis")
        expect(page.locator(".flow-kind")).to_have_text(re.compile(r"^(Clause|Statement) \d+$"))
        assert_accessible(page, "vote flow")
    finally:
        context.close()


def test_printing_shows_the_text_without_navigation_or_forms(browser, live_server, demo):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{demo}")
        page.emulate_media(media="print")
        expect(page.locator("nav.consultation-nav")).to_be_hidden()
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator("form").first).to_be_hidden()
        expect(page.locator(".clause-text").first).to_be_visible()
        page.goto(f"{live_server}/c/{demo}/text")
        expect(page.locator(".printable-clauses [lang='zh-Hans']").first).to_be_visible()
        expect(page.locator("nav.consultation-nav")).to_be_hidden()
    finally:
        context.close()
