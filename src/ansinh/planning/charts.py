"""Server-rendered SVG (no JavaScript, no CDN): each indicator's achievement as a share of its target, a bar per
indicator with a 100 % line; labels and numbers in Vietnamese, escaped."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from ansinh.core.formatting import vn_number

WIDTH, ROW, LEFT, RIGHT, TOP = 640, 30, 240, 70, 30


def plan_bars(items: list[tuple[str, Decimal | None]], *, title: str) -> str:
    """``items``: (label, percent of plan or None). Bars up to 150 %; the 100 % line marks the plan."""
    label = escape(title)
    height = TOP + ROW * max(len(items), 1) + 12
    plot = WIDTH - LEFT - RIGHT
    scale = plot / 150
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" style="max-width:{WIDTH}px" data-testid="plan-chart"><title>{label}</title>',
             f'<text x="4" y="18" font-size="14" font-weight="bold">{label}</text>']
    if not items:
        parts.append(f'<text x="10" y="{TOP + 16}" font-size="13">Chưa có chỉ tiêu có kế hoạch trong kỳ.</text>')
    for i, (caption, pct) in enumerate(items):
        y = TOP + i * ROW
        value = float(pct or 0)
        width = min(value, 150) * scale
        colour = "#198754" if value >= 100 else "#0d6efd" if value >= 50 else "#dc3545"
        text = "—" if pct is None else f"{vn_number(pct, 2)}%"
        parts.append(f'<g><title>{escape(caption)}: {escape(text)} kế hoạch</title>'
                     f'<text x="{LEFT - 6}" y="{y + 17}" font-size="12" text-anchor="end">{escape(caption[:38])}</text>'
                     f'<rect x="{LEFT}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" fill="{colour}"/>'
                     f'<text x="{LEFT + width + 4:.1f}" y="{y + 17}" font-size="12">{escape(text)}</text></g>')
    x100 = LEFT + 100 * scale
    parts.append(f'<line x1="{x100:.1f}" y1="{TOP}" x2="{x100:.1f}" y2="{height - 8}" stroke="#6c757d" '
                 'stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x100 + 2:.1f}" y="{TOP - 2}" font-size="11" fill="#6c757d">100% KH</text></svg>')
    return "".join(parts)
