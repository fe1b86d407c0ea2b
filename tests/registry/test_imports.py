"""Importing the registry from Excel/CSV: checks, error report, commit, refusals, CLI."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ansinh.core import imports
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.models import ImportStatus
from ansinh.core.tabular import read_table
from ansinh.geo.models import Structure
from ansinh.registry import bulk
from ansinh.registry.imports import REGISTRY_KIND, REGISTRY_SCHEMA
from ansinh.registry.models import Household, Membership, Person, RegistryImport, Relationship
from fixtures.registry_files import HEADERS, row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

NFD_NAME = unicodedata.normalize("NFD", "Lê Thị Bình")
CLEAN_ROWS = [
    # a real Excel date, an identity number typed as a number (Excel dropped its leading zero)
    row("HTIMP001", "Nguyễn Văn An", "Nam", dt.date(1970, 3, 15), "Chủ hộ", 42070001111),
    # dd/mm/yyyy typed as text, a name in decomposed Unicode (as some Mac/web sources give it)
    row("HTIMP001", NFD_NAME, "Nữ", "05/06/1972", "Vợ", "042172002222"),
    # a bare year written as a number
    row("HTIMP001", "Nguyễn Văn Cường", "Nam", 2001, "Con"),
    row("HTIMP002", "Trần Văn Dũng", "Nam", "1950", "Chủ hộ", "183456111", village="Tổ dân phố 7"),
    row("HTIMP002", "Trần Thị Em", "Nữ", dt.date(1985, 1, 2), "Con gái"),
]


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), Membership.objects.count()


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def start_and_check(actor, path: Path) -> RegistryImport:
    record = imports.import_receive(kind=REGISTRY_KIND, actor=actor, file=upload(path), file_name=path.name)
    return imports.import_check(record=record)[0]


def commit(actor, record: RegistryImport, *, valid_only: bool = False) -> RegistryImport:
    record = imports.import_commit_request(actor=actor, record=record, valid_only=valid_only)
    return imports.import_commit(record=record)


def report_rows(path: str | Path) -> tuple[list[str], list[dict]]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    headers = [str(v) for v in values[0]]
    return headers, [dict(zip(headers, r, strict=False)) for r in values[1:]]


# ---------------------------------------------------------------- a clean file

def test_clean_file_summary(officer_a, tmp_path):
    record = start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS))
    assert record.status == ImportStatus.CHECKED
    assert (record.total_rows, record.error_rows) == (5, 0)
    assert record.summary["figures"]["households"] == 2 and record.summary["figures"]["valid_persons"] == 5
    assert record.summary["header_row"] == 4  # two title rows, a blank row, then the header
    assert set(record.summary["recognised"]) >= {"household_code", "full_name", "sex", "birth", "relationship",
                                                 "identity", "village", "commune", "district"}
    assert record.summary["ignored"] == ["STT"]
    assert not record.error_report
    assert counts() == (0, 0, 0)  # checking writes nothing


def test_clean_file_commit_writes_households_persons_memberships(officer_a, commune_a, tmp_path):
    record = commit(officer_a, start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS)))
    assert record.status == ImportStatus.COMMITTED
    assert (record.result["households"], record.result["persons"], record.written_rows) == (2, 5, 5)
    assert record.message == "Đã ghi 2 hộ, 5 nhân khẩu."
    assert counts() == (2, 5, 5)

    first, second = Household.objects.get(code="HTIMP001"), Household.objects.get(code="HTIMP002")
    assert first.head.full_name == "Nguyễn Văn An" and second.head.full_name == "Trần Văn Dũng"
    assert first.commune == commune_a and first.village == "Tổ dân phố 1" and second.village == "Tổ dân phố 7"
    assert first.is_urban  # a ward
    members = {m.person.full_name: m for m in Membership.objects.select_related("person", "household")}
    assert {n: (m.household.code, m.relationship) for n, m in members.items()} == {
        "Nguyễn Văn An": ("HTIMP001", Relationship.HEAD), "Lê Thị Bình": ("HTIMP001", Relationship.SPOUSE),
        "Nguyễn Văn Cường": ("HTIMP001", Relationship.CHILD), "Trần Văn Dũng": ("HTIMP002", Relationship.HEAD),
        "Trần Thị Em": ("HTIMP002", Relationship.CHILD),
    }
    assert all(m.left_date is None and m.person.household_id == m.household_id for m in members.values())

    binh = Person.objects.get(search_key="le thi binh")
    assert binh.full_name == "Lê Thị Bình" and unicodedata.is_normalized("NFC", binh.full_name)
    assert (binh.birth_date, binh.birth_precision, binh.pid) == (dt.date(1972, 6, 5), "day", "042172002222")
    an = Person.objects.get(full_name="Nguyễn Văn An")
    assert (an.birth_date, an.birth_precision, an.pid) == (dt.date(1970, 3, 15), "day", "042070001111")
    cuong = Person.objects.get(full_name="Nguyễn Văn Cường")
    assert (cuong.birth_date, cuong.birth_precision, cuong.birth_display) == (dt.date(2001, 1, 1), "year", "2001")
    dung = Person.objects.get(full_name="Trần Văn Dũng")
    assert (dung.birth_precision, dung.cmnd, dung.pid) == ("year", "183456111", None)
    assert set(Person.objects.values_list("commune_id", flat=True)) == {commune_a.pk}


def test_imported_people_are_searchable_by_their_officer_only(client, officer_a, officer_b, tmp_path):
    commit(officer_a, start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS)))
    client.force_login(officer_a)
    assert "Lê Thị Bình" in client.get(reverse("registry:person_list"), {"q": "le thi binh"}).content.decode()
    client.force_login(officer_b)
    assert "Lê Thị Bình" not in client.get(reverse("registry:person_list"), {"q": "le thi binh"}).content.decode()


def test_csv_with_bom_and_semicolons(officer_a, tmp_path):
    rows = [[str(v) if isinstance(v, int) else v for v in r] for r in CLEAN_ROWS]
    rows[0][5] = "42070001111"  # a CSV saved from Excel carries the number without its zero
    record = commit(officer_a, start_and_check(officer_a, write_csv(tmp_path / "ds.csv", rows)))
    assert record.status == ImportStatus.COMMITTED, record.message
    assert counts() == (2, 5, 5)
    assert Household.objects.get(code="HTIMP001").head.pid == "042070001111"
    assert Person.objects.get(full_name="Trần Thị Em").birth_date == dt.date(1985, 1, 2)


# ---------------------------------------------------------------- rows with errors

BAD_ROWS = [
    *CLEAN_ROWS[:3],
    row("HTIMP002", "Trần Văn Dũng", "Nam", "31/02/1950", "Chủ hộ"),  # impossible date
    row("HTIMP002", "Trần Thị Em", "Nữ", dt.date(1985, 1, 2), "Con", "042085003333"),  # digit 4 = 0: a man
    row("HTIMP003", "Phạm Văn Giang", "Nam", "1960", "Chủ hộ", village="Tổ dân phố 2"),
    row("HTIMP003", "Phạm Thị Hạnh", "Nữ", "1962", "Hàng xóm"),  # unknown relationship
]


def test_rows_with_errors_write_nothing_and_report_reasons(officer_a, tmp_path):
    record = start_and_check(officer_a, write_xlsx(tmp_path / "loi.xlsx", BAD_ROWS))
    assert (record.total_rows, record.error_rows) == (7, 4)
    assert record.summary["figures"]["valid_households"] == 1 and record.summary["figures"]["valid_persons"] == 3

    headers, rows = report_rows(record.error_report.path)
    assert headers == ["Dòng", *HEADERS, "Lỗi"]
    assert len(rows) == 7
    by_name = {r["HỌ VÀ TÊN"]: r for r in rows}
    assert by_name["Nguyễn Văn An"]["Lỗi"] in (None, "")
    assert by_name["Nguyễn Văn An"]["Dòng"] == 6  # row number in the original file
    assert by_name["Nguyễn Văn An"]["Số CCCD"] == "42070001111"  # the cell as it was in the file
    assert by_name["Trần Văn Dũng"]["Năm sinh"] == "31/02/1950"
    assert "Ngày 31/02/1950 không tồn tại" in by_name["Trần Văn Dũng"]["Lỗi"]
    assert "giới tính là nữ" in by_name["Trần Thị Em"]["Lỗi"]
    assert "Hàng xóm" in by_name["Phạm Thị Hạnh"]["Lỗi"]
    assert "Cả hộ chưa được ghi vì dòng" in by_name["Phạm Văn Giang"]["Lỗi"]

    with pytest.raises(DomainError, match="4 dòng lỗi"):
        imports.import_commit_request(actor=officer_a, record=record, valid_only=False)
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert counts() == (0, 0, 0)


def test_valid_only_writes_only_fully_valid_households(officer_a, tmp_path):
    record = commit(officer_a, start_and_check(officer_a, write_xlsx(tmp_path / "loi.xlsx", BAD_ROWS)),
                    valid_only=True)
    assert record.status == ImportStatus.COMMITTED
    assert "Bỏ qua 4 dòng lỗi" in record.message
    assert list(Household.objects.values_list("code", flat=True)) == ["HTIMP001"]
    assert counts() == (1, 3, 3)
    assert not Person.objects.filter(full_name__in=["Phạm Văn Giang", "Trần Văn Dũng"]).exists()


def test_error_report_download_through_the_view(client, officer_a, tmp_path):
    client.force_login(officer_a)
    path = write_xlsx(tmp_path / "loi.xlsx", BAD_ROWS)
    response = client.post(reverse("registry:import_upload"), {"file": upload(path)})
    record = RegistryImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:import_detail", args=[record.pk])
    page = client.get(response.url).content.decode()
    assert 'data-testid="error-rows">4<' in page and "Tải báo cáo lỗi" in page
    download = client.get(reverse("registry:import_error_report", args=[record.pk]))
    assert download["Content-Disposition"].endswith('loi_bao_cao_loi.xlsx"')
    headers, rows = report_rows(io.BytesIO(b"".join(download.streaming_content)))
    assert headers[-1] == "Lỗi" and sum(1 for r in rows if r["Lỗi"]) == 4
    # another officer cannot fetch it
    client.force_login(_other_importer(officer_a))
    assert client.get(reverse("registry:import_error_report", args=[record.pk])).status_code == 404


def _other_importer(officer):
    from ansinh.accounts.models import User

    return User.objects.create_user(username="xa_a2", password="x" * 10, role=officer.role, area=officer.area)


# ---------------------------------------------------------------- refusals

def test_same_file_again_after_commit_is_refused(client, officer_a, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS)
    commit(officer_a, start_and_check(officer_a, path))
    client.force_login(officer_a)
    response = client.post(reverse("registry:import_upload"), {"file": upload(path.rename(tmp_path / "ds2.xlsx"))})
    assert response.status_code == 200
    assert "đã được ghi vào cơ sở dữ liệu hộ, nhân khẩu" in response.content.decode()
    assert "Không ghi hai lần cùng một tệp" in response.content.decode()
    assert RegistryImport.objects.count() == 1
    assert counts() == (2, 5, 5)


def test_second_commit_click_is_refused_and_writes_nothing_twice(client, officer_a, tmp_path):
    record = start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS))
    client.force_login(officer_a)
    url = reverse("registry:import_commit", args=[record.pk])
    first = client.post(url, {"action": "commit"}, follow=True)
    assert "Đã ghi 2 hộ, 5 nhân khẩu." in first.content.decode()
    second = client.post(url, {"action": "commit"}, follow=True)
    assert "không ghi lại lần nữa" in second.content.decode()
    with pytest.raises(ConcurrentChange):
        imports.import_commit_request(actor=officer_a, record=record, valid_only=False)
    assert counts() == (2, 5, 5)


def test_commune_officer_importing_another_commune_gets_out_of_area(officer_a, tmp_path):
    rows = [row("HTIMP009", "Hồ Văn Khoa", "Nam", "1966", "Chủ hộ", commune="Xã Cẩm Bình")]
    record = start_and_check(officer_a, write_xlsx(tmp_path / "ngoai.xlsx", rows))
    assert record.error_rows == 1
    _headers, report = report_rows(record.error_report.path)
    assert "Xã/phường «Xã Cẩm Bình» nằm ngoài địa bàn bạn được phân công." in report[0]["Lỗi"]
    with pytest.raises(DomainError, match="Tệp không có dòng hợp lệ nào để ghi"):
        commit(officer_a, record, valid_only=True)
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert counts() == (0, 0, 0)


def test_other_user_cannot_commit_someone_elses_import(client, officer_a, tmp_path):
    record = start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS))
    client.force_login(_other_importer(officer_a))
    assert client.post(reverse("registry:import_commit", args=[record.pk]), {"action": "commit"}).status_code == 404
    assert counts() == (0, 0, 0)


def test_roles_that_cannot_import(client, leader, inspector, payment_agent):
    for user in (leader, inspector, payment_agent):
        client.force_login(user)
        assert client.get(reverse("registry:import_upload")).status_code == 403
        assert client.get(reverse("registry:import_template")).status_code == 403


# ---------------------------------------------------------------- names before the 2025 reorganisation

def test_old_commune_name_with_its_district_resolves_to_todays_unit(provincial, tmp_path):
    rows = [row("HTIMP010", "Võ Văn Lâm", "Nam", "1958", "Chủ hộ", commune="Xã Thạch Đài",
                district="Thành phố Hà Tĩnh")]
    record = commit(provincial, start_and_check(provincial, write_xlsx(tmp_path / "cu.xlsx", rows)))
    assert record.status == ImportStatus.COMMITTED, record.message
    household = Household.objects.select_related("commune", "recorded_commune").get(code="HTIMP010")
    assert household.commune.name == "Phường Hà Huy Tập"
    assert household.commune.structure == Structure.CURRENT
    assert household.head.commune == household.commune


def test_old_commune_name_is_kept_as_recorded_commune(provincial, tmp_path):
    rows = [row("HTIMP010", "Võ Văn Lâm", "Nam", "1958", "Chủ hộ", commune="Xã Thạch Đài",
                district="Thành phố Hà Tĩnh")]
    commit(provincial, start_and_check(provincial, write_xlsx(tmp_path / "cu.xlsx", rows)))
    household = Household.objects.select_related("recorded_commune").get(code="HTIMP010")
    assert (household.recorded_commune.name, household.recorded_commune.structure) == ("Xã Thạch Đài",
                                                                                       Structure.LEGACY)


# ---------------------------------------------------------------- an interrupted commit

def test_interrupted_commit_leaves_nothing_behind(officer_a, tmp_path, monkeypatch):
    record = start_and_check(officer_a, write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS))
    real_write = bulk._write
    written = []

    def failing_write(model, frame, progress=None):
        if model is Person:
            raise OSError("mất kết nối giữa chừng")
        real_write(model, frame, progress)
        written.append(model)

    monkeypatch.setattr(bulk, "_write", failing_write)
    record = imports.import_commit_request(actor=officer_a, record=record, valid_only=False)
    with pytest.raises(OSError):
        imports.import_commit(record=record)
    assert written == [Household]  # the households had been written before the failure...
    assert counts() == (0, 0, 0)  # ...and were rolled back
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert "không có dữ liệu nào được ghi" in record.message

    monkeypatch.setattr(bulk, "_write", real_write)  # the user tries again
    assert commit(officer_a, record).status == ImportStatus.COMMITTED
    assert counts() == (2, 5, 5)


# ---------------------------------------------------------------- background path

def test_large_file_goes_through_the_worker(client, officer_a, tmp_path, monkeypatch, immediate_tasks):
    monkeypatch.setattr(imports, "INLINE_LIMIT_BYTES", 0)
    called = []
    real_check = imports.import_check
    monkeypatch.setattr(imports, "import_check", lambda **kw: called.append("check") or real_check(**kw))
    client.force_login(officer_a)
    response = client.post(reverse("registry:import_upload"),
                           {"file": upload(write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS))})
    record = RegistryImport.objects.get()
    assert called == ["check"]  # through the task, not inline
    assert record.status == ImportStatus.CHECKED and record.total_rows == 5
    assert imports.progress_get(record) == (100, "Đã kiểm tra xong")

    response = client.post(reverse("registry:import_commit", args=[record.pk]), {"action": "commit"}, follow=True)
    record.refresh_from_db()
    assert record.status == ImportStatus.COMMITTED
    assert 'data-testid="import-status">Đã ghi vào CSDL<' in response.content.decode()
    assert imports.progress_get(record) == (100, "Đã ghi xong")
    assert counts() == (2, 5, 5)


# ---------------------------------------------------------------- the command line

def run_cli(*args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", *[str(a) for a in args], stdout=io.StringIO(), stderr=io.StringIO())
    return exit_info.value.code


def test_cli_valid_file_exits_0_and_commits(tmp_path, provincial):
    path = write_xlsx(tmp_path / "ds.xlsx", CLEAN_ROWS)
    assert run_cli(path, "--user", provincial.username) == 0
    assert counts() == (0, 0, 0)  # a check only
    assert run_cli(path, "--commit", "--user", provincial.username) == 0
    assert counts() == (2, 5, 5)
    assert not (tmp_path / "ds_loi.xlsx").exists()


def test_cli_rows_with_errors_exit_1_with_report_next_to_the_file(tmp_path, officer_a):
    path = write_xlsx(tmp_path / "ds.xlsx", BAD_ROWS)
    assert run_cli(path, "--commit", "--user", officer_a.username) == 1
    assert counts() == (0, 0, 0)
    headers, rows = report_rows(tmp_path / "ds_loi.xlsx")
    assert headers[-1] == "Lỗi" and sum(1 for r in rows if r["Lỗi"]) == 4
    assert run_cli(path, "--valid-only", "--user", officer_a.username) == 1
    assert counts() == (1, 3, 3)


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    bytes(range(256)) * 8,
], ids=["pdf", "random-bytes"])
def test_cli_unreadable_file_exits_2(tmp_path, content, provincial):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(content)
    assert run_cli(path, "--user", provincial.username) == 2
    assert not (tmp_path / "ds_loi.xlsx").exists()


def test_cli_xlsx_without_header_exits_2(tmp_path, provincial):
    path = write_xlsx(tmp_path / "ds.xlsx", [["a", "b", "c"], ["d", "e", "f"]], headers=["Cột 1", "Cột 2", "Cột 3"],
                      numbered=False)
    assert run_cli(path, "--user", provincial.username) == 2


def test_unreadable_upload_is_shown_as_failed(client, officer_a, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    client.force_login(officer_a)
    page = client.post(reverse("registry:import_upload"), {"file": upload(path)}, follow=True).content.decode()
    assert RegistryImport.objects.get().status == ImportStatus.FAILED
    assert "là tệp PDF, không phải bảng tính" in page


# ---------------------------------------------------------------- the template

def test_template_download_rereads_with_canonical_headers(client, officer_a, provincial, tmp_path):
    client.force_login(officer_a)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    path = tmp_path / "mau.xlsx"
    path.write_bytes(response.content)
    raw = read_table(path, REGISTRY_SCHEMA)
    assert raw.headers == REGISTRY_SCHEMA.template_headers()
    assert raw.recognised == {f.name: f.header for f in REGISTRY_SCHEMA.fields}
    assert raw.ignored == []
    record = start_and_check(provincial, path)  # the examples are in Xã Cẩm Bình: a province-wide user
    assert (record.total_rows, record.error_rows, record.summary["figures"]["households"]) == (2, 0, 1)
