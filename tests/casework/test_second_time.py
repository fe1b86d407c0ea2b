"""Second-time complaints (khiếu nại lần hai, Luật Khiếu nại 2011): linked to the first-time petition or decision,
the time limit to lodge them (Điều 33: 30 days, 45 in remote areas) and their deadlines (Điều 36: acceptance in 10
days; Điều 37: 45 days, 60 complex or remote, 70 both), all rows of ``DeadlineRule`` the administrator adjusts; one
lodged late is not accepted unless a handler records the objective obstacle (trở ngại khách quan)."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.accounts.models import Role
from ansinh.casework.models import DeadlineRule, PetitionStatus
from ansinh.casework.services import petitions
from ansinh.core.errors import DomainError
from conftest import make_user

pytestmark = pytest.mark.django_db
D0 = dt.date(2026, 1, 5)  # the first petition's receipt (a Monday)


@pytest.fixture
def handler(commune_a):
    return make_user("tiepdan", Role.COMPLAINT_HANDLER, commune_a.legacy_district)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 6, 30))


def _details(received: dt.date, **extra) -> petitions.PetitionDetails:
    return petitions.PetitionDetails(kind=extra.pop("kind", "complaint"), channel="post", received_on=received,
                                     petitioner_name="Trần Thị Mai", summary="Khiếu nại việc cắt trợ cấp", **extra)


@pytest.fixture
def decided(handler, leader, commune_a):
    """A first-time complaint decided on D0 + 30."""
    first = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(D0))
    first = petitions.petition_accept(actor=handler, petition=first, accepted_on=D0 + dt.timedelta(days=2),
                                      handler=handler)
    return petitions.petition_decide(actor=leader, petition=first, decision_number="12/QĐ-SLĐTBXH",
                                     decision_date=D0 + dt.timedelta(days=30), outcome="Giữ nguyên")


def test_a_second_time_complaint_links_its_first_and_gets_the_second_time_deadlines(handler, commune_a, decided,
                                                                                      client):
    got = D0 + dt.timedelta(days=33)  # the complainant received the first decision
    second = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        got + dt.timedelta(days=30), second_time=True, first_petition=decided, first_decision_received_on=got))
    assert (second.first_decision_number, second.first_decision_date) == ("12/QĐ-SLĐTBXH", decided.decision_date)
    assert second.lodging_due == got + dt.timedelta(days=30) and not second.lodged_late  # Điều 33: the 30th day
    assert second.acceptance_due == second.received_on + dt.timedelta(days=10)  # Điều 36
    accepted = petitions.petition_accept(actor=handler, petition=second, accepted_on=second.received_on,
                                         handler=handler)
    assert accepted.resolution_due == second.received_on + dt.timedelta(days=45)  # Điều 37
    client.force_login(handler)
    page = client.get(f"/don-thu/{second.pk}/").content.decode()
    assert 'data-testid="first-time"' in page and f"đơn {decided.number}" in page and "Điều 33" in page
    page = client.get(f"/don-thu/{decided.pk}/").content.decode()
    assert 'data-testid="second-times"' in page and f"đơn {second.number}" in page
    assert "lần hai" in client.get("/don-thu/").content.decode()


@pytest.mark.parametrize(("complex_case", "remote_area", "days"), [(True, False, 60), (False, True, 60),
                                                                    (True, True, 70)])
def test_complex_and_remote_second_time_complaints_take_longer(handler, commune_a, decided, complex_case, remote_area,
                                                                days):
    got = D0 + dt.timedelta(days=31)
    second = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        got + dt.timedelta(days=40), second_time=True, first_petition=decided, first_decision_received_on=got,
        complex_case=complex_case, remote_area=remote_area, late_reason="Ốm nằm viện" if not remote_area else ""))
    assert second.lodging_due == got + dt.timedelta(days=45 if remote_area else 30)  # remote: 45 days (Điều 33)
    accepted = petitions.petition_accept(actor=handler, petition=second, accepted_on=second.received_on,
                                         handler=handler)
    assert accepted.resolution_due == second.received_on + dt.timedelta(days=days)


def test_lodged_after_the_time_limit_it_is_refused_unless_an_objective_obstacle_is_recorded(handler, commune_a,
                                                                                           decided, client):
    got = D0 + dt.timedelta(days=31)
    late = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        got + dt.timedelta(days=31), second_time=True, first_petition=decided, first_decision_received_on=got))
    assert late.lodged_late
    with pytest.raises(DomainError, match="quá thời hạn khiếu nại lần hai") as refused:
        petitions.petition_accept(actor=handler, petition=late, accepted_on=late.received_on, handler=handler)
    assert "Điều 33" in refused.value.message and "trở ngại khách quan" in refused.value.message
    assert refused.value.field == "late_reason"
    client.force_login(handler)
    assert 'data-testid="lodged-late"' in client.get(f"/don-thu/{late.pk}/").content.decode()
    response = client.post(f"/don-thu/{late.pk}/accept/", {"accepted_on": late.received_on.isoformat(),
                                                           "handler": handler.pk}, follow=True)
    assert "quá thời hạn khiếu nại lần hai" in response.content.decode()
    late.refresh_from_db()
    assert late.status == PetitionStatus.RECEIVED
    client.post(f"/don-thu/{late.pk}/accept/", {"accepted_on": late.received_on.isoformat(), "handler": handler.pk,
                                                "late_reason": "Bị lũ chia cắt, không đi lại được 10 ngày"})
    late.refresh_from_db()
    assert late.status == PetitionStatus.ACCEPTED and late.late_reason.startswith("Bị lũ")
    assert "Trở ngại khách quan" in late.events.get(step="accept").note
    # the same late complaint without an obstacle: the handler refuses it with the reason
    other = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        got + dt.timedelta(days=40), second_time=True, first_petition=decided, first_decision_received_on=got))
    other = petitions.petition_reject(actor=handler, petition=other, reason="Quá thời hạn khiếu nại lần hai (Điều 33)")
    assert other.status == PetitionStatus.REJECTED


def test_the_start_of_the_time_limit_when_the_first_time_was_not_decided_and_the_refusals(handler, commune_a,
                                                                                         decided):
    first = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(D0))
    first = petitions.petition_accept(actor=handler, petition=first, accepted_on=D0, handler=handler)
    with pytest.raises(DomainError, match="đang trong thời hạn giải quyết lần đầu"):
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
            D0 + dt.timedelta(days=20), second_time=True, first_petition=first))
    undecided = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        D0 + dt.timedelta(days=40), second_time=True, first_petition=first))
    assert undecided.lodging_due == first.resolution_due + dt.timedelta(days=30) and undecided.first_decision_date is None
    with pytest.raises(DomainError, match="không phải khiếu nại lần đầu"):  # after the second time: the court
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
            D0 + dt.timedelta(days=41), second_time=True, first_petition=undecided))
    with pytest.raises(DomainError, match="Chỉ đơn khiếu nại"):
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
            D0 + dt.timedelta(days=41), kind="recommendation", second_time=True, first_petition=decided))
    with pytest.raises(DomainError, match="Ghi số và ngày của quyết định"):  # neither a first petition nor a decision
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
            D0 + dt.timedelta(days=41), second_time=True))
    with pytest.raises(DomainError, match="Ghi ngày người khiếu nại nhận được"):
        petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
            D0 + dt.timedelta(days=41), second_time=True, first_decision_number="35/QĐ-UBND",
            first_decision_date=D0))
    outside = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        D0 + dt.timedelta(days=41), second_time=True, first_decision_number="35/QĐ-UBND", first_decision_date=D0,
        first_decision_received_on=D0 + dt.timedelta(days=20)))  # a decision of the commune's chairman
    assert outside.first_petition is None and outside.lodging_due == D0 + dt.timedelta(days=50)


def test_the_administrator_adjusts_the_second_time_figures_like_any_deadline(handler, commune_a, decided):
    assert DeadlineRule.objects.get(kind="complaint", stage="resolve_2").reference.endswith(
        "(lần hai: không quá 45 ngày kể từ ngày thụ lý)")
    DeadlineRule.objects.filter(kind="complaint", stage="lodge_2").update(days=35)
    DeadlineRule.objects.filter(kind="complaint", stage="resolve_2").update(days=40)
    got = D0 + dt.timedelta(days=31)
    second = petitions.petition_receive(actor=handler, commune=commune_a, details=_details(
        got + dt.timedelta(days=33), second_time=True, first_petition=decided, first_decision_received_on=got))
    assert second.lodging_due == got + dt.timedelta(days=35) and not second.lodged_late
    second = petitions.petition_accept(actor=handler, petition=second, accepted_on=second.received_on, handler=handler)
    assert second.resolution_due == second.received_on + dt.timedelta(days=40)


def test_the_second_time_form_is_filled_from_the_first_petition_and_names_an_unknown_number(handler, commune_a,
                                                                                           decided, client):
    client.force_login(handler)
    page = client.get(f"/don-thu/{decided.pk}/").content.decode()
    assert 'data-testid="second-time-link"' in page
    form = client.get(f"/don-thu/tiep-nhan/?lan-dau={decided.pk}").content.decode()
    assert f'value="{decided.number}"' in form and "Trần Thị Mai" in form
    post = {"kind": "complaint", "channel": "post", "received_on": "2026-03-10", "commune": commune_a.pk,
            "petitioner_name": "Trần Thị Mai", "summary": "Khiếu nại lần hai", "second_time": "on",
            "first_decision_received_on": "2026-02-10"}
    response = client.post("/don-thu/tiep-nhan/", {**post, "first_petition_number": "2026/99999"})
    assert response.status_code == 422 and "Không có đơn số «2026/99999»" in response.content.decode()
    response = client.post("/don-thu/tiep-nhan/", {**post, "first_petition_number": decided.number})
    assert response.status_code == 302
    second = decided.second_time_petitions.get()
    assert second.second_time and second.lodging_due == dt.date(2026, 3, 12)
