"""Hypothesis property tests: invariants of the vote matrix and the grouping."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.analysis import VoteMatrix, analyse
from consult.analysis.clustering import min_group_size
from consult.analysis.synthetic import planted_conversation

triples = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 4), st.sampled_from([-1, 0, 1])), max_size=60
)


@given(triples)
def test_from_triples_keeps_the_last_vote(items):
    last = {}
    for p, s, v in items:
        last[(p, s)] = v
    if not items:
        return
    p, s, v = (np.array(x) for x in zip(*items, strict=True))
    votes = VoteMatrix.from_triples(p, s, v)
    got = {
        (int(votes.participant_ids[r]), int(votes.statement_ids[c])): int(x)
        for r, c, x in zip(votes.rows, votes.cols, votes.values, strict=True)
    }
    assert got == last


def _permuted(votes: VoteMatrix, perm: np.ndarray) -> VoteMatrix:
    """The same votes with rows in another order (ids travel with their rows)."""
    inverse = np.argsort(perm)
    return VoteMatrix.from_triples(
        votes.participant_ids[votes.rows],
        votes.statement_ids[votes.cols],
        votes.values,
        participant_ids=votes.participant_ids[perm],
        statement_ids=votes.statement_ids,
    ), inverse


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(2, 3))
def test_permuting_participants_permutes_labels_only(seed, n_groups):
    votes, _ = planted_conversation(240, 40, 6000, n_groups=n_groups, seed=seed)
    perm = np.random.default_rng(seed).permutation(votes.shape[0])
    shuffled, _ = _permuted(votes, perm)
    a = analyse(votes, beyond=False)
    b = analyse(shuffled, beyond=False)
    assert a.k == b.k
    assert sorted(g.size for g in a.groups) == sorted(g.size for g in b.groups)
    by_id_a = a.groups_by_participant()
    by_id_b = b.groups_by_participant()
    assert by_id_a.keys() == by_id_b.keys()
    # Same partition up to renaming: the pairs (old, new) form a bijection.
    pairs = {(by_id_a[p], by_id_b[p]) for p in by_id_a}
    assert len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_group_sizes_add_up_and_tallies_are_consistent(seed):
    votes, _ = planted_conversation(150, 30, 2500, n_groups=2, seed=seed)
    r = analyse(votes, beyond=False)
    t = r.tallies
    assert np.all(t.agree + t.disagree <= t.seen)
    assert np.all(t.seen.sum(axis=0) <= r.totals.seen[0])
    assert sum(g.size for g in r.groups) == int((r.group_labels >= 0).sum())
    floor = min_group_size(r.sizes["clustered"])
    assert r.k == 1 or min(g.size for g in r.groups) >= floor
    assert r.structure_p_value is None or 0.0 < r.structure_p_value <= 1.0
    assert np.all(np.isfinite(r.projections))
    assert np.all(r.priority >= 0)
