"""The registry run (``match_registry``) measured end to end on PostgreSQL: used by ``matching_province.py
--registry``. A fresh database ``hmat_bench`` (``BENCH_MATCHING_DATABASE_URL``): the synthetic province written
through the bulk path, plus duplicates of 8 % of the people (``ansinh.demo.duplicates.add_duplicates``, the same
errors as the core benchmark) written as extra registry people without household; no pid or CMND twice (the
database refuses it — a registry duplicate keeps a number only when it is free). Then the run as the worker runs
it — read, normalise, learn, predict (in chunks, progress saved), store the pairs, queue — timed per stage, peak
RSS of the run's own process; then a second run (only new pairs are inserted)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

URL = os.environ.get("BENCH_MATCHING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hmat_bench")
HERE = Path(__file__).resolve()


def _fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = sql.Identifier(parsed.path.lstrip("/"))
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _django(url: str) -> None:
    sys.path.insert(0, str(HERE.parent))
    from _django import setup

    setup(url)


def load(persons: int, seed: int, rate: float, truth_path: Path) -> dict:
    """Fresh database, the province and its duplicates; the ground truth (person id → true person) saved."""
    import polars as pl
    from django.db import transaction

    from ansinh.core.bulk import read_frame, reserve_ids, write_frame
    from ansinh.core.text import fold_expr
    from ansinh.demo.duplicates import add_duplicates, ha_tinh_units
    from ansinh.demo.population import demo_population_load
    from ansinh.geo.models import AdminUnit, Level, Structure
    from ansinh.registry.models import Person

    t0 = time.perf_counter()
    demo_population_load(persons=persons, seed=seed, province_code="42")
    t1 = time.perf_counter()
    people = read_frame(
        "SELECT p.id AS person_id, p.full_name, p.sex, p.birth_date, p.birth_precision, p.pid, p.cmnd, "
        "u.code AS commune_code FROM registry_person p JOIN geo_adminunit u ON u.id = p.commune_id ORDER BY p.id",
        schema={"person_id": pl.Int64, "birth_date": pl.Date, "pid": pl.String, "cmnd": pl.String,
                "commune_code": pl.String})
    words = pl.col("full_name").str.split(" ")
    people = people.with_columns(family_name=words.list.first(), given_name=words.list.last(),
                                 middle_name=words.list.slice(1, words.list.len() - 2).list.join(" "))
    units = ha_tinh_units()
    records = add_duplicates(people, rate=rate, seed=seed, units=units)
    copies = records.filter(pl.col("errors") != "")
    by_code = dict(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT, province_code="42")
                   .values_list("code", "id"))
    taken_pid, taken_cmnd = set(people["pid"].drop_nulls()), set(people["cmnd"].drop_nulls())
    copies = copies.with_columns(
        pl.col("commune_code").replace(units.old_to_new).replace_strict(by_code, default=None).alias("commune_id"),
        pl.when(pl.col("pid").is_in(list(taken_pid)) | pl.col("pid").is_duplicated()).then(None)
        .otherwise(pl.col("pid")).alias("pid"),
        pl.when(pl.col("cmnd").is_in(list(taken_cmnd)) | pl.col("cmnd").is_duplicated()).then(None)
        .otherwise(pl.col("cmnd")).alias("cmnd"))
    copies = copies.filter(pl.col("commune_id").is_not_null())
    with transaction.atomic():
        start = reserve_ids(Person._meta.db_table, copies.height)
        now = pl.lit(time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
        rows = copies.with_row_index("n").select(
            (pl.col("n").cast(pl.Int64) + start).alias("id"), now.alias("created_at"), now.alias("updated_at"),
            "full_name", fold_expr(pl.col("full_name")).alias("search_key"), "sex", "birth_date",
            "birth_precision", pl.lit("01").alias("ethnicity_code"), "pid", "cmnd",
            pl.lit("").alias("phone"), pl.col("commune_id").cast(pl.Int64))
        write_frame(Person._meta.db_table, rows)
    truth = pl.concat([people.select(pl.col("person_id").alias("unique_id"), pl.col("person_id").alias("cluster_id")),
                       rows.select(pl.col("id").alias("unique_id")).with_columns(copies["cluster_id"].alias("cluster_id"))])
    truth.write_parquet(truth_path)
    return {"persons": people.height, "duplicates": copies.height, "records": truth.height,
            "population_s": t1 - t0, "duplicates_s": time.perf_counter() - t1}


def run_once(truth_path: Path) -> dict:
    """One registry run as the worker runs it (``services.match_run_execute``), its stages timed."""
    import polars as pl

    from ansinh.accounts.models import Role, User
    from ansinh.core.bulk import read_frame
    from ansinh.geo.models import AdminUnit, Level
    from ansinh.matching import services
    from ansinh.matching.models import MatchRun

    province = AdminUnit.objects.get(level=Level.PROVINCE, code="42", structure="current") \
        if AdminUnit.objects.filter(level=Level.PROVINCE, code="42", structure="current").exists() \
        else AdminUnit.objects.filter(level=Level.PROVINCE, code="42").first()
    user = User.objects.filter(username="bench_so").first() or User.objects.create_user(
        username="bench_so", password="x-bench-2026", role=Role.PROVINCIAL_SPECIALIST, area=province)
    stages: list[tuple[float, str]] = []
    real = services._progress

    def timed(run, percent, stage, **fields):
        stages.append((time.perf_counter(), stage))
        real(run, percent, stage, **fields)

    services._progress = timed
    run = services.match_run_start(actor=user)
    t0 = time.perf_counter()
    services.match_run_execute(run_id=run.pk)
    total = time.perf_counter() - t0
    run = MatchRun.objects.get(pk=run.pk)
    steps: dict[str, float] = {}
    for (t_a, name), (t_b, _) in zip(stages, [*stages[1:], (t0 + total, "")], strict=False):
        key = "So sánh các cặp nghi trùng" if name.startswith("So sánh các cặp nghi trùng") else name
        steps[key] = steps.get(key, 0.0) + t_b - t_a
    chunks = [s for _, s in stages if s.startswith("So sánh các cặp nghi trùng: phần")]
    truth = pl.read_parquet(truth_path)
    pairs = read_frame("SELECT person_low_id, person_high_id, band FROM matching_candidatepair WHERE run_id = %s",
                       [run.pk], schema={"person_low_id": pl.Int64, "person_high_id": pl.Int64, "band": pl.String})
    labelled = (pairs.join(truth.rename({"unique_id": "person_low_id", "cluster_id": "a"}), on="person_low_id")
                .join(truth.rename({"unique_id": "person_high_id", "cluster_id": "b"}), on="person_high_id"))
    true_pairs = int(truth.group_by("cluster_id").len().select(pl.col("len") * (pl.col("len") - 1) // 2).sum().item())
    tp = int((labelled["a"] == labelled["b"]).sum())
    auto = labelled.filter(pl.col("band") == "auto")
    return {"status": run.status, "message": run.message, "seconds": total, "stages": list(steps.items()),
            "chunks": len(chunks), "records": run.records, "pairs": run.pairs_total, "queued": run.pairs_queued,
            "auto": run.pairs_auto, "model_source": run.model_source,
            "precision": tp / max(pairs.height, 1), "recall": tp / max(true_pairs, 1), "true_pairs": true_pairs,
            "auto_precision": float((auto["a"] == auto["b"]).mean() or 0) if auto.height else 1.0,
            "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024}


def child(argv: list[str]) -> None:
    """``python benchmarks/_matching_registry.py load|run ...``: one step in its own process (its own RSS)."""
    step, truth = argv[0], Path(argv[1])
    _django(URL)
    out = load(int(argv[2]), int(argv[3]), float(argv[4]), truth) if step == "load" else run_once(truth)
    print(json.dumps(out, ensure_ascii=False))


def main(persons: int, seed: int, rate: float) -> None:
    truth = Path("/tmp") / f"hmat_registry_truth_{os.getpid()}.parquet"
    _fresh_database(URL)
    print(f"registry run on {URL.rsplit('/', 1)[-1]}: {persons:,} people + {rate:.0%} duplicates", flush=True)

    def step(*args) -> dict:
        proc = subprocess.run([sys.executable, str(HERE), *args], capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"{args[0]} failed")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    t0 = time.perf_counter()
    info = step("load", str(truth), str(persons), str(seed), str(rate))
    print(f"load: {info['records']:,} records ({info['duplicates']:,} duplicates) in {time.perf_counter() - t0:.1f} s "
          f"(population {info['population_s']:.1f} s)", flush=True)
    for label in ("first run", "second run (nothing changed)"):
        load_avg = Path("/proc/loadavg").read_text().split()[:3]
        r = step("run", str(truth))
        print(f"\n{label}: {r['status']} in {r['seconds']:.1f} s, peak RSS {r['peak_gb']:.2f} GB "
              f"(load average before {' '.join(load_avg)}); {r['records']:,} records, prediction in "
              f"{r['chunks']} chunks")
        print(f"  model: {r['model_source']}")
        for name, seconds in r["stages"]:
            print(f"  {seconds:7.1f} s  {name}")
        print(f"  pairs {r['pairs']:,} (already queued {r['queued']:,}), above auto-merge {r['auto']:,}; "
              f"pair precision {r['precision']:.4f} / recall {r['recall']:.4f} of {r['true_pairs']:,} true pairs; "
              f"auto-merge precision {r['auto_precision']:.4f}")
        if r["message"]:
            print("  message:", r["message"])
    truth.unlink(missing_ok=True)


if __name__ == "__main__":
    child(sys.argv[1:])
