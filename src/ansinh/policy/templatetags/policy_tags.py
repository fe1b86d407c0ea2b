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
ENUM_LABELS |= {"highest_only": "chỉ hưởng mức cao nhất", "stack": "cộng dồn các nhóm"}  # unit «rule» parameters
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


def _number_value(value: float, unit: str) -> str:
    if unit == "currency-VND":
        return vn_money(int(value))
    if float(value).is_integer():
        return vn_number(int(value))
    return vn_number(value, decimals=len(repr(float(value)).split(".")[1]))


@register.filter
def policy_value(value, unit: str = ""):
    """500000 -> '500.000 đ' (currency), 1.5 -> '1,5', True -> 'có', None -> 'trống', 'poor' -> 'Hộ nghèo'."""
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return _number_value(value, unit)
    if isinstance(value, str) and value in ENUM_LABELS:
        return ENUM_LABELS[value]
    return iso_date(value)


@register.filter
def shown_value(node) -> str:
    """A variable's value in an explanation (a node or an input) the Vietnamese way: the enum's label,
    «có»/«không», 500.000 đ, 01/05/1940."""
    value = node.get("value") if isinstance(node, dict) else getattr(node, "value", None)
    get = node.get if isinstance(node, dict) else lambda key, default="": getattr(node, key, default)
    if get("value_label", ""):
        return get("value_label", "")
    if isinstance(value, str) and value in ENUM_LABELS:
        return ENUM_LABELS[value]
    return policy_value(value, get("unit", ""))


@register.filter
def period_label(period) -> str:
    """'2024-07' → 'tháng 07/2024', '2024' → 'năm 2024', 'month:2024-01:12' → 'từ tháng 01/2024, 12 tháng';
    an eternity period says nothing."""
    text = str(period or "")
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if month:
        return f"tháng {month.group(2)}/{month.group(1)}"
    if re.fullmatch(r"\d{4}", text):
        return f"năm {text}"
    many = re.fullmatch(r"(month|year):(\d{4})(?:-(\d{2}))?:(\d+)", text)
    if many:
        unit, year, mm, size = many.groups()
        start = f"tháng {mm}/{year}" if mm else f"năm {year}"
        return f"từ {start}, {size} {'tháng' if unit == 'month' else 'năm'}"
    return ""


SOURCE_LABELS = {"nhập": "đã nhập", "tính": "tính theo quy tắc", "mặc định": "giá trị mặc định"}


@register.filter
def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


@register.filter
def is_meaningful(node) -> bool:
    """Whether a step of the chain counts (a non-zero, non-false value): the others start folded."""
    value = node.get("value")
    return value not in (None, False, 0, 0.0, "", "none")
