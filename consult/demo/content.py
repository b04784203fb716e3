"""The text of the demo consultation: the Global AI Governance Initiative (2023).

The JSON file shipped beside this module holds the title, the source note, the preamble
paragraphs and the 11 clauses, each in Chinese (the original) and English (a working
rendering made for the demo). The clauses carry a stable ``key`` but no heading, so the
short headings below are written for the demo, in both languages.

Read only through :mod:`importlib.resources`, so an installed package needs nothing
outside itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

LANGUAGES: tuple[str, ...] = ("zh", "en")
INITIATIVE_RESOURCE = "global-ai-governance-initiative.json"

# Short headings for the clauses, by their JSON key, (zh, en).
CLAUSE_HEADINGS: dict[str, tuple[str, str]] = {
    "people-centred": ("以人为本", "People-centred development"),
    "sovereignty": ("尊重他国主权", "Respect for national sovereignty"),
    "ai-for-good": ("智能向善", "AI for good"),
    "equal-rights": ("平等发展权利", "Equal rights to develop AI"),
    "risk-tiers": ("风险分级与敏捷治理", "Risk tiers and agile governance"),
    "privacy": ("隐私与数据安全", "Privacy and data security"),
    "non-discrimination": ("公平与非歧视", "Fairness and non-discrimination"),
    "ethics-first": ("伦理先行", "Ethics first"),
    "broad-participation": ("广泛参与、协商一致", "Broad participation and consensus"),
    "governance-technology": ("治理技术", "Technology for AI governance"),
    "developing-countries": ("发展中国家的代表性", "A voice for developing countries"),
}


@dataclass(frozen=True)
class LocalisedText:
    """The same text in Chinese and English; ``text["en"]`` works as well as ``text.en``."""

    zh: str
    en: str

    def __getitem__(self, language: str) -> str:
        if language not in LANGUAGES:
            raise KeyError(language)
        return getattr(self, language)

    def get(self, language: str, default: str | None = None) -> str | None:
        return self[language] if language in LANGUAGES else default

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Clause:
    """One clause; ``position`` counts from 1, ``key`` is stable across versions."""

    position: int
    key: str
    heading: LocalisedText
    text: LocalisedText


@dataclass(frozen=True)
class Initiative:
    title: LocalisedText
    source: str
    preamble: tuple[LocalisedText, ...]
    clauses: tuple[Clause, ...]


def _localised(value: dict) -> LocalisedText:
    return LocalisedText(zh=value["zh"], en=value["en"])


def _heading(key: str, position: int) -> LocalisedText:
    if key in CLAUSE_HEADINGS:
        zh, en = CLAUSE_HEADINGS[key]
        return LocalisedText(zh=zh, en=en)
    # A clause added to the JSON later still gets a usable heading.
    return LocalisedText(zh=f"第{position}条", en=f"Clause {position}")


def initiative_json_text() -> str:
    """The shipped JSON, as text."""
    return files(__package__).joinpath(INITIATIVE_RESOURCE).read_text(encoding="utf-8")


@cache
def load_initiative() -> Initiative:
    """Parse the shipped Global AI Governance Initiative into frozen dataclasses."""
    data = json.loads(initiative_json_text())
    clauses = tuple(
        Clause(
            position=position,
            key=item["key"],
            heading=_localised(item["heading"])
            if "heading" in item
            else _heading(item["key"], position),
            text=_localised(item),
        )
        for position, item in enumerate(data["clauses"], start=1)
    )
    return Initiative(
        title=_localised(data["title"]),
        source=data["source"],
        preamble=tuple(_localised(paragraph) for paragraph in data["preamble"]),
        clauses=clauses,
    )
