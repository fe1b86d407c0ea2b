"""Groups 1–4 lists uploaded from Excel (QĐ 15 Mẫu 01–04): outcomes of good and bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ansinh.accounts.models import Role
from ansinh.core import imports
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.models import ImportStatus
from ansinh.core.tabular import read_table
from ansinh.programmes.imports import LIST_UPLOAD_KIND, template_for
from ansinh.programmes.models import BeneficiaryList, ListRow, ListStatus, ListUpload, RowFlag
from ansinh.registry.models import Person
from programmes import factories as f
from programmes.upload_files import mau04, mau04_row, workbook

pytestmark = pytest.mark.django_db


def _group(programme, code):
    return programme.groups.get(code=code)


class Check:
    """What the check found, as the page shows it (from the record's stored summary)."""

    def __init__(self, record: ListUpload, path: Path):
        self.record, self.path = record, path
        figures = record.summary.get("figures", {})
        self.total_rows, self.error_rows = record.total_rows, record.error_rows
        self.valid_rows, self.ok = record.valid_rows, record.error_rows == 0
        self.matched, self.new_persons, self.amount = figures["matched"], figures["new_persons"], figures["amount"]

    def errors(self):
        return self.record.summary["errors"]

    @property
    def first_row(self) -> int:
        """The file's row number of the first data row."""
        return read_table(self.path, template_for(self.record.group).schema).frame["_row"][0]


def _receive(actor, programme, code, commune, path: Path):
    """Upload and check through the shared lifecycle; a file that cannot be used raises like the page says."""
    record = imports.import_receive(kind=LIST_UPLOAD_KIND, actor=actor, file=path, file_name=path.name,
                                    target={"programme": programme, "group": _group(programme, code),
                                            "commune": commune})
    record, _outcome = imports.import_check(record=record)
    if record.status == ImportStatus.FAILED:
        raise DomainError(record.message)
    return record, Check(record, path)


def upload_commit(*, actor, upload: ListUpload, valid_only: bool) -> BeneficiaryList:
    record = imports.import_commit(record=imports.import_commit_request(actor=actor, record=upload,
                                                                        valid_only=valid_only))
    if record.status != ImportStatus.COMMITTED:
        raise DomainError(record.message)
    return BeneficiaryList.objects.get(pk=record.beneficiary_list_id)


def _messages(check) -> dict[int, str]:
    return {row: " | ".join(errors) for row, _name, errors in check.errors()}


def test_mau04_valid_file_makes_a_draft_list_with_amounts_from_the_rules(programme, officer_a, commune_a, tmp_path):
    known = f.person(commune_a, "Hoàng Văn Tú", birth=dt.date(1985, 2, 3))
    path = mau04(tmp_path / "mau04.xlsx", [
        mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3),
        mau04_row(2, "Hoàng Văn Tú", "03/02/1985", "Nam", known.pid, 2, job="Xe ôm"),
    ])
    upload, check = _receive(officer_a, programme, "4", commune_a, path)
    assert check.ok, check.errors()
    assert (check.total_rows, check.matched, check.new_persons, check.amount) == (2, 1, 1, 5_000_000)
    assert not BeneficiaryList.objects.exists()  # nothing written by the check
    bl = upload_commit(actor=officer_a, upload=upload, valid_only=False)
    assert (bl.status, bl.group.code, bl.commune_id, bl.source) == (ListStatus.DRAFT, "4", commune_a.pk, "excel")
    assert (bl.row_count, bl.amount_total) == (2, 5_000_000)
    rows = {r.person.full_name: r for r in ListRow.objects.filter(beneficiary_list=bl).select_related("person")}
    assert rows["Phạm Thị Hoa"].amount == 3_000_000 and rows["Phạm Thị Hoa"].months == 3
    assert rows["Hoàng Văn Tú"].person_id == known.pk and rows["Hoàng Văn Tú"].amount == 2_000_000
    new = Person.objects.get(pid="042170005555")
    assert (new.sex, new.birth_date, new.commune_id, new.household.village) == (
        "F", dt.date(1970, 10, 10), commune_a.pk, "Thôn Trung Tiến")


