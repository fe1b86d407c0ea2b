"""A second synthetic registry with duplicates, written independently of ``ansinh.demo`` (own name tables,
own population, own error model), to check that the matching model is not fitted to our own generator.

    from duplicates_other import generate
    frame = generate(people=50_000, seed=11, communes=[...], new_to_old={...})

Columns: ``unique_id``, ``cluster_id`` (the true person), ``full_name`` (a list as typed: parts are not given
separately), ``sex``, ``birth_date``, ``birth_precision``, ``pid``, ``cmnd``, ``commune_code``, ``errors``
(«duplicate,<errors made>» on a duplicate; «twin» / «same_name_neighbour» on a hard negative).

How it differs from ``ansinh.demo.duplicates`` (the rates are this file's, not the first generator's):
- typos: a Telex keystroke left in a word («Hùng» → «Hungf»), a neighbouring key on a QWERTY keyboard, two
  letters transposed, tones removed from *some* words only — in any word, not only the given name;
- middle and given name swapped («Nguyễn Hùng Văn»), every middle name missing;
- CMND → CCCD: a person known by a 9-digit CMND appears again with a 12-digit number whose sex and year digits
  fit, or a person with a 12-digit number appears with an old CMND (each person's other number drawn once: until
  2026-12-03 a person written three times could carry two different 12-digit numbers, which no person has);
- births: year only, day and month swapped, a year off by one, a placeholder 01/01;
- movers (another commune of the province), the pre-2025 commune code;
- hard negatives in the population itself: twins (same family and middle name, date, commune; another given
  name, sometimes one letter away) and same-name neighbours (same full name, same commune, born within 3 years).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import polars as pl

FAMILY = {"Nguyễn": 31, "Trần": 10, "Lê": 10, "Phạm": 6, "Hoàng": 5, "Phan": 5, "Võ": 4, "Đặng": 3, "Bùi": 3,
          "Đỗ": 2, "Hồ": 3, "Ngô": 2, "Dương": 2, "Lý": 1, "Đinh": 2, "Đào": 1.5, "Trương": 1.5, "Thái": 1.2,
          "Cao": 1.1, "Mai": 1, "Lưu": 0.8, "Tạ": 0.6, "Chu": 0.6, "Hà": 0.8, "Kiều": 0.4, "Mạc": 0.3, "Tôn": 0.3,
          "Lương": 0.8, "Văn": 0.4, "Quách": 0.3}
MIDDLE_M = {"Văn": 38, "Đức": 8, "Minh": 7, "Hữu": 6, "Quang": 5, "Xuân": 4, "Thanh": 4, "Công": 4, "Đình": 4,
            "Ngọc": 3, "Trọng": 3, "Tiến": 2, "Mạnh": 2, "Anh": 2, "Văn Minh": 1.5, "Hoàng": 1.5, "": 5}
MIDDLE_F = {"Thị": 52, "Ngọc": 6, "Thu": 5, "Thanh": 5, "Minh": 3, "Kim": 3, "Hồng": 3, "Mai": 2, "Diệu": 1,
            "Thị Thu": 3, "Thị Kim": 2, "Phương": 2, "Bảo": 1, "Khánh": 1, "": 6}
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường", "Minh", "Quân", "Đức", "Hiếu",
           "Trung", "Phong", "Vinh", "Toàn", "Thành", "Lâm", "Khoa", "Tùng", "Bình", "Hoà", "Tâm", "Huy", "Kiên",
           "Lực", "Việt", "Tài", "Lợi", "Phúc", "Đạt", "Hưng", "Nghĩa", "Quang", "Thịnh", "An", "Bảo", "Công", "Duy"]
GIVEN_F = ["Hoa", "Lan", "Hương", "Linh", "Trang", "Hằng", "Ngọc", "Thảo", "Mai", "Hà", "Nga", "Yến", "Phương",
           "Thủy", "Dung", "Huyền", "Nhung", "Loan", "Oanh", "Hạnh", "Vân", "Hiền", "Tuyết", "Liên", "Quyên",
           "Chi", "Anh", "Hồng", "Thúy", "Nhàn", "Lý", "My", "Giang", "Xuân", "Thu", "Thanh", "Diệp", "Châu"]
# twins named alike: one letter apart («Hùng»/«Dũng»), never only a tone apart («Hoa»/«Hòa» fold to the same
# text: no field could tell them from one record typed without tones, and parents avoid such names)
SIMILAR = {"Hùng": "Dũng", "Dũng": "Hùng", "Linh": "Lanh", "Lan": "Loan", "Hoa": "Nga", "Tâm": "Lâm",
           "Hà": "Hạnh", "Thu": "Thủy", "Mai": "Hải", "Nam": "Lam", "Long": "Lượng", "Hải": "Hiền"}
TELEX = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]

DUP_ERRORS = {"partial_tones_lost": 0.30, "telex_left": 0.05, "neighbour_key": 0.06, "transposed": 0.03,
              "middle_given_swapped": 0.05, "middle_missing": 0.10, "year_only": 0.10, "day_month_swapped": 0.08,
              "year_off_by_one": 0.03, "placeholder_date": 0.03, "moved": 0.12, "old_commune_code": 0.25}


def _pick(rng, table: dict[str, float] | list[str], n: int, zipf: float = 1.0) -> np.ndarray:
    if isinstance(table, dict):
        names, weights = list(table), np.array(list(table.values()), dtype=float)
    else:
        names, weights = table, 1.0 / np.arange(1, len(table) + 1) ** zipf
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=weights / weights.sum())]


def _strip(word: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", out.replace("đ", "d").replace("Đ", "D"))


def _telex(word: str) -> str:
    """The tone typed as its Telex key after the bare word («Hùng» → «Hungf»), as when the IME is off."""
    marks = [TELEX[c] for c in unicodedata.normalize("NFD", word) if c in TELEX]
    return _strip(word) + (marks[0] if marks else "")


def _neighbour(word: str, rng) -> str:
    letters = [i for i, c in enumerate(word) if c.lower() in "".join(QWERTY)]
    if not letters:
        return word
    i = letters[rng.integers(len(letters))]
    row = next(r for r in QWERTY if word[i].lower() in r)
    j = row.index(word[i].lower())
    near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
    key = near[rng.integers(len(near))]
    return word[:i] + (key.upper() if word[i].isupper() else key) + word[i + 1:]


def _transpose(word: str, rng) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _pid(sex: str, born: dt.date, rng) -> str:
    century = 0 if born.year < 2000 else 2
    return f"042{century + (1 if sex == 'F' else 0)}{born.year % 100:02d}{int(rng.integers(0, 10**6)):06d}"


def _population(people: int, rng, communes: list[str]) -> list[dict]:
    sex = np.where(rng.random(people) < 0.5, "M", "F")
    family = _pick(rng, FAMILY, people)
    middle_m, middle_f = _pick(rng, MIDDLE_M, people), _pick(rng, MIDDLE_F, people)
    given_m, given_f = _pick(rng, GIVEN_M, people, 0.9), _pick(rng, GIVEN_F, people, 0.9)
    years = rng.choice(np.arange(1935, 2024), size=people, p=(w := np.linspace(0.6, 1.4, 89)) / w.sum())
    days = rng.integers(0, 365, people)
    commune = np.array(communes, dtype=object)[rng.integers(0, len(communes), people)]
    number = rng.random(people)
    rows = []
    for i in range(people):
        born = dt.date(int(years[i]), 1, 1) + dt.timedelta(days=int(days[i]))
        if rng.random() < 0.03:
            born = dt.date(int(years[i]), 1, 1)
        s = sex[i]
        row = {"sex": s, "family": family[i], "middle": middle_m[i] if s == "M" else middle_f[i],
               "given": given_m[i] if s == "M" else given_f[i], "birth_date": born, "commune_code": commune[i],
               "pid": None, "cmnd": None}
        if number[i] < 0.70:
            row["pid"] = _pid(s, born, rng)
        elif number[i] < 0.90 and born.year < 2006:
            row["cmnd"] = f"18{int(rng.integers(0, 10**7)):07d}"
        rows.append(row)
    # hard negatives: twins and same-name neighbours, each a person of their own
    extra = []
    for row in rows[: int(people * 0.015)]:
        twin = dict(row, pid=_pid(row["sex"], row["birth_date"], rng) if row["pid"] else None, cmnd=None)
        names = GIVEN_M if row["sex"] == "M" else GIVEN_F
        twin["given"] = SIMILAR.get(row["given"]) or names[int(rng.integers(len(names)))]
        if twin["given"] != row["given"]:
            extra.append(dict(twin, hard="twin"))
    for row in rows[int(people * 0.015): int(people * 0.025)]:
        born = dt.date(row["birth_date"].year + int(rng.integers(-3, 4)), int(rng.integers(1, 13)),
                       int(rng.integers(1, 29)))
        extra.append(dict(row, birth_date=born, pid=_pid(row["sex"], born, rng) if rng.random() < 0.7 else None,
                          cmnd=None, hard="same_name_neighbour"))
    return rows + extra


def _damage(row: dict, rng, communes: list[str], new_to_old: dict[str, list[str]],
            other_number: dict) -> tuple[dict, list[str]]:
    hit = {name: rng.random() < p for name, p in DUP_ERRORS.items()}
    if not any(hit.values()):
        hit[list(DUP_ERRORS)[int(rng.integers(len(DUP_ERRORS)))]] = True
    out, done = dict(row), []
    out["full_name"] = _damaged_name(row, hit, rng, done)
    out["birth_date"], out["birth_precision"] = _damaged_birth(row["birth_date"], hit, done)
    out.update(_damaged_number(row, rng, done, other_number))
    if hit["moved"]:
        out["commune_code"] = communes[int(rng.integers(len(communes)))]
        done.append("moved")
    if hit["old_commune_code"] and new_to_old.get(out["commune_code"]):
        olds = new_to_old[out["commune_code"]]
        out["commune_code"] = olds[int(rng.integers(len(olds)))]
        done.append("old_commune_code")
    return out, done


def _damaged_name(row: dict, hit: dict, rng, done: list[str]) -> str:
    words = [row["family"], *row["middle"].split(), row["given"]]
    if hit["middle_missing"] and row["middle"]:
        words = [row["family"], row["given"]]
        done.append("middle_missing")
    elif hit["middle_given_swapped"] and row["middle"]:
        words = [row["family"], row["given"], *row["middle"].split()]
        done.append("middle_given_swapped")
    for name, change in (("telex_left", _telex), ("neighbour_key", lambda w: _neighbour(w, rng)),
                         ("transposed", lambda w: _transpose(w, rng))):
        if hit[name]:
            k = int(rng.integers(len(words)))
            words[k] = change(words[k])
            done.append(name)
    if hit["partial_tones_lost"]:
        words = [_strip(w) if rng.random() < 0.6 else w for w in words]
        done.append("partial_tones_lost")
    return " ".join(words)


def _damaged_birth(born: dt.date, hit: dict, done: list[str]) -> tuple[dt.date, str]:
    if hit["day_month_swapped"] and born.day <= 12 and born.day != born.month:
        born = dt.date(born.year, born.day, born.month)
        done.append("day_month_swapped")
    if hit["year_off_by_one"]:
        born = dt.date(born.year + (1 if born.toordinal() % 2 else -1), born.month, min(born.day, 28))
        done.append("year_off_by_one")
    if hit["placeholder_date"]:
        born = dt.date(born.year, 1, 1)
        done.append("placeholder_date")
    if hit["year_only"]:
        done.append("year_only")
        return dt.date(born.year, 1, 1), "year"
    return born, "day"


def _damaged_number(row: dict, rng, done: list[str], other_number: dict) -> dict:
    """``other_number``: the person's other number (``pid``: the CCCD of a person known by a CMND, ``cmnd``: the old
    CMND of a person with a CCCD), drawn once per person — a person has one personal identification number for
    life, so two records of one person never carry two different ones."""
    roll = rng.random()
    if row["cmnd"] and roll < 0.5:
        done.append("cmnd_to_cccd")
        return {"pid": other_number["pid"], "cmnd": None}
    if row["pid"] and roll < 0.15:
        done.append("old_cmnd")
        return {"pid": None, "cmnd": other_number["cmnd"]}
    if roll > 0.75:
        done.append("no_number")
        return {"pid": None, "cmnd": None}
    return {}


def generate(*, people: int, seed: int, communes: list[str], new_to_old: dict[str, list[str]] | None = None,
             rate: float = 0.10, third: float = 0.15) -> pl.DataFrame:
    """``people`` persons (plus ~2,5 % hard negatives) and duplicates of ``rate`` of them (``third`` of those
    twice)."""
    rng = np.random.default_rng(seed)
    population = _population(people, rng, communes)
    rows = []
    for cluster, person in enumerate(population):
        words = [person["family"], *person["middle"].split(), person["given"]]
        rows.append({**person, "cluster_id": cluster, "full_name": " ".join(words), "birth_precision": "day",
                     "errors": person.get("hard", "")})
    chosen = rng.choice(len(population), size=int(len(population) * rate), replace=False)
    for cluster in chosen:
        person = population[cluster]
        other_number = {"pid": _pid(person["sex"], person["birth_date"], rng),
                        "cmnd": f"18{int(rng.integers(0, 10**7)):07d}"}
        for _ in range(2 if rng.random() < third else 1):
            damaged, done = _damage(person, rng, communes, new_to_old or {}, other_number)
            rows.append({**damaged, "cluster_id": int(cluster), "errors": ",".join(["duplicate", *done])})
    order = rng.permutation(len(rows))  # duplicates are not next to their originals
    frame = pl.DataFrame([rows[i] for i in order]).select(
        "cluster_id", "full_name", "sex", "birth_date", "birth_precision", "pid", "cmnd", "commune_code", "errors")
    return frame.with_row_index("unique_id").with_columns(pl.col("unique_id").cast(pl.Int64))
