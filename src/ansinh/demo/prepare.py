"""What a demo command needs on a fresh database: the tables, the administrative units, the demo people.
Prepared on the spot (with a line saying so), never a traceback like «no such table: registry_person»."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number


def database_ready(say: Callable[[str], None]) -> None:
    """Apply missing migrations and load the administrative units when they are not there yet."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        say("CSDL chưa có đủ bảng: đang chạy «ansinh migrate»...")
        call_command("migrate", interactive=False, verbosity=0)
    from ansinh.geo.loaders import admin_units_load
    from ansinh.geo.models import AdminUnit

    if not AdminUnit.objects.filter(province_code=settings.ANSINH_PROVINCE_CODE).exists():
        say("Đang nạp đơn vị hành chính...")
        admin_units_load()


def population_ready(*, persons: int, minimum: int, seed: int, say: Callable[[str], None]) -> int:
    """The demo population when the registry is empty. Refuses (a Vietnamese ``DomainError``, before anything is
    written) when the population would be smaller than ``minimum``: the scenario's figures need a province."""
    from ansinh.demo.population import demo_population_load
    from ansinh.registry.models import Person

    count = Person.objects.count()
    if (count or persons) < minimum:
        raise DomainError(
            f"Kịch bản cần dân số cỡ một tỉnh: ít nhất {vn_number(minimum)} nhân khẩu, "
            f"{'CSDL đang có ' + vn_number(count) if count else 'yêu cầu tạo ' + vn_number(persons)}. "
            f"Chạy «ansinh demo_load --persons {vn_number(max(persons, minimum)).replace('.', '')} --reset» trên CSDL "
            "PostgreSQL (xem README), rồi chạy lại kịch bản.")
    if count == 0:
        say(f"CSDL chưa có nhân khẩu: tạo dân số tỉnh mẫu {vn_number(persons)} nhân khẩu...")
        result = demo_population_load(persons=persons, seed=seed, province_code=settings.ANSINH_PROVINCE_CODE)
        return result.persons
    return count
