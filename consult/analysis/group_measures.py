"""Measures over opinion groups: divisive statements and group-informed consensus.

Both read the opinion-group agreement table (weighted counts if weighted). The voter
floor (``min_voters`` of the table, raw voters) applies: a divisive spread compares only
groups with enough voters, and a group-informed consensus figure exists only where every
opinion group has enough voters on the statement, so no figure rests on a handful of
people (polis-math section 8 multiplies over all groups; a group with 2 voters would
otherwise move the product as much as one with 2,000).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .agreement import SegmentAgreement


@dataclass(frozen=True)
class Divisive:
    """Statements that separate opinion groups; S statements, G groups.

    - ``groups``: (G,) group ids.
    - ``spread``: (S,) max - min agreement rate over groups with enough voters; NaN
      with fewer than two such groups or when excluded.
    - ``ranked``: column indices with a finite spread, largest spread first.
    - ``high_side`` / ``low_side``: (S, G) bool, groups with enough voters whose rate is
      above / below the midpoint (max + min) / 2 of the group rates. The midpoint, not
      0.5, because rates count passes: two groups at 0.4 and 0.05 are divided although
      neither is above one half. A group exactly at the midpoint is on neither side.
    """

    groups: tuple
    spread: np.ndarray
    ranked: np.ndarray
    high_side: np.ndarray
    low_side: np.ndarray


def divisive_statements(group_table: SegmentAgreement, excluded: np.ndarray) -> Divisive:
    """Statements ranked by the spread of opinion-group agreement rates."""
    ok = group_table.sufficient & ~np.isnan(group_table.rate)
    n_statements = group_table.rate.shape[1]
    if len(group_table.segments) == 0:
        empty = np.zeros((n_statements, 0), dtype=bool)
        return Divisive(
            (), np.full(n_statements, np.nan), np.zeros(0, dtype=np.int64), empty, empty
        )
    high = np.where(ok, group_table.rate, -np.inf).max(axis=0)
    low = np.where(ok, group_table.rate, np.inf).min(axis=0)
    defined = (ok.sum(axis=0) >= 2) & ~excluded
    spread = np.where(defined, high - low, np.nan)
    ranked = np.flatnonzero(defined)
    ranked = ranked[np.lexsort((ranked, -spread[ranked]))]
    rate = np.where(ok, group_table.rate, np.nan)
    with np.errstate(invalid="ignore"):  # no sufficient group: -inf + inf, masked below
        mid = (high + low) / 2.0
        high_side = (ok & (rate > mid) & defined).T
        low_side = (ok & (rate < mid) & defined).T
    return Divisive(group_table.segments, spread, ranked, high_side, low_side)


@dataclass(frozen=True)
class GroupInformedConsensus:
    """Polis's group-informed consensus and its normalised form, each (S,).

    - ``product``: prod over the G groups of (A_g + 1) / (N_g + 2), N counting passes
      (polis-math section 8); it shrinks as G grows.
    - ``geometric_mean``: ``product ** (1 / G)``, comparable across numbers of groups.
    Both NaN for excluded statements, when there are no groups, and where an opinion
    group has fewer than the table's ``min_voters`` voters (its ``sufficient`` flag).
    """

    n_groups: int
    product: np.ndarray
    geometric_mean: np.ndarray


def group_informed_consensus(
    group_table: SegmentAgreement, excluded: np.ndarray
) -> GroupInformedConsensus:
    """Group-informed consensus from the opinion-group table (weighted counts if weighted)."""
    n_groups = len(group_table.segments)
    n_statements = group_table.rate.shape[1]
    if n_groups == 0:
        nan = np.full(n_statements, np.nan)
        return GroupInformedConsensus(0, nan, nan.copy())
    total = group_table.agree + group_table.disagree + group_table.passes
    # Sum of logs: a product of many factors below 1 would underflow for large G.
    log_sum = np.log((group_table.agree + 1.0) / (total + 2.0)).sum(axis=0)
    # The voter floor: every group must have enough voters for the figure to exist.
    missing = excluded | ~group_table.sufficient.all(axis=0)
    product = np.where(missing, np.nan, np.exp(log_sum))
    geometric = np.where(missing, np.nan, np.exp(log_sum / n_groups))
    return GroupInformedConsensus(n_groups, product, geometric)
