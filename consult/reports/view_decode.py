"""Decoding a stored snapshot's JSON into the typed :class:`SnapshotView` (see
:mod:`consult.reports.view_model`): every key read with ``[]``, so a renamed or missing
key raises :class:`ViewDecodeError` instead of turning into an empty page."""

from __future__ import annotations

import numpy as np
from flask_babel import gettext as _

from consult.reports.snapshot_arrays import unpack
from consult.reports.view_model import (
    FORMAT,
    AgreementTable,
    BridgingEntry,
    BroadEntry,
    DivisiveEntry,
    Figure,
    GroupSummary,
    Holdout,
    HoldoutEntry,
    NotAssessable,
    OutdatedSnapshot,
    ParticipantMap,
    Representative,
    SegmentCount,
    SnapshotView,
    Tally,
    ViewDecodeError,
)


def _number(value) -> float | None:
    """A stored rate or bound (None where the engine had NaN)."""
    return None if value is None else float(value)


def decode_view(
    data: dict | None, arrays: bytes | None = None, routing: dict | None = None
) -> SnapshotView:
    """The :class:`SnapshotView` of a stored result (see the module notes for errors).

    ``data`` is the codec's JSON, whole (``arrays`` None) or as stored apart by
    :mod:`consult.reports.snapshot_arrays` with its packed ``arrays`` and ``routing``."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise OutdatedSnapshot(
            _("This analysis was stored by an older version of Consult; it is being recomputed.")
        )
    try:
        if arrays is None:
            people = _participants_from_json(data["participants"])
        else:
            unpacked = unpack(arrays)
            people = ParticipantMap(
                unpacked["participants.ids"],
                unpacked["participants.projections"].reshape(-1, 2),
                unpacked["participants.groups"],
            )
            data = {**data, "routing": routing if routing is not None else data["routing"]}
        return _decode(data, people)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ViewDecodeError(f"snapshot JSON does not match the view model: {exc!r}") from exc


def _participants_from_json(people: dict) -> ParticipantMap:
    """The map's arrays from JSON lists (snapshots stored before the arrays went apart)."""
    projections = np.array(
        [[np.nan, np.nan] if x is None or y is None else [x, y] for x, y in people["projections"]],
        dtype=np.float64,
    ).reshape(-1, 2)
    return ParticipantMap(
        np.asarray(people["ids"], dtype=np.int64),
        projections,
        np.asarray(people["groups"], dtype=np.int64),
    )


def _decode(data: dict, people: ParticipantMap) -> SnapshotView:
    beyond = data["beyond"]
    ids = tuple(int(s) for s in data["statements"])
    tallies, totals = data["tallies"], data["totals"]
    group_ids = tuple(int(g) for g in tallies["group_ids"])
    column = {s: j for j, s in enumerate(ids)}
    agreement_column = {int(s): j for j, s in enumerate(beyond["statements"])}
    return SnapshotView(
        k=int(data["k"]),
        unimodal=bool(data["unimodal"]),
        structure_note=str(data["structure_note"]),
        structure_p_value=_number(data["structure_p_value"]),
        n_participants=int(data["sizes"]["participants"]),
        n_clustered=int(data["sizes"]["clustered"]),
        threshold=float(beyond["threshold"]),
        min_voters=int(beyond["min_voters"]),
        statement_ids=ids,
        excluded=frozenset(int(s) for s in beyond["excluded"]),
        statement_projections={
            s: (x, y)
            for s, (x, y) in zip(ids, data["statement_projections"], strict=True)
            if x is not None and y is not None
        },
        totals={
            s: Tally(int(totals["agree"][j]), int(totals["disagree"][j]), int(totals["seen"][j]))
            for s, j in column.items()
        },
        group_ids=group_ids,
        group_tallies={
            s: tuple(
                Tally(
                    int(tallies["agree"][g][j]),
                    int(tallies["disagree"][g][j]),
                    int(tallies["seen"][g][j]),
                )
                for g in range(len(group_ids))
            )
            for s, j in column.items()
        },
        groups=_groups(data, column, group_ids),
        participants=people,
        broad=tuple(_broad(entry) for entry in beyond["broad_agreement"]),
        holdouts=tuple(
            HoldoutEntry(
                int(entry["statement_id"]),
                float(entry["min_lower_bound"]),
                tuple(
                    Holdout(
                        h["family"],
                        h["segment"],
                        float(h["lower_bound"]),
                        _number(h["rate"]),
                        int(h["voters"]),
                    )
                    for h in entry["holdouts"]
                ),
            )
            for entry in beyond["holdouts"]
        ),
        not_assessable=tuple(
            NotAssessable(
                int(entry["statement_id"]),
                tuple(
                    SegmentCount(s["family"], s["segment"], int(s["voters"]))
                    for s in entry["segments"]
                ),
            )
            for entry in beyond["not_assessable"]
        ),
        divisive=tuple(
            DivisiveEntry(
                int(entry["statement_id"]),
                float(entry["spread"]),
                tuple(entry["agreeing_groups"]),
                tuple(entry["disagreeing_groups"]),
            )
            for entry in beyond["divisive"]
        ),
        bridging=tuple(
            BridgingEntry(int(entry["statement_id"]), float(entry["score"]), int(entry["ratings"]))
            for entry in beyond["bridging"]
        ),
        uncertainty=tuple(int(s) for s in data["uncertainty"]),
        stability=None if beyond["stability"] is None else _number(beyond["stability"]["ari_mean"]),
        routing={int(s): float(p) for s, p in data["routing"].items()},
        tables=_tables(beyond["agreement"], len(agreement_column)),
        column=agreement_column,
    )


