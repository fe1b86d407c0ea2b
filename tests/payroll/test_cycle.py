"""The payment-agent cycle: the agent's results file (and the files refused), amounts not collected carried over,
social assistance held after three months not collected and resumed with arrears, the recoveries ledger, the
reconciliation to the đồng, the export opened by LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from django.db import connection

from ansinh.core.errors import DomainError
from ansinh.core.models import ImportStatus
from ansinh.payroll.models import LineResult, PayrollLine, RecoveryEntry, SheetStatus
from ansinh.payroll.reconciliation import reconciliation_compute, reconciliation_export
from ansinh.payroll.services import export, recoveries
from ansinh.payroll.services.registers import enrolment_change_record
from ansinh.programmes.models import EnrolmentEvent
from payroll.conftest import (
    AUGUST,
    JULY,
    NOVEMBER,
    OCTOBER,
    SEPTEMBER,
    approve_and_send,
    generate,
    import_results,
    month_lines,
    pay_month,
    results_file,
    sheets,
)

pytestmark = pytest.mark.django_db
DECIDED = {"decision_number": "90/QĐ-UBND", "decision_date": dt.date(2024, 9, 2)}


@pytest.fixture
def sent_july(cast, world):
    generate(cast, "tgxh", JULY)
    return approve_and_send(cast, "tgxh", JULY)


def test_results_for_another_month_or_a_person_not_in_the_list_are_refused_whole(cast, world, sent_july, tmp_path):
    sheet = next(s for s in sent_july if s.person_count == 2)
    other_month = import_results(cast, sheet, results_file(sheet, tmp_path / "thang6.csv", period="06/2024"))
    assert other_month.status == ImportStatus.CHECKED
    assert any("Tệp kết quả này là của kỳ 06/2024, không phải tháng 07/2024" in b
               for b in other_month.summary["blocking"])
    stranger = {"STT": "3", "Họ và tên": "Người Lạ", "Số định danh": "042099000001", "Kỳ chi trả": "07/2024",
                "Tổng số tiền": "500000", "Kết quả": "Đã chi trả", "Ngày chi trả": "10/07/2024",
                "Lý do không chi trả": ""}
    outsider = import_results(cast, sheet, results_file(sheet, tmp_path / "la.csv", extra_rows=[stranger]))
    assert outsider.status == ImportStatus.CHECKED
    assert any("không phải người trong danh sách chi trả tháng 07/2024" in b for b in outsider.summary["blocking"])
    errors = {row: " ".join(m) for row, _n, m in outsider.summary["errors"]}
    assert "STT 3 không có trong danh sách chi trả tháng 07/2024" in errors[4]
    assert LineResult.objects.count() == 0  # nothing half written
    good = import_results(cast, sheet, results_file(sheet, tmp_path / "dung.csv"))
    assert good.status == ImportStatus.COMMITTED
    assert LineResult.objects.filter(sheet=sheet).count() == 2
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RESULTS
    with pytest.raises(DomainError, match="Không ghi hai lần cùng một tệp"):
        import_results(cast, sheet, results_file(sheet, tmp_path / "dung.csv"))


def test_a_results_row_without_date_or_reason_is_an_error_on_its_row(cast, world, sent_july, tmp_path):
    sheet = next(s for s in sent_july if s.person_count == 2)
    path = results_file(sheet, tmp_path / "thieu.csv", unpaid={world["people"]["disabled"].pk: ""})
    record = import_results(cast, sheet, path)
    assert record.status == ImportStatus.CHECKED and record.error_rows == 1
    [(_row, _name, messages)] = record.summary["errors"]
    assert any("Chưa chi trả: ghi lý do" in m for m in messages)
    assert LineResult.objects.count() == 0


def test_social_assistance_held_after_three_months_not_collected_and_resumed_with_arrears(cast, world, tmp_path):
    elderly = world["people"]["elderly"]
    for month in (JULY, AUGUST, SEPTEMBER):
        pay_month(cast, "tgxh", month, tmp_path, unpaid={elderly.pk: "Vắng mặt"})
    october = generate(cast, "tgxh", OCTOBER)
    assert october.holds == 1 and any("tạm dừng chi trả" in w for w in october.warnings)
    assert "Lê Thị Cụ" not in [name for name, *_ in month_lines("tgxh", OCTOBER)]
    hold = EnrolmentEvent.objects.get(kind="suspension")
    assert (hold.source, hold.effective_month) == ("agent_results", OCTOBER)
    assert not generate(cast, "tgxh", OCTOBER).changed  # generating again holds her again, no second event
    assert EnrolmentEvent.objects.filter(kind="suspension").count() == 1
    pay_month(cast, "tgxh", OCTOBER, tmp_path)  # the others are paid; her October is held
    enrolment_change_record(actor=cast["officer_a"], enrolment=world["enrolments"]["elderly"], kind="resumption",
                            effective_month=NOVEMBER, decision_number="15/QĐ-UBND", decision_date=dt.date(2024, 10, 28))
    generate(cast, "tgxh", NOVEMBER)
    hers = [line for line in month_lines("tgxh", NOVEMBER) if line[0] == "Lê Thị Cụ"]
    assert hers == [
        ("Lê Thị Cụ", "2024-07", "arrears", 500_000, True),  # sent, not collected: carried
        ("Lê Thị Cụ", "2024-08", "arrears", 500_000, True),
        ("Lê Thị Cụ", "2024-09", "arrears", 500_000, True),
        ("Lê Thị Cụ", "2024-10", "arrears", 500_000, False),  # held, never sent: arrears
        ("Lê Thị Cụ", "2024-11", "regular", 500_000, False),
    ]


def test_the_recoveries_ledger_keeps_what_is_still_owed(cast, world, tmp_path, commune_a):
    martyr, invalid = world["people"]["martyr"], world["people"]["invalid"]
    pay_month(cast, "ncc", JULY, tmp_path)
    pay_month(cast, "ncc", AUGUST, tmp_path)
    # died on 20 July, reported in September after August was paid
    enrolment_change_record(actor=cast["officer_a"], enrolment=world["enrolments"]["martyr"], kind="death",
                            death_date=dt.date(2024, 7, 20), **DECIDED)
    generate(cast, "ncc", SEPTEMBER)
    assert [line for line in month_lines("ncc", SEPTEMBER) if line[0] == "Nguyễn Thị Liệt"] == [
        ("Nguyễn Thị Liệt", "2024-07", "death_lump_sum", 3 * 2_789_000, False),
        ("Nguyễn Thị Liệt", "2024-07", "funeral_support", 10 * 2_340_000, False),
        ("Nguyễn Thị Liệt", "2024-08", "recovery", -2_789_000, False),
    ]
    approve_and_send(cast, "ncc", SEPTEMBER)
    debt = RecoveryEntry.objects.get(person=martyr)
    assert (debt.kind, debt.origin, debt.amount) == ("debt", "late_death", 2_789_000)
    keeper = cast["generator"]
    recoveries.recovery_repayment_record(actor=keeper, person=martyr, register="ncc", amount=1_000_000,
                                         document_number="BL 0012", document_date=dt.date(2024, 10, 3))
    assert recoveries.owed(person=martyr, register="ncc") == 1_789_000
    with pytest.raises(DomainError, match="lớn hơn số còn phải thu 1.789.000 đ"):
        recoveries.recovery_repayment_record(actor=keeper, person=martyr, register="ncc", amount=2_000_000,
                                             document_number="BL 0013", document_date=dt.date(2024, 10, 3))
    with pytest.raises(DomainError, match="số văn bản"):
        recoveries.recovery_inspection_record(actor=keeper, person=invalid, register="ncc", amount=5_000_000,
                                              document_number="", document_date=dt.date(2024, 10, 1))
    recoveries.recovery_inspection_record(actor=keeper, person=invalid, register="ncc", amount=5_000_000,
                                          document_number="123/KL-TTr", document_date=dt.date(2024, 10, 1))
    from ansinh.payroll.selectors import owed_by_commune

    owed = {(r["commune"], r["origin"]): r["owed"] for r in owed_by_commune(user=keeper).iter_rows(named=True)}
    assert owed == {("Phường Thành Sen", "late_death"): 1_789_000, ("Phường Thành Sen", "inspection"): 5_000_000}
    inspection = owed_by_commune(user=keeper, origin="inspection")
    assert inspection["owed"].to_list() == [5_000_000]
    # the next month does not recover the overpayment again: it is in the ledger
    for sheet in sheets("ncc", SEPTEMBER):
        import_results(cast, sheet, results_file(sheet, tmp_path / f"sep-{sheet.pk}.csv"))
    generate(cast, "ncc", OCTOBER)
    assert month_lines("ncc", OCTOBER) == [("Trần Văn Thương", "2024-10", "regular", 5_450_000, False)]


def _independent_sums(first: dt.date, last: dt.date) -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT COALESCE(SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END), 0),
                                 COALESCE(SUM(CASE WHEN r.status = 'paid' THEN l.amount ELSE 0 END), 0),
                                 COALESCE(SUM(CASE WHEN r.status = 'unpaid' THEN l.amount ELSE 0 END), 0)
                            FROM payroll_payrollline l LEFT JOIN payroll_lineresult r ON r.line_id = l.id
                           WHERE l.month BETWEEN %s AND %s""", [first, last])
        return tuple(int(v) for v in cursor.fetchone())


