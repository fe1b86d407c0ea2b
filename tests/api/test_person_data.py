"""Everything held about one person as one .xlsx (the data subject's right of access): the person's row, the change
history, every table that points at the person (household, registers, API disclosures…), under Vietnamese headers,
produced only by an administrator for a stated purpose, audited; the identity number goes by POST only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from ansinh.core.models import AuditEvent
from api.conftest import by_id, envelope
from programmes import factories as f

pytestmark = pytest.mark.django_db
PURPOSE = "Ông Nguyễn Văn Hùng yêu cầu cung cấp dữ liệu cá nhân, đơn ngày 01/12/2026"


def _sheets(content: bytes) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
            for ws in wb.worksheets}


def test_an_administrator_gets_every_table_about_the_person_and_the_export_is_audited(api, clients, people,
                                                                                    admin_user, commune_a):
    a1 = people["a1"]
    f.enrol("ncc", commune=commune_a, who=a1)
    _client, key = clients["tinh"]
    api.call(key, "POST", "/registry/sync/search", envelope(by_id("UIN", a1.pid)))
    page = Client()
    page.force_login(admin_user)
    assert "Xuất dữ liệu cá nhân của một người" in page.get("/").content.decode()  # in the menu
    response = page.post("/ket-noi/du-lieu-ca-nhan/", {"identity": a1.pid, "purpose": PURPOSE})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    person = sheets["Nhân khẩu"]
    assert any("Nguyễn Văn Hùng" in row for row in person) and any(a1.pid in row for row in person)
    assert any(str(title).startswith("Lịch sử thay đổi") for title in sheets)
    text = repr(sheets)
    assert "HT18073API01" in text  # the household through the membership
    assert "Lê Thị Nghèo" not in text and people["b1"].pid not in text  # nobody else's data
    notes = dict((row[0], row[1]) for row in sheets["Ghi chú"] if len(row) > 1)
    assert notes["Mục đích"] == PURPOSE
    assert len(sheets) >= 5  # person, history, membership, enrolment, API disclosure, audit… (tables found by key)
    headers = [cell for rows in sheets.values() for row in rows if row and row[0] == "ID" for cell in row]
    assert "Nhân khẩu" in headers and "Hộ gia đình" in headers  # links named after the model they point at
    assert [h for h in headers if h and str(h).isascii() and h not in ("ID", "STT")] == []  # no English names
    event = AuditEvent.objects.get(action="api.person_data_export")
    assert event.object_id == str(a1.pk) and PURPOSE in event.summary


def test_refused_without_a_purpose_outside_the_area_and_to_other_roles(people, admin_user, officer_a, commune_b):
    page = Client()
    page.force_login(admin_user)
    no_purpose = page.post("/ket-noi/du-lieu-ca-nhan/", {"identity": people["a1"].pid, "purpose": "xem"})
    assert no_purpose.status_code == 422 and "Ghi mục đích xuất dữ liệu" in no_purpose.content.decode()
    unknown = page.post("/ket-noi/du-lieu-ca-nhan/", {"identity": "0420", "purpose": PURPOSE})
    assert unknown.status_code == 422 and "Không tìm thấy người có số này" in unknown.content.decode()
    other_admin = f.user("qt_xa_b", "administrator", commune_b)
    page.force_login(other_admin)
    outside = page.post("/ket-noi/du-lieu-ca-nhan/", {"identity": people["a1"].pid, "purpose": PURPOSE})
    assert outside.status_code == 422 and "Không tìm thấy" in outside.content.decode()  # A's person unknown to B
    officer = Client()
    officer.force_login(officer_a)
    assert officer.get("/ket-noi/du-lieu-ca-nhan/").status_code == 403
    assert officer.post("/ket-noi/du-lieu-ca-nhan/", {"identity": people["a1"].pid, "purpose": PURPOSE}
                        ).status_code == 403
    assert not AuditEvent.objects.filter(action="api.person_data_export").exists()
