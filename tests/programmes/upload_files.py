"""Excel files shaped like QĐ 15's Mẫu 01–04, as communes send them (title rows, header, numbering row, footer)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def workbook(path: Path, headers: list[str], rows: list[list], *, title: str = "DANH SÁCH ĐỀ NGHỊ HỖ TRỢ",
             sub_headers: list[str] | None = None, numbering: bool = True, footer: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND XÃ CẨM BÌNH"])
    ws.append([title])
    ws.append([])
    ws.append(headers)
    if sub_headers:
        ws.append(sub_headers)
        top = ws.max_row - 1
        col = 0
        while col < len(headers):  # a group header merged across its sub-headers, as Excel forms do
            end = col
            while end + 1 < len(headers) and headers[end + 1] == "" and sub_headers[end + 1]:
                end += 1
            if end > col:
                ws.merge_cells(start_row=top, start_column=col + 1, end_row=top, end_column=end + 1)
            col = end + 1
    if numbering:
        ws.append([f"({i})" for i in range(1, len(headers) + 1)])
    for row in rows:
        ws.append(row)
    if footer:
        ws.append([])
        ws.append(["", "Người lập biểu", "", "", "Cẩm Bình, ngày 20 tháng 4 năm 2020"])
    wb.save(path)
    return path


MAU04_HEADERS = ["STT", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CMND/CCCD", "Nơi ở hiện tại",
                 "Công việc bị mất", "Số tháng đề nghị hỗ trợ", "Ghi chú"]


def mau04(path: Path, rows: list[list], **kw) -> Path:
    return workbook(path, MAU04_HEADERS, rows, title="DANH SÁCH NGƯỜI LAO ĐỘNG KHÔNG CÓ GIAO KẾT HĐLĐ BỊ MẤT VIỆC LÀM",
                    **kw)


def mau04_row(stt, name, birth, sex, identity, months=3, job="Bán hàng rong", village="Thôn Trung Tiến"):
    return [stt, name, birth, sex, identity, village, job, months, ""]
