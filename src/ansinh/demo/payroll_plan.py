"""The demo registers and events of the ``payroll-2020-h1`` scenario, drawn from the demo population and
calibrated so that the scenario's lines give the notice's figures (Thông báo 309/TB-SLĐTBXH, 14/7/2020):
over 45.000 NCC paid each month, social assistance (TGXH) paid to 65.362 people for 147,522 tỷ đồng in the
half-year, the NQ 151/2019 top-up paid to 13.234 people for 15,45 tỷ đồng.

Calibrated here, never in the report: who is on which register, their category (an age band where the NĐ 136/2013
coefficient cannot change during the half-year: TGXH 270.000 × 1,0 / 1,5 / 2,0 / 2,5), the start month of the
decisions signed during the half-year (arrears when the start is earlier), the deaths, decreases, suspensions and
the agent's unpaid results. The plan keeps its own accounting of what each person will be paid (``expected``):
the scenario prints what the payroll lines say.

Month numbers: 1 = January 2020 … 6 = June 2020; 0 = December 2019, −2 = October 2019 (NQ 151/2019 in force).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ansinh.core.bulk import read_frame

FIRST, LAST, EARLIEST = 1, 6, -2
STANDARD = 270_000  # NĐ 136/2013 mức chuẩn trợ giúp xã hội (2014-01 … 2021-06)
HALF = STANDARD // 2  # coefficients in halves: 1,0 = 2 halves … 2,5 = 5 halves
TGXH_FUNERAL = 20 * STANDARD  # 20 × mức chuẩn (illustrative for 2020: entered by the scenario, see payroll_2020)
TOPUP_LEVEL = {False: 750_000, True: 950_000}  # NQ 151/2019: rural / urban, including the social assistance


def month_date(number: int, day: int = 1) -> dt.date:
    index = 2020 * 12 + number - 1
    return dt.date(index // 12, index % 12 + 1, day)


@dataclass(frozen=True)
class Targets:
    ncc_legacy: int = 45_600
    ncc_new_per_month: int = 80
    tgxh_persons: int = 65_362
    tgxh_amount: int = 147_522_000_000
    tgxh_tolerance: int = 499_999  # 147,522 tỷ đồng: to the million
    topup_persons: int = 13_234
    topup_amount: int = 15_450_000_000
    topup_tolerance: int = 4_999_999  # 15,45 tỷ đồng: to ten millions
    scale: float = 1.0
    seed: int = 2020

    def n(self, value: int) -> int:
        return max(int(round(value * self.scale)), 1)




@dataclass
class Plan:
    enrolments: pl.DataFrame
    events: pl.DataFrame
    unpaid: pl.DataFrame
    inspection: pl.DataFrame
    expected: dict = field(default_factory=dict)


def _age(on: dt.date) -> pl.Expr:
    birth = pl.col("birth_date")
    before = (on.month * 100 + on.day) < (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32))
    return (pl.lit(on.year) - birth.dt.year().cast(pl.Int32) - before.cast(pl.Int32)).cast(pl.Int32)


def people() -> pl.DataFrame:
    """Everyone of the demo population who may be on a register in 2019–2020: alive, with an identity number (the
    register files name people by it), born before October 2019."""
    frame = read_frame(
        """SELECT p.id AS person_id, p.full_name, p.sex, p.birth_date, p.death_date, COALESCE(p.pid, p.cmnd) AS identity,
                  p.commune_id, COALESCE(h.is_urban, FALSE) AS is_urban
             FROM registry_person p LEFT JOIN registry_household h ON h.id = p.household_id
            WHERE p.merged_into_id IS NULL AND (p.pid IS NOT NULL OR p.cmnd IS NOT NULL)""",
        schema={"person_id": pl.Int64, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date,
                "death_date": pl.Date, "identity": pl.String, "commune_id": pl.Int64, "is_urban": pl.Boolean})
    # the demo population's deaths are of 2021–2026: someone dead in the registry is left out altogether (a death
    # recorded in 2020 by the scenario would contradict it)
    return (frame.filter((pl.col("birth_date") < dt.date(2019, 9, 1)) & pl.col("death_date").is_null())
            .with_columns(_age(dt.date(2019, 9, 30)).alias("a0"), _age(dt.date(2020, 6, 30)).alias("a1"))
            .sort("person_id"))


class _Draw:
    """Draws people without replacement from age pools (seeded)."""

    def __init__(self, frame: pl.DataFrame, seed: int):
        self.frame = frame
        self.rng = np.random.default_rng(seed)
        self.used = np.zeros(frame.height, dtype=bool)
        self.a0, self.a1 = frame["a0"].to_numpy(), frame["a1"].to_numpy()
        self.female = (frame["sex"] == "F").to_numpy()

    def take(self, n: int, mask: np.ndarray) -> np.ndarray:
        free = np.flatnonzero(mask & ~self.used)
        if len(free) < n:
            raise RuntimeError(f"Dân số mẫu không đủ người để lập sổ đối tượng ({len(free)} < {n}); chạy «ansinh "
                               "demo_load --persons 1300000 --reset».")
        chosen = self.rng.choice(free, size=n, replace=False)
        self.used[chosen] = True
        return np.sort(chosen)

    def band(self, low: int, high: int) -> np.ndarray:
        return (self.a0 >= low) & (self.a1 <= high)


def _tgxh_legacy(draw: _Draw, n: int) -> pl.DataFrame:
    """The social assistance register at 31/12/2019: categories in age bands where the coefficient is stable
    (``halves``: the NĐ 136/2013 coefficient in halves — 1,0 = 2 … 2,5 = 5)."""
    old = min(int((draw.a0 >= 80).sum() * 0.7), int(n * 0.05))
    bands = [("elderly_80_no_pension", 2, old, draw.a0 >= 80)]
    rest = n - old
    elderly, adults, children = draw.band(60, 79), draw.band(18, 58), draw.band(5, 14)
    bands += [("elderly_poor_no_carer", 3, int(rest * 0.34), elderly),
              ("disabled_severe", 4, int(rest * 0.02), elderly),  # child or elderly: 2,0
              ("disabled_especially_severe", 5, int(rest * 0.01), elderly),  # child or elderly: 2,5
              ("child_no_carer", 3, int(rest * 0.22), children),
              ("disabled_especially_severe", 4, int(rest * 0.01), adults)]  # adult: 2,0
    bands.append(("disabled_severe", 3, n - sum(b[2] for b in bands), adults))  # adult: 1,5
    parts = []
    for category, halves, count, mask in bands:
        rows = draw.take(count, mask)
        parts.append(draw.frame[rows.tolist()].with_columns(pl.lit(category).alias("tgxh_category"),
                                                            pl.lit(halves).alias("halves")))
    return pl.concat(parts)


@dataclass
class _Person:
    register: str
    index: int  # row in the people frame
    amount: int  # monthly amount (stable over the half-year)
    group: str
    category: str = ""
    start: int = FIRST  # first month paid (new decisions: ≥ EARLIEST)
    decision: int = 0  # month of the decision (0: before 2020 — the legacy register)
    end: int = LAST  # last month entitled
    extra_month: bool = False  # a late death: one more month paid before it was known
    funeral: bool = False
    unpaid_june: bool = False

    def paid(self) -> int:
        months = self.end - max(self.start, FIRST if self.decision == 0 else self.start) + 1
        months += 1 if self.extra_month else 0
        months -= 1 if self.unpaid_june else 0
        return months * self.amount + (TGXH_FUNERAL if self.funeral else 0)


def _solve(persons: list[_Person], target: int, rng: np.random.Generator) -> int:
    """Move the start (and decision) months of the new decisions until the plan pays ``target`` (± half a
    month of the smallest amount moved); returns the residual."""
    new = [p for p in persons if p.decision > 0]
    total = sum(p.paid() for p in persons)
    residual = target - total
    order = rng.permutation(len(new))
    for threshold in (1.0, 0.5):
        for i in order:
            p = new[i]
            while residual >= p.amount * threshold and p.start > EARLIEST:
                p.start -= 1  # a decision effective one month earlier: one more month (of arrears)
                residual -= p.amount
            while residual <= -p.amount * threshold and (p.start < p.decision or p.decision < LAST):
                if p.start < p.decision:
                    p.start += 1
                else:
                    p.decision += 1
                    p.start = p.decision
                residual += p.amount
    return residual


def _tgxh(draw: _Draw, targets: Targets, rng: np.random.Generator) -> tuple[list[_Person], dict]:
    frame = draw.frame
    total = targets.n(targets.tgxh_persons)
    amount_target = int(targets.tgxh_amount * targets.scale)
    register = _tgxh_legacy(draw, total)
    index_of = {pid: i for i, pid in enumerate(frame["person_id"].to_numpy())}
    order = rng.permutation(register.height)
    rows = [(index_of[int(pid)], int(halves), category) for pid, halves, category in
            register.select("person_id", "halves", "tgxh_category").rows()]

    def build(n_new: int) -> tuple[list[_Person], dict]:
        plan = [_Person("tgxh", rows[i][0], rows[i][1] * HALF, "base", rows[i][2]) for i in order]
        return plan, _groups(plan, n_new, targets, "tgxh")

    # the fewest decisions of the half-year (spread over its months) that keep the payments under the target:
    # the solver then moves some of their starts earlier (arrears)
    low, high = 0, int(total * 0.6)
    while low < high:
        middle = (low + high) // 2
        plan, _groups_ = build(middle)
        if sum(p.paid() for p in plan) <= amount_target:
            high = middle
        else:
            low = middle + 1
    people_plan, groups = build(low)
    residual = _solve(people_plan, amount_target, rng)
    return people_plan, {"persons": len(people_plan), "amount": amount_target - residual, "groups": groups}


def _groups(plan: list[_Person], n_new: int, targets: Targets, register: str) -> dict:
    """Assign the event groups (in the order of ``plan``, already shuffled)."""
    n = targets.n
    sizes = {"new": n_new, "death": n(150) if register == "tgxh" else n(200),
             "late_death": n(40), "decrease": n(120), "hold": n(60) if register == "tgxh" else 0,
             "unpaid_june": n(400), "move": n(50)}
    cursor = 0
    for group, size in sizes.items():
        for k, p in enumerate(plan[cursor:cursor + size]):
            p.group = group
            if group == "new":
                p.decision = 1 + k % 6
                p.start = p.decision
            elif group == "death":
                p.end, p.funeral = 1 + k % 5, register == "tgxh"  # dies in month d (January–May)
            elif group == "late_death":
                p.end, p.extra_month, p.funeral = 1 + k % 4, True, register == "tgxh"
            elif group == "decrease":
                p.end = 1 + k % 5  # stops from the month after (February–June)
            elif group == "unpaid_june":
                p.unpaid_june = True
        cursor += size
    return sizes


def plan_build(*, targets: Targets = Targets()) -> Plan:
    """Draw the registers and their events from the demo population (deterministic for a population and seed)."""
    rng = np.random.default_rng(targets.seed)
    frame = people()
    draw = _Draw(frame, targets.seed)
    tgxh_plan, tgxh_expected = _tgxh(draw, targets, rng)
    topup_plan, topup_expected = _topup(draw, frame, tgxh_plan, targets, rng)
    ncc_plan = _ncc(draw, targets, rng)
    enrolments = _enrolment_rows(frame, tgxh_plan, topup_plan, ncc_plan)
    events = _event_rows(frame, tgxh_plan, ncc_plan, rng)
    unpaid = _unpaid_rows(frame, tgxh_plan, ncc_plan, targets, rng)
    inspection = _inspection_rows(frame, ncc_plan, targets, rng)
    return Plan(enrolments=enrolments, events=events, unpaid=unpaid, inspection=inspection,
                expected={"tgxh": tgxh_expected, "topup": topup_expected, "ncc_legacy": targets.n(targets.ncc_legacy)})


def _topup(draw: _Draw, frame: pl.DataFrame, tgxh_plan: list[_Person], targets: Targets,
           rng: np.random.Generator) -> tuple[list[_Person], dict]:
    """NQ 151/2019: poor elderly without support on TGXH (topped up to the level), members of poor NCC
    households not on TGXH (the whole level)."""
    total = targets.n(targets.topup_persons)
    urban = frame["is_urban"].to_numpy()
    # on TGXH: the disabled elderly first (the top-up is what the assistance leaves to the level), then the poor
    # elderly; the others are members of poor NCC households without assistance (the whole level)
    stable = [p for p in tgxh_plan if p.group == "base" and draw.a0[p.index] >= 60]
    rng.shuffle(stable)
    stable.sort(key=lambda p: -p.amount)
    on_tgxh = stable[: int(total * 0.9)]
    for p in on_tgxh:
        p.group = "base_topup"  # kept out of the later TGXH events: its deduction must stay the same
    plan = [_Person("topup", p.index, TOPUP_LEVEL[bool(urban[p.index])] - p.amount, "base") for p in on_tgxh]
    others = draw.take(total - len(plan), draw.a0 >= 60)
    plan += [_Person("topup", int(i), TOPUP_LEVEL[bool(urban[i])], "base") for i in others]
    order = rng.permutation(len(plan))
    plan = [plan[i] for i in order]
    amount_target = int(targets.topup_amount * targets.scale)
    # decisions over the half-year, more of them as the communes finish their lists
    months = rng.choice(np.arange(1, 7), size=len(plan), p=np.array([1, 1, 2, 2, 3, 3]) / 12)
    # the largest share decided in 2019 whose payments stay under the target: the solver then only moves some
    # starts earlier (arrears for decisions signed after the month they apply from)
    for share in np.arange(0.40, 0.0, -0.02):
        legacy = int(total * share)
        for k, p in enumerate(plan):
            if k < legacy:
                p.group, p.decision, p.start = "legacy", 0, FIRST
            else:
                p.group, p.decision, p.start = "new", int(months[k]), int(months[k])
        if sum(p.paid() for p in plan) <= amount_target:
            break
    residual = _solve(plan, amount_target, rng)
    return plan, {"persons": len(plan), "amount": amount_target - residual}


NCC_MIX = [  # (category, share, martyrs, injury rates, age band, women only)
    ("martyr_relative", 0.52, 1, None, (55, 130), False),
    ("martyr_relative", 0.05, 2, None, (60, 130), False),
    ("martyr_relative", 0.01, 3, None, (65, 130), False),
    ("war_invalid", 0.17, None, (21, 41, 61), (55, 130), False),
    ("sick_soldier", 0.05, None, tuple(range(41, 51)), (55, 130), False),
    ("agent_orange", 0.10, None, tuple(range(21, 41)), (50, 130), False),
    ("imprisoned", 0.08, None, None, (60, 130), False),
    ("heroic_mother", 0.004, None, None, (80, 130), True),
    ("uprising_cadre", 0.002, None, None, (80, 130), False),
]


def _ncc(draw: _Draw, targets: Targets, rng: np.random.Generator) -> list[dict]:
    legacy = targets.n(targets.ncc_legacy)
    new = targets.n(targets.ncc_new_per_month) * 6
    rows = []
    total = legacy + new
    shares = [m[1] for m in NCC_MIX]
    counts = [int(total * s / sum(shares)) for s in shares]
    counts[0] += total - sum(counts)
    for (category, _share, martyrs, rates, (low, high), women), count in zip(NCC_MIX, counts, strict=True):
        mask = draw.band(low, high)
        if women:
            mask &= draw.female
        for i in draw.take(count, mask):
            rate = int(rng.choice(rates)) if rates else None
            rows.append({"index": int(i), "ncc_category": category, "ncc_martyr_count": martyrs,
                         "ncc_injury_rate": rate})
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    for k, row in enumerate(rows):
        row["decision"] = 1 + k % 6 if k < new else 0
        row["start"] = row["decision"] - (1 if k < new and k % 3 == 0 else 0) if k < new else FIRST
        row["group"] = "new" if k < new else "base"
    wanted = {"reassessment": 41, "rate_cut": 61}  # war invalids re-assessed: 41% → 61%, 61% → 41%
    for group, size in (("death", targets.n(200)), ("late_death", targets.n(40)), ("decrease", targets.n(60)),
                        ("suspension", targets.n(15)), ("move", targets.n(20)), ("reassessment", targets.n(50)),
                        ("rate_cut", targets.n(20)), ("inspection", targets.n(25))):
        candidates = [r for r in rows if r["group"] == "base" and (
            group not in wanted or (r["ncc_category"] == "war_invalid" and r["ncc_injury_rate"] == wanted[group]))]
        for k, row in enumerate(candidates[:size]):
            row["group"], row["k"] = group, k
    return rows


def _enrolment_rows(frame, tgxh_plan, topup_plan, ncc_plan) -> pl.DataFrame:
    rows = []
    rng = np.random.default_rng(7)
    for p in tgxh_plan:
        rows.append({"register": "tgxh", "index": p.index, "start": p.start, "decision": p.decision,
                     "tgxh_category": p.category, "ncc_category": None,
                     "ncc_martyr_count": None, "ncc_injury_rate": None})
    for p in topup_plan:
        rows.append({"register": "topup", "index": p.index, "start": p.start, "decision": p.decision,
                     "tgxh_category": None, "ncc_category": None, "ncc_martyr_count": None, "ncc_injury_rate": None})
    for r in ncc_plan:
        rows.append({"register": "ncc", "index": r["index"], "start": r["start"], "decision": r["decision"],
                     "tgxh_category": None, "ncc_category": r["ncc_category"],
                     "ncc_martyr_count": r["ncc_martyr_count"], "ncc_injury_rate": r["ncc_injury_rate"]})
    plan = pl.DataFrame(rows, schema={"register": pl.String, "index": pl.Int64, "start": pl.Int64,
                                      "decision": pl.Int64, "tgxh_category": pl.String, "ncc_category": pl.String,
                                      "ncc_martyr_count": pl.Int64, "ncc_injury_rate": pl.Int64})
    people_cols = frame.select("person_id", "full_name", "identity", "commune_id", "birth_date").with_row_index(
        "index").with_columns(pl.col("index").cast(pl.Int64))
    plan = plan.join(people_cols, on="index", how="left").drop("index")
    legacy_days = rng.integers(0, (dt.date(2019, 9, 30) - dt.date(2008, 1, 1)).days, plan.height)
    topup_months = rng.integers(0, 3, plan.height)  # NQ 151/2019 in force 1/10/2019: decided October–December
    number = pl.int_range(pl.len()) % 900 + 100
    legacy_start = (pl.when(pl.col("register") == "topup")
                    .then(pl.lit(dt.date(2019, 10, 1)).dt.offset_by(pl.format("{}mo", pl.Series(topup_months))))
                    .otherwise(pl.lit(dt.date(2008, 1, 1)) + pl.duration(days=pl.Series(legacy_days))))
    return plan.with_columns(
        pl.when(pl.col("decision") == 0)
        .then(legacy_start)
        .otherwise(pl.col("start").map_elements(month_date, return_dtype=pl.Date)).alias("start_date"),
        pl.when(pl.col("decision") == 0).then(None)
        .otherwise(pl.col("decision").map_elements(lambda m: month_date(m, 5), return_dtype=pl.Date))
        .alias("decision_date"),
        pl.when(pl.col("register") == "ncc").then(pl.format("{}/QĐ-LĐTBXH", number))
        .otherwise(pl.format("{}/QĐ-UBND", number)).alias("decision_number"),
    ).with_columns(
        # a decision of the legacy register is dated with its start; the birth date bounds it
        pl.when(pl.col("decision_date").is_null()).then(pl.max_horizontal("start_date", "birth_date"))
        .otherwise(pl.col("decision_date")).alias("decision_date"),
        pl.max_horizontal("start_date", pl.col("birth_date") + pl.duration(days=1)).alias("start_date"),
        pl.col("decision").alias("import_month"),
    ).drop("start", "decision")


EVENT_SCHEMA = {"register": pl.String, "person_id": pl.Int64, "month": pl.Int64, "kind": pl.String,
                "effective": pl.Int64, "death_day": pl.Date, "tgxh_category": pl.String, "ncc_injury_rate": pl.Int64,
                "to_commune_id": pl.Int64}


def _event_rows(frame: pl.DataFrame, tgxh_plan: list[_Person], ncc_plan: list[dict], rng) -> pl.DataFrame:
    """Changes recorded before the generation of ``month`` (as the commune learns them)."""
    person = frame["person_id"].to_numpy()
    commune = frame["commune_id"].to_numpy()
    communes = np.unique(commune)

    def other_commune(i: int) -> int:
        return int(rng.choice(communes[communes != commune[i]]))

    rows = _tgxh_events(tgxh_plan, person, other_commune) + _ncc_events(ncc_plan, person, other_commune)
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")


def _tgxh_events(plan: list[_Person], person, other_commune) -> list[tuple]:
    rows = []
    for p in plan:
        pid = int(person[p.index])
        if p.group == "death":
            rows.append(("tgxh", pid, p.end + 1, "death", None, month_date(p.end, 12), None, None, None))
        elif p.group == "late_death":
            rows.append(("tgxh", pid, p.end + 2, "death", None, month_date(p.end, 12), None, None, None))
        elif p.group == "decrease":
            rows.append(("tgxh", pid, p.end + 1, "decrease", p.end + 1, None, None, None, None))
        elif p.group == "hold":
            rows.append(("tgxh", pid, 5, "resumption", 5, None, None, None, None))
        elif p.group == "move":
            rows.append(("tgxh", pid, 3, "move", 3, None, None, None, other_commune(p.index)))
    return rows


def _ncc_events(plan: list[dict], person, other_commune) -> list[tuple]:
    rows = []
    for r in plan:
        pid, group, j = int(person[r["index"]]), r["group"], r.get("k", 0)
        if group in ("death", "late_death"):
            month = 1 + j % (5 if group == "death" else 4)
            rows.append(("ncc", pid, month + (1 if group == "death" else 2), "death", None, month_date(month, 8),
                         None, None, None))
        elif group == "decrease":
            rows.append(("ncc", pid, 2 + j % 5, "decrease", 2 + j % 5, None, None, None, None))
        elif group == "suspension":  # suspended from February; resumed in May, with arrears for two in three
            rows.append(("ncc", pid, 2, "suspension", 2, None, None, None, None))
            rows.append(("ncc", pid, 5, "resumption", 2 if j % 3 else 5, None, None, None, None))
        elif group == "move":
            rows.append(("ncc", pid, 3, "move", 3, None, None, None, other_commune(r["index"])))
        elif group in ("reassessment", "rate_cut"):  # re-assessed from January, decided in March / April
            rows.append(("ncc", pid, 3 if group == "reassessment" else 4, "rate_change", 1, None, None,
                         61 if group == "reassessment" else 41, None))
    return rows


UNPAID_REASONS = ("Vắng mặt", "Chuyển đi", "Từ chối nhận", "Sai thông tin")


def _unpaid_rows(frame, tgxh_plan, ncc_plan, targets: Targets, rng) -> pl.DataFrame:
    """The agent's results: who does not collect in which month (carried to the next month)."""
    person = frame["person_id"].to_numpy()
    rows = []
    for p in tgxh_plan:
        if p.group == "hold":
            rows += [("tgxh", int(person[p.index]), m, "Vắng mặt") for m in (1, 2, 3)]
        elif p.unpaid_june:
            rows.append(("tgxh", int(person[p.index]), 6, UNPAID_REASONS[len(rows) % 4]))
    base = [p for p in tgxh_plan if p.group == "base"]
    per_month = targets.n(300)
    for month in range(1, 6):
        for p in base[(month - 1) * per_month: month * per_month]:
            rows.append(("tgxh", int(person[p.index]), month, UNPAID_REASONS[month % 4]))
    ncc_base = [r for r in ncc_plan if r["group"] == "base"]
    per_month = targets.n(150)
    for month in range(1, 7):
        for r in ncc_base[(month - 1) * per_month: month * per_month]:
            rows.append(("ncc", int(person[r["index"]]), month, UNPAID_REASONS[(month + 1) % 4]))
    return pl.DataFrame(rows, schema={"register": pl.String, "person_id": pl.Int64, "month": pl.Int64,
                                      "reason": pl.String}, orient="row")


def _inspection_rows(frame, ncc_plan, targets: Targets, rng) -> pl.DataFrame:
    """An inspection conclusion (Thanh tra Bộ): amounts to recover from NCC beneficiaries, some repaid."""
    person = frame["person_id"].to_numpy()
    rows = []
    for r in ncc_plan:
        if r["group"] == "inspection":
            amount = int(rng.integers(6, 40)) * 1_000_000
            repaid = amount if r["k"] % 3 == 0 else (amount // 2 if r["k"] % 3 == 1 else 0)
            rows.append((int(person[r["index"]]), amount, repaid))
    return pl.DataFrame(rows, schema={"person_id": pl.Int64, "amount": pl.Int64, "repaid": pl.Int64}, orient="row")
