"""The dashboard's (and a report's) page model: a :class:`SnapshotView` joined with the
statements' labels in the reader's language, and figures drawn as SVG.

Only statements of the current draft are listed (clauses of the latest version, approved
participant statements): a superseded clause's wording appears in clause history only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from consult.reports import dashboard_figures as figures
from consult.reports import plain, svg, svg_charts
from consult.reports.dashboard_figures import activity  # noqa: F401 (the views read it here)
from consult.reports.labels import StatementInfo, segment_name
from consult.reports.view_model import Figure, SnapshotView

FAMILIES = ("group", "sector", "region", "income_group")
TOP = 8
THIN = 12  # not-assessable statements named in full; the rest are counted


@dataclass(frozen=True)
class Interval:
    """A named segment's agreement, as the templates print it."""

    family: str
    segment: str
    rate: float | None
    lower: float | None
    upper: float | None
    voters: int

    @classmethod
    def of(cls, figure: Figure) -> Interval:
        name = segment_name(figure.family, figure.segment)
        return cls(figure.family, name, figure.rate, figure.lower, figure.upper, figure.voters)


@dataclass
class StatementRow:
    """One listed statement: its overall agreement and what its section adds."""

    info: StatementInfo
    rate: float | None = None
    lower: float | None = None
    upper: float | None = None
    voters: int = 0
    intervals: list[Interval] = field(default_factory=list)
    holdouts: list[Interval] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _row(view: SnapshotView, info: StatementInfo) -> StatementRow:
    overall = view.overall(info.id)
    if overall is None:
        return StatementRow(info)
    return StatementRow(info, overall.rate, overall.lower, overall.upper, overall.voters)


def listed(infos: dict[int, StatementInfo]) -> dict[int, StatementInfo]:
    """The statements pages list: the current draft's clauses and approved statements."""
    return {sid: info for sid, info in infos.items() if info.listed}


def statement_count(view: SnapshotView, infos: dict[int, StatementInfo]) -> int:
    """How many listed statements the run covered: the one count dashboard and report give."""
    shown = listed(infos)
    return sum(1 for sid in view.statement_ids if sid in shown)


def build(view: SnapshotView, infos: dict[int, StatementInfo], you: int | None = None) -> dict:
    """Everything the dashboard template (and a report body) shows for one run."""
    shown = listed(infos)
    broad = []
    for entry in view.broad:
        if entry.statement_id in shown and len(broad) < 12:
            row = _row(view, shown[entry.statement_id])
            row.intervals = [Interval.of(f) for f in entry.segments if f.family != "overall"]
            title = _("Agreement by group, sector and region")
            row.extra["bars"] = figures.bars(row.intervals, title)
            row.extra["shares"] = plain.Shares.of(view.totals.get(entry.statement_id))
            broad.append(row)
    # A statement with too few voters somewhere is listed under that reason alone: it is
    # not "close" to broad agreement whatever its other segments say. Nor is one that
    # misses the bar widely or in many places (plain.is_close states the rule).
    thin_ids = {entry.statement_id for entry in view.not_assessable}
    short = []
    for entry in view.holdouts:
        if (
            entry.statement_id in shown
            and entry.statement_id not in thin_ids
            and plain.close_entry(view, entry)
            and len(short) < TOP
        ):
            row = _row(view, shown[entry.statement_id])
            row.holdouts = [
                Interval(
                    h.family,
                    segment_name(h.family, h.segment),
                    h.rate,
                    h.lower_bound,
                    None,
                    h.voters,
                )
                for h in entry.holdouts[:4]
            ]
            row.extra["more"] = max(len(entry.holdouts) - 4, 0)
            short.append(row)
    thin, thin_total = [], 0
    for entry in view.not_assessable:
        if entry.statement_id in shown:
            thin_total += 1
            if len(thin) >= THIN:
                continue
            row = _row(view, shown[entry.statement_id])
            row.holdouts = [
                Interval(s.family, segment_name(s.family, s.segment), None, None, None, s.voters)
                for s in entry.segments
            ]
            row.extra["thin"] = ", ".join(
                _("%(segment)s (n=%(n)d)", segment=i.segment, n=i.voters) for i in row.holdouts
            )
            thin.append(row)
    divisive = []
    for entry in view.divisive:
        if entry.statement_id in shown and len(divisive) < 5:
            row = _row(view, shown[entry.statement_id])
            row.intervals = [Interval.of(f) for f in view.agreement("group", row.info.id)]
            row.extra["bars"] = figures.bars(row.intervals, _("Agreement by opinion group"))
            divisive.append(row)
    uncertain = []
    for sid in view.uncertainty:
        if sid in shown:
            row = _row(view, shown[sid])
            tally = view.totals[sid]
            share = tally.passed / tally.seen if tally.seen else None
            row.extra = {"pass_rate": share, "seen": tally.seen}
            uncertain.append(row)
    bridging = []
    for entry in view.bridging:
        if entry.statement_id in shown and len(bridging) < 5 and entry.score > 0:
            row = _row(view, shown[entry.statement_id])
            row.extra = {"score": entry.score, "ratings": entry.ratings}
            bridging.append(row)
    return {
        "summary": {"agreed": plain.agreed(view, shown), "divided": plain.divided(view, shown)},
        "close_rule": {
            "threshold": view.threshold,
            "floor": view.threshold - plain.CLOSE_MARGIN,
            "margin": plain.CLOSE_MARGIN,
            "most": plain.CLOSE_MOST_SEGMENTS,
        },
        "snapshot": view,
        "statements": statement_count(view, infos),
        "bridging": bridging,
        "stability": view.stability,
        "groups": _groups(view, shown),
        "broad": broad,
        "short": short,
        "not_assessable": thin,
        "not_assessable_more": thin_total - len(thin),
        "min_voters": view.min_voters,
        "divisive": divisive,
        "uncertain": uncertain,
        "map": figures.opinion_map(view, shown, you),
        "heatmaps": figures.heatmaps(view, shown),
    }


def _groups(view: SnapshotView, shown) -> list[dict]:
    labels = {"in": _("In the group"), "out": _("Everyone else"), "title": _("Agreement")}
    out = []
    for g in view.groups:
        reps = [
            {
                "info": shown[rep.statement_id],
                "direction": rep.direction,
                "inside": rep.inside,
                "outside": rep.outside,
                "bars": svg_charts.in_out_bars(rep.inside, rep.outside, labels),
            }
            for rep in g.representatives
            if rep.statement_id in shown
        ]
        out.append(
            {
                "id": g.id,
                "letter": svg.group_letter(g.id),
                "name": segment_name("group", g.id),
                "size": g.size,
                "sectors": [(segment_name("sector", k), n) for k, n in g.sectors],
                "regions": [(segment_name("region", k), n) for k, n in g.regions],
                "reps": reps,
            }
        )
    return out
