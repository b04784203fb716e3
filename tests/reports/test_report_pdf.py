"""A published report's PDF: rendered off the request path, stored, laid out for print."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.conftest import post_form
from tests.reports.conftest import answered_comment
from tests.reports.conftest import publish_form as _publish


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")


def test_pdf_is_rendered_off_the_request_and_stored(
    app, client, db, voted, analysed, organiser, login, pdf_rendering
):
    from consult.reports import pdf_jobs
    from consult.reports.models import PdfState, PublishedReport

    login(organiser)
    _publish(client, slug="final")  # ANALYSIS_MODE is "off" in tests: nothing renders it yet
    html = client.get("/c/camps/reports/final.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    text = html.get_data(as_text=True)
    assert "<style>" in text and "<svg" in text and "/static/" not in text

    page = client.get("/c/camps/reports/final").get_data(as_text=True)
    assert "The PDF is being prepared" in page
    waiting = client.get("/c/camps/reports/final.pdf")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"].isdigit()
    assert "being prepared" in waiting.get_data(as_text=True)

    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "final"))
    assert pdf_jobs.render_report_pdf(report.id) is PdfState.READY
    assert "Download as PDF" in client.get("/c/camps/reports/final").get_data(as_text=True)
    pdf = app.test_client().get("/c/camps/reports/final.pdf")  # a reader without an account
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages, content = _pdf_text(pdf.get_data())
    assert pages >= 3
    for words in ("What we heard", "Broad agreement", "Opinion map", "中文介绍"):
        assert words in content, words
    assert "hover" not in content.lower()  # print speaks of nothing a page cannot do


def test_publishing_with_the_inline_runner_stores_the_pdf_at_once(
    app, client, db, voted, analysed, organiser, login, pdf_rendering
):
    from consult.reports.models import PdfState, PublishedReport

    app.config["ANALYSIS_MODE"] = "inline"
    login(organiser)
    assert _publish(client, slug="now").status_code == 302
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "now"))
    stored = _own_pdf(report)
    assert stored.state is PdfState.READY and stored.pdf.startswith(b"%PDF")
    assert client.get("/c/camps/reports/now.pdf").get_data() == stored.pdf


def test_a_failed_pdf_is_said_plainly_and_retried_on_publishing_again(
    app, client, db, voted, analysed, organiser, login, monkeypatch, pdf_rendering
):
    from consult.reports import pdf_jobs, render
    from consult.reports.models import PdfState, PublishedReport

    def broken(html):
        raise RuntimeError("no fonts at all")

    monkeypatch.setattr(render, "report_pdf", broken)
    login(organiser)
    _publish(client, slug="broken")
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "broken"))
    assert pdf_jobs.render_report_pdf(report.id) is PdfState.FAILED
    response = client.get("/c/camps/reports/broken.pdf")
    assert response.status_code == 503 and "could not be made" in response.get_data(as_text=True)
    assert "no fonts at all" in client.get("/c/camps/reports/broken").get_data(as_text=True)

    # Unpublishing and publishing again is how an organiser retries a failed rendering.
    monkeypatch.undo()
    app.config["ANALYSIS_MODE"] = "inline"
    for action in ("unpublish", "republish"):
        url = f"/c/camps/reports/broken/{action}"
        assert post_form(client, url, {}, page="/c/camps/exports").status_code == 302
    assert _own_pdf(report).state is PdfState.READY
    assert client.get("/c/camps/reports/broken.pdf").get_data().startswith(b"%PDF")


KEEP_WHOLE = ("group-card", "finding", "figure", "breakdown")


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def test_print_layout_splits_no_card_figure_or_heading(
    app, client, db, voted, analysed, organiser, login, pdf_rendering
):
    """The PDF's layout, read from WeasyPrint's page boxes (``_page_box`` is internal, so
    this test is tied to the pinned WeasyPrint series): nothing that fits on a page is cut
    across two, and no page ends with a heading."""
    from weasyprint import HTML

    from consult.config import ROOT
    from consult.reports.models import PublishedReport
    from consult.reports.render import report_context, report_html

    login(organiser)
    _publish(client, slug="layout", introduction="\n\n".join(["A paragraph. " * 40] * 6))
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "layout"))
    with app.test_request_context():
        document = HTML(string=report_html(report_context(report)), base_url=str(ROOT)).render()
    assert len(document.pages) >= 3
    pages_of: dict[int, set[int]] = {}
    tallest: dict[int, float] = {}
    for n, page in enumerate(document.pages):
        leaves = []
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None:
                continue
            classes = (element.get("class") or "").split()
            if box.element_tag in ("h1", "h2", "h3", "figure", "li") or any(
                c in classes for c in KEEP_WHOLE
            ):
                pages_of.setdefault(id(element), set()).add(n)
                tallest[id(element)] = max(tallest.get(id(element), 0), box.height)
            if box.element_tag in ("h1", "h2", "h3", "p", "li", "figure", "table", "dl"):
                leaves.append(box)
        last = max(leaves, key=lambda b: (b.position_y + b.height, b.position_y))
        assert last.element_tag not in ("h1", "h2", "h3"), f"page {n + 1} ends with a heading"
    page_height = document.pages[0]._page_box.height
    split = [
        e for e, pages in pages_of.items() if len(pages) > 1 and tallest[e] < page_height * 0.9
    ]
    assert not split, f"{len(split)} card(s), figure(s) or heading(s) cut across pages"


def test_a_stale_pending_pdf_is_asked_for_again_in_the_report_language(
    app, client, db, voted, analysed, organiser, login, pdf_rendering
):
    """A report whose PDF nobody is rendering (published before PDFs were stored, or its
    runner died) is rendered on the next download; a Chinese reader's report is Chinese."""
    from datetime import timedelta

    from consult.db_types import utcnow
    from consult.reports.models import PublishedReport

    login(organiser)
    _publish(client, slug="zh", headers={"Accept-Language": "zh"})
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "zh"))
    assert report.language == "zh"
    chinese = {"Accept-Language": "zh"}
    assert client.get("/c/camps/reports/zh.pdf", headers=chinese).status_code == 202  # just now
    _own_pdf(report).requested_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    app.config["ANALYSIS_MODE"] = "inline"
    pdf = client.get("/c/camps/reports/zh.pdf", headers=chinese)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    _pages, content = _pdf_text(pdf.get_data())
    assert "广泛共识" in content and "意见分布图" in content, content[:300]


