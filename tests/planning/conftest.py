"""A small department for the plan's tests: the Sở with two district offices (of real former districts), the
users of each level, the 2020-H1 period, two indicators (one reported, one computed) and the six-month form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from ansinh.accounts.models import Role, User
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.planning.models import Indicator, OrgUnit, ReportForm, ReportingPeriod, ReportObligation, UnitKind
from ansinh.planning.services import org, plan

FOUNDED = dt.date(2008, 4, 1)


@dataclass
class World:
    province: AdminUnit
    district_a: AdminUnit
    district_b: AdminUnit
    so: OrgUnit
    office_a: OrgUnit
    office_b: OrgUnit
    period: ReportingPeriod
    jobs: Indicator
    tasks_done: Indicator
    form: ReportForm
    u: dict[str, User]


def user(name: str, role: str, area, **extra) -> User:
    return User.objects.create_user(username=name, password="mat-khau-thu-2026", role=role, area=area,
                                    last_name="Thử", first_name=name, **extra)


@pytest.fixture
def world(units) -> World:
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code="42")
    districts = list(AdminUnit.objects.filter(level=Level.DISTRICT, structure=Structure.LEGACY, province_code="42")
                     .order_by("name")[:2])
    u = {"planner": user("kh_so", Role.PROVINCIAL_SPECIALIST, province),
         "acceptor": user("kh_so2", Role.PROVINCIAL_SPECIALIST, province),
         "leader": user("kh_gd", Role.LEADER, province),
         "admin": user("kh_qt", Role.ADMINISTRATOR, province),
         "inspector": user("kh_tt", Role.INSPECTOR, province),
         "district_a": user("kh_ha", Role.DISTRICT_SPECIALIST, districts[0]),
         "district_b": user("kh_hb", Role.DISTRICT_SPECIALIST, districts[1]),
         "agent": user("kh_bd", Role.PAYMENT_AGENT, province)}
    so = org.org_unit_create(actor=u["admin"], code="so", name="Sở Lao động - Thương binh và Xã hội",
                             kind=UnitKind.DEPARTMENT, valid_from=FOUNDED, admin_unit=province)
    office_a, office_b = (org.org_unit_create(actor=u["admin"], code=f"huyen-{d.code}", name=f"Phòng LĐ-TBXH {d.name}",
                                              kind=UnitKind.DISTRICT_OFFICE, valid_from=FOUNDED, parent=so,
                                              admin_unit=d) for d in districts)
    period = plan.period_open(actor=u["planner"], code="2020-H1")
    jobs = plan.indicator_define(actor=u["planner"], code="jobs_found", name="Số người được giải quyết việc làm",
                                 measure_unit="người", field="labour")
    tasks_done = plan.indicator_define(actor=u["planner"], code="framework_tasks_done", name="Nhiệm vụ khung hoàn thành",
                                       measure_unit="nhiệm vụ", field="administration", source="computed",
                                       query="planning.framework_tasks_done", percent_rounding="down")
    form = ReportForm.objects.create(code="bc6", name="Báo cáo 6 tháng", period_kind="half")
    form.indicators.set([jobs])
    for unit, days in ((office_a, 5), (office_b, 5), (so, 10)):
        ReportObligation.objects.create(form=form, unit=unit, due_days=days, valid_from=FOUNDED)
    return World(province, districts[0], districts[1], so, office_a, office_b, period, jobs, tasks_done, form, u)
