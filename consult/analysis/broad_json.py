"""The consensus lists as plain JSON (statements named by id; NaN becomes None).

Shapes, one per key of :func:`consensus_json`:

- ``broad_agreement``: ranked ``[{statement_id, min_lower_bound, limiting_family,
  limiting_segment, [stability], segments: [{family, segment, voters, rate, lower,
  upper}]}]``, ``segments`` listing *every* required segment (overall first, then each
  opinion group, sector, region and income group present in the conversation).
- ``holdouts``: ``[{statement_id, min_lower_bound, holdouts: [{family, segment,
  lower_bound, rate, voters}]}]``, nearest misses first; only statements with a holdout.
- ``not_assessable``: ``[{statement_id, segments: [{family, segment, voters}]}]``, the
  statements that cannot be judged and every required segment with too few voters.
- ``insufficient_data``: ids of statements with fewer than ``min_voters`` voters overall.
- ``divisive``, ``group_informed_consensus``: as documented in :mod:`.beyond`.

In the ``weighted`` section the same shapes carry weighted rates and intervals, while
``voters`` stay the raw number of voters (the floor counts people, not weights).
"""

from __future__ import annotations

import numpy as np

from .agreement import plain_list, plain_value
from .broad import BroadAgreement, Divisive, GroupInformedConsensus, SegmentCells


def _float(v) -> float | None:
    return None if np.isnan(v) else float(v)


def _by_statement(cells: SegmentCells, holdout: bool) -> dict[int, list]:
    out: dict[int, list] = {}
    for k, j in enumerate(cells.statement.tolist()):
        entry = {"family": cells.family[k], "segment": plain_value(cells.segment[k])}
        if holdout:
            entry |= {"lower_bound": float(cells.lower[k]), "rate": float(cells.rate[k])}
        entry["voters"] = int(cells.voters[k])
        out.setdefault(j, []).append(entry)
    return out


def _segments(broad: BroadAgreement, j: int) -> list[dict]:
    seg = broad.segments
    return [
        {
            "family": seg.family[r],
            "segment": plain_value(seg.segment[r]),
            "voters": int(seg.voters[r, j]),
            "rate": _float(seg.rate[r, j]),
            "lower": _float(seg.lower[r, j]),
            "upper": _float(seg.upper[r, j]),
        }
        for r in np.flatnonzero(seg.present)
    ]


def consensus_json(
    ids,
    broad: BroadAgreement,
    holdouts: SegmentCells,
    divisive: Divisive,
    gic: GroupInformedConsensus,
    group_rate: np.ndarray,
    frequency=None,
) -> dict:
    """The ranked lists: broad agreement, holdouts, not assessable, divisive, consensus."""
    ranked = [
        {
            "statement_id": int(ids[j]),
            "min_lower_bound": float(broad.min_lower_bound[j]),
            "limiting_family": broad.limiting_family[j],
            "limiting_segment": plain_value(broad.limiting_segment[j]),
            **({} if frequency is None else {"stability": plain_list(frequency[j : j + 1])[0]}),
            "segments": _segments(broad, j),
        }
        for j in broad.ranked
    ]
    held = _by_statement(holdouts, holdout=True)
    short = [
        {
            "statement_id": int(ids[j]),
            "min_lower_bound": float(broad.min_lower_bound[j]),
            "holdouts": held[int(j)],
        }
        for j in broad.ranking
        if int(j) in held
    ]
    thin = _by_statement(broad.thin, holdout=False)
    not_assessable = [
        {"statement_id": int(ids[j]), "segments": thin[int(j)]} for j in broad.not_assessable
    ]
    groups = [plain_value(g) for g in divisive.groups]
    divisive_list = [
        {
            "statement_id": int(ids[j]),
            "spread": float(divisive.spread[j]),
            "agreeing_groups": [groups[g] for g in np.flatnonzero(divisive.high_side[j])],
            "disagreeing_groups": [groups[g] for g in np.flatnonzero(divisive.low_side[j])],
            "group_rates": dict(zip(map(str, groups), plain_list(group_rate[:, j]), strict=True)),
        }
        for j in divisive.ranked
    ]
    order = np.flatnonzero(np.isfinite(gic.geometric_mean))
    order = order[np.lexsort((order, -gic.geometric_mean[order]))]
    return {
        "broad_agreement": ranked,
        "holdouts": short,
        "not_assessable": not_assessable,
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
