"""Structure detection (permutation test) and the minimum opinion-group size."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.metrics import adjusted_rand_score, silhouette_score

from consult.analysis import StatementFlags, analyse
from consult.analysis.clustering import GroupCandidate, choose_k, min_group_size
from consult.analysis.kmeans import distances, lloyd, lloyd_many, silhouette
from consult.analysis.structure import (
    ALPHA,
    Rules,
    _Shuffler,
    grouping_statistic,
    structure_test,
)
from consult.analysis.synthetic import planted_conversation, uniform_votes

SEEDS = range(10)


def _allowed_false_alarms(n_runs: int, alpha: float, risk: float = 0.02) -> int:
    """Most false structures in ``n_runs`` a level-``alpha`` test gives with prob. >= 1 - risk.

    Uniform random votes are exactly the test's null (each statement's votes are
    exchangeable), so false alarms are Binomial(n_runs, <= alpha).
    """
    return int(binom.ppf(1 - risk, n_runs, alpha))


@pytest.mark.parametrize("n_participants", [30, 60, 150])
def test_uniform_random_votes_are_called_unimodal(n_participants):
    results = [
        analyse(
            uniform_votes(n_participants, 40, n_participants * 20, seed=s),
            beyond=False,
            random_state=s,
        )
        for s in SEEDS
    ]
    false_alarms = sum(r.k > 1 for r in results)
    assert false_alarms <= _allowed_false_alarms(len(SEEDS), ALPHA)  # 2 of 10 at alpha 0.05
    for r in results:
        assert r.unimodal == (r.k == 1)
        if r.k == 1 and r.structure_p_value is not None:
            assert r.structure_p_value > ALPHA
            assert "no group structure" in r.structure_note


def test_one_camp_with_varied_statements_is_unimodal():
    calls = [
        analyse(planted_conversation(400, 60, 400 * 25, n_groups=1, seed=s)[0], beyond=False).k
        for s in range(5)
    ]
    assert sum(k > 1 for k in calls) <= _allowed_false_alarms(5, ALPHA)


@pytest.mark.parametrize("seed", range(4))
def test_two_planted_camps_with_modest_contrast_are_found(seed):
    # Agree rates 0.4 apart on about a quarter of the statements, 25 votes of 50 each.
    votes, truth = planted_conversation(300, 50, 300 * 25, n_groups=2, contrast=0.8, seed=seed)
    result = analyse(votes, beyond=False, random_state=seed)
    clustered = result.group_labels >= 0
    assert result.k == 2
    assert result.structure_p_value <= ALPHA
    assert adjusted_rand_score(truth[clustered], result.group_labels[clustered]) > 0.6


def test_p_value_is_reported_and_decides_k():
    for seed in range(3):
        for groups in (1, 2):
            votes, _ = planted_conversation(200, 40, 4000, n_groups=groups, seed=seed)
            r = analyse(votes, beyond=False, random_state=seed)
            p = r.structure_p_value
            assert p is not None and 0.0 < p <= 1.0
            assert (r.k == 1) == (p > ALPHA)


def test_polis_rules_skip_the_test():
    votes, _ = planted_conversation(200, 40, 4000, n_groups=1, seed=0)
    r = analyse(votes, beyond=False, rules=Rules.polis())
    assert r.structure_p_value is None and r.k >= 2


def _camps_and_a_clique(seed: int, clique: int = 3):
    """Two camps of 150 participants, plus ``clique`` people who disagree with everything."""
    votes, _ = planted_conversation(150, 60, 150 * 30, n_groups=2, contrast=1.0, seed=seed)
    rows = np.repeat(np.arange(150, 150 + clique), 60)
    cols = np.tile(np.arange(60), clique)
    return type(votes).from_triples(
        np.concatenate([votes.rows, rows]),
        np.concatenate([votes.cols, cols]),
        np.concatenate([votes.values, np.full(len(rows), -1)]),
    )


@pytest.mark.parametrize("seed", range(3))
def test_no_group_below_the_minimum_size(seed):
    votes = _camps_and_a_clique(seed)
    unlimited = analyse(votes, beyond=False, random_state=seed, rules=Rules(min_group_share=None))
    assert min(g.size for g in unlimited.groups) == 3  # without the rule the clique is a group
    result = analyse(votes, beyond=False, random_state=seed)
    floor = min_group_size(result.sizes["clustered"])
    assert floor == 8  # 5% of 153
    assert result.k == 2 and all(g.size >= floor for g in result.groups)


def test_choose_k_skips_groupings_with_a_small_group():
    def cand(k, sil, smallest):
        return GroupCandidate(k, np.zeros(3, int), np.zeros((k, 2)), sil, sil, smallest)

    candidates = {2: cand(2, 0.50, 40), 3: cand(3, 0.70, 1)}
    assert choose_k(candidates, 0.0, min_size=0)[0] == 3  # Polis's rule takes the singleton
    assert choose_k(candidates, 0.0, min_size=5)[0] == 2
    assert choose_k({3: cand(3, 0.7, 1)}, 0.0, min_size=5)[0] == 1
    assert min_group_size(30) == 5 and min_group_size(1000) == 50


def test_deterministic_and_independent_of_row_order():
    votes, _ = planted_conversation(250, 40, 5000, n_groups=2, contrast=0.6, seed=3)
    a = analyse(votes, beyond=False, random_state=5)
    b = analyse(votes, beyond=False, random_state=5)
    assert a.structure_p_value == b.structure_p_value
    assert np.array_equal(a.group_labels, b.group_labels)
    perm = np.random.default_rng(0).permutation(votes.shape[0])
    shuffled = type(votes).from_triples(
        votes.participant_ids[votes.rows],
        votes.statement_ids[votes.cols],
        votes.values,
        participant_ids=votes.participant_ids[perm],
    )
    c = analyse(shuffled, beyond=False, random_state=5)
    assert c.structure_p_value == a.structure_p_value and c.k == a.k


def test_shuffle_keeps_each_statements_votes_and_the_seen_pattern():
    votes, _ = planted_conversation(80, 12, 600, n_groups=2, seed=1)
    drawn = _Shuffler(votes).draw(np.random.default_rng(0))
    assert np.array_equal(drawn.rows, votes.rows) and np.array_equal(drawn.cols, votes.cols)
    for j in range(votes.shape[1]):
        assert sorted(drawn.values[votes.cols == j]) == sorted(votes.values[votes.cols == j])
    assert not np.array_equal(drawn.values, votes.values)


def test_large_conversations_are_tested_on_a_fixed_subsample():
    votes, _ = planted_conversation(900, 40, 900 * 20, n_groups=2, contrast=1.0, seed=0)
    in_conv = np.bincount(votes.rows, minlength=900) >= 7
    stat = partial(grouping_statistic, flags=StatementFlags.none(40), rules=Rules())
    small = structure_test(votes, in_conv, stat, random_state=1, n_permutations=9, max_tested=200)
    again = structure_test(votes, in_conv, stat, random_state=1, n_permutations=9, max_tested=200)
    assert small.subsampled and small.n_tested == 200
    assert small.p_value == again.p_value == 0.1  # 1 / (1 + 9): nothing beats strong camps
    assert np.array_equal(small.null, again.null)
    assert np.all(small.null < small.observed)


def test_silhouette_matches_scikit_learn_with_and_without_weights():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, 40)
    assert silhouette(distances(points), labels) == pytest.approx(silhouette_score(points, labels))
    weights = rng.integers(1, 4, 40)
    expanded = np.repeat(points, weights, axis=0)
    want = silhouette_score(expanded, np.repeat(labels, weights))
    assert silhouette(distances(points), labels, weights) == pytest.approx(want)


def test_batched_lloyd_equals_one_start_at_a_time():
    rng = np.random.default_rng(2)
    points, weights = rng.normal(size=(60, 2)), rng.integers(1, 9, 60).astype(float)
    starts = np.stack([points[rng.choice(60, 3, replace=False)] for _ in range(5)])
    centres, labels, _ = lloyd_many(points, starts, weights)
    for i, start in enumerate(starts):
        one_centres, one_labels = lloyd(points, start, weights)
        assert np.array_equal(one_labels, labels[i])
        assert np.allclose(one_centres, centres[i])