def test_bad_rows_block_the_commit_unless_valid_only_and_the_report_lists_them(programme, officer_a, commune_a,
                                                                             tmp_path):
    path = mau04(tmp_path / "loi.xlsx", [
        mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3),
        mau04_row(2, "Nguyễn Văn Sai", "01/01/1980", "Nam", "042180", 3),                # too short
        mau04_row(3, "Lê Văn Giới", "05/05/1981", "Nam", "042181001111", 3),            # 4th digit 1 = female
        mau04_row(4, "Trần Văn Năm", "05/05/1982", "Nam", "042082001111", 3),           # year 82 vs... ok
        mau04_row(5, "Võ Thị Ngày", "31/02/1990", "Nữ", "042190002222", 3),             # impossible date
        mau04_row(6, "Đỗ Văn Tháng", "01/01/1975", "Nam", "042075003333", 4),           # months > 3
        mau04_row(7, "Bùi Văn Sau", "01/01/2090", "Nam", "042090004444", 2),            # birth in the future
        mau04_row(8, "Trùng Số", "10/10/1970", "Nữ", "042170005555", 1),                 # same number as row 1
        mau04_row(9, "Năm Lệch", "01/01/1983", "Nam", "042075009999", 1),               # year 75 ≠ 1983
    ])
    upload, check = _receive(officer_a, programme, "4", commune_a, path)
    errors = _messages(check)
    first = check.first_row
    by_stt = {stt: errors.get(first + stt - 1, "") for stt in range(1, 10)}
    assert by_stt[1] == "" and by_stt[4] == ""
    assert "12 chữ số" in by_stt[2] or "9 chữ số" in by_stt[2] or "CCCD" in by_stt[2]
    assert "giới tính" in by_stt[3]
    assert "Ngày" in by_stt[5]
    assert "từ 1 đến 3" in by_stt[6]
    assert by_stt[7]
    assert "trùng với dòng" in by_stt[8]
    assert "năm sinh" in by_stt[9]
    assert check.error_rows == 7
    with pytest.raises(DomainError, match="7 dòng lỗi"):
        upload_commit(actor=officer_a, upload=upload, valid_only=False)
    assert not BeneficiaryList.objects.exists() and not Person.objects.filter(pid="042170005555").exists()

    upload.refresh_from_db()
    ws = load_workbook(upload.error_report.path).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = next(r for r in values if r and "Lỗi" in r)
    assert "Họ và tên" in header
    assert sum(1 for r in values if r and r[header.index("Lỗi")] and r is not header) == 7

    upload.refresh_from_db()
    bl = upload_commit(actor=officer_a, upload=upload, valid_only=True)
    assert bl.row_count == 2


def test_wrong_file_and_wrong_columns_are_refused_with_a_clear_message(programme, officer_a, commune_a, tmp_path):
    text = tmp_path / "ghi-chu.xlsx"
    text.write_bytes(b"day khong phai tep excel")
    with pytest.raises(DomainError, match="Mẫu 04"):
        _receive(officer_a, programme, "4", commune_a, text)
    other = workbook(tmp_path / "khac.xlsx", ["Mã hàng", "Tên hàng", "Đơn giá"], [["A1", "Gạo", 15000]])
    with pytest.raises(DomainError):
        _receive(officer_a, programme, "4", commune_a, other)
    no_months = workbook(tmp_path / "thieu.xlsx", ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD",
                                                    "Công việc bị mất"],
                         [[1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", "Bán hàng rong"]])
    with pytest.raises(DomainError, match="Số tháng"):
        _receive(officer_a, programme, "4", commune_a, no_months)
    assert set(ListUpload.objects.values_list("status", flat=True)) == {ImportStatus.FAILED}
    assert not BeneficiaryList.objects.exists()


def test_the_same_file_twice_is_refused(programme, officer_a, commune_a, tmp_path):
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)])
    upload, _ = _receive(officer_a, programme, "4", commune_a, path)
    upload_commit(actor=officer_a, upload=upload, valid_only=False)
    with pytest.raises(DomainError, match="Không ghi hai lần cùng một tệp"):
        _receive(officer_a, programme, "4", commune_a, path)
    again = mau04(tmp_path / "lan-2.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3),
                                             mau04_row(2, "Lê Thị Mơ", "01/01/1966", "Nữ", "042166001212", 1)])
    upload2, check = _receive(officer_a, programme, "4", commune_a, again)
    assert "đã có trong" in _messages(check)[check.first_row]
    bl = upload_commit(actor=officer_a, upload=upload2, valid_only=True)  # appended to the same draft list
    assert (BeneficiaryList.objects.count(), bl.row_count, bl.amount_total) == (1, 2, 4_000_000)


