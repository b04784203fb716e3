"""The entry point beyond_polis and its JSON form (consult.analysis.beyond)."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.analysis.beyond import BeyondPolis, beyond_polis
from consult.analysis.matrix import ParticipantAttributes, StatementFlags, VoteMatrix

IDS = np.array([101, 205, 307, 409])  # statement ids, deliberately not column indices


def _flooded():
    """Industry floods (200 people) against 20 academics and 20 from civil society.

    Statement 101: industry disagrees, everybody else agrees. 205: all agree.
    307: all agree but it is meta (excluded). 409: opinion groups split on it.
    """
    sector = ["industry"] * 200 + ["academia"] * 20 + ["civil_society"] * 20
    n = len(sector)
    region = ["Europe" if i % 2 else "Africa" for i in range(n)]
    income = ["High income" if i % 2 else "Low income" for i in range(n)]
    labels = np.arange(n) % 2  # two opinion groups mixing all sectors
    triples = []
    for i in range(n):
        triples.append((i, 101, -1 if sector[i] == "industry" else 1))
        triples.append((i, 205, 1))
        triples.append((i, 307, 1))
        triples.append((i, 409, 1 if labels[i] == 0 else -1))
    votes = VoteMatrix.from_triples(*zip(*triples, strict=True), np.arange(n), IDS)
    attrs = ParticipantAttributes(
        np.array(sector, dtype=object),
        np.array(region, dtype=object),
        np.array(income, dtype=object),
        np.zeros(n, bool),
    )
    flags = StatementFlags(np.zeros(4, bool), np.array([False, False, True, False]))
    return votes, flags, attrs, labels


def _regroup(votes: VoteMatrix, seed: int) -> np.ndarray:
    # Groups by the vote on statement 409 (column 3): what the real clustering would find.
    labels = np.full(votes.shape[0], -1)
    mine = votes.cols == 3
    labels[votes.rows[mine]] = (votes.values[mine] < 0).astype(int)
    return labels


@pytest.fixture(scope="module")
def weighted_result():
    votes, flags, attrs, labels = _flooded()
    return beyond_polis(
        votes, flags, attrs, labels, _regroup, n_bootstrap=5, weight_by="sector", random_state=1
    )


def test_weighting_changes_a_flooded_result_and_both_are_reported(weighted_result):
    res = weighted_result
    plain = res.agreement.family("overall").rate[0, 0]
    weighted = res.weighted.agreement.family("overall").rate[0, 0]
    assert plain == pytest.approx(40 / 240)
    assert weighted == pytest.approx(2 / 3)  # each sector counts a third
    group_plain = res.agreement.family("group").rate[:, 0]
    group_weighted = res.weighted.agreement.family("group").rate[:, 0]
    assert np.all(group_weighted > group_plain + 0.4)
    # The sector table itself is the same: within a sector all weights are equal.
    assert np.allclose(
        res.weighted.agreement.family("sector").rate, res.agreement.family("sector").rate
    )
    assert (
        res.weighted.group_informed_consensus.geometric_mean[0]
        > (res.group_informed_consensus.geometric_mean[0])
    )
    data = res.to_json_dict()
    assert data["weighted"]["weight_by"] == "sector"
    assert data["agreement"]["overall"]["rate"][0][0] == pytest.approx(plain)
    assert data["weighted"]["agreement"]["overall"]["rate"][0][0] == pytest.approx(weighted)


def test_result_fields_and_json(weighted_result):
    res = weighted_result
    assert isinstance(res, BeyondPolis)
    assert res.stability is not None and res.stability.n_bootstrap == 5
    assert set(res.timings) >= {"agreement", "bridging", "stability", "weighted", "total"}
    data = res.to_json_dict()
    text = json.dumps(data, allow_nan=False)  # plain JSON: no NaN, no numpy types
    assert json.loads(text) == data
    for key in (
        "broad_agreement",
        "holdouts",
        "divisive",
        "group_informed_consensus",
        "bridging",
        "stability",
        "weighted",
        "timings",
    ):
        assert key in data
    assert data["excluded"] == [307]
    assert [e["statement_id"] for e in data["broad_agreement"]] == [205]
    holdouts = {e["statement_id"]: e["holdouts"] for e in data["holdouts"]}
    assert {(h["family"], h["segment"]) for h in holdouts[101]} >= {("sector", "industry")}
    assert data["divisive"][0]["statement_id"] == 409
    assert data["divisive"][0]["agreeing_groups"] == [0]
    assert {e["statement_id"] for e in data["bridging"]} == {101, 205, 409}
    assert set(data["bridging"][0]) >= {"statement_id", "intercept", "factor"}
    assert data["stability"]["broad_agreement_frequency"][0]["statement_id"] == 205
    assert data["stability"]["ari_mean"] == pytest.approx(1.0)


def test_deterministic_and_optional_parts():
    votes, flags, attrs, labels = _flooded()
    first = beyond_polis(votes, flags, attrs, labels, _regroup, n_bootstrap=3, random_state=4)
    again = beyond_polis(votes, flags, attrs, labels, _regroup, n_bootstrap=3, random_state=4)
    strip = lambda d: {k: v for k, v in d.items() if k != "timings"}  # noqa: E731
    assert strip(first.to_json_dict()) == strip(again.to_json_dict())
    assert first.weighted is None and first.to_json_dict()["weighted"] is None
    bare = beyond_polis(votes, flags, attrs, labels, None, n_bootstrap=0)
    assert bare.stability is None and bare.to_json_dict()["stability"] is None


def test_bad_weight_by_is_an_error():
    votes, flags, attrs, labels = _flooded()
    with pytest.raises(ValueError, match="weight_by"):
        beyond_polis(votes, flags, attrs, labels, None, n_bootstrap=0, weight_by="colour")


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 20),
    s=st.integers(0, 4),
    seed=st.integers(0, 2**16),
    weight_by=st.sampled_from([None, "sector", "region"]),
)
def test_any_small_input_gives_plain_json_and_permutation_invariance(n, s, seed, weight_by):
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n, s)) < 0.7)
    values = rng.integers(-1, 2, len(rows))
    pick = np.array(["a", "b", None], dtype=object)
    sector, region = pick[rng.integers(0, 3, n)], pick[rng.integers(0, 3, n)]
    labels = rng.integers(-1, 2, n)
    flags = StatementFlags(rng.random(s) < 0.2, np.zeros(s, bool))

    def run(order):
        inverse = np.argsort(order)
        votes = VoteMatrix.from_triples(inverse[rows], cols, values, np.arange(n), np.arange(s))
        attrs = ParticipantAttributes(
            sector[order], region[order], sector[order], np.zeros(n, bool)
        )
        return beyond_polis(
            votes,
            flags,
            attrs,
            labels[order],
            None,
            min_voters=2,
            n_bootstrap=2,
            weight_by=weight_by,
        )

    base = run(np.arange(n))
    json.dumps(base.to_json_dict(), allow_nan=False)
    shuffled = run(rng.permutation(n))
    a, b = base.to_json_dict(), shuffled.to_json_dict()
    for key in ("broad_agreement", "holdouts", "divisive", "group_informed_consensus"):
        assert a[key] == b[key]
    for family, table in a["agreement"].items():
        for name, values in table.items():
            other = b["agreement"][family][name]
            if name == "segments":
                assert values == other
            else:
                assert np.allclose(_nan(values), _nan(other), equal_nan=True)


def _nan(values):
    return np.array(values, dtype=float)  # None (NaN in JSON) becomes nan
