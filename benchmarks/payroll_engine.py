"""Benchmark of the payroll engine (``ansinh.payroll.engine.settle``) on a synthetic Hà Tĩnh-size province.

Population (numpy, seeded): 45.000 NCC (martyrs' relatives with 1–3 martyrs, war invalids of both types,
sick soldiers and Agent Orange victims over their whole rate ranges, heroic mothers, prisoners, medal
holders, cadres, caregivers) and 65.000 TGXH (elderly, disabled, children) beneficiaries. Window: the 18
months 2023-07 … 2024-12, settled for the period 2024-12.

What was paid (P), built from the rules themselves:

- every month to 2024-11 at the amount due, except **a retroactive table change**: the NĐ 77/2024 tables
  and the NĐ 76/2024 TGXH level (from 2024-07) are taken as known only in October, so July–September
  2024 were paid at the June 2024 amounts → arrears for 3 months;
- late decisions: 30 % of those who start after 2023-07 were not paid their first 1–3 months → arrears;
- deaths: 3 % die in the window; half are reported late (paid 1–3 months after the month of death, no
  lump sum yet → recoveries and the lump sum), the other half were stopped in time with the lump sum paid.

Timed: one ``settle(B, P, period="2024-12")`` (and the same through the command, CSV in and out).

Baseline, in the same run: the same entitlements computed **person by person** through OpenFisca — for a
random sample of ``--sample`` beneficiaries, a 1-person frame per person and month through
``bridge.compute`` (the death lump sum in the month of death), then entitlement − paid in Python. Its
time per person-month is extrapolated to the population's person-months (baseline = sample time ÷
sample person-months × all person-months); the sample's lines are checked equal to the engine's.
Only prints; asserts no time.

    .venv/bin/python benchmarks/payroll_engine.py [--ncc 45000] [--tgxh 65000] [--sample 300]
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import polars as pl

from ansinh.payroll.cli import main as cli_main
from ansinh.payroll.engine import OUT_COLUMNS, settle_with_report
from ansinh.policy.bridge import compute

SEED = 20241201
FIRST, PERIOD = "2023-07", "2024-12"
LAST_PAID = "2024-11"
OLD_RATE_MONTHS = ("2024-07", "2024-08", "2024-09")  # paid at the June 2024 amounts
NCC_CATEGORIES = {  # category: share
    "martyr_relative": 0.35,
    "war_invalid": 0.20,
    "war_invalid_b": 0.03,
    "sick_soldier": 0.07,
    "agent_orange": 0.15,
    "heroic_mother": 0.01,
    "imprisoned": 0.08,
    "resistance_medal": 0.05,
    "uprising_cadre": 0.01,
    "pre_1945_cadre_non_detached": 0.005,
    "armed_forces_hero": 0.005,
    "caregiver": 0.04,
}
RATE_LOW = {"war_invalid": 21, "war_invalid_b": 21, "sick_soldier": 41, "agent_orange": 21}
TGXH_CATEGORIES = {  # category: (share, youngest age, oldest age) at 2023-07
    "elderly_80_no_pension": (0.45, 80, 100),
    "elderly_poor_no_carer": (0.08, 60, 95),
    "disabled_severe": (0.22, 5, 90),
    "disabled_especially_severe": (0.15, 5, 90),
    "child_no_carer": (0.05, 0, 15),
    "elderly_75_80_poor_difficult_area": (0.03, 75, 79),
    "elderly_community_care": (0.02, 60, 95),
}


def month_index(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_text(index: int | np.ndarray) -> np.ndarray:
    index = np.asarray(index)
    return np.char.add(np.char.add((index // 12).astype(str), "-"), np.char.zfill((index % 12 + 1).astype(str), 2))


def _choice(rng, table: dict, size: int) -> np.ndarray:
    names = np.array(list(table))
    shares = np.array([v[0] if isinstance(v, tuple) else v for v in table.values()], dtype=float)
    return rng.choice(names, size=size, p=shares / shares.sum())


def synthesise(n_ncc: int, n_tgxh: int) -> tuple[pl.DataFrame, np.ndarray]:
    """B.csv as text, and for each row the number of first months not paid (late decision)."""
    rng = np.random.default_rng(SEED)
    n = n_ncc + n_tgxh
    register = np.where(np.arange(n) < n_ncc, "ncc", "tgxh")
    first, period = month_index(FIRST), month_index(PERIOD)
    start = np.where(rng.random(n) < 0.8, first, rng.integers(first + 1, period + 1, n))
    late_months = np.where((start > first) & (rng.random(n) < 0.3), rng.integers(1, 4, n), 0)
    late_months = np.minimum(late_months, period - start)

    ncc_category = _choice(rng, NCC_CATEGORIES, n)
    rate = np.zeros(n, dtype=np.int64)
    for name, low in RATE_LOW.items():
        mask = ncc_category == name
        rate[mask] = rng.integers(low, 101, int(mask.sum()))
    martyrs = rng.choice([1, 2, 3], size=n, p=[0.85, 0.12, 0.03])

    tgxh_category = _choice(rng, TGXH_CATEGORIES, n)
    age_low = np.array([TGXH_CATEGORIES[c][1] for c in tgxh_category])
    age_high = np.array([TGXH_CATEGORIES[c][2] for c in tgxh_category])
    age_days = rng.integers(age_low * 365 + 31, (age_high + 1) * 365 - 31)
    birth = np.datetime64("2023-07-01") - age_days.astype("timedelta64[D]")

    dies = rng.random(n) < 0.03
    start_day = (np.datetime64(FIRST, "M") + (start - first).astype("timedelta64[M]")).astype("datetime64[D]")
    death = start_day + (rng.random(n) * (np.datetime64("2024-12-31") - start_day).astype(int)).astype(
        "timedelta64[D]"
    )
    is_ncc = register == "ncc"
    relative = is_ncc & (ncc_category == "martyr_relative")
    frame = pl.DataFrame({
        "person_id": np.char.add("HT", np.char.zfill(np.arange(n).astype(str), 7)),
        "register": register,
        "ncc_category": ncc_category,
        "ncc_martyr_count": martyrs.astype(str),
        "ncc_injury_rate": rate.astype(str),
        "tgxh_category": tgxh_category,
        "birth_date": birth.astype(str),
        "is_urban": np.where(rng.random(n) < 0.2, "true", "false"),
        "start_month": month_text(start),
        "death_date": death.astype(str),
        "_ncc": is_ncc, "_relative": relative, "_rated": is_ncc & (rate > 0), "_dies": dies,
    }).select(
        "person_id", "register",
        _keep("ncc_category", "_ncc"), _keep("ncc_martyr_count", "_relative"), _keep("ncc_injury_rate", "_rated"),
        _keep("tgxh_category", ~pl.col("_ncc")), _keep("birth_date", ~pl.col("_ncc")), "is_urban", "start_month",
        _keep("death_date", "_dies"),
    )
    return frame, late_months


def _keep(name: str, mask: str | pl.Expr) -> pl.Expr:
    """The column where ``mask`` holds, empty (null) elsewhere — as an empty CSV cell."""
    condition = pl.col(mask) if isinstance(mask, str) else mask
    return pl.when(condition).then(pl.col(name)).otherwise(None).alias(name)


def build_paid(beneficiaries: pl.DataFrame, late_months: np.ndarray) -> pl.DataFrame:
    """What was paid until 2024-11 (see the module documentation), vectorised."""
    empty = pl.DataFrame(schema={name: pl.String for name in OUT_COLUMNS})
    started = beneficiaries.filter(pl.col("start_month") <= LAST_PAID)
    due = settle_with_report(started, empty, period=LAST_PAID).lines  # every month due, at today's rules
    rng = np.random.default_rng(SEED + 1)
    rows = beneficiaries.with_row_index("_row").select(
        "_row", "person_id", "register", "start_month", "death_date",
        pl.Series("_late", late_months),
        pl.Series("_reported_late", rng.random(beneficiaries.height) < 0.5),
        pl.Series("_extra", rng.integers(1, 4, beneficiaries.height)),
    )
    monthly = due.filter(pl.col("kind") != "death_lump_sum").join(rows, on=["person_id", "register"])
    june = monthly.filter(pl.col("month") == "2024-06").select("_row", pl.col("amount").alias("_june"))
    monthly = monthly.join(june, on="_row", how="left").with_columns(
        pl.when(pl.col("month").is_in(OLD_RATE_MONTHS) & pl.col("_june").is_not_null())
        .then(pl.col("_june")).otherwise(pl.col("amount")).alias("amount"),
        _index(pl.col("month")).alias("_m"),
        _index(pl.col("start_month")).alias("_start"),
    ).filter(pl.col("_m") >= pl.col("_start") + pl.col("_late"))  # late decisions: first months unpaid
    dead = monthly.filter(pl.col("death_date").is_not_null() & pl.col("_reported_late")).with_columns(
        _index(pl.col("death_date").str.slice(0, 7)).alias("_death")
    )
    overpaid = (
        dead.filter(pl.col("_m") == pl.col("_death"))
        .with_columns(pl.int_ranges(pl.col("_death") + 1, pl.col("_death") + 1 + pl.col("_extra")).alias("_after"))
        .explode("_after")
        .filter(pl.col("_after") <= month_index(LAST_PAID))
        .with_columns(_text(pl.col("_after")).alias("month"))
    )
    timely_lumps = due.filter(pl.col("kind") == "death_lump_sum").join(
        rows.filter(~pl.col("_reported_late")), on=["person_id", "register"], how="semi"
    )
    paid = pl.concat([
        monthly.select("person_id", "register", "month", pl.lit("regular").alias("kind"), "amount"),
        overpaid.select("person_id", "register", "month", pl.lit("regular").alias("kind"), "amount"),
        timely_lumps.select(OUT_COLUMNS),
    ])
    return paid.with_columns(pl.col("amount").cast(pl.String))


def _index(text: pl.Expr) -> pl.Expr:
    return text.str.slice(0, 4).cast(pl.Int64) * 12 + text.str.slice(5, 2).cast(pl.Int64) - 1


def _text(index: pl.Expr) -> pl.Expr:
    return pl.concat_str((index // 12).cast(pl.String), pl.lit("-"),
                         (index % 12 + 1).cast(pl.String).str.zfill(2))


# --- memory -------------------------------------------------------------------------------------------


def reset_peak_rss() -> bool:
    """Linux: reset the process's peak resident size (VmHWM) so the next peak is the timed step's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- person-by-person baseline ------------------------------------------------------------------------


