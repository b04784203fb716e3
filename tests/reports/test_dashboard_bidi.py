"""Figures on an Arabic dashboard keep their order: an interval "(94%–98%, n=208)" is
worded by the catalogue and isolated, its range left to right; a map group's name is
isolated from its count; a group's centre keeps its minus sign in front; the votes-per-day
chart writes its dates as the reader's locale does."""

from __future__ import annotations

import re

from consult.reports import dashboard_figures
from tests.conftest import csrf_from

RANGE = r'<bdi dir="ltr">\d+%–\d+%</bdi>'


def _dashboard_in(client, language: str) -> str:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"language": language, "csrf_token": token})
    return client.get("/c/camps/dashboard").get_data(as_text=True)


def test_intervals_legend_and_centres_are_isolated_on_an_arabic_dashboard(client, analysed):
    html = _dashboard_in(client, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    notes = re.findall(r'<bdi class="interval">(.*?)</bdi>\s*</?[a-z]', html)
    assert notes, "the dashboard shows agreement intervals"
    for note in notes:
        assert re.fullmatch(rf"\({RANGE}، n=\d+\)", note), note  # the Arabic comma
    assert '<span class="interval">' not in html
    assert re.search(r"<li><svg [^>]*legend-swatch.*?</svg> <bdi>[^<]+</bdi> \(\d+\)</li>", html)
    centres = re.findall(r'<td><bdi dir="ltr">(-?\d+\.\d\d); (-?\d+\.\d\d)</bdi></td>', html)
    assert centres and any(x.startswith("-") or y.startswith("-") for x, y in centres)


def test_the_votes_per_day_chart_writes_dates_as_the_locale_does(app):
    days = [("2026-11-12", 3), ("2026-11-13", 5)]
    for language, written in (("ar", "12\u200f/11\u200f/2026"), ("fr", "12/11/2026")):
        # A fresh application context each time: the locale is remembered on ``g``.
        with app.app_context(), app.test_request_context(headers={"Accept-Language": language}):
            figure = str(dashboard_figures.activity(days))
        assert "2026-11-12" not in figure and written in figure, (language, figure[-400:])
