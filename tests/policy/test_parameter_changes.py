"""Parameter values added by administrators under maker-checker, and their effect on computations."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError, transaction

from ansinh.accounts.models import Role, User
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.policy import selectors, services
from ansinh.policy.bridge import ParameterAddition, compute
from ansinh.policy.models import ChangeStatus, ParameterChange
from ansinh.policy.variables.common import UnsetParameterError

pytestmark = pytest.mark.django_db

ELDERLY_80 = {"tgxh_category": "elderly_80_no_pension", "birth_date": "1940-05-01"}
JULY_2026 = dt.date(2026, 7, 1)


def make_user(username: str, role: str, area) -> User:
    return User.objects.create_user(username=username, password="x", role=role, area=area,
                                    last_name="Quản trị", first_name=username)


@pytest.fixture
def admin_a(province) -> User:
    return make_user("quantri_a", Role.ADMINISTRATOR, province)


@pytest.fixture
def admin_b(province) -> User:
    return make_user("quantri_b", Role.ADMINISTRATOR, province)


def propose_540(actor, **overrides) -> ParameterChange:
    data = {"parameter": "tgxh.standard_level", "start": JULY_2026, "value": 540000, "reference": "TEST"}
    data.update(overrides)
    return services.parameter_change_propose(actor=actor, **data)


def allowance(period: str) -> int:
    return selectors.explanation_get(variable="tgxh_monthly_allowance", period=period, inputs=ELDERLY_80).value


def bulk_allowance(period: str) -> float:
    persons = pl.DataFrame({"person_id": ["p"], "household_id": ["h"], "role": ["head"],
                            "tgxh_category": ["elderly_80_no_pension"], "birth_date": [dt.date(1940, 5, 1)]})
    out, _ = compute(persons, None, ["tgxh_monthly_allowance"], period, additions=selectors.approved_additions())
    return float(out["tgxh_monthly_allowance"][0])


def test_a_proposed_value_does_not_change_results(admin_a):
    change = propose_540(admin_a)
    assert change.status == ChangeStatus.PROPOSED
    assert selectors.approved_additions() == ()
    assert allowance("2026-07") == 500000
    assert bulk_allowance("2026-07") == 500000


def test_approved_by_a_second_administrator_applies_from_its_date_only(admin_a, admin_b):
    change = propose_540(admin_a, note="Dự kiến nghị định mới")
    approved = services.parameter_change_approve(actor=admin_b, change=change)
    assert approved.status == ChangeStatus.APPROVED
    assert approved.decided_by == admin_b and approved.decided_at is not None
    assert selectors.approved_additions() == (
        ParameterAddition(parameter="tgxh.standard_level", start=JULY_2026, value=540000, reference="TEST"),
    )
    assert allowance("2026-07") == 540000
    assert allowance("2026-06") == 500000
    assert bulk_allowance("2026-07") == 540000
    assert bulk_allowance("2026-06") == 500000
    explanation = selectors.explanation_get(variable="tgxh_monthly_allowance", period="2026-08", inputs=ELDERLY_80)
    standard = explanation.tree.children[-1].parameters[0]
    assert (standard.path, standard.value, standard.start, standard.reference) == (
        "tgxh.standard_level", 540000, "2026-07-01", "TEST")
    actions = list(AuditEvent.objects.filter(object_id=str(change.pk)).values_list("action", "actor"))
    assert sorted(actions) == sorted([("parameter_change_propose", admin_a.pk),
                                      ("parameter_change_approve", admin_b.pk)])


def test_the_proposer_cannot_approve_their_own_value(admin_a):
    change = propose_540(admin_a)
    with pytest.raises(PermissionDenied, match="người đề xuất.*quản trị viên khác"):
        services.parameter_change_approve(actor=admin_a, change=change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED
    assert allowance("2026-07") == 500000


@pytest.mark.parametrize("role", [Role.PROVINCIAL_SPECIALIST, Role.LEADER, Role.COMMUNE_OFFICER])
def test_only_administrators_propose_and_approve(role, province, admin_a):
    other = make_user("khac", role, province)
    with pytest.raises(PermissionDenied, match="quản trị hệ thống"):
        propose_540(other)
    change = propose_540(admin_a)
    with pytest.raises(PermissionDenied):
        services.parameter_change_approve(actor=other, change=change)
    assert ParameterChange.objects.count() == 1


def test_a_second_approval_is_refused(admin_a, admin_b, province):
    admin_c = make_user("quantri_c", Role.ADMINISTRATOR, province)
    change = propose_540(admin_a)
    services.parameter_change_approve(actor=admin_b, change=change)
    with pytest.raises(ConcurrentChange, match="đã được xử lý"):
        services.parameter_change_approve(actor=admin_c, change=change)
    with pytest.raises(ConcurrentChange):
        services.parameter_change_reject(actor=admin_c, change=change, reason="muộn")
    change.refresh_from_db()
    assert change.decided_by == admin_b


def test_a_stale_copy_cannot_approve_twice(admin_a, admin_b, province):
    """Two administrators opened the queue at the same time: the second click finds it decided."""
    admin_c = make_user("quantri_c", Role.ADMINISTRATOR, province)
    change = propose_540(admin_a)
    stale = ParameterChange.objects.get(pk=change.pk)
    services.parameter_change_approve(actor=admin_b, change=change)
    assert stale.status == ChangeStatus.PROPOSED
    with pytest.raises(ConcurrentChange):
        services.parameter_change_approve(actor=admin_c, change=stale)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"value": "năm trăm"}, "value", "nhận một số không âm"),
    ({"value": -1}, "value", "nhận một số không âm"),
    ({"value": True}, "value", "nhận một số không âm"),
    ({"parameter": "tgxh.standard_levels"}, "parameter", "Không có tham số «tgxh.standard_levels»"),
    ({"parameter": "tgxh.coefficients"}, "parameter", "là một nhóm tham số"),
    ({"reference": "  "}, "reference", "căn cứ pháp lý"),
    ({"parameter": "covid.nq42_2020.overlap_rule", "value": "sum"}, "value", "highest_only, stack"),
    ({"parameter": "poverty.nd351_2025.indicators_as_nd07_2021", "value": 1}, "value", "đúng/sai"),
])
def test_invalid_proposals_are_refused_in_vietnamese(admin_a, overrides, field, message):
    with pytest.raises(DomainError, match=message) as caught:
        propose_540(admin_a, **overrides)
    assert caught.value.field == field
    assert ParameterChange.objects.count() == 0


def test_a_value_for_a_date_already_approved_is_refused(admin_a, admin_b):
    services.parameter_change_approve(actor=admin_b, change=propose_540(admin_a))
    with pytest.raises(DomainError, match="đã có một giá trị bổ sung được duyệt từ ngày 01/07/2026"):
        propose_540(admin_a, value=550000)


def test_filling_an_unconfirmed_coefficient_lets_the_category_be_computed(admin_a, admin_b):
    inputs = {"tgxh_category": "single_poor_parent", "birth_date": "1990-01-01"}
    with pytest.raises(UnsetParameterError, match="tgxh.coefficients.single_poor_parent"):
        selectors.explanation_get(variable="tgxh_monthly_allowance", period="2024-07", inputs=inputs)
    change = services.parameter_change_propose(
        actor=admin_a, parameter="tgxh.coefficients.single_poor_parent", start=dt.date(2021, 7, 1), value=1.5,
        reference="TEST Điều 6, ngày 01/7/2021")
    services.parameter_change_approve(actor=admin_b, change=change)
    assert selectors.explanation_get(variable="tgxh_monthly_allowance", period="2024-07", inputs=inputs).value == 750000


def test_reject_needs_a_reason_and_keeps_results(admin_a, admin_b):
    change = propose_540(admin_a)
    with pytest.raises(DomainError, match="lý do"):
        services.parameter_change_reject(actor=admin_b, change=change, reason=" ")
    with pytest.raises(PermissionDenied):
        services.parameter_change_reject(actor=admin_a, change=change, reason="tự từ chối")
    rejected = services.parameter_change_reject(actor=admin_b, change=change, reason="Chưa có nghị định")
    assert (rejected.status, rejected.rejection_reason) == (ChangeStatus.REJECTED, "Chưa có nghị định")
    assert selectors.approved_additions() == ()
    assert allowance("2026-07") == 500000


def test_only_the_proposer_withdraws(admin_a, admin_b):
    change = propose_540(admin_a)
    with pytest.raises(PermissionDenied, match="Chỉ người đề xuất"):
        services.parameter_change_withdraw(actor=admin_b, change=change)
    withdrawn = services.parameter_change_withdraw(actor=admin_a, change=change)
    assert withdrawn.status == ChangeStatus.WITHDRAWN
    with pytest.raises(ConcurrentChange):
        services.parameter_change_approve(actor=admin_b, change=change)


def test_the_database_refuses_self_approval_and_two_approved_values(admin_a, admin_b):
    now = dt.datetime.now(dt.UTC)
    base = {"parameter": "tgxh.standard_level", "start": JULY_2026, "value": 540000, "reference": "TEST"}
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterChange.objects.create(**base, proposed_by=admin_a, status=ChangeStatus.APPROVED,
                                       decided_by=admin_a, decided_at=now)
    ParameterChange.objects.create(**base, proposed_by=admin_a, status=ChangeStatus.APPROVED,
                                   decided_by=admin_b, decided_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterChange.objects.create(**base, proposed_by=admin_b, status=ChangeStatus.APPROVED,
                                       decided_by=admin_a, decided_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterChange.objects.create(**{**base, "reference": ""}, proposed_by=admin_a)


def test_the_catalogue_marks_base_and_added_values(admin_a, admin_b):
    services.parameter_change_approve(actor=admin_b, change=propose_540(admin_a))
    groups = {group.key: group for group in selectors.parameter_catalogue()}
    entry = next(e for e in groups["tgxh"].entries if e.path == "tgxh.standard_level")
    assert [(row.start, row.value, row.change is not None) for row in entry.rows] == [
        (dt.date(2014, 1, 1), 270000, False), (dt.date(2021, 7, 1), 360000, False),
        (dt.date(2024, 7, 1), 500000, False), (JULY_2026, 540000, True)]
    assert entry.rows[-1].change.decided_by == admin_b
    unconfirmed = next(e for e in groups["tgxh"].entries if e.path == "tgxh.coefficients.single_poor_parent")
    assert unconfirmed.empty_now and unconfirmed.empty_periods[0].end is None
