"""Generating the NQ 42 groups 5–7 lists with every check for the whole province, against one SQL
``INSERT ... SELECT`` producing the same rows without checks, amounts from a constant, no flags.

Needs a database with the demo province and its standing registers (``ansinh scenario covid-2020`` or
``ansinh demo_load --persons 1300000`` + ``ansinh demo_registers``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ansinh_covid .venv/bin/python benchmarks/programmes_generation.py
"""

from __future__ import annotations

import datetime as dt
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from ansinh.accounts.models import Role, User
    from ansinh.geo.models import AdminUnit
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.models import Programme
    from ansinh.programmes.services.generation import registry_lists_generate
    from ansinh.programmes.services.programmes import programme_from_definition

    province = AdminUnit.objects.get(level="province", structure="current", code="42")
    actor, _ = User.objects.get_or_create(username="bench_so", defaults={"role": Role.PROVINCIAL_SPECIALIST,
                                                                        "area": province})
    definition = {**COVID_2020, "code": "bench-covid-2020"}

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            Programme.objects.filter(code=definition["code"]).delete()
            programme = programme_from_definition(definition=definition, actor=actor, province_code="42")
            started = time.perf_counter()
            result = registry_lists_generate(programme=programme, actor=actor)
            generation = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_rows (list_key text, person_id bigint, amount bigint) "
                       "ON COMMIT DROP")
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO bench_rows
            SELECT DISTINCT e.register || '-' || e.commune_id, e.person_id, %(person_amount)s FROM programmes_enrolment e
              JOIN registry_person p ON p.id = e.person_id
             WHERE e.register = ANY(%(person_registers)s) AND e.start_date <= %(window)s
               AND (e.end_date IS NULL OR e.end_date > %(window)s)
               AND (p.death_date IS NULL OR p.death_date >= %(death)s)
            UNION ALL
            SELECT DISTINCT 'poor-' || e.commune_id, m.person_id, %(household_amount)s FROM programmes_enrolment e
              JOIN registry_membership m ON m.household_id = e.household_id
              JOIN registry_person p ON p.id = m.person_id
             WHERE e.register = ANY(%(household_registers)s) AND e.start_date <= %(cutoff)s
               AND (e.end_date IS NULL OR e.end_date > %(cutoff)s)
               AND (m.joined_date IS NULL OR m.joined_date <= %(cutoff)s)
               AND (m.left_date IS NULL OR m.left_date > %(cutoff)s)
               AND (p.death_date IS NULL OR p.death_date >= %(death)s)""",
                       {"person_amount": 1_500_000, "household_amount": 750_000, "person_registers": ["ncc", "tgxh"],
                        "household_registers": ["poor", "near_poor"], "window": dt.date(2020, 4, 1),
                        "cutoff": dt.date(2019, 12, 31), "death": dt.date(2020, 4, 1)})
        baseline_rows = cursor.rowcount
        baseline = time.perf_counter() - started
    print(f"generation with all checks: {result.lists} lists, {result.rows} rows, flags {result.checks.flags}: "
          f"{generation:.1f} s")
    print(f"baseline INSERT ... SELECT (no checks, no rules, no flags): {baseline_rows} rows: {baseline:.2f} s")
    print(f"ratio: {generation / baseline:.1f}x")


if __name__ == "__main__":
    main()
