"""The answer deadline of a data subject's request: the one extension NĐ 356/2025/NĐ-CP allows (at most the rule's
days — 15 for withdrawal, restriction, objection —, with a reason, by an administrator, before the deadline passes,
audited, once: refused by the service and by the database), and the 20-day variant when a processor or a third party
must stop processing too (flagged at intake or later, before the answer). Shown on the request's page, in the list
and in the deadline state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from ansinh.accounts.models import Role
from ansinh.api import protection, selectors
from ansinh.api.models import DataRequestExtension, DataRequestRule, DataSubjectRequest, RequestStatus
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from programmes import factories as f

pytestmark = pytest.mark.django_db
FRIDAY = dt.date(2025, 12, 5)  # received; 15 days → 20/12/2025, 20 days → 25/12/2025


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _details(kind="restrict", received_on=FRIDAY, **extra) -> protection.RequestDetails:
    return protection.RequestDetails(kind=kind, channel="post", received_on=received_on,
                                     requester_name="Nguyễn Văn Hùng", details="Đề nghị ngừng xử lý dữ liệu của tôi",
                                     **extra)


def _acknowledged(admin, *, kind="restrict", received_on=FRIDAY, **extra) -> DataSubjectRequest:
    request = protection.request_receive(actor=admin, details=_details(kind=kind, received_on=received_on, **extra))
    return protection.request_acknowledge(actor=admin, request=request, acknowledged_on=received_on)


def test_the_seeded_rules_carry_the_20_day_variant_and_the_15_day_extension():
    rules = {r.kind: (r.days, r.third_party_days, r.extension_days) for r in DataRequestRule.objects.all()}
    assert rules["restrict"] == rules["object"] == rules["withdraw"] == (15, 20, 15)
    assert rules["access"] == rules["provide"] == (None, None, None)  # not confirmed: no figure made up


def test_one_extension_with_its_reason_moves_the_deadline_and_is_audited(admin_user):
    request = _acknowledged(admin_user)
    assert request.answer_due == dt.date(2025, 12, 20)
    extension = protection.request_extend(actor=admin_user, request=request, days=10, decided_on=dt.date(2025, 12, 18),
                                          reason="Cần đối chiếu với Bưu điện tỉnh về danh sách chi trả")
    request.refresh_from_db()
    assert (extension.previous_due, extension.new_due, request.answer_due) == (
        dt.date(2025, 12, 20), dt.date(2025, 12, 30), dt.date(2025, 12, 30))
    assert extension.created_by == admin_user and request.status == RequestStatus.ACKNOWLEDGED
    audit = AuditEvent.objects.get(action="api_data_request.extend")
    assert audit.details["days"] == 10 and audit.details["new_due"] == "2025-12-30"
    assert "Bưu điện" in audit.details["reason"] and audit.actor == admin_user

    with pytest.raises(DomainError, match="đã được gia hạn một lần .*chỉ được gia hạn một lần"):
        protection.request_extend(actor=admin_user, request=request, days=2, decided_on=dt.date(2025, 12, 19),
                                  reason="Lần thứ hai")
    request.refresh_from_db()
    assert request.answer_due == dt.date(2025, 12, 30) and DataRequestExtension.objects.count() == 1
    # whatever goes round the service (shell, admin, a script) meets the database's refusal
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequestExtension.objects.create(request=request, days=1, reason="Qua vỏ lệnh", created_by=admin_user,
                                            decided_on=dt.date(2025, 12, 19), previous_due=dt.date(2025, 12, 30),
                                            new_due=dt.date(2025, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequestExtension.objects.filter(pk=extension.pk).update(reason="")


@pytest.mark.parametrize(("days", "message"), [(16, "tối đa 15 ngày .*bạn ghi 16 ngày"), (0, "bạn ghi 0 ngày"),
                                               (None, "ghi số ngày gia hạn")])
def test_more_days_than_the_rule_allows_are_refused(admin_user, days, message):
    request = _acknowledged(admin_user, kind="withdraw")
    with pytest.raises(DomainError, match=message):
        protection.request_extend(actor=admin_user, request=request, days=days, decided_on=dt.date(2025, 12, 10),
                                  reason="Chờ bên thứ ba")
    request.refresh_from_db()
    assert request.answer_due == dt.date(2025, 12, 20) and not DataRequestExtension.objects.exists()
    assert not AuditEvent.objects.filter(action="api_data_request.extend").exists()


def test_no_extension_without_reason_before_the_acknowledgement_after_the_answer_or_after_the_deadline(admin_user):
    received = protection.request_receive(actor=admin_user, details=_details(kind="object"))
    with pytest.raises(DomainError, match="chưa được phản hồi"):
        protection.request_extend(actor=admin_user, request=received, days=5, decided_on=FRIDAY, reason="Sớm")
    request = protection.request_acknowledge(actor=admin_user, request=received, acknowledged_on=dt.date(2025, 12, 8))
    with pytest.raises(DomainError, match="Ghi lý do gia hạn"):
        protection.request_extend(actor=admin_user, request=request, days=5, decided_on=dt.date(2025, 12, 9),
                                  reason="  ")
    with pytest.raises(DomainError, match="quá hạn thì không gia hạn được nữa"):
        protection.request_extend(actor=admin_user, request=request, days=5, decided_on=dt.date(2025, 12, 21),
                                  reason="Đã quá hạn 20/12")
    answered = protection.request_answer(actor=admin_user, request=request, answered_on=dt.date(2025, 12, 15),
                                         outcome="Đã ngừng xử lý")
    with pytest.raises(DomainError, match="đã được trả lời ngày 15/12/2025: không gia hạn sau khi đã trả lời"):
        protection.request_extend(actor=admin_user, request=answered, days=5, decided_on=dt.date(2025, 12, 16),
                                  reason="Muộn")
    assert not DataRequestExtension.objects.exists()


def test_only_an_administrator_extends_and_a_kind_without_an_extension_rule_refuses(admin_user, province):
    request = _acknowledged(admin_user)
    inspector = f.user("thanhtra_ext", Role.INSPECTOR, province)
    with pytest.raises(PermissionDenied):
        protection.request_extend(actor=inspector, request=request, days=5, decided_on=dt.date(2025, 12, 10),
                                  reason="Không phải việc của thanh tra")
    DataRequestRule.objects.filter(kind="access").update(days=10, reference="Nhập thử: 10 ngày")
    access = _acknowledged(admin_user, kind="access")
    with pytest.raises(DomainError, match="chưa có quy định gia hạn"):
        protection.request_extend(actor=admin_user, request=access, days=5, decided_on=dt.date(2025, 12, 10),
                                  reason="Chưa có căn cứ")
    assert not DataRequestExtension.objects.exists()


def test_the_20_day_variant_flagged_at_intake(admin_user):
    request = _acknowledged(admin_user, third_party_stop=True)
    assert request.third_party_stop and request.answer_due == dt.date(2025, 12, 25)
    extension = protection.request_extend(actor=admin_user, request=request, days=15, decided_on=dt.date(2025, 12, 24),
                                          reason="Bên xử lý chưa xác nhận đã ngừng")
    assert extension.new_due == dt.date(2026, 1, 9)
    with pytest.raises(DomainError, match="không có thời hạn riêng .*rút lại sự đồng ý"):
        protection.request_receive(actor=admin_user, details=_details(kind="access", third_party_stop=True))
    assert DataSubjectRequest.objects.count() == 1


def test_the_20_day_variant_flagged_before_the_answer_moves_the_deadline_and_its_extension(admin_user):
    waiting = protection.request_receive(actor=admin_user, details=_details(kind="object"))
    flagged = protection.request_mark_third_party(actor=admin_user, request=waiting, note="Bưu điện tỉnh")
    assert flagged.third_party_stop and flagged.answer_due is None  # computed by the acknowledgement
    done = protection.request_acknowledge(actor=admin_user, request=flagged, acknowledged_on=FRIDAY)
    assert done.answer_due == dt.date(2025, 12, 25)

    extended = _acknowledged(admin_user, kind="withdraw")
    protection.request_extend(actor=admin_user, request=extended, days=5, decided_on=dt.date(2025, 12, 12),
                              reason="Chờ ý kiến bên thứ ba")
    moved = protection.request_mark_third_party(actor=admin_user, request=extended)
    extension = DataRequestExtension.objects.get(request=extended)
    assert (extension.previous_due, extension.new_due, moved.answer_due) == (
        dt.date(2025, 12, 25), dt.date(2025, 12, 30), dt.date(2025, 12, 30))
    audit = AuditEvent.objects.filter(action="api_data_request.third_party").latest("pk")
    assert audit.details["previous_due"] == "2025-12-25" and audit.details["answer_due"] == "2025-12-30"
    with pytest.raises(DomainError, match="đã ghi việc phải yêu cầu bên xử lý"):
        protection.request_mark_third_party(actor=admin_user, request=moved)
    answered = protection.request_answer(actor=admin_user, request=done, answered_on=dt.date(2025, 12, 20),
                                         outcome="Đã ngừng")
    plain = _acknowledged(admin_user, kind="restrict")
    refused = protection.request_refuse(actor=admin_user, request=plain, answered_on=dt.date(2025, 12, 9),
                                        reason="Xử lý không cần sự đồng ý")
    for closed, word in ((answered, "trả lời"), (refused, "từ chối")):
        with pytest.raises(DomainError, match=f"đã được {word} ngày"):
            protection.request_mark_third_party(actor=admin_user, request=closed)


def test_the_deadline_state_follows_the_extension(admin_user):
    today = timezone.localdate()
    request = _acknowledged(admin_user, received_on=today - dt.timedelta(days=14))
    assert selectors.request_due(request) == (today + dt.timedelta(days=1), "soon")
    protection.request_extend(actor=admin_user, request=request, days=15, decided_on=today, reason="Chờ bên thứ ba")
    request = selectors.request_get(user=admin_user, pk=request.pk)
    assert selectors.request_due(request) == (today + dt.timedelta(days=16), "")
    assert selectors.request_extension(request).days == 15


def test_the_page_extends_shows_the_extension_and_refuses_a_second_one(admin_user):
    request = _acknowledged(admin_user)
    page = _page(admin_user)
    url = f"/ket-noi/yeu-cau-chu-the-du-lieu/{request.pk}/"
    before = page.get(url).content.decode()
    assert 'data-testid="extend-form"' in before and "tối đa 15 ngày" in before
    assert 'data-testid="third-party-form"' in before
    too_many = page.post(url + "gia-han/", {"day": "10/12/2025", "days": "16", "reason": "Chờ"}, follow=True)
    assert "tối đa 15 ngày" in too_many.content.decode() and not DataRequestExtension.objects.exists()
    done = page.post(url + "gia-han/", {"day": "10/12/2025", "days": "7", "reason": "Chờ Bưu điện xác nhận"},
                     follow=True).content.decode()
    assert "Hạn thực hiện, trả lời: 27/12/2025" in done
    assert "thêm 7 ngày, từ 20/12/2025 đến 27/12/2025" in done and "Chờ Bưu điện xác nhận" in done
    assert 'data-testid="extend-form"' not in done  # no second button
    again = page.post(url + "gia-han/", {"day": "11/12/2025", "days": "3", "reason": "Lần hai"}, follow=True)
    assert "chỉ được gia hạn một lần" in again.content.decode()
    listed = page.get("/ket-noi/yeu-cau-chu-the-du-lieu/").content.decode()
    assert "27/12/2025" in listed and "đã gia hạn" in listed
    flagged = page.post(url + "ben-thu-ba/", {"note": "Bưu điện tỉnh"}, follow=True).content.decode()
    assert "Hạn thực hiện, trả lời: 01/01/2026" in flagged  # 20 days → 25/12, + the 7 days of the extension
    assert "phải yêu cầu bên xử lý, bên thứ ba cùng ngừng xử lý" in flagged


def test_the_intake_form_takes_the_third_party_flag(admin_user):
    page = _page(admin_user)
    assert 'name="third_party_stop"' in page.get("/ket-noi/yeu-cau-chu-the-du-lieu/").content.decode()
    response = page.post("/ket-noi/yeu-cau-chu-the-du-lieu/", {
        "kind": "withdraw", "channel": "post", "received_on": "05/12/2025", "requester_name": "Nguyễn Văn Hùng",
        "details": "Rút lại sự đồng ý", "third_party_stop": "1"})
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().third_party_stop
    refused = page.post("/ket-noi/yeu-cau-chu-the-du-lieu/", {
        "kind": "erase", "channel": "post", "received_on": "05/12/2025", "requester_name": "Nguyễn Văn Hùng",
        "details": "Xoá dữ liệu", "third_party_stop": "1"})
    assert refused.status_code == 422 and "không có thời hạn riêng" in refused.content.decode()
