"""The language each synthetic participant reads the demo in, drawn from their country.

Without it every demo vote has no language and the dashboard's "by language" section
shows everyone as unknown, which is no use for showing an organiser a language group
left out. The shares are plausible, not census figures: the six UN languages where a
country reads one of them (Arab League countries Arabic, francophone Africa French,
Latin America Spanish, the CIS Russian, China Chinese; bilingual countries split),
English everywhere else, and in every country a minority reading English regardless, as
people working internationally do. The demo's country weights (``names.DEMO_COUNTRIES``)
then leave Russian readers few, a language group the figure shows as under-represented.

Drawn from their own random stream (see :func:`language_stream`), so giving people a
language changed none of the other draws, and the demo's votes and analysis with them.
"""

from __future__ import annotations

import numpy as np

from consult.drafts.translations import shown_language

# Compact on purpose: one country a line.
# fmt: off
# Country (ISO 3166-1 alpha-2) -> reading language -> weight; a country not listed reads
# English. Only the six UN languages appear: the demo's text is in those.
COUNTRY_LANGUAGES: dict[str, dict[str, float]] = {
    # Arab League; the Maghreb and Lebanon read French too.
    "EG": {"ar": 1.0}, "SA": {"ar": 1.0}, "AE": {"ar": 1.0}, "JO": {"ar": 1.0},
    "IQ": {"ar": 1.0}, "QA": {"ar": 1.0}, "YE": {"ar": 1.0}, "SY": {"ar": 1.0},
    "PS": {"ar": 1.0}, "SD": {"ar": 1.0}, "LB": {"ar": 0.7, "fr": 0.3},
    "MA": {"ar": 0.6, "fr": 0.4}, "DZ": {"ar": 0.6, "fr": 0.4}, "TN": {"ar": 0.65, "fr": 0.35},
    "IL": {"en": 0.8, "ar": 0.2},
    # French: France, Belgium, Switzerland, Haiti, Canada, francophone Africa.
    "FR": {"fr": 1.0}, "BE": {"fr": 0.45, "en": 0.55}, "CH": {"fr": 0.25, "en": 0.75},
    "HT": {"fr": 1.0}, "CA": {"en": 0.75, "fr": 0.25},
    "SN": {"fr": 1.0}, "CI": {"fr": 1.0}, "ML": {"fr": 1.0}, "BF": {"fr": 1.0},
    "NE": {"fr": 1.0}, "CD": {"fr": 1.0}, "MG": {"fr": 1.0}, "CM": {"fr": 0.75, "en": 0.25},
    "RW": {"en": 0.6, "fr": 0.4}, "MU": {"en": 0.5, "fr": 0.5},
    # Spanish: Spain and Spanish-speaking Latin America; some in the United States.
    "ES": {"es": 1.0}, "MX": {"es": 1.0}, "AR": {"es": 1.0}, "CO": {"es": 1.0},
    "CL": {"es": 1.0}, "PE": {"es": 1.0}, "EC": {"es": 1.0}, "BO": {"es": 1.0},
    "GT": {"es": 1.0}, "HN": {"es": 1.0}, "CU": {"es": 1.0}, "DO": {"es": 1.0},
    "UY": {"es": 1.0}, "CR": {"es": 1.0}, "NI": {"es": 1.0}, "US": {"en": 0.85, "es": 0.15},
    # Russian: Russia and the CIS; fewer in Ukraine and Georgia.
    "RU": {"ru": 1.0}, "BY": {"ru": 1.0}, "KZ": {"ru": 0.8, "en": 0.2},
    "KG": {"ru": 0.8, "en": 0.2}, "TJ": {"ru": 0.7, "en": 0.3}, "UZ": {"ru": 0.6, "en": 0.4},
    "AM": {"ru": 0.6, "en": 0.4}, "UA": {"en": 0.8, "ru": 0.2}, "GE": {"en": 0.8, "ru": 0.2},
    # Chinese: China, Taiwan, Hong Kong; Singapore and Malaysia in part.
    "CN": {"zh": 1.0}, "TW": {"zh": 0.8, "en": 0.2}, "HK": {"zh": 0.7, "en": 0.3},
    "SG": {"en": 0.6, "zh": 0.4}, "MY": {"en": 0.75, "zh": 0.25},
}
# fmt: on
# Share of people who read in English whatever their country's language.
READS_ENGLISH_ANYWAY = 0.12
FALLBACK = "en"
_STREAM = 17  # issue 17; any constant will do, as long as it stays the same


def language_stream(seed: int) -> np.random.Generator:
    """A generator for languages alone, independent of the one drawing everything else."""
    return np.random.default_rng([seed, _STREAM])


def reading_language(rng: np.random.Generator, country: str) -> str:
    """The language someone from ``country`` reads the demo in (one or two draws)."""
    if rng.random() < READS_ENGLISH_ANYWAY:
        return FALLBACK
    weights = COUNTRY_LANGUAGES.get(country)
    if not weights:
        return FALLBACK
    codes = list(weights)
    probabilities = np.array([weights[c] for c in codes]) / sum(weights.values())
    return codes[int(rng.choice(len(codes), p=probabilities))]


def vote_language(texts: dict[str, str], reader: str) -> str:
    """The language a vote is recorded in: the text a reader of ``reader`` is shown, as
    the site picks it (their language, else English, else the first; so a participant's
    statement is read in its own language unless it is the reader's)."""
    return shown_language(texts, reader) or reader
