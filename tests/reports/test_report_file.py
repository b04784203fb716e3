"""What the organisers wrote keeps its own language, and the report read off the site
(the HTML download, the PDF) links to the site by full address.

A French report read with the interface in Arabic: its title and introduction are marked
French and left to right, or the Arabic page reorders their punctuation. The method-notes
links of the downloaded file and the PDF start with ``SITE_URL`` (the tests' own), since a
relative link leads nowhere from a file on disk; the page on the site keeps them relative.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from tests.conftest import post_form
from tests.reports.conftest import publish_form

SITE = "http://consult.test"  # SITE_URL in the tests' configuration


class _Elements(HTMLParser):
    """Each start tag's attributes, in order."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def _publish_in(client, language: str):
    post_form(client, "/language", {"language": language}, page="/")
    assert publish_form(client, slug="final").status_code == 302


def _written_by_organisers(html: str) -> list[dict]:
    """The attributes of the report's title and of its introduction."""
    found = _elements(html)
    title = [attrs for tag, attrs in found if tag == "h1" and attrs.get("id") == "report-title"]
    intro = [attrs for _tag, attrs in found if "report-introduction" in attrs.get("class", "")]
    assert len(title) == 1 and len(intro) == 1
    return [*title, *intro]


def test_a_french_report_read_in_arabic_keeps_its_title_and_introduction_french(
    client, voted, analysed, organiser, login
):
    login(organiser)
    _publish_in(client, "fr")
    post_form(client, "/language", {"language": "ar"}, page="/")
    for url in ("/c/camps/reports/final", "/c/camps/reports/final.html"):
        html = client.get(url).get_data(as_text=True)
        assert 'dir="rtl"' in html.split(">", 2)[1], "the page itself is Arabic"
        for attrs in _written_by_organisers(html):
            assert attrs.get("lang") == "fr"
            assert attrs.get("dir") in ("ltr", "auto")
        intro = html[html.index("report-introduction") :]
        assert intro.index("First paragraph.") < intro.index("</div>")


def test_an_arabic_report_read_in_english_is_right_to_left(
    client, voted, analysed, organiser, login
):
    login(organiser)
    _publish_in(client, "ar")
    post_form(client, "/language", {"language": "en"}, page="/")
    html = client.get("/c/camps/reports/final.html").get_data(as_text=True)
    for attrs in _written_by_organisers(html):
        assert attrs.get("lang") == "ar" and attrs.get("dir") == "rtl"


def _hrefs(html: str) -> list[str]:
    return [attrs["href"] for _tag, attrs in _elements(html) if "href" in attrs]


def test_links_in_the_downloaded_report_are_absolute_and_relative_on_the_site(
    client, voted, analysed, organiser, login
):
    login(organiser)
    _publish_in(client, "en")
    hrefs = _hrefs(client.get("/c/camps/reports/final.html").get_data(as_text=True))
    method = f"{SITE}/c/camps/dashboard/method#"
    assert any(href.startswith(method) for href in hrefs), "the terms link to the method"
    assert [h for h in hrefs if not (h.startswith(SITE + "/") or h.startswith("#"))] == []
    # On the site itself the same links stay relative.
    page = _hrefs(client.get("/c/camps/reports/final").get_data(as_text=True))
    assert any(href.startswith("/c/camps/dashboard/method#") for href in page)


def _pdf_link_targets(data: bytes) -> list[str]:
    """The addresses of the PDF's links to outside it (internal links are destinations)."""
    from pypdf import PdfReader

    targets = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get_object().get("/URI") is not None:
                targets.append(str(action.get_object()["/URI"]))
    return targets


def test_links_in_the_stored_pdf_are_absolute(
    app, client, db, voted, analysed, organiser, login, pdf_rendering
):
    app.config["ANALYSIS_MODE"] = "inline"  # the PDF is rendered as the report is published
    login(organiser)
    _publish_in(client, "en")
    response = client.get("/c/camps/reports/final.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    targets = _pdf_link_targets(response.get_data())
    assert any(re.match(rf"{SITE}/c/camps/dashboard/method#", t) for t in targets), targets
    assert [t for t in targets if not t.startswith(SITE + "/")] == []
