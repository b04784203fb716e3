"""The languages the demo's synthetic participants read in (consult/demo/languages.py)."""

import dataclasses
from collections import Counter

import pytest

from consult import geo
from consult.demo import languages
from consult.demo.languages import COUNTRY_LANGUAGES, vote_language
from consult.demo.synthetic import generate_stakeholders

UN_LANGUAGES = {"ar", "zh", "en", "fr", "ru", "es"}


@pytest.fixture(scope="module")
def people():
    return generate_stakeholders()


def test_the_table_names_real_countries_and_un_languages_only():
    for country, weights in COUNTRY_LANGUAGES.items():
        assert geo.is_known_country(country), country
        assert set(weights) <= UN_LANGUAGES, country
        assert all(w > 0 for w in weights.values()), country


def test_each_person_reads_a_language_of_their_country_or_english(people):
    for person in people:
        assert person.language in {*COUNTRY_LANGUAGES.get(person.country, {}), "en"}, person
    assert {p.language for p in people if p.country in {"IN", "NG", "JP", "DE"}} == {"en"}


def test_every_language_present_and_one_clearly_under_represented(people):
    shares = {code: n / len(people) for code, n in Counter(p.language for p in people).items()}
    assert set(shares) == UN_LANGUAGES
    assert max(shares, key=shares.get) == "en" and shares["en"] < 0.8
    assert min(shares["es"], shares["ar"], shares["fr"]) > 0.05
    assert shares["ru"] < 0.05 and shares["zh"] < 0.05, "groups an organiser should notice"
    # A minority reads English although their country reads another language.
    elsewhere = [p for p in people if "en" not in COUNTRY_LANGUAGES.get(p.country, {"en": 1})]
    english = sum(p.language == "en" for p in elsewhere) / len(elsewhere)
    assert 0.03 < english < 0.25


def test_languages_do_not_disturb_the_other_draws(monkeypatch, people):
    """Languages come from their own stream: however they are drawn, the people, and so
    the demo's votes and analysis, stay the same."""
    monkeypatch.setattr(languages, "READS_ENGLISH_ANYWAY", 1.0)
    everyone_english = generate_stakeholders()
    assert {p.language for p in everyone_english} == {"en"}
    assert [dataclasses.replace(p, language="en") for p in people] == everyone_english


def test_a_vote_is_recorded_in_the_language_the_text_was_shown_in():
    clause = {code: f"text in {code}" for code in UN_LANGUAGES}
    assert vote_language(clause, "ru") == "ru"
    assert vote_language({"zh": "中文", "en": "English"}, "fr") == "en", "English is next"
    assert vote_language({"zh": "中文"}, "ar") == "zh", "a statement in its own language"
    assert vote_language({}, "es") == "es"