@pytest.mark.parametrize("take_down", ["reject", "delete", "edit"])
def test_a_stored_pdf_never_keeps_text_taken_down_after_it_was_rendered(
    app, client, db, voted, analysed, organiser, login, monkeypatch, take_down
):
    """Post-moderation shows contributions at once: a report published before a moderator
    rejects spam (or its author deletes or rewrites it) must not serve it from the PDF."""
    from consult.moderation.models import Outcome
    from consult.moderation.services import moderate
    from consult.participation.models import Comment, Stance
    from consult.reports import pdf_jobs, render
    from consult.reports.models import PdfState, PublishedReport

    # The stored bytes are the report's HTML: what WeasyPrint would typeset.
    monkeypatch.setattr(render, "report_pdf", lambda html: html.encode())
    spam = "Call-me-at-555-0199 spam"
    comment = answered_comment(db, voted, Outcome.NOTED, "Noted.", stance=Stance.OPPOSE, body=spam)
    login(organiser)
    _publish(client, slug="frozen")
    report = db.session.scalar(sa.select(PublishedReport).where(PublishedReport.slug == "frozen"))
    assert pdf_jobs.render_report_pdf(report.id) is PdfState.READY
    reader = app.test_client()
    assert spam in reader.get("/c/camps/reports/frozen.pdf").get_data(as_text=True)

    if take_down == "reject":
        moderate(organiser, voted.consultation, "comment", comment.id, "reject", "approved", "Spam")
    else:
        comment = db.session.get(Comment, comment.id)
        if take_down == "delete":
            comment.deleted_at = _later()
        else:
            comment.body, comment.updated_at = "A civil remark.", _later()
        db.session.commit()
    app.config["ANALYSIS_MODE"] = "off"
    waiting = reader.get("/c/camps/reports/frozen.pdf")
    assert waiting.status_code == 202 and spam not in waiting.get_data(as_text=True)
    app.config["ANALYSIS_MODE"] = "inline"
    _own_pdf(report).requested_at = None  # as if the background runner had died
    db.session.commit()
    fresh = reader.get("/c/camps/reports/frozen.pdf")
    assert fresh.status_code == 200 and spam not in fresh.get_data(as_text=True)
    assert "What we heard" in fresh.get_data(as_text=True)


def _own_pdf(report):
    """The report's PDF in its own language, as stored now."""
    from consult.reports.pdf_jobs import pdf_of

    return pdf_of(report.id, report.pdf_language)


def _later():
    """A moment safely after the rendering (clocks tick in microseconds)."""
    from datetime import timedelta

    from consult.db_types import utcnow

    return utcnow() + timedelta(seconds=1)
