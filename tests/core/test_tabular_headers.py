"""Headers by meaning, the user's column mapping, suspect identity columns, title rows and re-importable
error reports (#8.11, #9.9, #9.10): real .xlsx files written with xlsxwriter, and CSV.

``REGISTRY`` copies the registry's schema fields (``ansinh.registry.imports.REGISTRY_SCHEMA``) that matter
here, so that this test needs no Django; ``IDENTITY`` is its identity field as it is today.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from ansinh.core.tabular import (
    IDENTITY_KEYWORDS,
    Field,
    ImportFileError,
    MissingColumnsError,
    Schema,
    parse_columns,
    read_table,
    write_error_report,
)

TODAY = dt.date(2025, 6, 15)

IDENTITY = Field("identity", "Số định danh cá nhân",
                 ("Số CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND/CCCD", "Số CMND", "Số ĐDCN", "CCCD", "Số căn cước",
                  "Số định danh", "Số thẻ căn cước"), kind="identity", width=16)
OTHERS = (
    Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ", "Số hộ", "Mã số hộ"), required=True),
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên người", "Họ, tên", "Tên"), required=True),
    Field("sex", "Giới tính", ("Giới", "Nam/nữ", "Nam/Nữ"), required=True, kind="choice",
          choices=(("M", ("Nam", "M", "Male")), ("F", ("Nữ", "F", "Female")))),
    Field("birth", "Ngày sinh", ("Năm sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày/tháng/năm sinh"),
          required=True, kind="date"),
    Field("social_insurance_no", "Mã số BHXH", ("Số BHXH", "Mã BHXH", "Số sổ BHXH")),
    Field("phone", "Số điện thoại", ("Điện thoại", "SĐT", "Số ĐT"), kind="phone"),
    Field("village", "Thôn/xóm", ("Thôn", "Xóm", "Thôn/tổ dân phố", "Tổ dân phố", "Thôn, xóm")),
    Field("commune", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Xã, phường", "Tên xã")),
    Field("address_detail", "Địa chỉ", ("Địa chỉ chi tiết", "Số nhà, đường")),
)
REGISTRY_TODAY = Schema(fields=(*OTHERS[:4], IDENTITY, *OTHERS[4:]))
REGISTRY = Schema(fields=(*OTHERS[:4], dataclasses.replace(IDENTITY, keywords=IDENTITY_KEYWORDS), *OTHERS[4:]))

PEOPLE = [
    ["HT001", "Nguyễn Văn An", "Nam", "12/05/1968", "042068001234", "Thôn 1"],
    ["HT001", "Phan Thị Mai", "Nữ", "1970", "183456789", "Thôn 1"],
    ["HT002", "Lê Văn Cường", "Nam", "01/01/1990", "042090000125", "Thôn 2"],
    ["HT002", "Trần Thị Dung", "Nữ", "31/02/1992", "042192000126", "Thôn 2"],
]


def write_xlsx(path, header, rows, *, title=None, merges=(), numbers=()):
    """One sheet: optional title rows (each a (row, first col, last col, text) merge), the header, the rows.

    Cells are written as text (``write_string``) except the columns in ``numbers``.
    """
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Danh sách")
    for r, c0, c1, text in merges:
        if c1 > c0:
            ws.merge_range(r, c0, r, c1, text)
        else:
            ws.write_string(r, c0, text)
    first = 0 if title is None else title
    for c, h in enumerate(header):
        ws.write_string(first, c, h)
    for i, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if c in numbers and isinstance(v, int | float):
                ws.write_number(first + 1 + i, c, v)
            else:
                ws.write_string(first + 1 + i, c, str(v))
    wb.close()
    return path


HEADER = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD/CMND", "Thôn"]


# ------------------------------------------------------------------ headers by meaning

def test_commune_header_so_cccd_cmnd_is_the_identity_column(tmp_path):
    """#8.11: "Số CCCD/CMND" was ignored ("Cột bỏ qua") and people were imported without identity numbers."""
    path = write_xlsx(tmp_path / "ds.xlsx", HEADER, PEOPLE)
    for schema in (REGISTRY_TODAY, REGISTRY):  # words in another order: the registry's field as it is today
        raw = read_table(path, schema)
        assert raw.recognised["identity"] == "Số CCCD/CMND"
        assert "Số CCCD/CMND" not in raw.ignored
    frame = parse_columns(read_table(path, REGISTRY), REGISTRY, today=TODAY)
    assert frame["identity"].to_list() == ["042068001234", "183456789", "042090000125", "042192000126"]


