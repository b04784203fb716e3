"""Browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1
(the fixtures: tests/browser/fixtures.py, registered for the whole suite by
tests/conftest.py); here the analysed demo and the language switcher."""

from __future__ import annotations

import pytest


def seed_analysed_demo(app, n_stakeholders: int) -> str:
    """Seed the demo consultation with ``n_stakeholders`` and analyse it; its slug."""
    import sqlalchemy as sa

    from consult.consultations.models import Consultation
    from consult.demo.seed import DEMO_SLUG, seed_demo
    from consult.extensions import db
    from consult.reports.models import SnapshotStatus
    from consult.reports.snapshots import run_analysis

    app.config["ANALYSIS_BOOTSTRAP"] = 3
    seed_demo(n_stakeholders=n_stakeholders)
    cid = db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == DEMO_SLUG))
    assert run_analysis(cid).status is SnapshotStatus.OK
    db.session.commit()
    return DEMO_SLUG


@pytest.fixture
def analysed_demo(app):
    """The demo consultation with 60 stakeholders, analysed; its slug."""
    return seed_analysed_demo(app, 60)


def switch_language(page, base: str, language: str) -> None:
    """Choose the interface language with the site's own switcher, from the home page."""
    page.goto(base + "/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-switcher button").click()
    page.wait_for_load_state()
    expected = "zh-Hans" if language == "zh" else language
    assert page.locator("html").get_attribute("lang") == expected
