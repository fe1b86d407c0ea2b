"""Two intakes at once (two real connections released together; PostgreSQL — SQLite serialises every writer):
the request numbers of a year never repeat and never skip (advisory lock, unique (year, seq)); two extensions of
one request at once give exactly one (row lock, unique request of the extension)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections

from ansinh.accounts.models import Role
from ansinh.api import protection
from ansinh.api.models import DataRequestExtension, DataSubjectRequest
from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent
from programmes import factories as f

pytestmark = [pytest.mark.django_db(transaction=True)]


def _at_once(*calls, timeout: float = 60):
    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(i, call):
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


def _details(name: str) -> protection.RequestDetails:
    return protection.RequestDetails(kind="access", channel="post", received_on=dt.date(2025, 12, 5),
                                     requester_name=name, details="Xem dữ liệu của tôi")


def test_two_intakes_at_once_get_two_consecutive_numbers(province):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    admins = [f.user(f"qt_dsr_{i}", Role.ADMINISTRATOR, province) for i in range(2)]
    outcomes = _at_once(*[lambda a=a, name=name: protection.request_receive(actor=a, details=_details(name))
                          for a, name in zip(admins, ("Nguyễn Văn An", "Trần Thị Bình"), strict=True)])
    assert [err for _, err in outcomes] == [None, None]
    assert sorted(DataSubjectRequest.objects.values_list("number", flat=True)) == ["0001/2025", "0002/2025"]


def test_the_database_refuses_a_repeated_number(province):
    admin = f.user("qt_dsr_x", Role.ADMINISTRATOR, province)
    first = protection.request_receive(actor=admin, details=_details("Người Thứ Nhất"))
    with pytest.raises(IntegrityError):
        DataSubjectRequest.objects.create(
            year=first.year, seq=first.seq, number="9999/2025", kind="access", channel="post",
            received_on=first.received_on, requester_name="X Y", details="x",
            acknowledgement_due=first.acknowledgement_due, created_by=admin)


def test_two_extensions_at_once_give_exactly_one(province):
    """Two administrators extend the same request's answer deadline at the same moment (two real connections): one
    extension is written and the deadline moves once; the other is refused with the «once only» message."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    admins = [f.user(f"qt_ext_{i}", Role.ADMINISTRATOR, province) for i in range(2)]
    request = protection.request_receive(actor=admins[0], details=protection.RequestDetails(
        kind="restrict", channel="post", received_on=dt.date(2025, 12, 5), requester_name="Nguyễn Văn An",
        details="Hạn chế xử lý dữ liệu của tôi"))
    request = protection.request_acknowledge(actor=admins[0], request=request, acknowledged_on=dt.date(2025, 12, 5))
    outcomes = _at_once(*[lambda a=a, days=days: protection.request_extend(
        actor=a, request=request, days=days, decided_on=dt.date(2025, 12, 10), reason=f"Gia hạn {days} ngày")
        for a, days in zip(admins, (10, 15), strict=True)])
    done = [value for value, err in outcomes if err is None]
    refused = [err for _, err in outcomes if err is not None]
    assert len(done) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], DomainError) and "chỉ được gia hạn một lần" in refused[0].message
    extension = DataRequestExtension.objects.get()
    request.refresh_from_db()
    assert request.answer_due == extension.new_due == dt.date(2025, 12, 20) + dt.timedelta(days=extension.days)
    assert AuditEvent.objects.filter(action="api_data_request.extend").count() == 1
