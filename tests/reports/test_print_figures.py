"""The per-segment figures of a broad-agreement finding read as running text in print.

A finding's list names every opinion group, sector, region and income group; on a real
consultation that is twenty or more segments. Laid out as flex items the "; " separators
began lines of their own and the list grew so tall that a finding and its chart no longer
fit on one PDF page (the demo's report put each statement's text and its chart on
different pages).
"""

from __future__ import annotations

from consult.config import ROOT
from consult.reports.render import _css

SEGMENTS = [f"Segment name {n}" for n in range(21)]


def _figures_html() -> str:
    spans = "; ".join(
        f'<span class="segment-figure"><bdi>{name}</bdi> 97% <bdi class="interval">'
        '(<bdi dir="ltr">92%–99%</bdi>, n=91)</bdi></span>'
        for name in SEGMENTS
    )
    return (
        f"<!doctype html><html><head><style>{_css()}\n@page {{ size: A4; margin: 16mm 14mm; }}"
        '</style></head><body><main class="wrap"><ol class="finding-list"><li class="finding">'
        f'<p class="meta segment-figures">{spans}</p><p class="single meta">x</p>'
        "</li></ol></main></body></html>"
    )


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def test_the_template_still_marks_the_figures_this_test_lays_out():
    findings = (ROOT / "templates" / "reports" / "_findings.html").read_text(encoding="utf-8")
    assert '<p class="meta segment-figures">' in findings
    assert '<span class="segment-figure">' in findings


def test_segment_figures_flow_as_text_and_no_line_starts_with_a_separator(pdf_rendering):
    from weasyprint import HTML

    page = HTML(string=_figures_html(), base_url=str(ROOT)).render().pages[0]
    paragraphs = {}
    for box in _boxes(page._page_box):
        classes = (getattr(box, "element", None) is not None and box.element.get("class")) or ""
        if box.element_tag == "p" and classes not in paragraphs:
            paragraphs[classes] = box
    figures, single = paragraphs["meta segment-figures"], paragraphs["single meta"]
    lines = figures.height / single.height
    # 21 figures of ~40 characters on an A4 line of ~100: about 9 lines of text. As flex
    # items (one figure and one "; " per slot) they took 15 or more.
    assert lines <= 11, f"{lines:.1f} lines for {len(SEGMENTS)} segment figures"
    starts = [
        child
        for line in figures.children
        for child in (getattr(line, "children", None) or [])[:1]
        if getattr(child, "text", "").strip() == ";"
    ]
    assert not starts, "a line of the segment figures starts with a separator"
