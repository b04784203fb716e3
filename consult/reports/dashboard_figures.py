"""The dashboard's figures: the opinion map, agreement bars, heatmaps and votes per day,
drawn as SVG with the labels in the reader's language (see :mod:`consult.reports.dashboard`).
"""

from __future__ import annotations

import numpy as np
from flask_babel import gettext as _

from consult.reports import svg, svg_charts
from consult.reports.labels import StatementInfo, segment_name
from consult.reports.view_model import SnapshotView

MAP_POINTS = 4000


def bars(intervals, title: str):
    """Agreement bars for a list of :class:`consult.reports.dashboard.Interval`."""
    rows = [(i.segment, i.rate, i.lower, i.upper, i.voters) for i in intervals]
    return svg_charts.agreement_bars(rows, title)


def opinion_map(view: SnapshotView, shown, you: int | None):
    people = view.participants
    present = {g.id for g in view.groups}
    points = [
        (x, y, g if g in present else -1)
        for (x, y), g in zip(people.projections.tolist(), people.groups.tolist(), strict=True)
        if x == x and y == y  # NaN: not placed on the map
    ]
    total = len(people.ids)
    if len(points) > MAP_POINTS:  # an even sample keeps the page light; groups keep their shape
        step = len(points) / MAP_POINTS
        points = [points[int(i * step)] for i in range(MAP_POINTS)]
    groups = [(g.id, segment_name("group", g.id), g.size, g.centre) for g in view.groups]
    statements = [
        (x, y, f"{shown[s].label}: {shown[s].text}")
        for s, (x, y) in view.statement_projections.items()
        if s in shown
    ]
    here = None
    if you is not None:
        found = np.flatnonzero(people.ids == you)
        if len(found):
            x, y = people.projections[found[0]].tolist()
            here = (x, y) if x == x and y == y else None
    labels = {"title": _("Opinion map"), "you": _("You are here")}
    return {
        "svg": svg.opinion_map(points, groups, statements, here, labels),
        "groups": groups,
        "you": here is not None,
        "legend": svg.legend(groups, _("Not yet in a group"), _("A statement")),
        "sampled": len(points) < total,
        "drawn": len(points),
    }


def heatmaps(view: SnapshotView, shown: dict[int, StatementInfo]) -> list[dict]:
    clauses = sorted((i for i in shown.values() if i.is_clause), key=lambda i: i.position)
    out = []
    for family, title in (("sector", _("Clause by sector")), ("region", _("Clause by region"))):
        segments = view.segments(family)
        if not segments or not clauses:
            continue
        cols = [segment_name(family, s) for s in segments]
        cells = []
        for info in clauses:
            figures = view.agreement(family, info.id) or [None] * len(segments)
            cells.append([(f.rate, f.voters) if f else (None, 0) for f in figures])

        def counts(row, col, rate, voters):
            if rate is None:
                return _("%(row)s, %(col)s: no votes", row=row, col=col)
            return _(
                "%(row)s, %(col)s: %(rate)s agree of %(n)d voters",
                row=row,
                col=col,
                rate=svg_charts.percent(rate),
                n=voters,
            )

        # The full title, so a reader need not look up what "Clause 3" says.
        rows = [i.title if i.heading else f"{i.label}: {i.text}" for i in clauses]
        out.append(
            {
                "family": family,
                "title": title,
                "svg": svg_charts.heatmap(rows, cols, cells, title, counts),
                "rows": rows,
                "cols": cols,
                "cells": cells,
            }
        )
    return out


def activity(days: list[tuple[str, int]]):
    """Votes per day as columns (None for fewer than two days)."""
    if len(days) < 2:
        return None
    return svg_charts.columns(
        days, _("Votes per day"), lambda day, n: _("%(day)s: %(n)d votes", day=day, n=n)
    )
