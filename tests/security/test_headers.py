"""Security headers as served by gunicorn (issue 12, item 9): HSTS when cookies are secure
(so the site is HTTPS only), and exactly one charset in every Content-Type, downloads
included (they sent ``charset=utf-8`` twice)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.reports.served import Browser
from tests.serving import served

HSTS = "max-age=31536000; includeSubDomains"


def _charsets(content_type: str) -> int:
    return content_type.lower().count("charset=")


@pytest.fixture
def seeded(db, team, contribute):
    """The team's consultation with a statement and a comment (its slug and organiser's
    email); connections released, so the served app holds the only ones."""
    from consult.participation.models import ModerationState

    author = contribute.participant(team.consultation, team.participant)
    statement = contribute.statement(
        team.consultation, author=author, moderation_state=ModerationState.APPROVED
    )
    contribute.comment(team.consultation, statement, author=author)
    seeded = {"slug": team.consultation.slug, "organiser": team.organiser.email}
    db.session.remove()
    db.engine.dispose()
    return seeded


def test_served_pages_and_downloads_carry_one_charset_and_no_hsts_over_http(
    seeded, database_url, tmp_path
):
    from consult.reports.exports import EXPORTS

    slug = seeded["slug"]
    with served(database_url, tmp_path / "served", workers=1) as app:
        browser = Browser(app.base)
        home = browser.get("/")
        assert home.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Strict-Transport-Security" not in home.headers, "plain HTTP: no HSTS"
        browser.login(seeded["organiser"], PASSWORD)
        for name in EXPORTS:
            fetched = browser.get(f"/c/{slug}/exports/{name}")
            assert fetched.status == 200, name
            content_type = fetched.headers["Content-Type"]
            expected = 1 if content_type.startswith("text/") else 0
            assert _charsets(content_type) == expected, (name, content_type)
            assert fetched.headers.get_all("Content-Type") == [content_type]
        assert browser.get(f"/c/{slug}/exports/votes.csv").headers["Content-Type"] == (
            "text/csv; charset=utf-8"
        )
        for path in ("/login", f"/c/{slug}", "/no-such-page"):
            assert _charsets(browser.get(path).headers["Content-Type"]) == 1, path


def test_secure_cookies_bring_hsts_on_every_answer(seeded, database_url, tmp_path):
    env = {"SESSION_COOKIE_SECURE": "1"}
    with served(database_url, tmp_path / "served", workers=1, env=env) as app:
        browser = Browser(app.base)
        for path in ("/", "/login", "/no-such-page", "/static/css/site.css"):
            fetched = browser.get(path)
            assert fetched.headers["Strict-Transport-Security"] == HSTS, path
        bad = browser.get("/c/x%00y")
        assert bad.status == 400
        assert bad.headers["Strict-Transport-Security"] == HSTS, "error pages too"


def test_the_report_download_has_one_charset(app):
    """The HTML report download (streamed like the exports) names its charset once."""
    from consult.reports.views_reports import _download

    with app.test_request_context():
        response = _download(lambda: iter(["<p>x</p>"]), "r.html", "text/html")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
