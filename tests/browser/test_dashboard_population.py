"""The population choice in a browser without JavaScript: reached and followed with the
keyboard, the current choice announced (aria-current), the share stated."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.security import test_pseudonymous_results as results

# The consultation with a bloc of pseudonymous voters, from the population tests.
bloc, quick_analysis, SHARE = results.bloc, results.quick_analysis, results.SHARE


def test_choice_by_keyboard_without_javascript(db, browser, live_server, bloc):
    from consult.reports import snapshots

    snapshots.run_analysis(bloc.consultation.id)
    db.session.commit()
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/bloc/dashboard")
        choice = page.get_by_role("navigation", name="Whose results are shown")
        expect(page.get_by_text(SHARE)).to_be_visible()
        everyone = choice.get_by_role("link", name="All participants")
        expect(everyone).to_have_attribute("aria-current", "page")
        accounts = choice.get_by_role("link", name="Registered accounts only")
        everyone.focus()
        page.keyboard.press("Tab")
        expect(accounts).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"population=accounts$"))
        choice = page.get_by_role("navigation", name="Whose results are shown")
        accounts = choice.get_by_role("link", name="Registered accounts only")
        expect(accounts).to_have_attribute("aria-current", "page")
        expect(page.get_by_text("by 20 participants")).to_be_visible()
    finally:
        context.close()
