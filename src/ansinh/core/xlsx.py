"""Writing formatted .xlsx files with xlsxwriter: exports, templates, error reports.

``write_sheet(target, *, headers, rows, title_lines=..., ...)`` writes a one-sheet workbook (the layout keywords
are the fields of ``TableLayout``);
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
- counts (``number_columns``): ``#,##0`` too; percentages (``percent_columns``): the fraction (0,9613) as a
  number with the format ``0.00%`` (shown 96,13% on a Vietnamese Excel or LibreOffice), never the text "96,13%".
- text columns (identity numbers, phones, codes) are written as strings and the column
  is formatted ``@`` so values typed later in a template keep their leading zeros.
- a total row (``total_label`` and ``total_columns``): «Tổng cộng» under the rows, each total a ``SUM`` formula
  over the column with its value stored too (a reader that does not compute formulas sees the figure);
  ``total_ratios`` gives a percentage column of the total row as the ratio of two totals.

Speed: ``constant_memory`` (rows streamed to a temporary file, the default for files on
disk) keeps memory flat; each column gets its writer once, no per-cell type dispatch
except for "general" columns. A ``BytesIO`` target is written in memory (xlsxwriter
cannot stream into a buffer). See benchmarks/read_xlsx.py for figures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ansinh.core.dates import ParsedDate

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # what a download says
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
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


@dataclass(frozen=True)
class TableLayout:
    """How a table sheet looks, apart from its headers and rows (the keywords of ``add_table_sheet``/``write_sheet``).

    Columns are 0-based indexes: ``money_columns`` (``#,##0``), ``date_columns`` (``dd/mm/yyyy``), ``text_columns``
    (written as text, formatted ``@``), ``column_formats`` (any other number format), ``widths`` (fixed widths;
    the others from the header and the first rows), ``choices`` (a drop-down list per column),
    ``highlight_column`` (rows whose value there is truthy are shaded)."""

    title_lines: Sequence[str] = ()
    sheet_name: str = "Danh sách"
    column_formats: Mapping[int, str] | None = None
    money_columns: Iterable[int] = ()
    date_columns: Iterable[int] = ()
    text_columns: Iterable[int] = ()
    widths: Mapping[int, int] | None = None
    choices: Mapping[int, Sequence[str]] | None = None
    highlight_column: int | None = None
    autofilter: bool = True
    number_columns: Iterable[int] = ()
    percent_columns: Iterable[int] = ()
    total_label: str = ""  # e.g. "Tổng cộng": a total row under the data rows
    total_label_column: int | None = None  # where the label goes (default: the first column not summed)
    total_columns: Iterable[int] = ()  # summed in the total row
    total_ratios: Mapping[int, tuple[int, int]] | None = None  # percent column -> (numerator, denominator) columns


def _column_writers(ncols: int, layout: TableLayout) -> tuple[list[Writer], list[str | None]]:
    money, dates, texts = set(layout.money_columns), set(layout.date_columns), set(layout.text_columns)
    custom = {**{c: NUMBER_FORMAT for c in layout.number_columns}, **{c: PERCENT_FORMAT for c in layout.percent_columns},
              **dict(layout.column_formats or {})}
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


def _write_title(ws: Worksheet, fmts: _Formats, title_lines: Sequence[str], ncols: int) -> int:
    """The merged title lines and the blank row after them; returns the header's row."""
    title_fmt = fmts.get(bold=True, align="center", valign="vcenter", font_size=13)
    for r, line in enumerate(title_lines):
        if ncols > 1:
            ws.merge_range(r, 0, r, ncols - 1, line, title_fmt)
        else:
            ws.write_string(r, 0, line, title_fmt)
    return len(title_lines) + 1 if title_lines else 0


def _write_header(ws: Worksheet, fmts: _Formats, headers: Sequence[str], header_row: int) -> None:
    header_fmt = fmts.get(bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color="#D9D9D9")
    for c, header in enumerate(headers):
        ws.write_string(header_row, c, str(header), header_fmt)
    ws.freeze_panes(header_row + 1, 0)


def _write_choices(ws: Worksheet, choices: Mapping[int, Sequence[str]], header_row: int, written: int) -> None:
    for c, labels in choices.items():
        ws.data_validation(header_row + 1, c, header_row + max(written, 1000), c, {
            "validate": "list", "source": list(labels),
            "error_title": "Giá trị không hợp lệ", "error_message": "Chọn một giá trị trong danh sách: " + ", ".join(labels),
        })


def add_table_sheet(wb: Workbook, *, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                    layout: TableLayout | None = None, **options: Any) -> int:
    """Write one table sheet laid out by ``layout`` and/or the ``TableLayout`` keywords (``title_lines``,
    ``money_columns``…); return the number of data rows written."""
    layout = replace(layout or TableLayout(), **options)
    fmts = _formats(wb)
    ws = wb.add_worksheet(layout.sheet_name[:31])
    ncols = len(headers)
    writers, num_formats = _column_writers(ncols, layout)
    normal = [fmts.cell(n, False) for n in num_formats]
    marked = [fmts.cell(n, True) for n in num_formats]
    date_normal, date_marked = fmts.cell(DATE_FORMAT, False), fmts.cell(DATE_FORMAT, True)

    rows = iter(rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for c, width in enumerate(_widths(headers, sample, layout.widths or {})):
        ws.set_column(c, c, width, fmts.get(num_format=num_formats[c]) if num_formats[c] else None)

    header_row = _write_title(ws, fmts, layout.title_lines, ncols)
    _write_header(ws, fmts, headers, header_row)

    r = header_row + 1
    highlight = layout.highlight_column
    summed = {c: 0 for c in layout.total_columns} if layout.total_label else {}
    for row in itertools.chain(sample, rows):
        hit = highlight is not None and highlight < len(row) and bool(row[highlight])
        cells, dfmt = (marked, date_marked) if hit else (normal, date_normal)
        for c, v in enumerate(row[:ncols]):
            writers[c](ws, r, c, v, cells[c], dfmt)
        for c in summed:
            v = row[c] if c < len(row) else None
            if isinstance(v, int | float) and not isinstance(v, bool):
                summed[c] += v
        r += 1
    written = r - header_row - 1
    if layout.autofilter and ncols:
        ws.autofilter(header_row, 0, max(header_row, r - 1), ncols - 1)
    if layout.total_label:
        _write_total(ws, fmts, layout, num_formats, summed, first=header_row + 1, row=r)
    _write_choices(ws, layout.choices or {}, header_row, written)
    return written


def _write_total(ws: Worksheet, fmts: _Formats, layout: TableLayout, num_formats: list[str | None],
                 summed: dict[int, int | float], *, first: int, row: int) -> None:
    """The «Tổng cộng» row: SUM formulas (with their values stored) under the total columns, ratios of totals."""
    ratios = dict(layout.total_ratios or {})
    label_column = layout.total_label_column
    if label_column is None:
        label_column = next(c for c in range(len(num_formats)) if c not in summed and c not in ratios)
    for c, num_format in enumerate(num_formats):
        props = {"bold": True, "border": 1, **({"num_format": num_format} if num_format else {})}
        fmt = fmts.get(**props)
        if c == label_column:
            ws.write_string(row, c, layout.total_label, fmt)
        elif c in summed:
            top, bottom = xl_rowcol_to_cell(first, c), xl_rowcol_to_cell(max(row - 1, first), c)
            formula = f"=SUM({top}:{bottom})" if row > first else "=0"
            ws.write_formula(row, c, formula, fmt, summed[c])
        elif c in ratios:
            num, den = ratios[c]
            n_cell, d_cell = xl_rowcol_to_cell(row, num), xl_rowcol_to_cell(row, den)
            value = summed.get(num, 0) / summed[den] if summed.get(den) else 0
            ws.write_formula(row, c, f"=IF({d_cell}=0,0,{n_cell}/{d_cell})", fmt, value)
        else:
            ws.write_blank(row, c, None, fmt)


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


def write_sheet(target: Target, *, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                layout: TableLayout | None = None, constant_memory: bool = True, **options: Any) -> Target:
    """Write a one-sheet workbook (see the module doc for the layout; ``options``: the ``TableLayout``
    keywords); return ``target``."""
    wb = open_workbook(target, constant_memory=constant_memory)
    try:
        add_table_sheet(wb, headers=headers, rows=rows, layout=layout, **options)
    finally:
        wb.close()
    return target
