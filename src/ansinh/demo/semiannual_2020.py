"""``ansinh scenario semiannual-2020``: the department's first half of 2020 through the plan's services — the
organisation (and its 2025 reorganisation) as data, the indicators with their sources, the 2020 targets, 195
framework tasks and their progress, the district offices' six-month reports (submitted, one returned and sent again,
accepted by the office, the department's report accepted by the Director), the register's numbering, then the
semiannual report and the Director's conclusion notice written from the database.

Figures from outside ansinh are recorded as they would be: jobs found (9.997) and new vocational enrolment (4.502)
as the district offices' reports, the framework tasks as tasks with their completion dates. The NQ 42 figures are read
from the ``covid-2020`` programme's payments and the NCC, TGXH and top-up figures from the payroll lines of
``payroll-2020-h1``, whichever of them the database holds (the command runs them first at full size).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from ansinh.accounts.models import Role, User
from ansinh.core.safety import refuse_in_production
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.planning import selectors
from ansinh.planning.models import (
    Aggregation,
    Conclusion,
    Indicator,
    IssuerLevel,
    OrgUnit,
    ReportForm,
    ReportObligation,
    ReportStatus,
    Rounding,
    Section,
    Source,
    Task,
    UnitKind,
    UnitReport,
    WorkField,
)
from ansinh.planning.services import documents, incoming, org, plan, register, reports, tasks

DATA = Path(__file__).parent / "data" / "notice_309_2020.json"
FOUNDED = dt.date(2008, 4, 1)
MERGER = dt.date(2025, 3, 1)  # the department merged into Nội vụ; fields moved (Nghị quyết HĐND tỉnh, 2/2025)
NO_DISTRICTS = dt.date(2025, 7, 1)
JOBS, ENROLMENT, JOBS_PLAN, ENROLMENT_PLAN = 9_997, 4_502, 24_000, 17_700
TASKS_TOTAL, TASKS_ON_TIME, TASKS_LATE, TASKS_OPEN_OVERDUE = 195, 100, 20, 25
PERIOD = "2020-H1"

OFFICES = [  # code, name, fields (2020)
    ("vp", "Văn phòng Sở", [WorkField.ADMINISTRATION]),
    ("tt", "Thanh tra Sở", [WorkField.INSPECTION]),
    ("khtc", "Phòng Kế hoạch - Tài chính", [WorkField.PLANNING_FINANCE]),
    ("ldvl", "Phòng Lao động - Việc làm", [WorkField.LABOUR]),
    ("gdnn", "Phòng Giáo dục nghề nghiệp", [WorkField.VOCATIONAL]),
    ("ncc", "Phòng Người có công", [WorkField.MERIT]),
    ("btxh", "Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới",
     [WorkField.SOCIAL_PROTECTION, WorkField.POVERTY, WorkField.CHILDREN, WorkField.GENDER]),
    ("pctnxh", "Phòng Phòng, chống tệ nạn xã hội", [WorkField.SOCIAL_EVILS]),
]
ATTACHED = [("ttdvvl", "Trung tâm Dịch vụ việc làm"), ("ttbtxh", "Trung tâm Bảo trợ xã hội"),
            ("csccn", "Cơ sở cai nghiện ma túy")]
# 2025: functions moved (PRODUCT.md): Nội vụ takes the department, Y tế social protection, children and social
# evils, Nông nghiệp và Môi trường poverty reduction, Giáo dục vocational education.
SUCCESSORS = [("snv", "Sở Nội vụ", [WorkField.LABOUR, WorkField.MERIT, WorkField.GENDER, WorkField.ADMINISTRATION,
                                     WorkField.INSPECTION, WorkField.PLANNING_FINANCE]),
              ("syt", "Sở Y tế", [WorkField.SOCIAL_PROTECTION, WorkField.CHILDREN, WorkField.SOCIAL_EVILS]),
              ("snnmt", "Sở Nông nghiệp và Môi trường", [WorkField.POVERTY]),
              ("sgddt", "Sở Giáo dục và Đào tạo", [WorkField.VOCATIONAL])]
FIELD_OF_HEADING = [WorkField.LABOUR, WorkField.VOCATIONAL, WorkField.MERIT, WorkField.SOCIAL_PROTECTION,
                    WorkField.SOCIAL_EVILS, WorkField.INSPECTION, WorkField.PLANNING_FINANCE, WorkField.ADMINISTRATION,
                    None]
KEY_OWNERS = ["vp", "ldvl", "gdnn", "ncc", "btxh", "vp", "khtc", "vp", "vp"]
INDICATORS = [  # code, name, unit, field, source, query, rounding
    ("jobs_found", "Số người được giải quyết việc làm", "người", WorkField.LABOUR, Source.REPORTED, "", Rounding.HALF_UP),
    ("new_enrolment", "Tuyển sinh mới giáo dục nghề nghiệp", "người", WorkField.VOCATIONAL, Source.REPORTED, "",
     Rounding.HALF_UP),
    # the office's own rule for the framework tasks: 120/195 is written 61,53% (cut after two decimals)
    ("framework_tasks_done", "Nhiệm vụ khung đã hoàn thành", "nhiệm vụ", WorkField.ADMINISTRATION, Source.COMPUTED,
     "planning.framework_tasks_done", Rounding.DOWN),
    ("framework_tasks_total", "Nhiệm vụ khung của năm", "nhiệm vụ", WorkField.ADMINISTRATION, Source.COMPUTED,
     "planning.framework_tasks_total", Rounding.DOWN),
    ("nq42_paid_people", "Đối tượng đã nhận hỗ trợ NQ 42/NQ-CP (3 nhóm)", "người", WorkField.SOCIAL_PROTECTION,
     Source.COMPUTED, "nq42.paid_people", Rounding.HALF_UP),
    ("nq42_approved_people", "Đối tượng được phê duyệt hỗ trợ NQ 42/NQ-CP", "người", WorkField.SOCIAL_PROTECTION,
     Source.COMPUTED, "nq42.approved_people", Rounding.HALF_UP),
    ("nq42_paid_amount", "Kinh phí NQ 42/NQ-CP đã chi trả", "đồng", WorkField.SOCIAL_PROTECTION, Source.COMPUTED,
     "nq42.paid_amount", Rounding.HALF_UP),
    ("nq42_approved_amount", "Kinh phí NQ 42/NQ-CP được phê duyệt", "đồng", WorkField.SOCIAL_PROTECTION,
     Source.COMPUTED, "nq42.approved_amount", Rounding.HALF_UP),
    ("ncc_paid_monthly", "Người có công được chi trả trợ cấp hằng tháng", "người", WorkField.MERIT, Source.COMPUTED,
     "payroll.ncc_least_month", Rounding.HALF_UP),
    ("tgxh_paid_persons", "Người được chi trả trợ giúp xã hội", "người", WorkField.SOCIAL_PROTECTION,
     Source.COMPUTED, "payroll.tgxh_persons", Rounding.HALF_UP),
    ("tgxh_paid_amount", "Kinh phí trợ giúp xã hội đã chi trả", "đồng", WorkField.SOCIAL_PROTECTION, Source.COMPUTED,
     "payroll.tgxh_amount", Rounding.HALF_UP),
    ("topup_paid_persons", "Người được hỗ trợ thu nhập (NQ 179/2019/NQ-HĐND)", "người", WorkField.POVERTY,
     Source.COMPUTED, "payroll.topup_persons", Rounding.HALF_UP),
    ("topup_paid_amount", "Kinh phí hỗ trợ thu nhập đã chi trả", "đồng", WorkField.POVERTY, Source.COMPUTED,
     "payroll.topup_amount", Rounding.HALF_UP),
    ("central_documents", "Văn bản trung ương triển khai (nhận trong kỳ)", "văn bản", WorkField.ADMINISTRATION,
     Source.COMPUTED, "planning.central_documents", Rounding.HALF_UP),
    ("advised_documents", "Văn bản của tỉnh do Sở tham mưu ban hành", "văn bản", WorkField.ADMINISTRATION,
     Source.COMPUTED, "planning.advised_documents", Rounding.HALF_UP),
]
# The incoming-document register of the half-year: the notice's «triển khai 119 văn bản trung ương» and «tham mưu
# UBND tỉnh ban hành 71 văn bản chỉ đạo» are counted from it. A few real documents of the period, the rest numbered
# «(văn bản mẫu)»; some entries fall outside the counts (a province document not drafted by the Sở, documents of
# the other bodies, central documents received after 14/6) so that the counts are a filter, not the table's size.
CENTRAL_RECEIVED = 119
ADVISED_ISSUED = 71
REAL_CENTRAL = [
    ("Chính phủ", "42/NQ-CP", dt.date(2020, 4, 9), dt.date(2020, 4, 10),
     "Về các biện pháp hỗ trợ người dân gặp khó khăn do đại dịch COVID-19"),
    ("Thủ tướng Chính phủ", "15/2020/QĐ-TTg", dt.date(2020, 4, 24), dt.date(2020, 4, 27),
     "Quy định về việc thực hiện các chính sách hỗ trợ người dân gặp khó khăn do đại dịch COVID-19"),
    ("Thủ tướng Chính phủ", "24/CT-TTg", dt.date(2020, 5, 28), dt.date(2020, 6, 1),
     "Về đẩy mạnh phát triển nhân lực có kỹ năng nghề, góp phần nâng cao năng suất lao động và năng lực cạnh "
     "tranh quốc gia trong tình hình mới"),
]
CENTRAL_ISSUERS = [("Bộ Lao động - Thương binh và Xã hội", "LĐTBXH"), ("Bộ Tài chính", "BTC"),
                   ("Văn phòng Chính phủ", "VPCP"), ("Bộ Nội vụ", "BNV")]
REPORT_PARAGRAPHS = [
    "Lao động - việc làm: giải quyết việc làm [[n:jobs_found]] người, đạt [[pct:jobs_found]] kế hoạch năm "
    "([[target:jobs_found]] người). Giáo dục nghề nghiệp: tuyển sinh mới [[n:new_enrolment]] người, đạt "
    "[[pct:new_enrolment]] kế hoạch năm ([[target:new_enrolment]] người).",
    "Hỗ trợ người dân gặp khó khăn do đại dịch Covid-19 theo Nghị quyết số 42/NQ-CP: đã chi trả cho "
    "[[n:nq42_paid_people]] đối tượng ([[ratio:nq42_paid_people/nq42_approved_people]] số đối tượng được phê duyệt), "
    "kinh phí [[b1:nq42_paid_amount]] ([[ratio:nq42_paid_amount/nq42_approved_amount]] kinh phí được phê duyệt).",
    "Người có công: chi trả trợ cấp ưu đãi hằng tháng cho trên [[over:ncc_paid_monthly]] người. Trợ giúp xã hội: "
    "[[n:tgxh_paid_persons]] người, [[b3:tgxh_paid_amount]]. Hỗ trợ thu nhập cho thành viên hộ nghèo thuộc đối tượng "
    "bảo trợ xã hội: [[n:topup_paid_persons]] người, [[b2:topup_paid_amount]].",
    "Nhiệm vụ khung: hoàn thành [[n:framework_tasks_done]]/[[n:framework_tasks_total]] nhiệm vụ, đạt "
    "[[ratio:framework_tasks_done/framework_tasks_total]] kế hoạch.",
]


@dataclass
class SemiannualReport:
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)


def _user(username: str, role: str, area, last: str, first: str, position: str = "") -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "role": role, "area": area, "last_name": last, "first_name": first, "position": position})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def scenario_reset() -> None:
    """Remove the plan's records (demo only); the organisation and the registers of other apps stay untouched."""
    refuse_in_production("scenario: xoá kế hoạch, nhiệm vụ, báo cáo và văn bản")
    from ansinh.planning import models as m

    # accepted reports lock their figures in the database too (planning migration 0002): unlock before removing
    m.UnitReport.objects.filter(status=m.ReportStatus.ACCEPTED).update(status=m.ReportStatus.RETURNED)
    m.Target.objects.update(supersedes=None)  # an adjusted target protects the version it replaced
    for model in (m.TaskNote, m.Task, m.ConclusionItem, m.Conclusion, m.OutgoingDocument, m.NumberSeries,
                  m.IncomingDocument,
                  m.Achievement, m.AchievementImport, m.ReportEvent, m.UnitReport, m.ReportObligation, m.ReportForm,
                  m.Target, m.Indicator, m.ReportingPeriod, m.Responsibility, m.OrgLink):
        model.objects.all().delete()
    m.OrgUnit.objects.update(successor=None)
    m.OrgUnit.objects.all().delete()


