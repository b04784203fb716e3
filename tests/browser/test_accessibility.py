"""Every page of the journeys, as each role sees it, in English and Chinese, on a desktop
(1280x800) and a phone (390x844): no serious or critical axe-core violation (WCAG 2.2 AA),
and nothing wider than the phone's screen.

The demo consultation (its drafts, statements, comments and an analysis) is the data, with a
second published version (for compare and clause history), a pending statement and
comment (for the moderation queue), a published report and a participant who has voted.
One browser context per role and language; each page is checked at both sizes.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.demo.seed import DEMO_SLUG
from tests.browser.conftest import switch_language
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    SIDEWAYS,
    SMALL_TARGETS,
    check_page,
    log_in,
    problems_here,
)
from tests.conftest import PASSWORD


@pytest.fixture
def journeys(app, db, make_user):
    """The demo, analysed, with what every journey's pages need; returns the page lists."""
    from consult.auth.models import User
    from consult.consultations.models import Consultation
    from consult.demo.seed import seed_demo
    from consult.drafts.publishing import publish_version
    from consult.drafts.services import ensure_working_version, save_clause
    from consult.participation.models import (
        Comment,
        ModerationState,
        Stance,
        Statement,
        StatementKind,
    )
    from consult.reports.publishing import publish_report
    from consult.reports.snapshots import run_analysis

    app.config["ANALYSIS_BOOTSTRAP"] = 3
    outcome = seed_demo(n_stakeholders=40)
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    moderator, organiser = (
        db.session.scalar(sa.select(User).where(User.email == f"{role}@demo.consult.example"))
        for role in ("moderator", "organiser")
    )
    working = ensure_working_version(moderator, consultation)
    first = working.clauses[0]
    save_clause(
        moderator,
        consultation,
        first.lineage_key,
        first.heading or {},
        {lang: text + " Every region should have a voice." for lang, text in first.text.items()},
    )
    publish_version(moderator, consultation, "Clause 1 asks for every region.")
    snapshot = run_analysis(consultation.id)
    assert snapshot.result, snapshot.error
    clause_statement = first.statement_id
    statement = db.session.scalar(
        sa.select(Statement.id)
        .where(Statement.consultation_id == consultation.id)
        .where(Statement.kind == StatementKind.PARTICIPANT)
        .where(Statement.moderation_state == ModerationState.APPROVED)
        .limit(1)
    )
    commented = db.session.scalar(
        sa.select(Comment.statement_id)
        .where(Comment.consultation_id == consultation.id)
        .where(Comment.moderation_state == ModerationState.APPROVED)
        .group_by(Comment.statement_id)
        .order_by(sa.func.count().desc())
        .limit(1)
    )
    db.session.add(
        Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text="https://example.org/a-very-long-address-that-does-not-break-on-its-own-at-all",
            language="en",
            moderation_state=ModerationState.PENDING,
        )
    )
    db.session.add(
        Comment(
            consultation_id=consultation.id,
            statement_id=clause_statement,
            stance=Stance.OPPOSE,
            body="Supercalifragilisticexpialidociousandevenlongerwordsthatneverwrap " * 2,
            language="en",
            moderation_state=ModerationState.PENDING,
        )
    )
    db.session.commit()
    report = publish_report(organiser, consultation, "What we heard", "First paragraph.")
    participant = make_user("amina@example.org", display_name="Amina Diallo")
    db.session.commit()
    c = f"/c/{DEMO_SLUG}"
    reading = [
        c,
        f"{c}/s/{commented}",
        f"{c}/s/{statement}",
        f"{c}/statements",
        f"{c}/vote",
        f"{c}/dashboard",
        f"{c}/dashboard/method",
        f"{c}/dashboard/history",
        f"{c}/draft/versions",
        f"{c}/draft/compare?from=1&to=2",
        f"{c}/reports/{report.slug}",
    ]
    return {
        "anonymous": (
            None,
            ["/", "/login", "/register", *reading[:2], f"{c}/vote", ("/c/no-such-thing", 404)],
        ),
        "participant": (
            participant.email,
            [*reading, f"{c}/me", "/account/password"],
        ),
        "moderator": (
            moderator.email,
            ["/moderation", f"{c}/moderate", f"{c}/moderate/responses", f"{c}/draft"],
        ),
        "organiser": (
            organiser.email,
            [
                f"{c}/organise",
                f"{c}/organise/team",
                f"{c}/organise/verification",
                f"{c}/organise/audit",
                f"{c}/exports",
            ],
        ),
        "admin": (
            "admin@demo.consult.example",
            ["/organise/new", "/verification", "/admin/verifiers", "/admin/audit", "/admin/sso"],
        ),
        "password": outcome.password,
    }


