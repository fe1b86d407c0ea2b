"""A month of the monthly payrolls at Hà Tĩnh size, on PostgreSQL (issue #12 item 5): targets < 30 s for one
month generated, committed and exported per commune, < 60 s for a retroactive change settled for the province.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ansinh_bench_payroll .venv/bin/python benchmarks/payroll_month.py

On a database of its own (dropped and created again each run): ≈ 45.000 NCC (every category of the annexes, war
invalids over the whole 21–100% range), 65.000 TGXH and 13.000 top-up beneficiaries (9.000 of them also on TGXH)
in the 69 communes of the province, registered set-based (``registry.bulk``, ``core.bulk``).

1. **One month** (June 2024, the registers' first payroll month): ``payroll_month_generate`` for the three
   registers — the engine fed from the database, the lines written (COPY), one draft sheet per commune — then
   every commune's list exported to .xlsx for the post office (``services.export``). Timed together.
2. The sheets are sent and paid, and July–September 2024 are **paid at the June amounts** (written set-based as
   a previous run would have: the tables of NĐ 77/2024 and the NĐ 76/2024 TGXH level, from 1/7/2024, taken as
   known only in October).
3. **The retroactive change**: October 2024 generated — the engine settles July–September again under the new
   tables for the whole province: three months of arrears for nearly everyone, plus October. Timed.

Baseline in the same run: June computed person by person through OpenFisca (a 1-person frame per beneficiary,
``bridge.compute``) for a random sample, extrapolated to all the month's beneficiaries; ratio = baseline ÷ step 1's
generation. Prints figures and peak memory; asserts no time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ansinh_bench_payroll"
JUNE, JULY, AUGUST, SEPTEMBER, OCTOBER = (dt.date(2024, m, 1) for m in (6, 7, 8, 9, 10))
SEED = 2024
NCC_MIX = [  # category, share, martyrs, injury rates
    ("martyr_relative", 0.40, (1, 2, 3), None), ("heroic_mother", 0.01, None, None),
    ("war_invalid", 0.22, None, range(21, 101)), ("war_invalid_b", 0.03, None, range(21, 101)),
    ("sick_soldier", 0.06, None, range(41, 101)), ("agent_orange", 0.12, None, range(21, 101)),
    ("imprisoned", 0.06, None, None), ("resistance_medal", 0.06, None, None), ("uprising_cadre", 0.01, None, None),
    ("armed_forces_hero", 0.01, None, None), ("caregiver", 0.02, None, None),
]
TGXH_MIX = [  # category, share, birth years
    ("elderly_80_no_pension", 0.35, (1925, 1943)), ("elderly_poor_no_carer", 0.25, (1945, 1963)),
    ("disabled_severe", 0.20, (1970, 2000)), ("disabled_especially_severe", 0.08, (1960, 2005)),
    ("child_no_carer", 0.12, (2010, 2019)),
]


def _peak_mb() -> float:
    """The process's peak resident size since the last reset (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _django.peak_rss_mb()


def _reset_peak() -> None:
    """Linux: reset the process's peak resident size (VmHWM), so that the next peak is the timed step's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _drop(url: str) -> None:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')  # noqa: S608 (our own name)


def _people(n_ncc: int, n_tgxh: int, n_topup_only: int):
    """Persons (one per household) with the facts each register needs, spread over the province's communes."""
    import numpy as np
    import polars as pl

    from ansinh.core.text import fold
    from ansinh.geo.models import AdminUnit, Level, Structure

    rng = np.random.default_rng(SEED)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                    .order_by("code").values_list("pk", "is_urban"))
    total = n_ncc + n_tgxh + n_topup_only
    commune_index = rng.integers(0, len(communes), total)
    births = np.empty(total, dtype="datetime64[D]")
    births[:n_ncc] = np.datetime64("1930-01-01") + rng.integers(0, 30 * 365, n_ncc)
    tgxh_categories = rng.choice(len(TGXH_MIX), size=n_tgxh, p=[m[1] for m in TGXH_MIX])
    for k, (_c, _s, (low, high)) in enumerate(TGXH_MIX):
        mask = tgxh_categories == k
        births[n_ncc:n_ncc + n_tgxh][mask] = (np.datetime64(f"{low}-01-01")
                                              + rng.integers(0, (high - low) * 365, int(mask.sum())))
    births[n_ncc + n_tgxh:] = np.datetime64("1935-01-01") + rng.integers(0, 25 * 365, n_topup_only)
    i = pl.int_range(total, eager=True)
    names = [f"Người Thử {k:06d}" for k in range(total)]
    persons = pl.DataFrame({
        "person_id": i, "household_id": i, "relationship": "head", "full_name": names,
        "search_key": [fold(n) for n in names], "sex": "M", "birth_date": pl.Series(births).cast(pl.Date),
        "birth_precision": "day", "ethnicity_code": "01", "phone": "",
        "commune_id": [communes[c][0] for c in commune_index],
    }).with_columns(
        pl.format("0420{}{}", (pl.col("birth_date").dt.year() % 100).cast(pl.String).str.zfill(2),
                  pl.col("person_id").cast(pl.String).str.zfill(6)).alias("pid"),
        pl.lit(None, dtype=pl.String).alias("cmnd"), pl.lit(None, dtype=pl.String).alias("social_insurance_no"),
        pl.lit(None, dtype=pl.Date).alias("death_date"), pl.lit(dt.date(2015, 1, 1)).alias("joined_date"))
    households = pl.DataFrame({"household_id": i}).with_columns(
        pl.format("BM{}", pl.col("household_id").cast(pl.String).str.zfill(7)).alias("code"),
        pl.Series("commune_id", [communes[c][0] for c in commune_index]),
        pl.Series("recorded_commune_id", [communes[c][0] for c in commune_index]),
        pl.lit("Thôn 1").alias("village"), pl.lit("").alias("address_detail"),
        pl.Series("is_urban", [communes[c][1] for c in commune_index]), pl.col("household_id").alias("head_person_id"))
    return persons, households, tgxh_categories, rng


