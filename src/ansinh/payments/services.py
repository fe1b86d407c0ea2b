"""Writes of the payments app: batches from approved lists, export to the payment agent, results import.

Results are matched to the batch by STT and identity number. A row for a person not in the batch, an
amount that differs from the approved amount, a result that contradicts one already recorded, or a
second payment of the same person for the same programme and group is an error shown on that row of
the report, never applied. Importing the same results again changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ansinh.accounts.models import Role, User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import read_frame
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.tabular import (
    ERRORS,
    ROW,
    Field,
    Schema,
    add_errors,
    file_sha256,
    has_errors,
    parse_columns,
    read_table,
    write_error_report,
)
from ansinh.core.xlsx import write_sheet
from ansinh.payments.models import (
    BatchStatus,
    Channel,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    ResultImport,
    UnpaidReason,
)
from ansinh.programmes.models import BeneficiaryList, ListStatus
from ansinh.programmes.permissions import require_step

LINE_TABLE = PaymentLine._meta.db_table
RESULT_PAID, RESULT_UNPAID = "paid", "unpaid"

EXPORT_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Số định danh", "Địa chỉ", "Nhóm", "Số tháng", "Số tiền",
                  "Kết quả", "Ngày chi trả", "Số tiền đã chi", "Lý do không chi trả", "Kinh phí hoàn trả"]
RESULT_LABELS = (("paid", ("Đã chi trả", "Đã nhận", "Đã chi", "Đã trả", "x")),
                 ("unpaid", ("Chưa chi trả", "Không chi trả", "Chưa nhận", "Không nhận")))
REASON_LABELS = tuple((r.value, (str(r.label), *extra)) for r, extra in (
    (UnpaidReason.DIED, ("Chết", "Mất")), (UnpaidReason.ABSENT, ("Vắng", "Đi vắng")),
    (UnpaidReason.MOVED, ("Chuyển khỏi địa phương",)), (UnpaidReason.REFUSED, ("Từ chối",)),
    (UnpaidReason.WRONG_DATA, ("Sai thông tin cá nhân", "Sai dữ liệu"))))
RESULTS_SCHEMA = Schema(fields=(
    Field("seq", "STT", ("Số thứ tự", "TT"), required=True, kind="int"),
    Field("full_name", "Họ và tên", ("Họ tên",)),
    Field("identity", "Số định danh", ("Số định danh cá nhân", "Số CCCD", "CMND/CCCD"), kind="identity"),
    Field("amount", "Số tiền", ("Số tiền được hỗ trợ", "Số tiền phải chi"), required=True, kind="money"),
    Field("result", "Kết quả", ("Kết quả chi trả", "Tình trạng"), required=True, kind="choice", choices=RESULT_LABELS),
    Field("paid_date", "Ngày chi trả", ("Ngày nhận", "Ngày chi"), kind="date"),
    Field("paid_amount", "Số tiền đã chi", ("Số tiền đã trả", "Số tiền đã nhận"), kind="money"),
    Field("reason", "Lý do không chi trả", ("Lý do", "Lý do chưa chi trả"), kind="choice", choices=REASON_LABELS),
    Field("returned", "Kinh phí hoàn trả", ("Đã hoàn trả", "Số tiền hoàn trả"), kind="money"),
))


@dataclass
class ResultsSummary:
    total: int
    applied: int
    unchanged: int
    errors: int
    error_report: Path | None
    messages: list[str] = field(default_factory=list)


def _storage(sub: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / "payments" / sub
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- batches ----------------------------------------------------------------------------------------


def batch_create(*, actor: User, beneficiary_list: BeneficiaryList, agent: User,
                 channel: str = Channel.POST_OFFICE) -> PaymentBatch:
    """A batch for one approved (or posted) list and one payment agent, with one line per person to pay."""
    require_step(actor, "pay", beneficiary_list.commune_id)
    if agent.role != Role.PAYMENT_AGENT:
        raise DomainError("Tổ chức chi trả phải là tài khoản có vai trò «Tổ chức chi trả».", field="agent")
    if channel not in Channel.values:
        raise DomainError("Hình thức chi trả không hợp lệ.", field="channel")
    with transaction.atomic():
        bl = BeneficiaryList.objects.select_for_update().get(pk=beneficiary_list.pk)
        if bl.status not in (ListStatus.APPROVED, ListStatus.POSTED):
            raise DomainError("Chỉ lập chi trả cho danh sách đã phê duyệt.")
        if PaymentBatch.objects.filter(beneficiary_list=bl).exists():
            raise DomainError("Danh sách này đã có đợt chi trả.")
        batch = PaymentBatch.objects.create(beneficiary_list=bl, programme_id=bl.programme_id, commune_id=bl.commune_id,
                                            channel=channel, agent=agent, created_by=actor)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {LINE_TABLE} (batch_id, row_id, person_id, programme_id, group_id, seq, amount, status,
                        paid_date, paid_amount, unpaid_reason, returned_amount, bank_account, bank_name, result_at)
                    SELECT %s, r.id, r.person_id, %s, %s, ROW_NUMBER() OVER (ORDER BY r.id), r.amount, 'pending',
                           NULL, 0, '', 0, '', '', NULL
                      FROM programmes_listrow r
                     WHERE r.beneficiary_list_id = %s AND NOT r.excluded AND r.amount > 0""",
                [batch.pk, bl.programme_id, bl.group_id, bl.pk])
        _batch_totals(batch)
        audit_record(actor=actor, action="payment.batch_create", obj=batch,
                     summary=f"Lập đợt chi trả {bl} qua {agent}: {batch.line_count} người")
    return batch


