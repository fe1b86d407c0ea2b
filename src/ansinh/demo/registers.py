"""Demo standing registers: NCC and TGXH beneficiaries and the poor / near-poor household list,
at realistic proportions of the population present, set-based (Polars + COPY / executemany).

Hà Tĩnh 2020: over 45.000 NCC on monthly allowances (≈ 3,5% of 1,3 M people), about 65.000 TGXH
beneficiaries (≈ 5%); a rural province's 2019 poor and near-poor rates (≈ 5% each of households).
Noise that the list generation must handle is added on purpose: enrolments that ended before the
cut-off, households that entered the list after it, beneficiaries who died before 1/4/2020 while
their enrolment was still open.

Each NCC enrolment carries what the monthly payroll's rules need (``ncc_category``, the number of martyrs, the
injury rate), drawn in the proportions of the 2020 payroll scenario (``demo.payroll_plan``); every enrolment has
its decision date (three weeks before the start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.sql import compose, identifier
from ansinh.programmes.models import Enrolment

ENROLMENT_TABLE = Enrolment._meta.db_table
NOISE_SHARE = 0.02
# (category, share, martyrs, injury rates): the NCC register's mix (demo.payroll_plan's proportions)
NCC_MIX = (("martyr_relative", 0.55, 1, None), ("martyr_relative", 0.05, 2, None),
           ("war_invalid", 0.17, None, (21, 41, 61, 81)), ("sick_soldier", 0.05, None, (41, 45, 50)),
           ("agent_orange", 0.10, None, (21, 31, 40)), ("imprisoned", 0.08, None, None))


@dataclass(frozen=True)
class RegisterPlan:
    ncc: int
    tgxh: int
    both: int  # people on both the NCC and the TGXH registers (counted in ``ncc`` and in ``tgxh``)
    poor_households: int = 0
    near_poor_households: int = 0
    # Exact number of household-list members eligible for group 7 and on neither person register;
    # when given, households are drawn until this number is reached (then split poor / near-poor).
    household_members: int | None = None
    poor_share: float = 0.45
    seed: int = 2020
    cutoff: dt.date = dt.date(2019, 12, 31)
    alive_on: dt.date = dt.date(2020, 4, 1)


@dataclass(frozen=True)
class RegisterResult:
    ncc: int
    tgxh: int
    poor_households: int
    near_poor_households: int
    noise: int

    def describe(self) -> str:
        from ansinh.core.formatting import vn_number

        return (f"{vn_number(self.ncc)} người có công, {vn_number(self.tgxh)} đối tượng BTXH, "
                f"{vn_number(self.poor_households)} hộ nghèo, {vn_number(self.near_poor_households)} hộ cận nghèo "
                f"(và {vn_number(self.noise)} hồ sơ đã thôi hưởng/vào sau ngày chốt/đã mất để thử bộ lọc)")


def plan_at_rates(*, seed: int = 2020, ncc_rate: float = 0.035, tgxh_rate: float = 0.05, both_share: float = 0.08,
                  poor_rate: float = 0.05, near_poor_rate: float = 0.05) -> RegisterPlan:
    """A plan at realistic proportions of the people and households present."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_person WHERE death_date IS NULL")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM registry_household")
        households = cursor.fetchone()[0]
    ncc = round(people * ncc_rate)
    return RegisterPlan(ncc=ncc, tgxh=round(people * tgxh_rate), both=round(ncc * both_share),
                        poor_households=round(households * poor_rate),
                        near_poor_households=round(households * near_poor_rate), seed=seed)


