"""A published report as one self-contained HTML file, and as a PDF (WeasyPrint)."""

from __future__ import annotations

from flask import render_template

from consult.config import ROOT


def _css() -> str:
    folder = ROOT / "static" / "css"
    return "\n".join(
        (folder / name).read_text(encoding="utf-8") for name in ("site.css", "reports.css")
    )


def report_html(context: dict) -> str:
    """The report page without site navigation, styles inlined, figures as inline SVG."""
    return render_template("reports/report_file.html", css=_css(), **context)


def report_pdf(html: str) -> bytes:
    """The same HTML as PDF; Chinese text uses the Noto CJK fonts the system provides."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT)).write_pdf()
