"""Reads of administrative units."""

from __future__ import annotations

from django.db.models import QuerySet

from ansinh.core.text import fold
from ansinh.geo.models import AdminUnit, Level, Structure, UnitSuccession


def current_unit(unit: AdminUnit) -> AdminUnit:
    """Today's unit for a unit a record was recorded in (follows the default succession)."""
    seen = set()
    while unit.valid_to is not None and unit.pk not in seen:
        seen.add(unit.pk)
        step = (
            UnitSuccession.objects.filter(old=unit).select_related("new").order_by("-is_default", "new__code").first()
        )
        if step is None:
            return unit
        unit = step.new
    return unit


def communes_in_area(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """Every commune-level unit (both structures) inside ``unit``."""
    communes = AdminUnit.objects.filter(level=Level.COMMUNE)
    if unit.level == Level.PROVINCE:
        return communes.filter(province_code=unit.province_code)
    if unit.level == Level.DISTRICT:
        return communes.filter(parent=unit) | communes.filter(legacy_district=unit)
    return communes.filter(pk=unit.pk)


def current_communes(*, province_code: str) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        level=Level.COMMUNE, structure=Structure.CURRENT, province_code=province_code
    ).order_by("name")


def find_commune(*, name: str, province_code: str, district_name: str = "") -> AdminUnit | None:
    """Resolve a commune written in a file ("Xã Cẩm Bình", "Cam Binh", with an optional district)
    to today's unit. Current names win; an old name is followed through the 2025 mapping."""
    named = match_commune(name=name, province_code=province_code, district_name=district_name)
    return current_unit(named) if named else None


def match_commune(*, name: str, province_code: str, district_name: str = "") -> AdminUnit | None:
    """The unit a file names, in whichever structure it was written (a pre-2025 commune stays itself).
    With a district, a legacy commune of that district wins; without, today's commune wins."""
    key = _unit_key(name)
    if not key:
        return None
    candidates = list(
        AdminUnit.objects.filter(level=Level.COMMUNE, province_code=province_code, search_key=key)
        .select_related("parent")
        .order_by("structure")  # "current" sorts before "legacy"
    )
    if district_name:
        district_key = _unit_key(district_name)
        narrowed = [c for c in candidates if c.parent and c.parent.search_key == district_key]
        candidates = narrowed or [c for c in candidates if c.structure == Structure.CURRENT]
    return candidates[0] if candidates else None


_PREFIXES = ("thi tran ", "xa ", "phuong ", "dac khu ", "huyen ", "thi xa ", "thanh pho ", "quan ", "tp ", "tx ")


def _unit_key(name: str) -> str:
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    return key.replace(" ", "")