@pytest.mark.parametrize("header", [
    "Số CCCD/CMND", "CMND / CCCD", "Số CMND hoặc CCCD", "Căn cước công dân", "Số căn cước công dân",
    "Mã định danh công dân", "Số chứng minh nhân dân", "Số CMT", "CCCD (nếu có)", "SỐ CCCD/CMND/ĐDCN",
    "Số\u200b CCCD",
])
def test_identity_headers_are_recognised_by_their_words(tmp_path, header):
    path = write_xlsx(tmp_path / "ds.xlsx", [*HEADER[:4], header, HEADER[5]], PEOPLE)
    raw = read_table(path, REGISTRY)
    assert raw.recognised["identity"] == " ".join(header.replace("\u200b", "").split())
    assert raw.suspect_identity_columns == []


def test_a_keyword_never_beats_a_header_key_and_the_longest_keyword_wins(tmp_path):
    schema = Schema(fields=(
        Field("full_name", "Họ và tên", required=True),
        Field("pid", "Số định danh cá nhân", kind="identity", keywords=("cccd", "cmnd")),
        Field("issued", "Ngày cấp", kind="date", keywords=("ngay cap",)),
    ))
    header = ["Họ và tên", "Ngày cấp CCCD", "CMND cũ", "Số định danh cá nhân"]
    rows = [["A", "01/02/2020", "183456789", "042068001234"]] * 3
    raw = read_table(write_xlsx(tmp_path / "k.xlsx", header, rows), schema)
    # the exact header wins over "CMND cũ"; "ngày cấp" (8 letters) is longer than "cccd" (4)
    assert raw.recognised == {"full_name": "Họ và tên", "issued": "Ngày cấp CCCD", "pid": "Số định danh cá nhân"}
    assert raw.ignored == ["CMND cũ"]


def test_a_header_whose_keywords_tie_between_two_fields_is_left_unmatched_and_reported(tmp_path):
    schema = Schema(fields=(
        Field("full_name", "Họ và tên", required=True),
        Field("pid", "Số định danh cá nhân", kind="identity", keywords=("cccd",)),
        Field("tax_code", "Mã số thuế", keywords=("thue",)),
        Field("village", "Thôn"),
    ))
    assert schema.match("CCCD hoặc thuế") is None
    assert [f.name for f in schema.keyword_matches("CCCD hoặc thuế")] == ["pid", "tax_code"]
    rows = [["A", "x", "1", "T1"], ["B", "y", "2", "T2"]]
    raw = read_table(write_xlsx(tmp_path / "t.xlsx", ["Họ và tên", "CCCD hoặc thuế", "STT", "Thôn"], rows), schema)
    assert "pid" not in raw.recognised and "tax_code" not in raw.recognised
    assert raw.ignored == ["CCCD hoặc thuế", "STT"]
    assert raw.ambiguous == {"CCCD hoặc thuế": ["pid", "tax_code"]}
    assert "Cột «CCCD hoặc thuế» có thể là «Số định danh cá nhân» hoặc «Mã số thuế»" in raw.describe()


