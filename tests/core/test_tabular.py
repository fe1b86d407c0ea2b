"""The import engine on files shaped like real commune lists.

``PEOPLE`` below is the documented example schema: the registry defines the real one.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from ansinh.core.tabular import (
    Field,
    ImportFileError,
    MissingColumnsError,
    Schema,
    add_errors,
    add_row_errors,
    file_sha256,
    has_errors,
    parse_columns,
    read_table,
    write_error_report,
    write_template,
)

TODAY = dt.date(2025, 6, 15)

PEOPLE = Schema(
    fields=(
        Field("full_name", "Họ và tên", synonyms=("Họ tên", "Họ và tên người", "Tên"), required=True),
        Field("pid", "Số định danh cá nhân",
              synonyms=("Số CCCD", "CMND/CCCD", "Số CMND", "Số ĐDCN", "CCCD", "Số CMND/CCCD"), kind="identity"),
        Field("birth", "Ngày sinh", synonyms=("Năm sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh"),
              required=True, kind="date"),
        Field("sex", "Giới tính", kind="choice", choices=(("M", ("Nam",)), ("F", ("Nữ", "nu")))),
        Field("relation", "Quan hệ với chủ hộ", synonyms=("Quan hệ với CH", "QH với chủ hộ")),
        Field("household", "Mã hộ", synonyms=("Mã hộ gia đình", "Số hộ")),
        Field("hamlet", "Thôn/xóm", synonyms=("Thôn", "Xóm", "Thôn, xóm", "Tổ dân phố")),
        Field("commune", "Xã/phường", synonyms=("Xã", "Phường", "Xã, phường")),
        Field("district", "Huyện", synonyms=("Quận/huyện", "Huyện/thị xã")),
        Field("ethnicity", "Dân tộc"),
        Field("phone", "Số điện thoại", synonyms=("SĐT", "Điện thoại"), kind="phone"),
        Field("amount", "Số tiền", synonyms=("Mức trợ cấp", "Số tiền (đồng)"), kind="money"),
        Field("members", "Số nhân khẩu", kind="int"),
        Field("disabled", "Khuyết tật", kind="bool"),
    )
)

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Thôn/xóm", "Ghi chú"]


def commune_xlsx(path, rows, *, headers=HEADERS, numbering=True):
    """A list as communes send it: merged title lines, blank row, header, numbering row."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Danh sách")
    bold = wb.add_format({"bold": True, "align": "center"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.merge_range(0, 0, 0, 3, "UBND XÃ KỲ ANH", bold)
    ws.merge_range(0, 4, 0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    ws.merge_range(2, 0, 2, 6, "DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG", bold)
    ws.write_row(4, 0, headers, bold)
    first = 5
    if numbering:
        ws.write_row(5, 0, [f"({i})" for i in range(1, len(headers) + 1)])
        first = 6
    for i, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(first + i, c, v, date_fmt)
            elif v is not None:
                ws.write(first + i, c, v)
    wb.close()
    return path


ROWS = [
    [1, "Nguyễn Văn An", dt.date(1950, 2, 1), "Nam", 42185000123, "Thôn 1", ""],
    [2, "TRẦN THỊ  BÌNH", "05/03/1962", "Nữ", "042185000124", "Thôn 2", "chuyển đến"],
    [3, "Lê Văn Cường", 1945, "nam", "038045000125", "Thôn 1", None],
    [4, "Phạm Thị Dung", "31/02/1950", "Nữ", "04218500012", "Thôn 3", None],
    [5, "Hoàng Văn Em", "", "Không rõ", "4.2185E+10", "Thôn 3", None],
]


@pytest.fixture
def commune_file(tmp_path):
    return commune_xlsx(tmp_path / "ds_tro_cap.xlsx", ROWS)


def parsed_by_row(frame: pl.DataFrame) -> dict[int, dict]:
    return {r["_row"]: r for r in frame.iter_rows(named=True)}


def test_header_found_below_title_rows_and_numbering_row(commune_file):
    raw = read_table(commune_file, PEOPLE)
    assert raw.header_row == 5
    assert raw.sheet_name == "Danh sách"
    assert raw.recognised == {
        "full_name": "Họ và tên", "birth": "Ngày sinh", "sex": "Giới tính", "pid": "Số CCCD", "hamlet": "Thôn/xóm",
    }
    assert raw.ignored == ["STT", "Ghi chú"]
    assert raw.frame["_row"].to_list() == [7, 8, 9, 10, 11]  # the numbering row (6) is not data
    assert raw.frame["Họ và tên"].to_list()[:2] == ["Nguyễn Văn An", "TRẦN THỊ  BÌNH"]
    assert raw.file_sha256 == file_sha256(commune_file)
    assert "Cột bỏ qua: «STT», «Ghi chú»" in raw.describe()


def test_raw_values_are_the_text_the_user_sees(commune_file):
    raw = read_table(commune_file, PEOPLE)
    assert raw.frame["Ngày sinh"].to_list() == ["01/02/1950", "05/03/1962", "1945", "31/02/1950", None]
    assert raw.frame["Số CCCD"].to_list() == ["42185000123", "042185000124", "038045000125", "04218500012", "4.2185E+10"]
    assert raw.frame.schema["STT"] == pl.Utf8


def test_parsed_values_and_vietnamese_errors(commune_file):
    frame = parse_columns(read_table(commune_file, PEOPLE), PEOPLE, today=TODAY)
    rows = parsed_by_row(frame)
    assert rows[7]["full_name"] == "Nguyễn Văn An"
    assert rows[8]["full_name"] == "TRẦN THỊ BÌNH"  # spaces folded; case kept as typed
    assert (rows[7]["birth"], rows[7]["birth_precision"]) == (dt.date(1950, 2, 1), "day")
    assert (rows[8]["birth"], rows[8]["birth_precision"]) == (dt.date(1962, 3, 5), "day")
    assert (rows[9]["birth"], rows[9]["birth_precision"]) == (dt.date(1945, 1, 1), "year")
    assert [rows[r]["sex"] for r in (7, 8, 9, 10)] == ["M", "F", "M", "F"]
    # Excel turned 042185000123 into the number 42185000123: the zero comes back
    assert rows[7]["pid"] == "042185000123"
    assert rows[8]["pid"] == "042185000124"
    assert rows[7]["_errors"] == rows[8]["_errors"] == rows[9]["_errors"] == []
    assert rows[10]["_errors"] == [
        "Ngày sinh: Ngày 31/02/1950 không tồn tại.",
        "Số CCCD: «04218500012» phải gồm 12 chữ số (hoặc 9 chữ số nếu là CMND cũ), đang có 11 chữ số.",
    ]
    assert rows[10]["birth"] is None and rows[10]["pid"] is None
    assert rows[11]["_errors"] == [
        "Ngày sinh: không được để trống.",
        "Giới tính: «Không rõ» không thuộc danh sách: Nam, Nữ.",
        "Số CCCD: «4.2185E+10» bị Excel đổi sang dạng số khoa học và đã mất chữ số; "
        "hãy định dạng cột là Văn bản (Text) rồi nhập lại.",
    ]
    assert frame.filter(has_errors())["_row"].to_list() == [10, 11]


@pytest.mark.parametrize(
    ("field", "header"),
    [(f.name, h) for f in PEOPLE.fields for h in (f.header, *f.synonyms)]
    + [("full_name", "HỌ VÀ TÊN"), ("full_name", "Họ và tên (*)"), ("birth", "NGÀY, THÁNG, NĂM SINH"),
       ("pid", "Số CMND / CCCD"), ("birth", "Ngày sinh\n(dd/mm/yyyy)"), ("hamlet", "Thôn / xóm")],
)
def test_each_synonym_is_recognised(tmp_path, field, header):
    headers = ["Họ và tên", "Ngày sinh"]
    others = [h for h in headers if PEOPLE.match(h).name != field]
    path = commune_xlsx(tmp_path / "s.xlsx", [["x", "y", "z"][: len(others) + 1]], headers=[header, *others])
    raw = read_table(path, PEOPLE)
    assert raw.recognised[field] == " ".join(header.split())


def test_missing_required_column_is_named_in_vietnamese(tmp_path):
    path = commune_xlsx(tmp_path / "thieu.xlsx", [[1, "A", "Nam", "Thôn 1"]],
                        headers=["STT", "Họ và tên", "Giới tính", "Thôn/xóm"])
    with pytest.raises(MissingColumnsError) as err:
        read_table(path, PEOPLE)
    assert "thiếu cột bắt buộc: «Ngày sinh»" in str(err.value)
    assert [f.name for f in err.value.missing] == ["birth"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rong.xlsx", b"", "rỗng"),
        ("rong.csv", b"\n\n", "rỗng"),
        ("baocao.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "là tệp PDF"),
        ("anh.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải bảng tính"),
        ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "không phải bảng tính"),
        ("web.xls", b"<html><body><table><tr><td>Ho ten</td></tr></table></body></html>", "trang web"),
        ("hong.xlsx", b"PK\x03\x04garbage that is not a zip", "Không mở được"),
    ],
)
def test_unreadable_files_raise_import_file_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        read_table(path, PEOPLE)
    assert message in str(err.value)


def test_no_recognisable_header_lists_the_expected_columns(tmp_path):
    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mã hàng", "Số lượng"])
    wb.active.append(["A1", 3])
    wb.save(path)
    with pytest.raises(ImportFileError) as err:
        read_table(path, PEOPLE)
    assert str(err.value) == (
        "Không tìm thấy dòng tiêu đề trong 30 dòng đầu của tệp «khac.xlsx». Cần có các cột: «Họ và tên», «Ngày sinh»."
    )


def test_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "ds.csv"
    text = (
        "DANH SÁCH HỘ NGHÈO;;;\n"
        ";;;\n"
        "Họ tên;Năm sinh;Số CMND;Số tiền\n"
        "Nguyễn Văn An;1950;42185000123;1.500.000\n"
        "Đỗ Thị Hoa;12/5/1970;012345678;750000\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    raw = read_table(path, PEOPLE)
    assert raw.file_kind == "csv" and raw.header_row == 3
    frame = parse_columns(raw, PEOPLE, today=TODAY)
    assert frame["full_name"].to_list() == ["Nguyễn Văn An", "Đỗ Thị Hoa"]
    assert frame["pid"].to_list() == ["042185000123", "012345678"]  # a CSV carries no types: zero restored
    assert frame["amount"].to_list() == [1_500_000, 750_000]
    assert frame["birth_precision"].to_list() == ["year", "day"]
    assert frame["_errors"].to_list() == [[], []]


def test_csv_windows_code_page_and_commas(tmp_path):
    path = tmp_path / "cu.csv"
    # cp1258 writes most tones as combining marks after the letter: "ọ" is "o" + U+0323
    path.write_bytes("Ho\u0323 và tên,Ngày sinh\nLê Thi\u0323 Lan,01/01/1980\n".encode("cp1258"))
    raw = read_table(path, PEOPLE)
    assert raw.recognised["full_name"] == "Họ và tên"
    frame = parse_columns(raw, PEOPLE, today=TODAY)
    assert frame["full_name"].to_list() == ["Lê Thị Lan"]  # NFC, as typed on a Unicode keyboard


def test_two_row_header_with_group_cell_and_signature_footer(tmp_path):
    path = tmp_path / "gop.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 0, 4, "DANH SÁCH")
    ws.merge_range(2, 0, 3, 0, "TT")
    ws.merge_range(2, 1, 3, 1, "Họ và tên")
    ws.merge_range(2, 2, 3, 2, "Ngày sinh")
    ws.merge_range(2, 3, 2, 4, "Địa chỉ")  # group header over two sub-headers
    ws.write_row(3, 3, ["Thôn", "Xã"])
    ws.write_row(4, 0, [1, "Nguyễn Văn An", "01/02/1950", "Thôn 1", "Kỳ Anh"])
    ws.write_row(5, 0, [2, "Lê Thị Bé", "1960", "Thôn 2", "Kỳ Anh"])
    ws.write_row(7, 3, ["Kỳ Anh, ngày 10 tháng 6 năm 2025"])
    ws.write_row(8, 1, ["NGƯỜI LẬP BIỂU"])
    ws.write_row(8, 3, ["CHỦ TỊCH UBND XÃ"])
    ws.write_row(11, 1, ["Nguyễn Văn Kế"])
    wb.close()
    raw = read_table(path, PEOPLE)
    assert (raw.header_row, raw.header_rows) == (3, 2)
    assert raw.recognised == {"full_name": "Họ và tên", "birth": "Ngày sinh", "hamlet": "Địa chỉ - Thôn",
                              "commune": "Địa chỉ - Xã"}
    assert raw.frame["Họ và tên"].to_list() == ["Nguyễn Văn An", "Lê Thị Bé"]
    assert raw.skipped_rows == [8, 9, 12]


def test_totals_and_signatures_are_dropped_but_a_last_person_named_cong_is_kept(tmp_path):
    rows = [[1, "Nguyễn Văn An", "1950", "Nam", "", "Thôn 1", ""], [2, "Công Thị Bé", "1960", "Nữ", "", "Thôn 2", ""],
            [None, "Cộng:", None, None, None, None, "2 người"], [None, None, None, None, None, "NGƯỜI LẬP BIỂU", None]]
    raw = read_table(commune_xlsx(tmp_path / "c.xlsx", rows), PEOPLE)
    assert raw.frame["Họ và tên"].to_list() == ["Nguyễn Văn An", "Công Thị Bé"]
    assert raw.skipped_rows == [9, 10]


def test_dates_in_every_commune_form(tmp_path):
    texts = ["18295", "02/1950", "31/02/1950", "1/2/1950", "ngày 5 tháng 3 năm 1960", "18295", "2030", "1945.0"]
    rows = [[i, "A", t] for i, t in enumerate(texts)]
    frame = parse_columns(read_table(commune_xlsx(tmp_path / "d.xlsx", rows, headers=["STT", "Họ và tên", "Năm sinh"]),
                                     PEOPLE), PEOPLE, today=TODAY)
    assert frame["birth"].to_list() == [dt.date(1950, 2, 1), dt.date(1950, 2, 1), None, dt.date(1950, 2, 1),
                                        dt.date(1960, 3, 5), dt.date(1950, 2, 1), None, dt.date(1945, 1, 1)]
    assert frame["birth_precision"].to_list() == ["day", "month", None, "day", "day", "day", None, "year"]
    assert frame["_errors"].to_list()[2] == ["Năm sinh: Ngày 31/02/1950 không tồn tại."]
    assert frame["_errors"].to_list()[6] == ["Năm sinh: Năm 2030 nằm trong tương lai (hôm nay là 15/06/2025)."]


def test_identity_typed_as_text_keeps_its_digits_and_short_text_is_an_error(tmp_path):
    rows = [[1, "A", "1950", "Nam", "001085000123", "", ""], [2, "B", "1950", "Nam", "42185000123", "", ""]]
    frame = parse_columns(read_table(commune_xlsx(tmp_path / "t.xlsx", rows), PEOPLE), PEOPLE, today=TODAY)
    assert frame["pid"].to_list() == ["001085000123", None]
    assert frame["_errors"][1].to_list() == [
        "Số CCCD: «42185000123» phải gồm 12 chữ số (hoặc 9 chữ số nếu là CMND cũ), đang có 11 chữ số."
    ]


def test_money_int_bool_and_phone_columns(tmp_path):
    headers = ["Họ và tên", "Ngày sinh", "Số tiền", "Số nhân khẩu", "Khuyết tật", "SĐT"]
    rows = [
        ["A", "1950", 1500000, 4, "x", 912345678],
        ["B", "1950", "1.500.000 đ", "3", "", "0912 345 678"],
        ["C", "1950", "1,5", "ba", "có lẽ", "+84912345678"],
        ["D", "1950", -5, "", "không", "12345"],
    ]
    frame = parse_columns(read_table(commune_xlsx(tmp_path / "m.xlsx", rows, headers=headers), PEOPLE), PEOPLE)
    assert frame["amount"].to_list() == [1_500_000, 1_500_000, None, None]
    assert frame["members"].to_list() == [4, 3, None, None]
    assert frame["disabled"].to_list() == [True, None, None, False]
    assert frame["phone"].to_list() == ["0912345678", "0912345678", "0912345678", None]
    assert frame["_errors"].to_list() == [
        [],
        [],
        [
            "Số tiền: «1,5» không phải là số tiền hợp lệ (ghi số nguyên đồng, ví dụ 1.500.000).",
            "Số nhân khẩu: «ba» không phải là số nguyên.",
            "Khuyết tật: «có lẽ» không hiểu là có hay không (ghi «x» hoặc «có» nếu có, để trống nếu không).",
        ],
        ["Số tiền: số tiền không được âm.",
         "SĐT: «12345» không phải số điện thoại hợp lệ (10 chữ số, bắt đầu bằng 0)."],
    ]


def test_first_sheet_with_a_recognisable_header_is_used(tmp_path):
    path = tmp_path / "nhieu_trang.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active.append(["Điền danh sách ở trang sau"])
    data = wb.create_sheet("Số liệu")
    data.append(["Họ và tên", "Ngày sinh"])
    data.append(["A", "1950"])
    wb.save(path)
    raw = read_table(path, PEOPLE)
    assert raw.sheet_name == "Số liệu" and raw.header_row == 1
    assert read_table(path, PEOPLE, sheet="Số liệu").height == 1
    with pytest.raises(ImportFileError, match="không có trang «Khác»"):
        read_table(path, PEOPLE, sheet="Khác")


def test_extra_errors_from_domain_rules_are_appended(commune_file):
    frame = parse_columns(read_table(commune_file, PEOPLE), PEOPLE, today=TODAY)
    frame = add_errors(frame, pl.col("sex").eq("M") & pl.col("pid").str.slice(3, 1).eq("1"),
                       "Số định danh là của nữ nhưng giới tính là nam.")
    frame = add_row_errors(frame, {9: ["Chủ hộ chưa có trong danh sách hộ."]})
    rows = parsed_by_row(frame)
    assert rows[7]["_errors"] == ["Số định danh là của nữ nhưng giới tính là nam."]
    assert rows[9]["_errors"] == ["Chủ hộ chưa có trong danh sách hộ."]
    assert rows[8]["_errors"] == []
    assert len(rows[10]["_errors"]) == 2  # parse errors kept
    assert frame.height == 5


def test_error_report_shows_original_rows_and_errors(commune_file, tmp_path):
    raw = read_table(commune_file, PEOPLE)
    frame = parse_columns(raw, PEOPLE, today=TODAY)
    out = write_error_report(raw, frame, tmp_path / "loi.xlsx")
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Kết quả kiểm tra", "Tóm tắt"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["Dòng", *HEADERS, "Lỗi"]
    assert rows[1][:8] == [7.0, "1", "Nguyễn Văn An", "01/02/1950", "Nam", "42185000123", "Thôn 1", ""]
    assert rows[4][1:6] == ["4", "Phạm Thị Dung", "31/02/1950", "Nữ", "04218500012"]
    assert rows[4][8] == ("Ngày sinh: Ngày 31/02/1950 không tồn tại.; Số CCCD: «04218500012» phải gồm 12 chữ số "
                          "(hoặc 9 chữ số nếu là CMND cũ), đang có 11 chữ số.")
    assert [r[8] == "" for r in rows[1:]] == [True, True, True, False, False]
    sheet = openpyxl.load_workbook(out)["Kết quả kiểm tra"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I6"
    assert sheet["A1"].font.b
    assert sheet["B5"].fill.fgColor.rgb.endswith("FFE0E0")  # row 4 of the file: highlighted
    assert sheet["B2"].fill.fgColor.rgb in ("00000000", None)


def test_error_report_can_be_corrected_and_imported_again(commune_file, tmp_path):
    raw = read_table(commune_file, PEOPLE)
    out = write_error_report(raw, parse_columns(raw, PEOPLE, today=TODAY), tmp_path / "loi.xlsx")
    again = read_table(out, PEOPLE)
    assert again.recognised["pid"] == "Số CCCD" and "Lỗi" in again.ignored
    frame = parse_columns(again, PEOPLE, today=TODAY)
    assert frame["pid"][1] == "042185000124"


def test_template_has_canonical_headers_and_reads_back(tmp_path):
    out = write_template(PEOPLE, tmp_path / "mau.xlsx", title="MẪU DANH SÁCH NHÂN KHẨU",
                         example_rows=[["Nguyễn Văn An", "001085000123", dt.date(1985, 2, 1), "Nam"]])
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "MẪU DANH SÁCH NHÂN KHẨU"
    assert rows[2] == PEOPLE.template_headers()
    sheet = openpyxl.load_workbook(out).active
    assert sheet["C4"].number_format == "dd/mm/yyyy"
    assert sheet["B4"].value == "001085000123" and sheet["B4"].number_format == "@"
    assert sheet.column_dimensions["B"].width > 12
    assert any(dv.sqref and "D" in str(dv.sqref) for dv in sheet.data_validations.dataValidation)
    frame = parse_columns(read_table(out, PEOPLE), PEOPLE, today=TODAY)
    assert frame.select("full_name", "pid", "birth", "sex").row(0) == (
        "Nguyễn Văn An", "001085000123", dt.date(1985, 2, 1), "M")
    assert frame["_errors"].to_list() == [[]]


def test_schema_refuses_one_header_for_two_fields():
    with pytest.raises(ValueError, match="claimed by"):
        Schema(fields=(Field("a", "Họ tên"), Field("b", "HỌ TÊN")))


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")),
                    reason="LibreOffice is not installed: cannot produce a real .xls locally")
def test_xls_file_is_read(commune_file, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(commune_file)],
                   check=True, capture_output=True, timeout=120)
    raw = read_table(tmp_path / "ds_tro_cap.xls", PEOPLE)
    assert raw.file_kind == "xls" and raw.header_row == 5
    frame = parse_columns(raw, PEOPLE, today=TODAY)
    assert frame["pid"][0] == "042185000123"