def baseline(beneficiaries: pl.DataFrame, paid: pl.DataFrame, sample: int) -> tuple[float, int, set, list[tuple]]:
    """Settle ``sample`` random rows one person and one month at a time through OpenFisca."""
    rng = np.random.default_rng(SEED + 2)
    chosen = beneficiaries[np.sort(rng.choice(beneficiaries.height, size=sample, replace=False)).tolist()]
    paid_by = {}
    lump_paid = set()
    for person, register, month, kind, amount in paid.join(
        chosen.select("person_id", "register"), on=["person_id", "register"], how="semi"
    ).iter_rows():
        if kind == "death_lump_sum":
            lump_paid.add((person, register))
        else:
            paid_by[(person, register, month)] = paid_by.get((person, register, month), 0) + int(amount)
    period = month_index(PERIOD)
    lines, person_months = [], 0
    started = time.perf_counter()
    for row in chosen.iter_rows(named=True):
        key = (row["person_id"], row["register"])
        death = datetime.date.fromisoformat(row["death_date"]) if row["death_date"] else None
        last = min(period, death.year * 12 + death.month - 1) if death else period
        frame = _one_person_frame(row, death)
        due = {}
        for m in range(month_index(row["start_month"]), last + 1):
            dies = death is not None and m == last and row["register"] == "ncc"
            variables = ["ncc_monthly_allowance", "tgxh_monthly_allowance"] + (["ncc_death_lump_sum"] if dies else [])
            out, _ = compute(frame, None, variables, str(month_text(m)))
            variable = "ncc_monthly_allowance" if row["register"] == "ncc" else "tgxh_monthly_allowance"
            due[str(month_text(m))] = int(out[variable][0])
            if dies and out["ncc_death_lump_sum"][0] > 0 and key not in lump_paid:
                lines.append((*key, str(month_text(m)), "death_lump_sum", int(out["ncc_death_lump_sum"][0])))
            person_months += 1
        months = sorted(set(due) | {m for (p, r, m) in paid_by if (p, r) == key and m <= PERIOD})
        for month in months:
            difference = due.get(month, 0) - paid_by.get((*key, month), 0)
            if difference:
                kind = "recovery" if difference < 0 else ("regular" if month == PERIOD else "arrears")
                lines.append((*key, month, kind, difference))
    keys = set(chosen.select("person_id", "register").iter_rows())
    return time.perf_counter() - started, person_months, keys, lines


