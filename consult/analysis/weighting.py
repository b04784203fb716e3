"""Participant weights that make every sector (or region, or income group) count equally.

w_i = 1 / (K * n_k(i)), normalised to mean 1 over the participants who voted, where K
is the number of segments present among voters and n_k(i) the number of voters in
participant i's segment. Each segment then carries the same total weight, so a camp
that floods the consultation cannot outvote the others by numbers alone.

Participants whose attribute is unknown form one segment of their own ("unknown")
rather than getting weight 1: weight 1 would let a flood of anonymous participants
count at full strength, which is the very thing the weighting guards against.
Participants with no vote get the weight of their segment; they add nothing anyway.
"""

from __future__ import annotations

import numpy as np

from .agreement import attribute_segmentation
from .matrix import ParticipantAttributes

WEIGHT_BY = ("sector", "region", "income_group")


def participant_weights(
    attributes: ParticipantAttributes, weight_by: str, active: np.ndarray | None = None
) -> np.ndarray:
    """(P,) float64 weights, mean 1 over ``active`` participants ((P,) bool; default all).

    ``weight_by`` is one of :data:`WEIGHT_BY`.
    """
    if weight_by not in WEIGHT_BY:
        raise ValueError(f"weight_by must be one of {', '.join(WEIGHT_BY)}, not {weight_by!r}")
    codes = attribute_segmentation(
        weight_by, getattr(attributes, weight_by), unknown_segment=True
    ).codes
    n = len(codes)
    active = np.ones(n, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    if not active.any():
        return np.ones(n)
    sizes = np.bincount(codes[active], minlength=int(codes.max(initial=-1)) + 1).astype(np.float64)
    present = int((sizes > 0).sum())
    with np.errstate(divide="ignore"):
        per_segment = np.where(sizes > 0, 1.0 / (present * sizes), 0.0)
    # Active weights sum to 1 by construction, so this makes their mean 1.
    weights = per_segment[codes] * active.sum()
    weights[weights == 0] = 1.0  # inactive members of a segment with no active member
    return weights
