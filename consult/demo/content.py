"""The text of the demo consultation: the Global AI Governance Initiative (2023).

The JSON file shipped beside this module holds the title, the source note, the preamble
paragraphs and the 11 clauses, in Chinese (the original) and English, and in Arabic,
French, Russian and Spanish where the file has them (working renderings made for the
demo, not official translations). The clauses carry a stable ``key`` but no heading, so
the short headings below are written for the demo, in all six languages.

Read only through :mod:`importlib.resources`, so an installed package needs nothing
outside itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

# Chinese first: it is the original, and the demo's authoritative language.
LANGUAGES: tuple[str, ...] = ("zh", "en", "ar", "fr", "ru", "es")
INITIATIVE_RESOURCE = "global-ai-governance-initiative.json"

# Short headings for the clauses, by their JSON key, in the order of LANGUAGES.
CLAUSE_HEADINGS: dict[str, tuple[str, ...]] = {
    "people-centred": (
        "以人为本", "People-centred development", "التنمية المتمحورة حول الإنسان",
        "Un développement centré sur l'humain", "Развитие, ориентированное на человека",
        "Desarrollo centrado en las personas",
    ),
    "sovereignty": (
        "尊重他国主权", "Respect for national sovereignty", "احترام السيادة الوطنية",
        "Respect de la souveraineté nationale", "Уважение национального суверенитета",
        "Respeto de la soberanía nacional",
    ),
    "ai-for-good": (
        "智能向善", "AI for good", "الذكاء الاصطناعي من أجل الخير", "L'IA au service du bien",
        "ИИ во благо", "IA para el bien",
    ),
    "equal-rights": (
        "平等发展权利", "Equal rights to develop AI", "حقوق متساوية في تطوير الذكاء الاصطناعي",
        "Un droit égal à développer l'IA", "Равные права на развитие ИИ",
        "Igualdad de derechos para desarrollar la IA",
    ),
    "risk-tiers": (
        "风险分级与敏捷治理", "Risk tiers and agile governance", "تصنيف المخاطر والحوكمة المرنة",
        "Niveaux de risque et gouvernance agile", "Уровни риска и гибкое управление",
        "Niveles de riesgo y gobernanza ágil",
    ),
    "privacy": (
        "隐私与数据安全", "Privacy and data security", "الخصوصية وأمن البيانات",
        "Vie privée et sécurité des données", "Конфиденциальность и безопасность данных",
        "Privacidad y seguridad de los datos",
    ),
    "non-discrimination": (
        "公平与非歧视", "Fairness and non-discrimination", "الإنصاف وعدم التمييز",
        "Équité et non-discrimination", "Справедливость и недискриминация",
        "Equidad y no discriminación",
    ),
    "ethics-first": (
        "伦理先行", "Ethics first", "الأخلاقيات أولاً", "L'éthique d'abord",
        "Этика прежде всего", "La ética primero",
    ),
    "broad-participation": (
        "广泛参与、协商一致", "Broad participation and consensus", "المشاركة الواسعة والتوافق",
        "Large participation et consensus", "Широкое участие и консенсус",
        "Amplia participación y consenso",
    ),
    "governance-technology": (
        "治理技术", "Technology for AI governance", "تقنيات حوكمة الذكاء الاصطناعي",
        "Des technologies pour la gouvernance de l'IA", "Технологии для управления ИИ",
        "Tecnología para la gobernanza de la IA",
    ),
    "developing-countries": (
        "发展中国家的代表性", "A voice for developing countries", "صوت للبلدان النامية",
        "Une voix pour les pays en développement", "Голос развивающихся стран",
        "Una voz para los países en desarrollo",
    ),
}  # fmt: skip
# A clause added to the JSON later still gets a usable heading.
NUMBERED_HEADINGS = (
    "第{n}条", "Clause {n}", "البند {n}", "Article {n}", "Пункт {n}", "Cláusula {n}",
)  # fmt: skip


@dataclass(frozen=True)
class LocalisedText:
    """The same text in Chinese, English and whichever other of the six languages the
    file has; ``text["en"]`` works as well as ``text.en``."""

    zh: str
    en: str
    ar: str | None = None
    fr: str | None = None
    ru: str | None = None
    es: str | None = None

    def __getitem__(self, language: str) -> str:
        value = getattr(self, language) if language in LANGUAGES else None
        if value is None:
            raise KeyError(language)
        return value

    def get(self, language: str, default: str | None = None) -> str | None:
        return self.as_dict().get(language, default)

    def as_dict(self) -> dict[str, str]:
        """The languages present, in the order of LANGUAGES."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


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

    @property
    def languages(self) -> list[str]:
        """The languages the whole text is in (title, preamble and every clause)."""
        parts = [self.title, *self.preamble, *(c.text for c in self.clauses)]
        return [lang for lang in LANGUAGES if all(part.get(lang) for part in parts)]


def _localised(value: dict) -> LocalisedText:
    return LocalisedText(**{lang: value[lang] for lang in LANGUAGES if value.get(lang)})


def _heading(key: str, position: int) -> LocalisedText:
    if key in CLAUSE_HEADINGS:
        return LocalisedText(*CLAUSE_HEADINGS[key])
    return LocalisedText(*(pattern.format(n=position) for pattern in NUMBERED_HEADINGS))


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
