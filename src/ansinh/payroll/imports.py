"""The payment agent's results for a commune's monthly list, through the shared import lifecycle
(the ``payroll_results`` kind of ``core.imports``).

The file is the exported list (``services.export``) with «Kết quả», «Ngày chi trả» and «Lý do không chi trả»
filled in, one row per person paid (STT). Refused, with a message on the row: a row whose STT or identity number
is not a person of the month's list, an amount other than the person's total, a paid row without a full date or
dated outside the payment month, an unpaid row without a reason, a result that contradicts one already recorded.
A file for another month (its «Kỳ chi trả») or naming someone not in the month's list is refused as a whole
(nothing is written: it is the wrong file, or a changed one). The same file twice is refused by the lifecycle.
Committing locks the sheet, checks again, writes one result per line of each person and, when every person has a
result, moves the sheet to «results» (the workflow step, audited). Amounts not paid are carried into the next
month by the engine.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import polars as pl
from django.urls import reverse
from django.utils import timezone

from ansinh.accounts.permissions import mask_identity
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import WARNINGS, CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.tabular import (
    ERRORS,
    IDENTITY_KEYWORDS,
    Field,
    RawTable,
    Schema,
    add_errors,
    has_errors,
    is_blank,
    parse_columns,
    read_table,
)
from ansinh.core.text import fold, fold_expr
from ansinh.payroll.models import (
    LineResult,
    PayrollLine,
    PayrollSheet,
    ResultsImport,
    SheetStatus,
    UnpaidReason,
)
from ansinh.payroll.permissions import require_results_importer

PAID, UNPAID = "paid", "unpaid"
RESULT_CHOICES = (("paid", ("Đã chi trả", "Đã nhận", "Đã chi", "Đã trả", "x")),
                  ("unpaid", ("Chưa chi trả", "Không chi trả", "Chưa nhận", "Không nhận")))
REASON_CHOICES = tuple((r.value, (str(r.label), *extra)) for r, extra in (
    (UnpaidReason.DIED, ("Chết", "Mất")), (UnpaidReason.ABSENT, ("Vắng", "Đi vắng")),
    (UnpaidReason.MOVED, ("Chuyển khỏi địa phương",)), (UnpaidReason.REFUSED, ("Từ chối",)),
    (UnpaidReason.WRONG_DATA, ("Sai thông tin cá nhân", "Sai dữ liệu"))))
RESULTS_SCHEMA = Schema(fields=(
    Field("seq", "STT", ("Số thứ tự", "TT"), required=True, kind="int"),
    Field("full_name", "Họ và tên", ("Họ tên",)),
    Field("identity", "Số định danh", ("Số định danh cá nhân", "Số CCCD", "CMND/CCCD"), keywords=IDENTITY_KEYWORDS,
          max_length=20),
    Field("period", "Kỳ chi trả", ("Tháng chi trả", "Kỳ"), required=True, max_length=20),
    Field("total", "Tổng số tiền", ("Số tiền", "Tổng tiền", "Số tiền phải chi"), required=True, kind="money"),
    Field("result", "Kết quả", ("Kết quả chi trả", "Tình trạng"), required=True, kind="choice",
          choices=RESULT_CHOICES),
    Field("paid_date", "Ngày chi trả", ("Ngày nhận", "Ngày chi"), kind="date", precision="day"),
    Field("reason", "Lý do không chi trả", ("Lý do", "Lý do chưa chi trả"), kind="choice", choices=REASON_CHOICES),
))
_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$|^\s*(\d{4})-(\d{2})(?:-\d{2})?\s*$")


def parse_period(text: str | None) -> dt.date | None:
    """«03/2020», «3/2020», «2020-03» (or a date Excel made of it) → 1 March 2020; None when it is not a month."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    month, year = (int(match.group(1)), int(match.group(2))) if match.group(1) else (int(match.group(4)),
                                                                                     int(match.group(3)))
    return dt.date(year, month, 1) if 1 <= month <= 12 and 1900 < year < 2200 else None


