"""Server-rendered SVG figures: the opinion map, agreement bars and heatmaps.

No chart library runs in the browser; the SVG prints and goes into the PDF. Every piece
of text is escaped; colours come from the Okabe-Ito palette (safe for colour-blind
readers) and are never the only carrier of meaning: groups also differ by marker shape
and letter, heatmap cells print their value, bars print their percentage.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
INK, MUTED, GRID = "#1d2228", "#555f6b", "#cfd6de"
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "star", "hexagon")


def group_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def group_colour(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def _attrs(**attrs) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}"
        # Attribute and tag names are constants of this module, never user text.
        parts.append(Markup('{}="{}"').format(Markup(name), value))  # noqa: S704
    return Markup(" ").join(parts)


_TEXT_TAGS = frozenset({"text", "tspan", "title"})


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def isolate(body):
    """``body`` between FSI and PDI when it holds right-to-left letters, so an Arabic
    label reads right to left with its numbers and Latin names in place ("أ 42%" keeps
    the number at its end), while the figure itself stays laid out left to right.
    Markup stays Markup and plain text is escaped on the way (``Markup.format``)."""
    if not _right_to_left(str(body)):
        return body
    return Markup("\u2068{}\u2069").format(body)  # FSI, PDI


def left_to_right(text: str) -> str:
    """``text`` between LRI and PDI: a range like "94%–98%" keeps its low end on the left
    inside an Arabic label, where the bidi algorithm would otherwise swap its ends."""
    return f"\u2066{text}\u2069"


def _el(tag: str, body="", **attrs) -> Markup:
    nested = isinstance(body, Markup) and "<" in body  # elements inside, not a leaf of text
    if tag in _TEXT_TAGS and not nested:
        body = isolate(body)
    return Markup("<{0} {1}>{2}</{0}>").format(Markup(tag), _attrs(**attrs), body)  # noqa: S704


def _title(text: str) -> Markup:
    return _el("title", escape(text))


def titled_group(title: str, *parts: Markup, **attrs) -> Markup:
    """A group of shapes with its tooltip (``<title>``), read on hover or focus."""
    return _el("g", Markup("").join([_title(title), *parts]), **attrs)


def marker(shape: str, x: float, y: float, r: float, **attrs) -> Markup:
    """A point drawn as ``shape``, so groups differ by form as well as colour."""
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=r, **attrs)
    if shape == "square":
        return _el("rect", x=x - r, y=y - r, width=2 * r, height=2 * r, **attrs)
    pts = {
        "triangle": [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "cross": [
            (-0.4, -1.2),
            (0.4, -1.2),
            (0.4, -0.4),
            (1.2, -0.4),
            (1.2, 0.4),
            (0.4, 0.4),
            (0.4, 1.2),
            (-0.4, 1.2),
            (-0.4, 0.4),
            (-1.2, 0.4),
            (-1.2, -0.4),
            (-0.4, -0.4),
        ],
        "star": [
            (0, -1.3),
            (0.35, -0.4),
            (1.25, -0.4),
            (0.5, 0.15),
            (0.8, 1.1),
            (0, 0.5),
            (-0.8, 1.1),
            (-0.5, 0.15),
            (-1.25, -0.4),
            (-0.35, -0.4),
        ],
        "hexagon": [(1.2, 0), (0.6, 1.04), (-0.6, 1.04), (-1.2, 0), (-0.6, -1.04), (0.6, -1.04)],
    }[shape]
    points = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in pts)
    return _el("polygon", points=points, **attrs)


def _svg(width: int, height: int, label: str, body, css_class: str) -> Markup:
    # direction="ltr": the axes and anchors are drawn left to right on every page (an
    # Arabic page would otherwise flip each label's text-anchor); labels isolate their own
    # direction (see :func:`isolate`).
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-label="{label}" class="{cls}" direction="ltr" '
        "font-family=\"system-ui, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', "
        'sans-serif">{body}</svg>'
    ).format(w=width, h=height, label=label, cls=css_class, body=body)


def opinion_map(points, groups, statements, you=None, labels=None) -> Markup:
    """Participants as points, group outlines and letters, statements on focus/hover.

    ``points``: [(x, y, group index or -1)]; ``groups``: [(index, name, size, centre)];
    ``statements``: [(x, y, text)]; ``you``: (x, y) of the viewer, or None. (The map
    itself, and its density form for many participants: :mod:`.svg_map`.)
    """
    import numpy as np

    from consult.reports import svg_map

    labels = labels or {}
    xs = np.array([p[0] for p in points] + [s[0] for s in statements], dtype=np.float64)
    ys = np.array([p[1] for p in points] + [s[1] for s in statements], dtype=np.float64)
    frame = svg_map.Frame.around(xs, ys)
    figure = svg_map.opinion_map(frame, groups, statements, labels, points=points)
    if you is not None:
        figure = svg_map.with_you(figure, frame, you, labels.get("you", "You are here"))
    return figure


def legend_swatch(body) -> Markup:
    """A 16 x 16 inline SVG holding one marker, for HTML legends."""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="16" height="16" '
        'aria-hidden="true" class="legend-swatch">{}</svg>'
    ).format(body)


def legend(groups, unclustered: str, statement: str) -> list[tuple[Markup, str]]:
    """(marker, label) for each (index, name, size, centre) group, then the other marks."""
    from consult.i18n import number

    # The name is isolated, so that "Group A" in Arabic keeps its letter beside the word
    # and the count stays after it ("المجموعة A (103)", not "المجموعة (103) A").
    items = [
        (
            legend_swatch(marker(SHAPES[g % len(SHAPES)], 8, 8, 5, fill=group_colour(g))),
            Markup("<bdi>{}</bdi> ({})").format(name, number(size)),
        )
        for g, name, size, _centre in groups
    ]
    items.append((legend_swatch(marker("circle", 8, 8, 3.5, fill="#9aa4ae")), unclustered))
    items.append((legend_swatch(marker("square", 8, 8, 4, fill="#ffffff", stroke=INK)), statement))
    return items


def text_width(text: str, font_size: float = 12) -> float:
    """An estimate of ``text``'s width in px: CJK characters are about square, Latin
    ones a little over half the font size (generous, so nothing is clipped)."""
    wide = sum(1 for c in text if ord(c) >= 0x2E80)
    return font_size * (wide + 0.6 * (len(text) - wide))


def wrap(text: str, width: float, font_size: float = 12) -> list[str]:
    """``text`` broken into lines of at most ``width`` px (estimated), at spaces, or
    anywhere in CJK runs; never cut short."""
    words = " ".join(str(text).split()).split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, font_size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while text_width(line, font_size) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and text_width(line[:cut], font_size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines or [""]


def text_lines(lines: list[str], x: float, y: float, line_height: float, **attrs) -> Markup:
    """One ``<text>`` with a ``<tspan>`` per line, the first line's baseline at ``y``."""
    spans = Markup("").join(
        _el("tspan", escape(line), x=x, dy=None if i == 0 else line_height)
        for i, line in enumerate(lines)
    )
    return _el("text", spans, x=x, y=y, **attrs)
