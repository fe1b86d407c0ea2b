"""Ground-truth duplicates for testing and benchmarking the matching model.

:func:`add_duplicates` takes a persons frame (the shape of
``ansinh.demo.synthetic.generate_population(...).persons``) and appends
second (and a few third) records of the same people, written with the errors
found in the registry and in lists, in proportions chosen from what commune
officers report (see ``ERROR_RATES``): tones lost, a typo in the given name,
the middle name dropped, day and month swapped, only the birth year known, a
CMND instead of the 12-digit number or no number, a move to another commune,
the pre-2025 commune code. Every output row carries ``cluster_id`` (the
original ``person_id``) and ``errors`` (what was done to it).

:func:`ha_tinh_units` reads the real Hà Tĩnh communes (2025, 69) and the
old→new commune mapping from the ``vietnamadminunits`` package, without
Django. :func:`fallback_population` is a small, vectorised population for
tests when the registry generator is not installed.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

ERROR_RATES = {
    "tones_lost": 0.35,
    "given_typo": 0.12,
    "middle_dropped": 0.12,
    "day_month_swapped": 0.06,
    "year_only": 0.12,
    "moved": 0.08,
    "old_commune_code": 0.30,
}
# what the duplicate carries as identity number, when the person has a pid
ID_OUTCOMES = {"pid_kept": 0.55, "pid_missing": 0.25, "cmnd_instead": 0.20}

HA_TINH = "42"


@dataclass(frozen=True)
class AdminUnits:
    """Current communes of a province and the mapping of old commune codes to them."""

    communes: list[tuple[str, str, bool]]  # (code, name, is_urban)
    old_to_new: dict[str, str]
    new_to_old: dict[str, list[str]] = field(default_factory=dict)


def ha_tinh_units(province_code: str = HA_TINH) -> AdminUnits:
    """Communes after 1/7/2025 and the old→new mapping (default ward for divided ones)."""
    import vietnamadminunits

    data = Path(vietnamadminunits.__file__).parent / "data"
    with sqlite3.connect(data / "dataset.db") as conn:
        legacy = conn.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy WHERE provinceCode = ?",
            (province_code,),
        ).fetchall()
        current = conn.execute(
            "SELECT provinceKey, wardKey, wardCode, ward, wardType FROM admin_units WHERE provinceCode = ?",
            (province_code,),
        ).fetchall()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    old_code = {f"{p}_{d}_{w}": code for p, d, w, code in legacy}
    new_code = {w: code for _p, w, code, _n, _t in current}
    province_key = current[0][0]
    old_to_new: dict[str, str] = {}
    for new_key, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        for old in olds:
            if old in old_code and new_key in new_code:
                old_to_new[old_code[old]] = new_code[new_key]
    for old, news in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        default = next((n["newWardKey"] for n in news if n.get("isDefaultNewWard")), news[0]["newWardKey"])
        if old in old_code and default in new_code:
            old_to_new[old_code[old]] = new_code[default]
    # a code that still exists after 2025 keeps pointing at itself
    for code in list(old_to_new):
        if code in new_code.values() and old_to_new[code] != code:
            del old_to_new[code]
    new_to_old: dict[str, list[str]] = defaultdict(list)
    for old, new in sorted(old_to_new.items()):
        if old != new:
            new_to_old[new].append(old)
    communes = [(code, name, kind == "Phường") for _p, _w, code, name, kind in current]
    return AdminUnits(communes=communes, old_to_new=old_to_new, new_to_old=dict(new_to_old))


# -- a small population for tests -------------------------------------------------

_FAMILY = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0), ("Phan", 4.5),
    ("Võ", 3.9), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0),
    ("Lý", 0.5), ("Đinh", 1.0), ("Đào", 0.8), ("Trương", 0.8), ("Thái", 0.6), ("Hà", 0.6), ("Chu", 0.4),
    ("Lương", 0.5), ("Mai", 0.5), ("Cao", 0.5), ("Tạ", 0.3), ("Kiều", 0.2), ("Lưu", 0.4), ("Văn", 0.3),
]
_MIDDLE = {
    "M": [("Văn", 40), ("Đức", 8), ("Minh", 7), ("Quang", 6), ("Hữu", 6), ("Xuân", 5), ("Công", 5),
          ("Đình", 5), ("Thanh", 4), ("Ngọc", 3), ("Anh", 2), ("Trọng", 3), ("Viết", 2), ("Tiến", 2),
          ("", 2)],
    "F": [("Thị", 55), ("Ngọc", 6), ("Thanh", 5), ("Thu", 5), ("Minh", 4), ("Phương", 3), ("Thùy", 3),
          ("Hồng", 3), ("Kim", 3), ("Thị Thu", 2), ("Thị Minh", 2), ("Bảo", 2), ("Diệu", 1), ("", 2)],
}
_GIVEN = {
    "M": "Anh Bình Cường Dũng Đức Hùng Hải Hiếu Hoàng Huy Hưng Khánh Khoa Kiên Lâm Long Lộc Mạnh Minh Nam "
         "Nghĩa Phong Phúc Quang Quân Sơn Tài Tâm Thắng Thành Thịnh Toàn Trung Tuấn Tùng Việt Vinh Vũ Đạt "
         "Hào Hậu Hòa Hợp Kỳ Lực Lương Nhân Ninh Phương Quý Sáng Tân Thái Thanh Thọ Tiến Trí Trường Tú "
         "Tuyên Văn Xuân Duy Dương Giang Hà Hiệp Hoan Khải Khang Lợi Luận Nhật Phát Sỹ Thuận Tính Tường",
    "F": "Anh Hoa Hương Lan Linh Mai Ngọc Nhung Oanh Phương Quỳnh Thảo Thủy Trang Tuyết Vân Yến Hà Hằng "
         "Hạnh Hiền Hoài Huệ Hường Khánh Lệ Liên Loan Lụa Ly Minh Nga Ngân Nguyệt Nhàn Nhi Nhung Phúc "
         "Sương Tâm Thanh Thắm Thơ Thu Thúy Trâm Uyên Vy Xuân Yên Dung Giang Hạ Hải Hòa Hồng Huyền Lam "
         "Lài Liễu Lý Mơ Mỹ Na Nương Quyên Sen Tình Tơ Tú Vui Hoan Duyên Chi Diệp Đào Gấm",
}


def _zipf_weights(n: int, s: float = 1.05) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def _pick(rng: np.random.Generator, items: list[tuple[str, float]], n: int) -> np.ndarray:
    names = np.array([i for i, _ in items], dtype=object)
    p = np.array([w for _, w in items], dtype=float)
    return names[rng.choice(len(items), size=n, p=p / p.sum())]


def fallback_population(*, persons: int, seed: int, communes: list[tuple[str, str, bool]] | None = None
                        ) -> pl.DataFrame:
    """Persons with realistic Vietnamese name frequencies (tests only; no households)."""
    rng = np.random.default_rng(seed)
    n = persons
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    family = _pick(rng, _FAMILY, n)
    middle = np.empty(n, dtype=object)
    given = np.empty(n, dtype=object)
    for s in ("M", "F"):
        idx = np.flatnonzero(sex == s)
        middle[idx] = _pick(rng, _MIDDLE[s], idx.size)
        names = _GIVEN[s].split()
        given[idx] = np.array(names, dtype=object)[rng.choice(len(names), size=idx.size, p=_zipf_weights(len(names)))]
    birth = np.datetime64("1930-01-01") + rng.integers(0, 365 * 94, n).astype("timedelta64[D]")
    year = birth.astype("datetime64[Y]").astype(int) + 1970
    precision = np.where((year < 1950) & (rng.random(n) < 0.4), "year", "day")
    has_pid = (year <= 2010) | (rng.random(n) < 0.5)
    d4 = (year >= 2000) * 2 + (sex == "F")
    serial = rng.integers(0, 1_000_000, n)
    pid = np.array([f"042{a}{b % 100:02d}{c:06d}" for a, b, c in zip(d4, year, serial, strict=True)], dtype=object)
    has_cmnd = (year < 1995) & (rng.random(n) < 0.5)
    cmnd = np.array([f"18{c:07d}" for c in rng.integers(0, 10_000_000, n)], dtype=object)
    codes = [c for c, _, _ in communes] if communes else [f"X{i:03d}" for i in range(60)]
    commune = np.array(codes, dtype=object)[rng.integers(0, len(codes), n)]
    full = [" ".join(p for p in (f, m, g) if p) for f, m, g in zip(family, middle, given, strict=True)]
    return pl.DataFrame({
        "person_id": np.arange(1, n + 1),
        "full_name": full,
        "family_name": family.tolist(),
        "middle_name": middle.tolist(),
        "given_name": given.tolist(),
        "sex": sex.tolist(),
        "birth_date": birth,
        "birth_precision": precision.tolist(),
        "pid": [p if h else None for p, h in zip(pid.tolist(), has_pid, strict=True)],
        "cmnd": [c if h else None for c, h in zip(cmnd.tolist(), has_cmnd, strict=True)],
        "commune_code": commune.tolist(),
    }).with_columns(pl.col("birth_date").cast(pl.Date))


# -- duplicates ---------------------------------------------------------------------

_NEAR = {
    "a": "ăâe", "ă": "aâ", "â": "aă", "e": "êa", "ê": "e", "i": "yu", "y": "i", "o": "ôơu", "ô": "oơ",
    "ơ": "oô", "u": "ưo", "ư": "u", "n": "mh", "m": "n", "h": "n", "g": "q", "t": "r", "c": "k",
    "l": "n", "đ": "d", "d": "đ", "r": "t", "s": "x", "x": "s", "v": "b", "k": "c", "q": "g",
}


def strip_tones(text: str) -> str:
    """"Nguyễn Thị Hoà" -> "Nguyen Thi Hoa", keeping case (as typed on a keyboard without Telex)."""
    decomposed = unicodedata.normalize("NFD", text).translate(str.maketrans("Đđ", "Dd"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(word: str, rng: np.random.Generator) -> str:
    """One keystroke error: substitution by a nearby letter, deletion, doubling or transposition."""
    if len(word) < 2:
        return word + "h"
    i = int(rng.integers(0, len(word)))
    kind = rng.random()
    if kind < 0.45:
        lower = word[i].lower()
        options = _NEAR.get(lower, "aeo")
        new = options[int(rng.integers(0, len(options)))]
        new = new.upper() if word[i].isupper() else new
        return word[:i] + new + word[i + 1:]
    if kind < 0.7 and len(word) > 2:
        return word[:i] + word[i + 1:]
    if kind < 0.85:
        return word[:i] + word[i] + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _compose(family: str | None, middle: str | None, given: str | None) -> str:
    return " ".join(p for p in (family, middle, given) if p)


def _choose_copies(persons: pl.DataFrame, rate: float, triple_share: float, rng) -> pl.DataFrame:
    n = persons.height
    picked = np.flatnonzero(rng.random(n) < rate)
    third = picked[rng.random(picked.size) < triple_share]
    idx = np.concatenate([picked, third])
    return persons[idx.tolist()]


def add_duplicates(
    persons: pl.DataFrame,
    *,
    rate: float = 0.08,
    triple_share: float = 0.1,
    seed: int = 1,
    units: AdminUnits | None = None,
    error_rates: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Persons plus duplicate records; ``cluster_id`` is the true person, ``record_id`` unique.

    ``rate`` of persons get a second record, ``triple_share`` of those a third.
    Each duplicate gets each error independently with ``ERROR_RATES``
    probabilities (at least one error). Originals keep ``errors`` empty.
    """
    rates = {**ERROR_RATES, **(error_rates or {})}
    rng = np.random.default_rng(seed)
    base = persons.with_columns(
        cluster_id=pl.col("person_id"), errors=pl.lit("", pl.String),
    )
    copies = _choose_copies(base, rate, triple_share, rng)
    rows = copies.select(
        "full_name", "family_name", "middle_name", "given_name", "sex", "birth_date", "birth_precision",
        "pid", "cmnd", "commune_code",
    ).to_dicts()
    communes = [c for c, _, _ in units.communes] if units else sorted(set(base["commune_code"].drop_nulls()))
    new_to_old = units.new_to_old if units else {}
    errors_col = []
    for row in rows:
        errors_col.append(",".join(_damage(row, rates, rng, communes, new_to_old)))
    damaged = pl.DataFrame(rows, schema={k: copies.schema[k] for k in rows[0]} if rows else None)
    dups = copies.select(pl.exclude(damaged.columns).exclude("errors")).hstack(damaged).with_columns(
        errors=pl.Series(errors_col, dtype=pl.String)
    ).select(base.columns)
    out = pl.concat([base, dups], how="vertical_relaxed")
    return out.with_columns(record_id=pl.int_range(1, out.height + 1, dtype=pl.Int64))


