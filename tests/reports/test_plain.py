"""Percentages that add up, and the rule for "close, but not everywhere"."""

from hypothesis import given
from hypothesis import strategies as st

from consult.percentages import rounded_shares
from consult.reports.plain import CLOSE_MARGIN, CLOSE_MOST_SEGMENTS, is_close


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6))
def test_shares_always_add_up_to_100(counts):
    shares = rounded_shares(counts)
    if sum(counts) == 0:
        assert shares == [0] * len(counts)
        return
    assert sum(shares) == 100
    for count, share in zip(counts, shares, strict=True):
        exact = 100 * count / sum(counts)
        # Largest remainder moves no share by a whole point or more.
        assert exact - 1 < share < exact + 1
        if count == 0:
            assert share == 0


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=5))
def test_a_larger_count_never_gets_a_smaller_share(counts):
    shares = rounded_shares(counts)
    for i, a in enumerate(counts):
        for j, b in enumerate(counts):
            if a > b:
                assert shares[i] >= shares[j]


def test_the_thirds_that_used_to_make_101():
    # Each rounded alone: 33.3 -> 33, 33.3 -> 33, 33.3 -> 33 (99); 2/3 cases make 101.
    assert rounded_shares([1, 1, 1]) == [34, 33, 33]
    assert rounded_shares([1, 1, 4]) == [17, 17, 66]
    assert rounded_shares([5, 5, 10]) == [25, 25, 50]
    assert sum(round(100 * c / 6) for c in (1, 1, 4)) == 101  # the bug this replaces


def test_shares_refuse_negative_counts():
    import pytest

    with pytest.raises(ValueError):
        rounded_shares([3, -1])


def test_close_means_nearly_over_the_bar_in_nearly_every_segment():
    threshold = 0.6
    assert is_close(0.58, threshold, 1)
    assert is_close(threshold - CLOSE_MARGIN, threshold, CLOSE_MOST_SEGMENTS)
    assert is_close(0.7, threshold, 0)  # everyone together clears it; one sector is thin
    # The clause users found listed as "close": 56 % agree overall, 20 holdouts.
    assert not is_close(0.49, threshold, 20)
    assert not is_close(0.62, threshold, CLOSE_MOST_SEGMENTS + 1)  # short in many places
    assert not is_close(threshold - CLOSE_MARGIN - 0.01, threshold, 1)  # too far overall
    assert not is_close(None, threshold, 0)  # nobody voted


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_a_statement_tally_adds_up_and_each_share_matches_it(agree, disagree, passed):
    from consult.participation.votes import Tally

    tally = Tally(agree, disagree, passed)
    assert sum(tally.shares) == (100 if tally.total else 0)
    # The vote box's bar and its spoken announcement ("x% agree") give the same figure.
    assert tally.share(agree) == tally.shares[0]
