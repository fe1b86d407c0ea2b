"""Emptying demo data. Refused on a production installation (``core.safety.refuse_in_production``)."""

from __future__ import annotations

from django.db import connection

from ansinh.core.safety import refuse_in_production
from ansinh.core.sql import compose, join, table
from ansinh.registry.models import (
    Household,
    Membership,
    Person,
    PersonAccess,
    PersonAccessItem,
    RegistryImport,
)


def registry_truncate() -> None:
    """Remove every household, person and membership (demo reset only)."""
    refuse_in_production("xoá toàn bộ hộ, nhân khẩu (demo_load --reset)")
    from ansinh.api.models import ApiDisclosure, DataSubjectRequest

    models = [ApiDisclosure, PersonAccessItem, PersonAccess, Membership, Person, Household,
              *(m.history.model for m in (Membership, Person, Household)), RegistryImport]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(*compose("TRUNCATE {tables} CASCADE", tables=join(", ", (table(m) for m in models))))
        else:
            cursor.execute(*compose("UPDATE {table} SET head_id = NULL", table=table(Household)))
            cursor.execute(*compose("UPDATE {table} SET merged_into_id = NULL", table=table(Person)))
            cursor.execute(*compose("UPDATE {table} SET person_id = NULL", table=table(DataSubjectRequest)))
            for model in models:
                cursor.execute(*compose("DELETE FROM {table}", table=table(model)))


def world_clear() -> None:
    """Remove the living demo's work (``demo.world``): poverty rounds and housing, monthly payrolls, the NQ 42
    programme with its lists and payments, the standing registers, labour data, matching runs and merges, the
    parameter proposals still waiting, the archive and the petitions, the 2020 plan (demo reset only; the registry itself is ``registry_truncate``)."""
    refuse_in_production("xoá toàn bộ công việc của tỉnh mẫu (demo_load --reset)")
    from ansinh.demo.casework import casework_demo_clear
    from ansinh.demo.covid_2020 import scenario_reset as programmes_reset
    from ansinh.demo.labour import labour_demo_clear
    from ansinh.demo.payroll_2020 import scenario_reset as payroll_reset
    from ansinh.demo.poverty import poverty_demo_clear
    from ansinh.demo.semiannual_2020 import scenario_reset as plan_reset
    from ansinh.matching.models import CandidatePair, FileMatch, MatchRun, NonMatch, PersonMerge
    from ansinh.policy.models import ChangeStatus, ParameterChange
    from ansinh.programmes.models import RegisterImport

    plan_reset()  # the plan's units, reports, tasks and documents (they point at users and administrative units)
    casework_demo_clear()  # first: dossiers, petitions and inspections point at people and recovery entries
    poverty_demo_clear()  # the other resets do not know the poverty tables
    payroll_reset()
    programmes_reset()
    RegisterImport.objects.all().delete()
    labour_demo_clear()
    for model in (PersonMerge, NonMatch, CandidatePair, MatchRun, FileMatch):
        model.objects.all().delete()
    ParameterChange.objects.filter(status=ChangeStatus.PROPOSED).delete()