def _broad(entry: dict) -> BroadEntry:
    return BroadEntry(
        int(entry["statement_id"]),
        float(entry["min_lower_bound"]),
        entry["limiting_family"],
        entry["limiting_segment"],
        _number(entry.get("stability")),  # present only when the run resampled
        tuple(
            Figure(
                s["family"],
                s["segment"],
                int(s["voters"]),
                _number(s["rate"]),
                _number(s["lower"]),
                _number(s["upper"]),
            )
            for s in entry["segments"]
        ),
    )


def _tables(agreement: dict, n_statements: int) -> dict[str, AgreementTable]:
    def array(table, name):
        rows = table[name]
        k = len(table["segments"])
        values = [[np.nan if v is None else v for v in row] for row in rows]
        # Shape given in full: a family with no segments (an imported conversation has
        # no sectors or regions) is (0, n), which reshape(0, -1) cannot infer.
        return np.array(values, dtype=np.float64).reshape(k, n_statements)

    return {
        family: AgreementTable(
            family,
            tuple(table["segments"]),
            array(table, "voters").astype(np.int64),
            array(table, "rate"),
            array(table, "lower"),
            array(table, "upper"),
        )
        for family, table in agreement.items()
    }


def _groups(data: dict, column: dict[int, int], group_ids: tuple[int, ...]):
    tallies = data["tallies"]
    repness = data["repness"]
    out = []
    for g in data["groups"]:
        gid = int(g["id"])
        gi = group_ids.index(gid)
        reps = []
        for rep in repness[str(gid)]:
            j = column[int(rep["statement_id"])]
            key = "agree" if rep["direction"] == "agree" else "disagree"
            inside = tallies[key][gi][j] / max(tallies["seen"][gi][j], 1)
            others = [k for k in range(len(group_ids)) if k != gi]
            rest_n = sum(tallies["seen"][k][j] for k in others)
            rest = sum(tallies[key][k][j] for k in others)
            reps.append(
                Representative(
                    int(rep["statement_id"]),
                    rep["direction"],
                    float(inside),
                    rest / rest_n if rest_n else None,
                )
            )
        out.append(
            GroupSummary(
                gid,
                int(g["size"]),
                (float(g["centre"][0]), float(g["centre"][1])),
                _make_up(g["sectors"]),
                _make_up(g["regions"]),
                tuple(reps),
            )
        )
    return tuple(out)


def _make_up(counts: dict) -> tuple[tuple[object, int], ...]:
    pairs = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return tuple((None if k == "None" else k, int(n)) for k, n in pairs)
