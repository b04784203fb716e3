"""A participant reads, votes and comments in Arabic, French, Russian and Spanish: the page
says its language and direction, Arabic mirrors the layout (the first vote button and the
site's name on the right), nothing scrolls sideways on a 390 px phone, and axe-core finds
no serious or critical violation on any page visited. One consultation, three pages per
language, to keep CI quick."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.drafts.models import Clause, DraftVersion
from consult.participation.participants import Actor
from consult.participation.votes import record_vote
from tests.browser.axe import assert_accessible
from tests.browser.conftest import switch_language
from tests.browser.pages import DESKTOP, PHONE, log_in
from tests.conftest import PASSWORD

COMMENTS = {
    "ar": "يجب أن تشمل الاختبارات الدول النامية.",
    "fr": "Les essais doivent inclure les pays en développement.",
    "ru": "Испытания должны охватывать развивающиеся страны.",
    "es": "Las pruebas deben incluir a los países en desarrollo.",
}

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not laid out"
    return box


def _first_clause_statement(db, consultation) -> int:
    return db.session.scalars(
        sa.select(Clause.statement_id)
        .join(DraftVersion)
        .where(DraftVersion.consultation_id == consultation.id)
        .order_by(Clause.position)
    ).first()


def _check_page(page, where: str) -> None:
    """axe-core on the desktop and on the phone, and no sideways scroll on the phone."""
    assert_accessible(page, f"{where} (desktop)")
    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{where} scrolls sideways at 390 px"
    assert_accessible(page, f"{where} (phone)")
    page.set_viewport_size(DESKTOP)


def _assert_direction(page, rtl: bool) -> None:
    """The first vote button and the site's name sit at the start of the line: the right
    in Arabic, the left otherwise."""
    buttons = page.locator(".vote-box").first.locator(".vote-button")
    first, last = _box(buttons.first), _box(buttons.last)
    assert abs(first["y"] - last["y"]) < 1, "the vote buttons share a row on a desktop"
    assert (first["x"] > last["x"]) is rtl
    name, nav = _box(page.locator(".site-name")), _box(page.locator(".header-nav"))
    assert (name["x"] > nav["x"]) is rtl
    if rtl:  # the site's name starts at the right edge of the page's column
        wrap = _box(page.locator(".site-header .wrap"))
        assert name["x"] + name["width"] > wrap["x"] + wrap["width"] - 40


def _assert_account_menu_on_screen(page, where: str) -> None:
    """On a 390 px phone the account menu opens inside the viewport, whichever way the
    page runs (it once opened toward the left edge in French and lost its first letters)."""
    page.set_viewport_size(PHONE)
    page.locator(".account-menu summary").click()
    menu = _box(page.locator(".account-menu ul"))
    assert menu["x"] >= 0, f"{where}: the account menu starts off screen at x={menu['x']}"
    assert menu["x"] + menu["width"] <= PHONE["width"], f"{where}: the account menu ends off screen"
    page.locator(".account-menu summary").click()
    page.set_viewport_size(DESKTOP)


def _assert_tally_runs_with_text(page, rtl: bool) -> None:
    """The agree part of the tally bar starts where its words start: the right in Arabic."""
    bar = _box(page.locator(".vote-box").first.locator(".tally-bar"))
    agree = _box(page.locator(".vote-box").first.locator(".bar-agree"))
    bar_start = bar["x"] + bar["width"] if rtl else bar["x"]
    agree_start = agree["x"] + agree["width"] if rtl else agree["x"]
    assert agree["width"] > 0
    assert abs(agree_start - bar_start) < 2, (
        f"the agree bar starts at {agree_start}, not {bar_start}"
    )


@pytest.mark.parametrize("language", ["ar", "fr", "ru", "es"])
def test_a_participant_votes_and_comments_in_their_language(
    live_server, page, make_user, make_consultation, db, language
):
    consultation = make_consultation()
    consultation.languages = [*consultation.languages, language]
    db.session.commit()
    # A name long enough that the account menu wraps onto its own line on a phone.
    user = make_user("reader@example.org", display_name="Awa Ndiaye-Diallo")
    # Someone disagreed before, so the tally bar has an agree part and a disagree part.
    record_vote(
        consultation,
        _first_clause_statement(db, consultation),
        Actor(user=make_user("earlier@example.org")),
        -1,
    )
    base, path = live_server, f"/c/{consultation.slug}"

    page.set_viewport_size(DESKTOP)
    log_in(page, base, user.email, PASSWORD)
    switch_language(page, base, language)
    rtl = language == "ar"
    assert page.locator("html").get_attribute("dir") == ("rtl" if rtl else "ltr")
    _check_page(page, f"{language} home")
    _assert_account_menu_on_screen(page, f"{language} home")

    page.goto(base + path)
    _assert_direction(page, rtl)
    _check_page(page, f"{language} consultation")

    agree = page.locator(".vote-box").first.locator(".vote-agree")
    agree.click()
    expect(page.locator(".vote-box").first.locator(".vote-agree")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".vote-box").first.locator(".tally-text")).to_be_visible()
    _assert_tally_runs_with_text(page, rtl)
    _check_page(page, f"{language} consultation after voting")

    page.locator(".clause").first.locator(".clause-links a").first.click()
    form = page.locator(".comment-form")
    form.locator(".stance-choices input[type=radio]").first.check()
    form.locator("textarea[name=body]").fill(COMMENTS[language])
    form.locator("button[type=submit]").click()
    expect(page.locator(".comment").filter(has_text=COMMENTS[language])).to_be_visible()
    assert page.locator("html").get_attribute("lang") == language
    _check_page(page, f"{language} discussion")
