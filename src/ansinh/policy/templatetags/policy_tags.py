"""Showing parameter and variable values the Vietnamese way."""

from __future__ import annotations

import datetime as dt
import re

from django import template

from ansinh.core.formatting import vn_money, vn_number
from ansinh.policy.variables.enums import PovertyStatus, TgxhCategory

register = template.Library()

UNIT_LABELS = {"currency-VND": "đồng", "coefficient": "hệ số", "count": "số lượng", "year": "tuổi",
               "points": "điểm", "date": "ngày", "boolean": "đúng/sai", "rule": "quy tắc"}
ENUM_LABELS = {item.name: item.value for enum in (TgxhCategory, PovertyStatus) for item in enum}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register.filter
def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit or "")


@register.filter
def iso_date(value) -> str:
    """'2024-07-01' (or a date) -> '01/07/2024'."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and ISO_DATE.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return "" if value is None else str(value)


@register.filter
def policy_value(value, unit: str = ""):
    """500000 -> '500.000 đ' (currency), 1.5 -> '1,5', True -> 'có', None -> 'trống'."""
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        if unit == "currency-VND":
            return vn_money(int(value))
        if float(value).is_integer():
            return vn_number(int(value))
        return vn_number(value, decimals=len(repr(float(value)).split(".")[1]))
    if isinstance(value, str) and value in ENUM_LABELS:
        return f"{ENUM_LABELS[value]} ({value})"
    return iso_date(value)