def test_reconciliation_to_the_dong_against_an_independent_sum(cast, world, tmp_path):
    disabled = world["people"]["disabled"]
    for register in ("ncc", "tgxh", "topup"):
        pay_month(cast, register, JULY, tmp_path, unpaid={disabled.pk: "Chuyển đi"})
        pay_month(cast, register, AUGUST, tmp_path)
    rec = reconciliation_compute(first=JULY, last=AUGUST)
    listed, paid, unpaid = _independent_sums(JULY, AUGUST)
    assert (rec.province["amount_listed"], rec.province["amount_paid"], rec.province["amount_unpaid"]) == (
        listed, paid, unpaid)
    assert rec.province["amount_listed"] == rec.province["amount_paid"] + rec.province["amount_unpaid"]
    # July: the disabled man's 750.000 not collected, paid in August with the August month
    tgxh = rec.register_figures("tgxh")
    assert (tgxh["persons_paid"], tgxh["amount_unpaid"], tgxh["unpaid_moved"]) == (3, 750_000, 750_000)
    assert tgxh["amount_paid"] == 2 * (500_000 + 500_000) + 2 * 750_000
    assert sum(rec.by_commune.filter(rec.by_commune["register"] == "tgxh")["amount_paid"]) == tgxh["amount_paid"]
    assert rec.has_districts is True  # 2024: the former districts still existed
    path = tmp_path / "doi-soat.xlsx"
    reconciliation_export(reconciliation=rec, target=path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "Toàn tỉnh")]
    assert values[2] == listed and isinstance(values[2], int)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có trên máy này")
def test_the_agents_list_opens_in_libreoffice_with_numbers_as_numbers(cast, world, tmp_path):
    generate(cast, "ncc", JULY)
    [sheet] = approve_and_send(cast, "ncc", JULY)
    path = tmp_path / "danh-sach.xlsx"
    export.sheet_export(actor=cast["generator"], sheet=sheet, target=path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Danh sách chi trả", "Danh sách giảm", "Truy thu", "Tổng hợp"]
    rows = [[c.value for c in r] for r in book["Danh sách chi trả"].iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    first, total = rows[header + 1], rows[-1]
    assert first[11] in (2_789_000, 5_450_000) and isinstance(first[11], int)
    assert total[1] == "Tổng cộng" and total[11] == 8_239_000
    summary = {r[0].value: r[1].value for r in book["Tổng hợp"].iter_rows() if r[0].value}
    assert summary["Tổng kinh phí chuyển cho tổ chức chi trả"] == "8.239.000 đ"
    assert any(k.startswith("Phí chi trả") for k in summary)
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0 and (tmp_path / "danh-sach.pdf").stat().st_size > 1000
    assert PayrollLine.objects.filter(sheet=sheet).count() == 2
