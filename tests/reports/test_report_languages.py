"""The published report in Arabic and in Chinese: right to left where it should be, and a
PDF whose text holds the clause as the reader reads it (fonts-noto-core shapes Arabic,
fonts-noto-cjk draws Chinese)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.conftest import post_form
from tests.reports.conftest import publish_form

ARABIC_CLAUSE = "تخضع الأنظمة عالية المخاطر لاختبارات السلامة قبل نشرها"
CHINESE_CLAUSE = "第一条。"  # the fixture's first clause in Chinese


@pytest.fixture
def arabic_clause(db, voted):
    """The first clause also in Arabic, a language of the consultation."""
    from consult.drafts.models import Clause

    clause = db.session.scalars(sa.select(Clause).order_by(Clause.position)).first()
    clause.text = {**clause.text, "ar": ARABIC_CLAUSE}
    voted.consultation.languages = [*voted.consultation.languages, "ar"]
    db.session.commit()
    return clause


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    """The PDF's text, and the fonts its pages embed (e.g. "ABCDEF+NotoNaskhArabic")."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")))
    return text, fonts


def _report_html(client, language: str) -> str:
    post_form(client, "/language", {"language": language}, page="/")
    response = client.get("/c/camps/reports/final.html")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "direction", "clause_text", "font"),
    [("ar", "rtl", ARABIC_CLAUSE, "Arabic"), ("zh", "ltr", CHINESE_CLAUSE, "CJK")],
)
def test_the_report_pdf_in_the_readers_language_holds_the_clause(
    client, voted, analysed, organiser, login, arabic_clause, pdf_rendering,
    language, direction, clause_text, font,
):  # fmt: skip
    from flask_babel import force_locale, gettext

    from consult.reports.render import report_pdf

    login(organiser)
    assert publish_form(client, slug="final").status_code == 302
    html = _report_html(client, language)
    assert f'<html lang="{"zh-Hans" if language == "zh" else language}" dir="{direction}">' in html
    assert clause_text in html
    with force_locale(language):
        heading = gettext("Opinion map")
    assert heading != "Opinion map" and heading in html

    text, fonts = _pdf_text_and_fonts(report_pdf(html))
    assert clause_text in text
    assert heading in text
    # Drawn with a font that has the script's glyphs, not boxes from a Latin fallback.
    assert any(font in name for name in fonts), fonts
