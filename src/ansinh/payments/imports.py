"""The payment agent's results file through the shared import lifecycle (the ``payment_results`` kind).

Rows are matched to the batch by STT and identity number. Refused, with a message on the row: a row for a
person not in the batch, an amount that differs from the approved amount, a paid date that is not a full
date or falls before the programme window, the decision or after today, a result that contradicts one
already recorded, a second payment of the same person for the same programme and group. A name that
differs from the list's person is a warning the importer confirms before writing. The batch row is locked
before the lines are read again and the results applied, so two files for the same batch at once are
checked one after the other; the lines updated are counted, not assumed.
"""

from __future__ import annotations

import polars as pl
from django.urls import reverse
from django.utils import timezone

from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import WARNINGS, CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.tabular import (
    IDENTITY_KEYWORDS,
    Field,
    RawTable,
    Schema,
    add_errors,
    is_blank,
    parse_columns,
    read_table,
)
from ansinh.core.text import fold_expr
from ansinh.payments.models import BatchStatus, LineStatus, PaymentBatch, ResultImport, UnpaidReason
from ansinh.payments.permissions import require_results_importer

RESULT_PAID, RESULT_UNPAID = "paid", "unpaid"
RESULT_LABELS = (("paid", ("Đã chi trả", "Đã nhận", "Đã chi", "Đã trả", "x")),
                 ("unpaid", ("Chưa chi trả", "Không chi trả", "Chưa nhận", "Không nhận")))
REASON_LABELS = tuple((r.value, (str(r.label), *extra)) for r, extra in (
    (UnpaidReason.DIED, ("Chết", "Mất")), (UnpaidReason.ABSENT, ("Vắng", "Đi vắng")),
    (UnpaidReason.MOVED, ("Chuyển khỏi địa phương",)), (UnpaidReason.REFUSED, ("Từ chối",)),
    (UnpaidReason.WRONG_DATA, ("Sai thông tin cá nhân", "Sai dữ liệu"))))
RESULTS_SCHEMA = Schema(fields=(
    Field("seq", "STT", ("Số thứ tự", "TT"), required=True, kind="int"),
    Field("full_name", "Họ và tên", ("Họ tên",), required=True),
    Field("identity", "Số định danh", ("Số định danh cá nhân", "Số CCCD", "CMND/CCCD"), kind="identity",
          keywords=IDENTITY_KEYWORDS),
    Field("amount", "Số tiền", ("Số tiền được hỗ trợ", "Số tiền phải chi"), required=True, kind="money"),
    Field("result", "Kết quả", ("Kết quả chi trả", "Tình trạng"), required=True, kind="choice", choices=RESULT_LABELS),
    Field("paid_date", "Ngày chi trả", ("Ngày nhận", "Ngày chi"), kind="date", precision="day"),
    Field("paid_amount", "Số tiền đã chi", ("Số tiền đã trả", "Số tiền đã nhận"), kind="money"),
    Field("reason", "Lý do không chi trả", ("Lý do", "Lý do chưa chi trả"), kind="choice", choices=REASON_LABELS),
    Field("returned", "Kinh phí hoàn trả", ("Đã hoàn trả", "Số tiền hoàn trả"), kind="money"),
))


def check_results(rows: pl.DataFrame, lines: pl.DataFrame, paid_elsewhere: list[int], *, earliest, latest,
                  earliest_label: str) -> pl.DataFrame:
    """The rows with their errors and warnings against the batch's lines (pure: frames in, frame out)."""
    joined = rows.join(lines.select(pl.col("seq"), pl.col("id").alias("line_id"), pl.col("identity").alias("l_identity"),
                                    pl.col("amount").alias("l_amount"), pl.col("status").alias("l_status"),
                                    pl.col("paid_date").alias("l_paid_date"), pl.col("unpaid_reason").alias("l_reason"),
                                    pl.col("returned_amount").alias("l_returned"), "person_id",
                                    pl.col("full_name").alias("l_name")),
                       on="seq", how="left", maintain_order="left")
    paid = pl.col("result") == RESULT_PAID
    unpaid = pl.col("result") == RESULT_UNPAID
    joined = joined.with_columns(pl.col("paid_amount").fill_null(pl.when(paid).then(pl.col("amount")).otherwise(0)),
                                 pl.col("returned").fill_null(0))
    in_batch = pl.col("line_id").is_not_null()
    date = pl.col("paid_date")
    checks = [
        (~in_batch, pl.format("STT {} không có trong đợt chi trả này.", pl.col("seq"))),
        (in_batch & (pl.col("identity").fill_null("") != pl.col("l_identity").fill_null("")),
         pl.format("Số định danh {} không khớp người ở STT {} của đợt chi trả (người này không có trong danh sách).",
                   pl.col("identity"), pl.col("seq"))),
        (in_batch & (pl.col("amount") != pl.col("l_amount")),
         pl.format("Số tiền {} khác số tiền được duyệt {}.", pl.col("amount"), pl.col("l_amount"))),
        (paid & (pl.col("paid_amount") != pl.col("l_amount")),
         pl.format("Số tiền đã chi {} khác số tiền được duyệt {}: không ghi nhận chi trả một phần.",
                   pl.col("paid_amount"), pl.col("l_amount"))),
        (paid & is_blank("paid_date"), pl.lit("Đã chi trả nhưng thiếu ngày chi trả (ghi đủ ngày/tháng/năm).")),
        (paid & (date < earliest), pl.format("Ngày chi trả {} trước {}: không hợp lệ.", date.dt.strftime("%d/%m/%Y"),
                                             pl.lit(earliest_label))),
        (paid & (date > latest), pl.format("Ngày chi trả {} sau hôm nay: không hợp lệ.", date.dt.strftime("%d/%m/%Y"))),
        (unpaid & is_blank("reason"), pl.lit("Chưa chi trả: ghi lý do (đã mất, vắng, chuyển đi, từ chối, sai thông tin).")),
        (unpaid & date.is_not_null(), pl.lit("Chưa chi trả thì không ghi ngày chi trả.")),
        (paid & (pl.col("returned") > 0), pl.lit("Đã chi trả thì không có kinh phí hoàn trả.")),
        (unpaid & (pl.col("returned") > pl.col("l_amount")), pl.lit("Kinh phí hoàn trả lớn hơn số tiền phải chi.")),
        (pl.col("seq").is_duplicated(), pl.format("STT {} xuất hiện nhiều lần trong tệp.", pl.col("seq"))),
        (paid & pl.col("person_id").is_in(paid_elsewhere),
         pl.lit("Người này đã được chi trả cùng nhóm của chương trình ở đợt khác: không chi hai lần.")),
    ]
    for mask, message in checks:
        joined = add_errors(joined, mask.fill_null(False), message)
    same = (pl.col("l_status") == pl.col("result")) & (
        (paid & (pl.col("l_paid_date") == date))
        | (unpaid & (pl.col("l_reason") == pl.col("reason")) & (pl.col("l_returned") == pl.col("returned"))))
    joined = joined.with_columns(same.fill_null(False).alias("_same"))
    conflict = (pl.col("l_status") != LineStatus.PENDING) & ~pl.col("_same")
    joined = add_errors(joined, conflict.fill_null(False) & in_batch,
                        pl.lit("Dòng này đã có kết quả khác được ghi trước đó: liên hệ cơ quan LĐ-TBXH để điều chỉnh."))
    other_name = in_batch & pl.col("full_name").is_not_null() & (fold_expr(pl.col("full_name")) != fold_expr(pl.col("l_name")))
    return joined.with_columns(
        pl.when(other_name.fill_null(False))
        .then(pl.concat_list(pl.format("Họ tên «{}» khác người ở STT {} của danh sách («{}»).", pl.col("full_name"),
                                       pl.col("seq"), pl.col("l_name"))))
        .otherwise(pl.lit([], dtype=pl.List(pl.Utf8))).alias(WARNINGS))


