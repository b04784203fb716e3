"""Reports in the reader's language: each clause in the language asked for (the interface
language, or ``?language=``), with its translation's standing and the authoritative text
alongside where the two differ; the PDF in the report's language."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.reports.conftest import publish_form as _publish

CHINESE, ENGLISH, FRENCH = (
    "第一条：人工智能造福人类。",
    "First clause, for the good of all.",
    "Premier article.",
)


@pytest.fixture
def trilingual(db, voted):
    """The camps consultation in Chinese (authoritative), English and French; clause 1
    in all three (English official, French proposed by a participant), clause 2 in
    English only."""
    from consult.consultations.services import current_version

    consultation = voted.consultation
    consultation.languages = ["zh", "en", "fr"]
    consultation.authoritative_language = "zh"
    first, second = current_version(consultation).clauses
    first.text = {"zh": CHINESE, "en": ENGLISH, "fr": FRENCH}
    first.translations = {"en": "official", "fr": "proposed"}
    second.text = {"en": "Second clause only in English."}
    db.session.commit()
    return consultation


def _report(client, **query):
    response = client.get("/c/camps/reports/final", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _heard(html: str) -> str:
    """The "What we heard" section, where each clause's text is shown."""
    return html[html.index('id="heard-heading"') :]


def test_the_report_shows_each_clause_in_the_readers_language_with_the_authoritative_beside(
    client, trilingual, analysed, organiser, login
):
    login(organiser)
    assert _publish(client, slug="final").status_code == 302
    french = _heard(_report(client, language="fr"))
    assert FRENCH in french and CHINESE in french, "the authoritative Chinese alongside"
    assert "Translation proposed by a participant" in french
    assert 'lang="fr"' in french and 'lang="zh-Hans"' in french
    english = _heard(_report(client, language="en"))
    assert ENGLISH in english and CHINESE in english and FRENCH not in english
    assert "Official translation" in english
    chinese = _heard(_report(client, language="zh"))
    assert CHINESE in chinese and ENGLISH not in chinese, "nothing alongside the original"
    assert "authoritative-block" not in chinese.split("Second clause")[0]
    assert "badge-translation" not in chinese.split("Second clause")[0]
    # Clause 2 has no Chinese: the reader gets the English, with nothing to put beside it.
    assert "Second clause only in English." in chinese


def test_the_interface_language_decides_when_no_language_is_asked_for_and_a_bad_one_is_ignored(
    client, trilingual, analysed, organiser, login
):
    login(organiser)
    _publish(client, slug="final")
    html = _heard(
        client.get("/c/camps/reports/final", headers={"Accept-Language": "fr"}).get_data(
            as_text=True
        )
    )
    assert FRENCH in html and CHINESE in html
    for bad in ("xx", "<script>", "f" * 500):
        response = client.get(
            "/c/camps/reports/final",
            query_string={"language": bad},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 200
        assert ENGLISH in _heard(response.get_data(as_text=True))


def test_the_html_download_and_the_clause_history_follow_the_language(
    client, trilingual, analysed, organiser, login
):
    login(organiser)
    _publish(client, slug="final")
    download = client.get("/c/camps/reports/final.html", query_string={"language": "fr"})
    text = download.get_data(as_text=True)
    assert download.status_code == 200 and FRENCH in text and CHINESE in text
    history = client.get("/c/camps/dashboard/history", query_string={"language": "fr"})
    text = history.get_data(as_text=True)
    assert history.status_code == 200
    assert FRENCH in text and CHINESE in text and "Translation proposed by a participant" in text
    history = client.get("/c/camps/dashboard/history", query_string={"language": "zh"})
    assert "authoritative-block" not in history.get_data(as_text=True).split("Second clause")[0]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


@pytest.mark.parametrize(
    ("language", "shown", "alongside"),
    [("fr", FRENCH, CHINESE), ("zh", CHINESE, None), ("en", ENGLISH, CHINESE)],
)
def test_the_pdf_is_rendered_in_the_reports_language_with_the_authoritative_alongside(
    app, client, db, trilingual, analysed, organiser, login, pdf_rendering, language, shown,
    alongside,
):  # fmt: skip
    from consult.reports import pdf_jobs
    from consult.reports.models import PdfState, PublishedReport

    login(organiser)
    _publish(client, slug="final", headers={"Accept-Language": language})
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "final"))
    assert report.language == language
    assert pdf_jobs.render_report_pdf(report.id) is PdfState.READY
    pdf = client.get("/c/camps/reports/final.pdf", query_string={"language": language})
    assert pdf.status_code == 200, "the report's own language is the one rendered"
    text = _pdf_text(pdf.get_data()).replace(" ", "")
    assert shown.replace(" ", "") in text
    if alongside:
        assert alongside.replace(" ", "") in text
    else:
        assert ENGLISH.replace(" ", "") not in text
