"""Server-rendered SVG charts (no JavaScript, no CDN, printable): horizontal bars, monthly columns, an age
pyramid. Every figure is written by ``core.formatting`` (Vietnamese numbers); every chart has a ``<title>``
and an ``aria-label`` for screen readers and a ``data-testid`` for the tests.

The drawing is responsive: a ``viewBox`` with ``width="100%"`` and a ``max-width``, so the chart shrinks to a
phone's width and never makes the page scroll sideways. Keep ``width`` near 440–720 units and the fonts at
12–13 units: on a 390-px phone a 440-unit chart is drawn at about 0,8 scale.

Apps keep their own chart functions (what to draw, their colours and captions) and build them from these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ansinh.core.formatting import vn_number

FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
BLUE, LIGHT_BLUE, RED, PINK, GREY = "#0d6efd", "#9ec5fe", "#dc3545", "#d63384", "#6c757d"


def _open(title: str, width: int, height: float, testid: str) -> list[str]:
    label = escape(title)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
            f'viewBox="0 0 {width} {height:.0f}" width="100%" style="max-width:{width}px;height:auto" '
            f'preserveAspectRatio="xMinYMin meet" {FONT} data-testid="{escape(testid)}">',
            f"<title>{label}</title>",
            f'<text x="4" y="18" font-size="14" font-weight="bold">{label}</text>']


def empty_chart(*, title: str, message: str = "Chưa có số liệu.", width: int = 440, testid: str = "chart") -> str:
    return "".join([*_open(title, width, 56, testid),
                    f'<text x="4" y="44" font-size="13" fill="{GREY}">{escape(message)}</text></svg>'])


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: ``value`` drawn solid; ``whole`` (optional, ≥ value) drawn light behind it (e.g.
    paid out of approved); ``colour`` overrides the chart's."""

    label: str
    value: int
    whole: int | None = None
    colour: str = ""
    tip: str = ""
    text: str = ""  # written after the bar (default: the value)


