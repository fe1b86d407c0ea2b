"""The files a commune or the province opens and sums: the reconciliation and the posted list carry numbers as
numbers (amounts ``#,##0``, percentages as fractions with a % format), a «Tổng cộng» row equal to the sum of the
rows, and the right titles — read with openpyxl and with LibreOffice headless."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from io import BytesIO

import openpyxl
import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from ansinh.payments import services
from ansinh.payments.reconciliation import reconciliation_compute, reconciliation_export
from ansinh.programmes.models import BeneficiaryList, RowFlag
from ansinh.programmes.services import workflow as lists
from ansinh.programmes.services.generation import registry_lists_generate

pytestmark = pytest.mark.django_db
DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}


def _approve(bl, preparer, appraiser, leader):
    for kind in set(RowFlag.objects.filter(row__beneficiary_list=bl, resolution="").values_list("kind", flat=True)):
        lists.flags_resolve_all(actor=preparer, beneficiary_list=bl, kind=kind, resolution="keep",
                                justification="Đã xác minh tại xã")
    bl = lists.list_submit(actor=preparer, beneficiary_list=bl)
    bl = lists.list_appraise(actor=appraiser, beneficiary_list=bl)
    bl = lists.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    return lists.list_post(actor=preparer, beneficiary_list=bl)


@pytest.fixture
def paid(programme, provincial, world, officer_a, officer_b, appraiser, leader, payment_agent, tmp_path):
    """Group 7 of Xã Cẩm Bình (2 people, one paid) and group 5 of Phường Thành Sen approved; a batch with results."""
    registry_lists_generate(programme=programme, actor=provincial)
    poor = _approve(BeneficiaryList.objects.get(group__code="7"), officer_b, appraiser, leader)
    ncc = BeneficiaryList.objects.get(group__code="5", commune=officer_a.area)
    _approve(ncc, officer_a, appraiser, leader)
    batch = services.batch_create(actor=provincial, beneficiary_list=poor, agent=payment_agent)
    path = tmp_path / "ket-qua.csv"
    pl.DataFrame([["1", "Võ Văn Giang", world["poor_head"].pid, "750.000", "Đã chi trả", "15/05/2020", "750.000", "",
                   ""],
                  ["2", "Đặng Thị Hà", world["poor_wife"].pid, "750.000", "Chưa chi trả", "", "", "Vắng mặt", ""]],
                 schema=["STT", "Họ và tên", "Số định danh", "Số tiền", "Kết quả", "Ngày chi trả", "Số tiền đã chi",
                         "Lý do không chi trả", "Kinh phí hoàn trả"], orient="row").write_csv(path)
    services.results_import(actor=payment_agent, batch=batch, path=path)
    return reconciliation_compute(programme=programme)


def _table(sheet) -> tuple[list, list[list], list]:
    rows = [list(r) for r in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0].value == "Đơn vị")
    body = [r for r in rows[header + 1:] if r[0].value and r[0].value != "Tổng cộng"]
    total = next(r for r in rows if r[0].value == "Tổng cộng")
    return [c.value for c in rows[header]], body, total


def test_the_reconciliation_file_holds_numbers_percentages_and_a_total_row(paid, tmp_path):
    path = tmp_path / "doi-soat.xlsx"
    reconciliation_export(reconciliation=paid, target=path)
    values = openpyxl.load_workbook(path, data_only=True)["Theo xã"]
    headers, body, total = _table(values)
    assert len(body) == 2  # two communes
    approved_amount, paid_amount, share = (headers.index(h) for h in ("Số tiền được duyệt", "Số tiền đã chi trả",
                                                                       "Tỷ lệ kinh phí (%)"))
    for row in body:
        assert isinstance(row[approved_amount].value, int) and row[approved_amount].number_format == "#,##0"
        assert isinstance(row[share].value, int | float) and row[share].number_format == "0.00%"
    assert total[approved_amount].value == sum(r[approved_amount].value for r in body) == paid.total["approved_amount"]
    assert total[paid_amount].value == 750_000
    assert total[share].value == pytest.approx(750_000 / paid.total["approved_amount"])
    formulas = openpyxl.load_workbook(path)["Theo xã"]
    cell = next(r for r in formulas.iter_rows() if r[0].value == "Tổng cộng")[approved_amount]
    assert cell.value.startswith("=SUM(")  # a formula, so a commune that edits a row sees the total follow


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có trên máy này")
def test_libreoffice_reads_the_reconciliation_as_numbers_that_sum(paid, tmp_path):
    path = tmp_path / "doi-soat.xlsx"
    reconciliation_export(reconciliation=paid, target=path)
    # every sheet to its own CSV (filter option 12 = -1), values as computed by LibreOffice, formatted
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}",
                           "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    exported = next(p for p in tmp_path.glob("doi-soat*.csv") if "Theo x" in p.name)
    rows = list(csv.reader(exported.open(encoding="utf-8")))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Đơn vị")
    amount = rows[header].index("Số tiền được duyệt")
    body = [r for r in rows[header + 1:] if r and r[0] and r[0] != "Tổng cộng"]
    total = next(r for r in rows if r and r[0] == "Tổng cộng")

    def number(text: str) -> int:  # LibreOffice writes the displayed text: 1,500,000 or 1.500.000 by locale
        return int(text.replace(",", "").replace(".", ""))

    assert number(total[amount]) == sum(number(r[amount]) for r in body) == paid.total["approved_amount"]
    assert total[rows[header].index("Tỷ lệ kinh phí (%)")].endswith("%")


def test_the_posted_list_file_has_one_title_the_birth_year_and_a_total(programme, provincial, world, officer_b):
    registry_lists_generate(programme=programme, actor=provincial)
    bl = BeneficiaryList.objects.get(group__code="7")
    client = Client()
    client.force_login(officer_b)
    response = client.get(reverse("programmes:list_export", args=[bl.pk]))
    assert response.status_code == 200
    assert 'filename="niem-yet-nhom-7-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.content), data_only=True).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "DANH SÁCH NHÓM 7 – XÃ CẨM BÌNH"  # not «DANH SÁCH DANH SÁCH…»
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header][2] == "Năm sinh"
    body = [r for r in rows[header + 1:] if isinstance(r[0], int)]
    assert sorted(r[2] for r in body) == [1970, 1972]  # years, not dates
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[6] == sum(r[6] for r in body) == 1_500_000