def _one_person_frame(row: dict, death: datetime.date | None) -> pl.DataFrame:
    ncc = row["register"] == "ncc"
    rated = row["ncc_category"] in RATE_LOW
    return pl.DataFrame({
        "person_id": [0], "household_id": [0], "role": ["head"],
        "ncc_category": [row["ncc_category"] if ncc else "none"],
        "ncc_martyr_count": [int(row["ncc_martyr_count"] or 0) if ncc else 0],
        "ncc_injury_rate": [int(row["ncc_injury_rate"]) if ncc and rated else 0],
        "tgxh_category": ["none" if ncc else row["tgxh_category"]],
        "birth_date": [datetime.date.fromisoformat(row["birth_date"]) if row["birth_date"] else datetime.date(1900, 1, 1)],
        "death_date": [death or datetime.date(9999, 12, 31)],
    })


def _person_months(beneficiaries: pl.DataFrame) -> int:
    period = month_index(PERIOD)
    frame = beneficiaries.select(
        _index(pl.col("start_month")).alias("start"),
        pl.min_horizontal(pl.lit(period), _index(pl.col("death_date").str.slice(0, 7))).alias("last"),
    )
    return int((frame["last"] - frame["start"] + 1).sum())


def _summary(lines: pl.DataFrame) -> str:
    table = lines.group_by("kind").agg(pl.len().alias("lines"), pl.col("amount").sum().alias("đồng")).sort("kind")
    return "\n".join(f"    {kind:15} {count:>9,} lines {amount:>20,} đồng" for kind, count, amount in table.iter_rows())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ncc", type=int, default=45_000)
    parser.add_argument("--tgxh", type=int, default=65_000)
    parser.add_argument("--sample", type=int, default=300, help="persons settled one by one for the baseline")
    args = parser.parse_args()

    started = time.perf_counter()
    beneficiaries, late = synthesise(args.ncc, args.tgxh)
    paid = build_paid(beneficiaries, late)
    person_months = _person_months(beneficiaries)
    print(f"Synthetic province: {args.ncc:,} NCC + {args.tgxh:,} TGXH = {beneficiaries.height:,} beneficiaries, "
          f"{person_months:,} person-months {FIRST}..{PERIOD}; {paid.height:,} paid rows "
          f"(built in {time.perf_counter() - started:.1f} s)")
    print(f"  CPUs: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

    reset_ok = reset_peak_rss()
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    result = settle_with_report(beneficiaries, paid, period=PERIOD)
    engine_seconds = time.perf_counter() - started
    rss_peak = peak_rss_mb()
    print(f"\nEngine settle(period={PERIOD}): {engine_seconds:.2f} s, {result.lines.height:,} lines")
    print(_summary(result.lines))
    label = "peak RSS during settle" if reset_ok else "process peak RSS (ru_maxrss)"
    print(f"  memory: {label} {rss_peak:,.0f} MB (resident before: {rss_before:,.0f} MB)")

    tracemalloc.start()
    settle_with_report(beneficiaries, paid, period=PERIOD)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  memory: tracemalloc peak (Python and numpy allocations; polars' own not traced) "
          f"{traced_peak / 2**20:,.0f} MB")

    with tempfile.TemporaryDirectory() as folder:
        b_path, p_path, out_path = (Path(folder) / name for name in ("B.csv", "P.csv", "OUT.csv"))
        beneficiaries.write_csv(b_path)
        paid.write_csv(p_path)
        started = time.perf_counter()
        stdout = sys.stdout
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the summary is printed by the command itself
        try:
            code = cli_main(["settle", "--beneficiaries", str(b_path), "--paid", str(p_path), "--period", PERIOD,
                             "--out", str(out_path)])
        finally:
            sys.stdout.close()
            sys.stdout = stdout
        cli_seconds = time.perf_counter() - started
        print(f"  command (read {b_path.stat().st_size / 2**20:.1f} + {p_path.stat().st_size / 2**20:.1f} MB of CSV, "
              f"settle, write): {cli_seconds:.2f} s, exit {code}")

    sample_seconds, sample_months, sample_ids, sample_lines = baseline(beneficiaries, paid, args.sample)
    per_month = sample_seconds / sample_months
    estimate = per_month * person_months
    engine_lines = sorted(
        tuple(row) for row in result.lines.iter_rows() if (row[0], row[1]) in sample_ids
    )
    same = engine_lines == sorted(sample_lines)
    print(f"\nBaseline, person by person through OpenFisca (1-person frame per month): sample of {args.sample} "
          f"persons = {sample_months:,} person-months in {sample_seconds:.2f} s ({per_month * 1000:.2f} ms each)")
    print(f"  extrapolated to {person_months:,} person-months: {estimate:,.0f} s ({estimate / 60:,.1f} min)")
    print(f"  sample lines identical to the engine's: {same} ({len(sample_lines)} lines)")
    print(f"\nRatio baseline / engine: {estimate / engine_seconds:,.0f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
