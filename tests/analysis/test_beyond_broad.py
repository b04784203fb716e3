"""Broad agreement, holdouts, divisive statements, group-informed consensus (broad.py)."""

import numpy as np
import pytest

from consult.analysis.agreement import agreement_tables
from consult.analysis.broad import (
    broad_agreement,
    divisive_statements,
    group_informed_consensus,
)
from consult.analysis.matrix import ParticipantAttributes, VoteMatrix


def _build(people, statements):
    """people: list of (group, sector); statements: functions (index, group, sector) -> vote."""
    rows, cols, vals = [], [], []
    for j, vote_of in enumerate(statements):
        for i, (group, sector) in enumerate(people):
            v = vote_of(i, group, sector)
            if v is not None:
                rows.append(i), cols.append(j), vals.append(v)
    n = len(people)
    votes = VoteMatrix.from_triples(rows, cols, vals, np.arange(n), np.arange(len(statements)))
    sector = np.array([s for _, s in people], dtype=object)
    region = np.array(["Europe" if i % 2 else "Africa" for i in range(n)], dtype=object)
    income = np.full(n, None, dtype=object)
    attrs = ParticipantAttributes(sector, region, income, np.zeros(n, dtype=bool))
    labels = np.array([g for g, _ in people])
    return votes, attrs, labels


# Two opinion groups of 60; in each, 10 from industry and 50 from civil society.
PEOPLE = [(g, "industry" if k < 10 else "civil_society") for g in (0, 1) for k in range(60)]
STATEMENTS = [
    lambda i, g, s: 1,  # 0: everybody agrees
    lambda i, g, s: -1 if s == "industry" else 1,  # 1: every group likes it, industry does not
    lambda i, g, s: 1 if g == 0 else -1,  # 2: partisan
    lambda i, g, s: 1,  # 3: everybody agrees, but it is meta (excluded)
    lambda i, g, s: 1 if i < 3 else None,  # 4: three voters only
    lambda i, g, s: 1 if i % 10 else 0,  # 5: 9 in 10 agree, the rest pass
]
EXCLUDED = np.array([False, False, False, True, False, False])


@pytest.fixture(scope="module")
def tables():
    votes, attrs, labels = _build(PEOPLE, STATEMENTS)
    return agreement_tables(votes, attrs, labels, min_voters=5)


def test_broad_agreement_found_ranked_and_excluded_left_out(tables):
    broad = broad_agreement(tables, EXCLUDED, threshold=0.6)
    assert broad.qualifies.tolist() == [True, False, False, False, False, True]
    assert broad.ranked.tolist() == [0, 5]  # ranked by minimum lower bound
    assert broad.min_lower_bound[0] > broad.min_lower_bound[5] >= 0.6
    assert 3 not in broad.ranking and np.isnan(broad.min_lower_bound[3])
    assert broad.insufficient.tolist() == [4]
    assert 3 not in broad.holdouts.statement and 4 not in broad.holdouts.statement


def test_holdout_names_the_sector_that_dislikes(tables):
    broad = broad_agreement(tables, EXCLUDED, threshold=0.6)
    mine = broad.holdouts.statement == 1
    assert list(zip(broad.holdouts.family[mine], broad.holdouts.segment[mine], strict=True)) == [
        ("sector", "industry")
    ]
    assert broad.holdouts.lower[mine][0] < 0.6 and broad.holdouts.voters[mine][0] == 20
    assert (broad.limiting_family[1], broad.limiting_segment[1]) == ("sector", "industry")


def test_holdouts_of_a_partisan_statement_lowest_first(tables):
    broad = broad_agreement(tables, EXCLUDED, threshold=0.6)
    mine = broad.holdouts.statement == 2
    named = set(zip(broad.holdouts.family[mine], broad.holdouts.segment[mine], strict=True))
    assert ("group", 1) in named and ("group", 0) not in named
    assert np.all(np.diff(broad.holdouts.lower[mine]) >= 0)
    # Nearest misses first: statement 1 (one sector short) before the partisan one.
    first = [
        j for k, j in enumerate(broad.holdouts.statement) if j not in broad.holdouts.statement[:k]
    ]
    assert first == [1, 2]


def test_a_thin_segment_is_not_a_holdout_and_makes_the_statement_not_assessable():
    people = [(0, "civil_society")] * 30 + [(1, "industry")] * 3
    votes, attrs, labels = _build(people, [lambda i, g, s: -1 if s == "industry" else 1])
    tables = agreement_tables(votes, attrs, labels, min_voters=5)
    broad = broad_agreement(tables, np.zeros(1, dtype=bool), threshold=0.6)
    # Group 1 and industry (3 voters each) cannot be judged: no holdout, and no claim.
    assert broad.qualifies.tolist() == [False] and broad.assessable.tolist() == [False]
    assert len(broad.holdouts.statement) == 0
    assert broad.not_assessable.tolist() == [0]
    thin = set(zip(broad.thin.family, broad.thin.segment, broad.thin.voters.tolist(), strict=True))
    assert thin == {("group", 1, 3), ("sector", "industry", 3)}


def _group_table(rates_by_statement, n=20):
    """Groups g = 0..G-1 of n members; statement j agreed by round(rate * n) of group g."""
    n_groups = len(rates_by_statement[0])
    people = [(g, "x") for g in range(n_groups) for _ in range(n)]

    def statement(rates):
        return lambda i, g, s: 1 if (i % n) < round(rates[g] * n) else -1

    votes, attrs, labels = _build(people, [statement(r) for r in rates_by_statement])
    return agreement_tables(votes, attrs, labels, min_voters=5).family("group")


def test_divisive_ordering_and_sides():
    table = _group_table([[0.9, 0.1, 0.5], [0.6, 0.4, 0.5], [0.5, 0.5, 0.5], [1.0, 0.0, 0.2]])
    excluded = np.array([False, False, False, True])
    div = divisive_statements(table, excluded)
    assert div.spread[:3] == pytest.approx([0.8, 0.2, 0.0])
    assert div.ranked.tolist() == [0, 1, 2] and np.isnan(div.spread[3])
    assert div.high_side[0].tolist() == [True, False, False]  # 0.5 is at the midpoint
    assert div.low_side[0].tolist() == [False, True, False]
    assert not div.high_side[2].any() and not div.low_side[2].any()


def test_group_informed_consensus_product_and_geometric_mean():
    # Every group: 15 of 20 agree, so (A + 1) / (N + 2) = 16 / 22 in each.
    two = group_informed_consensus(_group_table([[0.75] * 2]), np.zeros(1, dtype=bool))
    four = group_informed_consensus(_group_table([[0.75] * 4]), np.zeros(1, dtype=bool))
    per_group = 16 / 22
    assert two.product[0] == pytest.approx(per_group**2)
    assert four.product[0] == pytest.approx(per_group**4)  # the product punishes more groups
    assert two.geometric_mean[0] == pytest.approx(per_group)
    assert four.geometric_mean[0] == pytest.approx(per_group)  # the mean does not
    assert (two.n_groups, four.n_groups) == (2, 4)
    excluded = group_informed_consensus(_group_table([[0.75] * 2]), np.ones(1, dtype=bool))
    assert np.isnan(excluded.product[0]) and np.isnan(excluded.geometric_mean[0])
