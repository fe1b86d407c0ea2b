"""``scenario semiannual-2020`` on a small database: the notice and the report are written, numbered 309/TB and
287/BC, and read the figures from the records — the units' reports (9.997 = 41,65%; 4.502 = 25,44%), the tasks
(120/195 = 61,53%) and, here, a small NQ 42 batch paid by the post office (9 of 10 people)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F
from docx import Document

from ansinh.core.formatting import vn_money
from ansinh.demo.semiannual_2020 import scenario_semiannual_2020
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.payments.models import PaymentLine
from ansinh.planning.models import OrgUnit, ReportStatus, Task, UnitReport
from ansinh.planning.selectors import children_on, responsibilities_on
from reliability.conftest import cast, posted_batch  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _text(path) -> str:
    word = Document(str(path))
    return "\n".join([p.text for p in word.paragraphs]
                     + [c.text for t in word.tables for row in t.rows for c in row.cells])


def test_the_notice_reads_the_records(cast, commune_a, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    batch = posted_batch(cast, commune_a, 10)
    lines = list(PaymentLine.objects.filter(batch=batch).order_by("seq"))
    PaymentLine.objects.filter(pk__in=[x.pk for x in lines[:9]]).update(status="paid", paid_amount=F("amount"),
                                                                         paid_date=dt.date(2020, 5, 15))
    out = scenario_semiannual_2020(output_dir=tmp_path / "out", pdf=False, say=lambda _s: None)
    assert out.symbols == ["287/BC-SLĐTBXH", "309/TB-SLĐTBXH"]
    notice = _text(next(p for p in out.files if p.name.startswith("thong-bao")))
    for sentence in ("Triển khai 119 văn bản trung ương", "tham mưu UBND tỉnh ban hành 71 văn bản",
                     "hoàn thành 120/195 nhiệm vụ khung của ngành, đạt 61,53% kế hoạch",
                     "giải quyết việc làm 9.997 người, đạt 41,65% kế hoạch",
                     "tuyển sinh mới 4.502 người, đạt 25,44% kế hoạch",
                     "đối với 9 đối tượng (chiếm 90,00% tổng số đối tượng",
                     f"tổng kinh phí chi trả {vn_money(sum(x.amount for x in lines[:9]))} (chiếm 90,00%",
                     "Số: 309/TB-SLĐTBXH", "Hà Tĩnh, ngày 14 tháng 7 năm 2020", "TL. GIÁM ĐỐC", "Lê Thu Hà",
                     "II. Nhiệm vụ cụ thể", "9. Triển khai kiểm điểm"):
        assert sentence in notice, sentence
    # no payroll in this database: the NCC figure is missing and said so, never invented
    assert "[chưa có số liệu: Người có công được chi trả trợ cấp hằng tháng]" in notice
    districts = AdminUnit.objects.filter(level=Level.DISTRICT, structure=Structure.LEGACY, province_code="42").count()
    assert UnitReport.objects.filter(status=ReportStatus.ACCEPTED).count() == districts + 1  # and the Sở
    assert Task.objects.filter(kind="conclusion", conclusion_item__conclusion__document__number=309).count() > 30
    # the 2025 reorganisation is in the data: the Sở's units in 2020, Sở Nội vụ's district offices until 30/6/2025
    so = OrgUnit.objects.get(code="sldtbxh")
    assert len(children_on(so, so.valid_from.replace(year=2020))) == 8 + 3 + districts
    home = OrgUnit.objects.get(code="snv")
    assert {u.kind for u in children_on(home, so.valid_to.replace(year=2025, month=5, day=1))} >= {"district_office"}
    assert {r.field: r.unit.code for r in responsibilities_on(so.valid_to.replace(month=6))}["vocational"] == "sgddt"


def test_the_command_refuses_a_bad_scale():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--scale"):
        call_command("scenario", "semiannual-2020", "--scale", "2")