def payment_window(sheet: PayrollSheet) -> tuple[dt.date, dt.date]:
    """The dates a payment of the month's list may carry: from two weeks before the month to the month after."""
    start = sheet.month - dt.timedelta(days=15)
    after = (sheet.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = after.replace(day=calendar.monthrange(after.year, after.month)[1])
    return start, min(end, timezone.localdate())


def check_results(rows: pl.DataFrame, payees: pl.DataFrame, sheet: PayrollSheet) -> pl.DataFrame:
    """The rows with their errors and warnings against the sheet's payees (pure but for the dates)."""
    month = f"{sheet.month:%m/%Y}"
    rows = rows.with_columns(pl.col("period").map_elements(parse_period, return_dtype=pl.Date).alias("_period"))
    joined = rows.join(payees.select(
        "seq", "person_id", pl.col("identity").alias("l_identity"), pl.col("full_name").alias("l_name"),
        pl.col("total").alias("l_total"), pl.col("result").alias("l_result"), pl.col("paid_date").alias("l_date"),
        pl.col("reason").alias("l_reason"), pl.col("pending").alias("l_pending")), on="seq", how="left",
        maintain_order="left")
    masked = pl.col("l_identity").map_elements(mask_identity, return_dtype=pl.String)
    identity_ok = (is_blank("identity") | (pl.col("identity") == pl.col("l_identity"))
                   | (pl.col("identity") == masked))
    in_list = pl.col("person_id").is_not_null()
    paid, unpaid = pl.col("result") == PAID, pl.col("result") == UNPAID
    earliest, latest = payment_window(sheet)
    date = pl.col("paid_date")
    checks = [
        (~in_list & pl.col("seq").is_not_null(),
         pl.format(f"STT {{}} không có trong danh sách chi trả tháng {month} của {sheet.commune.name}.", pl.col("seq"))),
        (in_list & ~identity_ok,
         pl.format(f"Số định danh {{}} không khớp người ở STT {{}}: người này không có trong danh sách chi trả tháng "
                   f"{month}.", pl.col("identity"), pl.col("seq"))),
        (pl.col("period").is_not_null() & pl.col("_period").is_null(),
         pl.format("Kỳ chi trả «{}» không đúng dạng tháng/năm (ví dụ 03/2020).", pl.col("period"))),
        (pl.col("_period").is_not_null() & (pl.col("_period") != sheet.month),
         pl.format(f"Kỳ chi trả {{}}: tệp kết quả của tháng khác (bảng chi trả này là tháng {month}).",
                   pl.col("_period").dt.strftime("%m/%Y"))),
        (in_list & (pl.col("total") != pl.col("l_total")),
         pl.format("Số tiền {} khác số tiền phải chi {}.", pl.col("total"), pl.col("l_total"))),
        (paid & is_blank("paid_date"), pl.lit("Đã chi trả nhưng thiếu ngày chi trả (ghi đủ ngày/tháng/năm).")),
        (paid & ((date < earliest) | (date > latest)),
         pl.format(f"Ngày chi trả {{}} ngoài kỳ chi trả tháng {month} (từ {earliest:%d/%m/%Y} đến {latest:%d/%m/%Y}).",
                   date.dt.strftime("%d/%m/%Y"))),
        (unpaid & is_blank("reason"),
         pl.lit("Chưa chi trả: ghi lý do (đã mất, vắng mặt, chuyển đi, từ chối nhận, sai thông tin).")),
        (unpaid & date.is_not_null(), pl.lit("Chưa chi trả thì không ghi ngày chi trả.")),
        (paid & pl.col("reason").is_not_null(), pl.lit("Đã chi trả thì không ghi lý do không chi trả.")),
        (pl.col("seq").is_not_null() & pl.col("seq").is_duplicated(),
         pl.format("STT {} xuất hiện nhiều lần trong tệp.", pl.col("seq"))),
    ]
    for mask, message in checks:
        joined = add_errors(joined, mask.fill_null(False), message)
    same = (pl.col("l_pending") == 0) & (pl.col("l_result") == pl.col("result")) & (
        (paid & (pl.col("l_date") == date)) | (unpaid & (pl.col("l_reason") == pl.col("reason"))))
    joined = joined.with_columns(same.fill_null(False).alias("_same"))
    conflict = in_list & (pl.col("l_pending") == 0) & ~pl.col("_same")
    joined = add_errors(joined, conflict.fill_null(False),
                        pl.lit("Người này đã có kết quả khác được ghi trước đó: liên hệ cơ quan LĐ-TBXH để điều chỉnh."))
    other_name = in_list & pl.col("full_name").is_not_null() & (
        fold_expr(pl.col("full_name")) != fold_expr(pl.col("l_name")))
    return joined.with_columns(
        pl.when(other_name.fill_null(False))
        .then(pl.concat_list(pl.format("Họ tên «{}» khác người ở STT {} của danh sách («{}»).", pl.col("full_name"),
                                       pl.col("seq"), pl.col("l_name"))))
        .otherwise(pl.lit([], dtype=pl.List(pl.Utf8))).alias(WARNINGS))


def _blocking(checked: pl.DataFrame, sheet: PayrollSheet) -> list[str]:
    month = f"{sheet.month:%m/%Y}"
    problems = []
    other = checked.filter(pl.col("_period").is_not_null() & (pl.col("_period") != sheet.month))
    if other.height:
        months = ", ".join(sorted({f"{d:%m/%Y}" for d in other["_period"].to_list()}))
        problems.append(f"Tệp kết quả này là của kỳ {months}, không phải tháng {month} của bảng chi trả "
                        f"{sheet.commune.name}: không ghi dòng nào.")
    outsiders = checked.filter(pl.col(ERRORS).list.eval(pl.element().str.contains("không có trong danh sách"))
                               .list.any().fill_null(False))
    if outsiders.height:
        problems.append(f"Tệp có {vn_number(outsiders.height)} dòng không phải người trong danh sách chi trả tháng "
                        f"{month} của {sheet.commune.name}: không ghi dòng nào — kiểm tra lại tệp.")
    return problems


class PayrollResultsImportKind(ImportKind):
    code = "payroll_results"
    label = "kết quả chi trả hằng tháng"
    model = ResultsImport
    duplicate_scope = ("sheet",)
    audit_prefix = "payroll.results_import"
    urls = {"detail": "payroll:results_detail", "commit": "payroll:results_commit", "report": "payroll:results_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        sheet = record.sheet if record is not None else target["sheet"]
        require_results_importer(actor, sheet)
        if sheet.status not in (SheetStatus.SENT, SheetStatus.RESULTS) and record is None:
            raise DomainError(f"{sheet} đang ở trạng thái «{sheet.get_status_display()}»: chỉ nhập kết quả cho bảng "
                              "đã gửi tổ chức chi trả.")
        if sheet.status == SheetStatus.RECONCILED:
            raise DomainError("Bảng chi trả đã đối soát: không nhập thêm kết quả.")

    def schema(self, record) -> Schema:
        return RESULTS_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, RESULTS_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = parse_columns(raw, RESULTS_SCHEMA, today=timezone.localdate())
        total_row = pl.col("seq").is_null() & (pl.col("full_name").fill_null("").map_elements(
            fold, return_dtype=pl.String) == fold("Tổng cộng"))
        return raw, rows.filter(~total_row)

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        from ansinh.payroll.selectors import payees_frame, sheet_lines_frame

        sheet = PayrollSheet.objects.select_related("commune").get(pk=record.sheet_id)
        checked = check_results(rows, payees_frame(sheet_lines_frame(sheet)), sheet)
        valid = checked.filter(~has_errors())
        to_apply = valid.filter(~pl.col("_same"))
        figures = {"to_apply": to_apply.height, "unchanged": valid.height - to_apply.height,
                   "unpaid": to_apply.filter(pl.col("result") == UNPAID).height,
                   "amount": int(to_apply.filter(pl.col("result") == PAID)["total"].sum() or 0)}
        return CheckOutcome(raw=raw, rows=checked, figures=figures, blocking=_blocking(checked, sheet))

    def lock(self, record) -> None:
        PayrollSheet.objects.select_for_update().get(pk=record.sheet_id)

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.payroll.services.workflow import sheet_mark_results

        sheet = PayrollSheet.objects.select_related("commune", "payroll_month").get(pk=record.sheet_id)
        if sheet.status != SheetStatus.SENT:
            raise ConcurrentChange(f"{sheet} đang ở trạng thái «{sheet.get_status_display()}»: không ghi kết quả.")
        to_apply = outcome.valid.filter(~pl.col("_same"))
        results = self._results(record, sheet, to_apply)
        LineResult.objects.bulk_create(results, batch_size=5000)
        if not PayrollLine.objects.filter(sheet=sheet, amount__gt=0, result__isnull=True).exists():
            sheet_mark_results(actor=actor, sheet=sheet)
        unpaid = to_apply.filter(pl.col("result") == UNPAID).height
        died = to_apply.filter(pl.col("reason") == UnpaidReason.DIED).height
        hint = (f" {vn_number(died)} người được báo đã mất: xã ghi «chết» vào sổ đối tượng để dừng chi trả và lập mai "
                "táng phí." if died else "")
        return CommitResult(written=to_apply.height,
                            message=f"Đã ghi kết quả của {vn_number(to_apply.height)} người ({vn_number(unpaid)} người "
                                    f"chưa nhận, chuyển sang tháng sau), {vn_number(len(results))} dòng.{hint}",
                            details={"applied": to_apply.height, "lines": len(results), "unpaid": unpaid,
                                     "sheet": sheet.pk})

    @staticmethod
    def _results(record, sheet: PayrollSheet, to_apply: pl.DataFrame) -> list[LineResult]:
        by_person = {r["person_id"]: r for r in to_apply.iter_rows(named=True)}
        lines = PayrollLine.objects.filter(sheet=sheet, amount__gt=0, person_id__in=list(by_person),
                                           result__isnull=True).values_list("pk", "person_id")
        results = []
        for line_id, person_id in lines:
            row = by_person[person_id]
            paid = row["result"] == PAID
            results.append(LineResult(line_id=line_id, sheet=sheet, status=row["result"],
                                      paid_date=row["paid_date"] if paid else None,
                                      reason="" if paid else row["reason"], results_import=record))
        pending_people = {pid for _line, pid in lines}
        if pending_people != set(by_person):
            raise ConcurrentChange("Một số người vừa có kết quả khác được ghi: không ghi gì; hãy tải lại và kiểm tra "
                                   "lại tệp.")
        return results

    def describe_target(self, record) -> str:
        return f"bảng chi trả số {record.sheet_id}"

    def figures(self, record) -> list[tuple[str, object, str]]:
        f = (record.summary or {}).get("figures", {})
        if not f:
            return []
        return [("Sẽ ghi kết quả", vn_number(f.get("to_apply", 0)), "to-apply"),
                ("Trong đó chưa nhận (chuyển sang tháng sau)", vn_number(f.get("unpaid", 0)), "unpaid"),
                ("Không đổi (đã ghi trước)", vn_number(f.get("unchanged", 0)), "unchanged")]

    def done_link(self, record):
        return ("Về bảng chi trả", reverse("payroll:sheet_detail", args=[record.sheet_id]))

    def again_url(self, record) -> str:
        return reverse("payroll:sheet_detail", args=[record.sheet_id])


RESULTS_KIND = register_kind(PayrollResultsImportKind())
