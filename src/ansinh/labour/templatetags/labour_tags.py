"""Template helpers of the labour pages: figures in the Vietnamese format, indicator and breakdown names."""

from __future__ import annotations

from django import template

from ansinh.core.formatting import vn_number
from ansinh.labour.indicators import BREAKDOWN_LABELS, INDICATORS

register = template.Library()


@register.simple_tag
def indicator_number(value, rate=False) -> str:
    """9997 → «9.997»; a rate 2.3149 → «2,31»; nothing → «—»."""
    if value is None:
        return "—"
    return vn_number(float(value), 2) if rate else vn_number(int(value))


@register.filter
def breakdown_label(code: str) -> str:
    return BREAKDOWN_LABELS.get(code, code)


@register.filter
def indicator_name(code: str) -> str:
    found = INDICATORS.get(code)
    return found.name if found else code
