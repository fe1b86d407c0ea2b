"""Writing formatted .xlsx files with xlsxwriter: exports, templates, error reports.

``write_sheet(target, *, title_lines, headers, rows, ...)`` writes a one-sheet workbook;
``open_workbook`` + ``add_table_sheet`` + ``add_notes_sheet`` build several sheets.

Layout of a table sheet: the title lines (bold, centred, merged across the table's
columns), one blank row, the header row (bold, bordered, grey, wrapped, frozen, with an
autofilter), then the rows with thin borders. Without title lines the header is row 1.

Formats:
- dates ``dd/mm/yyyy``. A ``ParsedDate`` of month or year precision is written as the
  text "02/1950" / "1950" (Excel has no partial date).
- money: integer VND, number format ``#,##0``. In a format code ``,`` means "thousands
  separator" and ``.`` "decimal point"; Excel renders them with the *user's* locale, so a
  Vietnamese Windows shows 1.500.000 and an English one 1,500,000, while the cell stays a
  number that sums. ``#.##0`` is *not* a workaround: Excel reads it as a decimal format.
  Exports that must print "1.500.000 đ" whatever the locale should write the text
  (``ansinh.core.formatting.vn_money``) in a text column instead.
- text columns (identity numbers, phones, codes) are written as strings and the column
  is formatted ``@`` so values typed later in a template keep their leading zeros.

Speed: ``constant_memory`` (rows streamed to a temporary file, the default for files on
disk) keeps memory flat; each column gets its writer once, no per-cell type dispatch
except for "general" columns. A ``BytesIO`` target is written in memory (xlsxwriter
cannot stream into a buffer). See benchmarks/read_xlsx.py for figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ansinh.core.dates import ParsedDate

DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
TEXT_FORMAT = "@"
HIGHLIGHT = "#FFE0E0"
FONT = "Times New Roman"  # the font of official documents (NĐ 30/2020)
MAX_WIDTH = 60
SAMPLE_ROWS = 200

Target = str | Path | IO[bytes]


def open_workbook(target: Target, *, constant_memory: bool = True) -> Workbook:
    in_memory = not isinstance(target, str | Path)
    return xlsxwriter.Workbook(
        str(target) if not in_memory else target,
        {
            "constant_memory": constant_memory and not in_memory,
            "in_memory": in_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
        },
    )


class _Formats:
    """Formats are workbook-level objects: create each once."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format({"font_name": FONT, "font_size": 12, **props})
        return self._cache[key]

    def cell(self, num_format: str | None, highlight: bool):
        props: dict[str, Any] = {"border": 1, "valign": "top"}
        if num_format:
            props["num_format"] = num_format
        if highlight:
            props["bg_color"] = HIGHLIGHT
        return self.get(**props)


def _formats(wb: Workbook) -> _Formats:
    if not hasattr(wb, "_ansinh_formats"):
        wb._ansinh_formats = _Formats(wb)
    return wb._ansinh_formats


Writer = Callable[[Worksheet, int, int, Any, Any, Any], None]


