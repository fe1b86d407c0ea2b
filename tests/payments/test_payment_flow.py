"""Batches, export for the agent, results import (idempotent, per-row errors), paid-once, reconciliation."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError, transaction
from python_calamine import CalamineWorkbook

from ansinh.core.errors import DomainError
from ansinh.payments import services
from ansinh.payments.models import BatchStatus, LineStatus, PaymentLine
from ansinh.payments.reconciliation import reconciliation_compute, reconciliation_export
from ansinh.programmes.models import BeneficiaryList, ListStatus
from ansinh.programmes.services import workflow as lists
from ansinh.programmes.services.generation import registry_lists_generate

pytestmark = pytest.mark.django_db
DECISION = {"decision_number": "1234/QĐ-UBND", "decision_date": dt.date(2020, 5, 8), "signer": "Đặng Quốc Vinh"}


@pytest.fixture
def posted(programme, provincial, world, officer_b, appraiser, leader):
    """Group 7 of Xã Cẩm Bình approved and posted: two people, 750.000 đ each."""
    registry_lists_generate(programme=programme, actor=provincial)
    bl = BeneficiaryList.objects.get(group__code="7")
    bl = lists.list_submit(actor=officer_b, beneficiary_list=bl)
    bl = lists.list_appraise(actor=appraiser, beneficiary_list=bl)
    bl = lists.list_approve(actor=leader, beneficiary_list=bl, **DECISION)
    return lists.list_post(actor=officer_b, beneficiary_list=bl)


@pytest.fixture
def batch(posted, provincial, payment_agent):
    return services.batch_create(actor=provincial, beneficiary_list=posted, agent=payment_agent)


def _exported(batch, agent, tmp_path):
    path = tmp_path / "chi-tra.xlsx"
    services.batch_export(actor=agent, batch=batch, target=path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    assert rows[-1][1] == "Tổng cộng" and rows[-1][7] == sum(r[7] for r in rows[header + 1:-1])  # the total row
    return rows[header], rows[header + 1:-1]


def _results(tmp_path, rows, name="ket-qua.csv"):
    headers = ["STT", "Họ và tên", "Số định danh", "Số tiền", "Kết quả", "Ngày chi trả", "Số tiền đã chi",
               "Lý do không chi trả", "Kinh phí hoàn trả"]
    path = tmp_path / name
    pl.DataFrame([[str(v) for v in r] for r in rows], schema=headers, orient="row").write_csv(path)
    return path


def test_batch_needs_an_approved_list_and_a_payment_agent(programme, provincial, world, payment_agent, officer_a):
    registry_lists_generate(programme=programme, actor=provincial)
    draft = BeneficiaryList.objects.get(group__code="7")
    with pytest.raises(DomainError, match="đã phê duyệt"):
        services.batch_create(actor=provincial, beneficiary_list=draft, agent=payment_agent)
    with pytest.raises(DomainError, match="Tổ chức chi trả"):
        services.batch_create(actor=provincial, beneficiary_list=draft, agent=officer_a)


def test_export_has_the_official_columns(batch, payment_agent, tmp_path, world):
    header, rows = _exported(batch, payment_agent, tmp_path)
    assert header[:9] == ["STT", "Họ và tên", "Ngày sinh", "Số định danh", "Địa chỉ", "Nhóm", "Số tháng", "Số tiền",
                          "Ký nhận"]
    assert [r[1] for r in rows] == ["Võ Văn Giang", "Đặng Thị Hà"]
    assert rows[0][3] == world["poor_head"].pid and rows[0][7] == 750000 and rows[0][6] == 3
    assert type(batch).objects.get(pk=batch.pk).status == BatchStatus.EXPORTED


def test_results_import_applies_then_the_same_file_is_refused(batch, payment_agent, tmp_path, world, posted):
    pid_head, pid_wife = world["poor_head"].pid, world["poor_wife"].pid
    path = _results(tmp_path, [
        (1, "Võ Văn Giang", pid_head, "750.000", "Đã chi trả", "15/05/2020", "750.000", "", ""),
        (2, "Đặng Thị Hà", pid_wife, "750000", "Chưa chi trả", "", "", "Vắng mặt", "750.000"),
    ])
    first = services.results_import(actor=payment_agent, batch=batch, path=path)
    assert (first.applied, first.errors) == (2, 0)
    paid = PaymentLine.objects.get(batch=batch, seq=1)
    assert (paid.status, paid.paid_amount, paid.paid_date) == (LineStatus.PAID, 750_000, dt.date(2020, 5, 15))
    unpaid = PaymentLine.objects.get(batch=batch, seq=2)
    assert (unpaid.unpaid_reason, unpaid.returned_amount) == ("absent", 750_000)
    assert BeneficiaryList.objects.get(pk=posted.pk).status == ListStatus.PAID
    with pytest.raises(DomainError, match="Không ghi hai lần cùng một tệp"):
        services.results_import(actor=payment_agent, batch=batch, path=path)
    # the same results in another file (re-saved by the post office): nothing changes, every row «không đổi»
    resaved = _results(tmp_path, [
        (1, "Võ Văn Giang", pid_head, "750.000", "Đã chi trả", "15/05/2020", "750.000", "", ""),
        (2, "Đặng Thị Hà", pid_wife, "750.000", "Chưa chi trả", "", "0", "Vắng mặt", "750000"),
    ], "resaved.csv")
    again = services.results_import(actor=payment_agent, batch=batch, path=resaved)
    assert (again.applied, again.unchanged, again.errors) == (0, 2, 0)
    assert PaymentLine.objects.get(pk=paid.pk).result_at == paid.result_at


def test_unknown_person_wrong_amount_and_contradiction_are_row_errors(batch, payment_agent, tmp_path, world):
    pid_head = world["poor_head"].pid
    services.results_import(actor=payment_agent, batch=batch, path=_results(tmp_path, [
        (1, "Võ Văn Giang", pid_head, "750.000", "Đã chi trả", "15/05/2020", "750.000", "", "")], "a.csv"))
    bad = _results(tmp_path, [
        (1, "Võ Văn Giang", pid_head, "750.000", "Chưa chi trả", "", "", "Đã mất", ""),  # contradicts row 1
        (2, "Đặng Thị Hà", "042172999999", "750.000", "Đã chi trả", "15/05/2020", "750.000", "", ""),  # not in batch
        (3, "Người lạ", "042080000001", "750.000", "Đã chi trả", "15/05/2020", "750.000", "", ""),  # no STT 3
    ], "b.csv")
    summary = services.results_import(actor=payment_agent, batch=batch, path=bad)
    assert (summary.applied, summary.errors) == (0, 3)
    report = CalamineWorkbook.from_path(str(summary.error_report)).get_sheet_by_index(0).to_python()
    text = " ".join(str(c) for r in report for c in r)
    assert "đã có kết quả khác" in text and "không khớp người ở STT 2" in text and "STT 3 không có" in text
    assert PaymentLine.objects.get(batch=batch, seq=1).status == LineStatus.PAID
    assert PaymentLine.objects.get(batch=batch, seq=2).status == LineStatus.PENDING
    mismatch = services.results_import(actor=payment_agent, batch=batch, path=_results(tmp_path, [
        (2, "Đặng Thị Hà", world["poor_wife"].pid, "700.000", "Đã chi trả", "15/05/2020", "700.000", "", "")],
        "c.csv"))
    assert mismatch.errors == 1 and PaymentLine.objects.get(batch=batch, seq=2).status == LineStatus.PENDING


def test_wrong_file_is_refused(batch, payment_agent, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("Cột A,Cột B\n1,2\n", encoding="utf-8")
    with pytest.raises(DomainError, match="sai.csv"):
        services.results_import(actor=payment_agent, batch=batch, path=path)


def test_nobody_is_paid_twice_for_the_same_programme_and_group(batch):
    line = PaymentLine.objects.get(batch=batch, seq=1)
    PaymentLine.objects.filter(pk=line.pk).update(status="paid", paid_amount=line.amount, paid_date=dt.date(2020, 5, 1))
    twin = PaymentLine.objects.get(batch=batch, seq=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.filter(pk=twin.pk).update(person=line.person, status="paid", paid_amount=twin.amount,
                                                      paid_date=dt.date(2020, 5, 1))


def test_reconciliation_figures_and_formats(batch, payment_agent, tmp_path, world, programme, provincial):
    services.results_import(actor=payment_agent, batch=batch, path=_results(tmp_path, [
        (1, "Võ Văn Giang", world["poor_head"].pid, "750.000", "Đã chi trả", "15/05/2020", "750.000", "", ""),
        (2, "Đặng Thị Hà", world["poor_wife"].pid, "750.000", "Chưa chi trả", "", "", "Đã mất", "750.000")]))
    rec = reconciliation_compute(programme=programme)
    assert rec.total["approved_people"] == 2 and rec.total["approved_amount"] == 1_500_000
    assert rec.total["paid_people"] == 1 and rec.total["paid_amount"] == 750_000
    assert rec.total["unpaid_died"] == 1 and rec.total["returned_amount"] == 750_000
    assert rec.sentence() == ("Hoàn thành chi trả cho 1 đối tượng (chiếm 50,00% tổng số đối tượng được phê duyệt "
                              "danh sách), tổng kinh phí chi trả 750.000 đ (chiếm 50,00% tổng kinh phí được phê "
                              "duyệt hỗ trợ).")
    assert rec.by_group["group_code"].to_list() == ["7"]
    path = tmp_path / "doi-soat.xlsx"
    reconciliation_export(reconciliation=rec, target=path)
    sheets = CalamineWorkbook.from_path(str(path)).sheet_names
    assert sheets == ["Toàn tỉnh", "Theo huyện", "Theo xã", "Theo nhóm"]
    services.batch_reconcile(actor=provincial, batch=batch)
    assert BeneficiaryList.objects.get(pk=batch.beneficiary_list_id).status == ListStatus.RECONCILED
