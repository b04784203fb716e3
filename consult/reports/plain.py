"""The dashboard's first screen in plain words: what people agree on, what divides them.

Also the rule for "close, but not everywhere": a statement short of broad agreement is
listed as close only when it nearly clears the bar overall (its overall lower bound is
at most :data:`CLOSE_MARGIN` below the threshold) and falls short in at most
:data:`CLOSE_MOST_SEGMENTS` groups, sectors, regions or income groups. A clause at 56 %
with twenty segments below the bar is not close; it is simply not agreed.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.percentages import rounded_shares
from consult.reports.labels import StatementInfo, segment_name
from consult.reports.view_model import HoldoutEntry, SnapshotView, Tally

CLOSE_MARGIN = 0.05
CLOSE_MOST_SEGMENTS = 2
SUMMARY_AGREED = 5
SUMMARY_DIVIDED = 3


def is_close(
    overall_lower: float | None,
    threshold: float,
    segments_short: int,
    margin: float = CLOSE_MARGIN,
    most: int = CLOSE_MOST_SEGMENTS,
) -> bool:
    """Whether a statement short of broad agreement is close to it: its overall lower
    bound is at least ``threshold - margin`` and at most ``most`` segments (other than
    everyone together) fall below the threshold."""
    if overall_lower is None:
        return False
    # A hair of tolerance: 0.55 computed as 0.6 - 0.05 is 0.5499999...
    return overall_lower >= threshold - margin - 1e-9 and segments_short <= most


def close_entry(view: SnapshotView, entry: HoldoutEntry) -> bool:
    """:func:`is_close` for one holdout entry of a run."""
    overall = view.overall(entry.statement_id)
    segments_short = sum(1 for h in entry.holdouts if h.family != "overall")
    return is_close(overall.lower if overall else None, view.threshold, segments_short)


@dataclass(frozen=True)
class Shares:
    """Agree / disagree / pass as whole percentages that add up to 100."""

    agree: int
    disagree: int
    passed: int
    voters: int

    @classmethod
    def of(cls, tally: Tally | None) -> Shares | None:
        if tally is None or tally.seen == 0:
            return None
        agree, disagree, passed = rounded_shares([tally.agree, tally.disagree, tally.passed])
        return cls(agree, disagree, passed, tally.seen)


@dataclass(frozen=True)
class Agreed:
    """A broadly agreed statement, in words: ``rate`` of ``voters`` agree, at least
    ``lower`` with 90 % confidence."""

    info: StatementInfo
    rate: float
    lower: float
    voters: int
    shares: Shares | None


@dataclass(frozen=True)
class Divided:
    """A divisive statement and the opinion groups on each side, with their agreement."""

    info: StatementInfo
    agreeing: tuple[tuple[str, float | None], ...]
    disagreeing: tuple[tuple[str, float | None], ...]
    shares: Shares | None


def agreed(view: SnapshotView, shown: dict[int, StatementInfo]) -> list[Agreed]:
    """The broad-agreement statements the summary names, strongest first."""
    out = []
    for entry in view.broad:
        overall = view.overall(entry.statement_id)
        if entry.statement_id not in shown or overall is None or overall.rate is None:
            continue
        shares = Shares.of(view.totals.get(entry.statement_id))
        out.append(
            Agreed(shown[entry.statement_id], overall.rate, overall.lower, overall.voters, shares)
        )
        if len(out) == SUMMARY_AGREED:
            break
    return out


def divided(view: SnapshotView, shown: dict[int, StatementInfo]) -> list[Divided]:
    """The most divisive statements, with which opinion groups agree and which do not."""
    out = []
    for entry in view.divisive:
        if entry.statement_id not in shown:
            continue
        rates = {str(f.segment): f.rate for f in view.agreement("group", entry.statement_id)}

        def side(groups, rates=rates):
            return tuple((segment_name("group", g), rates.get(str(g))) for g in groups)

        shares = Shares.of(view.totals.get(entry.statement_id))
        out.append(
            Divided(
                shown[entry.statement_id],
                side(entry.agreeing_groups),
                side(entry.disagreeing_groups),
                shares,
            )
        )
        if len(out) == SUMMARY_DIVIDED:
            break
    return out
