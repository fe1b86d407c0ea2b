"""Two people at once, on two real PostgreSQL connections: two acceptors of one report get exactly one acceptance;
two documents registered at the same moment get two different numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.core.errors import DomainError
from ansinh.planning.models import OutgoingDocument, ReportEvent, ReportStatus, UnitReport
from ansinh.planning.services import register, reports
from reliability.conftest import at_once, postgres  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("postgres")
def test_two_acceptors_at_once_give_one_acceptance(world):
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 14))
    reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": 10})
    r = reports.report_submit(actor=world.u["district_a"], report=r, received_on=dt.date(2020, 6, 18))
    out = at_once(lambda: reports.report_accept(actor=world.u["acceptor"], report=r),
                  lambda: reports.report_accept(actor=world.u["leader"], report=r))
    errors = [e for _v, e in out if e is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert "đã được xử lý trước đó" in str(errors[0])
    assert UnitReport.objects.get(pk=r.pk).status == ReportStatus.ACCEPTED
    assert ReportEvent.objects.filter(report=r, step="accept").count() == 1


@pytest.mark.usefixtures("postgres")
def test_two_documents_at_once_get_two_numbers(world):
    def take(summary):
        return lambda: register.document_number_take(actor=world.u["planner"], issuer="SLĐTBXH", doc_type="TB",
                                                     issued_on=dt.date(2020, 7, 14), summary=summary)
    out = at_once(take("Thông báo A"), take("Thông báo B"))
    assert [e for _v, e in out] == [None, None]
    assert sorted(OutgoingDocument.objects.values_list("number", flat=True)) == [1, 2]
