"""Polis-style majority and group-informed consensus keep the voter floor."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.analysis import analyse
from consult.analysis.agreement import agreement_tables
from consult.analysis.consensus import MIN_VOTERS, consensus, group_informed, majority
from consult.analysis.group_measures import group_informed_consensus
from consult.analysis.matrix import ParticipantAttributes, VoteMatrix

IDS = np.array([11, 22, 33])


def test_five_unanimous_voters_are_not_majority_consensus():
    # Statement 11: 5 voters, all agree; 22: 40 voters, 36 agree; 33: 9 of 9 disagree.
    agree, disagree, seen = np.array([5, 36, 0]), np.array([0, 4, 9]), np.array([5, 40, 9])
    eligible = np.ones(3, bool)
    assert MIN_VOTERS == 10
    assert majority(agree, disagree, seen, IDS, eligible) == ((22,), ())
    # Polis's own rule (no floor) would list both small statements.
    assert majority(agree, disagree, seen, IDS, eligible, min_voters=1) == ((22, 11), (33,))


def test_group_informed_consensus_needs_every_group_to_have_enough_voters():
    group_agree = np.array([[9, 30, 20], [2, 30, 20]])
    group_seen = np.array([[10, 40, 25], [3, 40, 25]])  # group 1 has 3 voters on statement 11
    product, mean = group_informed(group_agree, group_seen, np.array([True, True, False]))
    assert np.isnan(product[0]) and np.isnan(mean[0])
    assert product[1] == pytest.approx((31 / 42) ** 2) and mean[1] == pytest.approx(31 / 42)
    assert np.isnan(product[2])  # not eligible
    found = consensus(
        group_agree.sum(0),
        np.zeros(3),
        group_seen.sum(0),
        group_agree,
        group_seen,
        IDS,
        np.ones(3, bool),
        min_voters=3,
    )
    assert np.isfinite(found.group_informed).all()


def test_beyond_group_informed_consensus_keeps_the_floor():
    # Two groups; group 1 has 4 members, so no statement gets a figure at the default floor.
    n = 34
    labels = np.array([0] * 30 + [1] * 4)
    rows = np.repeat(np.arange(n), 2)
    cols = np.tile([0, 1], n)
    votes = VoteMatrix.from_triples(rows, cols, np.ones(2 * n, int))
    attrs = ParticipantAttributes.unknown(n)
    floor = agreement_tables(votes, attrs, labels).family("group")
    low = agreement_tables(votes, attrs, labels, min_voters=4).family("group")
    assert np.isnan(group_informed_consensus(floor, np.zeros(2, bool)).product).all()
    assert np.isfinite(group_informed_consensus(low, np.zeros(2, bool)).product).all()


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    groups=st.integers(1, 4),
    min_voters=st.integers(1, 15),
)
def test_no_consensus_figure_rests_on_fewer_than_the_floor(seed, groups, min_voters):
    rng = np.random.default_rng(seed)
    seen = rng.integers(0, 25, (groups, 6))
    agree = rng.integers(0, seen + 1)
    disagree = seen - agree
    eligible = rng.random(6) < 0.9
    found = consensus(
        agree.sum(0), disagree.sum(0), seen.sum(0), agree, seen, np.arange(6), eligible, min_voters
    )
    for j in (*found.agree, *found.disagree):
        assert seen[:, j].sum() >= min_voters and eligible[j]
    listed = np.isfinite(found.group_informed)
    assert np.array_equal(listed, np.isfinite(found.group_informed_mean))
    assert np.all(seen[:, listed] >= min_voters)


def test_analyse_passes_the_floor_through():
    # 12 participants all agree with statement 0; statement 1 is seen by 6 only.
    n = 12
    triples = [(i, 0, 1) for i in range(n)] + [(i, 1, 1) for i in range(6)]
    triples += [(i, j, 1 if (i + j) % 2 else -1) for i in range(n) for j in range(2, 10)]
    votes = VoteMatrix.from_triples(*zip(*triples, strict=True))
    default = analyse(votes, n_bootstrap=0)
    assert default.beyond.min_voters == MIN_VOTERS
    assert 1 not in default.consensus.agree
    lowered = analyse(votes, n_bootstrap=0, min_voters=5)
    assert lowered.beyond.min_voters == 5
    assert 1 in lowered.consensus.agree
