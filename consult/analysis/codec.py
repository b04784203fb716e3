"""An :class:`AnalysisResult` as versioned JSON, and back.

Pure functions, no Flask: :func:`encode` gives plain JSON types only (NaN and infinities
become null, so PostgreSQL's JSON accepts them); :func:`decode` rebuilds an
``AnalysisResult`` from that JSON, good as ``analyse(previous=...)`` for a warm start.
``encode(decode(data)) == data`` for every ``data = encode(result)``.

What the JSON does not carry is rebuilt from what it does or left empty: ``in_conv`` is
"has a group", ``base_labels`` and ``base_counts`` are empty, the tallies' rates and
intervals are recomputed from their counts; projections are rounded (3 decimals for
participants, 4 for statements). The ``beyond`` section is kept as the JSON that
:meth:`BeyondPolis.to_json_dict` wrote (:class:`EncodedBeyond`): its participant-level
parts are not stored, so it cannot become a ``BeyondPolis`` again.

``FORMAT`` names the layout; :func:`decode` refuses any other with :class:`FormatError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .clustering import KHistory
from .consensus import Consensus
from .repness import RepStatement
from .result import AnalysisResult, AnalysisState, Group
from .tallies import GroupTallies

FORMAT = 2


class FormatError(ValueError):
    """The JSON is not an analysis result of this :data:`FORMAT` (or lacks a part of it)."""


@dataclass(frozen=True)
class EncodedBeyond:
    """The section-2 results as stored: the dictionary of ``BeyondPolis.to_json_dict()``."""

    data: dict

    def to_json_dict(self) -> dict:
        return self.data


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


def _rounded(array: np.ndarray, digits: int) -> list:
    return plain(np.round(np.asarray(array, dtype=np.float64), digits))


def _floats(values, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """JSON numbers (None = NaN) as a float64 array, reshaped (for empty lists too)."""
    flat = np.array(
        [np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()],
        dtype=np.float64,
    )
    return flat.reshape(shape) if shape is not None else flat


def _ints(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).ravel()


def _counts(values, n_rows: int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(n_rows, -1)


def encode(result: AnalysisResult) -> dict:
    """Everything the dashboard, reports, exports and the next run read from one result."""
    ids = result.statement_ids
    tallies, totals = result.tallies, result.totals
    return {
        "format": FORMAT,
        "sizes": plain(result.sizes),
        "k": int(result.k),
        "best_k": int(result.best_k),
        "unimodal": bool(result.unimodal),
        "structure_note": result.structure_note,
        "structure_p_value": plain(result.structure_p_value),
        "silhouettes": plain(result.silhouettes),
        "statements": plain(ids),
        "statement_projections": _rounded(result.statement_projections, 4),
        "extremity": _rounded(result.extremity, 4),
        "participants": {
            "ids": plain(result.participant_ids),
            "projections": _rounded(result.projections, 3),
            "groups": plain(result.group_labels),
        },
        "groups": [
            {
                "id": int(g.id),
                "size": int(g.size),
                "centre": _rounded(g.centre, 4),
                "sectors": {str(k): int(v) for k, v in g.sectors.items()},
                "regions": {str(k): int(v) for k, v in g.regions.items()},
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
        "state": encode_state(result.state),
    }


def encode_state(state: AnalysisState) -> dict:
    """The warm-start state; exact (no rounding), since the next run starts from it."""
    return {
        "statement_ids": plain(state.statement_ids),
        "components": plain(state.components),
        "base_centres": plain(state.base_centres),
        "k_history": {
            "shown": int(state.k_history.shown),
            "candidate": int(state.k_history.candidate),
            "streak": int(state.k_history.streak),
        },
        "in_conv_ids": plain(state.in_conv_ids),
        "in_conv_groups": plain(state.in_conv_groups),
    }


def decode_state(data: dict) -> AnalysisState:
    """The :class:`AnalysisState` that :func:`encode_state` wrote."""
    return AnalysisState(
        statement_ids=_ints(data["statement_ids"]),
        components=_floats(data["components"]).reshape(2, -1),
        base_centres=_floats(data["base_centres"]).reshape(-1, 2),
        k_history=KHistory(**data["k_history"]),
        in_conv_ids=_ints(data["in_conv_ids"]),
        in_conv_groups=_ints(data["in_conv_groups"]),
    )


def _key(text: str):
    """A segment key as :func:`plain` wrote it ("None" for the unknown segment)."""
    return None if text == "None" else text


def decode(data: dict) -> AnalysisResult:
    """The :class:`AnalysisResult` that :func:`encode` wrote (see the module notes for
    what is rebuilt). Raises :class:`FormatError` for another format or a missing part."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise FormatError(f"analysis JSON format {found!r}, expected {FORMAT}")
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"analysis JSON is incomplete or malformed: {exc!r}") from exc