def _batch_totals(batch: PaymentBatch) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM {LINE_TABLE} WHERE batch_id = %s", [batch.pk])
        batch.line_count, batch.amount_total = cursor.fetchone()
    batch.save(update_fields=["line_count", "amount_total", "updated_at"])


def batch_lines_frame(batch: PaymentBatch) -> pl.DataFrame:
    return read_frame(
        f"""SELECT pl.id, pl.seq, pl.amount, pl.status, pl.paid_date, pl.paid_amount, pl.unpaid_reason,
                   pl.returned_amount, pl.person_id, pl.bank_account, pl.bank_name, p.full_name, p.birth_date,
                   p.birth_precision, COALESCE(NULLIF(r.identity_number, ''), p.pid, p.cmnd, '') AS identity,
                   h.village, r.months, g.code AS group_code
              FROM {LINE_TABLE} pl JOIN registry_person p ON p.id = pl.person_id
              JOIN programmes_listrow r ON r.id = pl.row_id
              JOIN programmes_beneficiarygroup g ON g.id = pl.group_id
              LEFT JOIN registry_household h ON h.id = p.household_id
             WHERE pl.batch_id = {int(batch.pk)} ORDER BY pl.seq""",
        schema={"id": pl.Int64, "seq": pl.Int64, "amount": pl.Int64, "status": pl.String, "paid_date": pl.Date,
                "paid_amount": pl.Int64, "unpaid_reason": pl.String, "returned_amount": pl.Int64,
                "person_id": pl.Int64, "bank_account": pl.String, "bank_name": pl.String, "full_name": pl.String,
                "birth_date": pl.Date, "birth_precision": pl.String, "identity": pl.String, "village": pl.String,
                "months": pl.Int64, "group_code": pl.String})


def _birth_text() -> pl.Expr:
    return (pl.when(pl.col("birth_precision") == "year").then(pl.col("birth_date").dt.strftime("%Y"))
            .when(pl.col("birth_precision") == "month").then(pl.col("birth_date").dt.strftime("%m/%Y"))
            .otherwise(pl.col("birth_date").dt.strftime("%d/%m/%Y")))


def batch_export(*, actor: User, batch: PaymentBatch, target) -> object:
    """The .xlsx for the agent (one commune): the list to pay, with empty result columns to fill in."""
    _require_batch_reader(actor, batch)
    lines = batch_lines_frame(batch)
    commune = batch.commune.name
    address = pl.concat_str([pl.col("village").fill_null(""), pl.lit(commune)], separator=", ").str.strip_chars(", ")
    table = lines.select("seq", "full_name", _birth_text().alias("birth"), "identity", address.alias("address"),
                         "group_code", "months", "amount")
    headers = EXPORT_HEADERS[:8]
    rows = table.rows()
    if batch.channel == Channel.BANK:
        headers += ["Số tài khoản", "Ngân hàng"]
        rows = [(*r, a, b) for r, a, b in zip(rows, lines["bank_account"].to_list(), lines["bank_name"].to_list(),
                                             strict=True)]
    else:
        headers += ["Ký nhận"]
        rows = [(*r, "") for r in rows]
    headers += EXPORT_HEADERS[8:]
    bl = batch.beneficiary_list
    title = [f"DANH SÁCH CHI TRẢ – {bl.programme.name.upper()}",
             f"Nhóm {bl.group.code}: {bl.group.name} – {commune}",
             f"Quyết định phê duyệt số {bl.decision_number} ngày {bl.decision_date:%d/%m/%Y}" if bl.decision_date else ""]
    write_sheet(target, headers=headers, rows=rows, title_lines=[t for t in title if t], money_columns=[7],
                text_columns=[3], widths={1: 26, 4: 30})
    if batch.status == BatchStatus.OPEN:
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.EXPORTED, exported_at=timezone.now())
    audit_record(actor=actor, action="payment.batch_export", obj=batch, summary=f"Xuất danh sách chi trả {bl}")
    return target


