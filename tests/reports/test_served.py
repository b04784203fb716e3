"""The seeded demo served as in production: gunicorn over real HTTP, every role, every link.

Starts gunicorn on 127.0.0.1 (a free port) against this test's database (SQLite file, or
PostgreSQL with CONSULT_TEST_DATABASE_URL), with the thread-mode job runner (no Redis).
Each role (admin, organiser, moderator, participant, anonymous) follows every same-site
link and download it can reach; any 5xx fails. An organiser publishes a report, whose PDF
is rendered in the background and read back with pypdf; none of the report's public
files may hold the text of a pending, rejected or deleted contribution.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.reports.conftest import add_hidden_contributions
from tests.reports.served import Browser, Fetched, crawl
from tests.serving import served

DEMO_PASSWORD = "served-demo-password"
HIDDEN = {
    "pending": "Pending-narwhal-8812 statement nobody approved",
    "rejected": "Rejected-pangolin-3307 spam with a phone number",
    "comment_rejected": "Comment-rejected-axolotl-6650",
    "comment_deleted": "Comment-deleted-quokka-9124",
}
PDF_SECONDS = 45


def _hide_contributions(db, consultation) -> None:
    """:func:`add_hidden_contributions` with this test's texts, in the seeded demo."""
    from consult.consultations.models import Participant
    from consult.participation.models import Statement

    voters = db.session.scalars(
        sa.select(Participant.id)
        .where(Participant.consultation_id == consultation.id)
        .order_by(Participant.id)
        .limit(40)
    ).all()
    clause_statement = db.session.scalar(
        sa.select(Statement.id)
        .where(Statement.consultation_id == consultation.id)
        .order_by(Statement.id)
        .limit(1)
    )
    add_hidden_contributions(
        db,
        consultation.id,
        voters,
        HIDDEN,
        statement_author=voters[0],
        comment_author=voters[1],
        clause_statement_id=clause_statement,
    )


@pytest.fixture
def seeded(app, db, database_url, make_user, monkeypatch):
    """The demo consultation with hidden contributions, analysed, and a participant account."""
    from consult.consultations.models import Consultation
    from consult.demo.seed import DEMO_SLUG, seed_demo
    from consult.reports import snapshots

    monkeypatch.setenv("CONSULT_DEMO_PASSWORD", DEMO_PASSWORD)
    app.config["ANALYSIS_BOOTSTRAP"] = 3
    seed_demo(n_stakeholders=60)
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    _hide_contributions(db, consultation)
    snapshots.run_analysis(consultation.id)
    make_user("participant@example.org")
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # the served app holds the only connections from here on
    return DEMO_SLUG


@pytest.fixture
def server(seeded, database_url, tmp_path):
    """gunicorn serving the seeded database on a free local port; stopped at the end."""
    with served(database_url, tmp_path / "served-instance") as app:
        yield app.base, seeded, app.log


def _wait_for_pdf(browser: Browser, url: str) -> Fetched:
    deadline = time.monotonic() + PDF_SECONDS
    while True:
        fetched = browser.get(url)
        if fetched.status != 202:
            return fetched
        assert fetched.headers.get("Retry-After"), "a PDF being prepared says when to retry"
        if time.monotonic() > deadline:
            pytest.fail(f"the PDF was not ready within {PDF_SECONDS} s")
        time.sleep(0.5)


def _public_texts(fetched: dict[str, Fetched]) -> str:
    """Everything readers were served under the report, with ZIP members unpacked."""
    parts = []
    for url, response in fetched.items():
        if "/reports/" not in url:
            continue
        if response.media == "application/zip":
            archive = zipfile.ZipFile(io.BytesIO(response.body))
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        elif response.media != "application/pdf":
            parts.append(response.text)
    return "\n".join(parts)


def test_every_role_follows_every_link_without_a_server_error(server, pdf_rendering):
    from pypdf import PdfReader

    base, slug, log = server
    organiser = Browser(base)
    organiser.login("organiser@demo.consult.example", DEMO_PASSWORD)
    published = organiser.post_form(
        f"/c/{slug}/exports",
        f"/c/{slug}/reports",
        {"title": "Served report", "slug": "served", "introduction": "One.\r\n\r\nTwo."},
    )
    report = f"/c/{slug}/reports/served"
    assert published.status == 200 and "Served report" in published.text

    roles = {
        "admin": "admin@demo.consult.example",
        "organiser": "organiser@demo.consult.example",
        "moderator": "moderator@demo.consult.example",
        "participant": "participant@example.org",
        "anonymous": None,
    }
    starts = ["/", f"/c/{slug}", f"/c/{slug}/dashboard", report]
    fetched: dict[str, dict[str, Fetched]] = {}
    static_seen: set[str] = set()
    for role, email in roles.items():
        browser = organiser if role == "organiser" else Browser(base)
        if email and role != "organiser":
            browser.login(email, PASSWORD if role == "participant" else DEMO_PASSWORD)
        fetched[role] = crawl(browser, starts, static_seen)

    errors = [
        f"{role}: {url} -> {r.status}"
        for role, pages in fetched.items()
        for url, r in pages.items()
        if r.status >= 500
    ]
    assert not errors, "\n".join(errors) + "\n" + log.read_text()[-3000:]
    # The crawl reached what each role should: exports, moderation, report data.
    organiser_urls = set(fetched["organiser"])
    for name in ("comments.csv", "votes.csv", "bundle.zip", "participant-attributes.csv"):
        assert f"/c/{slug}/exports/{name}" in organiser_urls, name
        assert fetched["organiser"][f"/c/{slug}/exports/{name}"].status == 200
    assert f"{report}/data/bundle.zip" in fetched["anonymous"]
    assert any("moderation" in url for url in fetched["moderator"]), "moderator saw no queue"
    moderation_text = "\n".join(
        r.text for r in fetched["moderator"].values() if r.media == "text/html"
    )
    assert HIDDEN["pending"] in moderation_text  # the text exists and moderators see it

    full = fetched["organiser"][f"/c/{slug}/exports/comments.csv"].text
    assert HIDDEN["pending"] in full and HIDDEN["rejected"] in full  # organisers keep all
    public = _public_texts(fetched["anonymous"])
    assert "comment-body" in public and "<h1" in public  # data files and pages were read
    for text in HIDDEN.values():
        assert text not in public, text
    pdf = _wait_for_pdf(Browser(base), report + ".pdf")
    assert pdf.status == 200 and pdf.media == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body))
    content = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Served report" in content and "Broad agreement" in content
    assert "hover" not in content.lower()
    for text in HIDDEN.values():
        assert text not in content, text
