"""The dashboard's figures: the opinion map, agreement bars, heatmaps and votes per day,
drawn as SVG with the labels in the reader's language (see :mod:`consult.reports.dashboard`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from flask_babel import format_date
from flask_babel import gettext as _

from consult.reports import svg, svg_charts, svg_map
from consult.reports.labels import StatementInfo, segment_name
from consult.reports.view_model import SnapshotView

MAP_POINTS = 2000  # placed participants drawn one by one; beyond, a density
# Statements drawn on the map (each a focusable square with its text): those furthest
# from the centre, which shape the map most; every statement is in the lists and exports.
MAP_STATEMENTS = 60


def bars(intervals, title: str):
    """Agreement bars for a list of :class:`consult.reports.dashboard.Interval`."""
    rows = [(i.segment, i.rate, i.lower, i.upper, i.voters) for i in intervals]
    return svg_charts.agreement_bars(rows, title)


def opinion_map(view: SnapshotView, shown, you: int | None = None) -> dict:
    """The opinion map: every participant as a mark up to :data:`MAP_POINTS` placed ones,
    beyond that a density of hexagonal bins whose counts add up to everyone placed. The
    reader's own mark is exact either way (:func:`place_you` adds it to a cached map)."""
    people = view.participants
    placed = ~np.isnan(people.projections).any(axis=1)
    xy = people.projections[placed]
    present = {g.id for g in view.groups}
    labels_of = np.where(np.isin(people.groups[placed], list(present)), people.groups[placed], -1)
    groups = [(g.id, segment_name("group", g.id), g.size, g.centre) for g in view.groups]
    statements = [
        (x, y, f"{shown[s].label}: {shown[s].text}")
        for s, (x, y) in view.statement_projections.items()
        if s in shown
    ]
    placed_statements = len(statements)
    if placed_statements > MAP_STATEMENTS:
        furthest = sorted(statements, key=lambda s: -(s[0] ** 2 + s[1] ** 2))[:MAP_STATEMENTS]
        statements = [s for s in statements if s in furthest]
    s_xy = np.array([(x, y) for x, y, _t in statements], dtype=np.float64).reshape(-1, 2)
    frame = svg_map.Frame.around(
        np.concatenate([xy[:, 0], s_xy[:, 0]]), np.concatenate([xy[:, 1], s_xy[:, 1]])
    )
    labels = {"title": _("Opinion map"), "you": _("You are here")}
    density = len(xy) > MAP_POINTS
    bins = None
    if density:
        px, py = frame.sx(xy[:, 0]), frame.sy(xy[:, 1])
        bins = svg_map.hex_bins(px, py, labels_of, svg_map.HEX_RADIUS)
        centres = {g: (frame.sx(c[0]), frame.sy(c[1])) for g, _n, _s, c in groups}
        spreads = svg_map.spreads_of(px, py, labels_of, centres)
        figure = svg_map.opinion_map(frame, groups, statements, labels, bins=bins, spreads=spreads)
    else:
        points = list(zip(xy[:, 0].tolist(), xy[:, 1].tolist(), labels_of.tolist(), strict=True))
        figure = svg_map.opinion_map(frame, groups, statements, labels, points=points)
    legend = svg.legend(groups, _("Not yet in a group"), _("A statement"))
    if density:
        hexagon = svg.marker("hexagon", 8, 8, 6, fill=svg.INK, fill_opacity="0.45")
        legend.append((svg.legend_swatch(hexagon), _("Participants in that area: darker, more")))
    map_ = {
        "svg": figure,
        "frame": frame,
        "groups": groups,
        "you": False,
        "legend": legend,
        "density": density,
        "placed": int(len(xy)),
        "bins": len(bins) if bins else 0,
        "densest": max((b.count for b in bins), default=0) if bins else 0,
        "binned": sum(b.count for b in bins) if bins else 0,
        "statements_drawn": len(statements),
        "statements_placed": placed_statements,
    }
    return place_you(map_, view, you) if you is not None else map_


def place_you(map_: dict, view: SnapshotView, you: int) -> dict:
    """``map_`` with the reader's own mark at their exact place (unchanged when they are
    not on the map: no votes in this run, or too few to be placed)."""
    people = view.participants
    found = np.flatnonzero(people.ids == you)
    if not len(found):
        return map_
    x, y = people.projections[found[0]].tolist()
    if x != x or y != y:  # NaN: not placed
        return map_
    figure = svg_map.with_you(map_["svg"], map_["frame"], (x, y), _("You are here"))
    return {**map_, "svg": figure, "you": True, "you_at": (x, y)}


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
    """Votes per day as columns (None for fewer than two days), each day written as the
    reader's locale writes a short date ("12/11/2026", "2026/11/12", "12‏/11‏/2026").

    The axis runs left to right in every language, Arabic included: time runs that way on
    a chart, and each date label, isolated (see :func:`consult.reports.svg.isolate`), reads
    in its own script's order."""
    if len(days) < 2:
        return None
    dated = [(format_date(date.fromisoformat(day), "short"), n) for day, n in days]
    return svg_charts.columns(
        dated, _("Votes per day"), lambda day, n: _("%(day)s: %(n)d votes", day=day, n=n)
    )
