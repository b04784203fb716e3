"""Bootstrap stability (consult.analysis.stability)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD

from consult.analysis.agreement import FAMILIES, SegmentCounter, agreement_tables, segmentations
from consult.analysis.broad import broad_agreement
from consult.analysis.matrix import ParticipantAttributes, VoteMatrix
from consult.analysis.stability import (
    _broadly_agreed,
    _GroupCounter,
    _Resampler,
    bootstrap_stability,
    present_segments,
)

N_CAMP, N_PARTISAN, N_COMMON = 60, 24, 6


def _camps(seed=0):
    """Two well separated camps; statements 0..23 partisan, 24..29 agreed by nearly all."""
    rng = np.random.default_rng(seed)
    n = 2 * N_CAMP
    camp = np.repeat([0, 1], N_CAMP)
    rows, cols, vals = [], [], []
    for j in range(N_PARTISAN + N_COMMON):
        if j < N_PARTISAN:
            agree = (camp == j % 2) == (rng.random(n) < 0.95)
        else:
            agree = rng.random(n) < 0.97
        rows.append(np.arange(n)), cols.append(np.full(n, j)), vals.append(np.where(agree, 1, -1))
    votes = VoteMatrix.from_triples(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    )
    sector = np.array(["industry", "academia", "civil_society"], dtype=object)[np.arange(n) % 3]
    region = np.array(["Africa", "Europe"], dtype=object)[np.arange(n) % 2]
    attrs = ParticipantAttributes(sector, region, np.full(n, None, dtype=object), np.zeros(n, bool))
    return votes, attrs, camp


def kmeans_regroup(votes: VoteMatrix, seed: int) -> np.ndarray:
    """A cheap stand-in for the Polis clustering: k-means (k = 2) on two SVD components."""
    points = TruncatedSVD(2, random_state=seed).fit_transform(votes.to_csr())
    return KMeans(2, n_init=1, random_state=seed).fit_predict(points)


def _run(votes, attrs, labels, regroup, **kw):
    counter = SegmentCounter(votes, segmentations(attrs, labels))
    excluded = np.zeros(votes.shape[1], dtype=bool)
    return bootstrap_stability(votes, excluded, counter, labels, regroup, **kw)


def test_well_separated_camps_are_stable():
    votes, attrs, camp = _camps()
    result = _run(votes, attrs, camp, kmeans_regroup, n_bootstrap=8)
    assert result.ari.shape == (8,) and result.ari_mean > 0.95 and result.ari_sd < 0.05
    assert np.all(result.broad_frequency[N_PARTISAN:] >= 0.9)
    assert np.all(result.broad_frequency[:N_PARTISAN] == 0.0)


def test_seeded_and_deterministic():
    votes, attrs, camp = _camps()
    seen = []

    def recording(v, seed):
        seen.append(seed)
        return kmeans_regroup(v, seed)

    first = _run(votes, attrs, camp, recording, n_bootstrap=4, random_state=5)
    again = _run(votes, attrs, camp, recording, n_bootstrap=4, random_state=5)
    other = _run(votes, attrs, camp, recording, n_bootstrap=4, random_state=6)
    assert seen[:4] == seen[4:8] == first.seeds.tolist()
    assert np.array_equal(first.ari, again.ari)
    assert np.array_equal(first.broad_frequency, again.broad_frequency)
    assert first.seeds.tolist() != other.seeds.tolist()


def test_without_regroup_uses_full_data_groups():
    votes, attrs, camp = _camps()
    result = _run(votes, attrs, camp, None, n_bootstrap=5)
    assert np.isnan(result.ari).all() and np.isnan(result.ari_mean)
    assert np.all(result.broad_frequency[N_PARTISAN:] >= 0.8)
    assert np.all(result.broad_frequency[:N_PARTISAN] == 0.0)


def test_resampled_matrix_duplicates_drawn_rows():
    votes, _, _ = _camps()
    drawn = np.array([3, 3, 0, 119, 5])
    resampled = _Resampler(votes).resample(drawn)
    assert resampled.shape == (5, votes.shape[1])
    dense = np.zeros(votes.shape, dtype=int)
    dense[votes.rows, votes.cols] = votes.values
    again = np.zeros(resampled.shape, dtype=int)
    again[resampled.rows, resampled.cols] = resampled.values
    assert np.array_equal(again, dense[drawn])


def test_group_counter_matches_counting_the_resampled_votes():
    votes, attrs, camp = _camps()
    rng = np.random.default_rng(0)
    drawn = rng.integers(0, votes.shape[0], votes.shape[0])
    codes = rng.integers(-1, 3, len(drawn))  # arbitrary new labels, some unclustered
    resampled = _Resampler(votes).resample(drawn)
    direct = agreement_tables(resampled, ParticipantAttributes.unknown(len(drawn)), codes, 1)
    group = direct.family("group")
    counted = _GroupCounter(votes).counts(drawn, codes, 3)
    assert np.array_equal(counted[..., 2], group.agree)
    assert np.array_equal(counted[..., 0], group.disagree)
    assert np.array_equal(counted.sum(axis=2), group.voters)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 25),
    s=st.integers(1, 5),
    seed=st.integers(0, 2**16),
    threshold=st.sampled_from([0.3, 0.5, 0.6, 0.75]),
    min_voters=st.integers(1, 6),
)
def test_resample_check_agrees_with_broad_agreement(n, s, seed, threshold, min_voters):
    """With every participant drawn once, the fast check equals broad_agreement."""
    rng = np.random.default_rng(seed)
    cells = rng.random((n, s)) < 0.8
    rows, cols = np.nonzero(cells)
    votes = VoteMatrix.from_triples(
        rows, cols, rng.integers(-1, 2, len(rows)), np.arange(n), np.arange(s)
    )
    pick = np.array(["a", "b", None], dtype=object)
    attrs = ParticipantAttributes(
        pick[rng.integers(0, 3, n)],
        pick[rng.integers(0, 3, n)],
        pick[rng.integers(0, 3, n)],
        np.zeros(n, bool),
    )
    labels = rng.integers(-1, 3, n)
    tables = agreement_tables(votes, attrs, labels, min_voters)
    expected = broad_agreement(tables, np.zeros(s, dtype=bool), threshold).qualifies
    counts = SegmentCounter(votes, segmentations(attrs, labels)).counts(np.ones(n))
    present = present_segments(counts, FAMILIES)
    assert np.array_equal(_broadly_agreed(counts, threshold, min_voters, present), expected)


@pytest.mark.parametrize("n_bootstrap", [1, 3])
def test_shapes(n_bootstrap):
    votes, attrs, camp = _camps()
    result = _run(votes, attrs, camp, None, n_bootstrap=n_bootstrap)
    assert result.seeds.shape == result.ari.shape == (n_bootstrap,)
    assert result.broad_frequency.shape == (votes.shape[1],)
