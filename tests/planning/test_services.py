"""The plan's services as users meet them: the Vietnamese percentage, NĐ 09 periods, versioned targets, the report
chain with maker-checker and roll-up, locks, tasks and their QĐ 42 status, the register's numbers, the organisation
changing in 2025 — and bad input refused with a Vietnamese message, nothing half written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import AuditEvent
from ansinh.planning import selectors
from ansinh.planning.checks import percent_text, period_window, place_and_date
from ansinh.planning.models import (
    Achievement,
    NumberSeries,
    OutgoingDocument,
    ReportStatus,
    Target,
    Task,
    TaskStatus,
    UnitKind,
)
from ansinh.planning.services import org, plan, register, reports, tasks

pytestmark = pytest.mark.django_db
H1_END = dt.date(2020, 6, 14)


def test_percentages_of_the_notice_are_written_the_vietnamese_way():
    assert percent_text(9_997, 24_000) == "41,65%"
    assert percent_text(4_502, 17_700) == "25,44%"
    assert percent_text(172_081, 173_591) == "99,13%"
    assert percent_text(197_100_000_000, 198_770_250_000) == "99,16%"
    # 120/195 = 61,538…: the notice writes 61,53% (cut), which rounding would make 61,54%
    assert percent_text(120, 195, rounding="down") == "61,53%"
    assert percent_text(120, 195) == "61,54%"
    assert percent_text(5, 0) == "—"


def test_periods_follow_nd_09_2019_and_dates_nd_30_2020():
    h1 = period_window("2020-h1")
    assert (h1.start, h1.end, h1.label) == (dt.date(2019, 12, 15), dt.date(2020, 6, 14), "6 tháng đầu năm 2020")
    assert (period_window("2020").start, period_window("2020").end) == (dt.date(2019, 12, 15), dt.date(2020, 12, 14))
    assert period_window("2020-Q3").start == dt.date(2020, 6, 15)
    with pytest.raises(DomainError, match="không hợp lệ"):
        period_window("2020-H3")
    assert place_and_date("Hà Tĩnh", dt.date(2020, 7, 14)) == "Hà Tĩnh, ngày 14 tháng 7 năm 2020"
    assert place_and_date("Hà Tĩnh", dt.date(2020, 2, 5)) == "Hà Tĩnh, ngày 05 tháng 02 năm 2020"


def test_an_adjusted_target_keeps_the_original(world):
    first = plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value="25.000",
                            reason="QĐ giao kế hoạch năm 2020")
    second = plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value=24_000,
                             reason="Điều chỉnh do Covid-19")
    rows = list(Target.objects.filter(indicator=world.jobs, unit=world.so, year=2020).order_by("version"))
    assert [(t.version, t.value, t.is_current) for t in rows] == [(1, Decimal("25000"), False),
                                                                   (2, Decimal("24000"), True)]
    assert second.supersedes_id == first.pk
    assert selectors.current_target(indicator=world.jobs, unit=world.so, year=2020).value == 24_000


def test_a_target_for_a_unit_that_did_not_exist_that_year_is_refused(world):
    later = org.org_unit_create(actor=world.u["admin"], code="moi", name="UBND Xã Mới", kind=UnitKind.COMMUNE,
                                valid_from=dt.date(2025, 7, 1), parent=world.so if False else None)
    with pytest.raises(DomainError, match="chỉ có từ ngày 01/07/2025"):
        plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=later, year=2020, value=10, reason="x")
    assert not Target.objects.exists()


@pytest.mark.parametrize("value, message", [("abc", "không phải là số"), ("-5", "không âm"),
                                            ("1,234", "tối đa 2 chữ số"), ("", "không phải là số")])
def test_a_target_that_is_not_a_number_is_refused(world, value, message):
    with pytest.raises(DomainError, match=message):
        plan.target_set(actor=world.u["planner"], indicator=world.jobs, unit=world.so, year=2020, value=value,
                        reason="QĐ")
    assert not Target.objects.exists()


def _report(world, office, who, value, *, day=dt.date(2020, 6, 18)):
    r = reports.report_open(actor=world.u[who], form=world.form, unit=office, period=world.period, today=H1_END)
    reports.report_values_enter(actor=world.u[who], report=r, values={"jobs_found": value})
    return reports.report_submit(actor=world.u[who], report=r, received_on=day)


def test_the_report_chain_rolls_up_only_when_every_unit_below_is_accepted(world):
    a = _report(world, world.office_a, "district_a", "5.000")
    b = _report(world, world.office_b, "district_b", 4_997, day=dt.date(2020, 6, 25))
    so = reports.report_open(actor=world.u["planner"], form=world.form, unit=world.so, period=world.period,
                             today=H1_END)
    so = reports.report_submit(actor=world.u["planner"], report=so, received_on=dt.date(2020, 6, 24))
    reports.report_accept(actor=world.u["acceptor"], report=a)
    with pytest.raises(DomainError, match="còn 1 đơn vị cấp dưới chưa được chấp nhận"):
        reports.report_accept(actor=world.u["leader"], report=so)
    reports.report_accept(actor=world.u["acceptor"], report=b)
    # the office submitted the department's report: another person accepts it
    with pytest.raises(PermissionDenied, match="người lập – người duyệt"):
        reports.report_accept(actor=world.u["planner"], report=so)
    so = reports.report_accept(actor=world.u["leader"], report=so)
    assert so.status == ReportStatus.ACCEPTED and so.accepted_by == world.u["leader"]
    figure = selectors.achievement(indicator=world.jobs, unit=None, period=world.period)
    assert figure.value == 9_997 and len(figure.units) == 2
    states = {r.unit.pk: r.state for r in selectors.tracking(user=world.u["planner"], period=world.period,
                                                             today=dt.date(2020, 7, 1))}
    assert states == {world.office_a.pk: "on_time", world.office_b.pk: "late", world.so.pk: "on_time"}


def test_accepted_figures_are_locked_until_reopened_with_a_reason(world):
    a = _report(world, world.office_a, "district_a", 100)
    a = reports.report_accept(actor=world.u["acceptor"], report=a)
    with pytest.raises(DomainError, match="chỉ thực hiện được khi báo cáo ở trạng thái"):
        reports.report_values_enter(actor=world.u["district_a"], report=a, values={"jobs_found": 150})
    with pytest.raises(DomainError, match="đã khoá"):
        plan.achievement_write(indicator=world.jobs, unit=world.office_a, period=world.period, value=Decimal(150),
                               source="imported", actor=world.u["planner"])
    with pytest.raises(DomainError, match="Ghi lý do"):
        reports.report_reopen(actor=world.u["acceptor"], report=a, reason="")
    a = reports.report_reopen(actor=world.u["acceptor"], report=a, reason="Đơn vị đề nghị sửa số liệu tháng 6")
    reports.report_values_enter(actor=world.u["district_a"], report=a, values={"jobs_found": 150})
    assert Achievement.objects.get(unit=world.office_a).value == 150
    assert AuditEvent.objects.filter(action="planning_report.reopen").count() == 1


def test_a_bad_value_in_a_report_writes_nothing(world):
    r = reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=H1_END)
    with pytest.raises(DomainError, match="không phải là số"):
        reports.report_values_enter(actor=world.u["district_a"], report=r, values={"jobs_found": "chín nghìn"})
    with pytest.raises(DomainError, match="không thuộc biểu"):
        reports.report_values_enter(actor=world.u["district_a"], report=r, values={"poor_households": 1})
    assert not Achievement.objects.exists()
    with pytest.raises(DomainError, match="chưa có số liệu"):
        reports.report_submit(actor=world.u["district_a"], report=r)


def test_a_report_for_a_period_not_yet_open_and_outside_the_area_is_refused(world):
    with pytest.raises(DomainError, match="chưa mở nhận báo cáo: mở từ ngày 14/06/2020"):
        reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_a, period=world.period,
                            today=dt.date(2020, 6, 1))
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        reports.report_open(actor=world.u["district_a"], form=world.form, unit=world.office_b, period=world.period,
                            today=H1_END)


def test_a_returned_report_goes_back_with_its_reason(world):
    a = _report(world, world.office_a, "district_a", 100)
    with pytest.raises(PermissionDenied):
        reports.report_return(actor=world.u["district_a"], report=a, reason="tự trả lại")
    a = reports.report_return(actor=world.u["acceptor"], report=a, reason="Số liệu chưa khớp Trung tâm DVVL")
    assert (a.status, a.return_reason) == (ReportStatus.RETURNED, "Số liệu chưa khớp Trung tâm DVVL")
    states = {r.unit.pk: r.state for r in selectors.tracking(user=world.u["planner"], period=world.period,
                                                             today=dt.date(2020, 7, 1))}
    assert states[world.office_a.pk] == "missing"


def test_tasks_count_by_their_qd_42_status(world):
    owner = world.office_a
    made = []
    for n, (deadline, done_on) in enumerate([(dt.date(2020, 5, 1), dt.date(2020, 4, 30)),
                                             (dt.date(2020, 5, 1), dt.date(2020, 5, 20)),
                                             (dt.date(2020, 5, 1), None), (dt.date(2020, 9, 1), None)], start=1):
        t = tasks.task_create(actor=world.u["planner"], year=2020, code=f"NVK-{n}", title=f"Nhiệm vụ {n}",
                              owner=owner, assigned_on=dt.date(2020, 1, 15), deadline=deadline)
        if done_on:
            tasks.task_progress(actor=world.u["district_a"], task=t, on=done_on, text="Xong", progress=100,
                                completed=True)
        made.append(t)
    on = dt.date(2020, 6, 14)
    assert [Task.objects.get(pk=t.pk).status_on(on) for t in made] == [
        TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.OPEN_OVERDUE, TaskStatus.OPEN_IN_TIME]
    counts = selectors.task_counts(user=world.u["planner"], year=2020, on=on)
    assert (counts["done"], counts["total"], counts[TaskStatus.OPEN_OVERDUE]) == (2, 4, 1)
    figure = selectors.achievement(indicator=world.tasks_done, unit=None, period=world.period)
    assert figure.value == 2 and figure.provenance == "truy vấn planning.framework_tasks_done"
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        tasks.task_progress(actor=world.u["district_b"], task=made[3], on=on, text="x", progress=10)


def test_a_task_deadline_before_its_assignment_is_refused(world):
    with pytest.raises(DomainError, match="Hạn hoàn thành 01/01/2020 trước ngày giao 15/01/2020"):
        tasks.task_create(actor=world.u["planner"], year=2020, code="NVK-1", title="Nhiệm vụ", owner=world.office_a,
                          assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 1, 1))
    assert not Task.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Task.objects.create(year=2020, code="X", kind="framework", title="x", owner=world.office_a,
                            assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 1, 1),
                            created_by=world.u["planner"])


def test_the_register_numbers_per_type_and_year(world):
    p = world.u["planner"]
    register.series_open(actor=p, issuer="SLĐTBXH", doc_type="TB", year=2020, opening=308)
    first = register.document_number_take(actor=p, issuer="SLĐTBXH", doc_type="TB", issued_on=dt.date(2020, 7, 14),
                                          summary="Thông báo kết luận")
    report = register.document_number_take(actor=p, issuer="SLĐTBXH", doc_type="BC", issued_on=dt.date(2020, 7, 2),
                                           summary="Báo cáo sơ kết")
    next_year = register.document_number_take(actor=p, issuer="SLĐTBXH", doc_type="TB", issued_on=dt.date(2021, 1, 4),
                                              summary="Thông báo")
    assert [first.symbol, report.symbol, next_year.symbol] == ["309/TB-SLĐTBXH", "01/BC-SLĐTBXH", "01/TB-SLĐTBXH"]
    with pytest.raises(DomainError, match="Số 309/TB-SLĐTBXH đã cấp cho văn bản «Thông báo kết luận»"):
        register.document_number_take(actor=p, issuer="SLĐTBXH", doc_type="TB", issued_on=dt.date(2020, 8, 1),
                                      summary="Khác", number=309)
    with pytest.raises(DomainError, match="đã cấp số trong hệ thống"):
        register.series_open(actor=p, issuer="SLĐTBXH", doc_type="TB", year=2020, opening=0)
    assert OutgoingDocument.objects.count() == 3
    assert NumberSeries.objects.get(doc_type="TB", year=2020).last_number == 309
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingDocument.objects.create(issuer="SLĐTBXH", doc_type="TB", year=2020, number=309, symbol="309/TB",
                                        issued_on=dt.date(2020, 7, 14), summary="x", registered_by=p)


def test_the_2025_reorganisation_is_data(world):
    admin = world.u["admin"]
    home = org.org_unit_create(actor=admin, code="snv", name="Sở Nội vụ", kind=UnitKind.OTHER_DEPARTMENT,
                               valid_from=FOUNDED_2008)
    health = org.org_unit_create(actor=admin, code="syt", name="Sở Y tế", kind=UnitKind.OTHER_DEPARTMENT,
                                 valid_from=FOUNDED_2008)
    org.responsibility_assign(actor=admin, field="social_protection", unit=world.so, on=FOUNDED_2008)
    org.responsibility_assign(actor=admin, field="social_protection", unit=health, on=dt.date(2025, 3, 1))
    org.org_unit_move(actor=admin, unit=world.office_a, new_parent=home, on=dt.date(2025, 3, 1), legal_basis="NQ 2025")
    org.org_unit_close(actor=admin, unit=world.office_a, last_day=dt.date(2025, 6, 30), legal_basis="Luật 2025")
    assert selectors.children_on(world.so, dt.date(2020, 6, 14)) == [world.office_a, world.office_b]
    assert selectors.children_on(world.so, dt.date(2025, 4, 1)) == [world.office_b]
    assert selectors.children_on(home, dt.date(2025, 4, 1)) == [world.office_a]
    assert selectors.children_on(home, dt.date(2025, 7, 1)) == []
    assert {r.field: r.unit for r in selectors.responsibilities_on(dt.date(2020, 1, 1))}["social_protection"] == world.so
    assert {r.field: r.unit for r in selectors.responsibilities_on(dt.date(2025, 5, 1))}["social_protection"] == health
    with pytest.raises(DomainError, match="Ghi căn cứ"):
        org.org_unit_move(actor=admin, unit=world.office_b, new_parent=home, on=dt.date(2025, 3, 1), legal_basis=" ")
    with pytest.raises(PermissionDenied):
        org.org_unit_create(actor=world.u["district_a"], code="x", name="x", kind="office", valid_from=FOUNDED_2008)


FOUNDED_2008 = dt.date(2008, 4, 1)
