"""Official documents in the NĐ 30/2020/NĐ-CP layout (Phụ lục I), written with python-docx; PDF through
LibreOffice headless. A4 portrait, margins 20 / 20 / 30 / 15 mm, Times New Roman; national title and motto
(a rule under it), issuing body (a short rule), number and symbol, place and date (italic), type and summary, body
(14 pt, justified, first-line indent 1,27 cm, 6 pt after, line spacing 1,15), authority and signer, «Nơi nhận».
Page numbers centred in the top margin from the second page on."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from ansinh.core.errors import DomainError

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TEXT_CM = 16.5  # 210 mm − 30 mm − 15 mm
LEFT_CM, RIGHT_CM = 6.8, 9.7


@dataclass
class Header:
    parent_body: str  # UBND TỈNH HÀ TĨNH
    issuing_body: str  # SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI
    symbol: str  # 309/TB-SLĐTBXH
    place_date: str  # Hà Tĩnh, ngày 14 tháng 7 năm 2020


@dataclass
class Block:
    kind: str  # "para", "heading", "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    widths_cm: list[float] = field(default_factory=list)


@dataclass
class OfficialDocument:
    header: Header
    doc_type_name: str  # THÔNG BÁO
    summary: str
    blocks: list[Block]
    authority: str  # TL. GIÁM ĐỐC
    signer_title: str  # CHÁNH VĂN PHÒNG
    signer_name: str
    recipients: list[str]


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(container, text: str, size: float, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          after: float = 0, before: float = 0):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.line_spacing = 1.0
    if text:
        _font(p.add_run(text), size, bold=bold, italic=italic)
    return p


def _rule(paragraph, *, indent_cm: float) -> None:
    """A solid line under the paragraph, shortened by ``indent_cm`` on each side."""
    pf = paragraph.paragraph_format
    pf.left_indent = pf.right_indent = Cm(indent_cm)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def _widths(table, widths_cm: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour (the grid and every cell)."""
    table.autofit = False
    for col, width in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(width)
        for cell in col.cells:
            cell.width = Cm(width)


def _rule_line(container, *, width_cm: float, column_cm: float, after: float = 0) -> None:
    """A paragraph holding only a centred solid rule ``width_cm`` long in a column ``column_cm`` wide."""
    p = _para(container, "", 2, after=after)
    _rule(p, indent_cm=max((column_cm - width_cm) / 2, 0))


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _page_number_header(section) -> None:
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def write_docx(doc: OfficialDocument, path: Path) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.paragraph_format.space_after, normal.paragraph_format.space_before = Pt(0), Pt(0)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)

    # the heading: issuing body (left) and national title (right)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, [LEFT_CM, RIGHT_CM])
    left, right = table.rows[0].cells
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(left.paragraphs[0].add_run(doc.header.parent_body), 13)
    _para(left, doc.header.issuing_body, 13, bold=True)
    _rule_line(left, width_cm=2.6, column_cm=LEFT_CM)  # 1/3–1/2 of the line above
    _para(left, f"Số: {doc.header.symbol}", 13, before=8)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run(NATIONAL_TITLE), 12, bold=True)
    _para(right, MOTTO, 14, bold=True)
    _rule_line(right, width_cm=6.2, column_cm=RIGHT_CM)  # as long as the motto
    _para(right, doc.header.place_date, 14, italic=True, before=8)

    _para(document, doc.doc_type_name, 14, bold=True, before=18)
    summary = _para(document, doc.summary, 14, bold=True, after=0)
    summary.paragraph_format.left_indent = summary.paragraph_format.right_indent = Cm(0.5)
    _rule_line(document, width_cm=4.0, column_cm=TEXT_CM, after=12)

    for block in doc.blocks:
        if block.kind == "table":
            _table(document, block)
            continue
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf = p.paragraph_format
        pf.first_line_indent = Cm(1.27)
        pf.space_after, pf.space_before, pf.line_spacing = Pt(6), Pt(0), 1.15
        _font(p.add_run(block.text), 14, bold=block.kind == "heading")

    _signature(document, doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _table(document, block: Block) -> None:
    table = document.add_table(rows=0, cols=len(block.rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, row in enumerate(block.rows):
        cells = table.add_row().cells
        for j, text in enumerate(row):
            p = cells[j].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 or j != 1 else WD_ALIGN_PARAGRAPH.LEFT
            if j >= 2 and i > 0:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(text), 12, bold=i == 0)
    if block.widths_cm:
        _widths(table, block.widths_cm)
    _para(document, "", 6)


def _signature(document, doc: OfficialDocument) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in doc.recipients:
        _para(left, f"- {line}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    _font(p.add_run(doc.authority or doc.signer_title), 14, bold=True)
    if doc.authority:
        _para(right, doc.signer_title, 14, bold=True)
    for _ in range(4):
        _para(right, "", 14)
    _para(right, doc.signer_name, 14, bold=True)


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_path: Path, out_dir: Path, *, timeout: int = 180) -> Path:
    """LibreOffice headless, with a profile of its own (runs side by side with another conversion)."""
    binary = soffice_binary()
    if binary is None:
        raise DomainError("Chưa cài LibreOffice (soffice) trên máy chủ: không chuyển được sang PDF.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ansinh-soffice-") as profile:
        env = {**os.environ, "HOME": profile}
        result = subprocess.run(  # noqa: S603  (a fixed program and arguments, no shell)
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(docx_path)], capture_output=True, timeout=timeout, env=env, check=False)
    pdf = out_dir / (docx_path.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise DomainError("LibreOffice không chuyển được văn bản sang PDF: "
                          + (result.stderr or result.stdout).decode("utf-8", "replace")[:300])
    return pdf
