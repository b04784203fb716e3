"""The opinion map as SVG: participants as marks, or, beyond a few thousand, as a density
of hexagonal bins (each coloured by the group most of its participants belong to, darker
where more sit), group outlines and letters, statements on focus or hover, and the
reader's own mark, exact, added per request to a map drawn once per snapshot.

The map's :class:`Frame` (data to pixels) is kept with the drawing so that
:func:`with_you` can place the reader's mark on a cached map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

from consult.reports.svg import GRID, INK, SHAPES, _el, _svg, group_colour, marker, titled_group

WIDTH, HEIGHT, PAD = 640, 440, 36
HEX_RADIUS = 9.0  # px: about 1,000 cells cover the map; a page holds the occupied ones
SHADES = 6  # darkness steps of the density (one SVG path per group colour and step)
UNCLUSTERED = "#9aa4ae"


@dataclass(frozen=True)
class Frame:
    """Data coordinates to pixels: one scale for both axes, so distances keep their meaning."""

    lo_x: float
    lo_y: float
    span: float
    height: int

    @classmethod
    def around(cls, xs: np.ndarray, ys: np.ndarray) -> Frame:
        if not len(xs):
            xs = ys = np.zeros(1)
        lo_x, hi_x, lo_y, hi_y = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
        span = max(hi_x - lo_x, hi_y - lo_y, 1e-9)
        scaled = (hi_y - lo_y) / span * (HEIGHT - 2 * PAD) + 2 * PAD
        return cls(lo_x, lo_y, span, int(max(scaled, 200)))

    def sx(self, x):
        return PAD + (x - self.lo_x) / self.span * (WIDTH - 2 * PAD)

    def sy(self, y):
        return PAD + (y - self.lo_y) / self.span * (HEIGHT - 2 * PAD)


@dataclass(frozen=True)
class HexBin:
    """One hexagon of the density: its centre in px, how many participants it holds, and
    the group most of them belong to (-1: not yet in a group)."""

    x: float
    y: float
    count: int
    group: int


def hex_bins(px: np.ndarray, py: np.ndarray, groups: np.ndarray, radius: float) -> list[HexBin]:
    """Participants at pixel positions (``px``, ``py``) binned into pointy-top hexagons of
    circumradius ``radius``: each point goes to the nearest centre of two offset lattices
    (which is the hexagon it lies in). Every point is in exactly one bin."""
    if not len(px):
        return []
    w, h = math.sqrt(3) * radius, 3 * radius
    ia, ja = np.rint(px / w), np.rint(py / h)
    ib, jb = np.floor(px / w), np.floor(py / h)
    da = (px - ia * w) ** 2 + (py - ja * h) ** 2
    db = (px - (ib + 0.5) * w) ** 2 + (py - (jb + 0.5) * h) ** 2
    on_b = db < da
    # A bin's key: column, row and lattice in one integer (rows and columns are small).
    col = np.where(on_b, ib, ia).astype(np.int64) + 4096
    row = np.where(on_b, jb, ja).astype(np.int64) + 4096
    keys = (col * 8192 + row) * 2 + on_b
    bins, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse)
    labels, group_index = np.unique(groups, return_inverse=True)
    per_group = np.zeros((len(bins), len(labels)), dtype=np.int64)
    np.add.at(per_group, (inverse, group_index), 1)
    dominant = labels[per_group.argmax(axis=1)]
    lattice = bins % 2
    row_of = (bins // 2) % 8192 - 4096
    col_of = (bins // 2) // 8192 - 4096
    cx = (col_of + 0.5 * lattice) * w
    cy = (row_of + 0.5 * lattice) * h
    return [
        HexBin(float(x), float(y), int(n), int(g))
        for x, y, n, g in zip(cx, cy, counts, dominant, strict=True)
    ]


def _hexagon(x: float, y: float, r: float) -> str:
    """A pointy-top hexagon as relative path commands (about 40 bytes)."""
    half, side = 0.866 * r, r / 2
    return (
        f"M{x:.1f} {y - r:.1f}l{half:.1f} {side:.1f}v{r:.1f}l-{half:.1f} {side:.1f}"
        f"-{half:.1f}-{side:.1f}v-{r:.1f}z"
    )


def shade_of(count: int, densest: int) -> int:
    """The darkness step (1 to :data:`SHADES`) of a bin: square root of its share of the
    densest bin, so sparse areas stay visible."""
    return max(1, math.ceil(SHADES * math.sqrt(count / max(densest, 1))))


def _density(bins: list[HexBin], present: set[int]) -> Markup:
    """The bins as one path per group colour and darkness step (a few dozen elements
    however many bins)."""
    densest = max((b.count for b in bins), default=1)
    paths: dict[tuple[str, int], list[str]] = {}
    for b in bins:
        colour = group_colour(b.group) if b.group in present else UNCLUSTERED
        paths.setdefault((colour, shade_of(b.count, densest)), []).append(
            _hexagon(b.x, b.y, HEX_RADIUS)
        )
    return Markup("").join(
        Markup('<path d="{}" fill="{}" fill-opacity="{:.2f}"/>').format(
            "".join(cells), colour, 0.15 + 0.8 * step / SHADES
        )
        for (colour, step), cells in sorted(paths.items())
    )


def _points(points, frame: Frame, present: set[int]) -> Markup:
    dots = []
    for x, y, g in points:
        if g not in present:
            dots.append(
                _el(
                    "circle", cx=frame.sx(x), cy=frame.sy(y), r=2.5, fill=UNCLUSTERED, opacity="0.6"
                )
            )
        else:
            dots.append(
                marker(
                    SHAPES[g % len(SHAPES)],
                    frame.sx(x),
                    frame.sy(y),
                    3.2,
                    fill=group_colour(g),
                    opacity="0.55",
                )
            )
    return Markup("").join(dots)


def opinion_map(
    frame: Frame,
    groups,
    statements,
    labels: dict,
    *,
    points=None,
    bins: list[HexBin] | None = None,
    spreads: dict[int, tuple[float, float]] | None = None,
) -> Markup:
    """The map without the reader's mark (see :func:`with_you`).

    ``groups``: [(index, name, size, centre)]; ``statements``: [(x, y, text)]; either
    ``points`` [(x, y, group index or -1)] or density ``bins``; ``spreads``: each group's
    outline half-widths in px (from the points when not given)."""
    height = frame.height
    present = {g[0] for g in groups}
    body = [
        _el("rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff", stroke=GRID),
        _el("line", x1=frame.sx(0), y1=PAD / 2, x2=frame.sx(0), y2=height - PAD / 2, stroke=GRID),
        _el("line", x1=PAD / 2, y1=frame.sy(0), x2=WIDTH - PAD / 2, y2=frame.sy(0), stroke=GRID),
    ]
    marks = _density(bins, present) if bins is not None else _points(points or [], frame, present)
    body.append(_el("g", marks, aria_hidden="true", class_="map-marks"))
    for index, name, size, centre in groups:
        cx, cy = frame.sx(centre[0]), frame.sy(centre[1])
        if spreads is not None:
            rx, ry = spreads.get(index, (0.0, 0.0))
        else:
            member = [(frame.sx(x), frame.sy(y)) for x, y, g in points or [] if g == index]
            rx = _spread([m[0] for m in member], cx)
            ry = _spread([m[1] for m in member], cy)
        rx, ry = max(18.0, rx), max(18.0, ry)
        outline = _el(
            "ellipse",
            cx=cx,
            cy=cy,
            rx=rx,
            ry=ry,
            fill="none",
            stroke=group_colour(index),
            stroke_width="2.5",
            stroke_dasharray="6 3",
        )
        letter = _el(
            "text",
            escape(name),
            x=cx,
            y=cy - ry - 6,
            text_anchor="middle",
            font_size="15",
            font_weight="700",
            fill=INK,
        )
        body.append(titled_group(f"{name}: {size}", outline, letter, class_="map-group"))
    for x, y, text in statements:
        square = _el(
            "rect",
            x=frame.sx(x) - 4,
            y=frame.sy(y) - 4,
            width=8,
            height=8,
            fill="#ffffff",
            stroke=INK,
            stroke_width="1.5",
        )
        body.append(titled_group(text, square, class_="map-statement", tabindex="0"))
    title = labels.get("title", "Opinion map")
    return _svg(WIDTH, height, title, Markup("").join(body), "figure-svg opinion-map")


def with_you(figure: Markup, frame: Frame, you: tuple[float, float], label: str) -> Markup:
    """``figure`` with the reader's own mark, ringed and labelled, at its exact place."""
    ux, uy = frame.sx(you[0]), frame.sy(you[1])
    mark = titled_group(
        label,
        _el("circle", cx=ux, cy=uy, r=8, fill="none", stroke=INK, stroke_width="3"),
        _el(
            "text", escape(label), x=ux + 11, y=uy + 4, font_size="13", font_weight="700", fill=INK
        ),
        class_="map-you",
    )
    body = str(figure)
    end = body.rindex("</svg>")
    # ``figure`` is Markup this module drew (escaped); only its closing tag is cut off.
    return Markup(body[:end]) + mark + Markup("</svg>")  # noqa: S704


def spreads_of(px: np.ndarray, py: np.ndarray, groups: np.ndarray, centres: dict) -> dict:
    """Each group's outline half-widths in px: the 80th percentile distance from its centre
    on each axis, plus a margin (as the point map draws them)."""
    out = {}
    for index, (cx, cy) in centres.items():
        member = groups == index
        if not member.any():
            out[index] = (0.0, 0.0)
            continue
        out[index] = tuple(
            float(np.sort(np.abs(values[member] - c))[int(0.8 * (member.sum() - 1))]) + 6
            for values, c in ((px, cx), (py, cy))
        )
    return out


def _spread(values, centre) -> float:
    if not values:
        return 0.0
    deviations = sorted(abs(v - centre) for v in values)
    return deviations[int(0.8 * (len(deviations) - 1))] + 6
