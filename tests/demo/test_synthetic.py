from collections import Counter

import numpy as np
import pytest

from consult import geo
from consult.analysis.consensus import MIN_VOTERS
from consult.demo.content import load_initiative
from consult.demo.synthetic import (
    CLAUSE_LEANINGS,
    SECTORS,
    generate_stakeholders,
    generate_votes,
)


@pytest.fixture(scope="module")
def people():
    return generate_stakeholders()


@pytest.fixture(scope="module")
def votes(people):
    return generate_votes(people)


@pytest.fixture(scope="module")
def matrix(people, votes):
    """Stakeholders x clauses, NaN where no vote."""
    grid = np.full((len(people), 11), np.nan)
    for person, statement, value in votes:
        grid[person, statement] = value
    return grid


def test_same_seed_same_output_and_other_seed_differs():
    assert generate_stakeholders(50, seed=7) == generate_stakeholders(50, seed=7)
    assert generate_stakeholders(50, seed=7) != generate_stakeholders(50, seed=8)
    people = generate_stakeholders(50, seed=7)
    assert generate_votes(people, seed=1) == generate_votes(people, seed=1)
    assert generate_votes(people, seed=1) != generate_votes(people, seed=2)


def test_stakeholder_counts_and_coverage(people):
    assert len(people) == 300
    assert len({p.email for p in people}) == 300
    assert all(p.email.endswith("@demo.consult.example") for p in people)
    assert {p.sector for p in people} == set(SECTORS)
    countries = {p.country for p in people}
    assert len(countries) >= 40
    assert all(geo.is_known_country(c) and c == c.upper() for c in countries)
    assert {geo.region_of(c) for c in countries} == {slug for slug, _ in geo.REGIONS}
    assert {geo.income_group_of(c) for c in countries} == {slug for slug, _ in geo.INCOME_GROUPS}
    assert {p.camp for p in people} == {0, 1, 2}


def test_realistic_mix(people):
    sectors = Counter(p.sector for p in people)
    assert sectors["citizen"] > sectors["government"] > sectors["intergovernmental"]
    assert sectors["civil_society"] > sectors["industry"]
    south = sum(bool(geo.global_south(p.country)) for p in people)
    assert south > len(people) / 2
    citizens = [p for p in people if p.sector == "citizen"]
    assert sum(p.organisation is None for p in citizens) > 0.7 * len(citizens)
    assert all(p.organisation for p in people if p.sector not in {"citizen"})
    assert len({p.display_name for p in people}) > 0.8 * len(people)


def test_small_population_still_has_every_sector():
    assert {p.sector for p in generate_stakeholders(7, seed=3)} == set(SECTORS)


def test_leanings_follow_the_clauses_of_the_initiative():
    assert [c.key for c in load_initiative().clauses] == [lean.key for lean in CLAUSE_LEANINGS]


def test_votes_valid_and_unique(people, votes):
    assert all(isinstance(x, int) for vote in votes for x in vote)
    assert all(0 <= i < len(people) and 0 <= j < 11 and v in (1, -1, 0) for i, j, v in votes)
    pairs = [(i, j) for i, j, _ in votes]
    assert len(pairs) == len(set(pairs))
    assert votes == sorted(votes)


def test_participation_uneven_but_complete(people, matrix):
    per_person = (~np.isnan(matrix)).sum(axis=1)
    assert per_person.min() >= 1
    assert per_person.min() < per_person.max() == 11
    assert (per_person == 11).sum() > 0.15 * len(people)
    assert (per_person <= 3).sum() > 0.15 * len(people)
    per_clause = (~np.isnan(matrix)).sum(axis=0)
    assert per_clause.min() >= 100


def test_every_segment_has_enough_voters_on_every_clause(people, matrix):
    """Broad agreement needs every sector, region and income group present among the
    voters to reach the analysis's voter floor; the demo keeps a margin above it."""
    families = {
        "sector": [p.sector for p in people],
        "region": [geo.region_of(p.country) for p in people],
        "income group": [geo.income_group_of(p.country) for p in people],
    }
    voted = ~np.isnan(matrix)
    for family, labels in families.items():
        labels = np.array(labels, dtype=object)
        for segment in set(labels) - {None}:
            per_clause = voted[labels == segment].sum(axis=0)
            assert per_clause.min() >= MIN_VOTERS + 3, (family, segment, per_clause.tolist())


def test_participants_statements_thinner_than_clauses_and_latest_thinnest():
    people = generate_stakeholders()
    n_clauses = len(CLAUSE_LEANINGS)
    votes = generate_votes(people, n_statements=n_clauses + 8)
    per_statement = np.bincount([j for _, j, _ in votes], minlength=n_clauses + 8)
    clauses, written = per_statement[:n_clauses], per_statement[n_clauses:]
    assert written.mean() < 0.6 * clauses.mean()
    assert written[-1] < MIN_VOTERS * 7, "the latest statement is too thin to judge"
    # Later statements are seen less: each half of them less than the half before.
    assert written[4:].sum() < written[:4].sum()


def test_pass_share(votes):
    passes = sum(v == 0 for _, _, v in votes) / len(votes)
    assert 0.03 <= passes <= 0.20


def _agree_rates_by_camp(people, matrix):
    camps = np.array([p.camp for p in people])
    rates = np.empty((3, matrix.shape[1]))
    for camp in range(3):
        block = matrix[camps == camp]
        rates[camp] = (block == 1).sum(axis=0) / (~np.isnan(block)).sum(axis=0)
    return rates


def test_some_clauses_near_unanimous_and_some_divisive(people, matrix):
    rates = _agree_rates_by_camp(people, matrix)
    near_unanimous = np.flatnonzero(rates.min(axis=0) > 0.85)
    divisive = np.flatnonzero(rates.max(axis=0) - rates.min(axis=0) > 0.5)
    keys = [lean.key for lean in CLAUSE_LEANINGS]
    assert len(near_unanimous) >= 2
    assert "non-discrimination" in {keys[j] for j in near_unanimous}
    assert "sovereignty" in {keys[j] for j in divisive}


def test_leanings_by_sector_and_income(people, matrix):
    keys = [lean.key for lean in CLAUSE_LEANINGS]
    risk = keys.index("risk-tiers")
    developing = keys.index("developing-countries")

    def agree_rate(mask, clause):
        column = matrix[mask, clause]
        return (column == 1).sum() / (~np.isnan(column)).sum()

    industry = np.array([p.sector == "industry" for p in people])
    civil = np.array([p.sector == "civil_society" for p in people])
    assert agree_rate(industry, risk) < agree_rate(civil, risk)
    south = np.array([bool(geo.global_south(p.country)) for p in people])
    assert agree_rate(south, developing) > agree_rate(~south, developing)


def test_more_statements_than_clauses():
    people = generate_stakeholders(40, seed=5)
    votes = generate_votes(people, n_statements=15, seed=5)
    assert {j for _, j, _ in votes} <= set(range(15))
    assert max(j for _, j, _ in votes) >= 11
    with pytest.raises(ValueError):
        generate_votes(people, n_statements=0)
