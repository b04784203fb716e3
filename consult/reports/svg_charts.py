"""Agreement bars, in-group vs out-group bars and heatmaps (see :mod:`consult.reports.svg`)."""

from __future__ import annotations

from markupsafe import Markup, escape

from consult.reports.svg import (
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    _el,
    _svg,
    left_to_right,
    text_lines,
    text_width,
    titled_group,
    wrap,
)


def percent(rate) -> str:
    """A bar's share as the reader's locale writes it, as on the page around it."""
    from consult.i18n import percent as locale_percent

    return locale_percent(rate)


def agreement_bars(rows, label: str) -> Markup:
    """Horizontal bars: ``rows`` of (label, rate, lower, upper, voters); interval whiskers.
    Long segment names wrap onto more lines (the row grows); none is cut short."""
    left, bar_w, width, line_h = 180, 340, 620, 14
    wrapped = [wrap(row[0], left - 14) for row in rows]
    heights = [max(21, line_h * len(lines) + 7) for lines in wrapped]
    height = sum(heights) + 30
    body = [
        _el(
            "line",
            x1=left + bar_w * t,
            y1=4,
            x2=left + bar_w * t,
            y2=height - 22,
            stroke=GRID,
            stroke_dasharray="2 3" if t not in (0, 1) else None,
        )
        for t in (0, 0.25, 0.5, 0.75, 1)
    ]
    for t in (0, 0.5, 1):
        body.append(
            _el(
                "text",
                f"{int(t * 100)}%",
                x=left + bar_w * t,
                y=height - 6,
                font_size="11",
                text_anchor="middle",
                fill=MUTED,
            )
        )
    top = 6
    for i, (name, rate, lower, upper, voters) in enumerate(rows):
        # Bars sit at the top of their row, level with the first line of the name.
        y, lines = top, wrapped[i]
        top += heights[i]
        span = left_to_right(f"{percent(lower)}–{percent(upper)}")
        title = f"{name}: {percent(rate)} ({span}), n={voters}"
        parts = [
            text_lines(lines, left - 8, y + 14, line_h, font_size="12", text_anchor="end", fill=INK)
        ]
        if rate is not None:
            parts.append(
                _el(
                    "rect",
                    x=left,
                    y=y + 3,
                    width=max(bar_w * rate, 1),
                    height=14,
                    fill=OKABE_ITO[0],
                    opacity="0.85",
                )
            )
            if lower is not None and upper is not None:
                # The interval: a line from lower to upper, with a tick at each end.
                segments = [(lower, 10, upper, 10), (lower, 5, lower, 15), (upper, 5, upper, 15)]
                parts += [
                    _el(
                        "line",
                        x1=left + bar_w * a,
                        y1=y + ya,
                        x2=left + bar_w * b,
                        y2=y + yb,
                        stroke=INK,
                        stroke_width="2",
                    )
                    for a, ya, b, yb in segments
                ]
            parts.append(
                _el(
                    "text",
                    f"{percent(rate)} · n={voters}",
                    x=left + bar_w + 8,
                    y=y + 14,
                    font_size="12",
                    fill=INK,
                )
            )
        body.append(titled_group(title, *parts, tabindex="0"))
    return _svg(width, height, label, Markup("").join(body), "figure-svg bars")


def in_out_bars(in_rate, out_rate, labels) -> Markup:
    """Two bars: agreement inside the group and among everyone else."""
    rows = [(labels["in"], in_rate), (labels["out"], out_rate)]
    body = []
    for i, (name, rate) in enumerate(rows):
        y = 4 + i * 20
        body.append(_el("text", escape(name), x=0, y=y + 12, font_size="12", fill=INK))
        body.append(_el("rect", x=110, y=y + 2, width=200, height=13, fill="#eef1f4"))
        if rate is not None:
            fill = OKABE_ITO[0] if i == 0 else OKABE_ITO[1]
            pattern = None if i == 0 else "4 2"
            body.append(
                _el(
                    "rect",
                    x=110,
                    y=y + 2,
                    width=max(200 * rate, 1),
                    height=13,
                    fill=fill,
                    stroke=INK if pattern else None,
                    stroke_dasharray=pattern,
                )
            )
        body.append(_el("text", percent(rate), x=318, y=y + 12, font_size="12", fill=INK))
    return _svg(360, 46, labels["title"], Markup("").join(body), "figure-svg in-out")


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def diverging(rate: float) -> str:
    """Orange (disagree) through white to blue (agree): a colour-blind-safe scale."""
    if rate < 0.5:
        return _mix("#b35806", "#f7f7f7", rate / 0.5)
    return _mix("#f7f7f7", "#2166ac", (rate - 0.5) / 0.5)


