"""The plan's pages as each role sees them: the dashboard with its chart, the Monday tracking page, the report
chain through the buttons, a unit outside the area a 404, the roles without a right a 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.planning.models import ReportStatus, UnitReport
from ansinh.planning.services import plan, reports

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def submitted(world):
    plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value=24_000,
                    reason="QĐ giao KH 2020")
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 14))
    reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": "9.997"})
    return reports.report_submit(actor=world.u["district_a"], report=r, received_on=dt.date(2020, 6, 18))


def test_the_dashboard_shows_the_plan_against_its_target(world, submitted):
    page = _client(world.u["leader"]).get(reverse("planning:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="plan-chart"' in html and "41,65%" in html and "24.000" in html and "9.997" in html
    assert "Phòng LĐ-TBXH" in html  # the offices that have not sent yet are named (missing after the deadline)
    assert _client(world.u["agent"]).get(reverse("planning:dashboard")).status_code == 403


def test_a_unit_outside_the_area_is_a_404(world, submitted):
    district_a = _client(world.u["district_a"])
    assert district_a.get(reverse("planning:unit_detail", args=[world.office_a.pk])).status_code == 200
    assert district_a.get(reverse("planning:unit_detail", args=[world.office_b.pk])).status_code == 404
    assert _client(world.u["district_b"]).get(reverse("planning:report_detail", args=[submitted.pk])).status_code == 404
    tracking = district_a.get(reverse("planning:tracking")).content.decode()
    assert world.office_a.name in tracking and world.office_b.name not in tracking


def test_the_report_chain_through_the_buttons(world, submitted):
    url = reverse("planning:report_detail", args=[submitted.pk])
    # the district cannot accept its own report: no button, and the step is refused
    assert "Chấp nhận</button>" not in _client(world.u["district_a"]).get(url).content.decode()
    acceptor = _client(world.u["acceptor"])
    assert "Chấp nhận</button>" in acceptor.get(url).content.decode()
    answer = acceptor.post(reverse("planning:report_step", args=[submitted.pk, "tra-lai"]), {"reason": "Số chưa khớp"},
                           follow=True)
    assert "Đã trả lại báo cáo." in answer.content.decode()
    assert UnitReport.objects.get(pk=submitted.pk).status == ReportStatus.RETURNED
    district = _client(world.u["district_a"])
    district.post(url, {"v_jobs_found": "9.990"})
    district.post(reverse("planning:report_step", args=[submitted.pk, "gui"]))
    acceptor.post(reverse("planning:report_step", args=[submitted.pk, "chap-nhan"]))
    report = UnitReport.objects.get(pk=submitted.pk)
    assert (report.status, report.accepted_by) == (ReportStatus.ACCEPTED, world.u["acceptor"])
    assert report.achievements.get().value == 9_990
    assert "Đã chấp nhận (khoá số liệu)" in acceptor.get(url).content.decode()