def test_group2_revenue_from_100_million_is_refused_and_amount_is_per_household(programme, officer_a, commune_a,
                                                                               tmp_path):
    headers = ["STT", "Họ và tên chủ hộ kinh doanh", "Ngày sinh", "Giới tính", "Số CMND", "Mã số thuế",
               "Địa điểm kinh doanh", "Ngành nghề kinh doanh", "Doanh thu kê khai thuế năm 2020",
               "Số tháng tạm ngừng kinh doanh"]
    path = workbook(tmp_path / "mau02.xlsx", headers, [
        [1, "Trần Văn Hải", "20/07/1975", "Nam", "042075004321", "3001234567", "Chợ Cẩm Bình", "Tạp hoá",
         "72.000.000", 3],
        [2, "Ngô Thị Giàu", "01/01/1970", "Nữ", "042170008888", "3001234568", "Chợ", "Vàng bạc", "100.000.000", 3],
        [3, "Lý Văn Vừa", "01/01/1972", "Nam", "182345678", "3001234569", "Chợ", "Rau", "99.000.000", 2],
    ])
    upload, check = _receive(officer_a, programme, "2", commune_a, path)
    errors = _messages(check)
    first = check.first_row
    assert "100 triệu" in errors[first + 1]
    assert check.error_rows == 1, errors
    assert check.amount == 3_000_000 + 2_000_000
    bl = upload_commit(actor=officer_a, upload=upload, valid_only=True)
    assert bl.amount_total == 5_000_000 and Person.objects.filter(cmnd="182345678").exists()


def test_group3_contract_dates_and_group1_months_within_the_window(programme, officer_a, commune_a, tmp_path):
    headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày giao kết HĐLĐ", "Ngày chấm dứt HĐLĐ",
               "Số tháng hỗ trợ"]
    path = workbook(tmp_path / "mau03.xlsx", headers, [
        [1, "Lê Văn Minh", "02/09/1988", "Nam", "042088007777", "01/06/2018", "15/04/2020", 3],
        [2, "Lê Văn Muộn", "02/09/1988", "Nam", "042088007778", "02/04/2020", "20/04/2020", 2],   # signed too late
        [3, "Lê Văn Sớm", "02/09/1988", "Nam", "042088007779", "01/06/2018", "20/03/2020", 2],   # ended before window
        [4, "Lê Văn Cuối", "02/09/1988", "Nam", "042088007780", "01/06/2018", "10/06/2020", 3],  # June: 1 month left
    ])
    _, check = _receive(officer_a, programme, "3", commune_a, path)
    errors = _messages(check)
    first = check.first_row
    assert first not in errors
    assert "trước 01/04/2020" in errors[first + 1]
    assert "từ 01/04/2020 đến 15/06/2020" in errors[first + 2]
    assert "chỉ còn 1 tháng" in errors[first + 3]
    assert check.amount == 3_000_000

    # Mẫu 01 with the QĐ 15 layout: birth date under «Nam» / «Nữ», two header rows
    headers = ["STT", "Họ và tên", "Ngày tháng năm sinh", "", "Số CMND/CCCD", "Tên doanh nghiệp",
               "Thời gian tạm hoãn HĐLĐ", "", "Số tháng đề nghị hỗ trợ"]
    sub = ["", "", "Nam", "Nữ", "", "", "Từ ngày", "Đến ngày", ""]
    path = workbook(tmp_path / "mau01.xlsx", headers, [
        [1, "Nguyễn Thị Lan", "", "15/03/1990", "042190001234", "Công ty May", "01/04/2020", "30/06/2020", 3],
        [2, "Phan Văn Trễ", "01/01/1985", "", "042085001234", "Công ty May", "02/06/2020", "30/06/2020", 1],
        [3, "Phan Văn Ngắn", "01/01/1986", "", "042086001234", "Công ty May", "01/04/2020", "20/04/2020", 1],
    ], sub_headers=sub)
    _, check = _receive(officer_a, programme, "1", commune_a, path)
    errors = _messages(check)
    first = check.first_row
    assert first not in errors, errors
    assert "ngoài thời gian được hỗ trợ" in errors[first + 1]
    assert "dưới 1 tháng" in errors[first + 2]
    assert check.amount == 3 * 1_800_000