def heatmap(row_labels, col_labels, cells, label: str, count_text) -> Markup:
    """``cells[i][j]`` = (rate or None, voters); each cell prints its value and, on
    focus or hover, its counts (``count_text(row, col, rate, voters)``).

    Row labels (clause titles) wrap onto as many lines as they need and the row grows
    to fit; column labels (sector and region names) are written whole, slanted, with
    room made above and to the right for the longest. Nothing is cut short."""
    label_w, cw, line_h = 230, 64, 15
    slant = 0.643  # sin 40 degrees: how far a slanted label rises per px of its length
    longest = max((text_width(str(c)) for c in col_labels), default=0)
    left, top = label_w + 12, int(longest * slant) + 24
    wrapped = [wrap(name, label_w) for name in row_labels]
    heights = [max(30, line_h * len(lines) + 12) for lines in wrapped]
    right = max(90, int(longest * 0.766 - cw / 2) + 12)  # cos 40 degrees: the run to the right
    width = left + cw * len(col_labels) + right
    height = top + sum(heights) + 10
    body = []
    for j, name in enumerate(col_labels):
        x = left + j * cw + cw / 2
        body.append(
            _el(
                "text",
                escape(" ".join(str(name).split())),
                x=x,
                y=top - 8,
                font_size="12",
                fill=INK,
                transform=f"rotate(-40 {x:.1f} {top - 8})",
            )
        )
    y = top
    for i, name in enumerate(row_labels):
        ch, lines = heights[i], wrapped[i]
        first = y + ch / 2 + 4 - line_h * (len(lines) - 1) / 2
        body.append(
            text_lines(lines, left - 10, first, line_h, font_size="12", text_anchor="end", fill=INK)
        )
        for j, (rate, voters) in enumerate(cells[i]):
            x = left + j * cw
            text = count_text(name, col_labels[j], rate, voters)
            if rate is None:
                fill, value, colour = "#ffffff", "–", MUTED
            else:
                fill, value = diverging(rate), percent(rate)
                colour = "#ffffff" if abs(rate - 0.5) > 0.32 else INK
            body.append(
                titled_group(
                    text,
                    _el(
                        "rect",
                        x=x + 1,
                        y=y + 1,
                        width=cw - 2,
                        height=ch - 2,
                        fill=fill,
                        stroke=GRID,
                    ),
                    _el(
                        "text",
                        value,
                        x=x + cw / 2,
                        y=y + ch / 2 + 4,
                        font_size="12",
                        text_anchor="middle",
                        fill=colour,
                    ),
                    tabindex="0",
                    class_="heat-cell",
                )
            )
        y += ch
    return _svg(width, height, label, Markup("").join(body), "figure-svg heatmap")


def columns(points, label: str, value_text) -> Markup:
    """A column per (label, count), e.g. votes per day; each column is focusable with its
    count in ``<title>``, and the largest is labelled."""
    width, height, left, bottom = 640, 150, 8, 22
    top = max((n for _d, n in points), default=0) or 1
    step = (width - 2 * left) / max(len(points), 1)
    body = [
        _el("line", x1=left, y1=height - bottom, x2=width - left, y2=height - bottom, stroke=GRID)
    ]
    for i, (day, n) in enumerate(points):
        h = (height - bottom - 20) * n / top
        x = left + i * step
        body.append(
            titled_group(
                value_text(day, n),
                _el(
                    "rect",
                    x=x + step * 0.1,
                    y=height - bottom - h,
                    width=max(step * 0.8, 1),
                    height=max(h, 0.5),
                    fill=OKABE_ITO[0],
                ),
                tabindex="0",
                class_="column",
            )
        )
    if points:
        for i in {0, len(points) - 1}:
            anchor = "start" if i == 0 else "end"
            x = left if i == 0 else width - left
            body.append(
                _el(
                    "text",
                    escape(points[i][0]),
                    x=x,
                    y=height - 6,
                    font_size="11",
                    text_anchor=anchor,
                    fill=MUTED,
                )
            )
        body.append(
            _el(
                "text",
                escape(value_text(*max(points, key=lambda p: p[1]))),
                x=left,
                y=12,
                font_size="11",
                fill=MUTED,
            )
        )
    return _svg(width, height, label, Markup("").join(body), "figure-svg columns")
