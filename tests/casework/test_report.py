"""The period report of petitions: kinds × statuses with the totals on the page, the same table as .xlsx with its
counts as numbers and a «Tổng cộng» row (opened with openpyxl), within the user's area only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from ansinh.accounts.models import Role
from ansinh.casework.services import petitions
from conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def _receive(handler, commune, day: dt.date):
    return petitions.petition_receive(actor=handler, commune=commune, details=petitions.PetitionDetails(
        kind="complaint", channel="reception", received_on=day, petitioner_name="Trần Thị Mai",
        summary="Khiếu nại việc cắt trợ cấp"))


@pytest.fixture
def report_world(commune_a, commune_b, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    handler = make_user("tiepdan_a", Role.COMPLAINT_HANDLER, commune_a)
    other = make_user("tiepdan_b", Role.COMPLAINT_HANDLER, commune_b)
    for day in (TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=2)):
        _receive(handler, commune_a, day)
    accepted = _receive(handler, commune_a, TODAY - dt.timedelta(days=5))
    petitions.petition_accept(actor=handler, petition=accepted, accepted_on=TODAY - dt.timedelta(days=3),
                              handler=handler)
    _receive(handler, commune_a, TODAY - dt.timedelta(days=90))  # before the period
    _receive(other, commune_b, TODAY - dt.timedelta(days=4))  # another commune
    return handler


def test_the_report_counts_the_period_by_kind_and_status_and_downloads_as_numbers(client, report_world):
    client.force_login(report_world)
    query = {"first": (TODAY - dt.timedelta(days=30)).strftime("%d/%m/%Y"), "last": TODAY.strftime("%d/%m/%Y")}
    page = client.get("/don-thu/bao-cao/", query).content.decode()
    assert "Tổng số đơn nhận trong kỳ" in page and "Tải tệp Excel" in page
    response = client.get("/don-thu/bao-cao/", {**query, "tep": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-20260302.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    header = rows.index(next(r for r in rows if r[0] == "STT"))
    labels = rows[header]
    complaint = next(r for r in rows if r[1] == "Khiếu nại")
    assert complaint[labels.index("Tổng số đơn nhận trong kỳ")] == 4  # a number, not text; B's and the old not in
    assert complaint[labels.index("Đã tiếp nhận")] == 3 and complaint[labels.index("Đã thụ lý")] == 1
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert str(total[2]).startswith("=SUM(")  # a formula over the column (its value stored too)
    assert next(r for r in rows if r[1] == "Tố cáo")[2] == 0


def test_a_bad_period_is_told_and_gives_no_file(client, report_world):
    client.force_login(report_world)
    response = client.get("/don-thu/bao-cao/", {"first": "31/02/2026", "last": "x", "tep": "xlsx"})
    assert response.status_code == 200 and "Chọn từ ngày và đến ngày." in response.content.decode()


def test_the_report_counts_the_citizens_received_by_kind_and_outcome_in_its_own_sheet(client, report_world, leader,
                                                                                      commune_a):
    from django.utils import timezone

    from ansinh.casework.services import receptions

    def received(days_ago, **extra):
        at = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(9, 0)))
        values = {"received_at": at, "place": "Phòng tiếp công dân", "session": "regular", "kind": "complaint",
                  "content": "Khiếu nại", "outcome": "guided", "outcome_note": "Đã giải thích",
                  "citizens": [receptions.Citizen("Trần Thị Mai")]}
        receptions.reception_record(actor=report_world, commune=commune_a, received_by=extra.pop("by", report_world),
                                    details=receptions.ReceptionDetails(**{**values, **extra}))

    received(3)
    received(4, session="periodic", by=leader, outcome="petition", outcome_note="")
    received(5, kind="feedback", people_count=8, outcome="transferred", outcome_note="UBND phường")
    received(60)  # before the period
    client.force_login(report_world)
    query = {"first": (TODAY - dt.timedelta(days=30)).strftime("%d/%m/%Y"), "last": TODAY.strftime("%d/%m/%Y")}
    page = client.get("/don-thu/bao-cao/", query).content.decode()
    assert 'data-testid="reception-report"' in page and "Số đoàn đông người" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/don-thu/bao-cao/", {**query, "tep": "xlsx"}).content))
    assert book.sheetnames == ["Đơn thư", "Tiếp công dân"]
    rows = [list(r) for r in book["Tiếp công dân"].iter_rows(values_only=True) if any(v is not None for v in r)]
    labels = rows[rows.index(next(r for r in rows if r[0] == "STT"))]
    complaint = next(r for r in rows if r[1] == "Khiếu nại")
    feedback = next(r for r in rows if r[1] == "Phản ánh")
    assert complaint[labels.index("Số lượt tiếp")] == 2 and complaint[labels.index("Thủ trưởng tiếp định kỳ")] == 1
    assert complaint[labels.index("Tiếp nhận đơn để xử lý, thụ lý")] == 1
    assert complaint[labels.index("Giải thích, hướng dẫn")] == 1
    assert feedback[labels.index("Số người được tiếp")] == 8 and feedback[labels.index("Số đoàn đông người")] == 1
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert str(total[labels.index("Số lượt tiếp")]).startswith("=SUM(")
    # the petition the periodic reception took is in the petitions' sheet too (received, in the period)
    sheet = book["Đơn thư"]
    petitions_rows = [list(r) for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert next(r for r in petitions_rows if r[1] == "Khiếu nại")[2] == 5
