"""A small province for the payroll tests: people on the NCC, TGXH and top-up registers of two communes, the
users of the monthly cycle, and helpers that run a month through the services (generation, the sheets' workflow,
sending to the payment agent, the agent's results file through the shared import lifecycle).

Amounts by hand (POLICY.md §2–3, months from 2024-07): thân nhân 1 liệt sĩ 2.789.000, 2 liệt sĩ 5.578.000;
thương binh 61% 5.450.000, 41% 3.667.000; TGXH mức chuẩn 500.000 × hệ số (80+ không lương hưu 1,0; người khuyết
tật nặng 1,5); NQ 151/2019: 750.000 nông thôn − trợ cấp xã hội đang hưởng.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ansinh.accounts.models import Role
from ansinh.core import imports
from ansinh.core.models import ImportStatus
from ansinh.payroll import selectors
from ansinh.payroll.imports import RESULTS_KIND
from ansinh.payroll.models import PayrollMonth, PayrollSheet, SheetStatus
from ansinh.payroll.services import workflow
from ansinh.payroll.services.generation import payroll_month_generate
from ansinh.programmes.models import Enrolment
from programmes import factories as f

JULY, AUGUST, SEPTEMBER, OCTOBER, NOVEMBER = (dt.date(2024, m, 1) for m in (7, 8, 9, 10, 11))


def make_user(username: str, role: str, area):
    return f.user(username, role, area)


@pytest.fixture
def cast(province, commune_a, commune_b):
    return {
        "generator": make_user("pr_so", Role.PROVINCIAL_SPECIALIST, province),
        "appraiser": make_user("pr_so2", Role.PROVINCIAL_SPECIALIST, province),
        "leader": make_user("pr_lanhdao", Role.LEADER, province),
        "leader2": make_user("pr_lanhdao2", Role.LEADER, province),
        "agent": make_user("pr_buudien", Role.PAYMENT_AGENT, province),
        "officer_a": make_user("pr_xa_a", Role.COMMUNE_OFFICER, commune_a),
        "officer_b": make_user("pr_xa_b", Role.COMMUNE_OFFICER, commune_b),
        "inspector": make_user("pr_thanhtra", Role.INSPECTOR, province),
    }


def enrol(register: str, person, commune, *, start=dt.date(2024, 1, 1), decision_date=dt.date(2023, 12, 20),
          **facts) -> Enrolment:
    return Enrolment.objects.create(register=register, person=person, commune=commune,
                                    decision_number=f"{person.pk}/QĐ-LĐTBXH", decision_date=decision_date,
                                    start_date=start, **facts)


@pytest.fixture
def world(commune_a, commune_b):
    """Named people of the two communes and their enrolments (all started before the first payroll month)."""
    p = {
        "martyr": f.person(commune_a, "Nguyễn Thị Liệt", sex="F", birth=dt.date(1940, 3, 1)),
        "invalid": f.person(commune_a, "Trần Văn Thương", birth=dt.date(1950, 6, 1)),
        "elderly": f.person(commune_a, "Lê Thị Cụ", sex="F", birth=dt.date(1935, 2, 1)),
        "disabled": f.person(commune_b, "Phạm Văn Tật", birth=dt.date(1985, 5, 5)),
        "poor_elderly": f.person(commune_b, "Võ Thị Nghèo", sex="F", birth=dt.date(1938, 8, 8)),
    }
    e = {
        "martyr": enrol("ncc", p["martyr"], commune_a, ncc_category="martyr_relative", ncc_martyr_count=1),
        "invalid": enrol("ncc", p["invalid"], commune_a, ncc_category="war_invalid", ncc_injury_rate=61),
        "elderly": enrol("tgxh", p["elderly"], commune_a, tgxh_category="elderly_80_no_pension"),
        "disabled": enrol("tgxh", p["disabled"], commune_b, tgxh_category="disabled_severe"),
        "poor_elderly_tgxh": enrol("tgxh", p["poor_elderly"], commune_b, tgxh_category="elderly_80_no_pension"),
        "poor_elderly": enrol("topup", p["poor_elderly"], commune_b),
    }
    return {"people": p, "enrolments": e}


def generate(cast, register: str, month: dt.date):
    return payroll_month_generate(actor=cast["generator"], register=register, month=month)


def sheets(register: str, month: dt.date):
    return list(PayrollSheet.objects.filter(register=register, month=month).select_related("commune", "payroll_month")
                .order_by("commune__name"))


def officer_for(cast, sheet):
    return cast["officer_a"] if cast["officer_a"].area_id == sheet.commune_id else cast["officer_b"]


def approve_and_send(cast, register: str, month: dt.date) -> list[PayrollSheet]:
    out = []
    for sheet in sheets(register, month):
        sheet = workflow.sheet_submit(actor=officer_for(cast, sheet), sheet=sheet)
        sheet = workflow.sheet_appraise(actor=cast["appraiser"], sheet=sheet)
        sheet = workflow.sheet_approve(actor=cast["leader"], sheet=sheet)
        out.append(workflow.sheet_send(actor=cast["generator"], sheet=sheet, agent=cast["agent"]))
    return out


def results_file(sheet, path: Path, *, unpaid: dict[int, str] | None = None, paid_day: int = 10,
                 period: str | None = None, extra_rows: list[dict] | None = None) -> Path:
    """The agent's file for ``sheet``: everybody paid on ``paid_day`` of the month except ``unpaid``
    (person id → reason label)."""
    unpaid = unpaid or {}
    payees = selectors.payees_frame(selectors.sheet_lines_frame(sheet))
    day = sheet.month.replace(day=paid_day).strftime("%d/%m/%Y")
    rows = [{"STT": r["seq"], "Họ và tên": r["full_name"], "Số định danh": r["identity"],
             "Kỳ chi trả": period or f"{sheet.month:%m/%Y}", "Tổng số tiền": r["total"],
             "Kết quả": "Chưa chi trả" if r["person_id"] in unpaid else "Đã chi trả",
             "Ngày chi trả": "" if r["person_id"] in unpaid else day,
             "Lý do không chi trả": unpaid.get(r["person_id"], "")} for r in payees.iter_rows(named=True)]
    rows += extra_rows or []
    pl.DataFrame(rows, schema={k: pl.String for k in ("STT", "Họ và tên", "Số định danh", "Kỳ chi trả", "Tổng số tiền",
                                                      "Kết quả", "Ngày chi trả", "Lý do không chi trả")}).write_csv(path)
    return path


def import_results(cast, sheet, path: Path, *, actor=None):
    run = imports.import_run(kind=RESULTS_KIND, actor=actor or cast["agent"], file=path, file_name=path.name,
                             target={"sheet": sheet}, commit=True)
    return run.record


def pay_month(cast, register: str, month: dt.date, tmp_path: Path, *, unpaid: dict[int, str] | None = None):
    """Generate, approve, send and import the results (everybody paid except ``unpaid``) of one month."""
    generate(cast, register, month)
    for sheet in approve_and_send(cast, register, month):
        record = import_results(cast, sheet, results_file(sheet, tmp_path / f"kq-{register}-{month}-{sheet.pk}.csv",
                                                          unpaid=unpaid))
        assert record.status == ImportStatus.COMMITTED, record.message or record.summary
    for sheet in sheets(register, month):
        assert sheet.status == SheetStatus.RESULTS
    return PayrollMonth.objects.get(register=register, month=month)


def month_lines(register: str, month: dt.date) -> list[tuple]:
    from ansinh.payroll.models import PayrollLine

    return sorted((line.person.full_name, f"{line.entitlement_month:%Y-%m}", line.kind, line.amount, line.carried)
                  for line in PayrollLine.objects.filter(register=register, month=month).select_related("person"))
