"""Bridging that the larger camp cannot win: group-balanced weights and the ranked list."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.analysis.beyond import beyond_polis
from consult.analysis.bridging import bridging_scores, group_balanced_weights, rank_bridging
from consult.analysis.matrix import ParticipantAttributes, StatementFlags, VoteMatrix

N_CAMP_STATEMENTS = 30
# Shares of the majority / minority camp agreeing with each statement under test.
TESTS = {"both90": (0.9, 0.9), "both70": (0.7, 0.7), "major95": (0.95, 0.1), "minor95": (0.1, 0.95)}
COLUMN = {name: N_CAMP_STATEMENTS + k for k, name in enumerate(TESTS)}


def _camps(n: int, majority: float, seed: int = 0):
    """Camps 0 (majority) and 1 split on 30 statements; then the four statements under test."""
    rng = np.random.default_rng(seed)
    camp = (np.arange(n) >= round(n * majority)).astype(np.int64)
    rows, cols, vals = [], [], []
    for j in range(N_CAMP_STATEMENTS):
        agrees = (camp == j % 2) == (rng.random(n) < 0.9)
        rows.append(np.arange(n)), cols.append(np.full(n, j)), vals.append(np.where(agrees, 1, -1))
    for name, shares in TESTS.items():
        agree = np.zeros(n, dtype=bool)
        for c, share in enumerate(shares):
            members = np.flatnonzero(camp == c)
            agree[members[: round(share * len(members))]] = True
        rows.append(np.arange(n)), cols.append(np.full(n, COLUMN[name]))
        vals.append(np.where(agree, 1, -1))
    n_statements = N_CAMP_STATEMENTS + len(TESTS)
    votes = VoteMatrix.from_triples(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), np.arange(n),
        np.arange(n_statements),
    )  # fmt: skip
    return votes, camp


def _scores(votes, camp, balanced=True):
    weights = group_balanced_weights(camp, np.ones(len(camp), bool)) if balanced else None
    fit = bridging_scores(votes, weights=weights)
    return {name: fit.statement_intercept[j] for name, j in COLUMN.items()}


@pytest.fixture(scope="module", params=[0.5, 0.8, 0.9], ids=["50-50", "80-20", "90-10"])
def camps(request):
    votes, camp = _camps(400, request.param)
    return request.param, votes, camp, _scores(votes, camp)


def test_agreement_in_both_camps_beats_either_camps_favourite(camps):
    _, _, _, score = camps
    assert score["both90"] > score["both70"] > max(score["major95"], score["minor95"]) + 0.2


def test_the_camps_favourites_score_alike_whatever_the_sizes(camps):
    _, _, _, score = camps
    assert score["major95"] == pytest.approx(score["minor95"], abs=0.03)


def test_the_score_does_not_move_with_the_camp_sizes(camps):
    share, votes, camp, score = camps
    even = _scores(*_camps(400, 0.5))
    for name in TESTS:
        assert score[name] == pytest.approx(even[name], abs=0.03), (share, name)


def test_without_balancing_the_majority_wins_under_90_10():
    """Why the weights: the plain model ranks the big camp's favourite above 70/70."""
    votes, camp = _camps(400, 0.9)
    plain = _scores(votes, camp, balanced=False)
    assert plain["major95"] > plain["both70"] + 0.1
    assert plain["minor95"] < 0


def test_group_balanced_weights():
    labels = np.array([0] * 9 + [1] * 3 + [-1] * 2 + [0])
    rated = np.ones(len(labels), bool)
    rated[-1] = False  # a group member without a rating does not count
    w = group_balanced_weights(labels, rated)
    inside = (labels >= 0) & rated
    assert w[labels == -1].tolist() == [0.0, 0.0] and w[-1] == 0.0
    assert w[inside].mean() == pytest.approx(1.0)
    assert w[(labels == 0) & rated].sum() == pytest.approx(w[labels == 1].sum())
    assert group_balanced_weights(np.full(4, -1), np.ones(4, bool)).tolist() == [1.0] * 4


def test_unit_weights_are_the_plain_model():
    votes, camp = _camps(200, 0.8)
    plain = bridging_scores(votes)
    ones = bridging_scores(votes, weights=np.ones(len(camp)))
    assert ones.weighted and not plain.weighted
    assert ones.statement_intercept == pytest.approx(plain.statement_intercept, abs=1e-9)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), majority=st.sampled_from([0.5, 0.75, 0.9]))
def test_integer_weights_equal_duplicated_participants(seed, majority):
    """Weighting a participant's whole term by m is the same as m copies of them."""
    votes, _ = _camps(60, majority, seed)
    times = np.random.default_rng(seed).integers(1, 4, 60)
    start = np.concatenate(([0], np.cumsum(times)[:-1]))
    repeat = times[votes.rows]
    rows = np.repeat(start[votes.rows], repeat) + np.concatenate([np.arange(k) for k in repeat])
    copies = VoteMatrix.from_triples(
        rows, np.repeat(votes.cols, repeat), np.repeat(votes.values, repeat),
        np.arange(times.sum()), np.arange(votes.shape[1]),
    )  # fmt: skip
    options = {"tol": 1e-7, "max_iter": 500}
    weighted = bridging_scores(votes, weights=times.astype(float), **options)
    duplicated = bridging_scores(copies, **options)
    assert weighted.converged and duplicated.converged
    assert weighted.statement_intercept == pytest.approx(duplicated.statement_intercept, abs=1e-5)
    assert weighted.global_intercept == pytest.approx(duplicated.global_intercept, abs=1e-5)


def test_rank_bridging_orders_best_first_and_keeps_the_floor():
    score = np.array([0.2, np.nan, 0.5, 0.5, 0.9])
    ratings = np.array([[12, 12, 12, 12, 12], [10, 10, 11, 10, 9]])
    assert rank_bridging(score, ratings, 10).tolist() == [2, 3, 0]  # 4: a group has 9
    assert rank_bridging(score, ratings, 9).tolist() == [4, 2, 3, 0]


def test_the_bridging_list_through_beyond_polis():
    votes, camp = _camps(300, 0.9)
    n = len(camp)
    unknown = np.full(n, None, dtype=object)
    attrs = ParticipantAttributes(unknown, unknown, unknown, np.zeros(n, bool))
    flags = StatementFlags.none(votes.shape[1])
    res = beyond_polis(votes, flags, attrs, camp, None, n_bootstrap=0)
    listed = res.to_json_dict()["bridging"]
    scores = [e["score"] for e in listed]
    assert scores == sorted(scores, reverse=True)
    assert all(e["score"] == e["intercept"] for e in listed)
    order = [e["statement_id"] for e in listed]
    assert order[:2] == [COLUMN["both90"], COLUMN["both70"]]
    assert res.to_json_dict()["bridging_model"]["group_balanced"] is True
    # A camp too small to judge (7 of 300): no statement is ranked on its few votes.
    small = (np.arange(n) >= n - 7).astype(np.int64)
    res = beyond_polis(votes, flags, attrs, small, None, n_bootstrap=0)
    assert res.to_json_dict()["bridging"] == []
    res = beyond_polis(votes, flags, attrs, small, None, n_bootstrap=0, min_voters=7)
    assert len(res.to_json_dict()["bridging"]) == votes.shape[1]
