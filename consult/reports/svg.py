"""Server-rendered SVG figures: the opinion map, agreement bars and heatmaps.

No chart library runs in the browser; the SVG prints and goes into the PDF. Every piece
of text is escaped; colours come from the Okabe-Ito palette (safe for colour-blind
readers) and are never the only carrier of meaning: groups also differ by marker shape
and letter, heatmap cells print their value, bars print their percentage.
"""

from __future__ import annotations

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


def _el(tag: str, body="", **attrs) -> Markup:
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
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-label="{label}" class="{cls}" '
        "font-family=\"system-ui, 'Noto Sans', 'Noto Sans CJK SC', sans-serif\">{body}</svg>"
    ).format(w=width, h=height, label=label, cls=css_class, body=body)


def opinion_map(points, groups, statements, you=None, labels=None) -> Markup:
    """Participants as points, group outlines and letters, statements on focus/hover.

    ``points``: [(x, y, group index or -1)]; ``groups``: [(index, name, size, centre)];
    ``statements``: [(x, y, text)]; ``you``: (x, y) of the viewer, or None.
    """
    labels = labels or {}
    width, height, pad = 640, 440, 36
    xs = [p[0] for p in points] + [s[0] for s in statements] or [0.0]
    ys = [p[1] for p in points] + [s[1] for s in statements] or [0.0]
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    span = max(hi_x - lo_x, hi_y - lo_y, 1e-9)

    def sx(x):
        return pad + (x - lo_x) / span * (width - 2 * pad)

    def sy(y):
        return pad + (y - lo_y) / span * (height - 2 * pad)

    scale_h = (hi_y - lo_y) / span * (height - 2 * pad) + 2 * pad
    height = int(max(scale_h, 200))
    body = [
        _el("rect", x=0, y=0, width=width, height=height, fill="#ffffff", stroke=GRID),
        _el("line", x1=sx(0), y1=pad / 2, x2=sx(0), y2=height - pad / 2, stroke=GRID),
        _el("line", x1=pad / 2, y1=sy(0), x2=width - pad / 2, y2=sy(0), stroke=GRID),
    ]
    dots = []
    for x, y, g in points:
        if g < 0:
            dots.append(_el("circle", cx=sx(x), cy=sy(y), r=2.5, fill="#9aa4ae", opacity="0.6"))
        else:
            dots.append(
                marker(
                    SHAPES[g % len(SHAPES)], sx(x), sy(y), 3.2, fill=group_colour(g), opacity="0.55"
                )
            )
    body.append(_el("g", Markup("").join(dots), aria_hidden="true"))
    for index, name, size, centre in groups:
        cx, cy = sx(centre[0]), sy(centre[1])
        member = [(sx(x), sy(y)) for x, y, g in points if g == index]
        rx = max(18.0, _spread([m[0] for m in member], cx))
        ry = max(18.0, _spread([m[1] for m in member], cy))
        body.append(
            titled_group(
                f"{name}: {size}",
                _el(
                    "ellipse",
                    cx=cx,
                    cy=cy,
                    rx=rx,
                    ry=ry,
                    fill="none",
                    stroke=group_colour(index),
                    stroke_width="2.5",
                    stroke_dasharray="6 3",
                ),
                _el(
                    "text",
                    escape(name),
                    x=cx,
                    y=cy - ry - 6,
                    text_anchor="middle",
                    font_size="15",
                    font_weight="700",
                    fill=INK,
                ),
                class_="map-group",
            )
        )
    for x, y, text in statements:
        body.append(
            titled_group(
                text,
                _el(
                    "rect",
                    x=sx(x) - 4,
                    y=sy(y) - 4,
                    width=8,
                    height=8,
                    fill="#ffffff",
                    stroke=INK,
                    stroke_width="1.5",
                    transform=None,
                ),
                class_="map-statement",
                tabindex="0",
            )
        )
    if you is not None:
        ux, uy = sx(you[0]), sy(you[1])
        you_text = labels.get("you", "You are here")
        body.append(
            titled_group(
                you_text,
                _el("circle", cx=ux, cy=uy, r=8, fill="none", stroke=INK, stroke_width="3"),
                _el(
                    "text",
                    escape(you_text),
                    x=ux + 11,
                    y=uy + 4,
                    font_size="13",
                    font_weight="700",
                    fill=INK,
                ),
                class_="map-you",
            )
        )
    return _svg(
        width,
        height,
        labels.get("title", "Opinion map"),
        Markup("").join(body),
        "figure-svg opinion-map",
    )


def _spread(values, centre) -> float:
    if not values:
        return 0.0
    deviations = sorted(abs(v - centre) for v in values)
    return deviations[int(0.8 * (len(deviations) - 1))] + 6


def legend_swatch(body) -> Markup:
    """A 16 x 16 inline SVG holding one marker, for HTML legends."""
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="16" height="16" '
        'aria-hidden="true" class="legend-swatch">{}</svg>'
    ).format(body)


def legend(groups, unclustered: str, statement: str) -> list[tuple[Markup, str]]:
    """(marker, label) for each (index, name, size, centre) group, then the other marks."""
    items = [
        (
            legend_swatch(marker(SHAPES[g % len(SHAPES)], 8, 8, 5, fill=group_colour(g))),
            f"{name} ({size})",
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
