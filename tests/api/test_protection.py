"""The registers of personal-data protection: data subjects' requests (acknowledged within 2 working days, answered
within the deadline of their kind — a deadline not confirmed from NĐ 356/2025 refuses until an administrator enters
it), breaches with their 72-hour clock; the «Việc cần làm» of the administrators; who may read and write."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from ansinh.accounts.models import Role
from ansinh.api import protection, selectors
from ansinh.api.models import DataRequestRule, DataSubjectRequest, RequestStatus
from ansinh.core.errors import DomainError
from ansinh.core.models import PublicHoliday
from ansinh.registry.models import AccessKind, PersonAccess
from programmes import factories as f

pytestmark = pytest.mark.django_db
FRIDAY = dt.date(2025, 12, 5)


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _details(kind="access", received_on=FRIDAY, identity="", **extra) -> protection.RequestDetails:
    return protection.RequestDetails(kind=kind, channel="post", received_on=received_on,
                                     requester_name="Nguyễn Văn Hùng", details="Đề nghị cung cấp dữ liệu của tôi",
                                     requester_identity=identity, **extra)


def test_intake_on_the_page_numbers_the_request_and_sets_two_working_days(admin_user, people):
    PublicHoliday.objects.create(day=dt.date(2025, 12, 8), name="Ngày nghỉ thử")
    page = _page(admin_user)
    response = page.post("/ket-noi/yeu-cau-chu-the-du-lieu/", {
        "kind": "provide", "channel": "reception", "received_on": "05/12/2025", "requester_name": "Nguyễn Văn Hùng",
        "requester_identity": people["a1"].pid, "details": "Xin bản sao toàn bộ dữ liệu của tôi"})
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert (request.number, request.status) == ("0001/2025", RequestStatus.RECEIVED)
    assert request.acknowledgement_due == dt.date(2025, 12, 10)  # Fri → Mon off → Tue 9, Wed 10
    assert request.person == people["a1"]
    listed = page.get("/ket-noi/yeu-cau-chu-the-du-lieu/").content.decode()
    assert "0001/2025" in listed and people["a1"].pid not in listed  # the number masked
    assert "quá hạn" in listed  # its acknowledgement deadline is long past
    detail = page.get(f"/ket-noi/yeu-cau-chu-the-du-lieu/{request.pk}/").content.decode()
    assert people["a1"].pid not in detail and 'data-testid="export-form"' in detail
    refused = page.post("/ket-noi/yeu-cau-chu-the-du-lieu/", {"kind": "provide", "channel": "post",
                                                              "received_on": "31/02/2025", "requester_name": "A B",
                                                              "details": "x"})
    assert refused.status_code == 422 and "Ngày nhận yêu cầu không hợp lệ" in refused.content.decode()


def test_an_unconfirmed_answer_deadline_refuses_the_acknowledgement_until_an_administrator_fills_it(admin_user):
    request = protection.request_receive(actor=admin_user, details=_details(kind="access"))
    with pytest.raises(DomainError, match="Chưa có thời hạn thực hiện yêu cầu «xem dữ liệu cá nhân»"):
        protection.request_acknowledge(actor=admin_user, request=request, acknowledged_on=dt.date(2025, 12, 8))
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED and request.answer_due is None
    DataRequestRule.objects.filter(kind="access").update(days=10, reference="Nhập thử: 10 ngày")
    done = protection.request_acknowledge(actor=admin_user, request=request, acknowledged_on=dt.date(2025, 12, 8))
    assert (done.status, done.answer_due, done.answer_reference) == (RequestStatus.ACKNOWLEDGED,
                                                                      dt.date(2025, 12, 15), "Nhập thử: 10 ngày")
    with pytest.raises(DomainError, match="Ghi kết quả"):
        protection.request_answer(actor=admin_user, request=done, answered_on=dt.date(2025, 12, 9), outcome="")
    answered = protection.request_answer(actor=admin_user, request=done, answered_on=dt.date(2025, 12, 9),
                                         outcome="Đã gửi bản sao dữ liệu")
    assert answered.status == RequestStatus.ANSWERED
    assert list(answered.events.values_list("step", flat=True)) == ["receive", "acknowledge", "answer"]


def test_a_restriction_is_answered_within_15_days_or_refused_with_a_reason(admin_user):
    request = protection.request_receive(actor=admin_user, details=_details(kind="restrict"))
    done = protection.request_acknowledge(actor=admin_user, request=request, acknowledged_on=dt.date(2025, 12, 5))
    assert done.answer_due == dt.date(2025, 12, 20) and "15 ngày" in done.answer_reference
    with pytest.raises(DomainError, match="lý do từ chối"):
        protection.request_refuse(actor=admin_user, request=done, answered_on=dt.date(2025, 12, 6), reason=" ")
    refused = protection.request_refuse(actor=admin_user, request=done, answered_on=dt.date(2025, 12, 6),
                                        reason="Xử lý không cần sự đồng ý: thực hiện nhiệm vụ chi trả trợ cấp")
    assert refused.status == RequestStatus.REFUSED


def test_a_provide_request_links_to_the_export_of_everything_held_about_the_person(admin_user, people):
    request = protection.request_receive(actor=admin_user, details=_details(kind="provide"), person=people["a1"])
    response = _page(admin_user).post("/ket-noi/du-lieu-ca-nhan/", {"request": request.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    notes = openpyxl.load_workbook(io.BytesIO(response.content))["Ghi chú"]
    assert any("0001/2025" in str(c.value) for row in notes.iter_rows() for c in row)
    access = PersonAccess.objects.get(kind=AccessKind.EXPORT)
    assert "0001/2025" in access.purpose and access.items.get().person_id == people["a1"].pk


def test_the_administrators_todo_and_the_overdue_filter(admin_user, province):
    late = protection.request_receive(actor=admin_user, details=_details(kind="object"))
    recent = protection.request_receive(actor=admin_user, details=_details(kind="object",
                                                                           received_on=timezone.localdate()))
    assert list(selectors.requests_for_user(user=admin_user, state="overdue")) == [late]
    items = {i.label: i.count for i in selectors.todo_items(admin_user)}
    assert items["Yêu cầu của chủ thể dữ liệu chờ phản hồi (2 ngày làm việc)"] == 2
    assert items["Yêu cầu quá hạn phản hồi hoặc trả lời"] == 1
    assert recent.number == "0001/2026" and late.number == "0001/2025"  # numbered per year
    inspector = f.user("thanhtra_dsr", Role.INSPECTOR, province)
    assert selectors.todo_items(inspector) == []  # reads the registers, keeps none
    home = _page(admin_user).get("/").content.decode()
    assert "Bảo vệ dữ liệu cá nhân" in home and "Yêu cầu của chủ thể dữ liệu" in home


def test_who_reads_and_who_writes_the_registers(admin_user, province, officer_a):
    request = protection.request_receive(actor=admin_user, details=_details())
    inspector = _page(f.user("thanhtra_ro", Role.INSPECTOR, province))
    assert inspector.get("/ket-noi/yeu-cau-chu-the-du-lieu/").status_code == 200
    assert inspector.get(f"/ket-noi/yeu-cau-chu-the-du-lieu/{request.pk}/").status_code == 200
    assert inspector.post("/ket-noi/yeu-cau-chu-the-du-lieu/", {"kind": "access"}).status_code == 403
    inspector.post(f"/ket-noi/yeu-cau-chu-the-du-lieu/{request.pk}/tu-choi/", {"day": "06/12/2025", "reason": "x"})
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED  # the step refused him (a message, nothing written)
    assert inspector.get("/ket-noi/vi-pham-du-lieu/").status_code == 200
    officer = _page(officer_a)
    assert officer.get("/ket-noi/yeu-cau-chu-the-du-lieu/").status_code == 403
    assert officer.get(f"/ket-noi/yeu-cau-chu-the-du-lieu/{request.pk}/").status_code == 404
    assert officer.get("/ket-noi/vi-pham-du-lieu/").status_code == 403


def test_a_breach_runs_its_72_hour_clock_and_is_notified_with_a_reason_when_late(admin_user):
    now = timezone.now()
    breach = protection.breach_record(actor=admin_user, details=protection.BreachDetails(
        detected_at=now - dt.timedelta(hours=10), description="Tệp danh sách chi trả gửi nhầm địa chỉ thư",
        data_affected="Họ tên, số định danh, số tiền", persons_affected=120, sensitive=True))
    clock = protection.breach_clock(breach, now=now)
    assert clock.state == "running" and clock.text == "còn 62 giờ 00 phút"
    assert breach.notify_due == breach.detected_at + dt.timedelta(hours=72)
    assert protection.breach_clock(breach, now=now + dt.timedelta(hours=50)).state == "soon"
    assert protection.breach_clock(breach, now=now + dt.timedelta(hours=63)).text == "quá hạn 1 giờ 00 phút"
    todo = {i.label: i.count for i in selectors.todo_items(admin_user)}
    assert todo["Vi phạm dữ liệu cá nhân chưa thông báo cơ quan chuyên trách (72 giờ)"] == 1
    page = _page(admin_user).get(f"/ket-noi/vi-pham-du-lieu/{breach.pk}/").content.decode()
    assert "còn 6" in page and "A05" in page

    old = protection.breach_record(actor=admin_user, details=protection.BreachDetails(
        detected_at=now - dt.timedelta(hours=80), description="Truy cập trái phép", data_affected="Họ tên"))
    with pytest.raises(DomainError, match="ghi lý do chậm"):
        protection.breach_notify(actor=admin_user, breach=old, notified_at=now, reference="12/CV")
    notified = protection.breach_notify(actor=admin_user, breach=old, notified_at=now, reference="12/CV",
                                        late_reason="Phát hiện ngoài giờ, xác minh phạm vi")
    assert notified.status == "notified" and "A05" in notified.notified_to
    assert protection.breach_clock(notified).state == "late"
    with pytest.raises(DomainError, match="biện pháp"):
        protection.breach_close(actor=admin_user, breach=notified, measures="")
    closed = protection.breach_close(actor=admin_user, breach=notified, measures="Đổi mật khẩu, khoá tài khoản")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(DomainError, match="Thời điểm phát hiện"):
        protection.breach_record(actor=admin_user, details=protection.BreachDetails(
            detected_at=now + dt.timedelta(days=1), description="x", data_affected="y"))


def test_a_breach_recorded_on_the_page(admin_user):
    page = _page(admin_user)
    at = timezone.localtime() - dt.timedelta(hours=2)
    response = page.post("/ket-noi/vi-pham-du-lieu/", {
        "detected_at": at.strftime("%d/%m/%Y %H:%M"), "description": "Máy tính bị nhiễm mã độc",
        "data_affected": "Danh sách hộ nghèo", "persons_affected": "3400", "sensitive": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    listed = page.get("/ket-noi/vi-pham-du-lieu/").content.decode()
    assert "0001/" in listed and ("còn 69 giờ" in listed or "còn 70 giờ" in listed) and "3.400" in listed
    bad = page.post("/ket-noi/vi-pham-du-lieu/", {"detected_at": "hôm qua", "description": "x", "data_affected": "y"})
    assert bad.status_code == 422
