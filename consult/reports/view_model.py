"""One analysis snapshot as typed, read-only figures: the only reader of the snapshot JSON.

:func:`decode_view` turns the JSON that :func:`consult.analysis.codec.encode` wrote into a
:class:`SnapshotView` once; the dashboard, clause history, reports and exports read that.
Every key is read with ``[]``: a renamed or missing key raises :class:`ViewDecodeError`
(a bug, surfaced loudly), never an empty list on the page. A snapshot of another format
raises :class:`OutdatedSnapshot`, a 409 that says it is being recomputed.

Segment keys stay raw (group id, sector slug, region, income group; None = unknown);
readable names come from :mod:`consult.reports.labels` when a page is built, so one view
serves every language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _

from consult.errors import Conflict

# The codec's format (consult.analysis.codec.FORMAT, kept equal by a test): not imported,
# since importing the analysis engine costs a web process seconds it does not need.
FORMAT = 2


class ViewDecodeError(ValueError):
    """The snapshot JSON lacks a part the view needs (the codec and this module disagree)."""


class OutdatedSnapshot(Conflict):
    """The snapshot was written in another format; a fresh run replaces it."""


def _number(value) -> float | None:
    """A stored rate or bound (None where the engine had NaN)."""
    return None if value is None else float(value)


@dataclass(frozen=True)
class Figure:
    """One segment's agreement with one statement: ``voters``, the agreement ``rate``
    and its 90 % interval ``lower``-``upper`` (None where nobody in it voted)."""

    family: str
    segment: object
    voters: int
    rate: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class SegmentCount:
    """A segment too thin to judge a statement: ``voters`` is under the floor."""

    family: str
    segment: object
    voters: int


@dataclass(frozen=True)
class BroadEntry:
    """A broadly agreed statement, with every required segment's figures."""

    statement_id: int
    min_lower_bound: float
    limiting_family: str
    limiting_segment: object
    stability: float | None
    segments: tuple[Figure, ...]


@dataclass(frozen=True)
class Holdout:
    family: str
    segment: object
    lower_bound: float
    rate: float | None
    voters: int


@dataclass(frozen=True)
class HoldoutEntry:
    """A statement short of broad agreement, and the segments below the bar."""

    statement_id: int
    min_lower_bound: float
    holdouts: tuple[Holdout, ...]


@dataclass(frozen=True)
class NotAssessable:
    """A statement that cannot be judged: the required segments with too few voters."""

    statement_id: int
    segments: tuple[SegmentCount, ...]


@dataclass(frozen=True)
class DivisiveEntry:
    statement_id: int
    spread: float
    agreeing_groups: tuple[int, ...]
    disagreeing_groups: tuple[int, ...]


@dataclass(frozen=True)
class BridgingEntry:
    statement_id: int
    score: float
    ratings: int


@dataclass(frozen=True)
class Tally:
    """Votes on one statement by one set of participants (``seen`` counts passes)."""

    agree: int
    disagree: int
    seen: int

    @property
    def passed(self) -> int:
        return self.seen - self.agree - self.disagree


@dataclass(frozen=True)
class Representative:
    """A statement that sets a group apart: the share of the group (``inside``) and of
    everyone else (``outside``) that votes in ``direction``."""

    statement_id: int
    direction: str
    inside: float | None
    outside: float | None


@dataclass(frozen=True)
class GroupSummary:
    """One opinion group: members, map centre, make-up by sector and region (raw keys,
    largest first) and representative statements."""

    id: int
    size: int
    centre: tuple[float, float]
    sectors: tuple[tuple[object, int], ...]
    regions: tuple[tuple[object, int], ...]
    representatives: tuple[Representative, ...]


@dataclass(frozen=True, eq=False)
class AgreementTable:
    """One segment family's figures: K ``segments`` by S statements (column order)."""

    family: str
    segments: tuple
    voters: np.ndarray
    rate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def figure(self, k: int, column: int) -> Figure:
        def value(array):
            v = float(array[k, column])
            return None if math.isnan(v) else v

        voters = int(self.voters[k, column])
        rate = value(self.rate) if voters else None
        return Figure(
            self.family, self.segments[k], voters, rate, value(self.lower), value(self.upper)
        )


@dataclass(frozen=True, eq=False)
class ParticipantMap:
    """``ids`` (P,), ``projections`` (P, 2) with NaN where unplaced, ``groups`` (P,)."""

    ids: np.ndarray
    projections: np.ndarray
    groups: np.ndarray


@dataclass(frozen=True, eq=False)
class SnapshotView:
    """Everything pages and exports read from one run; statements by database id."""

    k: int
    unimodal: bool
    structure_note: str
    structure_p_value: float | None
    n_participants: int
    n_clustered: int
    threshold: float
    min_voters: int
    statement_ids: tuple[int, ...]
    statement_projections: dict[int, tuple[float, float]]
    totals: dict[int, Tally]
    group_ids: tuple[int, ...]
    group_tallies: dict[int, tuple[Tally, ...]]  # statement -> one per group_ids entry
    groups: tuple[GroupSummary, ...]
    participants: ParticipantMap
    broad: tuple[BroadEntry, ...]
    holdouts: tuple[HoldoutEntry, ...]
    not_assessable: tuple[NotAssessable, ...]
    divisive: tuple[DivisiveEntry, ...]
    bridging: tuple[BridgingEntry, ...]
    uncertainty: tuple[int, ...]
    stability: float | None
    routing: dict[int, float]
    tables: dict[str, AgreementTable] = field(repr=False)
    column: dict[int, int] = field(repr=False)

    def segments(self, family: str) -> tuple:
        return self.tables[family].segments if family in self.tables else ()

    def agreement(self, family: str, statement_id: int) -> tuple[Figure, ...]:
        """Every segment of ``family``'s figures on the statement (empty if not analysed)."""
        table = self.tables.get(family)
        j = self.column.get(statement_id)
        if table is None or j is None:
            return ()
        return tuple(table.figure(k, j) for k in range(len(table.segments)))

    def overall(self, statement_id: int) -> Figure | None:
        figures = self.agreement("overall", statement_id)
        return figures[0] if figures else None


def decode_view(data: dict | None) -> SnapshotView:
    """The :class:`SnapshotView` of a stored result (see the module notes for errors)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise OutdatedSnapshot(
            _("This analysis was stored by an older version of Consult; it is being recomputed.")
        )
    try:
        return _decode(data)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ViewDecodeError(f"snapshot JSON does not match the view model: {exc!r}") from exc


def _decode(data: dict) -> SnapshotView:
    beyond = data["beyond"]
    ids = tuple(int(s) for s in data["statements"])
    tallies, totals = data["tallies"], data["totals"]
    group_ids = tuple(int(g) for g in tallies["group_ids"])
    column = {s: j for j, s in enumerate(ids)}
    people = data["participants"]
    projections = np.array(
        [[np.nan, np.nan] if x is None or y is None else [x, y] for x, y in people["projections"]],
        dtype=np.float64,
    ).reshape(-1, 2)
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
        participants=ParticipantMap(
            np.asarray(people["ids"], dtype=np.int64),
            projections,
            np.asarray(people["groups"], dtype=np.int64),
        ),
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
        tables=_tables(beyond["agreement"]),
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


def _tables(agreement: dict) -> dict[str, AgreementTable]:
    def array(table, name):
        rows = table[name]
        k = len(table["segments"])
        values = [[np.nan if v is None else v for v in row] for row in rows]
        return np.array(values, dtype=np.float64).reshape(k, -1)

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
