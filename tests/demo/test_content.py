import json
from importlib.resources import files
from pathlib import Path

import pytest

from consult.demo.content import INITIATIVE_RESOURCE, Clause, LocalisedText, load_initiative

SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "demo"
SHARED_FILE = SHARED_COPY / "global-ai-governance-initiative.json"


def test_eleven_clauses_in_both_languages():
    initiative = load_initiative()
    assert len(initiative.clauses) == 11
    assert [c.position for c in initiative.clauses] == list(range(1, 12))
    for clause in initiative.clauses:
        assert isinstance(clause, Clause)
        assert clause.text.zh.strip() and clause.text.en.strip()
        assert clause.heading.zh.strip() and clause.heading.en.strip()
        assert clause.key
    assert len({c.key for c in initiative.clauses}) == 11
    assert not any(c.heading.en.startswith("Clause ") for c in initiative.clauses)


def test_title_source_and_preamble():
    initiative = load_initiative()
    assert initiative.title.en == "Global AI Governance Initiative"
    assert initiative.title["zh"] == "全球人工智能治理倡议"
    assert initiative.source
    assert initiative.preamble
    assert all(p.zh and p.en for p in initiative.preamble)


def test_clause_text_matches_content():
    clauses = {c.key: c for c in load_initiative().clauses}
    assert "sovereignty" in clauses["sovereignty"].text.en
    assert "Developing countries" in clauses["developing-countries"].text.en
    assert "以人为本" in clauses["people-centred"].text.zh


def test_localised_text_access():
    text = LocalisedText(zh="你好", en="Hello")
    assert text["en"] == "Hello"
    assert text.get("fr") is None
    assert text.as_dict() == {"zh": "你好", "en": "Hello"}
    with pytest.raises(KeyError):
        text["fr"]


def test_result_is_frozen():
    initiative = load_initiative()
    with pytest.raises(AttributeError):
        initiative.source = "x"


def _without_renderings(data: dict) -> dict:
    """The file with only its Chinese original and English lines (and the clause keys)."""

    def keep(entry: dict) -> dict:
        return {k: v for k, v in entry.items() if k in ("key", "zh", "en")}

    return {
        "title": keep(data["title"]),
        "preamble": [keep(p) for p in data["preamble"]],
        "clauses": [keep(c) for c in data["clauses"]],
    }


def test_shipped_copy_keeps_the_shared_files_chinese_and_english():
    """The shared file has the Chinese original and the English lines; the shipped copy
    adds Arabic, French, Russian and Spanish renderings and changes nothing else."""
    if not SHARED_FILE.exists():
        pytest.skip(f"shared demo file not found at {SHARED_FILE}; nothing to compare with")
    shipped = json.loads(files("consult.demo").joinpath(INITIATIVE_RESOURCE).read_text())
    shared = json.loads(SHARED_FILE.read_text())
    assert _without_renderings(shipped) == _without_renderings(shared)
    for entry in [shipped["title"], *shipped["preamble"], *shipped["clauses"]]:
        assert all(entry.get(lang) for lang in ("ar", "fr", "ru", "es")), entry.get("key")


def test_localised_text_in_six_languages_keeps_the_order_and_leaves_out_the_missing():
    text = LocalisedText(zh="你好", en="Hello", ar="مرحبا", es="Hola")
    assert list(text.as_dict()) == ["zh", "en", "ar", "es"]
    assert text["ar"] == "مرحبا" and text.get("fr") is None
    with pytest.raises(KeyError):
        text["ru"]


def test_every_language_of_the_file_is_loaded_and_each_clause_has_a_heading_in_it():
    initiative = load_initiative()
    languages = initiative.languages
    assert languages[:2] == ["zh", "en"], "Chinese (the original) and English at least"
    for clause in initiative.clauses:
        for lang in languages:
            assert clause.text[lang].strip() and clause.heading[lang].strip()


def test_a_file_in_chinese_and_english_only_still_loads(monkeypatch):
    import json

    from consult.demo import content

    data = json.loads(content.initiative_json_text())
    for part in [data["title"], *data["preamble"], *data["clauses"]]:
        for lang in ("ar", "fr", "ru", "es"):
            part.pop(lang, None)
    monkeypatch.setattr(content, "initiative_json_text", lambda: json.dumps(data))
    content.load_initiative.cache_clear()
    try:
        initiative = content.load_initiative()
        assert initiative.languages == ["zh", "en"]
        assert initiative.clauses[0].text.as_dict().keys() == {"zh", "en"}
    finally:
        content.load_initiative.cache_clear()
