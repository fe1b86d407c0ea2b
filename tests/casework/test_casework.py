"""Petitions with the legal deadlines (Luật Khiếu nại 2011, Luật Tố cáo 2018), the petitioner's data shown only to
handlers; inspections whose conclusion's amounts become debts of the payroll's recoveries ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from ansinh.accounts.models import Role
from ansinh.casework import selectors
from ansinh.casework.models import DeadlineRule, PetitionStatus
from ansinh.casework.services import inspections, petitions
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.payroll.models import RecoveryEntry
from ansinh.payroll.services.recoveries import owed, recovery_repayment_record
from conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def handler(commune_a):
    return make_user("tiepdan", Role.COMPLAINT_HANDLER, commune_a.legacy_district)


def _details(kind="complaint", received=TODAY, **extra):
    return petitions.PetitionDetails(kind=kind, channel="reception", received_on=received,
                                     petitioner_name="Trần Thị Mai", summary="Khiếu nại việc cắt trợ cấp",
                                     petitioner_phone="0912345678", petitioner_identity="042185000123", **extra)


def test_a_complaint_gets_the_law_s_deadlines(handler, commune_a, leader, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY + dt.timedelta(days=40))
    p = petitions.petition_receive(actor=handler, commune=commune_a, details=_details())
    assert p.acceptance_due == TODAY + dt.timedelta(days=10)  # LKN 2011, Điều 27
    assert p.number == f"{TODAY:%Y}/00001"
    p = petitions.petition_accept(actor=handler, petition=p, accepted_on=TODAY + dt.timedelta(days=3), handler=handler)
    assert p.status == PetitionStatus.ACCEPTED and p.resolution_due == TODAY + dt.timedelta(days=33)  # Điều 28
    remote = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(complex_case=True,
                                                                                          remote_area=True))
    remote = petitions.petition_accept(actor=handler, petition=remote, accepted_on=TODAY, handler=handler)
    assert remote.resolution_due == TODAY + dt.timedelta(days=60)
    with pytest.raises(DomainError, match="Chỉ đơn tố cáo được gia hạn"):
        petitions.petition_extend(actor=handler, petition=p, note="phức tạp")
    with pytest.raises(PermissionDenied):  # the handler does not sign the decision
        petitions.petition_decide(actor=handler, petition=p, decision_number="12/QĐ-SLĐTBXH",
                                  decision_date=TODAY + dt.timedelta(days=20), outcome="Giữ nguyên")
    p = petitions.petition_decide(actor=leader, petition=p, decision_number="12/QĐ-SLĐTBXH",
                                  decision_date=TODAY + dt.timedelta(days=20), outcome="Giữ nguyên")
    assert p.status == PetitionStatus.DECIDED
    p = petitions.petition_close(actor=handler, petition=p, closed_on=TODAY + dt.timedelta(days=25))
    assert p.status == PetitionStatus.CLOSED and [e.step for e in p.events.all()] == [
        "receive", "accept", "decide", "close"]


def test_a_denunciation_refuses_until_its_acceptance_deadline_is_set_then_extends_twice_at_most(handler, commune_a,
                                                                                               monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY + dt.timedelta(days=5))
    with pytest.raises(DomainError, match="chưa đối chiếu được văn bản luật"):
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details("denunciation"))
    DeadlineRule.objects.filter(kind="denunciation", stage="accept").update(days=7, reference="nhập thử")
    p = petitions.petition_receive(actor=handler, commune=commune_a, details=_details("denunciation"))
    assert p.acceptance_due == TODAY + dt.timedelta(days=9)  # 7 working days from a Monday
    p = petitions.petition_accept(actor=handler, petition=p, accepted_on=TODAY + dt.timedelta(days=1), handler=handler)
    assert p.resolution_due == TODAY + dt.timedelta(days=31)  # LTC 2018, Điều 30 k1
    p = petitions.petition_extend(actor=handler, petition=p, note="phức tạp")
    p = petitions.petition_extend(actor=handler, petition=p, note="đặc biệt phức tạp")
    assert p.resolution_due == TODAY + dt.timedelta(days=91) and p.extensions == 2
    with pytest.raises(DomainError, match="tối đa 2 lần"):
        petitions.petition_extend(actor=handler, petition=p, note="lần ba")


def test_warnings_before_a_deadline_and_personal_data_only_for_handlers(handler, commune_a, leader, inspector,
                                                                         monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    p = petitions.petition_receive(actor=handler, commune=commune_a, details=_details())
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY + dt.timedelta(days=7))
    assert [(w[0].pk, w[1]) for w in selectors.deadline_warnings(user=handler)] == [(p.pk, "soon")]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY + dt.timedelta(days=11))
    assert [w[1] for w in selectors.deadline_warnings(user=leader)] == ["overdue"]
    assert selectors.petitioner_for(handler, p).name == "Trần Thị Mai"
    assert selectors.petitioner_for(handler, p).identity == "04218*****23"  # accounts.IDENTITY_READERS: masked
    for reader in (leader, inspector):
        shown = selectors.petitioner_for(reader, p)
        assert "Trần Thị Mai" not in str(shown) and "0912345678" not in str(shown)
    outside = make_user("tiepdan_c", Role.COMPLAINT_HANDLER, commune_a.parent if commune_a.parent_id else commune_a)
    outside.area = None
    with pytest.raises(Http404):
        selectors.petition_for_user(user=outside, pk=p.pk)
    report = selectors.petitions_report(user=leader, first=TODAY, last=TODAY)
    assert report == [{"kind": "complaint", "status": "received", "n": 1, "second": 0}]


def test_an_inspection_s_amounts_become_debts_of_the_ledger_and_are_followed_up(inspector, provincial, commune_a,
                                                                                 household_a):
    person = household_a.head
    ins = inspections.inspection_create(actor=inspector, commune=commune_a, title="Thanh tra chi trả trợ cấp",
                                        decision_number="05/QĐ-TTr", decision_date=dt.date(2025, 9, 1),
                                        subject="UBND phường Thành Sen", team="Trưởng đoàn: Lê Văn Tâm")
    inspections.demand_add(actor=inspector, inspection=ins, person=person, register="ncc", amount=4_500_000,
                           reason="Hưởng sai tỷ lệ")
    with pytest.raises(DomainError, match="đã có khoản"):
        inspections.demand_add(actor=inspector, inspection=ins, person=person, register="ncc", amount=1,
                               reason="lần hai")
    with pytest.raises(DomainError, match="đã có kết luận"):
        inspections.demands_to_ledger(actor=provincial, inspection=ins)
    ins = inspections.inspection_conclude(actor=inspector, inspection=ins, conclusion_number="17/KL-TTr",
                                          conclusion_date=dt.date(2025, 10, 1), findings="Chi sai đối tượng")
    with pytest.raises(PermissionDenied):  # the inspector does not keep the payroll's ledger
        inspections.demands_to_ledger(actor=inspector, inspection=ins)
    assert inspections.demands_to_ledger(actor=provincial, inspection=ins) == 1
    entry = RecoveryEntry.objects.get(person=person)
    assert (entry.origin, entry.amount, entry.document_number) == ("inspection", 4_500_000, "17/KL-TTr")
    assert owed(person=person, register="ncc") == 4_500_000
    recovery_repayment_record(actor=provincial, person=person, register="ncc", amount=1_500_000,
                              document_number="BL-01", document_date=dt.date(2025, 11, 1))
    follow = selectors.recovery_followup(user=inspector)
    assert [(f.demand.amount, f.owed) for f in follow] == [(4_500_000, 3_000_000)]
    with pytest.raises(DomainError, match="đã có trong sổ truy thu"):
        inspections.demands_to_ledger(actor=provincial, inspection=ins)


def test_pages_as_each_role_and_the_petitioner_hidden_from_others(client, handler, commune_a, leader, inspector,
                                                                   officer_a, monkeypatch):
    p = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(received=dt.date(2025, 1, 6)))
    for user, listing, create in ((handler, 200, 200), (leader, 200, 403), (inspector, 200, 403),
                                  (officer_a, 403, 403)):
        client.force_login(user)
        assert client.get("/don-thu/").status_code == listing, user
        assert client.get("/don-thu/tiep-nhan/").status_code == create, user
        detail = client.get(f"/don-thu/{p.pk}/")
        assert detail.status_code == (200 if listing == 200 else 404), user
        if listing == 200:
            page = detail.content.decode()
            assert ("Trần Thị Mai" in page) == (user == handler) and ("0912345678" in page) == (user == handler)
    client.force_login(handler)
    assert "quá hạn" in client.get("/don-thu/").content.decode()  # the acceptance deadline of 16/01/2025 is past
    response = client.post(f"/don-thu/{p.pk}/accept/", {"accepted_on": "2025-01-10", "handler": handler.pk})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "accepted" and p.resolution_due == dt.date(2025, 2, 9)
    assert client.post(f"/don-thu/{p.pk}/zzz/").status_code == 404


def test_inspection_pages_walk_from_conclusion_to_the_ledger(client, inspector, provincial, commune_a, household_a):
    client.force_login(inspector)
    response = client.post("/don-thu/thanh-tra/them/", {
        "title": "Thanh tra chế độ chất độc hóa học", "decision_number": "05/QĐ-TTr", "decision_date": "2025-09-01",
        "commune": commune_a.pk, "subject": "UBND phường", "team": "Trưởng đoàn Lê Văn Tâm"})
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert client.post(f"/don-thu/thanh-tra/{pk}/khoan-thu-hoi/", {"pid": "042999999999", "register": "ncc",
                                                                  "amount": 100, "reason": "x"}).status_code == 302
    page = client.get(f"/don-thu/thanh-tra/{pk}/", follow=True).content.decode()
    assert "Không có người mang số định danh này" in page or "Chưa có khoản nào" in page
    client.post(f"/don-thu/thanh-tra/{pk}/khoan-thu-hoi/", {"pid": household_a.head.pid, "register": "ncc",
                                                           "amount": 2_000_000, "reason": "Hưởng sai"})
    client.post(f"/don-thu/thanh-tra/{pk}/ket-luan/", {"conclusion_number": "17/KL-TTr", "conclusion_date": "2025-10-01",
                                                       "findings": "Chi sai"})
    client.force_login(provincial)
    client.post(f"/don-thu/thanh-tra/{pk}/ghi-so-truy-thu/")
    page = client.get("/don-thu/thanh-tra/truy-thu/").content.decode()
    assert "17/KL-TTr" in page and "2.000.000 đ" in page and "chưa ghi vào sổ" not in page
