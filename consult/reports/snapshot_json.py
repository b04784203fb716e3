"""An AnalysisResult as the JSON stored in a snapshot, and the warm-start state back from it.

Plain JSON types only (NaN becomes null, so PostgreSQL's JSON accepts it); statements and
participants are named by their database ids.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from consult.analysis import AnalysisResult, AnalysisState, KHistory

FORMAT = 1


def plain(value):
    """Numpy values and containers as JSON types; NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _rounded(array: np.ndarray, digits: int = 4) -> list:
    return plain(np.round(np.asarray(array, dtype=np.float64), digits))


def result_json(result: AnalysisResult) -> dict:
    """Everything the dashboard, reports and exports read from one run."""
    ids = result.statement_ids
    tallies = result.tallies
    totals = result.totals
    return {
        "format": FORMAT,
        "sizes": plain(result.sizes),
        "k": result.k,
        "best_k": result.best_k,
        "unimodal": bool(result.unimodal),
        "structure_note": result.structure_note,
        "silhouettes": plain(result.silhouettes),
        "statements": plain(ids),
        "statement_projections": _rounded(result.statement_projections),
        "extremity": _rounded(result.extremity),
        "participants": {
            "ids": plain(result.participant_ids),
            "projections": _rounded(result.projections, 3),
            "groups": plain(result.group_labels),
        },
        "groups": [
            {
                "id": g.id,
                "size": g.size,
                "centre": _rounded(g.centre),
                "sectors": {str(k): v for k, v in g.sectors.items()},
                "regions": {str(k): v for k, v in g.regions.items()},
            }
            for g in result.groups
        ],
        "tallies": {
            "group_ids": plain(tallies.group_ids),
            "agree": plain(tallies.agree),
            "disagree": plain(tallies.disagree),
            "seen": plain(tallies.seen),
        },
        "totals": {
            "agree": plain(totals.agree[0]),
            "disagree": plain(totals.disagree[0]),
            "seen": plain(totals.seen[0]),
        },
        "repness": {str(g): [plain(vars(r)) for r in reps] for g, reps in result.repness.items()},
        "consensus": {
            "agree": plain(result.consensus.agree),
            "disagree": plain(result.consensus.disagree),
            "group_informed": _rounded(result.consensus.group_informed, 6),
            "group_informed_mean": _rounded(result.consensus.group_informed_mean, 6),
        },
        "uncertainty": plain(result.uncertainty),
        "routing": {
            str(s): float(p) for s, p in zip(ids.tolist(), result.priority.tolist(), strict=True)
        },
        "beyond": None if result.beyond is None else plain(result.beyond.to_json_dict()),
        "timings": plain(result.timings),
        "state": state_json(result.state),
    }


def state_json(state: AnalysisState) -> dict:
    return {
        "statement_ids": plain(state.statement_ids),
        "components": plain(state.components),
        "base_centres": plain(state.base_centres),
        "k_history": {
            "shown": state.k_history.shown,
            "candidate": state.k_history.candidate,
            "streak": state.k_history.streak,
        },
        "in_conv_ids": plain(state.in_conv_ids),
        "in_conv_groups": plain(state.in_conv_groups),
    }


def previous_from_json(result: dict | None):
    """An object with the ``.state`` that ``analyse(previous=...)`` reads, or None."""
    data = (result or {}).get("state")
    if not data:
        return None
    state = AnalysisState(
        statement_ids=np.asarray(data["statement_ids"], dtype=np.int64),
        components=np.asarray(data["components"], dtype=np.float64).reshape(2, -1),
        base_centres=np.asarray(data["base_centres"], dtype=np.float64).reshape(-1, 2),
        k_history=KHistory(**data["k_history"]),
        in_conv_ids=np.asarray(data["in_conv_ids"], dtype=np.int64),
        in_conv_groups=np.asarray(data["in_conv_groups"], dtype=np.int64),
    )
    return SimpleNamespace(state=state)
