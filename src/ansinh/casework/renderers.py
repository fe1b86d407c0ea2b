"""The period report as two tables, on the page and as one .xlsx (one sheet each, numbers as numbers, a «Tổng cộng»
row): the petitions received (kinds × statuses, with the second-time complaints among them) and the citizens
received (the register's entries by classification: people, delegations, sessions, outcomes)."""

from __future__ import annotations

import datetime as dt
import io

from ansinh.casework.models import PetitionKind, PetitionStatus, ReceptionOutcome, ReceptionSession
from ansinh.core.xlsx import add_table_sheet, open_workbook

HEADERS = ["STT", "Loại đơn", "Tổng số đơn nhận trong kỳ", "Trong đó khiếu nại lần hai",
           *[str(label) for label in PetitionStatus.labels]]
RECEPTION_HEADERS = ["STT", "Phân loại vụ việc", "Số lượt tiếp", "Số người được tiếp", "Số đoàn đông người",
                     *[str(label) for label in ReceptionSession.labels],
                     *[str(label) for label in ReceptionOutcome.labels]]


def report_table(counts: list[dict]) -> list[list]:
    """``counts`` (kind, status, n, second) → one row per kind: STT, kind, total, second-time, one count per status."""
    by_kind: dict[str, dict[str, int]] = {}
    second: dict[str, int] = {}
    for row in counts:
        by_kind.setdefault(row["kind"], {})[row["status"]] = int(row["n"])
        second[row["kind"]] = second.get(row["kind"], 0) + int(row.get("second") or 0)
    rows = []
    for i, (kind, label) in enumerate(PetitionKind.choices, start=1):
        statuses = by_kind.get(kind, {})
        rows.append([i, str(label), sum(statuses.values()), second.get(kind, 0),
                     *[statuses.get(s, 0) for s in PetitionStatus.values]])
    return rows


def reception_table(counts: list[dict]) -> list[list]:
    """``counts`` (kind, session, outcome, n, people, delegations) → one row per classification."""
    rows = []
    for i, (kind, label) in enumerate(PetitionKind.choices, start=1):
        mine = [c for c in counts if c["kind"] == kind]
        sessions = [sum(int(c["n"]) for c in mine if c["session"] == s) for s in ReceptionSession.values]
        outcomes = [sum(int(c["n"]) for c in mine if c["outcome"] == o) for o in ReceptionOutcome.values]
        rows.append([i, str(label), sum(int(c["n"]) for c in mine), sum(int(c["people"] or 0) for c in mine),
                     sum(int(c["delegations"] or 0) for c in mine), *sessions, *outcomes])
    return rows


def totals(rows: list[list]) -> list[int]:
    """The column totals of a table's counted columns (from the third on)."""
    return [sum(column) for column in zip(*(row[2:] for row in rows), strict=True)] if rows else []


def report_xlsx(rows: list[list], *, first: dt.date, last: dt.date, area_name: str,
                reception_rows: list[list] | None = None) -> bytes:
    buffer = io.BytesIO()
    period = f"{area_name} — từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
    wb = open_workbook(buffer)
    try:
        counted = range(2, len(HEADERS))
        add_table_sheet(wb, headers=HEADERS, rows=rows, title_lines=[
            "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, XỬ LÝ ĐƠN KHIẾU NẠI, TỐ CÁO, KIẾN NGHỊ, PHẢN ÁNH", period],
            sheet_name="Đơn thư", number_columns=counted, total_label="Tổng cộng", total_label_column=1,
            total_columns=counted, widths={1: 18})
        if reception_rows is not None:
            counted = range(2, len(RECEPTION_HEADERS))
            add_table_sheet(wb, headers=RECEPTION_HEADERS, rows=reception_rows, title_lines=[
                "BÁO CÁO KẾT QUẢ TIẾP CÔNG DÂN", period],
                sheet_name="Tiếp công dân", number_columns=counted, total_label="Tổng cộng", total_label_column=1,
                total_columns=counted, widths={1: 18})
    finally:
        wb.close()
    return buffer.getvalue()
