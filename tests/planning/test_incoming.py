"""The incoming-document register (sổ văn bản đến): numbered per year in the order received, a document entered
once, clear refusals with nothing written; the report's «119 văn bản trung ương» and «71 văn bản» counted from it;
the page for readers, the form for planners only; two clerks at once get two numbers (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.planning import queries
from ansinh.planning.models import IncomingDocument, IssuerLevel
from ansinh.planning.services import incoming
from reliability.conftest import at_once, postgres  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

D = dt.date
RECEIVED, ISSUED = D(2020, 4, 10), D(2020, 4, 9)


def enter(world, symbol="42/NQ-CP", *, received=RECEIVED, issued=ISSUED, level=IssuerLevel.CENTRAL,
          issuer="Chính phủ", advised=False, actor="planner"):
    return incoming.incoming_register(actor=world.u[actor], received_on=received, issuer_name=issuer, level=level,
                                      symbol=symbol, issued_on=issued, summary="Về các biện pháp hỗ trợ người dân",
                                      advised=advised, handling_unit=world.so)


def test_numbers_follow_the_order_received_and_restart_each_year(world):
    first, second = enter(world, "42/NQ-CP"), enter(world, "15/2020/QĐ-TTg", issuer="Thủ tướng Chính phủ")
    next_year = enter(world, "01/NQ-CP", received=D(2021, 1, 4), issued=D(2021, 1, 1))
    assert [(d.year, d.seq) for d in (first, second, next_year)] == [(2020, 1), (2020, 2), (2021, 1)]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"issued": D(2020, 4, 11)}, "issued_on", "Ngày ban hành 11/04/2020 sau ngày đến 10/04/2020"),
    ({"advised": True}, "advised", "Chỉ văn bản của tỉnh"),
    ({"symbol": "4" * 61}, "symbol", "dài quá 60 ký tự"),
    ({"symbol": " \u200b "}, "symbol", "Ghi số và ký hiệu"),
    ({"level": "city"}, "level", "Chọn cấp ban hành"),
])
def test_bad_entries_are_refused_next_to_their_field_and_nothing_is_written(world, change, field, message):
    with pytest.raises(DomainError) as refused:
        enter(world, **change)
    assert refused.value.field == field and message in refused.value.message
    assert not IncomingDocument.objects.exists()


def test_a_document_is_entered_once_and_only_by_a_planner(world):
    enter(world)
    with pytest.raises(DomainError, match="đã vào sổ: số đến 01/2020 ngày 10/04/2020"):
        enter(world, received=D(2020, 4, 20))
    with pytest.raises(PermissionDenied):
        enter(world, "43/NQ-CP", actor="district_a")
    assert IncomingDocument.objects.count() == 1


def test_the_reports_counts_come_from_the_register(world):
    enter(world, "100/LĐTBXH-VP", received=D(2019, 12, 15), issued=D(2019, 12, 12))  # first day of the window
    enter(world, "42/NQ-CP")
    enter(world, "2150/LĐTBXH-VP", received=D(2020, 6, 15), issued=D(2020, 6, 14))  # after the window: not counted
    province = {"level": IssuerLevel.PROVINCE, "issuer": "UBND tỉnh Hà Tĩnh"}
    enter(world, "231/KH-UBND", received=D(2020, 6, 15), issued=D(2020, 6, 14), advised=True, **province)
    enter(world, "232/KH-UBND", received=D(2020, 6, 30), issued=D(2020, 6, 26), advised=True, **province)  # after
    enter(world, "1500/UBND-TH", received=D(2020, 3, 3), issued=D(2020, 3, 2), **province)  # not drafted by the Sở
    window = {"start": D(2019, 12, 15), "end": D(2020, 6, 14), "year": 2020}
    assert queries.run("planning.central_documents", **window) == 2
    assert queries.run("planning.advised_documents", **window) == 1


def test_the_page_and_the_form(world):
    enter(world)
    reader = Client()
    reader.force_login(world.u["inspector"])
    page = reader.get("/ke-hoach/van-ban-den/", {"year": "2020"})
    text = page.content.decode()
    assert page.status_code == 200 and "42/NQ-CP" in text and "Vào sổ văn bản đến" not in text
    assert reader.get("/ke-hoach/van-ban-den/them/").status_code == 403
    assert reader.get("/ke-hoach/van-ban-den/", {"year": "2020'; DROP TABLE x;--"}).status_code == 200
    enter(world, "15/2020/QĐ-TTg", issuer="Thủ tướng Chính phủ")
    found = reader.get("/ke-hoach/van-ban-den/", {"year": "2020", "q": "-ttg"}).content.decode()
    assert "15/2020/QĐ-TTg" in found and "42/NQ-CP" not in found and "Tổng cộng: 1 văn bản" in found
    hostile = reader.get("/ke-hoach/van-ban-den/", {"year": "2020", "q": "%' OR 1=1 --" + "x" * 500})
    assert hostile.status_code == 200 and "Không có văn bản đến nào khớp" in hostile.content.decode()

    planner = Client()
    planner.force_login(world.u["planner"])
    sent = {"received_on": "15/06/2020", "issuer_name": "UBND tỉnh Hà Tĩnh", "level": "province",
            "symbol": "231/KH-UBND", "issued_on": "26/06/2020", "summary": "Kế hoạch thực hiện Chỉ thị 24/CT-TTg",
            "advised": "on"}
    refused = planner.post("/ke-hoach/van-ban-den/them/", sent)
    assert refused.status_code == 422 and "sau ngày đến" in refused.content.decode()
    assert IncomingDocument.objects.count() == 2
    done = planner.post("/ke-hoach/van-ban-den/them/", {**sent, "received_on": "30/06/2020"}, follow=True)
    assert "Đã vào sổ văn bản đến số 03/2020: 231/KH-UBND" in done.content.decode()
    assert "Sở tham mưu" in done.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_two_clerks_at_once_get_two_numbers(world):
    out = at_once(lambda: enter(world, "42/NQ-CP"), lambda: enter(world, "15/2020/QĐ-TTg"))
    assert [e for _v, e in out] == [None, None]
    assert sorted(IncomingDocument.objects.values_list("seq", flat=True)) == [1, 2]