def build(n_ncc: int, n_tgxh: int, n_topup: int) -> dict:
    """The registers at Hà Tĩnh size and the cast of the monthly cycle."""
    import numpy as np
    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from ansinh.accounts.models import Role, User
    from ansinh.core.bulk import reserve_ids, write_frame
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.registry.bulk import bulk_insert_registry

    topup_shared = min(int(n_topup * 0.7), n_tgxh)
    persons, households, tgxh_categories, rng = _people(n_ncc, n_tgxh, n_topup - topup_shared)
    with transaction.atomic():
        bulk_insert_registry(households=households, persons=persons)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, commune_id FROM registry_person ORDER BY id")
        ids = cursor.fetchall()
    person_ids = np.array([r[0] for r in ids])
    commune_ids = np.array([r[1] for r in ids])
    rows = []
    shares = np.array([m[1] for m in NCC_MIX])
    ncc_kind = rng.choice(len(NCC_MIX), size=n_ncc, p=shares / shares.sum())
    for k in range(n_ncc):
        category, _s, martyrs, rates = NCC_MIX[ncc_kind[k]]
        rows.append(("ncc", k, "", category, int(rng.choice(martyrs)) if martyrs else None,
                     int(rng.choice(list(rates))) if rates else None))
    for k in range(n_tgxh):
        rows.append(("tgxh", n_ncc + k, TGXH_MIX[tgxh_categories[k]][0], "", None, None))
    elderly = [n_ncc + k for k in range(n_tgxh) if TGXH_MIX[tgxh_categories[k]][0].startswith("elderly")]
    for k in [*elderly[:topup_shared], *range(n_ncc + n_tgxh, len(person_ids))]:
        rows.append(("topup", k, "", "", None, None))
    frame = pl.DataFrame(rows, schema={"register": pl.String, "k": pl.Int64, "tgxh_category": pl.String,
                                       "ncc_category": pl.String, "ncc_martyr_count": pl.Int64,
                                       "ncc_injury_rate": pl.Int64}, orient="row")
    now = timezone.now()
    with transaction.atomic():
        start = reserve_ids("programmes_enrolment", frame.height)
        write_frame("programmes_enrolment", frame.select(
            (pl.int_range(pl.len()) + start).alias("id"), pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"), "register", pl.Series("person_id", person_ids[frame["k"].to_numpy()]),
            pl.lit(None, dtype=pl.Int64).alias("household_id"),
            pl.Series("commune_id", commune_ids[frame["k"].to_numpy()]), "tgxh_category", "ncc_category",
            "ncc_martyr_count", "ncc_injury_rate", pl.format("{}/QĐ", pl.col("k")).alias("decision_number"),
            pl.lit(dt.date(2019, 12, 20)).alias("decision_date"), pl.lit(dt.date(2020, 1, 1)).alias("start_date"),
            pl.lit(None, dtype=pl.Date).alias("end_date")))
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")

    def user(name, role):
        return User.objects.create_user(username=name, password=None, role=role, area=province, last_name="Bench",
                                        first_name=name)

    return {"generator": user("bm_so", Role.PROVINCIAL_SPECIALIST), "leader": user("bm_lanhdao", Role.LEADER),
            "agent": user("bm_buudien", Role.PAYMENT_AGENT), "enrolments": frame.height}


