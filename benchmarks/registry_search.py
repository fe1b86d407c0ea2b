"""Search on 1.3M people on PostgreSQL, through the real view, as a commune and a province user.

200 mixed queries (full names without diacritics, partial names, 12-digit numbers, household codes),
p50 and p95 per user. Baseline, same run, same database: the same view with PostgreSQL's index scans
switched off (what search costs without the trigram and prefix indexes), on the first 20 queries.
Target: p95 under 150 ms.

    .venv/bin/python benchmarks/registry_search.py [--persons 1300000]
Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ansinh_bench); loads the demo
province there when it holds fewer people than asked.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402


def queries(n: int, seed: int = 7) -> list[str]:
    from ansinh.registry.models import Household, Person

    rng = random.Random(seed)
    total = Person.objects.count()
    sample = list(Person.objects.filter(pk__in=[rng.randint(1, total) for _ in range(n * 2)])
                  .values_list("search_key", "pid", "household_id"))
    codes = dict(Household.objects.filter(pk__in=[s[2] for s in sample]).values_list("pk", "code"))
    result = []
    for i, (key, pid, household_id) in enumerate(sample):
        kind = i % 5
        words = key.split()
        if kind == 0:
            result.append(key)  # full name without diacritics
        elif kind == 1:
            result.append(" ".join(words[-2:]))  # middle + given
        elif kind == 2 and pid:
            result.append(pid)  # identity number
        elif kind == 3 and household_id in codes:
            result.append(codes[household_id])
        else:
            result.append(f"{words[0]} {words[-1]}")  # family + given
        if len(result) == n:
            break
    return result


def timed_search(client, qs: list[str]) -> list[float]:
    times = []
    for q in qs:
        start = time.perf_counter()
        response = client.get("/ho-so/nhan-khau/", {"q": q})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(p / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_300_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from psycopg import sql

    from ansinh.accounts.models import User
    from ansinh.registry.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    if Person.objects.count() < args.persons:
        call_command("demo_load", persons=args.persons, seed=2020, reset=True)
    else:
        call_command("demo_load", persons=args.persons, seed=2020, reset=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    qs = queries(args.queries)
    print(f"{Person.objects.count():,} people; {len(qs)} queries".replace(",", "."))
    for username in ("xa", "so"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        timed_search(client, qs[:10])  # warm up
        times = timed_search(client, qs)
        user = User.objects.get(username=username)
        print(f"{username:>3} ({user.get_role_display()}, {user.area}): p50 {statistics.median(times):.0f} ms, "
              f"p95 {pct(times, 95):.0f} ms, max {max(times):.0f} ms   (target p95 < 150 ms)")
    # Baseline: same view, index scans off for this database.
    db = sql.Identifier(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql.SQL("ALTER DATABASE {} SET enable_indexscan = off").format(db))
        cursor.cursor.execute(sql.SQL("ALTER DATABASE {} SET enable_bitmapscan = off").format(db))
    connection.close()
    try:
        client = Client()
        client.force_login(User.objects.get(username="so"))
        base = timed_search(client, qs[:20])
    finally:
        with connection.cursor() as cursor:
            cursor.cursor.execute(sql.SQL("ALTER DATABASE {} RESET enable_indexscan").format(db))
            cursor.cursor.execute(sql.SQL("ALTER DATABASE {} RESET enable_bitmapscan").format(db))
        connection.close()
    client = Client()
    client.force_login(User.objects.get(username="so"))
    indexed = timed_search(client, qs[:20])
    print(f"Baseline without indexes (province user, first 20 queries): p50 {statistics.median(base):.0f} ms; "
          f"with indexes: p50 {statistics.median(indexed):.0f} ms; ratio {statistics.median(base) / max(statistics.median(indexed), 0.1):.0f}x")


if __name__ == "__main__":
    main()
