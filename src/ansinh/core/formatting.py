"""Vietnamese number formatting, the one helper of pages, messages and files: 172.081 · "3.400 người" ·
197.100.000.000 đ · "0 đ" · 197,1 tỷ đồng (only from one billion on: 72.000.000 đ stays 72.000.000 đ, never
"0,1 tỷ đồng") · 99,13%.

Templates use the filters of ``web/templatetags/vn.py`` (``vn_number``, ``vn_money``, ``vn_billions``,
``vn_count``, ``{% percent %}``); .xlsx files keep numbers as numbers (``core.xlsx`` formats).
"""

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
    """197100000000 -> '197,1 tỷ đồng'; below one billion the whole amount: 72000000 -> '72.000.000 đ' (a rounded
    «0,1 tỷ đồng» would hide 28 million)."""
    if value is None:
        return ""
    if abs(value) < 10**9:
        return vn_money(int(value))
    return f"{vn_number(Decimal(value) / Decimal(10**9), decimals)} tỷ đồng"


def vn_count(value: int | None, noun: str = "") -> str:
    """3400, 'người' -> '3.400 người'; None -> '0 người' (a count that is absent is none)."""
    text = vn_number(value or 0)
    return f"{text} {noun}" if noun else text


def round_down_two_digits(value: int) -> int:
    """The round figure a report writes after «trên» (over): the count cut to its two leading digits —
    45.600 -> 45.000, 172.081 -> 170.000, 911 -> 910, 7 -> 7 — never more than the count, never 0 for a count."""
    value = int(value)
    step = 10 ** max(len(str(abs(value))) - 2, 0)
    return value // step * step


def vn_percent(numerator: int | float, denominator: int | float, decimals: int = 2) -> str:
    """172081 / 173591 -> '99,13%'. An empty denominator gives '—'."""
    if not denominator:
        return "—"
    return f"{vn_number(Decimal(str(numerator)) * 100 / Decimal(str(denominator)), decimals)}%"
