"""A published report's PDF in each reader's language (issue 17): one stored PDF per
(report, language), the report's own rendered when it is published, any other of the
consultation's languages on a reader's first request; text extracted with pypdf."""

from __future__ import annotations

import io
import re
import time
import unicodedata

import pytest
import sqlalchemy as sa

from tests.reports.conftest import publish_form as _publish
from tests.serving import served

ARABIC = "المادة الأولى: الذكاء الاصطناعي لخير البشرية."
CHINESE = "第一条：人工智能造福人类。"
ENGLISH = "First clause, for the good of all."
PDF_SECONDS = 60


@pytest.fixture
def six_languages(db, voted):
    """The camps consultation offered in Chinese (authoritative), Arabic and English, its
    first clause in all three."""
    from consult.consultations.services import current_version

    consultation = voted.consultation
    consultation.languages = ["zh", "ar", "en"]
    consultation.authoritative_language = "zh"
    first = current_version(consultation).clauses[0]
    first.text = {"zh": CHINESE, "ar": ARABIC, "en": ENGLISH}
    first.translations = {"ar": "official", "en": "official"}
    db.session.commit()
    return consultation


# "Broad agreement" as the Arabic catalogue says it: a heading of the report.
ARABIC_BROAD_AGREEMENT = "الموافقة الواسعة"


def _letters(text: str) -> str:
    """Text compared as letters only: pypdf may return Arabic in presentation forms (NFKC
    folds them back), with spaces and punctuation moved about."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch.isalpha())


def _pdf_letters(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return _letters(" ".join(page.extract_text() for page in reader.pages))


def _holds(pdf_letters: str, clause: str) -> bool:
    """Every word of ``clause`` is in the PDF's text (pypdf gives a right-to-left line's
    words in the order it finds them, and may give a word's letters in visual order)."""
    words = [_letters(word) for word in re.split(r"[\W\d_]+", clause) if _letters(word)]
    return bool(words) and all(w in pdf_letters or w[::-1] in pdf_letters for w in words)


def _report(db, slug="final"):
    from consult.reports.models import PublishedReport

    return db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == slug))


def test_the_arabic_and_the_chinese_pdf_of_one_report_hold_the_clause_in_that_language(
    app, client, db, six_languages, analysed, organiser, login, pdf_rendering
):
    from consult.reports.models import PdfState

    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    app.config["ANALYSIS_MODE"] = "inline"  # each first request renders in the request
    reader = app.test_client()
    arabic = reader.get("/c/camps/reports/final.pdf", query_string={"language": "ar"})
    assert arabic.status_code == 200 and arabic.mimetype == "application/pdf"
    assert arabic.headers["Content-Language"] == "ar"
    assert "final-ar.pdf" in arabic.headers["Content-Disposition"]
    text = _pdf_letters(arabic.get_data())
    assert _holds(text, ARABIC), text[:400]
    assert _holds(text, CHINESE), "the authoritative text alongside"
    assert _holds(text, ARABIC_BROAD_AGREEMENT), "the interface text is Arabic too"

    chinese = reader.get("/c/camps/reports/final.pdf", headers={"Accept-Language": "zh"})
    assert chinese.status_code == 200 and chinese.headers["Content-Language"] == "zh"
    text = _pdf_letters(chinese.get_data())
    assert _holds(text, CHINESE) and not _holds(text, ARABIC) and not _holds(text, ENGLISH)
    assert _letters("广泛共识") in text, "the interface text is Chinese too"

    stored = {pdf.language: pdf.state for pdf in _report(db).pdfs}
    assert stored == {"en": PdfState.PENDING, "ar": PdfState.READY, "zh": PdfState.READY}


def test_another_language_is_rendered_on_first_request_and_the_page_links_to_it(
    app, client, db, six_languages, analysed, organiser, login
):
    from consult.reports.models import PdfState

    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    assert [pdf.language for pdf in _report(db).pdfs] == ["en"], "publishing asks for its own"
    page = app.test_client().get("/c/camps/reports/final", query_string={"language": "ar"})
    assert 'href="/c/camps/reports/final.pdf?language=ar"' in page.get_data(as_text=True)
    waiting = app.test_client().get("/c/camps/reports/final.pdf?language=ar")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"].isdigit()
    db.session.expire_all()
    arabic = _report(db).pdf_in("ar")
    assert arabic.state is PdfState.PENDING and arabic.requested_at is not None


