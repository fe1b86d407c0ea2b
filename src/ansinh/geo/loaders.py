"""Load the official administrative units from the ``vietnamadminunits`` package.

Both structures (63 provinces with districts until 30/6/2025; 34 provinces,
two levels from 1/7/2025) and the old→new ward mapping the package ships in
``converter_2025.json``. Nothing is typed by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import vietnamadminunits
from django.db import transaction

from ansinh.core.text import fold
from ansinh.geo.models import REFORM_DATE, AdminUnit, Level, Structure, UnitSuccession

LEGACY_END = REFORM_DATE - dt.timedelta(days=1)
LEGAL_BASIS = "NQ 202/2025/QH15; các nghị quyết của UBTVQH về sắp xếp ĐVHC cấp xã năm 2025"
_DATA = Path(vietnamadminunits.__file__).parent / "data"
_URBAN_KINDS = {"Phường", "Thị trấn", "Quận", "Thành phố", "Thị xã"}


def _rows(sql: str) -> list[sqlite3.Row]:
    with sqlite3.connect(_DATA / "dataset.db") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def _kind(full: str, short: str) -> str:
    return full[: len(full) - len(short)].strip() if full and short and full.endswith(short) else ""


def _key(short: str) -> str:
    return fold(short).replace(" ", "")


@transaction.atomic
def admin_units_load() -> dict[str, int]:
    """Create every unit and succession; a second call changes nothing."""
    if AdminUnit.objects.exists():
        return {"units": AdminUnit.objects.count(), "successions": UnitSuccession.objects.count(), "created": 0}
    legacy = _rows("SELECT * FROM admin_units_legacy")
    current = _rows("SELECT * FROM admin_units")

    by_key: dict[tuple, AdminUnit] = {}

    def add(key, **fields) -> AdminUnit:
        unit = by_key.get(key)
        if unit is None:
            unit = by_key[key] = AdminUnit(**fields)
        return unit

    legacy_ward_keys: dict[str, tuple] = {}
    for r in legacy:
        add(
            ("legacy", "p", r["provinceCode"]), level=Level.PROVINCE, structure=Structure.LEGACY,
            code=r["provinceCode"], name=r["province"], short_name=r["provinceShort"],
            kind=_kind(r["province"], r["provinceShort"]), search_key=_key(r["provinceShort"]),
            province_code=r["provinceCode"], valid_to=LEGACY_END, is_urban=False,
        )
        district_kind = r["districtType"] or _kind(r["district"], r["districtShort"])
        district = add(
            ("legacy", "d", r["districtCode"]), level=Level.DISTRICT, structure=Structure.LEGACY,
            code=r["districtCode"], name=r["district"], short_name=r["districtShort"], kind=district_kind,
            search_key=_key(r["districtShort"]), province_code=r["provinceCode"], valid_to=LEGACY_END,
            is_urban=district_kind in {"Quận"},
        )
        district._parent_key = ("legacy", "p", r["provinceCode"])
        if not r["ward"]:
            continue  # island districts without communes
        kind = r["wardType"] or _kind(r["ward"], r["wardShort"])
        ward = add(
            ("legacy", "c", r["wardCode"]), level=Level.COMMUNE, structure=Structure.LEGACY, code=r["wardCode"],
            name=r["ward"], short_name=r["wardShort"], kind=kind, search_key=_key(r["wardShort"]),
            province_code=r["provinceCode"], valid_to=LEGACY_END, is_urban=kind in _URBAN_KINDS,
        )
        ward._parent_key = ("legacy", "d", r["districtCode"])
        legacy_ward_keys[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = ("legacy", "c", r["wardCode"])

    current_ward_keys: dict[tuple[str, str], tuple] = {}
    for r in current:
        add(
            ("current", "p", r["provinceCode"]), level=Level.PROVINCE, structure=Structure.CURRENT,
            code=r["provinceCode"], name=r["province"], short_name=r["provinceShort"],
            kind=_kind(r["province"], r["provinceShort"]), search_key=_key(r["provinceShort"]),
            province_code=r["provinceCode"], valid_from=REFORM_DATE,
        )
        kind = r["wardType"] or _kind(r["ward"], r["wardShort"])
        ward = add(
            ("current", "c", r["wardCode"]), level=Level.COMMUNE, structure=Structure.CURRENT, code=r["wardCode"],
            name=r["ward"], short_name=r["wardShort"], kind=kind, search_key=_key(r["wardShort"]),
            province_code=r["provinceCode"], valid_from=REFORM_DATE, is_urban=kind == "Phường",
        )
        ward._parent_key = ("current", "p", r["provinceCode"])
        current_ward_keys[(r["provinceKey"], r["wardKey"])] = ("current", "c", r["wardCode"])

    # Save level by level so parents have primary keys.
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        batch = [u for u in by_key.values() if u.level == level]
        for unit in batch:
            parent_key = getattr(unit, "_parent_key", None)
            if parent_key:
                unit.parent = by_key[parent_key]
        AdminUnit.objects.bulk_create(batch, batch_size=2000)

    successions = _successions(by_key, legacy_ward_keys, current_ward_keys)
    UnitSuccession.objects.bulk_create(successions, batch_size=5000)
    _set_legacy_districts(by_key, successions)
    return {"units": len(by_key), "successions": len(successions), "created": len(by_key)}


def _successions(by_key, legacy_ward_keys, current_ward_keys) -> list[UnitSuccession]:
    converter = json.loads((_DATA / "converter_2025.json").read_text(encoding="utf-8"))
    result: dict[tuple[int, int], UnitSuccession] = {}

    def link(old_key: str, new_province: str, new_ward: str, is_default: bool) -> None:
        old = legacy_ward_keys.get(old_key)
        new = current_ward_keys.get((new_province, new_ward))
        if old is None or new is None:
            return
        old_unit, new_unit = by_key[old], by_key[new]
        pair = (old_unit.pk, new_unit.pk)
        if pair not in result:
            result[pair] = UnitSuccession(old=old_unit, new=new_unit, is_default=is_default, legal_basis=LEGAL_BASIS)

    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_keys in wards.items():
            for old_key in old_keys:
                link(old_key, province, new_ward, True)
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                link(old_key, province, target["newWardKey"], bool(target["isDefaultNewWard"]))
    return list(result.values())


def _set_legacy_districts(by_key, successions: list[UnitSuccession]) -> None:
    votes: dict[int, Counter] = defaultdict(Counter)
    new_units = {}
    for s in successions:
        if s.old.parent_id:
            votes[s.new.pk][s.old.parent_id] += 1
            new_units[s.new.pk] = s.new
    changed = []
    for pk, counter in votes.items():
        unit = new_units[pk]
        unit.legacy_district_id = counter.most_common(1)[0][0]
        changed.append(unit)
    AdminUnit.objects.bulk_update(changed, ["legacy_district"], batch_size=2000)