def _persons(alive_on: dt.date) -> pl.DataFrame:
    frame = read_frame("SELECT id, commune_id, birth_date, death_date FROM registry_person",
                       schema={"id": pl.Int64, "commune_id": pl.Int64, "birth_date": pl.Date, "death_date": pl.Date})
    return frame.with_columns(
        (pl.col("death_date").is_null() | (pl.col("death_date") >= alive_on)).alias("alive"),
        ((pl.lit(alive_on) - pl.col("birth_date")).dt.total_days() // 365.25).cast(pl.Int32).alias("age"),
    )


def _members(cutoff: dt.date) -> pl.DataFrame:
    frame = read_frame(
        "SELECT m.household_id, m.person_id, m.joined_date, m.left_date, h.commune_id "
        "FROM registry_membership m JOIN registry_household h ON h.id = m.household_id",
        schema={"household_id": pl.Int64, "person_id": pl.Int64, "joined_date": pl.Date, "left_date": pl.Date,
                "commune_id": pl.Int64})
    return frame.filter((pl.col("joined_date").is_null() | (pl.col("joined_date") <= cutoff))
                        & (pl.col("left_date").is_null() | (pl.col("left_date") > cutoff)))


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability ∝ weights (Efraimidis–Spirakis)."""
    k = min(k, int((weights > 0).sum()))
    if k <= 0:
        return np.array([], dtype=np.int64)
    keys = np.where(weights > 0, rng.random(len(weights)) ** (1.0 / np.maximum(weights, 1e-12)), -1.0)
    return np.argpartition(-keys, k - 1)[:k]


def _tgxh_category(age: pl.Expr) -> pl.Expr:
    return (pl.when(age >= 80).then(pl.lit("elderly_80_no_pension"))
            .when(age < 16).then(pl.lit("child_no_carer"))
            .when(age >= 60).then(pl.lit("elderly_poor_no_carer"))
            .otherwise(pl.lit("disabled_severe")))


def _person_registers(rng, persons: pl.DataFrame, plan: RegisterPlan) -> tuple[np.ndarray, np.ndarray]:
    eligible = persons["alive"].to_numpy() & (persons["birth_date"].to_numpy() <= np.datetime64(plan.cutoff))
    age = persons["age"].to_numpy().astype(float)
    ncc_weight = np.where(eligible & (age >= 30), np.clip(age - 25, 1, None) ** 2, 0.0)
    ncc = _weighted_pick(rng, ncc_weight, plan.ncc)
    both = ncc[rng.permutation(len(ncc))[:plan.both]]
    tgxh_weight = np.where(eligible, np.where(age >= 80, 30.0, np.where(age < 16, 1.0, 2.0)), 0.0)
    tgxh_weight[ncc] = 0.0
    others = _weighted_pick(rng, tgxh_weight, plan.tgxh - len(both))
    return ncc, np.concatenate([both, others])


def _household_lists(rng, members: pl.DataFrame, persons: pl.DataFrame, on_person_registers: np.ndarray,
                     plan: RegisterPlan) -> tuple[np.ndarray, np.ndarray]:
    alive_ids = persons.filter(pl.col("alive"))["id"]
    excluded = pl.Series(persons["id"].to_numpy()[on_person_registers])
    counts = (members.with_columns((pl.col("person_id").is_in(alive_ids.implode())
                                    & ~pl.col("person_id").is_in(excluded.implode())).alias("new"))
              .group_by("household_id").agg(pl.col("new").sum().alias("new"))
              .sort("household_id"))
    ids, new = counts["household_id"].to_numpy(), counts["new"].to_numpy()
    order = rng.permutation(len(ids))
    if plan.household_members is None:
        chosen = order[:plan.poor_households + plan.near_poor_households]
        return ids[chosen[:plan.poor_households]], ids[chosen[plan.poor_households:]]
    cumulative = np.cumsum(new[order])
    taken = order[cumulative <= plan.household_members]
    remainder = plan.household_members - int(new[taken].sum())
    rest = np.setdiff1d(order, taken, assume_unique=True)
    while remainder > 0:
        fit = rest[new[rest] == min(remainder, 6)]
        if not len(fit):
            fit = rest[(new[rest] > 0) & (new[rest] <= remainder)]
        if not len(fit):
            raise RuntimeError("Không đủ hộ để đạt số thành viên yêu cầu.")
        taken = np.append(taken, fit[0])
        rest = rest[rest != fit[0]]
        remainder -= int(new[fit[0]])
    split = round(len(taken) * plan.poor_share)
    return ids[taken[:split]], ids[taken[split:]]


def _decision(register: str, index: pl.Expr, year: pl.Expr) -> pl.Expr:
    office = {"ncc": "QĐ-LĐTBXH", "tgxh": "QĐ-UBND", "poor": "QĐ-UBND", "near_poor": "QĐ-UBND"}[register]
    return pl.format("{}/{}-{}", (index % 900 + 100), pl.lit(office), year)


@transaction.atomic
def standing_registers_load(*, plan: RegisterPlan) -> RegisterResult:
    """Write enrolments for the plan (existing enrolments are kept; call ``standing_registers_clear`` first)."""
    rng = np.random.default_rng(plan.seed)
    persons = _persons(plan.alive_on)
    members = _members(plan.cutoff)
    ncc, tgxh = _person_registers(rng, persons, plan)
    poor, near_poor = _household_lists(rng, members, persons, np.union1d(ncc, tgxh), plan)
    person_frames = []
    for register, picks in (("ncc", ncc), ("tgxh", tgxh)):
        chosen = persons[picks.tolist()] if len(picks) else persons.head(0)
        starts = rng.integers(0, max((plan.cutoff - dt.date(1995, 1, 1)).days, 1), chosen.height)
        person_frames.append(chosen.select(
            pl.lit(register).alias("register"), pl.col("id").alias("person_id"),
            pl.lit(None, dtype=pl.Int64).alias("household_id"), "commune_id",
            (_tgxh_category(pl.col("age")) if register == "tgxh" else pl.lit("")).alias("tgxh_category"),
            (pl.lit(dt.date(1995, 1, 1)) + pl.duration(days=pl.Series(starts))).alias("start_date"),
        ))
    households = read_frame("SELECT id, commune_id FROM registry_household",
                            schema={"id": pl.Int64, "commune_id": pl.Int64})
    household_frames = []
    for register, picks in (("poor", poor), ("near_poor", near_poor)):
        household_frames.append(households.filter(pl.col("id").is_in(pl.Series(picks).implode())).select(
            pl.lit(register).alias("register"), pl.lit(None, dtype=pl.Int64).alias("person_id"),
            pl.col("id").alias("household_id"), "commune_id", pl.lit("").alias("tgxh_category"),
            pl.lit(dt.date(2019, 1, 1)).alias("start_date")))
    frame = pl.concat(person_frames + household_frames, how="vertical_relaxed").with_columns(
        pl.lit(None, dtype=pl.Date).alias("end_date"))
    noise = _noise(rng, persons, households, set(frame["person_id"].drop_nulls().to_list()),
                   set(frame["household_id"].drop_nulls().to_list()), plan)
    frame = _with_ncc_facts(rng, pl.concat([frame, noise], how="vertical_relaxed"))
    _write_enrolments(frame)
    return RegisterResult(ncc=len(ncc), tgxh=len(tgxh), poor_households=len(poor),
                          near_poor_households=len(near_poor), noise=noise.height)


def _noise(rng, persons: pl.DataFrame, households: pl.DataFrame, used_people: set, used_households: set,
           plan: RegisterPlan) -> pl.DataFrame:
    """Enrolments the generation must ignore: ended before the cut-off, started after it, died before 1/4/2020."""
    count = max(int((plan.ncc + plan.tgxh) * NOISE_SHARE), 3)
    free = persons.filter(~pl.col("id").is_in(pl.Series(list(used_people), dtype=pl.Int64).implode())
                          & (pl.col("birth_date") < dt.date(1980, 1, 1)))
    dead = free.filter(pl.col("death_date").is_not_null() & (pl.col("death_date") < plan.alive_on)
                       & (pl.col("death_date") > dt.date(2015, 1, 1)))
    ended = free.filter(pl.col("alive")).sample(min(count, free.height), seed=int(rng.integers(1 << 30)))
    dead = dead.sample(min(count // 4, dead.height), seed=int(rng.integers(1 << 30)))
    ended_frame = ended.select(
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("ncc")).otherwise(pl.lit("tgxh")).alias("register"),
        pl.col("id").alias("person_id"), pl.lit(None, dtype=pl.Int64).alias("household_id"), "commune_id",
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("")).otherwise(pl.lit("elderly_80_no_pension"))
        .alias("tgxh_category"),
        pl.lit(dt.date(2010, 1, 1)).alias("start_date"), pl.lit(dt.date(2019, 10, 31)).alias("end_date"))
    dead_frame = dead.select(
        pl.lit("ncc").alias("register"), pl.col("id").alias("person_id"),
        pl.lit(None, dtype=pl.Int64).alias("household_id"), "commune_id", pl.lit("").alias("tgxh_category"),
        pl.lit(dt.date(2005, 1, 1)).alias("start_date"), pl.lit(None, dtype=pl.Date).alias("end_date"))
    free_households = households.filter(~pl.col("id").is_in(pl.Series(list(used_households), dtype=pl.Int64)
                                                            .implode()))
    late = free_households.sample(min(count // 2, free_households.height), seed=int(rng.integers(1 << 30)))
    late_frame = late.select(
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("poor")).otherwise(pl.lit("near_poor")).alias("register"),
        pl.lit(None, dtype=pl.Int64).alias("person_id"), pl.col("id").alias("household_id"), "commune_id",
        pl.lit("").alias("tgxh_category"), pl.lit(dt.date(2020, 1, 1)).alias("start_date"),
        pl.lit(None, dtype=pl.Date).alias("end_date"))
    return pl.concat([ended_frame, dead_frame, late_frame], how="vertical_relaxed")


def _with_ncc_facts(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """The NCC category, martyrs and injury rate of each NCC row (drawn with ``NCC_MIX``), the decision dates."""
    shares = np.array([share for _c, share, _m, _r in NCC_MIX])
    pick = rng.choice(len(NCC_MIX), size=frame.height, p=shares / shares.sum())
    ncc = (frame["register"] == "ncc").to_numpy()
    categories = np.where(ncc, np.array([c for c, _s, _m, _r in NCC_MIX], dtype=object)[pick], "")
    martyrs = [NCC_MIX[k][2] if is_ncc else None for k, is_ncc in zip(pick, ncc, strict=True)]
    rates = [int(rng.choice(NCC_MIX[k][3])) if is_ncc and NCC_MIX[k][3] else None
             for k, is_ncc in zip(pick, ncc, strict=True)]
    return frame.with_columns(pl.Series("ncc_category", categories.tolist(), dtype=pl.String),
                              pl.Series("ncc_martyr_count", martyrs, dtype=pl.Int64),
                              pl.Series("ncc_injury_rate", rates, dtype=pl.Int64),
                              (pl.col("start_date") - pl.duration(days=21)).alias("decision_date"))


def _write_enrolments(frame: pl.DataFrame) -> None:
    now = timezone.now()
    start = reserve_ids(ENROLMENT_TABLE, frame.height)
    frame = frame.with_columns(
        (pl.int_range(pl.len()) + start).alias("id"),
        _decision_expr(),
        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
    )
    write_frame(ENROLMENT_TABLE, frame.select(
        "id", "created_at", "updated_at", "register", "person_id", "household_id", "commune_id", "tgxh_category",
        "ncc_category", "ncc_martyr_count", "ncc_injury_rate", "decision_number", "decision_date", "start_date",
        "end_date"))


def _decision_expr() -> pl.Expr:
    office = (pl.when(pl.col("register") == "ncc").then(pl.lit("QĐ-LĐTBXH")).otherwise(pl.lit("QĐ-UBND")))
    return pl.format("{}/{}", (pl.int_range(pl.len()) % 900 + 100), office).alias("decision_number")


def standing_registers_clear() -> int:
    """Remove every enrolment (demo reset only)."""
    with connection.cursor() as cursor:
        cursor.execute(*compose("DELETE FROM {table}", table=identifier(ENROLMENT_TABLE)))
        return cursor.rowcount
