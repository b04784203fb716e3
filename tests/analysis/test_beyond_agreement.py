"""Agreement tables and intervals (consult.analysis.agreement) and weights (weighting)."""

import numpy as np
import pytest

from consult.analysis.agreement import (
    agreement_tables,
    attribute_segmentation,
    jeffreys_interval,
    lower_bound_clears,
)
from consult.analysis.matrix import ParticipantAttributes, VoteMatrix
from consult.analysis.weighting import participant_weights


def _attributes(sector, region=None, income=None):
    n = len(sector)
    unknown = [None] * n
    return ParticipantAttributes(
        np.array(sector, dtype=object),
        np.array(region or unknown, dtype=object),
        np.array(income or unknown, dtype=object),
        np.zeros(n, dtype=bool),
    )


def test_jeffreys_interval_matches_known_values():
    # 8 agrees of 10: Beta(8.5, 2.5) quantiles 0.05 and 0.95.
    lower, upper = jeffreys_interval(np.array([8.0, 3.0]), np.array([10.0, 10.0]))
    assert lower == pytest.approx([0.54750, 0.11733], abs=1e-5)
    assert upper == pytest.approx([0.93979, 0.55813], abs=1e-5)


def test_jeffreys_interval_boundaries():
    lower, upper = jeffreys_interval(np.array([0.0, 5.0, 0.0]), np.array([5.0, 5.0, 0.0]))
    assert lower[0] == 0.0 and upper[0] == pytest.approx(0.30575, abs=1e-5)
    assert upper[1] == 1.0 and 0.5 < lower[1] < 1.0
    assert (lower[2], upper[2]) == (0.0, 1.0)


def test_lower_bound_clears_agrees_with_interval():
    rng = np.random.default_rng(1)
    n = rng.integers(0, 60, 500).astype(float)
    agree = np.floor(rng.random(500) * (n + 1))
    for threshold in (0.3, 0.6, 0.8):
        lower, _ = jeffreys_interval(agree, n)
        assert np.array_equal(lower_bound_clears(agree, n, threshold), lower >= threshold)


def test_counts_rates_passes_and_insufficient_data():
    # Statement 0: 4 agree, 1 pass, 1 disagree. Participant 5 has no sector.
    votes = VoteMatrix.from_triples(
        participant=[0, 1, 2, 3, 4, 5, 0, 1],
        statement=[0, 0, 0, 0, 0, 0, 1, 1],
        value=[1, 1, 1, 0, -1, 1, 1, -1],
    )
    attrs = _attributes(["industry", "industry", "academia", "academia", "academia", None])
    labels = np.array([0, 0, 1, 1, 1, -1])
    tables = agreement_tables(votes, attrs, labels, min_voters=3)

    overall = tables.family("overall")
    assert overall.agree[0, 0] == 4 and overall.passes[0, 0] == 1 and overall.disagree[0, 0] == 1
    assert overall.rate[0, 0] == pytest.approx(4 / 6)  # passes count in the denominator
    assert overall.voters[0, 1] == 2 and not overall.sufficient[0, 1]

    sector = tables.family("sector")
    assert sector.segments == ("academia", "industry")  # unknown is in no segment
    assert sector.voters[:, 0].tolist() == [3, 2]
    assert sector.rate[0, 0] == pytest.approx(1 / 3)
    assert sector.sufficient[:, 0].tolist() == [True, False]

    group = tables.family("group")
    assert group.segments == (0, 1)
    assert group.voters[:, 0].tolist() == [2, 3]  # participant 5 is not clustered
    assert np.isnan(group.rate[1, 1])  # nobody in group 1 voted on statement 1
    assert (group.lower[1, 1], group.upper[1, 1]) == (0.0, 1.0)


def test_weighted_counts_use_kish_effective_size():
    votes = VoteMatrix.from_triples([0, 1, 2], [0, 0, 0], [1, 1, -1])
    attrs = _attributes(["a", "a", "b"])
    labels = np.zeros(3, dtype=int)
    weights = np.array([1.0, 1.0, 2.0])
    overall = agreement_tables(votes, attrs, labels, 1, weights).family("overall")
    assert overall.agree[0, 0] == 2.0 and overall.disagree[0, 0] == 2.0
    assert overall.rate[0, 0] == 0.5
    assert overall.effective_n[0, 0] == pytest.approx(16 / 6)
    assert overall.voters[0, 0] == 3  # the data flag counts real voters
    lower, _ = jeffreys_interval(0.5 * 16 / 6, 16 / 6)
    assert overall.lower[0, 0] == pytest.approx(lower)


def test_attribute_segmentation_sorted_with_optional_unknown_segment():
    values = np.array(["b", None, "a", "b"], dtype=object)
    seg = attribute_segmentation("sector", values)
    assert seg.values == ("a", "b") and seg.codes.tolist() == [1, -1, 0, 1]
    seg = attribute_segmentation("sector", values, unknown_segment=True)
    assert seg.values == ("a", "b", None) and seg.codes.tolist() == [1, 2, 0, 1]


def test_participant_weights_give_each_sector_equal_total():
    sector = ["industry"] * 10 + ["academia"] * 2 + [None] * 4
    attrs = _attributes(sector)
    w = participant_weights(attrs, "sector")
    assert w.mean() == pytest.approx(1.0)
    totals = [w[:10].sum(), w[10:12].sum(), w[12:].sum()]  # unknown is a segment of its own
    assert totals == pytest.approx([16 / 3] * 3)


def test_participant_weights_normalise_over_active_and_reject_bad_family():
    attrs = _attributes(["x", "x", "y", "z"])
    active = np.array([True, True, True, False])
    w = participant_weights(attrs, "sector", active)
    assert w[active].mean() == pytest.approx(1.0)
    assert w[:2].sum() == pytest.approx(w[2])
    assert w[3] == 1.0  # a segment with no active member
    with pytest.raises(ValueError, match="weight_by"):
        participant_weights(attrs, "country")
