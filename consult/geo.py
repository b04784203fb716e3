"""Countries, World Bank regions and income groups.

Countries are ISO 3166-1 alpha-2 codes, listed by pycountry. In English they keep
pycountry's everyday names; in any other language they take CLDR's territory names
(through Babel), so the Chinese interface says 中国 and the Arabic one مصر. The table
``consult/data/country_groups.csv`` (columns ``alpha2,region,income_group``) maps each
economy that the World Bank classifies to its region and income group.

Source: World Bank country and lending groups, FY2025 classification (published July
2024, based on 2023 GNI per capita, Atlas method), transcribed by hand. Regions are the
classic seven; the World Bank's later split of "Middle East & North Africa" into "Middle
East, North Africa, Afghanistan & Pakistan" is deliberately not used, so Afghanistan and
Pakistan stay in South Asia. Departures from the World Bank list, made so that every row
is a pycountry code:

- Kosovo (``XK``, upper-middle income) has no ISO 3166-1 code in pycountry: left out.
- "Channel Islands" is one World Bank economy: its two ISO codes, Jersey (``JE``) and
  Guernsey (``GG``), each get its row (Europe & Central Asia, high income).
- Venezuela (``VE``) has been unclassified by income since FY2022: its row has an empty
  income group, so :func:`income_group_of` and :func:`global_south` answer ``None``.

Territories that the World Bank does not list (e.g. Réunion, Western Sahara, Antarctica)
have no row and are not offered by :func:`country_choices`.

"Global South" is approximated by income: low, lower-middle and upper-middle income
economies are Global South, high-income economies are not (see :func:`global_south`).

This module is pure Python (no Flask); the table is read once, lazily, through
:mod:`importlib.resources`, so it works from an installed wheel.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pycountry
from babel import Locale, UnknownLocaleError

REGIONS: tuple[tuple[str, str], ...] = (
    ("east_asia_pacific", "East Asia & Pacific"),
    ("europe_central_asia", "Europe & Central Asia"),
    ("latin_america_caribbean", "Latin America & Caribbean"),
    ("middle_east_north_africa", "Middle East & North Africa"),
    ("north_america", "North America"),
    ("south_asia", "South Asia"),
    ("sub_saharan_africa", "Sub-Saharan Africa"),
)

INCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("low", "Low income"),
    ("lower_middle", "Lower-middle income"),
    ("upper_middle", "Upper-middle income"),
    ("high", "High income"),
)

GLOBAL_SOUTH_INCOME_GROUPS: frozenset[str] = frozenset({"low", "lower_middle", "upper_middle"})

_TABLE_RESOURCE = "data/country_groups.csv"


@dataclass(frozen=True)
class CountryGroups:
    """One row of the table: a country's region and income group (``None`` if unclassified)."""

    alpha2: str
    region: str
    income_group: str | None


@cache
def _table() -> dict[str, CountryGroups]:
    text = files("consult").joinpath(_TABLE_RESOURCE).read_text(encoding="utf-8")
    region_slugs = {slug for slug, _ in REGIONS}
    income_slugs = {slug for slug, _ in INCOME_GROUPS}
    table: dict[str, CountryGroups] = {}
    for row in csv.DictReader(io.StringIO(text)):
        alpha2 = row["alpha2"].strip().upper()
        region = row["region"].strip()
        income = row["income_group"].strip() or None
        # A typo in the shipped table should fail loudly, not silently drop a country.
        if region not in region_slugs or (income is not None and income not in income_slugs):
            raise ValueError(f"bad row in {_TABLE_RESOURCE}: {row}")
        table[alpha2] = CountryGroups(alpha2, region, income)
    return table


def _normalise(alpha2: str | None) -> str | None:
    if not isinstance(alpha2, str):
        return None
    code = alpha2.strip().upper()
    return code if len(code) == 2 else None


def _groups(alpha2: str | None) -> CountryGroups | None:
    code = _normalise(alpha2)
    return None if code is None else _table().get(code)


def _english_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    # common_name is the everyday form ("Bolivia", "South Korea") where pycountry has one.
    return getattr(country, "common_name", None) or country.name


@cache
def _territory_names(language: str) -> dict[str, str]:
    """CLDR's territory names in ``language`` (empty for English or an unknown language,
    which then fall back to pycountry's English names)."""
    if language == "en":
        return {}
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}


def _name(code: str, language: str) -> str | None:
    return _territory_names(language).get(code) or _english_name(code)


def _sort_key(name: str) -> str:
    # Sort "Côte d'Ivoire" with the Cs and "Türkiye" with the Ts.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    pairs = [(code, _name(code, language)) for code in _table()]
    named = [(code, name) for code, name in pairs if name is not None]
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1])))


def country_choices(language: str = "en") -> list[tuple[str, str]]:
    """(alpha-2, name in ``language``) for every country in the table, sorted by that name.

    The sort folds case and accents (good for Latin and Cyrillic scripts); Chinese names
    sort by code point, which roughly groups them by radical, as no collation library is
    at hand."""
    return list(_choices(language))


def canonical_country(alpha2: str | None) -> str | None:
    """The upper-case alpha-2 code of a known country (input in any case), else ``None``."""
    groups = _groups(alpha2)
    return None if groups is None else groups.alpha2


def is_known_country(alpha2: str | None) -> bool:
    """Whether ``alpha2`` (any case) is a country of the table."""
    return _groups(alpha2) is not None


def country_name(alpha2: str | None, language: str = "en") -> str | None:
    """Name of a known country in ``language`` (English by default), else ``None``."""
    groups = _groups(alpha2)
    return None if groups is None else _name(groups.alpha2, language)


def region_of(alpha2: str | None) -> str | None:
    """Region slug (one of :data:`REGIONS`) of a known country, else ``None``."""
    groups = _groups(alpha2)
    return None if groups is None else groups.region


def income_group_of(alpha2: str | None) -> str | None:
    """Income group slug (one of :data:`INCOME_GROUPS`), ``None`` if unknown or unclassified."""
    groups = _groups(alpha2)
    return None if groups is None else groups.income_group


def global_south(alpha2: str | None) -> bool | None:
    """True for low, lower-middle and upper-middle income countries, False for high income.

    ``None`` for an unknown country or one without an income group (Venezuela).
    """
    income = income_group_of(alpha2)
    return None if income is None else income in GLOBAL_SOUTH_INCOME_GROUPS


def region_name(slug: str) -> str | None:
    """English name of a region slug."""
    return dict(REGIONS).get(slug)


def income_group_name(slug: str) -> str | None:
    """English name of an income group slug."""
    return dict(INCOME_GROUPS).get(slug)
