"""The survey file through the shared import lifecycle and ``ansinh poverty import-survey``: rows checked, classified
by the rules, written into the year's rounds; every bad input refused in Vietnamese with nothing half written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from ansinh.core import imports
from ansinh.core.models import ImportStatus
from ansinh.poverty.imports import SURVEY_KIND
from ansinh.poverty.models import CandidateSource, HouseholdReview, ReviewRound, SurveyImport
from poverty import factories as f

pytestmark = pytest.mark.django_db

SEN, BINH = "Phường Thành Sen", "Xã Cẩm Bình"


def check(path, user, year=2021):
    record = imports.import_receive(kind=SURVEY_KIND, actor=user, file=path, file_name=path.name,
                                    target={"year": year})
    return imports.import_check(record=record)[0]


def errors_of(record) -> dict[int, list[str]]:
    return {row: messages for row, _name, messages in record.summary["errors"]}


def run(*args) -> int:
    with pytest.raises(SystemExit) as exited:
        call_command("poverty", *map(str, args))
    return exited.value.code


@pytest.fixture
def homes(commune_a, commune_b):
    return {"a1": f.household(commune_a, "HTA001", "Nguyễn Văn An"), "a2": f.household(commune_a, "HTA002", "Lê Thị Bé"),
            "a3": f.household(commune_a, "HTA003", "Trần Văn Cả", urban=True),
            "b1": f.household(commune_b, "HTB001", "Võ Văn Đạt")}


def test_a_valid_file_is_classified_by_the_rules_and_written(homes, provincial, tmp_path, capsys):
    path = f.survey_xlsx(tmp_path / "phieu.xlsx", [
        f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_500_000, f.THREE),           # on the line, 3 deprived: poor
        f.survey_row("hta002", "Lê Thị Bé", SEN, "1.400.000", f.deprived("Việc làm")),  # near-poor (lower case code)
        f.survey_row("HTA003", "Trần Văn Cả", SEN, 2_100_000, f.THREE, area="Thành thị"),  # above urban line
        f.survey_row("HTB001", "Võ Văn Đạt", BINH, 900_000, f.deprived("Dinh dưỡng", mark="Có")),
    ])
    code = run("import-survey", path, "--year", 2021, "--user", provincial.username, "--commit")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Đã ghi 4 phiếu rà soát năm 2021" in out
    reviews = {r.household.code: r for r in HouseholdReview.objects.select_related("household")}
    assert {c: r.rules_status for c, r in reviews.items()} == {
        "HTA001": "poor", "HTA002": "near_poor", "HTA003": "not_poor", "HTB001": "near_poor"}
    assert reviews["HTA001"].deprivation_count == 3 and reviews["HTA001"].poverty_line == 1_500_000
    assert reviews["HTA003"].poverty_line == 2_000_000  # urban line of NĐ 07/2021
    assert all(r.final_status == r.rules_status and r.source == CandidateSource.APPLIED for r in reviews.values())
    rounds = ReviewRound.objects.filter(year=2021)
    assert rounds.count() == 2 and {r.standard for r in rounds} == {"nd07_2021"} and {r.period for r in rounds} == {
        "2022-01"}


def test_a_qd59_year_reads_its_own_indicators_and_scores(homes, officer_a, tmp_path):
    headers = [*f.QD59_HEADERS, "Điểm B1", "Điểm B2"]
    path = f.survey_csv(tmp_path / "2020.csv", [
        [*f.survey_row("HTA001", "Nguyễn Văn An", SEN, 800_000,
                       f.deprived("Bảo hiểm y tế", "Hố xí/nhà tiêu hợp vệ sinh", "Tiếp cận các dịch vụ y tế"),
                       headers=f.QD59_HEADERS), 130, 40],
    ], headers=headers)
    record = check(path, officer_a, 2020)
    assert record.status == ImportStatus.CHECKED and record.error_rows == 0, record.summary
    imports.import_commit(record=imports.import_commit_request(actor=officer_a, record=record, valid_only=False))
    review = HouseholdReview.objects.get()
    assert review.rules_status == "poor"  # QĐ 59: in the band 700.000–1.000.000 with 3 deprivations
    assert (review.b1_score, review.b2_score, review.near_poor_line) == (130, 40, 1_000_000)


def test_bad_cells_are_refused_each_with_its_vietnamese_message(homes, officer_a, tmp_path):
    path = f.survey_csv(tmp_path / "loi.csv", [
        f.survey_row("HTA001", "Nguyễn Văn An", SEN, "một triệu"),
        f.survey_row("HTA002", "Lê Thị Bé", SEN, "-500000"),
        f.survey_row("HTA003", "Trần Văn Cả", SEN, 1_000_000, f.deprived("Dinh dưỡng", mark="hai")),
        f.survey_row("HTZZZ9", "Không Có", SEN, 1_000_000),
        f.survey_row("HTB001", "Võ Văn Đạt", BINH, 1_000_000),
        f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_000_000),
    ])
    record = check(path, officer_a)
    errors = errors_of(record)
    assert record.error_rows == 6
    assert "không phải là số tiền hợp lệ" in " ".join(errors[2])
    assert "không được âm" in " ".join(errors[3])
    assert "Dinh dưỡng: «hai» không hiểu là có hay không" in " ".join(errors[4])
    assert "Không có hộ mã HTZZZ9 trong cơ sở dữ liệu" in " ".join(errors[5])
    assert "ngoài địa bàn bạn được phân công" in " ".join(errors[6])
    assert "xuất hiện nhiều lần trong tệp" in " ".join(errors[7]) and "xuất hiện nhiều lần" in " ".join(errors[2])
    with pytest.raises(imports.DomainError, match="dòng lỗi"):
        imports.import_commit_request(actor=officer_a, record=record, valid_only=False)
    assert not HouseholdReview.objects.exists() and not ReviewRound.objects.exists()


def test_the_commune_column_must_be_the_households(homes, provincial, tmp_path):
    path = f.survey_csv(tmp_path / "xa.csv", [f.survey_row("HTA001", "Nguyễn Văn An", BINH, 1_000_000)])
    assert "không phải xã/phường của hộ HTA001" in " ".join(errors_of(check(path, provincial))[2])


def test_a_household_surveyed_twice_in_a_round_is_refused(homes, provincial, tmp_path, capsys):
    first = f.survey_csv(tmp_path / "dot1.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_000_000)])
    assert run("import-survey", first, "--year", 2021, "--user", provincial.username, "--commit") == 0
    second = f.survey_csv(tmp_path / "dot2.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 3_000_000),
                                                  f.survey_row("HTA002", "Lê Thị Bé", SEN, 3_000_000)])
    capsys.readouterr()
    assert run("import-survey", second, "--year", 2021, "--user", provincial.username, "--commit") == 1
    assert (tmp_path / "dot2_loi.xlsx").exists()
    assert "Chưa ghi" in capsys.readouterr().out
    assert HouseholdReview.objects.get(household__code="HTA001").income_per_capita == 1_000_000
    assert not HouseholdReview.objects.filter(household__code="HTA002").exists()
    # the valid rows only
    assert run("import-survey", second, "--year", 2021, "--user", provincial.username, "--valid-only") == 1
    assert HouseholdReview.objects.get(household__code="HTA002").income_per_capita == 3_000_000


def test_the_same_file_twice_is_refused_with_exit_2(homes, provincial, tmp_path, capsys):
    path = f.survey_csv(tmp_path / "mot.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_000_000)])
    assert run("import-survey", path, "--year", 2021, "--user", provincial.username, "--commit") == 0
    assert run("import-survey", path, "--year", 2021, "--user", provincial.username, "--commit") == 2
    assert "Không ghi hai lần cùng một tệp" in capsys.readouterr().err


def test_a_year_whose_standard_has_an_empty_parameter_writes_nothing(homes, provincial, tmp_path, capsys):
    path = f.survey_csv(tmp_path / "2026.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_000_000, f.THREE)])
    assert run("import-survey", path, "--year", 2026, "--user", provincial.username, "--commit") == 2
    err = capsys.readouterr().err
    assert "poverty.nd351_2025.indicators_as_nd07_2021" in err and "Không có dữ liệu nào được ghi" in err
    assert SurveyImport.objects.get().status == ImportStatus.FAILED
    assert not HouseholdReview.objects.exists() and not ReviewRound.objects.exists()


def test_exit_codes_of_the_command(homes, provincial, officer_a, tmp_path, capsys):
    good = f.survey_csv(tmp_path / "tot.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 1_000_000)])
    assert run("import-survey", good, "--year", 2021, "--user", provincial.username) == 0  # checked, not written
    assert not HouseholdReview.objects.exists()
    assert run("import-survey", tmp_path / "khong-co.csv", "--year", 2021, "--user", provincial.username) == 2
    assert run("import-survey", good, "--year", 2010, "--user", provincial.username) == 2
    assert "từ kỳ rà soát năm 2015" in capsys.readouterr().err
    (tmp_path / "rong.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert run("import-survey", tmp_path / "rong.csv", "--year", 2021, "--user", provincial.username) == 2


def test_households_of_the_list_being_managed_are_filled_in(homes, provincial, tmp_path):
    f.enrol("poor", homes["a1"])
    f.enrol("near_poor", homes["a2"], start=dt.date(2020, 1, 1))
    path = f.survey_csv(tmp_path / "ds.csv", [f.survey_row("HTA001", "Nguyễn Văn An", SEN, 3_000_000)])
    assert run("import-survey", path, "--year", 2021, "--user", provincial.username, "--commit") == 0
    round_a = ReviewRound.objects.get(commune=homes["a1"].commune)
    rows = {r.household.code: r for r in round_a.households.select_related("household")}
    assert set(rows) == {"HTA001", "HTA002"}  # HTA002 stays on the list to review, not surveyed yet
    assert rows["HTA001"].source == CandidateSource.PREVIOUS_LIST and rows["HTA001"].rules_status == "not_poor"
    assert rows["HTA002"].income_per_capita is None
