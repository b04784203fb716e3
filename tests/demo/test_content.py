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


def test_shipped_copy_is_identical_to_shared_file():
    if not SHARED_FILE.exists():
        pytest.skip(f"shared demo file not found at {SHARED_FILE}; nothing to compare with")
    shipped = files("consult.demo").joinpath(INITIATIVE_RESOURCE).read_bytes()
    assert shipped == SHARED_FILE.read_bytes()