def _require_batch_reader(actor: User, batch: PaymentBatch) -> None:
    from ansinh.payments.selectors import batch_visible

    if not batch_visible(actor, batch):
        raise PermissionDenied("Bạn không được xem đợt chi trả này.")


# --- results import ---------------------------------------------------------------------------------


def _check_results(rows: pl.DataFrame, lines: pl.DataFrame, paid_elsewhere: set[int]) -> pl.DataFrame:
    joined = rows.join(lines.select(pl.col("seq"), pl.col("id").alias("line_id"), pl.col("identity").alias("l_identity"),
                                    pl.col("amount").alias("l_amount"), pl.col("status").alias("l_status"),
                                    pl.col("paid_date").alias("l_paid_date"), pl.col("unpaid_reason").alias("l_reason"),
                                    pl.col("returned_amount").alias("l_returned"), "person_id"),
                       on="seq", how="left", maintain_order="left")
    paid = pl.col("result") == RESULT_PAID
    unpaid = pl.col("result") == RESULT_UNPAID
    joined = joined.with_columns(pl.col("paid_amount").fill_null(pl.when(paid).then(pl.col("amount")).otherwise(0)),
                                 pl.col("returned").fill_null(0))
    checks = [
        (pl.col("line_id").is_null(), pl.format("STT {} không có trong đợt chi trả này.", pl.col("seq"))),
        (pl.col("line_id").is_not_null() & (pl.col("identity").fill_null("") != pl.col("l_identity").fill_null("")),
         pl.format("Số định danh {} không khớp người ở STT {} của đợt chi trả (người này không có trong danh sách).",
                   pl.col("identity"), pl.col("seq"))),
        (pl.col("line_id").is_not_null() & (pl.col("amount") != pl.col("l_amount")),
         pl.format("Số tiền {} khác số tiền được duyệt {}.", pl.col("amount"), pl.col("l_amount"))),
        (paid & (pl.col("paid_amount") != pl.col("l_amount")),
         pl.format("Số tiền đã chi {} khác số tiền được duyệt {}: không ghi nhận chi trả một phần.",
                   pl.col("paid_amount"), pl.col("l_amount"))),
        (paid & pl.col("paid_date").is_null(), pl.lit("Đã chi trả nhưng thiếu ngày chi trả.")),
        (unpaid & pl.col("reason").is_null(), pl.lit("Chưa chi trả: ghi lý do (đã mất, vắng, chuyển đi, từ chối, sai thông tin).")),
        (paid & (pl.col("returned") > 0), pl.lit("Đã chi trả thì không có kinh phí hoàn trả.")),
        (unpaid & (pl.col("returned") > pl.col("l_amount")), pl.lit("Kinh phí hoàn trả lớn hơn số tiền phải chi.")),
        (pl.col("seq").is_duplicated(), pl.format("STT {} xuất hiện nhiều lần trong tệp.", pl.col("seq"))),
        (paid & pl.col("person_id").is_in(list(paid_elsewhere)),
         pl.lit("Người này đã được chi trả cùng nhóm của chương trình ở đợt khác: không chi hai lần.")),
    ]
    for mask, message in checks:
        joined = add_errors(joined, mask.fill_null(False), message)
    same = (pl.col("l_status") == pl.col("result")) & (
        (paid & (pl.col("l_paid_date") == pl.col("paid_date")))
        | (unpaid & (pl.col("l_reason") == pl.col("reason")) & (pl.col("l_returned") == pl.col("returned"))))
    joined = joined.with_columns(same.fill_null(False).alias("_same"))
    conflict = (pl.col("l_status") != LineStatus.PENDING) & ~pl.col("_same")
    return add_errors(joined, conflict.fill_null(False) & pl.col("line_id").is_not_null(),
                      pl.lit("Dòng này đã có kết quả khác được ghi trước đó: liên hệ cơ quan LĐ-TBXH để điều chỉnh."))


