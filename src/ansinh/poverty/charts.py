"""The transitions chart of a review year (server-rendered SVG through ``core.charts``): one horizontal bar per
kind of change, coloured by its direction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansinh.core.charts import Bar, hbars
from ansinh.core.formatting import vn_number

COLOURS = {"new_poor": "#dc3545", "back_poor": "#a71d2a", "poor_to_near": "#fd7e14", "out_poor": "#198754",
           "new_near": "#ffc107", "back_near": "#b38600", "out_near": "#20c997", "moved": "#6c757d",
           "dissolved": "#495057", "not_reviewed": "#adb5bd"}


def bars(items: Sequence[tuple[str, str, int]], *, title: str, testid: str = "transitions-chart", unit: str = "hộ",
         colours: Mapping[str, str] | None = None, empty: str = "Chưa có số liệu biến động.") -> str:
    """``items``: (key, label, count); ``unit`` names what is counted in the tooltips, ``colours`` the bar of each key
    (the transitions' colours by default). Returns an ``<svg>`` element (responsive width)."""
    colours = COLOURS if colours is None else colours
    return hbars([Bar(label=caption, value=count, colour=colours.get(key, ""), tip=f"{caption}: {vn_number(count)} {unit}")
                  for key, caption, count in items],
                 title=title, testid=testid, width=640, label_width=250, empty=empty)
