"""A citizen at the reception desk complains of a first-time decision (khiếu nại lần hai): the entry of the register
and the second-time petition linked to the first are written in one transaction, with the second time's deadlines
(Luật Khiếu nại 2011, Điều 33, 36, 37); a first complaint not yet decided, one outside the handler's area, or a
complaint past its time limit without an objective obstacle is refused next to its field, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ansinh.accounts.models import Role
from ansinh.casework.models import Petition, PetitionStatus, Reception
from ansinh.casework.services import petitions, receptions
from ansinh.core.errors import DomainError
from conftest import make_user

pytestmark = pytest.mark.django_db
D0 = dt.date(2026, 1, 5)  # the first petition's receipt (a Monday)
DECIDED = D0 + dt.timedelta(days=30)
GOT = D0 + dt.timedelta(days=33)  # the complainant received the first decision
COME = GOT + dt.timedelta(days=20)  # and comes to the reception desk


@pytest.fixture
def handler(commune_a):
    return make_user("tiepdan", Role.COMPLAINT_HANDLER, commune_a.legacy_district)


def _petition(received: dt.date, **extra) -> petitions.PetitionDetails:
    return petitions.PetitionDetails(kind="complaint", channel="post", received_on=received,
                                     petitioner_name="Trần Thị Mai", summary="Khiếu nại việc cắt trợ cấp", **extra)


@pytest.fixture
def decided(handler, leader, commune_a):
    first = petitions.petition_receive(actor=handler, commune=commune_a, details=_petition(D0))
    first = petitions.petition_accept(actor=handler, petition=first, accepted_on=D0 + dt.timedelta(days=2),
                                      handler=handler)
    return petitions.petition_decide(actor=leader, petition=first, decision_number="12/QĐ-SLĐTBXH",
                                     decision_date=DECIDED, outcome="Giữ nguyên việc cắt trợ cấp")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _details(day: dt.date = COME, **extra) -> receptions.ReceptionDetails:
    values = {"received_at": _at(day), "place": "Phòng tiếp công dân của Sở", "session": "regular",
              "kind": "complaint", "content": "Không đồng ý quyết định giải quyết khiếu nại lần đầu",
              "outcome": "petition", "citizens": [receptions.Citizen("Trần Thị Mai", "Tổ dân phố 3")]}
    return receptions.ReceptionDetails(**(values | extra))


def _record(handler, commune, **extra):
    return receptions.reception_record(actor=handler, commune=commune, received_by=handler, details=_details(**extra))


def test_the_reception_receives_the_second_time_complaint_with_its_deadlines(handler, commune_a, decided):
    entry = _record(handler, commune_a, second_time=True, first_petition=decided, first_decision_received_on=GOT)
    second = entry.petition
    assert (second.second_time, second.first_petition, second.channel, second.received_on) == (
        True, decided, "reception", COME)
    assert (second.first_decision_number, second.first_decision_date) == ("12/QĐ-SLĐTBXH", DECIDED)
    assert second.lodging_due == GOT + dt.timedelta(days=30) and not second.lodged_late  # Điều 33
    assert second.acceptance_due == COME + dt.timedelta(days=10)  # Điều 36, from the day of the reception
    assert "Khiếu nại lần hai đối với" in second.events.get().note
    accepted = petitions.petition_accept(actor=handler, petition=second, accepted_on=COME, handler=handler)
    assert accepted.resolution_due == COME + dt.timedelta(days=45)  # Điều 37
    assert list(decided.second_time_petitions.all()) == [second]


def test_a_decision_brought_by_the_citizen_and_the_remote_time_limit(handler, commune_a):
    entry = _record(handler, commune_a, second_time=True, remote_area=True, first_decision_number="35/QĐ-UBND",
                    first_decision_date=D0, first_decision_received_on=D0 + dt.timedelta(days=3),
                    received_at=_at(D0 + dt.timedelta(days=40)))
    second = entry.petition
    assert second.first_petition is None and second.lodging_due == D0 + dt.timedelta(days=48)  # remote: 45 days
    assert not second.lodged_late


def test_the_refusals_are_named_by_their_field_and_nothing_is_written(handler, leader, commune_a, commune_b,
                                                                       decided):
    received = petitions.petition_receive(actor=handler, commune=commune_a, details=_petition(D0))
    accepted = petitions.petition_accept(
        actor=handler, petition=petitions.petition_receive(actor=handler, commune=commune_a,
                                                           details=_petition(COME - dt.timedelta(days=5))),
        accepted_on=COME - dt.timedelta(days=5), handler=handler)
    other = make_user("tiepdan_b", Role.COMPLAINT_HANDLER, commune_b)
    elsewhere = petitions.petition_receive(actor=other, commune=commune_b, details=_petition(D0))
    before = (Petition.objects.count(), Reception.objects.count())
    cases = [
        ({"first_petition": received}, "first_petition", "chưa được thụ lý giải quyết lần đầu"),
        ({"first_petition": accepted}, "first_petition", "đang trong thời hạn giải quyết lần đầu"),
        ({"first_petition": elsewhere}, "commune", "cùng xã/phường"),
        ({"first_petition": decided}, "first_decision_received_on", "Ghi ngày người khiếu nại nhận được"),
        ({"first_petition": decided, "first_decision_received_on": GOT, "received_at": _at(GOT + dt.timedelta(31))},
         "late_reason", "quá thời hạn khiếu nại lần hai"),
        ({"first_petition": decided, "first_decision_received_on": GOT, "outcome": "guided",
          "outcome_note": "Giải thích"}, "second_time", "khi tiếp nhận đơn"),
        ({"first_petition": decided, "first_decision_received_on": GOT, "kind": "recommendation"}, "second_time",
         "Chỉ đơn khiếu nại"),
    ]
    for extra, field, message in cases:
        with pytest.raises(DomainError, match=message) as refused:
            _record(handler, commune_a, second_time=True, **extra)
        assert refused.value.field == field, extra
    late = next(c for c in cases if c[1] == "late_reason")
    with pytest.raises(DomainError) as refused:
        _record(handler, commune_a, second_time=True, **late[0])
    assert "Điều 33" in refused.value.message and "«Giải thích, hướng dẫn»" in refused.value.message
    assert (Petition.objects.count(), Reception.objects.count()) == before


def test_past_the_time_limit_the_objective_obstacle_recorded_at_the_desk_lets_it_in(handler, commune_a, decided):
    entry = _record(handler, commune_a, second_time=True, first_petition=decided, first_decision_received_on=GOT,
                    received_at=_at(GOT + dt.timedelta(days=40)), late_reason="Nằm viện điều trị 15 ngày")
    second = entry.petition
    assert second.lodged_late and second.late_reason == "Nằm viện điều trị 15 ngày"
    assert "trở ngại khách quan: Nằm viện" in second.events.get().note
    accepted = petitions.petition_accept(actor=handler, petition=second, accepted_on=second.received_on,
                                         handler=handler)
    assert accepted.status == PetitionStatus.ACCEPTED


def test_the_entry_and_the_second_time_petition_are_one_transaction(handler, commune_a, decided, monkeypatch):
    def broken(year):
        raise RuntimeError("mất kết nối")

    monkeypatch.setattr(receptions, "_next_sequence", broken)  # after the petition is written
    with pytest.raises(RuntimeError):
        _record(handler, commune_a, second_time=True, first_petition=decided, first_decision_received_on=GOT)
    assert list(Petition.objects.all()) == [decided] and not Reception.objects.exists()


def _post(commune, receiver, **extra) -> dict:
    values = {"received_by": receiver.pk, "received_on": COME.isoformat(), "received_time": "09:15", "place": "Phòng tiếp công dân",
              "session": "regular", "commune": commune.pk, "people_count": 1, "citizen_name": "Trần Thị Mai",
              "kind": "complaint", "content": "Không đồng ý quyết định lần đầu", "outcome": "petition",
              "second_time": "on", "first_decision_received_on": GOT.isoformat()}
    return values | extra


def test_the_register_s_form_receives_it_and_says_why_not_next_to_the_field(handler, commune_a, commune_b, decided,
                                                                             client):
    handler_b = make_user("tiepdan_b", Role.COMPLAINT_HANDLER, commune_b)
    elsewhere = petitions.petition_receive(actor=handler_b, commune=commune_b, details=_petition(D0))
    undecided = petitions.petition_receive(actor=handler, commune=commune_a, details=_petition(D0))
    handler = make_user("tiepdan_a", Role.COMPLAINT_HANDLER, commune_a)  # Cẩm Bình is outside his area
    client.force_login(handler)
    url = "/don-thu/tiep-cong-dan/ghi-so/"
    page = client.get(f"/don-thu/{decided.pk}/").content.decode()
    assert 'data-testid="second-time-reception-link"' in page
    form = client.get(url, {"lan-dau": decided.pk}).content.decode()
    assert f'value="{decided.number}"' in form and 'value="Trần Thị Mai"' in form
    assert client.get(url, {"lan-dau": elsewhere.pk}).context["form"].initial.get("first_petition_number") is None
    before = (Petition.objects.count(), Reception.objects.count())
    for number, field, message in (("2026/99999", "first_petition_number", "Không có đơn số «2026/99999»"),
                                   (elsewhere.number, "first_petition_number", f"Không có đơn số «{elsewhere.number}»"),
                                   (undecided.number, "first_petition_number", "chưa được thụ lý")):
        response = client.post(url, _post(commune_a, handler, first_petition_number=number))
        assert response.status_code == 422
        assert message in " ".join(response.context["form"].errors[field]), number
    late = client.post(url, _post(commune_a, handler, first_petition_number=decided.number,
                                  received_on=(GOT + dt.timedelta(days=35)).isoformat()))
    assert late.status_code == 422 and "quá thời hạn" in " ".join(late.context["form"].errors["late_reason"])
    assert "quá thời hạn khiếu nại lần hai" in late.content.decode()
    assert (Petition.objects.count(), Reception.objects.count()) == before
    response = client.post(url, _post(commune_a, handler, first_petition_number=decided.number), follow=True)
    entry = Reception.objects.get()
    assert entry.petition.second_time and entry.petition.first_petition == decided
    page = response.content.decode()
    assert f"Đã tiếp nhận khiếu nại lần hai {entry.petition.number}" in page
    assert 'data-testid="second-time"' in page and f"đơn {decided.number}" in page
    page = client.get(f"/don-thu/{decided.pk}/").content.decode()
    assert 'data-testid="second-times"' in page and entry.petition.number in page