def hbars(bars: Sequence[Bar], *, title: str, testid: str, legend: str = "", width: int = 440,
          label_width: int = 150, value_text=vn_number, empty: str = "Chưa có số liệu.") -> str:
    """Horizontal bars, one row per ``Bar``, the value written after the bar (``value_text`` formats it)."""
    if not bars or not any(b.value or b.whole for b in bars):
        return empty_chart(title=title, message=empty, width=width, testid=testid)
    row, top = 24, 30
    right = 92
    plot = width - label_width - right
    biggest = max(max(b.value, b.whole or 0) for b in bars) or 1
    height = top + row * len(bars) + (22 if legend else 6)
    parts = _open(title, width, height, testid)
    for i, b in enumerate(bars):
        y = top + i * row
        tip = escape(b.tip or f"{b.label}: {value_text(b.value)}")
        parts.append(f"<g><title>{tip}</title>"
                     f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f"{escape(_short(b.label, 24))}</text>")
        if b.whole:
            parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{plot * b.whole / biggest:.1f}" '
                         f'height="{row - 8}" fill="{LIGHT_BLUE}"/>')
        w = plot * b.value / biggest
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="{b.colour or BLUE}"/>')
        end = label_width + plot * max(b.value, b.whole or 0) / biggest
        parts.append(f'<text x="{end + 4:.1f}" y="{y + 15}" font-size="12">{escape(b.text or value_text(b.value))}</text></g>')
    if legend:
        parts.append(f'<text x="4" y="{height - 6:.0f}" font-size="11" fill="{GREY}">{escape(legend)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Column:
    """One column of a time series: ``whole`` drawn light, ``part`` (≤ whole) solid in front; ``line`` an
    optional second measure drawn as a line on its own scale."""

    label: str
    whole: int
    part: int = 0
    line: int | None = None
    tip: str = ""


def columns(cols: Sequence[Column], *, title: str, testid: str, top_text=vn_number, legend: str = "",
            width: int = 440, height: int = 230, empty: str = "Chưa có số liệu.") -> str:
    """Vertical columns (months), the light ``whole`` with the solid ``part`` in front, an optional red line."""
    if not cols or not any(c.whole or c.part for c in cols):
        return empty_chart(title=title, message=empty, width=width, testid=testid)
    left, bottom, top = 8, 40, 40
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = plot_w / len(cols)
    bar = max(step * 0.62, 3)
    biggest = max(max(c.whole, c.part) for c in cols) or 1
    line_top = max((c.line or 0 for c in cols), default=0) or 1
    parts = _open(title, width, height, testid)
    parts.append(f'<text x="{left}" y="{top - 6}" font-size="11" fill="{GREY}">cao nhất {escape(top_text(biggest))}'
                 "</text>")
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>')
    points = []
    every = 1 if len(cols) <= 12 else 2
    for i, c in enumerate(cols):
        x = left + i * step + (step - bar) / 2
        h, part_h = plot_h * c.whole / biggest, plot_h * c.part / biggest
        tip = escape(c.tip or f"{c.label}: {top_text(c.whole)}")
        parts.append(f"<g><title>{tip}</title>"
                     f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{LIGHT_BLUE}"/>'
                     f'<rect x="{x:.1f}" y="{top + plot_h - part_h:.1f}" width="{bar:.1f}" height="{part_h:.1f}" '
                     f'fill="{BLUE}"/></g>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 15}" font-size="11" text-anchor="middle">'
                         f"{escape(c.label)}</text>")
        if c.line is not None:
            points.append(f"{x + bar / 2:.1f},{top + plot_h - plot_h * c.line / line_top:.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{RED}" stroke-width="2"/>')
    if legend:
        parts.append(f'<text x="{left}" y="{height - 6}" font-size="11" fill="{GREY}">{escape(legend)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def pyramid(rows: Sequence[tuple[str, int, int]], *, title: str, testid: str = "pyramid-chart",
            width: int = 440) -> str:
    """A population pyramid: ``rows`` are (age band, men, women), youngest first; drawn oldest at the top."""
    if not rows or not any(m or f for _, m, f in rows):
        return empty_chart(title=title, message="Chưa có nhân khẩu trong địa bàn.", width=width, testid=testid)
    row, top, middle_w = 22, 48, 54
    side = (width - middle_w - 8) / 2 - 52
    centre = width / 2
    biggest = max(max(m, f) for _, m, f in rows) or 1
    height = top + row * len(rows) + 8
    total_m, total_f = sum(m for _, m, _ in rows), sum(f for _, _, f in rows)
    parts = _open(title, width, height, testid)
    parts.append(f'<text x="{centre - middle_w / 2 - 4:.1f}" y="38" font-size="12" text-anchor="end" fill="{BLUE}">'
                 f"Nam {escape(vn_number(total_m))}</text>"
                 f'<text x="{centre + middle_w / 2 + 4:.1f}" y="38" font-size="12" fill="{PINK}">'
                 f"Nữ {escape(vn_number(total_f))}</text>")
    for i, (band, men, women) in enumerate(reversed(rows)):
        y = top + i * row
        wm, wf = side * men / biggest, side * women / biggest
        left_edge = centre - middle_w / 2
        right_edge = centre + middle_w / 2
        parts.append(f"<g><title>{escape(band)} tuổi: nam {escape(vn_number(men))}, nữ {escape(vn_number(women))}"
                     "</title>"
                     f'<rect x="{left_edge - wm:.1f}" y="{y + 2}" width="{wm:.1f}" height="{row - 5}" fill="{BLUE}"/>'
                     f'<rect x="{right_edge:.1f}" y="{y + 2}" width="{wf:.1f}" height="{row - 5}" fill="{PINK}"/>'
                     f'<text x="{centre:.1f}" y="{y + 15}" font-size="12" text-anchor="middle">{escape(band)}</text>'
                     f'<text x="{left_edge - wm - 4:.1f}" y="{y + 15}" font-size="11" text-anchor="end">'
                     f"{escape(vn_number(men))}</text>"
                     f'<text x="{right_edge + wf + 4:.1f}" y="{y + 15}" font-size="11">{escape(vn_number(women))}'
                     "</text></g>")
    parts.append("</svg>")
    return "".join(parts)
