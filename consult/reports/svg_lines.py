"""Clause history as a line chart: agreement over analysis runs, overall and per group."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from consult.reports.svg import (
    GRID,
    INK,
    MUTED,
    SHAPES,
    _el,
    _svg,
    group_colour,
    marker,
    titled_group,
)


def history_chart(points: list[dict]) -> Markup:
    """``points``: one per run with ``overall`` and ``groups`` intervals and ``version``.

    Everyone is a solid black line; each opinion group a dashed line in its colour with its
    own marker shape and its name at the line's end; a dotted rule marks a new version.
    """
    width, height, left, right, top, bottom = 640, 220, 40, 110, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(rate):
        return top + plot_h * (1 - rate)

    body = []
    for t in (0, 0.5, 1):
        body.append(_el("line", x1=left, y1=y(t), x2=left + plot_w, y2=y(t), stroke=GRID))
        body.append(
            _el(
                "text",
                f"{int(t * 100)}%",
                x=left - 4,
                y=y(t) + 4,
                font_size="11",
                text_anchor="end",
                fill=MUTED,
            )
        )
    for i in range(1, n):
        if points[i]["version"] != points[i - 1]["version"]:
            version = _("version %(n)d", n=points[i]["version"])
            body.append(
                _el(
                    "line",
                    x1=x(i),
                    y1=top,
                    x2=x(i),
                    y2=top + plot_h,
                    stroke=INK,
                    stroke_dasharray="2 3",
                )
            )
            body.append(
                _el("text", escape(version), x=x(i) + 3, y=top + 10, font_size="11", fill=INK)
            )
    series = [(_("Everyone"), INK, None, "hexagon", [p["overall"] for p in points])]
    names = {g.segment for p in points for g in p["groups"]}
    for k, name in enumerate(sorted(names)):
        cells = [next((g for g in p["groups"] if g.segment == name), None) for p in points]
        series.append((name, group_colour(k), "5 3", SHAPES[k % len(SHAPES)], cells))
    ends: list[tuple[float, float, str]] = []
    for name, colour, dash, shape, cells in series:
        coords = [(x(i), y(c.rate)) for i, c in enumerate(cells) if c and c.rate is not None]
        if not coords:
            continue
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
        parts = [
            _el(
                "polyline",
                points=path,
                fill="none",
                stroke=colour,
                stroke_width="2",
                stroke_dasharray=dash,
            ),
        ]
        parts += [marker(shape, a, b, 3.5, fill=colour) for a, b in coords]
        ends.append((coords[-1][1], coords[-1][0], name))
        body.append(titled_group(name, *parts))
    # End labels, pushed apart so that lines ending close together stay readable.
    placed: list[float] = []
    for end_y, end_x, name in sorted(ends):
        label_y = max([end_y] + [p + 12 for p in placed[-1:]])
        placed.append(label_y)
        body.append(_el("text", escape(name), x=end_x + 8, y=label_y + 4, font_size="11", fill=INK))
    return _svg(
        width, height, _("Agreement over time"), Markup("").join(body), "figure-svg history"
    )
