"""The interface catalogues, one per UN language: complete, placeholder-safe, with the
plural forms CLDR gives the language, current with the sources, and compilable.

English is the source language: its catalogue holds the message ids untranslated (gettext
falls back to them), so it is checked for being current and compilable, not translated.
"""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "consult" / "translations"
BABEL_CFG = TRANSLATIONS / "babel.cfg"

TRANSLATED = ("ar", "zh", "fr", "ru", "es")
LANGUAGES = ("en", *TRANSLATED)

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _po(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def _forms(value) -> list[str]:
    """A message id or string as a list: one item, or one per plural form."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _label(message) -> str:
    msgid = _forms(message.id)[0]
    return f"{message.context}|{msgid}" if message.context else msgid


_catalogues: dict[str, object] = {}


def _catalog(language: str):
    """Each catalogue read once for the module (1,300 messages, six languages)."""
    if language not in _catalogues:
        with _po(language).open("rb") as f:
            _catalogues[language] = read_po(f, locale=language)
    return _catalogues[language]


def _messages(catalog):
    return [m for m in catalog if m.id]  # the header has the empty id


def test_every_offered_language_has_a_catalogue(app):
    assert set(app.config["LANGUAGES"]) == set(LANGUAGES)
    for language in LANGUAGES:
        assert _po(language).exists(), language


def test_chinese_has_one_plural_form():
    catalog = _catalog("zh")
    assert str(catalog.locale) == "zh"
    assert catalog.num_plurals == 1
    assert catalog.plural_expr.strip() == "0"


@pytest.mark.parametrize(("language", "count"), [("ar", 6), ("ru", 3), ("zh", 1), ("en", 2)])
def test_plural_form_counts_of_the_languages_that_differ_most(language, count):
    assert _catalog(language).num_plurals == count


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_has_cldr_plural_rule_and_every_plural_message_all_forms(language):
    catalog = _catalog(language)
    assert str(catalog.locale) == language
    assert catalog.num_plurals == get_plural(language).num_plurals
    if language == "en":
        return  # untranslated source: its plural strings are empty
    wrong = [
        f"{_label(m)!r}: {len(_forms(m.string))} forms"
        for m in _messages(catalog)
        if m.pluralizable and len(_forms(m.string)) != catalog.num_plurals
    ]
    assert not wrong, f"Plural forms in {language}/messages.po:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    untranslated = [
        _label(m)
        for m in _messages(_catalog(language))
        if not all(s.strip() for s in _forms(m.string))
    ]
    assert not untranslated, f"Untranslated in {language}/messages.po:\n  " + "\n  ".join(
        untranslated
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_fuzzy(language):
    fuzzy = [_label(m) for m in _messages(_catalog(language)) if m.fuzzy]
    assert not fuzzy, (
        f"Fuzzy in {language}/messages.po (review and drop the flag):\n  " + "\n  ".join(fuzzy)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match(language):
    mismatched = []
    for m in _messages(_catalog(language)):
        expected = set().union(*(_placeholders(i) for i in _forms(m.id)))
        for string in _forms(m.string):
            found = _placeholders(string)
            if found != expected:
                mismatched.append(
                    f"{_label(m)!r}: msgid has {sorted(expected)}, msgstr has {sorted(found)}"
                )
    assert not mismatched, f"Placeholder mismatch in {language}/messages.po:\n  " + "\n  ".join(
        mismatched
    )


def _pybabel() -> list[str]:
    sibling = Path(sys.executable).with_name("pybabel")
    if sibling.exists():
        return [str(sibling)]
    return [sys.executable, "-m", "babel.messages.frontend"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the sources now, extracted once for all six catalogues."""
    pot = tmp_path_factory.mktemp("pot") / "extracted.pot"
    result = subprocess.run(
        [
            *_pybabel(),
            "extract",
            "-F",
            str(BABEL_CFG.relative_to(REPO)),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stdout}\n{result.stderr}"
    with pot.open("rb") as f:
        return read_po(f)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_up_to_date_with_sources(language, extracted):
    catalog = _catalog(language)
    missing = [
        _label(m) for m in extracted if m.id and catalog.get(m.id, context=m.context) is None
    ]
    assert not missing, (
        f"{len(missing)} message(s) in the sources are not in {language}/messages.po; "
        "run `make translations-update` and translate them:\n  " + "\n  ".join(missing)
    )


def _sample(message) -> dict:
    """Values for every placeholder of ``message``, so a translation can be formatted."""
    names = set().union(*(_placeholders(i) for i in _forms(message.id)))
    return {name[2:-2]: 3 for name in names}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_and_every_plural_form_formats(language):
    catalog = _catalog(language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue(), "write_mo produced nothing"
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    for m in _messages(catalog):  # write_mo leaves fuzzy ones out; the fuzzy test reports them
        if m.fuzzy or m.context:
            continue
        if not m.pluralizable:
            if language != "en":
                assert compiled.gettext(m.id) == m.string
            continue
        singular, plural = _forms(m.id)
        # 0, 1, 2, 3, 11, 100 and 101 reach every form of Arabic's six and Russian's three.
        for n in (0, 1, 2, 3, 11, 100, 101):
            text = compiled.ngettext(singular, plural, n)
            assert text % {**_sample(m), "num": n}  # a broken placeholder raises here