def _after_actions(page, base, role, language) -> list[str]:
    """The states that actions leave: a login refused, a vote cast in place (htmx), a
    moderator's decision refused in place."""
    if role == "anonymous":
        page.goto(base + "/login")
        page.locator("#email").fill("nobody@example.org")
        page.locator("#password").fill("not the password")
        page.locator("main form button[type=submit]").click()
        page.locator(".error-summary, .error-message, .error-panel").first.wait_for()
        return problems_here(page, f"{language} refused login")
    if role == "participant":
        page.goto(f"{base}/c/{DEMO_SLUG}/vote")
        vote = page.locator(".vote-button").first
        with page.expect_response(lambda r: r.request.method == "POST"):
            vote.click()
        page.wait_for_load_state("networkidle")
        return problems_here(page, f"{language} vote flow after a vote")
    if role == "moderator":
        page.goto(f"{base}/c/{DEMO_SLUG}/moderate")
        item = page.locator("ol.queue > li").first
        item.locator("button[value=reject]").click()  # without the reason it needs
        item = page.locator("ol.queue > li").first
        item.locator(".error-message, [role=alert]").first.wait_for()
        return problems_here(page, f"{language} moderation item refused")
    return []


@pytest.mark.parametrize("role", ["anonymous", "participant", "moderator", "organiser", "admin"])
def test_every_page_passes_axe_and_fits_a_phone(browser, live_server, journeys, role):
    email, paths = journeys[role]
    password = (
        journeys["password"] if email and email.endswith("demo.consult.example") else PASSWORD
    )
    problems = []
    for language in ("en", "zh"):
        context = browser.new_context(locale="en-GB", viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            if email:
                log_in(page, live_server, email, password)
            switch_language(page, live_server, language)
            for path in paths:
                path, status = path if isinstance(path, tuple) else (path, 200)
                problems += check_page(page, live_server, path, language, status)
            problems += _after_actions(page, live_server, role, language)
        finally:
            context.close()
    assert not problems, f"{len(problems)} problems as {role}:\n" + "\n".join(problems)


def test_the_layout_checks_find_small_targets_and_sideways_scrolling(page):
    """The checks above report what they look for (so a pass means something)."""
    page.set_viewport_size(PHONE)
    page.set_content(
        "<main><p><input type=checkbox id=c><label for=c>Tiny box</label></p>"
        "<p><a href='#x' style='font-size:10px'>Tiny link</a></p>"
        "<p>A <a href='#y' style='font-size:10px'>link in a sentence</a> is exempt.</p>"
        "<form><button type=submit style='height:30px'>Send</button></form>"
        "<p style='overflow-wrap:normal'>" + "unbreakable" * 20 + "</p>"
        "<div style='overflow-x:auto'><p style='width:900px'>Scrolls in its box</p></div></main>"
    )
    small = " ".join(page.evaluate(SMALL_TARGETS))
    assert "input#c" in small
    assert '"Tiny link"' in small
    assert "link in a sentence" not in small
    assert 'primary action button "Send"' in small
    wide = page.evaluate(SIDEWAYS)
    assert wide[0].startswith("scrollWidth")
    assert any("unbreakable" in line for line in wide[1:])
    assert not any("Scrolls in its box" in line for line in wide)
