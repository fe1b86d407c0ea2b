"""A realistic, reproducible synthetic population of a Vietnamese province.

``generate_population(persons=..., seed=..., communes=[...])`` builds whole
households, not independent people: a head, a spouse of the other sex and a
similar age, children born when their mother was 19–44, 1.5–5 years apart,
carrying their father's surname, three-generation households (the head's married son, his
wife and their children; or the head's own parents), grandparents raising
grandchildren, people living alone. Ages therefore follow from household
structure and give a 2020s Vietnamese pyramid (broad base, about 8–10 % aged
65 and over). Everything is vectorised with numpy/polars: there is one Python
loop per household template (about 40) and one per commune, never one per
person. The same seed gives identical frames.

Identifiers and codes
---------------------
- ``household_id`` 1..H and ``person_id`` 1..N; persons are numbered household
  by household, the head first.
- Household ``code`` = ``"HT"`` + commune code + ``"-"`` + 6-digit serial within
  the commune, e.g. ``HT18070-000123``: readable, unique, sortable by commune.
- ``pid``: 12 digits, province of birth registration (mostly 042 Hà Tĩnh,
  some 040 Nghệ An, 044 Quảng Bình, 001 Hà Nội, ...), century/sex digit,
  two year digits, six random digits; unique; agrees with sex and birth year.
- ``cmnd``: legacy 9-digit number, mostly starting 18 (Hà Tĩnh); about 5 % of
  adults have only a CMND; about 10 % of pid holders born before 1996 still
  have their old CMND on record too (as in real lists). Unique.
- ``social_insurance_no``: 10 digits, first two the province (42 assumed for
  Hà Tĩnh); about 30 % of adults. ``phone``: 10-digit mobile numbers with real
  operator prefixes; about 60 % of adults. Both unique.
- About 3 % of people have no identity number at all.
- About 1 % of people died in the five years before ``reference_date``; they
  stay in their household's list with ``left_date`` = ``death_date``.

Run ``python -m ansinh.demo.synthetic [persons] [seed]`` for a summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ansinh.demo import vn_names
from ansinh.registry.ethnicities import ETHNICITY_NAMES

RELATIONSHIPS: tuple[str, ...] = (
    "head",
    "spouse",
    "child",
    "parent",
    "grandchild",
    "sibling",
    "daughter_in_law",
    "other",
)
_REL = {name: i for i, name in enumerate(RELATIONSHIPS)}

_YEAR = 365.2425
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class CommuneSpec:
    code: str
    name: str
    is_urban: bool
    weight: float = 1.0  # ~ share of the province's population


@dataclass
class Population:
    households: pl.DataFrame
    persons: pl.DataFrame

    def summary(self) -> str:
        return population_summary(self)


# --------------------------------------------------------------------------
# Household structure
# --------------------------------------------------------------------------
# Household size shares (mean about 3.55; Vietnam 2019 census: 3.5).
_SIZE_SHARES = np.array([0.10, 0.17, 0.22, 0.27, 0.13, 0.07, 0.025, 0.01, 0.005])


@dataclass(frozen=True)
class _Template:
    """Members after the head. S spouse, C child, P parent (mostly the
    mother), PF/PM father/mother, SON married son, D his wife, G their
    child, GG grandchild living with grandparents, B sibling, O other."""

    roles: tuple[str, ...]
    weight: float
    head_age: tuple[float, float, float]  # triangular: low, mode, high
    head_male: float


def _t(roles: str, weight: float, head_age: tuple[float, float, float], head_male: float) -> _Template:
    return _Template(tuple(roles.split()), weight, head_age, head_male)


_THREE_GEN_HEAD = (46.0, 56.0, 78.0)
_FOUR_GEN_HEAD = (50.0, 58.0, 66.0)

_TEMPLATES: dict[int, tuple[_Template, ...]] = {
    1: (
        _t("", 0.40, (60, 74, 98), 0.3),  # elderly, mostly widows
        _t("", 0.60, (19, 38, 64), 0.6),
    ),
    2: (
        _t("S", 0.24, (55, 63, 92), 0.9),  # elderly couple, children gone
        _t("S", 0.20, (42, 52, 62), 0.9),
        _t("S", 0.13, (20, 27, 40), 0.9),
        _t("C", 0.25, (35, 55, 80), 0.25),
        _t("GG", 0.10, (55, 65, 80), 0.4),  # grandparent raising a grandchild
        _t("B", 0.04, (25, 50, 80), 0.5),
        _t("O", 0.04, (30, 55, 85), 0.5),
    ),
    3: (
        _t("S C", 0.58, (22, 30, 62), 0.88),
        _t("C C", 0.12, (30, 45, 70), 0.2),
        _t("S GG", 0.10, (52, 62, 78), 0.92),
        _t("S P", 0.05, (25, 40, 60), 0.9),
        _t("SON D", 0.05, (50, 65, 85), 0.2),
        _t("C P", 0.04, (25, 40, 60), 0.3),
        _t("GG GG", 0.06, (55, 66, 80), 0.35),
    ),
    4: (
        _t("S C C", 0.62, (25, 40, 62), 0.88),
        _t("S C P", 0.10, (26, 40, 60), 0.9),
        _t("S SON D", 0.07, _THREE_GEN_HEAD, 0.92),
        _t("SON D G", 0.07, (50, 62, 85), 0.2),
        _t("C C C", 0.05, (35, 48, 70), 0.25),
        _t("S GG GG", 0.09, (52, 62, 78), 0.92),
    ),
    5: (
        _t("S C C C", 0.33, (28, 43, 62), 0.9),
        _t("S C C P", 0.18, (28, 40, 58), 0.9),
        _t("S SON D G", 0.30, _THREE_GEN_HEAD, 0.92),
        _t("S C C B", 0.05, (28, 40, 60), 0.9),
        _t("SON D G G", 0.10, (52, 65, 85), 0.15),
        _t("S GG GG GG", 0.04, (52, 62, 78), 0.92),
    ),
    6: (
        _t("S C C C C", 0.15, (30, 45, 65), 0.9),
        _t("S C C PF PM", 0.18, (28, 40, 55), 0.92),
        _t("S SON D G G", 0.45, _THREE_GEN_HEAD, 0.92),
        _t("SON D G G G", 0.08, (55, 66, 85), 0.15),
        _t("S C C C P", 0.10, (28, 40, 58), 0.9),
        _t("S SON D G C", 0.04, _THREE_GEN_HEAD, 0.92),
    ),
    7: (
        _t("S SON D G G C", 0.35, (48, 58, 78), 0.93),
        _t("S SON D G G G", 0.30, _THREE_GEN_HEAD, 0.93),
        _t("S C C C PF PM", 0.20, (28, 40, 55), 0.92),
        _t("S C C C C C", 0.10, (35, 45, 65), 0.92),
        _t("S SON D G G P", 0.05, _FOUR_GEN_HEAD, 0.93),
    ),
    8: (
        _t("S SON D G G G C", 0.45, (50, 60, 78), 0.93),
        _t("S C C C C PF PM", 0.25, (30, 42, 55), 0.92),
        _t("S SON D G G C O", 0.15, (50, 60, 78), 0.93),
        _t("S SON D G G G P", 0.15, _FOUR_GEN_HEAD, 0.93),
    ),
    9: (
        _t("S SON D G G G G C", 0.55, (50, 60, 78), 0.93),
        _t("S SON D G G G C P", 0.25, _FOUR_GEN_HEAD, 0.93),
        _t("S C C C C C PF PM", 0.20, (32, 42, 55), 0.92),
    ),
}

_ROLE_REL = {
    "S": "spouse", "C": "child", "P": "parent", "PF": "parent", "PM": "parent", "SON": "child",
    "D": "daughter_in_law", "G": "grandchild", "GG": "grandchild", "B": "sibling", "O": "other",
}

# Ethnicity of households in Hà Tĩnh: ~99.5 % Kinh; Chứt, Lào, Thái, Mường ...
_ETHNIC_SHARES: tuple[tuple[str, float], ...] = (
    ("01", 99.5), ("44", 0.15), ("37", 0.08), ("03", 0.08), ("06", 0.08),
    ("02", 0.03), ("07", 0.02), ("04", 0.02), ("08", 0.02), ("09", 0.02),
)


def _norm(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


@dataclass
class _Members:
    """Per-person arrays, indexed by position (person_id - 1)."""

    age: np.ndarray  # years before the reference date, float
    male: np.ndarray
    rel: np.ndarray
    surname: np.ndarray  # index into vn_names.SURNAMES
    join_ago: np.ndarray  # years before the reference date

    @classmethod
    def empty(cls, n: int) -> _Members:
        return cls(
            age=np.zeros(n), male=np.zeros(n, bool), rel=np.zeros(n, np.int8),
            surname=np.zeros(n, np.int16), join_ago=np.zeros(n),
        )


@dataclass
class _Slot:
    role: str
    age: np.ndarray
    male: np.ndarray
    surname: np.ndarray
    join_ago: np.ndarray | None = None


class _HouseholdBuilder:
    """Fills the members of every household of one template, vectorised."""

    def __init__(self, rng: np.random.Generator, t: _Template, line: np.ndarray, own: np.ndarray):
        # line: the household's paternal-line surname; own: a random surname
        # per member slot (n, size) for people who married in.
        self.rng, self.t, self.line, self.own = rng, t, line, own
        self.n = len(line)

    def _u(self, low, high) -> np.ndarray:
        return self.rng.uniform(low, high, self.n)

    def build(self) -> list[_Slot]:
        rng, t, n = self.rng, self.t, self.n
        head_age = rng.triangular(*t.head_age, size=n)
        head_male = rng.random(n) < t.head_male
        head_sur = np.where(head_male, self.line, self.own[:, 0])
        head = _Slot("H", head_age, head_male, head_sur)
        slots = [head]
        spouse = None
        if "S" in t.roles:
            gap = np.clip(rng.normal(3.0, 3.0, n), -5, 12)
            sp_age = np.maximum(np.where(head_male, head_age - gap, head_age + gap), 18.0)
            spouse = _Slot("S", sp_age, ~head_male, np.where(head_male, self.own[:, 1], self.line))
        mother_age = head_age if spouse is None else np.where(head_male, spouse.age, head_age)
        son = daughter = None
        has_son = "SON" in t.roles
        kids = iter(self._siblings(mother_age, t.roles.count("C") + has_son, 35.0, 20.0 * has_son).T)
        grandkids = iter(())
        if has_son:
            son_age = next(kids)
            son = _Slot("SON", son_age, np.ones(n, bool), self.line)
            d_age = np.clip(son_age - rng.normal(2.5, 2.5, n), 18, son_age + 5)
            daughter = _Slot("D", d_age, np.zeros(n, bool), self.own[:, t.roles.index("D") + 1])
            grandkids = iter(self._siblings(d_age, t.roles.count("G"), 25.0).T)
        for k, role in enumerate(t.roles, start=1):
            if role == "S":
                slots.append(spouse)
            elif role == "SON":
                slots.append(son)
            elif role == "D":
                slots.append(daughter)
            else:
                born = next(kids) if role == "C" else next(grandkids) if role == "G" else None
                slots.append(self._member(role, k, head, born))
        self._join_dates(slots)
        return slots

    def _siblings(self, mother_age: np.ndarray, k: int, max_age: float, min_eldest: float = 0.0) -> np.ndarray:
        """Ages (n, k) of a mother's children, eldest first, 1.5–5 years apart.

        The mother is 19–43 at the first birth (mode late 20s; younger only when
        the eldest must be ``min_eldest``), the eldest at most ``max_age`` unless
        the mother is old, the last born before she is 45; a young mother's
        children are spaced more closely.
        """
        n = self.n
        if k == 0:
            return np.empty((n, 0))
        low = np.maximum(19.0, np.minimum(mother_age - max_age, 40.0))
        high = np.maximum(np.minimum(43.0, mother_age), low)
        first = low + (high - low) * self.rng.beta(2.0, 3.5, n)  # fertility peaks in the late 20s
        if min_eldest:
            first = np.minimum(first, np.maximum(mother_age - min_eldest, 16.0))
        eldest = np.maximum(mother_age - first, 0.02)
        spacing = self.rng.uniform(1.5, 5.0, (n, k - 1))
        room = np.clip(np.minimum(eldest - 0.02, 44.0 - first), 0.0, None)
        scale = np.minimum(1.0, room / np.maximum(spacing.sum(axis=1), 1e-9))
        younger = eldest[:, None] - np.cumsum(spacing * scale[:, None], axis=1)
        return np.maximum(np.column_stack([eldest, younger]), 0.02)

    def _member(self, role: str, k: int, head: _Slot, born: np.ndarray | None) -> _Slot:
        rng, n = self.rng, self.n
        boy = rng.random(n) < 0.53  # sex ratio at birth ~112 boys per 100 girls
        if role in ("C", "G"):
            return _Slot(role, born, boy, self.line)
        if role == "GG":
            return _Slot(role, np.maximum(head.age - self._u(42, 62), 0.02), boy, self.line)
        if role in ("P", "PF", "PM"):
            male = np.full(n, role == "PF") if role != "P" else rng.random(n) < 0.25
            gap = np.where(male, self._u(24, 38), self._u(20, 34))
            age = np.minimum(head.age + gap, 101.0)
            return _Slot(role, age, male, np.where(male, head.surname, self.own[:, k]))
        if role == "B":
            age = np.clip(head.age + rng.normal(0, 6, n), 16, 95)
            return _Slot(role, age, rng.random(n) < 0.5, head.surname)
        return _Slot(role, self._u(10, 80), rng.random(n) < 0.5, self.own[:, k])  # "O"

    def _join_dates(self, slots: list[_Slot]) -> None:
        """Years ago each member joined: birth for children, marriage for spouses."""
        rng, n = self.rng, self.n
        head = slots[0]
        by_role: dict[str, list[_Slot]] = {}
        for s in slots[1:]:
            by_role.setdefault(s.role, []).append(s)
        kids = [s.age for r in ("C", "SON", "GG") for s in by_role.get(r, [])]
        eldest = np.max(kids, axis=0) if kids else np.zeros(n)
        if "S" in by_role:
            spouse = by_role["S"][0]
            wife_age = np.where(head.male, spouse.age, head.age)
            married = np.maximum(wife_age - self._u(18, 27), eldest + self._u(0.3, 1.5) * (eldest > 0))
            head.join_ago = np.clip(married, 0, np.minimum(head.age, spouse.age) - 16)
        else:
            head.join_ago = np.maximum(self._u(0, 1) * np.maximum(head.age - 18, 0), eldest)
        head.join_ago = np.clip(head.join_ago, 0, head.age)
        start = head.join_ago
        grandkids = [s.age for s in by_role.get("G", [])]
        for s in slots[1:]:
            if s.role in ("C", "SON", "G", "GG"):
                ago = s.age
            elif s.role == "S":
                ago = start
            elif s.role == "D":
                g_eldest = np.max(grandkids, axis=0) if grandkids else np.zeros(n)
                ago = np.maximum(s.age - self._u(19, 27), g_eldest + self._u(0.3, 1.5) * (g_eldest > 0))
                ago = np.clip(ago, 0, s.age - 16)
            elif s.role in ("P", "PF", "PM"):
                ago = rng.uniform(0, np.minimum(start, 20.0))
            elif s.role == "B":
                ago = rng.uniform(0, start)
            else:
                ago = rng.uniform(0, np.minimum(start, 10.0))
            s.join_ago = np.clip(np.minimum(ago, start), 0, s.age)


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------
def _household_sizes(rng: np.random.Generator, persons: int) -> np.ndarray:
    mean = float(np.dot(np.arange(1, 10), _SIZE_SHARES))
    sizes = np.empty(0, np.int64)
    while sizes.sum() < persons:
        more = rng.choice(9, size=int(persons / mean * 1.05) + 16, p=_norm(_SIZE_SHARES)) + 1
        sizes = np.concatenate([sizes, more])
    cs = np.cumsum(sizes)
    h = int(np.searchsorted(cs, persons)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(cs[h - 1] - persons)
    return sizes


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    exact = total * _norm(weights)
    counts = np.floor(exact).astype(np.int64)
    rest = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:rest]] += 1
    return counts


def _surname_draws(rng, n: int, minority: np.ndarray) -> np.ndarray:
    names = [s for s, _ in vn_names.SURNAMES]
    kinh = rng.choice(len(names), size=n, p=_norm([w for _, w in vn_names.SURNAMES]))
    if minority.any():
        idx = np.array([names.index(s) for s, _ in vn_names.MINORITY_SURNAMES])
        pick = rng.choice(len(idx), size=n, p=_norm([w for _, w in vn_names.MINORITY_SURNAMES]))
        kinh = np.where(minority, idx[pick], kinh)
    return kinh.astype(np.int16)


def _build_members(rng, sizes: np.ndarray, ethnic: np.ndarray) -> _Members:
    n_persons = int(sizes.sum())
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    minority_hh = ethnic != 0
    line = _surname_draws(rng, len(sizes), minority_hh)
    minority_p = np.repeat(minority_hh, sizes)
    own = _surname_draws(rng, n_persons, minority_p)
    m = _Members.empty(n_persons)
    for size in range(1, 10):
        in_size = np.flatnonzero(sizes == size)
        if not len(in_size):
            continue
        templates = _TEMPLATES[size]
        choice = rng.choice(len(templates), size=len(in_size), p=_norm([t.weight for t in templates]))
        for ti, t in enumerate(templates):
            hh = in_size[choice == ti]
            if not len(hh):
                continue
            pos = start[hh][:, None] + np.arange(size)[None, :]
            builder = _HouseholdBuilder(rng, t, line[hh], own[pos])
            for k, slot in enumerate(builder.build()):
                p = pos[:, k]
                m.age[p], m.male[p], m.surname[p], m.join_ago[p] = slot.age, slot.male, slot.surname, slot.join_ago
                m.rel[p] = _REL["head"] if slot.role == "H" else _REL[_ROLE_REL[slot.role]]
    return m


def _mix_choice(rng, rows, t_young: np.ndarray) -> np.ndarray:
    """Index into ``rows`` (name, w_old, w_young), mixing by youth 0..1."""
    n = len(t_young)
    old = rng.choice(len(rows), size=n, p=_norm([r[1] for r in rows]))
    young = rng.choice(len(rows), size=n, p=_norm([r[2] for r in rows]))
    return np.where(rng.random(n) < t_young, young, old)


def _names_for_sex(rng, middle_rows, given_rows, birth_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t_young = np.clip((birth_year - 1955) / (2015 - 1955), 0, 1)
    mid = _mix_choice(rng, middle_rows, t_young)
    giv = _mix_choice(rng, given_rows, t_young)
    # never "Minh Minh": the given name differs from the last middle word
    clash = np.array([[m[0].split()[-1] == g[0] for g in given_rows] for m in middle_rows])
    bad = clash[mid, giv]
    while bad.any():
        giv[bad] = (giv[bad] + 1) % len(given_rows)
        bad = clash[mid, giv]
    return mid, giv


def _gather(values: Sequence[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(pl.Series(idx.astype(np.int64)))


def _name_columns(rng, m: _Members, birth_year: np.ndarray) -> dict[str, pl.Series]:
    n = len(m.age)
    female = np.flatnonzero(~m.male)
    male = np.flatnonzero(m.male)
    fm, fg = _names_for_sex(rng, vn_names.MIDDLE_NAMES_F, vn_names.GIVEN_NAMES_F, birth_year[female])
    mm, mg = _names_for_sex(rng, vn_names.MIDDLE_NAMES_M, vn_names.GIVEN_NAMES_M, birth_year[male])
    n_mid_f, n_giv_f = len(vn_names.MIDDLE_NAMES_F), len(vn_names.GIVEN_NAMES_F)
    # one vocabulary: female rows first, then male rows
    mid = np.empty(n, np.int64)
    giv = np.empty(n, np.int64)
    mid[female], mid[male] = fm, mm + n_mid_f
    giv[female], giv[male] = fg, mg + n_giv_f
    middles = [r[0] for r in vn_names.MIDDLE_NAMES_F + vn_names.MIDDLE_NAMES_M]
    givens = [r[0] for r in vn_names.GIVEN_NAMES_F + vn_names.GIVEN_NAMES_M]
    family = _gather([s for s, _ in vn_names.SURNAMES], m.surname)
    middle = _gather(middles, mid)
    given = _gather(givens, giv)
    full = pl.DataFrame({"f": family, "m": middle, "g": given}).select(
        pl.concat_str(["f", "m", "g"], separator=" ")
    ).to_series()
    return {"full_name": full, "family_name": family, "middle_name": middle, "given_name": given}


def _unique_numbers(rng, prefix: np.ndarray, digits: int) -> np.ndarray:
    """``prefix`` followed by ``digits`` random digits, all values distinct."""
    base = 10**digits
    prefix = prefix.astype(np.int64)
    values = prefix * base + rng.integers(0, base, size=len(prefix))
    while True:
        _, first = np.unique(values, return_index=True)
        dup = np.ones(len(values), bool)
        dup[first] = False
        if not dup.any():
            return values
        values[dup] = prefix[dup] * base + rng.integers(0, base, size=int(dup.sum()))


def _identity_numbers(rng, m: _Members, birth_year: np.ndarray) -> dict[str, np.ndarray]:
    n = len(m.age)
    adult = m.age >= 18
    u = rng.random(n)
    none = u < np.where(m.age < 1, 0.15, 0.028)
    cmnd_era = adult & (birth_year <= 2006)
    cmnd_only = ~none & cmnd_era & (rng.random(n) < 0.055)
    has_pid = ~none & ~cmnd_only
    also_cmnd = has_pid & (birth_year <= 1995) & (rng.random(n) < 0.10)
    has_cmnd = cmnd_only | also_cmnd

    provinces = [vn_names.PID_PROVINCE_HA_TINH] + [c for c, _ in vn_names.PID_OTHER_PROVINCES]
    other_w = [w for _, w in vn_names.PID_OTHER_PROVINCES]
    other = rng.choice(len(other_w), size=n, p=_norm(other_w)) + 1
    province = np.where(rng.random(n) < np.where(adult, 0.08, 0.03), other, 0)
    province_code = np.array([int(c) for c in provinces])[province]
    century_sex = (birth_year >= 2000) * 2 + (~m.male)
    prefix = province_code * 1000 + century_sex * 100 + birth_year % 100
    pid = np.zeros(n, np.int64)
    pid[has_pid] = _unique_numbers(rng, prefix[has_pid], 6)

    cmnd_prefix = np.where(rng.random(int(has_cmnd.sum())) < 0.95, 18, rng.choice([17, 19, 21, 22], int(has_cmnd.sum())))
    cmnd = np.zeros(n, np.int64)
    cmnd[has_cmnd] = _unique_numbers(rng, cmnd_prefix, 7)

    has_si = adult & (rng.random(n) < np.where(m.age < 60, 0.34, 0.20))
    si_prefix = np.where(rng.random(int(has_si.sum())) < 0.9, 42, rng.choice([40, 1, 79, 38, 44], int(has_si.sum())))
    si = np.zeros(n, np.int64)
    si[has_si] = _unique_numbers(rng, si_prefix, 8)

    has_phone = adult & (rng.random(n) < np.where(m.age < 60, 0.68, 0.40))
    prefixes = np.array([int(p) for p in vn_names.MOBILE_PREFIXES])
    phone = np.zeros(n, np.int64)
    phone[has_phone] = _unique_numbers(rng, prefixes[rng.integers(0, len(prefixes), int(has_phone.sum()))], 7)
    return {
        "pid": pid, "has_pid": has_pid, "cmnd": cmnd, "has_cmnd": has_cmnd,
        "si": si, "has_si": has_si, "phone": phone, "has_phone": has_phone,
    }


def _to_days(ago_years: np.ndarray, ref_days: int) -> np.ndarray:
    return ref_days - np.round(ago_years * _YEAR).astype(np.int64)


def _birth_dates(rng, age: np.ndarray, ref_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(birth days since epoch, birth year, precision 0 day / 1 month / 2 year)."""
    # Ages pinned to a bound by the household templates' clipping (exact whole years, or the newborn
    # floor) would pile thousands of people on one birth date: spread them over the year.
    pinned = (age == np.round(age)) | (age < 0.05)
    age = np.where(pinned, np.floor(age) + rng.uniform(0.02, 0.98, len(age)), age)
    days = np.minimum(_to_days(age, ref_days), ref_days)
    stamp = days.astype("datetime64[D]")
    year = stamp.astype("datetime64[Y]").astype(np.int64) + 1970
    u = rng.random(len(age))
    p_year = np.select([year < 1960, year < 1980], [0.15, 0.02], 0.002)
    p_month = np.select([year < 1960, year < 1980], [0.04, 0.02], 0.005)
    precision = np.where(u < p_year, 2, np.where(u < p_year + p_month, 1, 0)).astype(np.int8)
    month_start = stamp.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    year_start = stamp.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    days = np.select([precision == 2, precision == 1], [year_start, month_start], days)
    return days, year, precision