def test_keywords_are_whole_words_after_folding():
    schema = Schema(fields=(Field("pid", "Số định danh cá nhân", kind="identity", keywords=IDENTITY_KEYWORDS),))
    assert schema.match("SỐ CĂN CƯỚC") is schema.fields[0]
    assert schema.match("Số CCCD-CMND") is schema.fields[0]
    assert schema.match("Cmtnd cũ") is None  # "cmt" is not a word of "cmtnd"
    assert schema.match("Số căn hộ") is None


# ------------------------------------------------------------------ mapping and display name

def test_mapping_names_an_unknown_header_and_overrides_the_automatic_one(tmp_path):
    header = ["Mã hộ", "Tên người hưởng", "Giới tính", "Ngày sinh", "Giấy tờ", "Thôn", "Ghi chú"]
    rows = [[*p[:4], p[4], p[5], "x"] for p in PEOPLE]
    path = write_xlsx(tmp_path / "m.xlsx", header, rows)
    with pytest.raises(MissingColumnsError, match="«Họ và tên»"):
        read_table(path, REGISTRY)
    raw = read_table(path, REGISTRY, mapping={"Tên người hưởng": "full_name", "Giấy tờ": "identity",
                                              "Thôn": "", "Không có cột này": "phone"})
    assert raw.recognised == {"household_code": "Mã hộ", "full_name": "Tên người hưởng", "sex": "Giới tính",
                              "birth": "Ngày sinh", "identity": "Giấy tờ"}
    assert raw.ignored == ["Thôn", "Ghi chú"]  # "" ignores a recognised column
    frame = parse_columns(raw, REGISTRY, today=TODAY)
    assert frame["full_name"].to_list()[0] == "Nguyễn Văn An"
    assert frame["identity"].to_list()[1] == "183456789"
    assert frame["village"].to_list() == [None] * 4


def test_mapping_moves_a_field_to_another_column(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "CCCD mới"]
    rows = [[*p[:4], "", p[4]] for p in PEOPLE]
    raw = read_table(write_xlsx(tmp_path / "m.xlsx", header, rows), REGISTRY, mapping={"CCCD mới": "identity"})
    assert raw.recognised["identity"] == "CCCD mới"
    assert "Số CCCD" in raw.ignored