def generate_and_export(cast: dict, month: dt.date, folder: Path) -> tuple[float, float, int, int]:
    from ansinh.payroll.models import PayrollSheet
    from ansinh.payroll.services import export
    from ansinh.payroll.services.generation import payroll_month_generate

    with _django.Timer() as gen:
        lines = sum(payroll_month_generate(actor=cast["generator"], register=r, month=month).lines
                    for r in ("ncc", "tgxh", "topup"))
    sheets = list(PayrollSheet.objects.filter(month=month).select_related("commune", "payroll_month"))
    with _django.Timer() as exp:
        for sheet in sheets:
            export.sheet_export(actor=cast["generator"], sheet=sheet,
                                target=folder / f"{sheet.register}-{sheet.commune.code}.xlsx")
    return gen.seconds, exp.seconds, lines, len(sheets)


def _send_and_pay(cast: dict, month: dt.date) -> None:
    """Sheets to «sent», every line paid, sheets to «results» (set-based: the setup, not what is timed)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ansinh.core.sql import compose

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*compose(
            """UPDATE payroll_payrollsheet SET status = 'sent', approved_by_id = %s, approved_at = %s, sent_by_id = %s,
                      sent_at = %s, agent_id = %s WHERE month = %s""",
            cast["leader"].pk, now, cast["generator"].pk, now, cast["agent"].pk, month))
        cursor.execute(*compose(
            """INSERT INTO payroll_lineresult (line_id, sheet_id, status, paid_date, reason, recorded_at)
               SELECT l.id, l.sheet_id, 'paid', %s, '', %s FROM payroll_payrollline l
                WHERE l.month = %s AND l.amount > 0""", month.replace(day=10), now, month))
        cursor.execute(*compose("UPDATE payroll_payrollsheet SET status = 'results' WHERE month = %s", month))


def _paid_at_june_amounts(cast: dict, month: dt.date) -> None:
    """``month`` as a previous run paid it: the June regular lines again, results «paid»."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ansinh.core.sql import compose

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*compose(
            """INSERT INTO payroll_payrollmonth (created_at, updated_at, register, month, generated_by_id, generated_at,
                      digest, warnings, person_count, line_count, amount_total, recovery_total)
               SELECT %s, %s, register, %s, generated_by_id, %s, '', '[]', person_count, line_count, amount_total, 0
                 FROM payroll_payrollmonth WHERE month = %s""", now, now, month, now, JUNE))
        cursor.execute(*compose(
            """INSERT INTO payroll_payrollsheet (created_at, updated_at, payroll_month_id, register, month, commune_id,
                      status, digest, person_count, line_count, amount_total, recovery_total, return_reason,
                      prepared_by_id)
               SELECT %s, %s, m.id, s.register, %s, s.commune_id, 'draft', '', s.person_count, s.person_count,
                      s.amount_total, 0, '', s.prepared_by_id
                 FROM payroll_payrollsheet s JOIN payroll_payrollmonth m ON m.register = s.register AND m.month = %s
                WHERE s.month = %s""", now, now, month, month, JUNE))
        cursor.execute(*compose(
            """INSERT INTO payroll_payrollline (sheet_id, payroll_month_id, register, month, commune_id, person_id,
                      enrolment_id, seq, entitlement_month, kind, amount, carried, facts)
               SELECT n.id, n.payroll_month_id, l.register, %s, l.commune_id, l.person_id, l.enrolment_id, l.seq, %s,
                      'regular', l.amount, FALSE, l.facts
                 FROM payroll_payrollline l JOIN payroll_payrollsheet o ON o.id = l.sheet_id
                 JOIN payroll_payrollsheet n ON n.register = o.register AND n.commune_id = o.commune_id
                                            AND n.month = %s
                WHERE l.month = %s AND l.kind = 'regular'""", month, month, month, JUNE))
    _send_and_pay(cast, month)


