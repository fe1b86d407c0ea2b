"""The period report of petitions as a table (kinds × statuses, with the totals), on the page and as .xlsx with its
numbers as numbers and a «Tổng cộng» row."""

from __future__ import annotations

import datetime as dt
import io

from ansinh.casework.models import PetitionKind, PetitionStatus
from ansinh.core.xlsx import write_sheet

HEADERS = ["STT", "Loại đơn", "Tổng số đơn nhận trong kỳ", *[str(label) for label in PetitionStatus.labels]]


def report_table(counts: list[dict]) -> list[list]:
    """``counts`` (kind, status, n) → one row per kind: STT, kind, total, then one count per status."""
    by_kind: dict[str, dict[str, int]] = {}
    for row in counts:
        by_kind.setdefault(row["kind"], {})[row["status"]] = int(row["n"])
    rows = []
    for i, (kind, label) in enumerate(PetitionKind.choices, start=1):
        statuses = by_kind.get(kind, {})
        rows.append([i, str(label), sum(statuses.values()), *[statuses.get(s, 0) for s in PetitionStatus.values]])
    return rows


def report_xlsx(rows: list[list], *, first: dt.date, last: dt.date, area_name: str) -> bytes:
    buffer = io.BytesIO()
    counted = range(2, len(HEADERS))
    write_sheet(buffer, headers=HEADERS, rows=rows, title_lines=[
        "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, XỬ LÝ ĐƠN KHIẾU NẠI, TỐ CÁO, KIẾN NGHỊ, PHẢN ÁNH",
        f"{area_name} — từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"],
        sheet_name="Đơn thư", number_columns=counted, total_label="Tổng cộng", total_label_column=1,
        total_columns=counted, widths={1: 18})
    return buffer.getvalue()
