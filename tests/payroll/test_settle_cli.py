"""``ansinh payroll settle`` end to end (subprocess), without a database.

``DATABASE_URL`` points into a folder that does not exist: the project CLI cannot read the approved
administrator additions, says so on stderr and settles with the legal texts' values — what happens on a
fresh checkout before ``ansinh migrate``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansinh.payroll.cli import main

ANSINH = Path(sys.executable).with_name("ansinh")
B_HEADER = "person_id,register,ncc_category,ncc_martyr_count,ncc_injury_rate,tgxh_category,birth_date,is_urban,start_month,death_date"
P_HEADER = "person_id,register,month,kind,amount"
OUT_HEADER = P_HEADER

BENEFICIARIES = f"""{B_HEADER}
001,ncc,martyr_relative,1,,,,,2023-06,
002,ncc,war_invalid,,61,,,,2023-07,
003,ncc,heroic_mother,,,,,,2023-07,2023-08-12
004,ncc,martyr_relative,2,,,,,2023-08,
005,tgxh,,,,elderly_80_no_pension,1943-08-10,false,2023-08,
006,ncc,martyr_relative,1,,,,true,2023-07,2023-07-20
"""
PAID = f"""{P_HEADER}
001,ncc,2023-06,regular,1624000
001,ncc,2023-07,regular,1624000
001,ncc,2023-08,regular,1624000
002,ncc,2023-07,regular,3174000
002,ncc,2023-08,regular,3174000
003,ncc,2023-07,regular,6233000
003,ncc,2023-08,regular,6233000
006,ncc,2023-07,regular,1624000
006,ncc,2023-08,regular,1624000
"""
# Worked out by hand (NĐ 55/2023 from 2023-07, in force 5/9/2023; TGXH 360.000 × 1,0 since 2021-07).
EXPECTED = f"""{OUT_HEADER}
001,ncc,2023-07,arrears,431000
001,ncc,2023-08,arrears,431000
001,ncc,2023-09,regular,2055000
002,ncc,2023-07,arrears,842000
002,ncc,2023-08,arrears,842000
002,ncc,2023-09,regular,4016000
003,ncc,2023-07,arrears,1654000
003,ncc,2023-08,arrears,1654000
003,ncc,2023-08,death_lump_sum,23661000
004,ncc,2023-08,arrears,4110000
004,ncc,2023-09,regular,4110000
005,tgxh,2023-08,arrears,360000
005,tgxh,2023-09,regular,360000
006,ncc,2023-07,arrears,431000
006,ncc,2023-07,death_lump_sum,6165000
006,ncc,2023-08,recovery,-1624000
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "B.csv").write_text(BENEFICIARIES, encoding="utf-8")
    (tmp_path / "P.csv").write_text(PAID, encoding="utf-8")
    return tmp_path


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'no-such-folder' / 'ansinh.sqlite3'}"
    return env


def run(tmp_path: Path, *args: str, command=(str(ANSINH), "payroll")) -> subprocess.CompletedProcess:
    return subprocess.run([*command, *args], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120)


def settle_args(period="2023-09", paid="P.csv", out="OUT.csv", beneficiaries="B.csv"):
    return ["settle", "--beneficiaries", beneficiaries, "--paid", paid, "--period", period, "--out", out]


def test_settle_end_to_end_without_a_database(files):
    result = run(files, *settle_args())
    assert result.returncode == 0, result.stderr
    assert (files / "OUT.csv").read_text(encoding="utf-8") == EXPECTED
    assert "không đọc được các giá trị tham số bổ sung đã duyệt" in result.stderr
    assert "Đã ghi 16 dòng vào OUT.csv (kỳ 2023-09)" in result.stdout
    assert sorted(p.name for p in files.iterdir()) == ["B.csv", "OUT.csv", "P.csv"]


def test_settling_again_with_the_output_appended_to_paid_gives_no_line(files):
    assert run(files, *settle_args()).returncode == 0
    output_lines = (files / "OUT.csv").read_text(encoding="utf-8").splitlines()[1:]
    (files / "P2.csv").write_text(PAID + "\n".join(output_lines) + "\n", encoding="utf-8")
    result = run(files, *settle_args(paid="P2.csv", out="OUT2.csv"))
    assert result.returncode == 0, result.stderr
    assert (files / "OUT2.csv").read_text(encoding="utf-8").strip() == OUT_HEADER


