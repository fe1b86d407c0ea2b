"""The conclusion notice and the semiannual report written from the database: opened with python-docx (page,
margins, fonts, national title, number, place and date, signature, recipients, the figures as the database has them)
and converted to PDF by LibreOffice (page count, fonts); figures traceable to their query; a figure without data
refuses the document and leaves the register as it was."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from ansinh.core.errors import DomainError
from ansinh.planning.docx_writer import soffice_binary
from ansinh.planning.models import NumberSeries, OutgoingDocument, Section, Task, TaskKind
from ansinh.planning.services import documents, plan, register, reports, tasks

pytestmark = pytest.mark.django_db
needs_soffice = pytest.mark.skipif(soffice_binary() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture
def notice(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = world.u["planner"]
    plan.target_set(actor=p, indicator=world.jobs, unit=world.so, year=2020, value=24_000, reason="QĐ giao KH 2020")
    for office, who, value in ((world.office_a, "district_a", 6_000), (world.office_b, "district_b", 3_997)):
        r = reports.report_open(actor=world.u[who], form=world.form, unit=office, period=world.period,
                                today=dt.date(2020, 6, 14))
        reports.report_values_enter(actor=world.u[who], report=r, values={"jobs_found": value})
    for n in range(1, 4):
        t = tasks.task_create(actor=p, year=2020, code=f"NVK-{n}", title=f"Nhiệm vụ khung {n}", owner=world.office_a,
                              assigned_on=dt.date(2020, 1, 15), deadline=dt.date(2020, 5, 1))
        if n < 3:
            tasks.task_progress(actor=p, task=t, on=dt.date(2020, 4, 1), text="Xong", progress=100, completed=True)
    plan.indicator_define(actor=p, code="framework_tasks_total", name="Nhiệm vụ khung", measure_unit="nhiệm vụ",
                          field="administration", source="computed", query="planning.framework_tasks_total",
                          percent_rounding="down")
    register.series_open(actor=p, issuer="SLĐTBXH", doc_type="TB", year=2020, opening=308)
    c = documents.conclusion_create(
        actor=p, title="Kết luận của Giám đốc Sở về kết quả 6 tháng đầu năm 2020", meeting_date=dt.date(2020, 7, 5),
        period=world.period, signer_name="Lê Thu Hà", opening="Ngày 05/7/2020, Sở tổ chức Hội nghị sơ kết.",
        recipients=["Giám đốc, các PGĐ Sở (chỉ đạo);", "Lưu: VT, VP;"])
    documents.conclusion_item_add(
        actor=p, conclusion=c, section=Section.ASSESSMENT,
        text="Hoàn thành [[n:framework_tasks_done]]/[[n:framework_tasks_total]] nhiệm vụ khung, đạt "
             "[[ratio:framework_tasks_done/framework_tasks_total]] kế hoạch; giải quyết việc làm [[n:jobs_found]] "
             "người, đạt [[pct:jobs_found]] kế hoạch.")
    documents.conclusion_item_add(actor=p, conclusion=c, section=Section.KEY, numbered=True,
                                  text="Hoàn thành chi trả hỗ trợ cho 3 nhóm đối tượng.",
                                  units=[world.office_a, world.office_b],
                                  task={"code": "KL-I.1", "deadline": dt.date(2020, 12, 31)})
    return c


@needs_soffice
def test_the_notice_reads_the_database_in_the_nd_30_layout(world, notice, tmp_path):
    doc = documents.conclusion_issue(actor=world.u["planner"], conclusion=notice, issued_on=dt.date(2020, 7, 14))
    assert doc.symbol == "309/TB-SLĐTBXH"
    word = Document(doc.docx.path)
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    header_cells = [c.text for c in word.tables[0].rows[0].cells]
    assert "UBND TỈNH HÀ TĨNH" in header_cells[0] and "Số: 309/TB-SLĐTBXH" in header_cells[0]
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" in header_cells[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_cells[1] and "Độc lập - Tự do - Hạnh phúc" in header_cells[1]
    assert "Hà Tĩnh, ngày 14 tháng 7 năm 2020" in header_cells[1]
    body = "\n".join(p.text for p in word.paragraphs)
    assert "THÔNG BÁO" in body
    # 2/3 = 66,666…: cut (the indicator's rule) 66,66%; 9.997 / 24.000 = 41,65%
    assert "Hoàn thành 2/3 nhiệm vụ khung, đạt 66,66% kế hoạch; giải quyết việc làm 9.997 người, đạt 41,65% kế hoạch" in body
    assert "I. Nhiệm vụ trọng tâm" in body and "1. Hoàn thành chi trả hỗ trợ cho 3 nhóm đối tượng." in body
    signature = [c.text for c in word.tables[-1].rows[0].cells]
    assert signature[0].startswith("Nơi nhận:") and "- Lưu: VT, VP;" in signature[0]
    assert signature[1].split("\n")[:2] == ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"] and "Lê Thu Hà" in signature[1]
    fonts = {r.font.name for p in word.paragraphs for r in p.runs} | {
        r.font.name for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs}
    assert fonts == {"Times New Roman"}
    # each figure is traceable to what computed it
    trace = {f["placeholder"]: f for f in doc.figures}
    assert trace["[[n:jobs_found]]"]["figures"][0]["provenance"].startswith("cộng dồn báo cáo của Phòng LĐ-TBXH")
    assert trace["[[n:framework_tasks_done]]"]["figures"][0]["query"] == "planning.framework_tasks_done"
    assert trace["[[pct:jobs_found]]"]["figures"][0]["target"] == "24000.00"
    # the tasks of the conclusion stay linked to its items
    task = Task.objects.get(code="KL-I.1")
    assert task.kind == TaskKind.CONCLUSION and task.conclusion_item.conclusion == notice
    assert list(task.co_units.all()) == [world.office_b]
    # LibreOffice reads it: an A4 PDF of one page or more, its fonts embedded
    pdf = Path(doc.pdf.path)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 1
    info = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=False).stdout \
        if subprocess.run(["which", "pdffonts"], capture_output=True, check=False).returncode == 0 else ""
    if info:
        assert "Serif" in info  # Times New Roman, or its metric twin Liberation Serif where it is not installed


def test_a_figure_without_data_refuses_the_notice_and_leaves_the_register(world, notice):
    plan.indicator_define(actor=world.u["planner"], code="nq42_paid_people", name="Đối tượng đã nhận hỗ trợ NQ 42",
                          measure_unit="người", field="social_protection", source="computed",
                          query="nq42.paid_people")
    documents.conclusion_item_add(actor=world.u["planner"], conclusion=notice, section=Section.ASSESSMENT,
                                  text="Chi trả cho [[n:nq42_paid_people]] đối tượng.")
    with pytest.raises(DomainError, match="Chưa có số liệu cho: \\[\\[n:nq42_paid_people\\]\\]"):
        documents.conclusion_issue(actor=world.u["planner"], conclusion=notice, issued_on=dt.date(2020, 7, 14),
                                   pdf=False)
    assert not OutgoingDocument.objects.exists()
    assert NumberSeries.objects.get(doc_type="TB").last_number == 308


@needs_soffice
def test_the_semiannual_report_has_the_plan_table(world, notice):
    doc = documents.semiannual_report_issue(
        actor=world.u["planner"], period=world.period, issued_on=dt.date(2020, 7, 2), signer_name="Nguyễn Trí Lạc",
        paragraphs=["Giải quyết việc làm [[n:jobs_found]] người."], recipients=["Lưu: VT, VP."])
    assert doc.symbol == "01/BC-SLĐTBXH"
    word = Document(doc.docx.path)
    table = [[c.text for c in row.cells] for row in word.tables[1].rows]
    assert table[0][:4] == ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm"]
    assert ["1", "Số người được giải quyết việc làm", "người", "24.000", "9.997", "41,65%"] in table
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Giải quyết việc làm 9.997 người." in body and "BÁO CÁO" in body
    assert "Tổng số nhiệm vụ khung năm 2020: 3; đã hoàn thành đúng hạn: 2" in body
    assert Path(doc.pdf.path).stat().st_size > 1000
