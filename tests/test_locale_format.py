"""The six interface languages: which one a reader gets, its direction, its names for
languages and countries, and numbers and dates written as its locale writes them."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask_babel import force_locale

from tests.conftest import post_form


def _html_tag(client, **kwargs) -> str:
    html = client.get("/", **kwargs).get_data(as_text=True)
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize(
    ("accept", "tag"),
    [
        ("ar-EG,ar;q=0.9", '<html lang="ar" dir="rtl">'),
        ("zh-CN,zh;q=0.9", '<html lang="zh-Hans" dir="ltr">'),
        ("fr-SN,fr;q=0.9", '<html lang="fr" dir="ltr">'),
        ("ru-RU", '<html lang="ru" dir="ltr">'),
        ("es-AR,es;q=0.9", '<html lang="es" dir="ltr">'),
        ("de-DE", '<html lang="en" dir="ltr">'),  # not offered: the default
    ],
)
def test_every_page_says_its_language_and_direction(client, accept, tag):
    assert _html_tag(client, headers={"Accept-Language": accept}) == tag


def test_the_switcher_offers_six_languages_each_in_its_own_name(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    switcher = html[html.index('id="language-select"') : html.index("</select>")]
    options = re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)</option>', switcher)
    assert options == [
        ("ar", "العربية"),
        ("zh", "中文"),
        ("en", "English"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("es", "Español"),
    ]


def test_the_switchers_choice_wins_over_the_browser(client):
    arabic = {"Accept-Language": "ar"}
    assert 'dir="rtl"' in _html_tag(client, headers=arabic)
    response = post_form(client, "/language", {"language": "fr", "next": "/"}, page="/")
    assert response.status_code == 302
    assert _html_tag(client, headers=arabic) == '<html lang="fr" dir="ltr">'
    post_form(client, "/language", {"language": "ar"}, page="/")
    assert _html_tag(client, headers={"Accept-Language": "ru"}) == '<html lang="ar" dir="rtl">'


def test_the_accounts_language_wins_over_the_browser(app, client, make_user, login, db):
    user = login(make_user())
    post_form(client, "/language", {"language": "es"}, page="/")
    fresh = app.test_client()  # a new browser: no session choice, the account's remains
    post_form(fresh, "/login", {"email": user.email, "password": "correct horse battery"})
    assert _html_tag(fresh, headers={"Accept-Language": "ar"}) == '<html lang="es" dir="ltr">'


@pytest.mark.parametrize(
    ("language", "egypt", "china"),
    [
        ("zh", "埃及", "中国"),
        ("ar", "مصر", "الصين"),
        ("fr", "Égypte", "Chine"),
        ("en", "Egypt", "China"),
    ],
)
def test_the_profile_form_names_countries_in_the_readers_language(client, language, egypt, china):
    html = client.get("/register", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<option value="EG">{egypt}</option>' in html
    assert f'<option value="CN">{china}</option>' in html


def _formatted(app, language: str, template: str, **values) -> str:
    with app.test_request_context(), force_locale(language):
        return app.jinja_env.from_string(template).render(**values)


@pytest.mark.parametrize(
    ("language", "count", "share", "measure"),
    [
        ("en", "12,345", "43%", "0.46"),
        ("fr", "12\u202f345", "43\u00a0%", "0,46"),
        ("ru", "12\u00a0345", "43\u00a0%", "0,46"),
        ("es", "12.345", "43\u00a0%", "0,46"),
        ("zh", "12,345", "43%", "0.46"),
    ],
)
def test_numbers_follow_the_locale(app, language, count, share, measure):
    template = "{{ n|number }} {{ rate|percent }} {{ x|decimal(2) }}"
    formatted = _formatted(app, language, template, n=12345, rate=0.425, x=0.456)
    assert formatted == f"{count} {share} {measure}"


def test_an_unknown_share_is_a_dash_and_small_shares_keep_a_decimal(app):
    assert _formatted(app, "en", "{{ none|percent }}", none=None) == "–"
    assert _formatted(app, "fr", "{{ r|percent(1) }}", r=0.0049) == "0,5\u00a0%"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dec 4, 2026, 2:30\u202fPM"),
        ("fr", "4 déc. 2026, 14:30"),
        ("zh", "2026年12月4日 14:30"),
        ("ru", "4 дек. 2026\u202fг., 14:30"),
    ],
)
def test_dates_follow_the_locale(app, language, expected):
    moment = datetime(2026, 12, 4, 14, 30)
    assert _formatted(app, language, "{{ m|datetime_utc }}", m=moment) == expected


def test_arabic_dates_use_arabic_month_names(app):
    text = _formatted(app, "ar", "{{ m|format_date_utc }}", m=datetime(2026, 12, 4))
    assert "ديسمبر" in text and "2026" in text


def test_figure_labels_in_arabic_are_isolated_and_still_escaped():
    from markupsafe import Markup

    from consult.reports.svg import _el, isolate

    assert isolate("Group A 42%") == "Group A 42%"  # nothing to isolate
    label = _el("text", "المجموعة A <b>42%</b>", x=1)
    assert "\u2068المجموعة A &lt;b&gt;42%&lt;/b&gt;\u2069" in label
    assert isinstance(isolate(Markup("<i>x</i>")), Markup)
    nested = _el("text", _el("tspan", "أ"), x=1)
    assert nested.count("\u2068") == 1  # the leaf, not the element around it


def test_figures_are_drawn_left_to_right_on_an_arabic_page(app):
    from consult.reports.svg_charts import in_out_bars

    with app.test_request_context(), force_locale("ar"):
        figure = in_out_bars(0.5, 0.25, {"title": "t", "in": "داخل", "out": "خارج"})
    assert 'direction="ltr"' in figure
    assert ">\u2068داخل\u2069</text>" in figure
