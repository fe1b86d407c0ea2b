"""The year's summary (``ansinh poverty summary``), the ministry's tables and the plan indicators: counts from the
records, numbers as numbers."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command

from ansinh.poverty import selectors
from ansinh.poverty.renderers import ministry_write
from poverty import factories as f

pytestmark = pytest.mark.django_db
SEN, BINH = "Phường Thành Sen", "Xã Cẩm Bình"


def run(*args) -> int:
    with pytest.raises(SystemExit) as exited:
        call_command("poverty", *map(str, args))
    return exited.value.code


@pytest.fixture
def year_2021(commune_a, commune_b, provincial, tmp_path):
    a = [f.household(commune_a, f"HTS{i:03d}", f"Chủ hộ {i}", ethnicity="01" if i % 2 else "17") for i in range(8)]
    b = [f.household(commune_b, f"HTC{i:03d}") for i in range(4)]
    f.enrol("poor", a[0])                                            # stays poor
    f.enrol("poor", a[1])                                            # out of poverty
    f.enrol("poor", a[2])                                            # poor → near-poor
    f.enrol("poor", a[3], start=dt.date(2016, 1, 1), end=dt.date(2019, 1, 1))  # back into poverty
    rows = [
        f.survey_row("HTS000", "Chủ hộ 0", SEN, 1_000_000, f.THREE),
        f.survey_row("HTS001", "Chủ hộ 1", SEN, 2_500_000),
        f.survey_row("HTS002", "Chủ hộ 2", SEN, 1_400_000),
        f.survey_row("HTS003", "Chủ hộ 3", SEN, 1_200_000, f.THREE),
        f.survey_row("HTS004", "Chủ hộ 4", SEN, 1_200_000, f.THREE),   # newly poor
        f.survey_row("HTS005", "Chủ hộ 5", SEN, 1_500_001),            # not poor
        f.survey_row("HTC000", "", BINH, 700_000, f.THREE),            # newly poor
        f.survey_row("HTC001", "", BINH, 1_000_000),                   # near-poor
    ]
    path = f.survey_csv(tmp_path / "2021.csv", rows)
    assert run("import-survey", path, "--year", 2021, "--user", provincial.username, "--commit") == 0
    return {"a": a, "b": b}


def test_summary_csv_per_commune(year_2021, tmp_path, capsys):
    out = tmp_path / "tong-hop.csv"
    assert run("summary", "--year", 2021, "--out", out) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    sen = next(r for r in rows if r["Xã/phường"] == SEN)
    assert {k: sen[k] for k in ("Số hộ rà soát", "Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo", "Hộ nghèo phát sinh",
                                "Hộ thoát nghèo", "Hộ tái nghèo", "Trong đó: hộ nghèo sang cận nghèo",
                                "Tổng số hộ của xã", "Tỷ lệ hộ nghèo (%)")} == {
        "Số hộ rà soát": "6", "Hộ nghèo": "3", "Hộ cận nghèo": "1", "Hộ không nghèo": "2", "Hộ nghèo phát sinh": "1",
        "Hộ thoát nghèo": "2", "Hộ tái nghèo": "1", "Trong đó: hộ nghèo sang cận nghèo": "1",
        "Tổng số hộ của xã": "8", "Tỷ lệ hộ nghèo (%)": "37.50"}
    binh = next(r for r in rows if r["Xã/phường"] == BINH)
    assert (binh["Hộ nghèo"], binh["Hộ cận nghèo"], binh["Tỷ lệ hộ nghèo (%)"]) == ("1", "1", "25.00")
    assert rows[-1]["Xã/phường"] == "Tổng cộng" and rows[-1]["Hộ nghèo"] == "4"
    assert "2 xã/phường" in capsys.readouterr().out


def test_summary_xlsx_has_numbers_as_numbers(year_2021, tmp_path):
    out = tmp_path / "tong-hop.xlsx"
    assert run("summary", "--year", 2021, "--out", out) == 0
    sheet = openpyxl.load_workbook(out).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == SEN][0]
    assert values[3] == 3 and isinstance(values[3], int) and values[-1] == pytest.approx(37.5)


def test_summary_refuses_an_unknown_format_and_an_empty_year_gives_a_header(year_2021, tmp_path, capsys):
    assert run("summary", "--year", 2021, "--out", tmp_path / "x.pdf") == 2
    assert "phải có đuôi .csv hoặc .xlsx" in capsys.readouterr().err
    assert run("summary", "--year", 2019, "--out", tmp_path / "trong.csv") == 0
    assert (tmp_path / "trong.csv").read_text(encoding="utf-8").startswith("Mã xã,Xã/phường")


def test_ministry_tables_follow_the_form(year_2021, tmp_path):
    tables = selectors.ministry_tables(year=2021, commune_ids=None)
    poor = tables["poor"].filter(selectors.pl.col("commune_name") == SEN).to_dicts()[0]
    assert (poor["start"], poor["out"], poor["back"], poor["new"], poor["end"]) == (3, 2, 1, 1, 3)
    assert poor["end_minority"] == 2  # HTS000 and HTS004: heads of an ethnic minority (code 17); HTS003: Kinh
    path = tmp_path / "bo.xlsx"
    ministry_write(tables, path, year=2021)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Hộ nghèo", "Hộ cận nghèo"]
    line = [r for r in book["Hộ nghèo"].iter_rows(values_only=True) if r[1] == SEN][0]
    assert line[2:4] == (8, 3) and isinstance(line[2], int)


def test_plan_indicators_count_the_deprived_poor_and_near_poor(year_2021):
    frame = selectors.plan_indicators(year=2021, commune_ids=None)
    sen = frame.filter(selectors.pl.col("commune_name") == SEN).to_dicts()[0]
    assert (sen["poor"], sen["near_poor"], sen["households"]) == (3, 1, 8)
    assert sen["d_health_insurance"] == 3 and sen["poor_rate"] == pytest.approx(37.5)