def organisation_load(*, actor: User, province: AdminUnit) -> dict[str, OrgUnit]:
    """The 2020 organisation, then the 2025 reorganisation, all as dated rows."""
    units: dict[str, OrgUnit] = {}
    units["ubnd"] = org.org_unit_create(actor=actor, code="ubnd-tinh", name="UBND tỉnh Hà Tĩnh", kind=UnitKind.PROVINCE,
                                        valid_from=dt.date(1991, 9, 1), admin_unit=province)
    units["so"] = org.org_unit_create(
        actor=actor, code="sldtbxh", name="Sở Lao động - Thương binh và Xã hội", short_name="SLĐTBXH",
        kind=UnitKind.DEPARTMENT, valid_from=FOUNDED, parent=units["ubnd"], admin_unit=province,
        head_name="Nguyễn Trí Lạc", head_title="Giám đốc Sở")
    for i, (code, name, fields) in enumerate(OFFICES):
        units[code] = org.org_unit_create(actor=actor, code=f"sldtbxh-{code}", name=name, kind=UnitKind.OFFICE,
                                          valid_from=FOUNDED, parent=units["so"], order=10 + i)
        for f in fields:
            org.responsibility_assign(actor=actor, field=f, unit=units[code], on=FOUNDED)
    for i, (code, name) in enumerate(ATTACHED):
        units[code] = org.org_unit_create(actor=actor, code=f"sldtbxh-{code}", name=name, kind=UnitKind.ATTACHED,
                                          valid_from=FOUNDED, parent=units["so"], order=30 + i)
    districts = AdminUnit.objects.filter(level=Level.DISTRICT, structure=Structure.LEGACY,
                                         province_code=province.province_code).order_by("name")
    for i, district in enumerate(districts):
        units[f"huyen-{district.code}"] = org.org_unit_create(
            actor=actor, code=f"pldtbxh-{district.code}", name=f"Phòng LĐ-TBXH {district.name}",
            kind=UnitKind.DISTRICT_OFFICE, valid_from=FOUNDED, parent=units["so"], admin_unit=district, order=50 + i)
    return units