def test_who_may_upload_and_checks_then_workflow_apply(programme, officer_a, officer_b, commune_a, leader, tmp_path,
                                                       appraiser):
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3)])
    with pytest.raises(PermissionDenied):
        _receive(officer_b, programme, "4", commune_a, path)   # another commune
    with pytest.raises(PermissionDenied):
        _receive(leader, programme, "4", commune_a, path)
    with pytest.raises(DomainError, match="không lập danh sách bằng tệp"):
        _receive(officer_a, programme, "5", commune_a, path)
    district = f.user("huyen", Role.DISTRICT_SPECIALIST, commune_a.parent or commune_a)
    with pytest.raises(PermissionDenied):
        _receive(district, programme, "4", commune_a, path)
    upload, _ = _receive(officer_a, programme, "4", commune_a, path)
    bl = upload_commit(actor=officer_a, upload=upload, valid_only=False)
    from ansinh.programmes.services import workflow as services

    bl = services.list_submit(actor=officer_a, beneficiary_list=bl)
    bl = services.list_appraise(actor=appraiser, beneficiary_list=bl)
    with pytest.raises(PermissionDenied):
        services.list_approve(actor=appraiser, beneficiary_list=bl, decision_number="15/QĐ-UBND",
                              decision_date=dt.date(2020, 5, 5), signer="Chủ tịch")  # the appraiser cannot approve
    bl = services.list_approve(actor=leader, beneficiary_list=bl, decision_number="15/QĐ-UBND",
                               decision_date=dt.date(2020, 5, 5), signer="Chủ tịch UBND tỉnh")
    assert bl.status == ListStatus.APPROVED and bl.amount_total == 3_000_000
    assert not RowFlag.objects.filter(row__beneficiary_list=bl).exists()


def test_upload_pages_check_show_errors_report_and_commit(client, programme, officer_a, commune_a, tmp_path):
    client.force_login(officer_a)
    page = client.get(f"/chuong-trinh/{programme.pk}/")
    assert "Tải lên danh sách từ tệp Excel" in page.content.decode()  # the link of the Excel groups
    start = client.get(f"/chuong-trinh/{programme.pk}/tai-len/")
    body = start.content.decode()
    assert "Mẫu 04" in body and commune_a.name in body and "Mẫu 05" not in body
    group = programme.groups.get(code="4")
    template = client.get(f"/chuong-trinh/mau/{group.pk}.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    path = mau04(tmp_path / "mau04.xlsx", [mau04_row(1, "Phạm Thị Hoa", "10/10/1970", "Nữ", "042170005555", 3),
                                           mau04_row(2, "Lỗi Tháng", "01/01/1975", "Nam", "042075003333", 5)])
    with path.open("rb") as fh:
        response = client.post(f"/chuong-trinh/{programme.pk}/tai-len/",
                               {"group": group.pk, "commune": commune_a.pk, "file": fh})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "từ 1 đến 3" in detail and "chỉ ghi 1 dòng hợp lệ" in detail and "3.000.000" in detail
    report = client.get(response["Location"] + "bao-cao-loi.xlsx")
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"
    done = client.post(response["Location"] + "ghi/", {"action": "commit", "valid_only": "on"})
    bl = BeneficiaryList.objects.get()
    assert done["Location"] == f"/chuong-trinh/danh-sach/{bl.pk}/" and bl.row_count == 1
    assert "Phạm Thị Hoa" in client.get(done["Location"]).content.decode()
    with path.open("rb") as fh:
        again = client.post(f"/chuong-trinh/{programme.pk}/tai-len/",
                            {"group": group.pk, "commune": commune_a.pk, "file": fh}, follow=True)
    assert "Không ghi hai lần cùng một tệp" in again.content.decode()


def test_group2_revenue_is_exact_to_the_dong(programme, officer_a, commune_a, tmp_path):
    """99.999.999 đ is under the limit and gets its amount (the rules held it as float32: 100.000.000, 0 đ)."""
    headers = ["STT", "Họ và tên chủ hộ kinh doanh", "Ngày sinh", "Giới tính", "Số CMND", "Mã số thuế",
               "Địa điểm kinh doanh", "Ngành nghề kinh doanh", "Doanh thu kê khai thuế năm 2020",
               "Số tháng tạm ngừng kinh doanh"]
    path = workbook(tmp_path / "mau02-bien.xlsx", headers, [
        [1, "Trần Văn Sát", "20/07/1975", "Nam", "042075004329", "3001234570", "Chợ Cẩm Bình", "Tạp hoá",
         "99.999.999", 3],
        [2, "Ngô Thị Đủ", "01/01/1970", "Nữ", "042170008889", "3001234571", "Chợ", "Vải", "100.000.000", 3],
    ])
    upload, check = _receive(officer_a, programme, "2", commune_a, path)
    errors = _messages(check)
    assert check.error_rows == 1 and "100 triệu" in " ".join(errors.values()), errors
    assert check.valid_rows == 1 and check.amount == 3_000_000
    bl = upload_commit(actor=officer_a, upload=upload, valid_only=True)
    row = ListRow.objects.get(beneficiary_list=bl)
    assert (row.person.full_name, row.amount) == ("Trần Văn Sát", 3_000_000)