def _damage(row: dict, rates: dict[str, float], rng, communes: list[str], new_to_old: dict) -> list[str]:
    done: list[str] = []
    while not done:
        done = _damage_once(row, rates, rng, communes, new_to_old)
    return done


def _damage_once(row: dict, rates, rng, communes, new_to_old) -> list[str]:  # noqa: C901 - one branch per error
    done = []
    hit = {k: rng.random() < p for k, p in rates.items()}
    if hit["given_typo"] and row["given_name"]:
        row["given_name"] = typo(row["given_name"], rng)
        done.append("given_typo")
    if hit["middle_dropped"] and row["middle_name"]:
        row["middle_name"] = ""
        done.append("middle_dropped")
    if hit["tones_lost"]:
        for k in ("family_name", "middle_name", "given_name"):
            row[k] = strip_tones(row[k] or "")
        done.append("tones_lost")
    row["full_name"] = _compose(row["family_name"], row["middle_name"], row["given_name"])
    bd = row["birth_date"]
    if bd is not None and hit["day_month_swapped"] and row["birth_precision"] == "day" \
            and bd.day <= 12 and bd.day != bd.month:
        row["birth_date"] = bd.replace(month=bd.day, day=bd.month)
        done.append("day_month_swapped")
    elif bd is not None and hit["year_only"] and row["birth_precision"] != "year":
        row["birth_date"] = bd.replace(month=1, day=1)
        row["birth_precision"] = "year"
        done.append("year_only")
    if row["pid"]:
        outcome = rng.choice(list(ID_OUTCOMES), p=list(ID_OUTCOMES.values()))
        if outcome == "pid_missing":
            row["pid"] = None
            done.append("pid_missing")
        elif outcome == "cmnd_instead":
            row["pid"] = None
            row["cmnd"] = row["cmnd"] or f"18{int(rng.integers(0, 10_000_000)):07d}"
            done.append("cmnd_instead")
    if hit["moved"] and communes:
        row["commune_code"] = communes[int(rng.integers(0, len(communes)))]
        done.append("moved")
    if hit["old_commune_code"] and new_to_old.get(row["commune_code"]):
        olds = new_to_old[row["commune_code"]]
        row["commune_code"] = olds[int(rng.integers(0, len(olds)))]
        done.append("old_commune_code")
    return done


def true_pairs_count(records: pl.DataFrame) -> int:
    sizes = records.group_by("cluster_id").len()["len"]
    return int((sizes * (sizes - 1) // 2).sum())