def baseline(month: dt.date, sample: int) -> tuple[float, int]:
    """The month person by person through OpenFisca: one 1-person ``bridge.compute`` per sampled beneficiary."""
    import numpy as np
    import polars as pl

    from ansinh.payroll import sources
    from ansinh.policy.bridge import compute

    period = sources.month_index(month)
    frames = {r: sources.beneficiaries(r, period, period).frame for r in ("ncc", "tgxh", "topup")}
    everyone = pl.concat(list(frames.values()), how="vertical_relaxed")
    rng = np.random.default_rng(SEED + 1)
    chosen = everyone[np.sort(rng.choice(everyone.height, size=min(sample, everyone.height), replace=False)).tolist()]
    started = time.perf_counter()
    for row in chosen.iter_rows(named=True):
        register = row["register"]
        person = pl.DataFrame({
            "person_id": [0], "household_id": [0], "role": ["head"],
            "ncc_category": [row["ncc_category"] or "none"], "ncc_martyr_count": [row["ncc_martyr_count"] or 0],
            "ncc_injury_rate": [row["ncc_injury_rate"] or 0], "tgxh_category": [row["tgxh_category"] or "none"],
            "birth_date": [row["birth_date"] or dt.date(1900, 1, 1)], "hatinh_topup_eligible": [register == "topup"]})
        households = pl.DataFrame({"household_id": [0], "household_is_urban": [bool(row["is_urban"])]})
        variable = {"ncc": "ncc_monthly_allowance", "tgxh": "tgxh_monthly_allowance",
                    "topup": "hatinh_topup_amount"}[register]
        compute(person, households, [variable], f"{month:%Y-%m}")
    elapsed = time.perf_counter() - started
    return elapsed / chosen.height * everyone.height, everyone.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ncc", type=int, default=45_000)
    parser.add_argument("--tgxh", type=int, default=65_000)
    parser.add_argument("--topup", type=int, default=13_000)
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _django.say(f"load before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    _drop(url)
    with _django.Timer() as t:
        _django.setup(url)
    _django.say(f"database {urlparse(url).path.lstrip('/')}: migrated, units loaded in {t.seconds:.1f} s")
    with _django.Timer() as t:
        cast = build(args.ncc, args.tgxh, args.topup)
    _django.say(f"registers: {args.ncc:,} NCC + {args.tgxh:,} TGXH + {args.topup:,} top-up = {cast['enrolments']:,} "
                f"enrolments in 69 communes, built in {t.seconds:.1f} s")

    from ansinh.payroll.models import PayrollLine, PayrollMonth
    from ansinh.payroll.reconciliation import reconciliation_compute
    from ansinh.payroll.services.generation import payroll_month_generate

    with tempfile.TemporaryDirectory() as tmp:
        gen, exp, lines, sheets = generate_and_export(cast, JUNE, Path(tmp))
        total = gen + exp
        _django.say(f"1. one month (06/2024) generated and committed: {gen:.1f} s ({lines:,} lines); exported "
                    f"{sheets} commune lists (.xlsx): {exp:.1f} s; total {total:.1f} s (target < 30 s)")
        for pm in PayrollMonth.objects.filter(month=JUNE).order_by("register"):
            _django.say(f"     {pm.register:<5} {pm.person_count:>7,} persons {pm.amount_total:>17,} đ")
        base, beneficiaries = baseline(JUNE, args.sample)
        _django.say(f"   baseline, person by person through OpenFisca (sample {args.sample}): {base:.0f} s for "
                    f"{beneficiaries:,} beneficiaries — {base / gen:,.0f}× the generation")
        with _django.Timer() as t:
            _send_and_pay(cast, JUNE)
            for month in (JULY, AUGUST, SEPTEMBER):
                _paid_at_june_amounts(cast, month)
        _django.say(f"2. June sent and paid; July–September paid at the June amounts (set-based setup): "
                    f"{t.seconds:.1f} s")
        first_peak = _peak_mb()
        _reset_peak()
        with _django.Timer() as retro:
            october = sum(payroll_month_generate(actor=cast["generator"], register=r, month=OCTOBER).lines
                          for r in ("ncc", "tgxh", "topup"))
        retro_peak = _peak_mb()
        arrears = PayrollLine.objects.filter(month=OCTOBER, kind="arrears")
        _django.say(f"3. retroactive change (NĐ 77/2024, NĐ 76/2024 from 07/2024, known in October): October settled "
                    f"for the province in {retro.seconds:.1f} s (target < 60 s): {october:,} lines, "
                    f"{arrears.count():,} arrears lines for 07–09/2024")
        rec = reconciliation_compute(first=OCTOBER)
        _django.say(f"     October: {rec.province['persons_listed']:,} persons listed, "
                    f"{rec.province['amount_listed']:,} đ")
    _django.say(f"peak memory (RSS): steps 1–2 {first_peak:.0f} MB, step 3 {retro_peak:.0f} MB; load after: "
                f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