def _write_general(ws: Worksheet, r: int, c: int, v: Any, fmt, date_fmt) -> None:
    if v is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, v, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, v, date_fmt)
    elif isinstance(v, ParsedDate):
        _write_date(ws, r, c, v, fmt, date_fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def _write_text(ws: Worksheet, r: int, c: int, v: Any, fmt, date_fmt) -> None:
    if v is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, v, fmt)
    elif isinstance(v, float) and v.is_integer():
        ws.write_string(r, c, str(int(v)), fmt)
    elif isinstance(v, dt.date):
        ws.write_string(r, c, v.strftime("%d/%m/%Y"), fmt)
    elif isinstance(v, ParsedDate):
        ws.write_string(r, c, v.display(), fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def _write_date(ws: Worksheet, r: int, c: int, v: Any, fmt, date_fmt) -> None:
    if isinstance(v, ParsedDate):
        if v.precision == "day":
            ws.write_datetime(r, c, v.date, date_fmt)
        else:
            ws.write_string(r, c, v.display(), fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, v, date_fmt)
    else:
        _write_general(ws, r, c, v, fmt, date_fmt)


def _write_money(ws: Worksheet, r: int, c: int, v: Any, fmt, date_fmt) -> None:
    if isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    else:
        _write_general(ws, r, c, v, fmt, date_fmt)


def _display_len(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, dt.date | ParsedDate):
        return 10
    if isinstance(v, int | float) and not isinstance(v, bool):
        return len(f"{v:,.0f}")
    return max((len(line) for line in str(v).splitlines()), default=0)


def _widths(headers: Sequence[str], sample: Sequence[Sequence[Any]], fixed: Mapping[int, int]) -> list[float]:
    widths = []
    for c, header in enumerate(headers):
        if c in fixed:
            widths.append(fixed[c])
            continue
        longest = max((_display_len(row[c]) for row in sample if c < len(row)), default=0)
        header_words = max((len(w) for w in str(header).split()), default=0)
        widths.append(min(MAX_WIDTH, max(6, longest + 2, header_words + 2, min(len(str(header)), 24) + 2)))
    return widths


def _column_writers(ncols, column_formats, money_columns, date_columns, text_columns):
    money, dates, texts = set(money_columns), set(date_columns), set(text_columns)
    custom = dict(column_formats or {})
    writers: list[Writer] = []
    num_formats: list[str | None] = []
    for c in range(ncols):
        if c in custom:
            writer, num_format = _write_general, custom[c]
        elif c in dates:
            writer, num_format = _write_date, DATE_FORMAT
        elif c in money:
            writer, num_format = _write_money, MONEY_FORMAT
        elif c in texts:
            writer, num_format = _write_text, TEXT_FORMAT
        else:
            writer, num_format = _write_general, None
        writers.append(writer)
        num_formats.append(num_format)
    return writers, num_formats


def add_table_sheet(
    wb: Workbook,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_lines: Sequence[str] = (),
    sheet_name: str = "Danh sách",
    column_formats: Mapping[int, str] | None = None,
    money_columns: Iterable[int] = (),
    date_columns: Iterable[int] = (),
    text_columns: Iterable[int] = (),
    widths: Mapping[int, int] | None = None,
    choices: Mapping[int, Sequence[str]] | None = None,
    highlight_column: int | None = None,
    autofilter: bool = True,
) -> int:
    """Write one table sheet; return the number of data rows written."""
    fmts = _formats(wb)
    ws = wb.add_worksheet(sheet_name[:31])
    ncols = len(headers)
    writers, num_formats = _column_writers(ncols, column_formats, money_columns, date_columns, text_columns)
    normal = [fmts.cell(n, False) for n in num_formats]
    marked = [fmts.cell(n, True) for n in num_formats]
    date_normal, date_marked = fmts.cell(DATE_FORMAT, False), fmts.cell(DATE_FORMAT, True)

    rows = iter(rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for c, width in enumerate(_widths(headers, sample, widths or {})):
        ws.set_column(c, c, width, fmts.get(num_format=num_formats[c]) if num_formats[c] else None)

    r = 0
    title_fmt = fmts.get(bold=True, align="center", valign="vcenter", font_size=13)
    for line in title_lines:
        if ncols > 1:
            ws.merge_range(r, 0, r, ncols - 1, line, title_fmt)
        else:
            ws.write_string(r, 0, line, title_fmt)
        r += 1
    if title_lines:
        r += 1
    header_row = r
    header_fmt = fmts.get(bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color="#D9D9D9")
    for c, header in enumerate(headers):
        ws.write_string(header_row, c, str(header), header_fmt)
    ws.freeze_panes(header_row + 1, 0)

    r = header_row + 1
    for row in itertools.chain(sample, rows):
        hit = highlight_column is not None and highlight_column < len(row) and bool(row[highlight_column])
        cells, dfmt = (marked, date_marked) if hit else (normal, date_normal)
        for c, v in enumerate(row[:ncols]):
            writers[c](ws, r, c, v, cells[c], dfmt)
        r += 1
    written = r - header_row - 1
    if autofilter and ncols:
        ws.autofilter(header_row, 0, max(header_row, r - 1), ncols - 1)
    for c, labels in (choices or {}).items():
        ws.data_validation(header_row + 1, c, header_row + max(written, 1000), c, {
            "validate": "list", "source": list(labels),
            "error_title": "Giá trị không hợp lệ", "error_message": "Chọn một giá trị trong danh sách: " + ", ".join(labels),
        })
    return written


def add_notes_sheet(wb: Workbook, *, sheet_name: str, lines: Sequence[tuple[str, str]], title: str = "") -> None:
    """A two-column "label: value" sheet (summaries, explanations)."""
    fmts = _formats(wb)
    ws = wb.add_worksheet(sheet_name[:31])
    ws.set_column(0, 0, 32)
    ws.set_column(1, 1, 90, fmts.get(text_wrap=True, valign="top"))
    r = 0
    if title:
        ws.write_string(0, 0, title, fmts.get(bold=True, font_size=13))
        r = 2
    for label, value in lines:
        ws.write_string(r, 0, label, fmts.get(bold=True, valign="top"))
        ws.write_string(r, 1, value, fmts.get(text_wrap=True, valign="top"))
        r += 1


def write_sheet(
    target: Target,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title_lines: Sequence[str] = (),
    column_formats: Mapping[int, str] | None = None,
    money_columns: Iterable[int] = (),
    date_columns: Iterable[int] = (),
    text_columns: Iterable[int] = (),
    widths: Mapping[int, int] | None = None,
    choices: Mapping[int, Sequence[str]] | None = None,
    highlight_column: int | None = None,
    sheet_name: str = "Danh sách",
    constant_memory: bool = True,
) -> Target:
    """Write a one-sheet workbook (see the module doc for the layout); return ``target``."""
    wb = open_workbook(target, constant_memory=constant_memory)
    try:
        add_table_sheet(
            wb, headers=headers, rows=rows, title_lines=title_lines, sheet_name=sheet_name,
            column_formats=column_formats, money_columns=money_columns, date_columns=date_columns,
            text_columns=text_columns, widths=widths, choices=choices, highlight_column=highlight_column,
        )
    finally:
        wb.close()
    return target