def _deaths(rng, m: _Members, joined: np.ndarray, ref_days: int, share: float = 0.01) -> np.ndarray:
    """Days of death (or -1): about ``share`` of non-heads, mostly the old."""
    n = len(m.age)
    k = int(round(share * n))
    death = np.full(n, -1, np.int64)
    if k == 0:
        return death
    hazard = np.exp(0.09 * (np.minimum(m.age, 100) - 85)) + 0.002
    keys = np.log(rng.random(n)) / hazard  # Efraimidis–Spirakis weighted sampling
    keys[m.rel == _REL["head"]] = -np.inf
    chosen = np.argpartition(-keys, k - 1)[:k]
    ago = rng.uniform(0.01, 5.0, k)
    days = _to_days(ago, ref_days)
    death[chosen] = np.clip(days, joined[chosen], ref_days)
    return death


def _villages(rng, communes: Sequence[CommuneSpec], counts: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Village labels and, per household, the index of its label."""
    labels: list[str] = []
    per_household = []
    for spec, h in zip(communes, counts, strict=True):
        n_villages = int(np.clip(round(h / rng.uniform(120, 250)), 3, 60))
        style = rng.random()
        if spec.is_urban:
            names = [f"Tổ dân phố {i}" for i in range(1, n_villages + 1)]
        elif style < 0.5 and n_villages <= len(vn_names.VILLAGE_STEMS):
            stems = rng.choice(len(vn_names.VILLAGE_STEMS), size=n_villages, replace=False)
            names = [f"Thôn {vn_names.VILLAGE_STEMS[i]}" for i in stems]
        else:
            word = "Xóm" if style < 0.8 else "Thôn"
            names = [f"{word} {i}" for i in range(1, n_villages + 1)]
        per_household.append(len(labels) + np.sort(rng.integers(0, n_villages, int(h))))
        labels.extend(names)
    return labels, np.concatenate(per_household) if per_household else np.empty(0, np.int64)


def _households_frame(rng, communes, counts, sizes, start) -> pl.DataFrame:
    h = len(sizes)
    commune_idx = np.repeat(np.arange(len(communes)), counts)
    serial = np.arange(h) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    labels, village = _villages(rng, communes, counts)
    is_urban = np.array([c.is_urban for c in communes], bool)[commune_idx]
    codes = [c.code for c in communes]
    has_address = is_urban & (rng.random(h) < 0.8)
    street = rng.integers(0, len(vn_names.STREETS), h)
    number = rng.integers(1, 250, h)
    frame = pl.DataFrame(
        {
            "household_id": pl.Series(np.arange(1, h + 1), dtype=pl.Int64),
            "serial": serial,
            "commune_code": _gather(codes, commune_idx),
            "village": _gather(labels, village),
            "street": _gather(vn_names.STREETS, street),
            "number": number,
            "has_address": has_address,
            "is_urban": is_urban,
            "head_person_id": pl.Series(start + 1, dtype=pl.Int64),
        }
    )
    return frame.select(
        "household_id",
        pl.concat_str([pl.lit("HT"), "commune_code", pl.lit("-"), pl.col("serial").cast(pl.String).str.zfill(6)]).alias("code"),
        "commune_code",
        "village",
        pl.when("has_address")
        .then(pl.concat_str([pl.lit("Số "), pl.col("number").cast(pl.String), pl.lit(" đường "), "street"]))
        .otherwise(pl.lit(""))
        .alias("address_detail"),
        "is_urban",
        "head_person_id",
    )


def _check_args(persons: int, communes: Sequence[CommuneSpec]) -> None:
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if not communes:
        raise ValueError("at least one commune is needed")
    if len({c.code for c in communes}) != len(communes):
        raise ValueError("commune codes must be unique")
    if any(c.weight < 0 for c in communes) or sum(c.weight for c in communes) <= 0:
        raise ValueError("commune weights must be non-negative with a positive sum")


def generate_population(
    *,
    persons: int,
    seed: int,
    communes: Sequence[CommuneSpec],
    reference_date: date = date(2026, 1, 1),
) -> Population:
    """Households and persons of a synthetic province; see the module docstring."""
    _check_args(persons, communes)
    rng = np.random.default_rng(seed)
    ref_days = (reference_date - _EPOCH).days
    sizes = _household_sizes(rng, persons)
    counts = _allocate(len(sizes), np.array([c.weight for c in communes]))
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    eth_codes = [c for c, _ in _ETHNIC_SHARES]
    ethnic = rng.choice(len(eth_codes), size=len(sizes), p=_norm([w for _, w in _ETHNIC_SHARES]))

    m = _build_members(rng, sizes, ethnic)
    birth, birth_year, precision = _birth_dates(rng, m.age, ref_days)
    joined = np.clip(_to_days(m.join_ago, ref_days), birth, ref_days)
    names = _name_columns(rng, m, birth_year)
    ids = _identity_numbers(rng, m, birth_year)
    death = _deaths(rng, m, joined, ref_days)
    households = _households_frame(rng, communes, counts, sizes, start)
    household_of = np.repeat(np.arange(len(sizes)), sizes)

    persons_frame = pl.DataFrame(
        {
            "person_id": pl.Series(np.arange(1, persons + 1), dtype=pl.Int64),
            "household_id": pl.Series(household_of + 1, dtype=pl.Int64),
            "relationship": _gather(RELATIONSHIPS, m.rel),
            **names,
            "sex": pl.Series(np.where(m.male, "M", "F"), dtype=pl.String),
            "birth_date": pl.Series(birth.astype(np.int32)).cast(pl.Date),
            "birth_precision": _gather(("day", "month", "year"), precision),
            "ethnicity_code": _gather(eth_codes, ethnic[household_of]),
            **_number_columns(ids),
            "death_date": pl.Series(death.astype(np.int32)).cast(pl.Date),
            "commune_code": households["commune_code"].gather(pl.Series(household_of)),
            "joined_date": pl.Series(joined.astype(np.int32)).cast(pl.Date),
        }
    )
    has_died = pl.Series(death >= 0)
    persons_frame = persons_frame.with_columns(
        pl.when(has_died).then(pl.col("death_date")).otherwise(None).alias("death_date"),
    ).with_columns(pl.col("death_date").alias("left_date"))
    return Population(households=households, persons=persons_frame)


def _number_columns(ids: dict[str, np.ndarray]) -> dict[str, pl.Series]:
    def text(values: np.ndarray, present: np.ndarray, width: int) -> pl.Series:
        s = pl.Series(values).cast(pl.String).str.zfill(width)
        return pl.select(pl.when(pl.Series(present)).then(s).otherwise(None)).to_series()

    return {
        "pid": text(ids["pid"], ids["has_pid"], 12),
        "cmnd": text(ids["cmnd"], ids["has_cmnd"], 9),
        "social_insurance_no": text(ids["si"], ids["has_si"], 10),
        "phone": text(ids["phone"], ids["has_phone"], 10),
    }


# --------------------------------------------------------------------------
# Eyeballing
# --------------------------------------------------------------------------
def population_summary(pop: Population, reference_date: date = date(2026, 1, 1)) -> str:
    p, h = pop.persons, pop.households
    ref = pl.lit(reference_date)
    age = ((ref - pl.col("birth_date")).dt.total_days() / _YEAR).floor()
    n = p.height
    adults = p.filter(age >= 18)
    lines = [
        f"persons {n:,}  households {h.height:,}  mean size {n / max(h.height, 1):.2f}",
        "household sizes: " + ", ".join(
            f"{r['len']}:{r['count'] / h.height:.1%}"
            for r in p.group_by("household_id").len().group_by("len").len("count").sort("len").iter_rows(named=True)
        ),
        "age: " + ", ".join(
            f"{label} {p.filter(cond).height / n:.1%}"
            for label, cond in (("0-14", age < 15), ("15-64", (age >= 15) & (age < 65)), ("65+", age >= 65), ("80+", age >= 80))
        ),
        f"male {p.filter(pl.col('sex') == 'M').height / n:.1%}",
        "relationships: " + ", ".join(
            f"{r['relationship']} {r['len'] / n:.1%}" for r in p.group_by("relationship").len().sort("len", descending=True).iter_rows(named=True)
        ),
        "surnames: " + ", ".join(
            f"{r['family_name']} {r['len'] / n:.1%}" for r in p.group_by("family_name").len().sort("len", descending=True).head(10).iter_rows(named=True)
        ),
        "ethnicity: " + ", ".join(
            f"{ETHNICITY_NAMES[r['ethnicity_code']]} {r['len'] / n:.2%}"
            for r in p.group_by("ethnicity_code").len().sort("len", descending=True).iter_rows(named=True)
        ),
        "born <1960 precision: " + ", ".join(
            f"{r['birth_precision']} {r['len'] / max(p.filter(pl.col('birth_date').dt.year() < 1960).height, 1):.1%}"
            for r in p.filter(pl.col("birth_date").dt.year() < 1960).group_by("birth_precision").len().sort("birth_precision").iter_rows(named=True)
        ),
        f"pid {p['pid'].is_not_null().mean():.1%}  cmnd only {(p['cmnd'].is_not_null() & p['pid'].is_null()).mean():.1%}  "
        f"none {(p['cmnd'].is_null() & p['pid'].is_null()).mean():.1%}  dead {p['death_date'].is_not_null().mean():.2%}",
        f"adults: social insurance {adults['social_insurance_no'].is_not_null().mean():.1%}  phone {adults['phone'].is_not_null().mean():.1%}",
        "sample: " + "; ".join(p.sample(6, seed=1)["full_name"].to_list()),
    ]
    return "\n".join(lines)


def demo_communes(n: int = 200, urban_share: float = 0.12) -> list[CommuneSpec]:
    """Made-up commune specs (codes 18000 + i) for trials and benchmarks."""
    rng = np.random.default_rng(12345)
    weights = rng.lognormal(0.0, 0.5, n)
    return [
        CommuneSpec(code=str(18000 + 3 * i), name=f"{'Phường' if i < n * urban_share else 'Xã'} {i + 1}",
                    is_urban=i < n * urban_share, weight=float(w))
        for i, w in enumerate(weights)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    persons = int(args[0]) if args else 100_000
    seed = int(args[1]) if len(args) > 1 else 1
    began = time.perf_counter()
    pop = generate_population(persons=persons, seed=seed, communes=demo_communes())
    took = time.perf_counter() - began
    print(f"generated in {took:.2f} s")
    print(pop.summary())
    print(pop.households.head(3))
    print(pop.persons.head(8))


if __name__ == "__main__":
    main()