def test_bad_input_exits_2_names_the_rows_and_writes_nothing(files):
    (files / "B.csv").write_text(
        f"{B_HEADER}\n001,ncc,martyr_relative,0,,,,,2023-07,\n002,ncc,thuong_binh,,,,,,2023-07,\n"
        "003,ncc,war_invalid,,120,,,,2023-07,\n004,ncc,imprisoned,,,,,,2023-08,2023-07-01\n",
        encoding="utf-8",
    )
    (files / "OUT.csv").write_text("previous result\n", encoding="utf-8")
    result = run(files, *settle_args())
    assert result.returncode == 2
    assert "B.csv, dòng 2 (mã 001, ncc): số liệt sĩ 0 không hợp lệ" in result.stderr
    assert "B.csv, dòng 3 (mã 002, ncc): diện người có công «thuong_binh» không có trong danh mục" in result.stderr
    assert "B.csv, dòng 4 (mã 003, ncc): tỷ lệ tổn thương 120% ngoài phạm vi" in result.stderr
    assert "B.csv, dòng 5 (mã 004, ncc): tháng bắt đầu hưởng 2023-08 sau tháng chết" in result.stderr
    assert "P.csv, dòng 9 (mã 006, ncc)" in result.stderr  # a payment to a person not in B.csv
    assert "không ghi tệp OUT.csv" in result.stderr
    assert (files / "OUT.csv").read_text(encoding="utf-8") == "previous result\n"
    assert sorted(p.name for p in files.iterdir()) == ["B.csv", "OUT.csv", "P.csv"]


def test_empty_parameter_exits_2_naming_it_and_the_month(files):
    (files / "B.csv").write_text(f"{B_HEADER}\n001,ncc,martyr_relative,1,,,,,2021-06,\n", encoding="utf-8")
    (files / "P.csv").write_text(f"{P_HEADER}\n", encoding="utf-8")
    result = run(files, *settle_args(period="2021-07"))
    assert result.returncode == 2
    assert "«ncc.monthly.martyr_relative.one» chưa có giá trị cho tháng 2021-06" in result.stderr
    assert "dòng 2 (mã 001, ncc)" in result.stderr
    assert not (files / "OUT.csv").exists()


def test_runs_as_a_module_without_django(files):
    result = run(files, *settle_args(), command=(sys.executable, "-m", "ansinh.payroll.cli"))
    assert result.returncode == 0, result.stderr
    assert (files / "OUT.csv").read_text(encoding="utf-8") == EXPECTED
    assert "tham số bổ sung" not in result.stderr  # no database consulted at all


# --- in-process: argument and file errors ----------------------------------------------------------------


def test_missing_paid_file_means_nothing_paid(files, capsys):
    (files / "B.csv").write_text(f"{B_HEADER}\n004,ncc,martyr_relative,2,,,,,2024-07,\n", encoding="utf-8")
    out = files / "OUT.csv"
    code = main(["settle", "--beneficiaries", str(files / "B.csv"), "--period", "2024-08", "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == f"{OUT_HEADER}\n004,ncc,2024-07,arrears,5578000\n004,ncc,2024-08,regular,5578000\n"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["settle", "--beneficiaries", "nope.csv", "--period", "2024-08", "--out", "OUT.csv"], "không tìm thấy tệp"),
        (["settle", "--beneficiaries", "B.csv", "--period", "2024-8", "--out", "OUT.csv"], "không đúng dạng YYYY-MM"),
        (["settle", "--beneficiaries", "B.csv", "--period", "2024-08"], "tham số dòng lệnh không hợp lệ"),
        (["settle", "--beneficiaries", "B.csv", "--period", "2024-08", "--out", "missing/OUT.csv"],
         "không tồn tại"),
        (["settle", "--beneficiaries", "empty.csv", "--period", "2024-08", "--out", "OUT.csv"], "trống"),
    ],
)
def test_argument_and_file_errors_exit_2(files, capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(files)
    (files / "empty.csv").write_text("", encoding="utf-8")
    assert main(argv) == 2
    assert expected in capsys.readouterr().err
    assert not (files / "OUT.csv").exists()


def test_utf8_bom_and_spaces_from_a_spreadsheet_export(files):
    (files / "B.csv").write_text("\ufeff" + f"{B_HEADER}\n 004 ,ncc, martyr_relative ,2,,,,,2024-07,\n",
                                 encoding="utf-8")
    (files / "P.csv").write_text(f"{P_HEADER}\n004,ncc,2024-07,regular,5578000\n", encoding="utf-8")
    assert main(["settle", "--beneficiaries", str(files / "B.csv"), "--paid", str(files / "P.csv"),
                 "--period", "2024-08", "--out", str(files / "OUT.csv")]) == 0
    assert (files / "OUT.csv").read_text(encoding="utf-8").splitlines()[1:] == ["004,ncc,2024-08,regular,5578000"]
