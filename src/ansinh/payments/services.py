"""Writes of the payments app: batches from posted lists, export to the payment agent, results, reconciliation.

Every batch step goes through the shared workflow engine (``permissions.BATCH_WORKFLOW``); the results file
goes through the shared import lifecycle (``payments.imports``: checked, then applied under the batch's lock).
The database enforces that nobody is paid twice for the same programme and group, and that a line's result,
once recorded, is not overwritten (migration ``0003``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.formatting import vn_number
from ansinh.core.imports import import_run
from ansinh.core.models import ImportStatus
from ansinh.core.sql import compose, identifier, identifiers, join, placeholders, table
from ansinh.core.xlsx import write_sheet
from ansinh.payments.imports import RESULT_PAID, RESULT_UNPAID, RESULTS_KIND
from ansinh.payments.models import BatchStatus, BatchStep, Channel, LineStatus, PaymentBatch, PaymentLine
from ansinh.payments.permissions import BATCH_WORKFLOW, require_agent_account, require_payment_manager
from ansinh.payments.selectors import batch_lines_frame, batch_visible
from ansinh.programmes.models import BeneficiaryList, ListRow, ListStatus
from ansinh.programmes.services.workflow import list_mark_paid, list_reconcile
from ansinh.registry.access_log import access_export

EXPORT_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Số định danh", "Địa chỉ", "Nhóm", "Số tháng", "Số tiền",
                  "Kết quả", "Ngày chi trả", "Số tiền đã chi", "Lý do không chi trả", "Kinh phí hoàn trả"]


# --- batches ----------------------------------------------------------------------------------------

BATCH_LINES_SQL = """
        INSERT INTO {lines} (batch_id, row_id, person_id, programme_id, group_id, seq, amount, status,
                             paid_date, paid_amount, unpaid_reason, returned_amount, bank_account, bank_name, result_at)
        SELECT %s, r.id, r.person_id, %s, %s, ROW_NUMBER() OVER (ORDER BY r.id), r.amount, %s,
               NULL, 0, '', 0, '', '', NULL
          FROM {rows} r
         WHERE r.beneficiary_list_id = %s AND NOT r.excluded AND r.amount > 0"""


@transaction.atomic(durable=True)
def batch_create(*, actor: User, beneficiary_list: BeneficiaryList, agent: User,
                 channel: str = Channel.POST_OFFICE) -> PaymentBatch:
    """A batch for one posted list and one payment agent, with one line per person to pay."""
    require_payment_manager(actor, beneficiary_list.commune_id)
    require_agent_account(agent)
    if channel not in Channel.values:
        raise DomainError("Hình thức chi trả không hợp lệ.", field="channel")
    bl = BeneficiaryList.objects.select_for_update().get(pk=beneficiary_list.pk)
    if bl.status != ListStatus.POSTED:
        raise DomainError(f"Chỉ lập chi trả cho danh sách đã phê duyệt và đã niêm yết công khai; danh sách đang ở "
                          f"trạng thái «{bl.get_status_display()}».")
    if PaymentBatch.objects.filter(beneficiary_list=bl).exists():
        raise DomainError("Danh sách này đã có đợt chi trả.")
    batch = PaymentBatch.objects.create(beneficiary_list=bl, programme_id=bl.programme_id, commune_id=bl.commune_id,
                                        channel=channel, agent=agent, created_by=actor)
    with connection.cursor() as cursor:
        cursor.execute(*compose(BATCH_LINES_SQL, batch.pk, bl.programme_id, bl.group_id, LineStatus.PENDING, bl.pk,
                                lines=table(PaymentLine), rows=table(ListRow)))
    _batch_totals(batch)
    BATCH_WORKFLOW.record(batch, BatchStep.CREATE, actor=actor, note=f"Qua {agent}")
    audit_record(actor=actor, action="payment.batch_create", obj=batch,
                 summary=f"Lập đợt chi trả {bl} qua {agent}: {vn_number(batch.line_count)} người")
    return batch


def _batch_totals(batch: PaymentBatch) -> None:
    totals = PaymentLine.objects.filter(batch=batch).aggregate(n=Count("pk"), total=Sum("amount"))
    batch.line_count, batch.amount_total = totals["n"] or 0, totals["total"] or 0
    batch.save(update_fields=["line_count", "amount_total", "updated_at"])


def _birth_text() -> pl.Expr:
    return (pl.when(pl.col("birth_precision") == "year").then(pl.col("birth_date").dt.strftime("%Y"))
            .when(pl.col("birth_precision") == "month").then(pl.col("birth_date").dt.strftime("%m/%Y"))
            .otherwise(pl.col("birth_date").dt.strftime("%d/%m/%Y")))


def batch_export(*, actor: User, batch: PaymentBatch, target) -> object:
    """The .xlsx for the agent (one commune): the list to pay, with empty result columns to fill in.
    The first export moves the batch to «sent to the payment agent»."""
    if not batch_visible(actor, batch):
        raise PermissionDenied("Bạn không được xem đợt chi trả này.")
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
                number_columns=[6], text_columns=[3], widths={1: 26, 4: 30},
                total_label="Tổng cộng", total_label_column=1, total_columns=[7])  # the import skips this row
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.OPEN and BATCH_WORKFLOW.can(actor, BatchStep.EXPORT, locked):
            BATCH_WORKFLOW.perform(locked, BatchStep.EXPORT, actor=actor, summary=f"Gửi danh sách chi trả {bl}")
        else:
            audit_record(actor=actor, action="payment.batch_export", obj=batch, summary=f"Xuất danh sách chi trả {bl}")
        access_export(actor=actor, persons=PaymentLine.objects.filter(batch=batch).values("person_id"), obj=batch,
                      what=f"Tải tệp danh sách chi trả {bl} – {bl.programme.name}")
    return target


# --- results ----------------------------------------------------------------------------------------


def results_apply(*, batch: PaymentBatch, frame: pl.DataFrame, actor: User) -> int:
    """Apply checked results to the lines still pending (in the import's transaction, the batch locked);
    returns the number of lines actually updated. When every line has a result the batch (and its list)
    move on."""
    applied = _apply(frame)
    if not PaymentLine.objects.filter(batch=batch, status=LineStatus.PENDING).exists():
        locked = PaymentBatch.objects.get(pk=batch.pk)
        if locked.status in (BatchStatus.OPEN, BatchStatus.EXPORTED):
            BATCH_WORKFLOW.perform(locked, BatchStep.RESULTS, actor=actor, summary=f"Đủ kết quả chi trả {locked}")
            bl = locked.beneficiary_list
            if bl.status == ListStatus.POSTED:
                list_mark_paid(actor=actor, beneficiary_list=bl)
    return applied


RESULT_COLUMNS = ["status", "paid_date", "paid_amount", "unpaid_reason", "returned_amount", "result_at"]
RESULT_STAGING = """
        CREATE TEMPORARY TABLE {staging} (id bigint, status varchar(8), paid_date date, paid_amount bigint,
                                          unpaid_reason varchar(12), returned_amount bigint, result_at timestamptz)
        ON COMMIT DROP"""


def _apply(frame: pl.DataFrame) -> int:
    if frame.is_empty():
        return 0
    now = timezone.now()
    data = frame.select(
        pl.col("line_id").alias("id"), pl.col("result").alias("status"),
        pl.when(pl.col("result") == RESULT_PAID).then(pl.col("paid_date")).alias("paid_date"),
        pl.when(pl.col("result") == RESULT_PAID).then(pl.col("paid_amount")).otherwise(0).alias("paid_amount"),
        pl.when(pl.col("result") == RESULT_UNPAID).then(pl.col("reason")).otherwise(pl.lit("")).alias("unpaid_reason"),
        pl.col("returned").alias("returned_amount"), pl.lit(now).alias("result_at"))
    if connection.vendor == "postgresql":
        return _apply_postgres(data)
    each = placeholders(1)  # bound per line below
    assignments = join(", ", (compose("{c} = {each}", c=identifier(c), each=each) for c in RESULT_COLUMNS))
    statement = compose("UPDATE {lines} SET {assignments} WHERE id = {each} AND status = {each}",
                        lines=table(PaymentLine), assignments=assignments, each=each).text
    updated = 0
    with connection.cursor() as cursor:
        for line_id, *values in data.select("id", *RESULT_COLUMNS).iter_rows():
            cursor.execute(statement, [*values, line_id, LineStatus.PENDING])
            updated += cursor.rowcount
    return updated


def _apply_postgres(data: pl.DataFrame) -> int:
    """The results through a temporary table: one COPY, one UPDATE of the lines still pending."""
    staging = identifier("_result")
    buffer = io.BytesIO()
    data.write_csv(buffer, include_header=False, null_value="\\N")
    assignments = join(", ", (compose("{c} = r.{c}", c=identifier(c)) for c in RESULT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(*compose(RESULT_STAGING, staging=staging))
        with cursor.cursor.copy(compose("COPY {staging} (id, {columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                                        staging=staging, columns=identifiers(RESULT_COLUMNS)).text) as copy:
            copy.write(buffer.getvalue())
        cursor.execute(*compose("UPDATE {lines} l SET {assignments} FROM {staging} r "
                                "WHERE l.id = r.id AND l.status = %s", LineStatus.PENDING,
                                lines=table(PaymentLine), assignments=assignments, staging=staging))
        updated = cursor.rowcount
        cursor.execute(*compose("DROP TABLE {staging}", staging=staging))
    return updated


@dataclass
class ResultsSummary:
    total: int
    applied: int
    unchanged: int
    errors: int
    error_report: Path | None
    message: str = ""
    committed: bool = False


def results_import(*, actor: User, batch: PaymentBatch, path: Path | str, file_name: str = "",
                   confirm_warnings: bool = False) -> ResultsSummary:
    """A results file end to end (scripts, the scenario): check, then apply the valid rows as ``actor``."""
    path = Path(path)
    run = import_run(kind=RESULTS_KIND, actor=actor, file=path, file_name=file_name or path.name,
                     target={"batch": batch}, commit=True, valid_only=True, confirm_warnings=confirm_warnings)
    record = run.record
    if record.status == ImportStatus.FAILED:
        raise DomainError(record.message)
    report = Path(record.error_report.path) if record.error_report else None
    if not run.committed:
        return ResultsSummary(total=record.total_rows, applied=0, unchanged=0, errors=record.error_rows,
                              error_report=report, message=record.message)
    return ResultsSummary(total=record.total_rows, applied=record.applied_rows, unchanged=record.unchanged_rows,
                          errors=record.error_rows, error_report=report, message=record.message, committed=True)


# --- reconciliation ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def batch_reconcile(*, actor: User, batch: PaymentBatch) -> PaymentBatch:
    """Confirm the batch's figures; the list becomes reconciled."""
    locked = BATCH_WORKFLOW.perform(batch, BatchStep.RECONCILE, actor=actor, summary=f"Đối soát {batch}")
    list_reconcile(actor=actor, beneficiary_list=locked.beneficiary_list)
    return locked