def reorganisation_2025(*, actor: User, units: dict[str, OrgUnit], province: AdminUnit) -> None:
    basis = "Sắp xếp tổ chức bộ máy các cơ quan chuyên môn thuộc UBND tỉnh (2025)"
    new = {}
    for code, name, fields in SUCCESSORS:
        new[code] = org.org_unit_create(actor=actor, code=code, name=name, kind=UnitKind.OTHER_DEPARTMENT,
                                        valid_from=dt.date(2008, 4, 1) if code != "snnmt" else MERGER,
                                        parent=units["ubnd"], admin_unit=province, legal_basis=basis)
        for f in fields:
            org.responsibility_assign(actor=actor, field=f, unit=new[code], on=MERGER, legal_basis=basis)
    org.org_unit_move(actor=actor, unit=units["ttbtxh"], new_parent=new["syt"], on=MERGER, legal_basis=basis)
    org.org_unit_move(actor=actor, unit=units["csccn"], new_parent=new["syt"], on=MERGER, legal_basis=basis)
    org.org_unit_move(actor=actor, unit=units["ttdvvl"], new_parent=new["snv"], on=MERGER, legal_basis=basis)
    for code, _name, _fields in OFFICES:
        org.org_unit_close(actor=actor, unit=units[code], last_day=MERGER - dt.timedelta(days=1), legal_basis=basis)
    for key, unit in units.items():
        if key.startswith("huyen-"):
            org.org_unit_move(actor=actor, unit=unit, new_parent=new["snv"], on=MERGER, legal_basis=basis)
            org.org_unit_close(actor=actor, unit=unit, last_day=NO_DISTRICTS - dt.timedelta(days=1),
                               legal_basis="Luật Tổ chức chính quyền địa phương 2025: không tổ chức cấp huyện")
    org.org_unit_close(actor=actor, unit=units["so"], last_day=MERGER - dt.timedelta(days=1), successor=new["snv"],
                       legal_basis=basis)
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                        province_code=province.province_code).order_by("name")
    for i, commune in enumerate(communes):
        org.org_unit_create(actor=actor, code=f"ubnd-xa-{commune.code}", name=f"UBND {commune.name}",
                            kind=UnitKind.COMMUNE, valid_from=NO_DISTRICTS, parent=new["snv"], admin_unit=commune,
                            order=100 + i, legal_basis="Sắp xếp đơn vị hành chính cấp xã (2025)")


