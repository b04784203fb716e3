"""The bootstrap's adjusted Rand index is scikit-learn's figure, without its import cost."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score as sklearn_ari

from consult.analysis.stability import adjusted_rand_score

labelings = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(-1, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(labelings)
def test_matches_scikit_learn(pair):
    a, b = (np.array(x) for x in pair)
    assert np.isclose(adjusted_rand_score(a, b), sklearn_ari(a, b), rtol=1e-12, atol=1e-12)


def test_identical_partitions_score_one_and_relabelling_does_not_matter():
    a = np.array([0, 0, 1, 1, 2, 2, 2])
    assert adjusted_rand_score(a, a) == 1.0
    assert adjusted_rand_score(a, 5 - a) == 1.0


def test_independent_partitions_score_near_zero():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 3, 5000), rng.integers(0, 3, 5000)
    assert abs(adjusted_rand_score(a, b)) < 0.01
