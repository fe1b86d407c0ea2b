"""Vietnamese number formatting: 172.081 · 197.100.000.000 đ · 197,1 tỷ đồng · 99,13%."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def vn_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if decimals else f"{sign}{text}"


def vn_money(value: int | None) -> str:
    """197100000000 -> '197.100.000.000 đ'."""
    return "" if value is None else f"{vn_number(value)} đ"


def vn_billions(value: int | None, decimals: int = 1) -> str:
    """197100000000 -> '197,1 tỷ đồng'."""
    return "" if value is None else f"{vn_number(Decimal(value) / Decimal(10**9), decimals)} tỷ đồng"


def vn_percent(numerator: int | float, denominator: int | float, decimals: int = 2) -> str:
    """172081 / 173591 -> '99,13%'. An empty denominator gives '—'."""
    if not denominator:
        return "—"
    return f"{vn_number(Decimal(str(numerator)) * 100 / Decimal(str(denominator)), decimals)}%"