def _split(total: int, parts: int) -> list[int]:
    weights = [3 + (i * 7) % 5 for i in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def plan_load(*, users: dict, units: dict[str, OrgUnit]):
    planner = users["planner"]
    period = plan.period_open(actor=planner, code=PERIOD)
    indicators = {}
    for code, name, unit, wf, source, query, rounding in INDICATORS:
        indicators[code] = plan.indicator_define(actor=planner, code=code, name=name, measure_unit=unit, field=wf,
                                                 source=source, query=query, percent_rounding=rounding,
                                                 aggregation=Aggregation.SUM,
                                                 breakdowns=["commune"] if source == Source.REPORTED else [])
    so = units["so"]
    plan.target_set(actor=planner, indicator=indicators["jobs_found"], unit=so, year=2020, value=25_000,
                    reason="Quyết định giao chỉ tiêu kế hoạch phát triển KT-XH năm 2020 của UBND tỉnh")
    plan.target_set(actor=planner, indicator=indicators["jobs_found"], unit=so, year=2020, value=JOBS_PLAN,
                    reason="Điều chỉnh kế hoạch do ảnh hưởng của dịch Covid-19 (minh hoạ)")
    plan.target_set(actor=planner, indicator=indicators["new_enrolment"], unit=so, year=2020, value=ENROLMENT_PLAN,
                    reason="Quyết định giao chỉ tiêu kế hoạch phát triển KT-XH năm 2020 của UBND tỉnh")
    plan.target_set(actor=planner, indicator=indicators["framework_tasks_done"], unit=so, year=2020,
                    value=TASKS_TOTAL, reason="Chương trình công tác (nhiệm vụ khung) năm 2020 của ngành")
    form = ReportForm.objects.create(code="bc-6-thang", name="Báo cáo kết quả 6 tháng", period_kind="half")
    form.indicators.set([indicators["jobs_found"], indicators["new_enrolment"]])
    districts = [u for k, u in units.items() if k.startswith("huyen-")]
    for unit in districts:
        ReportObligation.objects.create(form=form, unit=unit, due_days=5, valid_from=FOUNDED)
    ReportObligation.objects.create(form=form, unit=so, due_days=10, valid_from=FOUNDED)
    return period, indicators, form, districts


def reports_run(*, users: dict, period, form, districts: list[OrgUnit]) -> None:
    """The district offices' reports: two received late, one returned and sent again; all accepted by the office;
    the department's consolidated report submitted by the office and accepted by the Director."""
    jobs, enrolment = _split(JOBS, len(districts)), _split(ENROLMENT, len(districts))
    opened = period.end
    for i, unit in enumerate(districts):
        officer = users["districts"][unit.pk]
        report = reports.report_open(actor=officer, form=form, unit=unit, period=period, today=opened)
        first_jobs = jobs[i] + (100 if i == 1 else 0)  # the second district's first figure is wrong
        reports.report_values_enter(actor=officer, report=report, values={"jobs_found": first_jobs,
                                                                          "new_enrolment": enrolment[i]})
        day = dt.date(2020, 6, 24) if i in (3, 7) else dt.date(2020, 6, 18)
        report = reports.report_submit(actor=officer, report=report, received_on=day)
        if i == 1:
            report = reports.report_return(actor=users["acceptor"], report=report,
                                           reason="Số người được giải quyết việc làm chưa khớp biểu tổng hợp của "
                                                  "Trung tâm Dịch vụ việc làm; đề nghị rà soát lại.")
            reports.report_values_enter(actor=officer, report=report, values={"jobs_found": jobs[i]})
            report = reports.report_submit(actor=officer, report=report, received_on=dt.date(2020, 6, 19))
        reports.report_accept(actor=users["acceptor"], report=report)
    so_report = reports.report_open(actor=users["planner"], form=form, unit=form.obligations.get(
        unit__kind=UnitKind.DEPARTMENT).unit, period=period, today=opened)
    so_report = reports.report_submit(actor=users["planner"], report=so_report, received_on=dt.date(2020, 6, 22))
    reports.report_accept(actor=users["director"], report=so_report)


def tasks_load(*, users: dict, units: dict[str, OrgUnit]) -> None:
    planner = users["planner"]
    owners = [units[code] for code, _n, _f in OFFICES] + [units[c] for c, _n in ATTACHED]
    done = TASKS_ON_TIME + TASKS_LATE
    for n in range(1, TASKS_TOTAL + 1):
        owner = owners[n % len(owners)]
        if n <= done + TASKS_OPEN_OVERDUE:
            deadline = dt.date(2020, 3, 1) + dt.timedelta(days=(n * 3) % 100)  # due within the half-year
        else:
            deadline = dt.date(2020, 9, 30) + dt.timedelta(days=n % 60)
        task = tasks.task_create(actor=planner, year=2020, code=f"NVK-{n:03d}", owner=owner,
                                 title=f"Nhiệm vụ khung số {n:03d} năm 2020 của {owner.name}",
                                 assigned_on=dt.date(2020, 1, 15), deadline=deadline,
                                 product="Báo cáo kết quả thực hiện", field="")
        if n <= TASKS_ON_TIME:
            tasks.task_progress(actor=planner, task=task, on=deadline - dt.timedelta(days=2),
                                text="Đã hoàn thành, gửi sản phẩm về Văn phòng Sở.", progress=100, completed=True)
        elif n <= done:
            late = min(deadline + dt.timedelta(days=10), dt.date(2020, 6, 14))
            tasks.task_progress(actor=planner, task=task, on=max(late, deadline + dt.timedelta(days=1)),
                                text="Hoàn thành muộn do dịch Covid-19.", progress=100, completed=True)
        elif n <= done + TASKS_OPEN_OVERDUE:
            tasks.task_progress(actor=planner, task=task, on=dt.date(2020, 6, 10), text="Đang thực hiện.", progress=60)


def incoming_load(*, users: dict, units: dict[str, OrgUnit]) -> int:
    """The half-year's incoming register, entered through the service in the order received."""
    planner = users["planner"]
    entries = [(issuer, IssuerLevel.CENTRAL, symbol, issued, received, summary, False, units["vp"])
               for issuer, symbol, issued, received, summary in REAL_CENTRAL]
    window = (dt.date(2019, 12, 15), dt.date(2020, 6, 14))
    days = (window[1] - window[0]).days
    for n in range(CENTRAL_RECEIVED - len(REAL_CENTRAL)):
        issuer, short = CENTRAL_ISSUERS[n % len(CENTRAL_ISSUERS)]
        received = window[0] + dt.timedelta(days=(n * 7) % days)
        entries.append((issuer, IssuerLevel.CENTRAL, f"{100 + n}/{short}-VP", received - dt.timedelta(days=3), received,
                        f"Hướng dẫn, đôn đốc thực hiện nhiệm vụ năm 2020 số {n + 1} (văn bản mẫu)", False,
                        units[OFFICES[n % len(OFFICES)][0]]))
    for n in range(ADVISED_ISSUED):
        issued = dt.date(2020, 1, 2) + dt.timedelta(days=(n * 5) % 160)
        entries.append(("UBND tỉnh Hà Tĩnh", IssuerLevel.PROVINCE, f"{200 + n}/UBND-VX", issued,
                        issued + dt.timedelta(days=1), f"Chỉ đạo thực hiện chính sách lao động, người có công và xã "
                        f"hội số {n + 1} (Sở tham mưu; văn bản mẫu)", True, units[OFFICES[n % len(OFFICES)][0]]))
    entries += [  # not counted: not drafted by the Sở; another body; received after the half-year
        ("UBND tỉnh Hà Tĩnh", IssuerLevel.PROVINCE, "1500/UBND-TH", dt.date(2020, 3, 2), dt.date(2020, 3, 3),
         "Về việc báo cáo kết quả thực hiện nhiệm vụ quý I (văn bản mẫu)", False, units["vp"]),
        ("Sở Tài chính Hà Tĩnh", IssuerLevel.OTHER, "820/STC-NS", dt.date(2020, 5, 4), dt.date(2020, 5, 5),
         "Về việc bổ sung kinh phí thực hiện chính sách (văn bản mẫu)", False, units["khtc"]),
        ("Bộ Lao động - Thương binh và Xã hội", IssuerLevel.CENTRAL, "2150/LĐTBXH-VP", dt.date(2020, 6, 15),
         dt.date(2020, 6, 16), "Về việc báo cáo sơ kết 6 tháng đầu năm 2020 (văn bản mẫu)", False, units["vp"]),
    ]
    for issuer, level, symbol, issued, received, summary, advised, unit in sorted(entries, key=lambda e: e[4]):
        incoming.incoming_register(actor=planner, received_on=received, issuer_name=issuer, level=level,
                                   symbol=symbol, issued_on=issued, summary=summary, advised=advised,
                                   handling_unit=unit)
    return len(entries)


def conclusion_load(*, users: dict, units: dict[str, OrgUnit], period) -> Conclusion:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    planner = users["planner"]
    meeting = dt.date.fromisoformat(data["meeting_date"])
    conclusion = documents.conclusion_create(
        actor=planner, title=data["summary"], meeting_date=meeting, period=period, opening=data["opening"],
        closing=data["closing"], signer_name=data["signer_name"], signer_title=data["signer_title"],
        authority=data["authority"], recipients=data["recipients"])
    for text in data["assessment"]:
        documents.conclusion_item_add(actor=planner, conclusion=conclusion, section=Section.ASSESSMENT, text=text)
    districts = [u for k, u in units.items() if k.startswith("huyen-")]
    for i, text in enumerate(data["key"], start=1):
        owner = units[KEY_OWNERS[i - 1]]
        documents.conclusion_item_add(actor=planner, conclusion=conclusion, section=Section.KEY, text=text,
                                      numbered=True, units=[owner, *(districts if i in (1, 2, 5) else [])],
                                      task={"code": f"KL309-I.{i}", "deadline": dt.date(2020, 12, 31)})
    holders = {r.field: r.unit for r in selectors.responsibilities_on(period.end)}
    for h, section in enumerate(data["fields"]):
        wf = FIELD_OF_HEADING[h]
        for j, text in enumerate(section["paragraphs"], start=1):
            owner = holders.get(wf) if wf else units["vp"]
            unit_list = [owner, *(districts if wf is None else [])]
            documents.conclusion_item_add(actor=planner, conclusion=conclusion, section=Section.FIELD, text=text,
                                          heading=section["heading"] if j == 1 else "", units=unit_list,
                                          task={"code": f"KL309-II.{h + 1}.{j}", "deadline": dt.date(2020, 12, 31)})
    return conclusion


def plan_2020_load(*, say: Callable[[str], None] = print) -> tuple[dict, object, Conclusion]:
    """Everything of the 2020 plan up to the documents: the organisation (and the 2025 reorganisation), the
    indicators and targets, the 195 framework tasks, the units' six-month reports accepted, the incoming register,
    the conclusion composed (not issued) and the outgoing register opened. The living demo stops here (the
    conclusion waits to be issued); the scenario then writes the two documents."""
    code = settings.ANSINH_PROVINCE_CODE
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code=code)
    scenario_reset()
    admin = _user("kh_quantri", Role.ADMINISTRATOR, province, "Quản trị", "hệ thống")
    planner = _user("kh_vanphong", Role.PROVINCIAL_SPECIALIST, province, "Lê Thu", "Hà", "Chánh Văn phòng")
    users = {"admin": admin, "planner": planner,
             "acceptor": _user("kh_vp_tonghop", Role.PROVINCIAL_SPECIALIST, province, "Trần Văn", "Tổng",
                               "Chuyên viên tổng hợp, Văn phòng Sở"),
             "director": _user("kh_giamdoc", Role.LEADER, province, "Nguyễn Trí", "Lạc", "Giám đốc Sở")}
    units = organisation_load(actor=admin, province=province)
    users["districts"] = {
        u.pk: _user(f"kh_huyen_{u.admin_unit.code}", Role.DISTRICT_SPECIALIST, u.admin_unit, "Chuyên viên",
                    u.admin_unit.name) for k, u in units.items() if k.startswith("huyen-")}
    reorganisation_2025(actor=admin, units=units, province=province)
    say(f"  tổ chức bộ máy: {OrgUnit.objects.count()} đơn vị (có sắp xếp năm 2025)")
    period, indicators, form, districts = plan_load(users=users, units=units)
    tasks_load(users=users, units=units)
    say(f"  {Task.objects.count()} nhiệm vụ khung; {Indicator.objects.count()} chỉ tiêu")
    reports_run(users=users, period=period, form=form, districts=districts)
    accepted = UnitReport.objects.filter(period=period, status=ReportStatus.ACCEPTED).count()
    say(f"  {accepted} báo cáo 6 tháng đã chấp nhận")
    received = incoming_load(users=users, units=units)
    say(f"  sổ văn bản đến: {received} văn bản")
    conclusion = conclusion_load(users=users, units=units, period=period)
    register.series_open(actor=planner, issuer="SLĐTBXH", doc_type="BC", year=2020, opening=286)
    register.series_open(actor=planner, issuer="SLĐTBXH", doc_type="TB", year=2020, opening=308)
    return users, period, conclusion