def _decode(data: dict) -> AnalysisResult:
    ids = _ints(data["statements"])
    n_s = len(ids)
    people = data["participants"]
    participant_ids = _ints(people["ids"])
    labels = _ints(people["groups"])
    tallies = data["tallies"]
    group_ids = _ints(tallies["group_ids"])
    n_g = len(group_ids)
    totals = data["totals"]
    consensus = data["consensus"]
    routing = data["routing"]
    beyond = data["beyond"]
    p_value = data["structure_p_value"]
    return AnalysisResult(
        participant_ids=participant_ids,
        statement_ids=ids,
        projections=_floats(people["projections"]).reshape(-1, 2),
        statement_projections=_floats(data["statement_projections"]).reshape(-1, 2),
        extremity=_floats(data["extremity"]),
        in_conv=labels >= 0,
        base_centres=np.empty((0, 2)),
        base_counts=np.empty(0, np.int64),
        base_labels=np.full(len(participant_ids), -1, dtype=np.int64),
        group_labels=labels,
        groups=tuple(
            Group(
                id=int(g["id"]),
                size=int(g["size"]),
                centre=_floats(g["centre"]),
                sectors={_key(k): int(v) for k, v in g["sectors"].items()},
                regions={_key(k): int(v) for k, v in g["regions"].items()},
            )
            for g in data["groups"]
        ),
        k=int(data["k"]),
        best_k=int(data["best_k"]),
        silhouettes={int(k): _nan_or(v) for k, v in data["silhouettes"].items()},
        unimodal=bool(data["unimodal"]),
        structure_note=str(data["structure_note"]),
        tallies=GroupTallies.from_counts(
            group_ids,
            _counts(tallies["agree"], n_g),
            _counts(tallies["disagree"], n_g),
            _counts(tallies["seen"], n_g),
        ),
        totals=GroupTallies.from_counts(
            np.zeros(1, np.int64),
            _counts(totals["agree"], 1),
            _counts(totals["disagree"], 1),
            _counts(totals["seen"], 1),
        ),
        repness={
            int(g): [RepStatement(**{k: _nan_or(v) for k, v in r.items()}) for r in reps]
            for g, reps in data["repness"].items()
        },
        consensus=Consensus(
            agree=tuple(int(s) for s in consensus["agree"]),
            disagree=tuple(int(s) for s in consensus["disagree"]),
            group_informed=_floats(consensus["group_informed"]),
            group_informed_mean=_floats(consensus["group_informed_mean"]),
        ),
        uncertainty=tuple(int(s) for s in data["uncertainty"]),
        priority=np.array([float(routing[str(s)]) for s in ids.tolist()], dtype=np.float64)
        if n_s
        else np.zeros(0),
        timings={str(k): _nan_or(v) for k, v in data["timings"].items()},
        sizes={str(k): int(v) for k, v in data["sizes"].items()},
        state=decode_state(data["state"]),
        beyond=None if beyond is None else EncodedBeyond(beyond),
        structure_p_value=None if p_value is None else float(p_value),
    )


def _nan_or(value):
    """A stored scalar: None (a NaN when written) back to NaN, numbers as they are."""
    if value is None:
        return math.nan
    return value
