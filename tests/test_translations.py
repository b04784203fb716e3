"""The Simplified Chinese catalogue: complete, placeholder-safe, current and compilable."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "consult" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
BABEL_CFG = TRANSLATIONS / "babel.cfg"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


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


@pytest.fixture(scope="module")
def catalog():
    with ZH_PO.open("rb") as f:
        return read_po(f, locale="zh")


def _messages(catalog):
    return [m for m in catalog if m.id]  # the header has the empty id


def test_header_declares_chinese_with_one_plural_form(catalog):
    assert str(catalog.locale) == "zh"
    assert catalog.num_plurals == 1
    assert catalog.plural_expr.strip() == "0"


def test_every_message_is_translated(catalog):
    untranslated = [
        _label(m) for m in _messages(catalog) if not all(s.strip() for s in _forms(m.string))
    ]
    assert not untranslated, "Untranslated in zh/messages.po:\n  " + "\n  ".join(untranslated)


def test_no_message_is_fuzzy(catalog):
    fuzzy = [_label(m) for m in _messages(catalog) if m.fuzzy]
    assert not fuzzy, "Fuzzy in zh/messages.po (review and drop the flag):\n  " + "\n  ".join(fuzzy)


def test_placeholders_match(catalog):
    mismatched = []
    for m in _messages(catalog):
        expected = set().union(*(_placeholders(i) for i in _forms(m.id)))
        for string in _forms(m.string):
            found = _placeholders(string)
            if found != expected:
                mismatched.append(
                    f"{_label(m)!r}: msgid has {sorted(expected)}, msgstr has {sorted(found)}"
                )
    assert not mismatched, "Placeholder mismatch in zh/messages.po:\n  " + "\n  ".join(mismatched)


def _pybabel() -> list[str]:
    sibling = Path(sys.executable).with_name("pybabel")
    if sibling.exists():
        return [str(sibling)]
    return [sys.executable, "-m", "babel.messages.frontend"]


def test_catalogue_is_up_to_date_with_sources(catalog, tmp_path):
    pot = tmp_path / "extracted.pot"
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
        extracted = read_po(f)
    missing = [
        _label(m) for m in extracted if m.id and catalog.get(m.id, context=m.context) is None
    ]
    assert not missing, (
        f"{len(missing)} message(s) in the sources are not in zh/messages.po; "
        "run `make translations-update` and translate them:\n  " + "\n  ".join(missing)
    )


def test_catalogue_compiles(catalog):
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue(), "write_mo produced nothing"
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    for m in _messages(catalog):  # write_mo leaves fuzzy ones out; the fuzzy test reports them
        if not m.fuzzy and not m.pluralizable and not m.context:
            assert compiled.gettext(m.id) == m.string