def test_mapping_an_empty_header_column(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", ""]
    rows = [[*p[:4], p[4]] for p in PEOPLE]
    path = write_xlsx(tmp_path / "m.xlsx", header, rows)
    raw = read_table(path, REGISTRY)
    assert raw.ignored == ["Cột E"] and raw.suspect_identity_columns == ["Cột E"]
    raw = read_table(path, REGISTRY, mapping={"Cột E": "identity"})
    assert raw.recognised["identity"] == "Cột E" and raw.suspect_identity_columns == []
    assert parse_columns(raw, REGISTRY, today=TODAY)["identity"][0] == "042068001234"


def test_a_wrong_mapping_is_refused_in_vietnamese(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", HEADER, PEOPLE)
    with pytest.raises(ImportFileError, match="được chọn là «khong_co», không có trong mẫu nhập"):
        read_table(path, REGISTRY, mapping={"Thôn": "khong_co"})
    with pytest.raises(ImportFileError, match="cùng được chọn là «Số định danh cá nhân»"):
        read_table(path, REGISTRY, mapping={"Thôn": "identity", "Số CCCD/CMND": "identity"})


def test_display_name_is_used_in_every_file_level_message(tmp_path):
    stored = tmp_path / "aa1c38f09e2b4d7f.xlsx"
    write_xlsx(stored, ["Mã hàng", "Số lượng"], [["A", "3"]])
    with pytest.raises(ImportFileError) as err:
        read_table(stored, REGISTRY, display_name="Danh sách xã Kỳ Anh.xlsx")
    assert "«Danh sách xã Kỳ Anh.xlsx»" in str(err.value) and "aa1c38" not in str(err.value)
    write_xlsx(stored, ["Mã hộ", "Họ và tên", "Giới tính"], [["H", "A", "Nam"]])
    with pytest.raises(MissingColumnsError) as err:
        read_table(stored, REGISTRY, display_name="ds.xlsx")
    assert str(err.value).startswith("Tệp «ds.xlsx» thiếu cột bắt buộc")
    pdf = tmp_path / "aa1c38f1.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3")
    with pytest.raises(ImportFileError, match="Tệp «baocao.xlsx» là tệp PDF"):
        read_table(pdf, REGISTRY, display_name="baocao.xlsx")
    with pytest.raises(ImportFileError, match="không có trang «Khác»") as err:
        read_table(write_xlsx(stored, HEADER, PEOPLE), REGISTRY, sheet="Khác", display_name="ds.xlsx")
    assert "«ds.xlsx»" in str(err.value)
    with pytest.raises(ImportFileError, match="Không tìm thấy tệp «ds.xlsx»"):
        read_table(tmp_path / "gone.xlsx", REGISTRY, display_name="ds.xlsx")


def test_display_name_is_kept_and_written_in_the_error_report(tmp_path):
    stored = write_xlsx(tmp_path / "aa1c38f09e2b.xlsx", HEADER, PEOPLE)
    assert read_table(stored, REGISTRY).display_name == "aa1c38f09e2b.xlsx"
    raw = read_table(stored, REGISTRY, display_name="Danh sách Thành Sen.xlsx")
    assert raw.display_name == "Danh sách Thành Sen.xlsx"
    out = write_error_report(raw, parse_columns(raw, REGISTRY, today=TODAY), tmp_path / "loi.xlsx")
    summary = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Tóm tắt").to_python()
    assert ["Tệp", "Danh sách Thành Sen.xlsx"] in [row[:2] for row in summary]


# ------------------------------------------------------------------ suspect identity columns

def test_an_unrecognised_column_of_identity_numbers_is_a_suspect(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Giấy tờ tùy thân", "Điện thoại NR", "STT"]
    rows = [[*p[:4], p[4], f"09123456{i:02d}", i + 1] for i, p in enumerate(PEOPLE)]
    rows[0][4] = "0420 6800 1234"  # spaces and dots do not hide it
    rows[1][4] = "183.456.789"
    raw = read_table(write_xlsx(tmp_path / "s.xlsx", header, rows, numbers={6}), REGISTRY)
    assert raw.suspect_identity_columns == ["Giấy tờ tùy thân"]  # not the 10-digit phones, not the numbering
    assert ("Cột «Giấy tờ tùy thân» có vẻ chứa số định danh (CCCD/CMND, 12 hoặc 9 chữ số) nhưng không được "
            "dùng: hãy chọn cột này là cột số định danh, hoặc chọn bỏ qua nếu không phải") in raw.describe()
    mapped = read_table(tmp_path / "s.xlsx", REGISTRY, mapping={"Giấy tờ tùy thân": "identity"})
    assert mapped.suspect_identity_columns == []
    ignored = read_table(tmp_path / "s.xlsx", REGISTRY, mapping={"Giấy tờ tùy thân": ""})
    assert ignored.suspect_identity_columns == []  # the user said it is not one


def test_numbers_that_lost_their_leading_zero_count_only_as_number_cells(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Mã"]
    numbers = [[*p[:4], 42068001234 + i] for i, p in enumerate(PEOPLE)]  # 11 digits: a CCCD without its 0
    assert read_table(write_xlsx(tmp_path / "n.xlsx", header, numbers, numbers={4}),
                      REGISTRY).suspect_identity_columns == ["Mã"]
    texts = [[*p[:4], str(42068001234 + i)] for i, p in enumerate(PEOPLE)]  # typed as text: not a lost zero
    assert read_table(write_xlsx(tmp_path / "t.xlsx", header, texts), REGISTRY).suspect_identity_columns == []
    csv = tmp_path / "n.csv"  # a CSV carries no types: counted
    csv.write_text("\n".join([",".join(header), *(",".join(map(str, r)) for r in numbers)]), encoding="utf-8")
    assert read_table(csv, REGISTRY).suspect_identity_columns == ["Mã"]


def test_a_second_identity_column_is_a_suspect_until_the_user_decides(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Số CMND"]
    rows = [[*p[:4], "", "183456789"] for p in PEOPLE]
    path = write_xlsx(tmp_path / "hai.xlsx", header, rows)
    raw = read_table(path, REGISTRY)
    assert raw.recognised["identity"] == "Số CCCD" and raw.suspect_identity_columns == ["Số CMND"]
    assert read_table(path, REGISTRY, mapping={"Số CMND": ""}).suspect_identity_columns == []
    moved = read_table(path, REGISTRY, mapping={"Số CMND": "identity"})
    assert moved.recognised["identity"] == "Số CMND" and moved.suspect_identity_columns == []  # "Số CCCD" is empty


def test_a_suspect_needs_three_cells_and_eighty_percent(tmp_path):
    header = ["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh", "Ghi chú"]
    two = [[*p[:4], p[4] if i < 2 else None] for i, p in enumerate(PEOPLE)]
    assert read_table(write_xlsx(tmp_path / "a.xlsx", header, two), REGISTRY).suspect_identity_columns == []
    rows = [[*p[:4], p[4]] for p in PEOPLE] + [["HT003", "X", "Nam", "1990", "chuyển đi"]]
    assert read_table(write_xlsx(tmp_path / "b.xlsx", header, rows),
                      REGISTRY).suspect_identity_columns == ["Ghi chú"]  # 4 of 5 = 80 %
    rows.append(["HT003", "Y", "Nam", "1990", "mất"])
    assert read_table(write_xlsx(tmp_path / "c.xlsx", header, rows),
                      REGISTRY).suspect_identity_columns == []  # 4 of 6


# ------------------------------------------------------------------ title row right above the header

def titled(tmp_path, name, merges):
    header = ["STT", *HEADER]
    rows = [[i + 1, *p] for i, p in enumerate(PEOPLE)]
    return write_xlsx(tmp_path / name, header, rows, title=1, merges=merges)


TITLE = "DANH SÁCH HỘ GIA ĐÌNH PHƯỜNG THÀNH SEN"


@pytest.mark.parametrize("merges", [
    [(0, 0, 6, TITLE)],  # merged across the whole table
    [(0, 0, 5, TITLE)],  # nearly
    [(0, 0, 0, TITLE)],  # typed in A1 and overflowing
    [(0, 0, 2, "UBND PHƯỜNG THÀNH SEN"), (0, 3, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(0, 4, 6, "PHƯỜNG THÀNH SEN")],
    [(0, 0, 6, "DANH SÁCH NGƯỜI CHƯA CÓ SỐ CCCD")],  # a keyword in the title
], ids=["full", "nearly", "a1", "two-titles", "right", "keyword"])
def test_a_merged_title_right_above_the_header_is_not_read_into_it(tmp_path, merges):
    """#9.9: every column became «DANH SÁCH… - Mã hộ», messages read «PHƯỜNG THÀNH SEN - Ngày sinh: …»."""
    raw = read_table(titled(tmp_path, "t.xlsx", merges), REGISTRY)
    assert (raw.header_row, raw.header_rows) == (2, 1)
    assert raw.headers == ["STT", *HEADER]
    assert raw.recognised == {"household_code": "Mã hộ", "full_name": "Họ và tên", "sex": "Giới tính",
                              "birth": "Ngày sinh", "identity": "Số CCCD/CMND", "village": "Thôn"}
    assert raw.frame["_row"].to_list() == [3, 4, 5, 6]
    frame = parse_columns(raw, REGISTRY, today=TODAY)
    assert frame["_errors"].to_list()[3] == ["Ngày sinh: Ngày 31/02/1992 không tồn tại."]


def test_the_error_report_of_a_file_with_a_title_row_can_be_imported_again(tmp_path):
    raw = read_table(titled(tmp_path, "t.xlsx", [(0, 0, 6, TITLE)]), REGISTRY)
    frame = parse_columns(raw, REGISTRY, today=TODAY)
    out = write_error_report(raw, frame, tmp_path / "loi.xlsx")
    again = read_table(out, REGISTRY)
    assert again.recognised == raw.recognised
    assert again.ignored == ["Dòng", "STT", "Lỗi"]
    redo = parse_columns(again, REGISTRY, today=TODAY)
    assert redo.drop("_row").equals(frame.drop("_row"))


def test_a_real_two_row_header_is_kept_and_its_error_report_imports_again(tmp_path):
    path = tmp_path / "gop.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, 5, "DANH SÁCH")
    for c, h in enumerate(["Mã hộ", "Họ và tên", "Giới tính", "Ngày sinh"]):
        ws.merge_range(2, c, 3, c, h)
    ws.merge_range(2, 4, 2, 5, "Địa chỉ")  # a group header over two sub-headers
    ws.write_row(3, 4, ["Thôn", "Xã"])
    ws.write_row(4, 0, ["HT001", "Nguyễn Văn An", "Nam", "01/02/1950", "Thôn 1", "Kỳ Anh"])
    ws.write_row(5, 0, ["HT001", "Lê Thị Bé", "Nữ", "1960", "Thôn 2", "Kỳ Anh"])
    wb.close()
    raw = read_table(path, REGISTRY)
    assert (raw.header_row, raw.header_rows) == (3, 2)
    assert raw.recognised["village"] == "Địa chỉ - Thôn" and raw.recognised["commune"] == "Địa chỉ - Xã"
    out = write_error_report(raw, parse_columns(raw, REGISTRY, today=TODAY), tmp_path / "loi.xlsx")
    again = read_table(out, REGISTRY)
    assert again.recognised == raw.recognised  # "Địa chỉ - Thôn" is read back as the village
    assert parse_columns(again, REGISTRY, today=TODAY)["village"].to_list() == ["Thôn 1", "Thôn 2"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_any_error_report_is_re_importable_with_its_row_and_error_columns_ignored(tmp_path, kind):
    header = ["STT", *HEADER, "Ghi chú"]
    rows = [[i + 1, *p, ""] for i, p in enumerate(PEOPLE)]
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "ds.xlsx", header, rows, title=3,
                          merges=[(0, 0, 3, "UBND XÃ KỲ ANH"), (1, 0, 7, "DANH SÁCH HỘ GIA ĐÌNH")])
    else:
        path = tmp_path / "ds.csv"
        path.write_text("DANH SÁCH HỘ GIA ĐÌNH;;;\n" + "\n".join(";".join(map(str, r)) for r in [header, *rows]),
                        encoding="utf-8-sig")
    raw = read_table(path, REGISTRY)
    frame = parse_columns(raw, REGISTRY, today=TODAY)
    assert frame["_errors"].list.len().to_list() == [0, 0, 0, 1]
    out = write_error_report(raw, frame, tmp_path / "loi.xlsx")
    again = read_table(out, REGISTRY)
    assert again.header_row == 1
    assert again.recognised == raw.recognised
    assert again.ignored == ["Dòng", "STT", "Ghi chú", "Lỗi"]
    assert again.suspect_identity_columns == []
    assert again.frame["Dòng"].to_list() == [str(r) for r in raw.frame["_row"].to_list()]
    # the user corrects the date and imports the report itself
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    fixed = tmp_path / "sua.xlsx"
    sheet[4][header.index("Ngày sinh") + 1] = "28/02/1992"
    write_xlsx(fixed, [str(h) for h in sheet[0]], [[None if v == "" else v for v in r] for r in sheet[1:]])
    redo = parse_columns(read_table(fixed, REGISTRY), REGISTRY, today=TODAY)
    assert redo["_errors"].to_list() == [[], [], [], []]
    assert redo["birth"][3] == dt.date(1992, 2, 28)
