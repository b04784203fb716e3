"""The dashboard's view of one snapshot: plain rows for templates, figures as SVG."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from consult.reports import svg, svg_charts
from consult.reports.labels import StatementInfo, segment_name

FAMILIES = ("group", "sector", "region", "income_group")
TOP = 8
MAP_POINTS = 4000


@dataclass
class Interval:
    family: str
    segment: str
    rate: float | None
    lower: float | None
    upper: float | None
    voters: int


@dataclass
class StatementRow:
    info: StatementInfo
    rate: float | None = None  # overall agreement
    lower: float | None = None
    upper: float | None = None
    voters: int = 0
    intervals: list[Interval] = field(default_factory=list)
    holdouts: list[Interval] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


class Agreement:
    """Index into the snapshot's agreement tables (family -> segment x statement)."""

    def __init__(self, result: dict):
        beyond = result.get("beyond") or {}
        self.tables = beyond.get("agreement") or {}
        self.column = {s: j for j, s in enumerate(beyond.get("statements") or [])}

    def segments(self, family: str) -> list:
        return (self.tables.get(family) or {}).get("segments") or []

    def cell(self, family: str, k: int, statement_id: int) -> Interval:
        table = self.tables.get(family) or {}
        j = self.column.get(statement_id)
        seg = self.segments(family)[k]
        if j is None:
            return Interval(family, segment_name(family, seg), None, None, None, 0)

        def get(name):
            return table[name][k][j] if table.get(name) else None

        voters = int(get("voters") or 0)
        rate = get("rate") if voters else None
        return Interval(family, segment_name(family, seg), rate, get("lower"), get("upper"), voters)

    def family(self, family: str, statement_id: int) -> list[Interval]:
        return [self.cell(family, k, statement_id) for k in range(len(self.segments(family)))]


def _row(agreement: Agreement, info: StatementInfo) -> StatementRow:
    overall = agreement.cell("overall", 0, info.id) if agreement.segments("overall") else None
    row = StatementRow(info)
    if overall is not None:
        row.rate, row.lower, row.upper, row.voters = (
            overall.rate,
            overall.lower,
            overall.upper,
            overall.voters,
        )
    return row


def build(result: dict, infos: dict[int, StatementInfo], you: int | None = None) -> dict:
    """Everything the dashboard template shows for the snapshot ``result``."""
    agreement = Agreement(result)
    beyond = result.get("beyond") or {}
    shown = {sid: info for sid, info in infos.items() if info.visible}

    def rows(ids, limit=TOP):
        out = [_row(agreement, shown[s]) for s in ids if s in shown]
        return out[:limit]

    broad = rows([b["statement_id"] for b in beyond.get("broad_agreement", [])], 12)
    for row in broad:
        row.intervals = [i for f in FAMILIES for i in agreement.family(f, row.info.id) if i.voters]
        row.extra["bars"] = _bars(row.intervals, _("Agreement by group, sector and region"))
    short = []
    for entry in beyond.get("holdouts", []):
        if entry["statement_id"] in shown and len(short) < TOP:
            row = _row(agreement, shown[entry["statement_id"]])
            row.holdouts = [
                Interval(
                    h["family"],
                    segment_name(h["family"], h["segment"]),
                    h["rate"],
                    h["lower_bound"],
                    None,
                    h["voters"],
                )
                for h in entry["holdouts"][:4]
            ]
            row.extra["more"] = max(len(entry["holdouts"]) - 4, 0)
            short.append(row)
    divisive = []
    for entry in beyond.get("divisive", []):
        if entry["statement_id"] in shown and len(divisive) < 5:
            row = _row(agreement, shown[entry["statement_id"]])
            row.intervals = agreement.family("group", row.info.id)
            row.extra["bars"] = _bars(row.intervals, _("Agreement by opinion group"))
            divisive.append(row)
    uncertain = []
    totals = result.get("totals") or {}
    position = {s: j for j, s in enumerate(result.get("statements", []))}
    for sid in result.get("uncertainty", []):
        if sid in shown:
            row = _row(agreement, shown[sid])
            j = position[sid]
            seen = totals["seen"][j]
            passed = seen - totals["agree"][j] - totals["disagree"][j]
            row.extra = {"pass_rate": passed / seen if seen else None, "seen": seen}
            uncertain.append(row)
    bridging = []
    for entry in beyond.get("bridging", []):
        if entry["statement_id"] in shown and len(bridging) < 5 and entry["intercept"] > 0:
            row = _row(agreement, shown[entry["statement_id"]])
            row.extra = {"score": entry["intercept"], "ratings": entry["ratings"]}
            bridging.append(row)
    stability = beyond.get("stability") or {}
    return {
        "bridging": bridging,
        "stability": stability.get("ari_mean"),
        "groups": _groups(result, shown, agreement),
        "broad": broad,
        "short": short,
        "divisive": divisive,
        "uncertain": uncertain,
        "map": _map(result, shown, you),
        "heatmaps": _heatmaps(agreement, infos),
    }


