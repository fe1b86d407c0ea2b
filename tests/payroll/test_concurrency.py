"""Two people doing the same thing at once, with two real database connections released together (PostgreSQL:
SQLite serialises every writer): two approvals of the same sheet, the same month generated twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent
from ansinh.payroll.models import PayrollLine, PayrollMonth, PayrollSheet, SheetEvent, SheetStatus
from ansinh.payroll.services import workflow
from ansinh.payroll.services.generation import payroll_month_generate
from payroll.conftest import JULY, generate, sheets

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")


def at_once(*calls: Callable[[], object], timeout: float = 120) -> list[tuple[object | None, BaseException | None]]:
    barrier = threading.Barrier(len(calls))
    out: list[tuple[object | None, BaseException | None]] = [(None, None)] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            out[i] = (call(), None)
        except BaseException as err:  # collected and asserted by the test
            out[i] = (None, err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return out


def test_two_approvals_at_once_one_approves_the_other_is_told(postgres, cast, world):
    generate(cast, "ncc", JULY)
    [sheet] = sheets("ncc", JULY)
    sheet = workflow.sheet_submit(actor=cast["officer_a"], sheet=sheet)
    sheet = workflow.sheet_appraise(actor=cast["appraiser"], sheet=sheet)
    outcomes = at_once(lambda: workflow.sheet_approve(actor=cast["leader"], sheet=sheet),
                       lambda: workflow.sheet_approve(actor=cast["leader2"], sheet=sheet))
    errors = [err for _, err in outcomes if err is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert "đã được xử lý trước đó" in str(errors[0])
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.APPROVED and sheet.approved_by in (cast["leader"], cast["leader2"])
    assert SheetEvent.objects.filter(sheet=sheet, step="approve").count() == 1
    assert AuditEvent.objects.filter(action="payroll_sheet.approve", object_id=str(sheet.pk)).count() == 1


def test_a_month_generated_twice_at_once_is_generated_once(postgres, cast, world):
    outcomes = at_once(
        lambda: payroll_month_generate(actor=cast["generator"], register="tgxh", month=JULY),
        lambda: payroll_month_generate(actor=cast["appraiser"], register="tgxh", month=JULY))
    assert [err for _, err in outcomes] == [None, None]
    results = sorted((r.created, r.unchanged) for r, _ in outcomes)
    assert results == [(0, 2), (2, 0)]  # one created the two sheets; the other waited and found nothing to change
    assert PayrollMonth.objects.filter(register="tgxh", month=JULY).count() == 1
    assert PayrollSheet.objects.filter(register="tgxh", month=JULY).count() == 2
    assert PayrollLine.objects.filter(register="tgxh", month=JULY).count() == 3
    assert SheetEvent.objects.filter(step="prepare").count() == 2
