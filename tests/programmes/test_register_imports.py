"""Standing registers (NCC, BTXH, poor households) imported from Excel, checked against the registry."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import xlsxwriter
from django.core.management import call_command

from ansinh.core import imports
from ansinh.core.errors import DomainError
from ansinh.core.models import ImportStatus
from ansinh.programmes.imports import REGISTER_KIND
from ansinh.programmes.models import Enrolment, Register

pytestmark = pytest.mark.django_db


def check(path, register, user):
    """Receive and check a register file as ``user`` (the shared lifecycle); returns the record."""
    record = imports.import_receive(kind=REGISTER_KIND, actor=user, file=path, file_name=path.name,
                                    target={"register": register})
    return imports.import_check(record=record)[0]


def errors_of(record) -> dict[int, list[str]]:
    return {row: messages for row, _name, messages in record.summary["errors"]}


def commit(record, user, *, valid_only=False):
    return imports.import_commit(record=imports.import_commit_request(actor=user, record=record,
                                                                      valid_only=valid_only))


def write(path, headers, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, "DANH SÁCH ĐỐI TƯỢNG ĐANG HƯỞNG TRỢ CẤP")
    ws.write_row(2, 0, headers)
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(3 + i, j, dt.datetime.combine(value, dt.time()), date)
            else:
                ws.write(3 + i, j, value)
    wb.close()
    return path


PERSON_HEADERS = ["STT", "Họ và tên", "Số CCCD", "Số QĐ", "Ngày hưởng", "Diện đối tượng"]


def test_tgxh_register_rows_are_checked_and_written(household_a, officer_a, tmp_path):
    head = household_a.head  # Nguyễn Văn Hùng, 042068001234
    path = write(tmp_path / "btxh.xlsx", PERSON_HEADERS, [
        [1, "Nguyen Van Hung", "042068001234", "15/QĐ-UBND", dt.date(2021, 7, 1), "disabled_severe"],
        [2, "Trần Văn Không Có", "042070999999", "16/QĐ-UBND", "01/07/2021", "disabled_severe"],
    ])
    wrong = write(tmp_path / "sai.xlsx", PERSON_HEADERS,
                  [[1, "Lê Văn Sai Tên", "042068001234", "17/QĐ-UBND", "31/02/2021", ""]])
    wrong_errors = errors_of(check(wrong, Register.TGXH, officer_a))[4]
    assert any("không tồn tại" in e for e in wrong_errors)
    assert any("Họ tên không khớp" in e for e in wrong_errors) and any("Diện đối tượng" in e for e in wrong_errors)
    record = check(path, Register.TGXH, officer_a)
    errors = errors_of(record)
    assert 4 not in errors and record.error_rows == 1
    assert any("Không có ai mang số 042070999999" in e for e in errors[5])
    with pytest.raises(DomainError, match="dòng lỗi"):
        commit(record, officer_a)
    assert Enrolment.objects.count() == 0
    record.refresh_from_db()
    assert commit(record, officer_a, valid_only=True).written_rows == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.register, enrolment.tgxh_category, enrolment.start_date) == (
        head, Register.TGXH, "disabled_severe", dt.date(2021, 7, 1))
    with pytest.raises(DomainError, match="Không ghi hai lần cùng một tệp"):
        check(path, Register.TGXH, officer_a)  # the very same file
    resaved = write(tmp_path / "btxh-lai.xlsx", PERSON_HEADERS, [
        [1, "Nguyen Van Hung", "042068001234", "15/QĐ-UBND", dt.date(2021, 7, 1), "disabled_severe"]])
    again = errors_of(check(resaved, Register.TGXH, officer_a))[4]
    assert any("đã có trong sổ này từ 01/07/2021" in e and "đang hưởng" in e for e in again)


def test_poor_household_list_by_household_code_and_area(household_a, officer_b, officer_a, tmp_path):
    path = write(tmp_path / "ho_ngheo.xlsx", ["Mã hộ", "Họ tên chủ hộ", "Số quyết định", "Ngày công nhận"],
                 [[household_a.code, "Nguyễn Văn Hùng", "01/QĐ-UBND", "31/12/2019"]])
    outside = check(path, Register.POOR, officer_b)
    assert any("ngoài địa bàn" in e for e in errors_of(outside)[4])
    inside = check(path, Register.POOR, officer_a)
    assert inside.error_rows == 0 and commit(inside, officer_a).status == ImportStatus.COMMITTED
    assert Enrolment.objects.get().household == household_a


def test_command_exit_codes_and_report(household_a, officer_a, tmp_path):
    good = write(tmp_path / "ncc.xlsx", PERSON_HEADERS[:5],
                 [[1, "Nguyễn Văn Hùng", "042068001234", "5/QĐ-LĐTBXH", "01/07/2019"]])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_registers", str(good), "--register", "ncc", "--user", officer_a.username, "--commit")
    assert exit_.value.code == 0 and Enrolment.objects.filter(register=Register.NCC).count() == 1
    bad = write(tmp_path / "ncc2.xlsx", PERSON_HEADERS[:5], [[1, "Ai Đó", "042070999999", "", "01/07/2019"]])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_registers", str(bad), "--register", "ncc", "--user", officer_a.username)
    assert exit_.value.code == 1
    report = openpyxl.load_workbook(tmp_path / "ncc2_loi.xlsx", read_only=True).worksheets[0]
    assert "Lỗi" in [c.value for c in next(report.iter_rows(max_row=1))]
    junk = tmp_path / "rac.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_registers", str(junk), "--register", "ncc", "--user", officer_a.username)
    assert exit_.value.code == 2
