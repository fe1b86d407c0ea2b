"""The monthly payroll for the payment agent: the sheets sent to it, their payees, and its results back through
the payroll's own results import kind (``payroll_results``) — JSON rows become the results file the page takes."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.files.base import ContentFile
from ninja import Query, Router, Status

from ansinh.accounts.permissions import identity_for
from ansinh.api import records, schemas
from ansinh.api.endpoints import imports
from ansinh.api.endpoints.common import ERRORS, account, returned
from ansinh.api.errors import ApiError
from ansinh.core.params import int_param
from ansinh.payroll import selectors
from ansinh.payroll.imports import RESULT_CHOICES, RESULTS_KIND
from ansinh.payroll.models import SheetStatus, UnpaidReason
from ansinh.payroll.permissions import can_see_payroll

router = Router(tags=["Chi trả hằng tháng (tổ chức chi trả)"])
PAGE_SIZE = 50


class SheetFilter(schemas.Strict):
    status: SheetStatus | None = None
    cursor: str | None = schemas.Field(None, max_length=20, pattern=r"^[0-9]+$")


def _require_reader(user) -> None:
    if not can_see_payroll(user):
        raise HttpForbidden


@router.get("/sheets", response={200: schemas.SheetPage, **ERRORS}, operation_id="payroll_sheets",
            summary="Các bảng chi trả (tổ chức chi trả: chỉ các bảng gửi cho mình)")
def payroll_sheets(request, filters: Query[SheetFilter]):
    user = account(request)
    _require_reader(user)
    qs = selectors.sheets_for_user(user=user, status=filters.status or "").order_by("-id")
    before = int_param({"c": filters.cursor or ""}, "c")
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: PAGE_SIZE + 1])
    page = rows[:PAGE_SIZE]
    return {"results": [records.sheet_record(s) for s in page],
            "next_cursor": str(page[-1].pk) if len(rows) > PAGE_SIZE else None}


@router.get("/sheets/{int:sheet_id}", response={200: schemas.SheetDetailOut, **ERRORS}, operation_id="payroll_sheet",
            summary="Một bảng chi trả và những người được chi")
def payroll_sheet(request, sheet_id: int):
    user = account(request)
    _require_reader(user)
    sheet = selectors.sheet_get(user=user, pk=sheet_id)
    payees = selectors.payees_frame(selectors.sheet_lines_frame(sheet)).to_dicts()
    returned(request, persons=[p["person_id"] for p in payees])
    return {**records.sheet_record(sheet), "period": f"{sheet.month:%m/%Y}",
            "payees": [{**p, "identity": identity_for(user, p["identity"])} for p in payees]}


RESULT_LABELS = {code: labels[0] for code, labels in RESULT_CHOICES}
HEADERS = ("STT", "Số định danh", "Kỳ chi trả", "Tổng số tiền", "Kết quả", "Ngày chi trả", "Lý do không chi trả")


def results_file(rows: list[schemas.ResultRowIn]) -> ContentFile:
    """The agent's JSON rows as the results file the payroll's import kind reads (its own column names)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for r in rows:
        writer.writerow([r.seq, r.identity or "", r.period, r.total, RESULT_LABELS[r.result],
                         f"{r.paid_date:%d/%m/%Y}" if r.paid_date else "",
                         str(UnpaidReason(r.reason).label) if r.reason else ""])
    return ContentFile(out.getvalue().encode("utf-8-sig"), name="ket-qua-chi-tra.csv")


@router.post("/sheets/{int:sheet_id}/results", response={201: schemas.ImportStatusOut, **ERRORS},
             operation_id="payroll_results_create", summary="Gửi kết quả chi trả của một bảng (kiểm tra, chưa ghi)")
def payroll_results_create(request, sheet_id: int, payload: schemas.ResultsIn):
    """Mỗi người của bảng một dòng (``seq`` = STT trên bảng chi trả). Được kiểm tra như tệp kết quả tải lên trên
    trang; chưa ghi gì cho đến khi gọi ``commit``."""
    user = account(request)
    _require_reader(user)
    sheet = selectors.sheet_get(user=user, pk=sheet_id)
    if len({r.seq for r in payload.rows}) != len(payload.rows):
        raise ApiError(422, "invalid_request", "Mỗi STT chỉ có một dòng kết quả.")
    status = imports.receive(kind=RESULTS_KIND, actor=user, file=results_file(payload.rows),
                             file_name=f"ket-qua-bang-{sheet.pk}.csv", target={"sheet": sheet})
    return Status(201, status)


@router.get("/results/{int:results_id}", response={200: schemas.ImportStatusOut, **ERRORS},
            operation_id="payroll_results_read", summary="Tình trạng kiểm tra, ghi kết quả chi trả")
def payroll_results_read(request, results_id: int):
    return records.import_status(selectors.results_import_get(user=account(request), pk=results_id))


@router.post("/results/{int:results_id}/commit", response={200: schemas.ImportStatusOut, **ERRORS},
             operation_id="payroll_results_commit", summary="Ghi kết quả chi trả đã kiểm tra")
def payroll_results_commit(request, results_id: int, payload: schemas.CommitIn):
    user = account(request)
    record = selectors.results_import_get(user=user, pk=results_id)
    return imports.commit(actor=user, record=record, valid_only=payload.valid_only,
                          confirm_warnings=payload.confirm_warnings)
