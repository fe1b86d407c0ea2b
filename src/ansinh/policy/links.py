"""Links to the explanation page, for every page that shows a computed amount.

    explanation_url("tgxh_monthly_allowance", "2024-07",
                    {"tgxh_category": "elderly_80_no_pension", "birth_date": "1940-05-01"})
    -> "/chinh-sach/giai-thich/?variable=tgxh_monthly_allowance&period=2024-07&set=tgxh_category%3D..."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def explanation_url(variable: str, period: str, inputs: Mapping[str, Any] | None = None) -> str:
    query = [("variable", variable), ("period", period)]
    query += [("set", f"{name}={_text(value)}") for name, value in (inputs or {}).items()]
    return f"{reverse('policy:explain')}?{urlencode(query)}"
