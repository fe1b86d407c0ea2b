"""Streamed .xlsx tables for the payroll's lists: the province's 200 commune lists of a month (10⁵ people, 2·10⁶
cells) are written in seconds, where a cell-by-cell writer (``core.xlsx``, xlsxwriter) takes a minute.

The same layout as ``core.xlsx.add_table_sheet`` — title lines merged and centred, the bordered grey header frozen
under them with an autofilter, thin borders, money as numbers formatted ``#,##0``, text columns as text — written
directly as SpreadsheetML (inline strings, no shared-string table) into a deflated zip. Opened by Excel, LibreOffice
(``soffice --convert-to pdf``), openpyxl and calamine (the import engine).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

FONT = "Times New Roman"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# cell styles (xf ids of styles.xml)
TITLE, HEADER, TEXT, MONEY, LABEL, VALUE, NUMBER = 1, 2, 3, 4, 5, 6, 7


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_COLUMNS = [_column(i) for i in range(200)]


def _text(value: str) -> str:
    value = _CONTROL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Table:
    """One sheet: ``rows`` are sequences of cells (str, int, float or None), ``money`` the 0-based columns written
    as numbers formatted ``#,##0``, ``widths`` fixed column widths (characters)."""

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title_lines: Sequence[str] = ()
    money: Sequence[int] = ()
    widths: dict[int, float] = field(default_factory=dict)


@dataclass
class Notes:
    """A two-column «label: value» sheet."""

    name: str
    title: str
    lines: Sequence[tuple[str, str]]


def _sheet_xml(table: Table) -> str:
    ncols = len(table.headers)
    money = set(table.money)
    header_row = len(table.title_lines) + (2 if table.title_lines else 1)  # 1-based
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
           'org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0">'
           f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
           '</sheetView></sheetViews><cols>']
    for c, header in enumerate(table.headers):
        width = table.widths.get(c) or min(60, max(6, len(str(header)) + 2 if len(str(header)) < 16 else 16))
        out.append(f'<col min="{c + 1}" max="{c + 1}" width="{width}" customWidth="1"/>')
    out.append("</cols><sheetData>")
    for r, line in enumerate(table.title_lines, start=1):
        out.append(f'<row r="{r}"><c r="A{r}" s="{TITLE}" t="inlineStr"><is><t xml:space="preserve">{_text(line)}'
                   "</t></is></c></row>")
    cells = "".join(f'<c r="{_COLUMNS[c]}{header_row}" s="{HEADER}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(str(h))}</t></is></c>" for c, h in enumerate(table.headers))
    out.append(f'<row r="{header_row}">{cells}</row>')
    r = header_row
    for row in table.rows:
        r += 1
        parts = [f'<row r="{r}">']
        for c in range(ncols):
            value = row[c] if c < len(row) else None
            ref = f"{_COLUMNS[c]}{r}"
            if value is None or value == "":
                parts.append(f'<c r="{ref}" s="{MONEY if c in money else TEXT}"/>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" s="{NUMBER}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                parts.append(f'<c r="{ref}" s="{MONEY if c in money else NUMBER}"><v>{value}</v></c>')
            else:
                parts.append(f'<c r="{ref}" s="{TEXT}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}'
                             "</t></is></c>")
        parts.append("</row>")
        out.append("".join(parts))
    out.append("</sheetData>")
    last = _COLUMNS[ncols - 1]
    out.append(f'<autoFilter ref="A{header_row}:{last}{max(r, header_row)}"/>')
    if table.title_lines and ncols > 1:
        merges = "".join(f'<mergeCell ref="A{i}:{last}{i}"/>' for i in range(1, len(table.title_lines) + 1))
        out.append(f'<mergeCells count="{len(table.title_lines)}">{merges}</mergeCells>')
    out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               '<pageSetup orientation="landscape" paperSize="9" fitToWidth="1" fitToHeight="0"/></worksheet>')
    return "".join(out)


def _notes_xml(notes: Notes) -> str:
    rows = [f'<row r="1"><c r="A1" s="{TITLE}" t="inlineStr"><is><t xml:space="preserve">{_text(notes.title)}</t></is>'
            "</c></row>"]
    for r, (label, value) in enumerate(notes.lines, start=3):
        rows.append(f'<row r="{r}"><c r="A{r}" s="{LABEL}" t="inlineStr"><is><t xml:space="preserve">{_text(label)}'
                    f'</t></is></c><c r="B{r}" s="{VALUE}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}'
                    "</t></is></c></row>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main"><cols><col min="1" max="1" width="44" customWidth="1"/>'
            '<col min="2" max="2" width="90" customWidth="1"/></cols><sheetData>' + "".join(rows) + "</sheetData>"
            '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/></worksheet>')


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="3"><font><sz val="12"/><name val="{FONT}"/></font><font><b/><sz val="12"/><name val="{FONT}"/></font>
<font><b/><sz val="13"/><name val="{FONT}"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>
<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _sheet_name(name: str) -> str:
    return _text(re.sub(r"[\[\]:*?/\\]", " ", name)[:31])


def write_workbook(target: str | IO[bytes], sheets: Sequence[Table | Notes]) -> None:
    """Write the sheets to ``target`` (a path or a binary file object)."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                     'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                     'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                     'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType='
                     '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + overrides + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>")
    sheet_entries = "".join(f'<sheet name="{_sheet_name(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                            for i, s in enumerate(sheets, start=1))
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships"><sheets>{sheet_entries}</sheets></workbook>')
    workbook_rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                            for i in range(1, len(sheets) + 1))
    workbook_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                     'openxmlformats.org/package/2006/relationships">' + workbook_rels
                     + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", rels)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        package.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            xml = _notes_xml(sheet) if isinstance(sheet, Notes) else _sheet_xml(sheet)
            package.writestr(f"xl/worksheets/sheet{i}.xml", xml)
