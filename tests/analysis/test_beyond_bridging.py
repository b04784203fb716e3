"""The Community Notes-style bridging score (consult.analysis.bridging)."""

import numpy as np
import pytest

from consult.analysis.bridging import bridging_scores
from consult.analysis.matrix import VoteMatrix

CAMP = 100
CONSENSUS, PARTISAN = 40, 41  # the two statements under test, after 40 camp statements


def _two_camps(extra=()):
    """Camps A (rows 0..99) and B (100..199) that disagree on 40 statements.

    Statement 40 is agreed by 70 % of each camp. Statement 41 is agreed by all of camp A,
    and only 43 of camp B vote on it, all against: the same raw agree rate (100 / 143),
    but explained entirely by the camp.
    """
    rng = np.random.default_rng(7)
    camp = np.repeat([0, 1], CAMP)
    triples = []
    for j in range(40):
        loyal = rng.random(2 * CAMP) < 0.9
        agrees = (camp == j % 2) == loyal  # camp j % 2 favours statement j
        triples += [(i, j, 1 if agrees[i] else -1) for i in range(2 * CAMP)]
    triples += [(i, CONSENSUS, 1 if i % 10 < 7 else -1) for i in range(2 * CAMP)]
    triples += [(i, PARTISAN, 1 if i < CAMP else -1) for i in range(CAMP + 43)]
    rows, cols, vals = zip(*(triples + list(extra)), strict=True)
    return VoteMatrix.from_triples(rows, cols, vals, np.arange(2 * CAMP), np.arange(42))


def _raw_rate(votes, j):
    mine = votes.cols == j
    return (votes.values[mine] == 1).mean()


def test_consensus_beats_partisan_with_the_same_raw_rate():
    votes = _two_camps()
    assert _raw_rate(votes, CONSENSUS) == pytest.approx(_raw_rate(votes, PARTISAN), abs=0.01)
    fit = bridging_scores(votes, random_state=0)
    assert fit.converged
    b, f = fit.statement_intercept, fit.statement_factor
    assert b[CONSENSUS] > b[PARTISAN] + 0.25
    assert abs(f[PARTISAN]) > 5 * abs(f[CONSENSUS])
    # The partisan statement loads on the axis as strongly as the camp statements do.
    assert abs(f[PARTISAN]) > 0.8 * np.median(np.abs(f[:40]))
    # The participant factor separates the camps.
    camp_a, camp_b = fit.participant_factor[:CAMP], fit.participant_factor[CAMP:]
    assert np.sign(camp_a.mean()) != np.sign(camp_b.mean())
    assert min(abs(camp_a.mean()), abs(camp_b.mean())) > 3 * max(camp_a.std(), camp_b.std())


def test_deterministic_and_sign_fixed():
    votes = _two_camps()
    first, again = bridging_scores(votes, random_state=3), bridging_scores(votes, random_state=3)
    assert np.array_equal(first.statement_intercept, again.statement_intercept)
    assert np.array_equal(first.participant_factor, again.participant_factor)
    f = first.statement_factor
    assert f[np.nanargmax(np.abs(f))] > 0
    other = bridging_scores(votes, random_state=11)  # another start, the same optimum
    assert other.statement_intercept == pytest.approx(first.statement_intercept, abs=1e-3)


def test_passes_are_left_out_and_excluded_statements_get_nan():
    votes = _two_camps()
    with_passes = _two_camps(extra=[(i, CONSENSUS + 1, 0) for i in range(CAMP + 43, 2 * CAMP)])
    a, b = bridging_scores(votes), bridging_scores(with_passes)
    assert b.statement_intercept == pytest.approx(a.statement_intercept, abs=1e-9)
    assert b.statement_ratings[PARTISAN] == CAMP + 43

    excluded = np.zeros(42, dtype=bool)
    excluded[PARTISAN] = True
    fit = bridging_scores(votes, excluded)
    assert np.isnan(fit.statement_intercept[PARTISAN]) and np.isnan(fit.statement_factor[PARTISAN])
    assert fit.statement_ratings[PARTISAN] == 0
    assert fit.statement_intercept[CONSENSUS] == pytest.approx(
        a.statement_intercept[CONSENSUS], abs=0.02
    )


def test_empty_and_tiny_inputs():
    empty = VoteMatrix.from_triples([], [], [], np.arange(3), np.arange(2))
    fit = bridging_scores(empty)
    assert np.isnan(fit.statement_intercept).all() and fit.n_iter == 0
    one = VoteMatrix.from_triples([0], [0], [1])
    fit = bridging_scores(one)
    assert np.isfinite(fit.statement_intercept[0]) and np.isfinite(fit.global_intercept)


def test_sampled_fit_then_full_sweeps_matches_the_full_fit():
    votes = _two_camps()
    full = bridging_scores(votes, tol=1e-6, max_iter=200)
    sampled = bridging_scores(votes, tol=1e-6, max_iter=200, max_fit_ratings=2000)
    assert sampled.n_iter > full.n_iter  # the sample's sweeps come on top
    assert sampled.statement_intercept == pytest.approx(full.statement_intercept, abs=1e-4)
    assert sampled.participant_factor == pytest.approx(full.participant_factor, abs=1e-3)
