"""`ansinh demo --persons 1300000 --no-serve` on PostgreSQL: time and peak memory.

Runs the real command in a child process on a freshly created database (migrate, administrative
units, 1.3M people, users). Baseline, same run: generating the same population in memory plus a raw
COPY of its people and households into unindexed temporary tables (no ids, no checks, no indexes).
Target: under 5 minutes.

    .venv/bin/python benchmarks/demo_province.py [--persons 1300000]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

URL = os.environ.get("BENCH_DEMO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ansinh_bench_demo")


def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = sql.Identifier(parsed.path.lstrip("/"))
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def floor(persons: int) -> float:
    import polars as pl
    import psycopg
    from psycopg import sql

    from ansinh.demo.synthetic import CommuneSpec, generate_population

    specs = [CommuneSpec(code=f"{18000 + i}", name=f"Xã {i}", is_urban=i % 7 == 0) for i in range(69)]
    start = time.perf_counter()
    pop = generate_population(persons=persons, seed=2020, communes=specs)
    with psycopg.connect(URL) as conn, conn.cursor() as cur:
        for name, frame in (("p", pop.persons), ("h", pop.households)):
            frame = frame.select([pl.col(c).cast(pl.Utf8) for c in frame.columns])
            floor_table = sql.Identifier(f"floor_{name}")
            columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in frame.columns)
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(floor_table, columns))
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False)
            with cur.copy(sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv)").format(floor_table)) as copy:
                copy.write(buffer.getvalue())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_300_000)
    args = parser.parse_args()
    fresh_database(URL)
    env = {**os.environ, "DATABASE_URL": URL}
    ansinh = Path(sys.executable).with_name("ansinh")
    start = time.perf_counter()
    out = subprocess.run([str(ansinh), "demo", "--persons", str(args.persons), "--no-serve"], env=env,
                         capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(out.strip().splitlines()[1] if len(out.splitlines()) > 1 else out)
    base = floor(args.persons)
    print(f"ansinh demo --persons {args.persons} --no-serve: {seconds:.0f} s ({seconds / 60:.1f} min), "
          f"peak memory {peak:.0f} MB  (target < 5 min)")
    print(f"Floor (generate in memory + raw COPY into unindexed tables): {base:.0f} s; ratio {seconds / base:.1f}x")


if __name__ == "__main__":
    main()
