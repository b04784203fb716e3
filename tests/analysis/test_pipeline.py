"""The Polis-equivalent pipeline on synthetic conversations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from consult.analysis import (
    AnalysisResult,
    ParticipantAttributes,
    StatementFlags,
    VoteMatrix,
    analyse,
    cluster_labels,
    next_statement,
)
from consult.analysis.clustering import KHistory, stable_ids, update_k
from consult.analysis.synthetic import planted_conversation


@pytest.fixture(scope="module")
def planted():
    return planted_conversation(1500, 120, 80_000, n_groups=3, seed=1)


@pytest.fixture(scope="module")
def result(planted) -> AnalysisResult:
    return analyse(planted[0], beyond=False)


def test_recovers_planted_groups(planted, result):
    _, truth = planted
    clustered = result.group_labels >= 0
    assert result.k == 3
    assert adjusted_rand_score(truth[clustered], result.group_labels[clustered]) > 0.85


def test_shapes(planted, result):
    votes, _ = planted
    n_p, n_s = votes.shape
    assert result.projections.shape == (n_p, 2)
    assert result.statement_projections.shape == (n_s, 2)
    assert result.extremity.shape == result.priority.shape == (n_s,)
    assert result.group_labels.shape == result.in_conv.shape == (n_p,)
    assert len(result.groups) == result.k == result.tallies.agree.shape[0]
    assert result.tallies.agree.shape == (result.k, n_s)
    assert sum(g.size for g in result.groups) == result.sizes["clustered"]
    assert set(result.repness) == {g.id for g in result.groups}
    assert result.base_centres.shape[1] == 2 and len(result.base_centres) <= 100
    assert np.all(
        (result.tallies.agree_interval[0] <= result.tallies.agree_rate) | (result.tallies.seen == 0)
    )
    assert {"pca", "base_clusters", "groups", "total"} <= set(result.timings)


def test_deterministic_for_fixed_random_state(planted):
    a = analyse(planted[0], beyond=False, random_state=7)
    b = analyse(planted[0], beyond=False, random_state=7)
    assert np.array_equal(a.group_labels, b.group_labels)
    assert np.array_equal(a.projections, b.projections)
    assert a.consensus.agree == b.consensus.agree
    assert np.array_equal(a.priority, b.priority)


def test_cluster_labels_matches_a_fresh_analysis(planted, result):
    labels = cluster_labels(planted[0], StatementFlags.none(planted[0].shape[1]), 0)
    assert adjusted_rand_score(labels, result.group_labels) == 1.0


@pytest.mark.parametrize(
    ("size", "seed"), [((300, 50, 5000), 0), ((3300, 200, 180_000), 1), ((2000, 100, 20_000), 2)]
)
def test_one_camp_is_not_forced_into_groups(size, seed):
    votes, _ = planted_conversation(*size, n_groups=1, seed=seed)
    result = analyse(votes, beyond=False)
    assert result.k == 1 and result.unimodal
    assert "no group structure" in result.structure_note
    assert set(result.group_labels[result.in_conv]) == {0}


def test_warm_start_keeps_group_ids_and_k(planted, result):
    votes, _ = planted
    again = analyse(votes, previous=result, beyond=False)
    assert np.array_equal(again.group_labels, result.group_labels)
    # Relabel the first run's groups: the next run must adopt the old numbers.
    shifted = result.state.in_conv_groups + 10
    state = type(result.state)(**{**result.state.__dict__, "in_conv_groups": shifted})
    prev = type(result)(**{**result.__dict__, "state": state})
    third = analyse(votes, previous=prev, beyond=False)
    assert sorted(g.id for g in third.groups) == [10, 11, 12]


def test_hysteresis_needs_four_wins():
    history = update_k(None, 2, {2, 3})
    assert history.shown == 2
    for _ in range(3):
        history = update_k(history, 3, {2, 3})
        assert history.shown == 2
    assert update_k(history, 3, {2, 3}).shown == 3
    interrupted = update_k(update_k(KHistory(2, 3, 2), 4, {2, 3, 4}), 3, {2, 3, 4})
    assert interrupted == KHistory(2, 3, 1)


def test_stable_ids_follow_membership():
    ids = np.arange(6)
    new = stable_ids(np.array([1, 1, 1, 0, 0, 2]), ids, np.array([5, 5, 7, 7, 7, 7]), ids)
    assert new.tolist() == [5, 5, 5, 7, 7, 0]


def test_sticky_in_conv_and_moderation(planted, result):
    votes, _ = planted
    flags = StatementFlags(np.zeros(votes.shape[1], bool), np.zeros(votes.shape[1], bool))
    flags.moderated_out[:3] = True
    flags.meta[3] = True
    moderated = analyse(votes, flags, beyond=False)
    assert np.all(moderated.extremity[:4] == 0)
    assert moderated.priority[3] == 49 and np.all(moderated.priority[:3] == 0)
    kept = set(moderated.statement_ids[4:].tolist())
    assert set(moderated.consensus.agree) <= kept
    for reps in moderated.repness.values():
        assert {r.statement_id for r in reps} <= kept


def test_tiny_conversation_does_not_crash():
    votes = VoteMatrix.from_triples([1, 1, 2], [10, 11, 10], [1, -1, 0])
    result = analyse(votes, beyond=False)
    assert result.k == 1 and result.group_labels.tolist() == [0, 0]


def test_attributes_composition(planted):
    votes, _ = planted
    n = votes.shape[0]
    sectors = np.array(["industry", "academia", None] * (n // 3) + [None] * (n % 3), dtype=object)
    attrs = ParticipantAttributes(
        sectors, np.full(n, "Europe", dtype=object), np.full(n, None, dtype=object)
    )
    result = analyse(votes, attributes=attrs, beyond=False)
    assert sum(sum(g.sectors.values()) for g in result.groups) == result.sizes["clustered"]
    assert all(set(g.regions) == {"Europe"} for g in result.groups)


def test_next_statement_skips_voted():
    rng = np.random.default_rng(0)
    priority = np.array([1.0, 5.0, np.nan, 0.0])
    picks = {
        next_statement(priority, np.array([True, False, False, False]), rng) for _ in range(50)
    }
    assert picks == {1, 2}
    assert next_statement(priority, np.ones(4, bool), rng) is None
