"""The database guards accepted figures itself (migration 0002): a raw ORM write that bypasses the services is refused
while the report is accepted — on PostgreSQL an UPDATE, an INSERT and a DELETE; on SQLite an UPDATE and an INSERT
(no DELETE trigger there: the test runner empties SQLite tables with DELETE). The services check first, so a user
still reads their Vietnamese message naming the indicator; after a reopen with a reason the figures move again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ansinh.core.errors import DomainError
from ansinh.planning.models import Achievement, ReportStatus, UnitReport
from ansinh.planning.services import plan, reports

pytestmark = pytest.mark.django_db
LOCKED = "Số liệu đã khoá"


@pytest.fixture
def accepted(world) -> UnitReport:
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 14))
    reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": "9.997"})
    r = reports.report_submit(actor=world.u["district_a"], report=r, received_on=dt.date(2020, 6, 18))
    return reports.report_accept(actor=world.u["acceptor"], report=r)


def _refused(write) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    return str(caught.value)


def test_a_raw_update_of_an_accepted_figure_is_refused_by_the_database(world, accepted):
    row = Achievement.objects.get(report=accepted)
    assert LOCKED in _refused(lambda: Achievement.objects.filter(pk=row.pk).update(value=Decimal(1)))
    assert LOCKED in _refused(lambda: Achievement.objects.filter(pk=row.pk).update(report=None))  # moved out: still
    assert Achievement.objects.get(pk=row.pk).value == Decimal("9997")


def test_a_raw_insert_into_a_locked_unit_and_period_is_refused(world, accepted):
    """Not only the rows of the report: a figure of the same unit, period and indicator written around it (a
    breakdown, an «imported» row without a report) is locked as the service locks it."""
    assert LOCKED in _refused(lambda: Achievement.objects.create(
        indicator=world.jobs, unit=world.office_a, period=world.period, breakdown="sex:F", value=10,
        source="imported", recorded_by=world.u["planner"]))
    # another unit's figure of the same period is free
    Achievement.objects.create(indicator=world.jobs, unit=world.office_b, period=world.period, value=10,
                               source="imported", recorded_by=world.u["planner"])


def test_a_raw_delete_of_an_accepted_figure_is_refused_on_postgresql(world, accepted):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no DELETE trigger (the test runner flushes its tables with DELETE)")
    assert LOCKED in _refused(lambda: Achievement.objects.filter(report=accepted).delete())
    assert Achievement.objects.filter(report=accepted).count() == 1


def test_the_service_answers_first_with_its_own_message(world, accepted):
    with pytest.raises(DomainError, match="Số liệu «Số người được giải quyết việc làm» của .* đã khoá") as caught:
        plan.achievement_write(indicator=world.jobs, unit=world.office_a, period=world.period, value=Decimal(5),
                               source="imported", actor=world.u["planner"])
    assert caught.value.field == "value"


def test_after_a_reopen_the_database_lets_the_figure_change(world, accepted):
    reopened = reports.report_reopen(actor=world.u["acceptor"], report=accepted, reason="Đơn vị đề nghị sửa số liệu")
    assert reopened.status == ReportStatus.RETURNED
    Achievement.objects.filter(report=accepted).update(value=Decimal(9_990))
    assert Achievement.objects.get(report=accepted).value == Decimal("9990")
