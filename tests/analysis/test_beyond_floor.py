"""The voter floor of broad agreement: no claim rests on a segment with too few voters."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.analysis.agreement import agreement_tables
from consult.analysis.beyond import beyond_polis
from consult.analysis.broad import broad_agreement
from consult.analysis.matrix import ParticipantAttributes, StatementFlags, VoteMatrix


def _conversation(sector, votes_of, labels=None, region=None, income=None):
    """``votes_of(i, sector)`` -> list of (column, value); returns the beyond_polis inputs."""
    n = len(sector)
    triples = [(i, j, v) for i in range(n) for j, v in votes_of(i, sector[i])]
    n_statements = 1 + max((j for _, j, _ in triples), default=0)
    rows, cols, vals = zip(*triples, strict=True) if triples else ((), (), ())
    votes = VoteMatrix.from_triples(rows, cols, vals, np.arange(n), np.arange(n_statements))
    none = np.full(n, None, dtype=object)
    attrs = ParticipantAttributes(
        np.array(sector, dtype=object),
        none if region is None else np.array(region, dtype=object),
        none if income is None else np.array(income, dtype=object),
        np.zeros(n, bool),
    )
    labels = np.zeros(n, dtype=np.int64) if labels is None else np.asarray(labels)
    return votes, StatementFlags.none(n_statements), attrs, labels


def _run(inputs, **kwargs):
    kwargs.setdefault("n_bootstrap", 0)
    return beyond_polis(*inputs, None, **kwargs)


def test_four_dissenting_industry_voters_make_it_not_assessable_never_broad():
    # 60 academics agree; 4 industry participants all disagree. The old rule skipped
    # industry (fewer than 5 voters) and called this broad agreement.
    sector = ["academia"] * 60 + ["industry"] * 4
    inputs = _conversation(sector, lambda i, s: [(0, -1 if s == "industry" else 1)])
    data = _run(inputs).to_json_dict()
    assert data["min_voters"] == 10  # the default floor
    assert data["broad_agreement"] == [] and data["holdouts"] == []
    assert data["not_assessable"] == [
        {"statement_id": 0, "segments": [{"family": "sector", "segment": "industry", "voters": 4}]}
    ]
    # With ten industry voters the same dissent is judged: a holdout, still not broad.
    sector = ["academia"] * 60 + ["industry"] * 10
    inputs = _conversation(sector, lambda i, s: [(0, -1 if s == "industry" else 1)])
    data = _run(inputs).to_json_dict()
    assert data["broad_agreement"] == [] and data["not_assessable"] == []
    held = data["holdouts"][0]["holdouts"]
    assert [(h["family"], h["segment"], h["voters"]) for h in held] == [("sector", "industry", 10)]


def test_five_unanimous_voters_do_not_pass():
    inputs = _conversation(["academia"] * 5, lambda i, s: [(0, 1)])
    data = _run(inputs).to_json_dict()
    assert data["broad_agreement"] == []
    assert data["insufficient_data"] == [0]
    named = {
        (s["family"], s["segment"], s["voters"]) for s in data["not_assessable"][0]["segments"]
    }
    assert named == {("overall", "all", 5), ("group", 0, 5), ("sector", "academia", 5)}
    # Ten unanimous voters clear both the floor and the 0.6 bar (lower bound ~0.83).
    data = _run(_conversation(["academia"] * 10, lambda i, s: [(0, 1)])).to_json_dict()
    assert [e["statement_id"] for e in data["broad_agreement"]] == [0]
    assert data["not_assessable"] == []


def test_a_present_segment_that_did_not_see_the_statement_is_named_with_zero():
    # Industry (12 people) votes on statement 1 only; statement 0 is seen by academics.
    sector = ["academia"] * 30 + ["industry"] * 12
    inputs = _conversation(sector, lambda i, s: [(1, 1)] if s == "industry" else [(0, 1), (1, 1)])
    data = _run(inputs).to_json_dict()
    assert [e["statement_id"] for e in data["broad_agreement"]] == [1]
    assert data["not_assessable"] == [
        {"statement_id": 0, "segments": [{"family": "sector", "segment": "industry", "voters": 0}]}
    ]


def test_a_segment_without_any_voter_in_the_conversation_is_not_required():
    # Three registered industry participants never voted: industry is not present.
    sector = ["academia"] * 30 + ["industry"] * 3
    inputs = _conversation(sector, lambda i, s: [] if s == "industry" else [(0, 1)])
    data = _run(inputs).to_json_dict()
    assert [e["statement_id"] for e in data["broad_agreement"]] == [0]
    families = {(s["family"], s["segment"]) for s in data["broad_agreement"][0]["segments"]}
    assert ("sector", "industry") not in families


def test_each_broad_entry_carries_every_required_segment_with_n_share_and_interval():
    rng = np.random.default_rng(5)
    n = 120
    sector = [("academia", "industry", "government")[i % 3] for i in range(n)]
    region = [("Africa", "Europe")[i % 2] for i in range(n)]
    income = [("Low income", "High income", None)[i % 3] for i in range(n)]
    agree = rng.random((n, 3)) < np.array([0.97, 0.9, 0.5])
    inputs = _conversation(
        sector,
        lambda i, s: [(j, 1 if agree[i, j] else -1) for j in range(3)],
        labels=np.arange(n) % 2,
        region=region,
        income=income,
    )
    res = _run(inputs)
    data = res.to_json_dict()
    assert data["broad_agreement"], "the 97 % statement is broadly agreed"
    expected = [("overall", "all"), ("group", 0), ("group", 1)]
    expected += [("sector", s) for s in ("academia", "government", "industry")]
    expected += [("region", "Africa"), ("region", "Europe")]
    expected += [("income_group", "High income"), ("income_group", "Low income")]
    for entry in data["broad_agreement"]:
        j = entry["statement_id"]
        segments = entry["segments"]
        assert [(s["family"], s["segment"]) for s in segments] == expected
        for s in segments:
            table = res.agreement.family(s["family"])
            k = table.segments.index(s["segment"])
            assert s["voters"] == table.voters[k, j] >= 10
            assert s["rate"] == pytest.approx(table.rate[k, j])
            assert s["lower"] == pytest.approx(table.lower[k, j])
            assert s["upper"] == pytest.approx(table.upper[k, j])
            assert s["lower"] >= 0.6 and s["lower"] <= s["rate"] <= s["upper"]
        assert entry["min_lower_bound"] == pytest.approx(min(s["lower"] for s in segments))
    json.dumps(data, allow_nan=False)


def test_weighted_measures_and_the_bootstrap_keep_the_floor():
    sector = ["academia"] * 60 + ["industry"] * 4
    inputs = _conversation(sector, lambda i, s: [(0, 1), (1, -1 if s == "industry" else 1)])
    res = _run(inputs, weight_by="sector", n_bootstrap=8)
    data = res.to_json_dict()
    for part in (data, data["weighted"]):
        assert part["broad_agreement"] == []
        assert [e["statement_id"] for e in part["not_assessable"]] == [0, 1]
    assert res.stability.broad_frequency.tolist() == [0.0, 0.0]
    # Dropping the floor to 4 judges industry: statement 0 is then broad everywhere.
    res = _run(inputs, weight_by="sector", n_bootstrap=8, min_voters=4)
    data = res.to_json_dict()
    assert [e["statement_id"] for e in data["broad_agreement"]] == [0]
    assert [e["statement_id"] for e in data["weighted"]["broad_agreement"]] == [0]
    assert res.stability.broad_frequency[0] > 0.5


def test_a_sector_drawn_too_thin_in_a_resample_is_not_skipped():
    # 12 industry voters: in a resample often fewer than 10 are drawn, and then the
    # statement is not assessable there, so its frequency is well below 1.
    sector = ["academia"] * 60 + ["industry"] * 12
    inputs = _conversation(sector, lambda i, s: [(0, 1)])
    res = _run(inputs, n_bootstrap=40)
    assert res.broad_agreement.qualifies.tolist() == [True]
    assert 0.3 < res.stability.broad_frequency[0] < 0.95


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_min_voters_must_be_a_positive_integer(bad):
    inputs = _conversation(["academia"] * 3, lambda i, s: [(0, 1)])
    with pytest.raises(ValueError, match="min_voters"):
        _run(inputs, min_voters=bad)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(5, 40),
    s=st.integers(1, 4),
    seed=st.integers(0, 2**16),
    min_voters=st.integers(1, 12),
    newcomers=st.integers(1, 15),
)
def test_a_new_thin_segment_never_adds_a_broad_agreement(n, s, seed, min_voters, newcomers):
    """Giving some participants of unknown sector a new one (no other segment changes)
    can only take statements away, and every statement on which the new sector has too
    few voters is not assessable and names it."""
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n, s)) < 0.85)
    values = np.where(rng.random(len(rows)) < 0.85, 1, rng.integers(-1, 1, len(rows)))
    votes = VoteMatrix.from_triples(rows, cols, values, np.arange(n), np.arange(s))
    pick = np.array(["a", "b", None], dtype=object)
    sector = pick[rng.integers(0, 3, n)]
    region = pick[rng.integers(0, 3, n)]
    labels = rng.integers(-1, 2, n)
    excluded = np.zeros(s, dtype=bool)

    def broad(sectors):
        attrs = ParticipantAttributes(sectors, region, region, np.zeros(n, bool))
        return broad_agreement(agreement_tables(votes, attrs, labels, min_voters), excluded)

    before = broad(sector)
    changed = sector.copy()
    unknown = np.flatnonzero(sector == None)  # noqa: E711 (elementwise on objects)
    changed[rng.permutation(unknown)[:newcomers]] = "new"
    after = broad(changed)
    assert set(after.ranked.tolist()) <= set(before.ranked.tolist())
    new_voters = np.bincount(cols[changed[rows] == "new"], minlength=s)
    if new_voters.sum():  # the new sector takes part in the conversation
        for j in np.flatnonzero(new_voters < min_voters):
            assert not after.qualifies[j] and j in after.not_assessable
            mine = (after.thin.statement == j) & (after.thin.segment == "new")
            assert after.thin.voters[mine].tolist() == [new_voters[j]]