def _bars(intervals: list[Interval], title: str):
    rows = [(i.segment, i.rate, i.lower, i.upper, i.voters) for i in intervals]
    return svg_charts.agreement_bars(rows, title)


def _groups(result: dict, shown, agreement: Agreement) -> list[dict]:
    tallies = result.get("tallies") or {}
    group_ids = tallies.get("group_ids") or []
    position = {s: j for j, s in enumerate(result.get("statements", []))}
    labels = {"in": _("In the group"), "out": _("Everyone else"), "title": _("Agreement")}
    out = []
    for g in result.get("groups", []):
        gi = group_ids.index(g["id"]) if g["id"] in group_ids else None
        reps = []
        for rep in (result.get("repness") or {}).get(str(g["id"]), []):
            sid = rep["statement_id"]
            if sid not in shown or gi is None:
                continue
            j = position[sid]
            key = "agree" if rep["direction"] == "agree" else "disagree"
            inside = tallies[key][gi][j] / max(tallies["seen"][gi][j], 1)
            rest_n = sum(tallies["seen"][k][j] for k in range(len(group_ids)) if k != gi)
            rest = sum(tallies[key][k][j] for k in range(len(group_ids)) if k != gi)
            reps.append(
                {
                    "info": shown[sid],
                    "direction": rep["direction"],
                    "inside": inside,
                    "outside": rest / rest_n if rest_n else None,
                    "bars": svg_charts.in_out_bars(
                        inside, rest / rest_n if rest_n else None, labels
                    ),
                }
            )
        out.append(
            {
                "id": g["id"],
                "letter": svg.group_letter(g["id"]),
                "name": segment_name("group", g["id"]),
                "size": g["size"],
                "sectors": _make_up("sector", g["sectors"]),
                "regions": _make_up("region", g["regions"]),
                "reps": reps,
            }
        )
    return out


def _make_up(family: str, counts: dict) -> list[tuple[str, int]]:
    pairs = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [(segment_name(family, None if k == "None" else k), n) for k, n in pairs]


def _map(result: dict, shown, you: int | None):
    participants = result.get("participants") or {}
    groups_present = {g["id"] for g in result.get("groups", [])}
    projections, labels_of = participants.get("projections", []), participants.get("groups", [])
    points = [
        (x, y, g if g in groups_present else -1)
        for (x, y), g in zip(projections, labels_of, strict=True)
        if x is not None and y is not None
    ]
    shown_points = len(points)
    if len(points) > MAP_POINTS:  # an even sample keeps the page light; groups keep their shape
        step = len(points) / MAP_POINTS
        points = [points[int(i * step)] for i in range(MAP_POINTS)]
        shown_points = MAP_POINTS
    groups = [
        (g["id"], segment_name("group", g["id"]), g["size"], g["centre"])
        for g in result.get("groups", [])
    ]
    ids = result.get("statements", [])
    statements = [
        (x, y, f"{shown[s].label}: {shown[s].text}")
        for s, (x, y) in zip(ids, result.get("statement_projections", []), strict=True)
        if s in shown and x is not None and y is not None
    ]
    here = None
    if you is not None and you in participants.get("ids", []):
        here = tuple(participants["projections"][participants["ids"].index(you)])
    labels = {"title": _("Opinion map"), "you": _("You are here")}
    return {
        "svg": svg.opinion_map(points, groups, statements, here, labels),
        "groups": groups,
        "you": here is not None,
        "legend": svg.legend(groups, _("Not yet in a group"), _("A statement")),
        "sampled": shown_points < len(projections),
        "drawn": shown_points,
    }


def _heatmaps(agreement: Agreement, infos: dict[int, StatementInfo]) -> list[dict]:
    clauses = sorted(
        (i for i in infos.values() if i.is_clause and i.current), key=lambda i: i.position
    )
    out = []
    for family, title in (("sector", _("Clause by sector")), ("region", _("Clause by region"))):
        segments = agreement.segments(family)
        if not segments or not clauses:
            continue
        cols = [segment_name(family, s) for s in segments]
        cells = []
        for info in clauses:
            line = []
            for k in range(len(segments)):
                cell = agreement.cell(family, k, info.id)
                line.append((cell.rate, cell.voters))
            cells.append(line)

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

        rows = [i.label for i in clauses]
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