def scenario_semiannual_2020(*, output_dir: Path | None = None, pdf: bool = True,
                             say: Callable[[str], None] = print) -> SemiannualReport:
    out = SemiannualReport()
    output_dir = output_dir or Path(settings.MEDIA_ROOT) / "scenario" / "semiannual-2020"
    output_dir.mkdir(parents=True, exist_ok=True)
    users, period, conclusion = plan_2020_load(say=say)
    planner = users["planner"]
    allow_missing = not (_nq42_present() and _payroll_present())
    if not _nq42_present():
        say("  CẢNH BÁO: chưa có dữ liệu chi trả NQ 42 (chạy «ansinh scenario covid-2020» trên tỉnh 1,3 triệu dân): "
            "văn bản ghi «[chưa có số liệu: …]» ở các số liệu đó.")
    if not _payroll_present():
        say("  CẢNH BÁO: chưa có bảng chi trả hằng tháng 6 tháng đầu năm 2020 (chạy «ansinh scenario payroll-2020-h1»): "
            "văn bản ghi «[chưa có số liệu: …]» ở các số liệu đó.")
    report = documents.semiannual_report_issue(
        actor=planner, period=period, issued_on=dt.date(2020, 7, 2), paragraphs=REPORT_PARAGRAPHS,
        signer_name="Nguyễn Trí Lạc", signer_title="GIÁM ĐỐC", authority="",
        recipients=["Bộ Lao động - TBXH (báo cáo);", "UBND tỉnh (báo cáo);", "Giám đốc, các PGĐ Sở;", "Lưu: VT, VP."],
        pdf=pdf, allow_missing=allow_missing)
    notice = documents.conclusion_issue(actor=planner, conclusion=conclusion, issued_on=dt.date(2020, 7, 14), pdf=pdf,
                                        allow_missing=allow_missing)
    for doc in (report, notice):
        out.symbols.append(doc.symbol)
        out.missing += [f["placeholder"] for f in doc.figures if f["text"].startswith("[chưa có số liệu")]
        for f in (doc.docx, doc.pdf):
            if f:
                target = output_dir / Path(f.name).name
                target.write_bytes(Path(f.path).read_bytes())
                out.files.append(target)
    return out


def _payroll_present() -> bool:
    from ansinh.payroll.models import PayrollMonth

    return PayrollMonth.objects.filter(month__year=2020, month__month__lte=6).exists()


def _nq42_present() -> bool:
    from ansinh.payments.models import PaymentBatch
    from ansinh.planning.queries import NQ42_PROGRAMME

    return PaymentBatch.objects.filter(beneficiary_list__programme__code=NQ42_PROGRAMME).exists()
