"""Interface language: chosen by the switcher, the account, or the browser."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_percent
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import format_date, format_decimal, format_time, get_locale, get_translations
from flask_login import current_user

from consult import geo
from consult.auth.services import set_locale
from consult.web import safe_next_url

blueprint = Blueprint("i18n", __name__)


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def language_name(code: str) -> str:
    """A language as it names itself (CLDR's endonym: العربية, 中文, Français), for the
    switcher and wherever a reader picks a language they read. The first letter is
    capitalised because the name stands alone in a menu (CLDR writes "français" for
    running text)."""
    locale = _locale(code)
    name = locale.get_display_name(code) if locale else None
    if not name:
        return code
    return name[:1].upper() + name[1:]


def offered_languages() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


@blueprint.app_template_global()
def text_direction(code: str | None = None) -> str:
    """``rtl`` for a language written right to left (Arabic), else ``ltr``, from CLDR."""
    locale = _locale(code or current_language())
    return "rtl" if locale and locale.character_order == "right-to-left" else "ltr"


@blueprint.app_template_global()
def html_lang(code: str | None = None) -> str:
    """The BCP 47 tag for ``<html lang>``: Chinese is written in simplified characters."""
    code = code or current_language()
    return "zh-Hans" if code == "zh" else code


def select_locale() -> str:
    """The switcher's choice, then the account's, then the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tasks speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _translations():
    """The current locale's translations, looked up once per context and locale: the
    locale can change within one context (``force_locale`` for a mail or a PDF in the
    recipient's language), and the cache must follow it."""
    locale = get_locale()
    cached = g.get("_translations")
    if cached is None or cached[0] != locale:
        cached = g._translations = (locale, get_translations())
    return cached[1]


def install_template_gettext(app: Flask) -> None:
    """Templates translate through :func:`_translations`: Flask-Babel's own callables
    look the locale and catalogue up again on every string, a cost that adds up on
    fragments rendered thousands of times a minute."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def current_language() -> str:
    return str(get_locale().language)


@blueprint.app_template_filter("country_name")
def country_name(code: str | None) -> str:
    """A country code as its name in the interface language (the code if unknown)."""
    return geo.country_name(code, current_language()) or (code or "")


@blueprint.app_template_filter("number")
def number(value) -> str:
    """A count as the locale writes it: 12,345 in English, 12 345 in French."""
    return "" if value is None else format_decimal(value)


@blueprint.app_template_filter("decimal")
def decimal(value, places: int = 2) -> str:
    """A measure with a fixed number of decimals, with the locale's separator (0,46)."""
    return "" if value is None else format_decimal(value, format="0." + "0" * places)


@blueprint.app_template_filter("percent")
def percent(rate, places: int = 0) -> str:
    """A share (0 to 1) as the locale writes a percentage ("42 %" in French); an en dash
    when unknown. Halves round up, as the pages always did (12.5 % reads 13 %)."""
    if rate is None:
        return "–"
    step = Decimal(1).scaleb(-(places + 2))
    rounded = Decimal(str(float(rate))).quantize(step, rounding=ROUND_HALF_UP)
    return format_percent(rounded, locale=get_locale(), decimal_quantization=False)


@blueprint.app_template_filter("datetime_utc")
def datetime_utc(value) -> str:
    """A moment as the locale writes a medium date and a short time, in UTC (the pages
    say so): "Dec 2, 2026, 2:05 PM", "2 déc. 2026, 14:05", "2026年12月2日 14:05"."""
    if value is None:
        return ""
    pattern = get_locale().datetime_formats["medium"]
    return pattern.replace("{1}", format_date(value, "medium")).replace(
        "{0}", format_time(value, "short")
    )


def localized(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Pick the text in the interface language, else English, else any language given."""
    if not texts:
        return ""
    language = language or current_language()
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


@blueprint.post("/language")
def set_language():
    """Remember the chosen language in the session (and on the account), then go back."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            set_locale(current_user, language)
    return redirect(safe_next_url(request.form.get("next")))
