"""The snapshot codec: encode -> decode -> encode is the identity, and warm starts survive."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.analysis import ParticipantAttributes, StatementFlags, analyse, codec
from consult.analysis.synthetic import planted_conversation

SECTORS = ("government", "industry", "academia", None)
REGIONS = ("south_asia", "north_america", None)


@st.composite
def conversations(draw):
    """A small planted conversation with some unknown attributes and flagged statements."""
    n_p = draw(st.integers(8, 60))
    n_s = draw(st.integers(3, 12))
    density = draw(st.floats(0.3, 1.0))
    votes, _truth = planted_conversation(
        n_p,
        n_s,
        max(int(n_p * n_s * density), 1),
        n_groups=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 10_000)),
    )
    # Statement ids that are not positions, as in the database.
    votes = type(votes)(
        votes.participant_ids * 7 + 3,
        votes.statement_ids * 5 + 11,
        votes.rows,
        votes.cols,
        votes.values,
    )
    pick = st.lists(st.integers(0, 2), min_size=n_p, max_size=n_p)
    attributes = ParticipantAttributes(
        np.array([SECTORS[i] for i in draw(pick)], dtype=object),
        np.array([REGIONS[i] for i in draw(pick)], dtype=object),
        np.array([("low", "high", None)[i] for i in draw(pick)], dtype=object),
        np.zeros(n_p, dtype=bool),
    )
    meta = np.zeros(n_s, dtype=bool)
    meta[draw(st.integers(0, n_s - 1))] = draw(st.booleans())
    flags = StatementFlags(np.zeros(n_s, dtype=bool), meta)
    return votes, flags, attributes, draw(st.integers(0, 3))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_encode_decode_encode_is_identical(conversation):
    votes, flags, attributes, seed = conversation
    result = analyse(votes, flags, attributes, random_state=seed, n_bootstrap=2)
    data = codec.encode(result)
    # Plain JSON: survives serialisation, NaN written as null.
    text = json.dumps(data, allow_nan=False)
    stored = json.loads(text)
    decoded = codec.decode(stored)
    assert codec.encode(decoded) == stored
    # The warm-start state comes back exactly.
    for name in ("statement_ids", "components", "base_centres", "in_conv_ids", "in_conv_groups"):
        np.testing.assert_array_equal(getattr(decoded.state, name), getattr(result.state, name))
    assert decoded.state.k_history == result.state.k_history


def test_a_warm_start_from_the_decoded_result_equals_one_from_the_original():
    votes, _ = planted_conversation(60, 10, 450, seed=4)
    first = analyse(votes, n_bootstrap=0, random_state=2)
    decoded = codec.decode(json.loads(json.dumps(codec.encode(first))))
    again = analyse(votes, previous=decoded, random_state=2, n_bootstrap=0)
    direct = analyse(votes, previous=first, random_state=2, n_bootstrap=0)
    np.testing.assert_array_equal(again.group_labels, direct.group_labels)
    assert again.k == direct.k and again.state.k_history == direct.state.k_history


def test_other_formats_and_missing_parts_are_refused():
    votes, _ = planted_conversation(30, 6, 150, seed=1)
    data = json.loads(json.dumps(codec.encode(analyse(votes, n_bootstrap=0))))
    with pytest.raises(codec.FormatError, match="format 1"):
        codec.decode({**data, "format": 1})
    renamed = dict(data)
    renamed["participant"] = renamed.pop("participants")
    with pytest.raises(codec.FormatError, match="participants"):
        codec.decode(renamed)
    with pytest.raises(codec.FormatError):
        codec.decode(None)
