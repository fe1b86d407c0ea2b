"""match_file: a list in the registry import format in, the same rows plus the match columns out."""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.matching.evidence import AGREED
from ansinh.matching.files import CLUSTER, PROBABILITY, REGISTRY_ID, match_file

ROWS = [
    # STT, Họ và tên, Giới tính, Ngày sinh, Số định danh cá nhân, Xã/phường
    ("1", "Nguyễn Thị Hoa", "Nữ", "12/05/1968", "042168001234", "Xã Cẩm Bình"),
    ("2", "Trần Văn Hùng", "Nam", "03/11/1975", "042075004321", "Phường Thành Sen"),
    ("3", "Nguyen Thi Hoa", "Nữ", "1968", "183456789", "Xã Cẩm Bình"),  # same as 1: tones, year only, CMND
    ("4", "Lê Minh Tuấn", "Nam", "21/07/1990", "", "Xã Thạch Hà"),
    ("5", "Trần Hùng", "Nam", "11/03/1975", "", "Phường Thành Sen"),  # same as 2: middle dropped, swapped
    ("6", "Phạm Thị Lan", "Nữ", "01/02/1985", "042185007777", "Xã Cẩm Bình"),
]
HEADERS = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số định danh cá nhân", "Xã/phường"]


def _frame() -> pl.DataFrame:
    return pl.DataFrame([list(r) for r in ROWS], schema=HEADERS, orient="row")


@pytest.fixture()
def csv_in(tmp_path):
    path = tmp_path / "danh_sach.csv"
    _frame().write_csv(path)
    return path


def _check(out: pl.DataFrame) -> None:
    assert out.columns[: len(HEADERS)] == HEADERS
    assert [str(v) for v in out["STT"].to_list()] == [r[0] for r in ROWS]
    cluster = out[CLUSTER].to_list()
    assert cluster[0] == cluster[2] and cluster[1] == cluster[4]
    assert len({cluster[0], cluster[1], cluster[3], cluster[5]}) == 4
    assert out[PROBABILITY][0] is not None and out[PROBABILITY][3] is None
    assert "Họ tên" in out[AGREED][0]


def test_csv_in_csv_out(csv_in, tmp_path, trained):
    out_path = tmp_path / "ket_qua.csv"
    summary = match_file(csv_in, out_path, model=trained)
    out = pl.read_csv(out_path, infer_schema=False)
    _check(out)
    assert REGISTRY_ID not in out.columns
    assert summary.rows == 6 and summary.clusters_with_duplicates == 2


def test_xlsx_in_xlsx_out(tmp_path, trained):
    in_path = tmp_path / "danh_sach.xlsx"
    _frame().write_excel(in_path)
    out_path = tmp_path / "ket_qua.xlsx"
    match_file(in_path, out_path, model=trained)
    _check(pl.read_excel(out_path, infer_schema_length=0))


def test_against_registry_gives_the_person_id(csv_in, tmp_path, trained):
    registry = pl.DataFrame({
        "person_id": [501, 502, 503],
        "full_name": ["Nguyễn Thị Hoa", "Lê Minh Tuấn", "Hoàng Văn Nam"],
        "sex": ["F", "M", "M"],
        "birth_date": ["12/05/1968", "21/07/1990", "02/02/1960"],
        "pid": ["042168001234", None, "042060005555"],
        "commune_name": ["Xã Cẩm Bình", "Xã Thạch Hà", "Xã Cẩm Bình"],
    })
    out_path = tmp_path / "ket_qua.csv"
    summary = match_file(csv_in, out_path, registry=registry, model=trained)
    out = pl.read_csv(out_path, infer_schema=False)
    ids = out[REGISTRY_ID].to_list()
    assert ids[0] == "501" and ids[3] == "502"
    assert ids[1] is None and ids[5] is None
    assert summary.rows_linked_to_registry >= 2