@pytest.mark.parametrize(
    "asked", ["xx", "AR", "", "<script>alert(1)</script>", "ar" * 400, "../en", "en\x00"]
)
def test_a_language_the_consultation_does_not_offer_falls_back_to_the_reports_own(
    app, client, db, six_languages, analysed, organiser, login, monkeypatch, asked
):
    """Never a 500, never a rendering in a made-up language: the report's own PDF."""
    from consult.reports import pdf_jobs, render

    monkeypatch.setattr(render, "report_pdf", lambda html: b"%PDF-1.7 " + html.encode())
    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    pdf_jobs.render_report_pdf(_report(db).id)
    response = app.test_client().get("/c/camps/reports/final.pdf", query_string={"language": asked})
    if "\x00" in asked:  # the input guard turns control characters away first
        assert response.status_code == 400
    else:
        assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    db.session.expire_all()
    assert [pdf.language for pdf in _report(db).pdfs] == ["en"]


def test_a_take_down_makes_every_languages_pdf_stale(
    app, client, db, voted, six_languages, analysed, organiser, login, monkeypatch
):
    from consult.moderation.models import Outcome
    from consult.moderation.services import moderate
    from consult.participation.models import Stance
    from consult.reports import pdf_jobs, render
    from tests.reports.conftest import answered_comment

    monkeypatch.setattr(render, "report_pdf", lambda html: html.encode())
    spam = "Spam-ibis-4471 call now"
    comment = answered_comment(db, voted, Outcome.NOTED, "Noted.", stance=Stance.OPPOSE, body=spam)
    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "en"})
    pdf_jobs.render_report_pdf(_report(db).id)
    app.config["ANALYSIS_MODE"] = "inline"
    reader = app.test_client()
    for language in ("en", "ar"):
        served_pdf = reader.get(f"/c/camps/reports/final.pdf?language={language}")
        assert served_pdf.status_code == 200 and spam in served_pdf.get_data(as_text=True)

    moderate(organiser, voted.consultation, "comment", comment.id, "reject", "approved", "Spam")
    app.config["ANALYSIS_MODE"] = "off"
    for language in ("en", "ar"):
        waiting = reader.get(f"/c/camps/reports/final.pdf?language={language}")
        assert waiting.status_code == 202 and spam not in waiting.get_data(as_text=True)
    db.session.expire_all()
    assert all(pdf.pdf is None for pdf in _report(db).pdfs), "the stale bytes are dropped"


def test_the_migration_moves_a_reports_pdf_into_its_language_and_back(
    app, client, db, voted, analysed, organiser, login
):
    from flask_migrate import downgrade, upgrade

    from consult.reports.models import PdfState

    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": "zh"})
    own = _report(db).pdf_in("zh")
    own.state, own.pdf = PdfState.READY, b"%PDF-zh"
    db.session.commit()
    report_id = _report(db).id
    db.session.remove()

    downgrade(revision="0016")
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT pdf_state, pdf FROM published_report WHERE id = :id"), {"id": report_id}
        ).one()
    assert (row.pdf_state, bytes(row.pdf)) == ("ready", b"%PDF-zh")
    upgrade()
    db.session.remove()
    moved = _report(db).pdfs
    assert [(p.language, p.state, p.pdf) for p in moved] == [("zh", PdfState.READY, b"%PDF-zh")]


# --- served over real HTTP ------------------------------------------------------------


@pytest.fixture
def arabic_report(app, db, database_url, six_languages, analysed, organiser):
    """A report published in English, committed; the served app holds the connections."""
    from consult.reports.publishing import publish_report

    app.config["ANALYSIS_MODE"] = "off"
    with app.test_request_context():
        publish_report(organiser, six_languages, "Served in Arabic", "", "final", language="en")
    db.session.remove()
    db.engine.dispose()
    return "/c/camps/reports/final"


def test_the_arabic_pdf_served_by_gunicorn_holds_the_arabic_clause(
    arabic_report, database_url, tmp_path, pdf_rendering
):
    from tests.reports.served import Browser

    with served(database_url, tmp_path / "served-instance") as app:
        browser = Browser(app.base)
        deadline = time.monotonic() + PDF_SECONDS
        while (fetched := browser.get(arabic_report + ".pdf?language=ar")).status == 202:
            assert fetched.headers.get("Retry-After")
            assert time.monotonic() < deadline, app.log.read_text()[-3000:]
            time.sleep(0.5)
    assert fetched.status == 200 and fetched.media == "application/pdf"
    assert fetched.headers["Content-Language"] == "ar"
    text = _pdf_letters(fetched.body)
    assert _holds(text, ARABIC) and _holds(text, CHINESE), text[:400]
