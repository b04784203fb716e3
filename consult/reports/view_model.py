"""One analysis snapshot as typed, read-only figures.

:func:`consult.reports.view_decode.decode_view` turns the JSON that
:func:`consult.analysis.codec.encode` wrote into a :class:`SnapshotView` once (it is the
only reader of that JSON); the dashboard, clause history, reports and exports read that.
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

from consult.errors import Conflict

# The codec's format (consult.analysis.codec.FORMAT, kept equal by a test): not imported,
# since importing the analysis engine costs a web process seconds it does not need.
FORMAT = 2


class ViewDecodeError(ValueError):
    """The snapshot JSON lacks a part the view needs (the codec and this module disagree)."""


class OutdatedSnapshot(Conflict):
    """The snapshot was written in another format; a fresh run replaces it."""


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
    excluded: frozenset[int]  # moderated out or meta when the run read the votes
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
