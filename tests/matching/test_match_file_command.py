"""``ansinh match-file``: the rows of a list with their cluster, probability, agreeing fields, registry id."""

from __future__ import annotations

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from ansinh.matching.files import save_model
from ansinh.matching.models import MatchRun

pytestmark = pytest.mark.django_db

HEADERS = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số định danh cá nhân", "Xã/phường"]
ROWS = [
    ("1", "Nguyễn Văn Hùng", "Nam", "12/05/1968", "042068001234", "Phường Thành Sen"),
    ("2", "Trần Thị Lan", "Nữ", "03/11/1975", "", "Xã Cẩm Bình"),
    ("3", "Nguyen Van Hung", "Nam", "1968", "", "Phường Thành Sen"),
    ("4", "Lê Minh Tuấn", "Nam", "21/07/1990", "", "Xã Cẩm Bình"),
]
NEW_COLUMNS = ["Mã cụm", "Xác suất trùng", "Trường khớp", "Mã người trong CSDL"]


@pytest.fixture
def list_csv(tmp_path):
    path = tmp_path / "danh_sach.csv"
    pl.DataFrame([list(r) for r in ROWS], schema=HEADERS, orient="row").write_csv(path)
    return path


def test_against_registry_writes_the_expected_columns(list_csv, tmp_path, household_a, officer_a, trained):
    MatchRun.objects.create(created_by=officer_a, review_threshold=0.9, auto_merge_threshold=0.999,
                            status="finished", model=trained.as_dict())
    out = tmp_path / "ket_qua.xlsx"
    call_command("match_file", str(list_csv), "--against-registry", "--out", str(out))
    result = pl.read_excel(out, infer_schema_length=0)
    assert result.columns == HEADERS + NEW_COLUMNS
    assert result["STT"].to_list() == ["1", "2", "3", "4"]
    clusters = result["Mã cụm"].to_list()
    assert clusters[0] == clusters[2] and len(set(clusters)) == 3
    assert result["Mã người trong CSDL"][0] == str(household_a.head_id)
    assert "Họ tên" in result["Trường khớp"][2]


def test_csv_out_with_a_model_file_and_without_registry(list_csv, tmp_path, trained):
    model_path = save_model(trained, tmp_path / "model.json")
    out = tmp_path / "ket_qua.csv"
    call_command("match_file", str(list_csv), "--out", str(out), "--model", str(model_path))
    result = pl.read_csv(out, infer_schema=False)
    assert result.columns == HEADERS + NEW_COLUMNS[:3]


def test_without_any_model_the_command_says_what_to_do(list_csv, tmp_path):
    with pytest.raises(CommandError, match="Chưa có mô hình"):
        call_command("match_file", str(list_csv), "--out", str(tmp_path / "x.csv"))
