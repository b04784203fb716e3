"""Broad agreement, holdouts, divisive statements and group-informed consensus.

Broad agreement: a statement qualifies when the lower bound of its 90 % agreement
interval is at least ``threshold`` in every *required* segment that has enough voters.
The required families are :data:`REQUIRED`: everybody together, every opinion group,
every sector, every region and every income group. Income groups are required on
purpose: the consultation exists to give developing countries a voice, so a statement
that low-income countries' participants reject is not broadly agreed, whatever the
rest think. Segments with fewer than ``min_voters`` voters are skipped (reported as
insufficient data, never as holdouts); a statement with no segment that has enough
voters does not qualify. Statements flagged ``excluded`` are neither ranked nor
listed as holdouts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .agreement import AgreementTables, SegmentAgreement, plain_list, plain_value

REQUIRED = ("overall", "group", "sector", "region", "income_group")


@dataclass(frozen=True)
class Holdouts:
    """The segments holding out, H (statement, segment) pairs, each array (H,).

    Every required segment with enough voters whose lower bound is below the threshold,
    for every rankable statement that does not qualify; statements in the broad
    agreement ranking order (nearest misses first) and, within one, lowest bound first.
    ``statement`` is a column index, ``family`` and ``segment`` are object arrays.
    """

    statement: np.ndarray
    family: np.ndarray
    segment: np.ndarray
    lower: np.ndarray
    rate: np.ndarray
    voters: np.ndarray


@dataclass(frozen=True)
class BroadAgreement:
    """Broad agreement over S statements; H holdout (statement, segment) pairs.

    - ``min_lower_bound``: (S,) minimum interval lower bound over required segments
      with enough voters; NaN when excluded or when no such segment exists.
    - ``limiting_family`` / ``limiting_segment``: (S,) object, the segment attaining it.
    - ``qualifies``: (S,) bool.
    - ``ranking``: column indices of all rankable statements (not excluded, finite
      minimum), best first (minimum lower bound descending, ties by column).
    - ``ranked``: the qualifying part of ``ranking``, in the same order.
    - ``insufficient``: column indices of non-excluded statements with no required
      segment that has enough voters.
    - ``holdouts``: who holds out on the rest (:class:`Holdouts`).
    """

    threshold: float
    min_lower_bound: np.ndarray
    limiting_family: np.ndarray
    limiting_segment: np.ndarray
    qualifies: np.ndarray
    ranking: np.ndarray
    ranked: np.ndarray
    insufficient: np.ndarray
    holdouts: Holdouts


def _stack(tables: AgreementTables, families: tuple[str, ...]):
    chosen = [t for t in tables.tables if t.family in families]
    family = np.array([t.family for t in chosen for _ in t.segments], dtype=object)
    segment = np.empty(len(family), dtype=object)
    segment[:] = [v for t in chosen for v in t.segments]
    n_statements = tables.tables[0].rate.shape[1]

    def stack(name):
        arrays = [getattr(t, name) for t in chosen]
        return np.concatenate(arrays, axis=0) if arrays else np.zeros((0, n_statements))

    return (
        family,
        segment,
        stack("lower"),
        stack("rate"),
        stack("voters"),
        stack("sufficient").astype(bool),
    )


def broad_agreement(
    tables: AgreementTables,
    excluded: np.ndarray,
    threshold: float = 0.6,
    required: tuple[str, ...] = REQUIRED,
) -> BroadAgreement:
    """Which statements are broadly agreed on, ranked, and who holds out on the rest."""
    family, segment, lower, rate, voters, sufficient = _stack(tables, required)
    n_statements = lower.shape[1]
    masked = np.where(sufficient, lower, np.inf)
    limiting = np.argmin(masked, axis=0) if len(family) else np.zeros(n_statements, dtype=np.int64)
    has_data = sufficient.any(axis=0) & ~excluded
    min_lower = np.full(n_statements, np.nan)
    if len(family):
        min_lower[has_data] = masked[limiting[has_data], np.flatnonzero(has_data)]
    qualifies = has_data & (min_lower >= threshold)
    ranking = np.flatnonzero(has_data)
    ranking = ranking[np.lexsort((ranking, -min_lower[ranking]))]
    limiting_family = np.full(n_statements, None, dtype=object)
    limiting_segment = np.full(n_statements, None, dtype=object)
    if len(family):
        limiting_family[has_data] = family[limiting[has_data]]
        limiting_segment[has_data] = segment[limiting[has_data]]

    # Holdouts, in ranking order: position of each statement in the ranking, then bound.
    position = np.full(n_statements, n_statements, dtype=np.int64)
    position[ranking] = np.arange(len(ranking))
    hold = sufficient & (lower < threshold) & (has_data & ~qualifies)[None, :]
    seg_idx, stmt = np.nonzero(hold)
    order = np.lexsort((seg_idx, lower[seg_idx, stmt], position[stmt]))
    seg_idx, stmt = seg_idx[order], stmt[order]
    return BroadAgreement(
        threshold=threshold,
        min_lower_bound=min_lower,
        limiting_family=limiting_family,
        limiting_segment=limiting_segment,
        qualifies=qualifies,
        ranking=ranking,
        ranked=ranking[qualifies[ranking]],
        insufficient=np.flatnonzero(~excluded & ~sufficient.any(axis=0)),
        holdouts=Holdouts(
            statement=stmt,
            family=family[seg_idx],
            segment=segment[seg_idx],
            lower=lower[seg_idx, stmt],
            rate=rate[seg_idx, stmt],
            voters=voters[seg_idx, stmt].astype(np.int64),
        ),
    )


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
    Both NaN for excluded statements and when there are no groups.
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
    product = np.where(excluded, np.nan, np.exp(log_sum))
    geometric = np.where(excluded, np.nan, np.exp(log_sum / n_groups))
    return GroupInformedConsensus(n_groups, product, geometric)


def consensus_json(
    ids,
    broad: BroadAgreement,
    holdouts: Holdouts,
    divisive: Divisive,
    gic: GroupInformedConsensus,
    group_rate: np.ndarray,
    frequency=None,
) -> dict:
    """The ranked lists: broad agreement, holdouts, divisive, group-informed consensus."""
    ranked = [
        {
            "statement_id": int(ids[j]),
            "min_lower_bound": float(broad.min_lower_bound[j]),
            "limiting_family": broad.limiting_family[j],
            "limiting_segment": plain_value(broad.limiting_segment[j]),
            **({} if frequency is None else {"stability": plain_list(frequency[j : j + 1])[0]}),
        }
        for j in broad.ranked
    ]
    short = []
    by_statement: dict[int, list] = {}
    for k, j in enumerate(holdouts.statement.tolist()):
        by_statement.setdefault(j, []).append(
            {
                "family": holdouts.family[k],
                "segment": plain_value(holdouts.segment[k]),
                "lower_bound": float(holdouts.lower[k]),
                "rate": float(holdouts.rate[k]),
                "voters": int(holdouts.voters[k]),
            }
        )
    for j in broad.ranking[~broad.qualifies[broad.ranking]]:
        short.append(
            {
                "statement_id": int(ids[j]),
                "min_lower_bound": float(broad.min_lower_bound[j]),
                "holdouts": by_statement.get(int(j), []),
            }
        )
    groups = [plain_value(g) for g in divisive.groups]
    divisive_list = []
    for j in divisive.ranked:
        divisive_list.append(
            {
                "statement_id": int(ids[j]),
                "spread": float(divisive.spread[j]),
                "agreeing_groups": [groups[g] for g in np.flatnonzero(divisive.high_side[j])],
                "disagreeing_groups": [groups[g] for g in np.flatnonzero(divisive.low_side[j])],
                "group_rates": dict(
                    zip(map(str, groups), plain_list(group_rate[:, j]), strict=True)
                ),
            }
        )
    order = np.flatnonzero(np.isfinite(gic.geometric_mean))
    order = order[np.lexsort((order, -gic.geometric_mean[order]))]
    return {
        "broad_agreement": ranked,
        "holdouts": short,
        "insufficient_data": plain_list(ids[broad.insufficient]),
        "divisive": divisive_list,
        "group_informed_consensus": {
            "n_groups": gic.n_groups,
            "statements": [
                {
                    "statement_id": int(ids[j]),
                    "product": float(gic.product[j]),
                    "geometric_mean": float(gic.geometric_mean[j]),
                }
                for j in order
            ],
        },
    }