def results_import(*, actor: User, batch: PaymentBatch, path: Path | str, file_name: str = "") -> ResultsSummary:
    """Read the agent's results (.xlsx/.csv), check every row, apply the valid ones set-based."""
    _require_results_importer(actor, batch)
    path = Path(path)
    raw = read_table(path, RESULTS_SCHEMA)
    rows = parse_columns(raw, RESULTS_SCHEMA)
    lines = batch_lines_frame(batch)
    paid_elsewhere = set(read_frame(
        f"SELECT person_id FROM {LINE_TABLE} WHERE programme_id = {int(batch.programme_id)} AND group_id = "
        f"{int(batch.beneficiary_list.group_id)} AND status = 'paid' AND batch_id <> {int(batch.pk)}",
        schema={"person_id": pl.Int64})["person_id"].to_list())
    checked = _check_results(rows, lines, paid_elsewhere)
    valid = checked.filter(~has_errors())
    to_apply = valid.filter(~pl.col("_same"))
    report = None
    errors = checked.filter(has_errors()).height
    if errors:
        report = _storage("reports") / f"ket-qua-{batch.pk}-{timezone.now():%Y%m%d%H%M%S}-loi.xlsx"
        write_error_report(raw, checked.select(ROW, ERRORS), report)
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        _apply(to_apply)
        pending = PaymentLine.objects.filter(batch=locked, status=LineStatus.PENDING).count()
        if pending == 0 and locked.status in (BatchStatus.OPEN, BatchStatus.EXPORTED):
            locked.status = BatchStatus.RESULTS
            locked.save(update_fields=["status", "updated_at"])
            _list_paid(actor, locked)
        ResultImport.objects.create(batch=locked, file_name=file_name or path.name, file_sha256=file_sha256(path),
                                    imported_by=actor, total_rows=checked.height, applied_rows=to_apply.height,
                                    unchanged_rows=valid.height - to_apply.height, error_rows=errors,
                                    error_report_path=str(report or ""))
        audit_record(actor=actor, action="payment.results_import", obj=locked,
                     summary=f"Nhập kết quả chi trả: {to_apply.height} dòng ghi nhận, {errors} dòng lỗi",
                     details={"file": file_name or path.name})
    return ResultsSummary(total=checked.height, applied=to_apply.height, unchanged=valid.height - to_apply.height,
                          errors=errors, error_report=report)


def _require_results_importer(actor: User, batch: PaymentBatch) -> None:
    if actor.role == Role.PAYMENT_AGENT and batch.agent_id == actor.pk:
        return
    require_step(actor, "pay", batch.commune_id)


def _list_paid(actor: User, batch: PaymentBatch) -> None:
    from ansinh.programmes.services import list_mark_paid

    bl = batch.beneficiary_list
    if bl.status == ListStatus.POSTED:
        list_mark_paid(actor=actor, beneficiary_list=bl)


def _apply(frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    now = timezone.now()
    data = frame.select(
        pl.col("line_id").alias("id"), pl.col("result").alias("status"),
        pl.when(pl.col("result") == RESULT_PAID).then(pl.col("paid_date")).alias("paid_date"),
        pl.when(pl.col("result") == RESULT_PAID).then(pl.col("paid_amount")).otherwise(0).alias("paid_amount"),
        pl.when(pl.col("result") == RESULT_UNPAID).then(pl.col("reason")).otherwise(pl.lit("")).alias("unpaid_reason"),
        pl.col("returned").alias("returned_amount"), pl.lit(now).alias("result_at"))
    columns = ["status", "paid_date", "paid_amount", "unpaid_reason", "returned_amount", "result_at"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMPORARY TABLE _result (id bigint, status varchar(8), paid_date date, paid_amount "
                           "bigint, unpaid_reason varchar(12), returned_amount bigint, result_at timestamptz) "
                           "ON COMMIT DROP")
            buffer = io.BytesIO()
            data.write_csv(buffer, include_header=False, null_value="\\N")
            with cursor.cursor.copy(f"COPY _result (id, {', '.join(columns)}) FROM STDIN "
                                    "WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(buffer.getvalue())
            cursor.execute(f"UPDATE {LINE_TABLE} l SET " + ", ".join(f"{c} = r.{c}" for c in columns)
                           + " FROM _result r WHERE l.id = r.id AND l.status = 'pending'")
            cursor.execute("DROP TABLE _result")
        else:
            cursor.executemany(
                f"UPDATE {LINE_TABLE} SET " + ", ".join(f"{c} = %s" for c in columns)
                + " WHERE id = %s AND status = 'pending'",
                [(*values, line_id) for line_id, *values in data.select("id", *columns).iter_rows()])


def batch_reconcile(*, actor: User, batch: PaymentBatch) -> PaymentBatch:
    """Confirm the batch's figures; the list becomes reconciled."""
    from ansinh.programmes.services import list_reconcile

    require_step(actor, "reconcile", batch.commune_id)
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.RESULTS:
            raise DomainError("Đợt chi trả chưa có đủ kết quả, hoặc đã được đối soát.")
        locked.status, locked.reconciled_at = BatchStatus.RECONCILED, timezone.now()
        locked.save(update_fields=["status", "reconciled_at", "updated_at"])
        list_reconcile(actor=actor, beneficiary_list=locked.beneficiary_list)
    return locked