class ResultsImportKind(ImportKind):
    code = "payment_results"
    label = "kết quả chi trả"
    model = ResultImport
    duplicate_scope = ("batch",)
    audit_prefix = "payment.results_import"
    urls = {"detail": "payments:results_detail", "commit": "payments:results_commit",
            "report": "payments:results_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        batch = record.batch if record is not None else target["batch"]
        require_results_importer(actor, batch)
        if batch.status == BatchStatus.RECONCILED:
            raise DomainError("Đợt chi trả đã được đối soát: không nhập thêm kết quả.")

    def schema(self, record) -> Schema:
        return RESULTS_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, RESULTS_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        return raw, parse_columns(raw, RESULTS_SCHEMA, today=timezone.localdate())

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        from ansinh.payments.selectors import batch_lines_frame, paid_elsewhere

        batch = record.batch
        bl = batch.beneficiary_list
        earliest, label = bl.programme.window_start, f"ngày bắt đầu chương trình {bl.programme.window_start:%d/%m/%Y}"
        if bl.decision_date and bl.decision_date > earliest:
            earliest, label = bl.decision_date, f"ngày quyết định phê duyệt {bl.decision_date:%d/%m/%Y}"
        checked = check_results(rows, batch_lines_frame(batch), paid_elsewhere(batch), earliest=earliest,
                                latest=timezone.localdate(), earliest_label=label)
        valid = checked.filter(~pl.col("_errors").list.len().gt(0))
        to_apply = valid.filter(~pl.col("_same")).height
        return CheckOutcome(raw=raw, rows=checked, figures={"to_apply": to_apply, "unchanged": valid.height - to_apply})

    def lock(self, record) -> None:
        PaymentBatch.objects.select_for_update().get(pk=record.batch_id)  # then the re-check reads the lines

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.payments.services import results_apply

        valid = outcome.valid
        to_apply = valid.filter(~pl.col("_same"))
        applied = results_apply(batch=record.batch, frame=to_apply, actor=actor)
        if applied != to_apply.height:
            raise ConcurrentChange(f"Chỉ {vn_number(applied)}/{vn_number(to_apply.height)} dòng còn ở trạng thái chờ kết quả: có kết quả "
                                   "khác vừa được ghi. Không ghi gì; hãy tải lại và kiểm tra lại tệp.")
        unchanged = valid.height - applied
        return CommitResult(written=applied,
                            message=f"Đã ghi nhận {vn_number(applied)} dòng, {vn_number(unchanged)} dòng không đổi, "
                                    f"{vn_number(outcome.error_rows)} dòng lỗi.",
                            details={"applied": applied, "unchanged": unchanged, "batch": record.batch_id})

    def describe_target(self, record) -> str:
        return f"đợt chi trả số {record.batch_id}"

    def figures(self, record) -> list[tuple[str, object, str]]:
        f = (record.summary or {}).get("figures", {})
        if not f:
            return []
        return [("Sẽ ghi nhận", vn_number(f.get("to_apply", 0)), "to-apply"),
                ("Không đổi (đã ghi trước)", vn_number(f.get("unchanged", 0)), "unchanged")]

    def done_link(self, record):
        return ("Về đợt chi trả", reverse("payments:batch_detail", args=[record.batch_id]))

    def again_url(self, record) -> str:
        return reverse("payments:batch_detail", args=[record.batch_id])


RESULTS_KIND = register_kind(ResultsImportKind())

