"""A published report as one self-contained HTML file, and as a PDF (WeasyPrint)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, render_template, url_for

from consult.config import ROOT
from consult.reports.models import PublishedReport

STYLESHEETS = ("site.css", "reports.css")


def _css() -> str:
    folder = ROOT / "static" / "css"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in STYLESHEETS)


def text_language(consultation, requested: str | None) -> str | None:
    """The language a reader asks the clauses in (``?language=``), if the consultation has
    it; None (the interface language) for anything else."""
    return requested if requested in (consultation.languages or []) else None


def report_context(report: PublishedReport, population=None, language: str | None = None) -> dict:
    """What the report's templates show: its frozen snapshot (or that run's accounts-only
    twin, when ``population`` asks for it and it exists) and the answers given. Clauses
    are in ``language`` (the reader's interface language if None), with the authoritative
    text alongside where it differs; participants' statements in their approved
    translation into it, where one exists, noted as translated."""
    from consult.i18n import current_language
    from consult.reports import dashboard, populations, publishing, snapshots
    from consult.reports.labels import statement_infos

    consultation = report.consultation
    language = language or current_language()
    snapshot, choice = populations.choose(report.snapshot, population or populations.Population.ALL)
    return {
        "consultation": consultation,
        "report": report,
        "snapshot": snapshot,
        "population": choice,
        "view": dashboard.build(
            snapshots.view_of(snapshot),
            statement_infos(consultation.id, language, translated=True),
        ),
        "heard": publishing.what_we_heard(consultation, language),
        "text_language": language,
    }


def report_link(endpoint: str, **values) -> str:
    """A link in a report (templates: ``report_link``): relative on the site's page; the
    site's full address (``SITE_URL``, as in mails) in the HTML file and the PDF, which
    are read off the site, where a relative link leads nowhere."""
    if g.get("report_links_absolute"):
        from consult.mail import absolute_url

        return absolute_url(endpoint, **values)
    return url_for(endpoint, **values)


@contextmanager
def _absolute_links() -> Iterator[None]:
    g.report_links_absolute = True
    try:
        yield
    finally:
        g.pop("report_links_absolute", None)


def report_html(context: dict) -> str:
    """The report page without site navigation, styles inlined, figures as inline SVG,
    links by full address (the HTML download, and the HTML the PDF is made from)."""
    with _absolute_links():
        return render_template("reports/report_file.html", css=_css(), **context)


def report_pdf(html: str) -> bytes:
    """The same HTML as PDF; Chinese text uses the Noto CJK fonts the system provides."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT)).write_pdf()
