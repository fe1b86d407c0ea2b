"""The defects found under faults and hostile files (issue #9), one test each, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
import xlsxwriter
from django.core.management import call_command

from ansinh.core import imports
from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent, ImportStatus
from ansinh.payments import services as payments
from ansinh.payments.models import BatchStatus, LineStatus, PaymentLine
from ansinh.programmes.imports import LIST_UPLOAD_KIND, REGISTER_KIND
from ansinh.programmes.models import BeneficiaryList, Enrolment, ListStatus
from ansinh.registry.imports import REGISTRY_KIND
from ansinh.registry.models import Household, Person
from fixtures.registry_files import row, write_xlsx
from programmes.upload_files import mau04, mau04_row
from reliability.conftest import RESULT_HEADERS, posted_batch, results_csv

pytestmark = pytest.mark.django_db


def _run(kind, actor, path, *, target=None, commit=True, valid_only=False, confirm=False):
    return imports.import_run(kind=kind, actor=actor, file=path, file_name=path.name, target=target,
                              commit=commit, valid_only=valid_only, confirm_warnings=confirm)


def _cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(*[str(a) for a in args], stdout=out, stderr=err)
    return exit_.value.code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- 3. new household codes never collide

def test_a_mau04_file_of_2000_new_people_commits(cast, commune_a, tmp_path, units):
    from ansinh.programmes.definitions import COVID_2020
    from ansinh.programmes.services.programmes import programme_from_definition

    programme = programme_from_definition(definition=COVID_2020, actor=cast["specialist"], province_code="42")
    rows = [mau04_row(k, f"Người Mới {k:04d}", "10/10/1970", "Nữ", f"04217000{k:04d}", 1) for k in range(1, 2001)]
    run = _run(LIST_UPLOAD_KIND, cast["officer"], mau04(tmp_path / "mau04.xlsx", rows),
               target={"programme": programme, "group": programme.groups.get(code="4"), "commune": commune_a})
    assert run.committed, run.record.message
    codes = list(Household.objects.filter(head__full_name__startswith="Người Mới").values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 2000
    assert BeneficiaryList.objects.get().row_count == 2000


# ---------------------------------------------------------------- 4. values too long are row errors

def test_values_too_long_are_row_errors_not_a_crash(officer_a, tmp_path):
    rows = [row("HTLONG01", "A" * 130, "Nam", "1960", "Chủ hộ"),
            row("H" * 40, "Nguyễn Văn Dài", "Nam", "1960", "Chủ hộ"),
            row("HTLONG03", "Trần Văn Làng", "Nam", "1960", "Chủ hộ", village="Thôn " + "x" * 130),
            row("HTLONG04", "Lê Văn Ngắn", "Nam", "1960", "Chủ hộ")]
    path = write_xlsx(tmp_path / "dai.xlsx", rows)
    code, out, _ = _cli("import_registry", path, "--user", officer_a.username, "--valid-only")
    assert code == 1
    errors = imports.kind_of("registry").model.objects.get().summary["errors"]
    messages = " ".join(" ".join(m) for _r, _n, m in errors)
    assert messages.count("tối đa") == 3 and "tối đa 120 ký tự" in messages and "tối đa 32 ký tự" in messages
    assert list(Household.objects.values_list("code", flat=True)) == ["HTLONG04"]


def test_a_decision_number_too_long_in_a_register_file(officer_a, household_a, tmp_path):
    path = tmp_path / "ncc.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["Họ và tên", "Số định danh cá nhân", "Số quyết định", "Hưởng từ ngày"])
    ws.write_row(1, 0, ["Nguyễn Văn Hùng", "042068001234", "Q" * 70, "01/07/2019"])
    wb.close()
    run = _run(REGISTER_KIND, officer_a, path, target={"register": "ncc"})
    assert not run.committed and run.record.error_rows == 1 and Enrolment.objects.count() == 0
    assert "tối đa 60 ký tự" in " ".join(run.record.summary["errors"][0][2])


# ---------------------------------------------------------------- 2. a register row with an end date twice

def _register(path, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, f"SỔ ĐỐI TƯỢNG ({path.stem})")  # every file its own bytes (the same file twice is refused earlier)
    ws.write_row(1, 0, ["Họ và tên", "Số định danh cá nhân", "Số quyết định", "Hưởng từ ngày", "Thôi hưởng từ ngày"])
    for i, r in enumerate(rows, start=2):
        ws.write_row(i, 0, r)
    wb.close()
    return path


def test_an_ended_enrolment_imported_again_is_refused(officer_a, household_a, tmp_path):
    first = _run(REGISTER_KIND, officer_a, _register(tmp_path / "a.xlsx", [
        ["Nguyễn Văn Hùng", "042068001234", "5/QĐ", "01/07/2019", "31/12/2020"]]), target={"register": "ncc"})
    assert first.committed
    again = _run(REGISTER_KIND, officer_a, _register(tmp_path / "b.xlsx", [
        ["Nguyễn Văn Hùng", "042068001234", "5/QĐ", "01/07/2019", "31/12/2020"]]), target={"register": "ncc"})
    assert not again.committed and "đã có trong sổ này từ 01/07/2019" in again.record.message + str(
        again.record.summary["errors"])
    overlapping = _run(REGISTER_KIND, officer_a, _register(tmp_path / "c.xlsx", [
        ["Nguyễn Văn Hùng", "042068001234", "9/QĐ", "01/06/2020", ""]]), target={"register": "ncc"})
    assert not overlapping.committed
    later = _run(REGISTER_KIND, officer_a, _register(tmp_path / "d.xlsx", [
        ["Nguyễn Văn Hùng", "042068001234", "12/QĐ", "01/01/2021", ""]]), target={"register": "ncc"})
    assert later.committed  # a new period after the old one ended is a new enrolment
    assert Enrolment.objects.filter(register="ncc").count() == 2


def test_the_database_refuses_the_same_enrolment_twice(household_a, commune_a):
    from django.db import IntegrityError, transaction

    kwargs = {"register": "ncc", "person": household_a.head, "commune": commune_a, "decision_number": "1",
              "start_date": dt.date(2019, 7, 1)}
    Enrolment.objects.create(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(**kwargs)


# ---------------------------------------------------------------- 5. every step checks its source state

def test_a_batch_needs_a_posted_list(cast, commune_a, units):
    from ansinh.programmes.services import workflow

    batch = posted_batch(cast, commune_a, 3)
    bl = batch.beneficiary_list
    supplementary = workflow.supplementary_list_create(actor=cast["officer"], original=bl)
    with pytest.raises(DomainError, match="đã niêm yết công khai; danh sách đang ở trạng thái «Đang lập»"):
        payments.batch_create(actor=cast["specialist"], beneficiary_list=supplementary, agent=cast["agent"])
    with pytest.raises(DomainError, match="chỉ thực hiện được khi đợt chi trả ở trạng thái «Đã nhận kết quả»"):
        payments.batch_reconcile(actor=cast["specialist"], batch=batch)


def test_full_results_mark_the_posted_list_paid_and_reconciliation_follows(cast, commune_a, tmp_path, units):
    batch = posted_batch(cast, commune_a, 4)
    summary = payments.results_import(actor=cast["agent"], batch=batch, path=results_csv(batch, tmp_path / "r.csv"))
    assert summary.applied == 4
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RESULTS
    assert BeneficiaryList.objects.get(pk=batch.beneficiary_list_id).status == ListStatus.PAID
    payments.batch_reconcile(actor=cast["specialist"], batch=batch)
    assert BeneficiaryList.objects.get(pk=batch.beneficiary_list_id).status == ListStatus.RECONCILED


# ---------------------------------------------------------------- 6. questionable payment results

def _results(path, rows):
    pl.DataFrame([[str(v) for v in r] for r in rows], schema=RESULT_HEADERS, orient="row").write_csv(path)
    return path


def test_questionable_paid_dates_are_refused_per_row(cast, commune_a, tmp_path, units):
    batch = posted_batch(cast, commune_a, 5)
    lines = list(PaymentLine.objects.filter(batch=batch).select_related("person").order_by("seq"))
    rows = []
    for line, date in zip(lines, ["2020", "15/03/2020", "01/05/2020", "31/02/2020", "01/01/2099"], strict=True):
        rows.append([line.seq, line.person.full_name, line.person.pid, line.amount, "Đã chi trả", date, line.amount,
                     "", ""])
    summary = payments.results_import(actor=cast["agent"], batch=batch, path=_results(tmp_path / "r.csv", rows))
    assert (summary.applied, summary.errors) == (0, 5)
    record = imports.kind_of("payment_results").model.objects.get()
    errors = {r: " ".join(m) for r, _n, m in record.summary["errors"]}
    texts = list(errors.values())
    assert "chỉ có năm" in texts[0]  # «2020» is not a payment date
    assert "trước ngày quyết định phê duyệt 08/05/2020" in texts[1] and "trước ngày quyết định" in texts[2]
    assert "không tồn tại" in texts[3] and "thiếu ngày chi trả" not in texts[3]  # one message, not two
    assert texts[4]
    assert not PaymentLine.objects.filter(batch=batch).exclude(status=LineStatus.PENDING).exists()


def test_a_blank_name_is_an_error_and_another_name_a_warning_to_confirm(cast, commune_a, tmp_path, units):
    batch = posted_batch(cast, commune_a, 3)
    lines = list(PaymentLine.objects.filter(batch=batch).select_related("person").order_by("seq"))
    rows = [[line.seq, name, line.person.pid, line.amount, "Đã chi trả", "15/05/2020", line.amount, "", ""]
            for line, name in zip(lines, ["", "Người Khác Hẳn", lines[2].person.full_name.upper()], strict=True)]
    path = _results(tmp_path / "r.csv", rows)
    refused = payments.results_import(actor=cast["agent"], batch=batch, path=path)
    assert not refused.committed and "đối chiếu" in refused.message and refused.errors == 1
    record = imports.kind_of("payment_results").model.objects.get()
    assert record.summary["warning_rows"] == 1
    assert "khác người ở STT 2" in " ".join(record.summary["warnings"][0][2])
    assert "không được để trống" in " ".join(record.summary["errors"][0][2])
    record = imports.import_commit(record=imports.import_commit_request(
        actor=cast["agent"], record=record, valid_only=True, confirm_warnings=True))
    assert record.status == ImportStatus.COMMITTED and record.applied_rows == 2  # upper case is the same name


# ---------------------------------------------------------------- 7. command-line imports are audited

def test_command_line_imports_leave_audit_rows(officer_a, tmp_path, household_a):
    registry_file = write_xlsx(tmp_path / "ds.xlsx", [row("HTAUD001", "Hồ Văn Nhật", "Nam", "1960", "Chủ hộ")])
    assert _cli("import_registry", registry_file, "--user", officer_a.username, "--commit")[0] == 0
    register_file = _register(tmp_path / "ncc.xlsx", [["Nguyễn Văn Hùng", "042068001234", "5/QĐ", "01/07/2019", ""]])
    assert _cli("import_registers", register_file, "--register", "ncc", "--user", officer_a.username,
                "--commit")[0] == 0
    actions = set(AuditEvent.objects.filter(actor=officer_a).values_list("action", flat=True))
    assert {"registry_import.upload", "registry_import.commit", "register_import.upload",
            "register_import.commit"} <= actions
    commit = AuditEvent.objects.get(action="registry_import.commit")
    assert commit.details["written"] == 1 and commit.details["file"] == "ds.xlsx"


def test_a_command_needs_a_user_who_may_import(tmp_path, payment_agent):
    path = write_xlsx(tmp_path / "ds.xlsx", [row("HTU001", "Hồ Văn Nhật", "Nam", "1960", "Chủ hộ")])
    code, _out, err = _cli("import_registry", path, "--user", payment_agent.username)
    assert code == 2 and "không được nhập" in err
    with pytest.raises(Exception, match="Không có người dùng"):
        call_command("import_registry", str(path), "--user", "khong-co-ai", stdout=io.StringIO(), stderr=io.StringIO())


# ---------------------------------------------------------------- 10. smaller

def test_messages_name_the_users_file_not_the_stored_one(officer_a, tmp_path):
    path = tmp_path / "danh sách xã.xlsx"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    code, _out, err = _cli("import_registry", path, "--user", officer_a.username)
    record = imports.kind_of("registry").model.objects.get()
    assert code == 2 and "«danh sách xã.xlsx»" in err and "«danh sách xã.xlsx»" in record.message
    assert record.stored_file.name.split("/")[-1] not in record.message


def test_formula_names_are_refused_and_invisible_characters_removed(officer_a, tmp_path):
    rows = [row("HTF001", '=HYPERLINK("http://x.example","Bấm")', "Nam", "1960", "Chủ hộ"),
            row("HTF002", "Nguy\u200bễn Văn\u00a0Ẩn", "Nam", "1961", "Chủ hộ")]
    code, _out, _err = _cli("import_registry", write_xlsx(tmp_path / "ds.xlsx", rows), "--user", officer_a.username,
                            "--valid-only")
    assert code == 1
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn Ẩn"]
    errors = imports.kind_of("registry").model.objects.get().summary["errors"]
    assert "ký tự công thức" in " ".join(errors[0][2])


def test_match_file_csv_output_never_starts_a_cell_with_a_formula(officer_a, tmp_path):
    from ansinh.matching.services import match_file_to

    source = tmp_path / "ds.csv"
    source.write_text("STT,Họ và tên,Ngày sinh\n1,=1+2,01/01/1960\n2,Nguyễn Văn A,01/01/1960\n3,Nguyễn Văn A,"
                      "01/01/1960\n", encoding="utf-8")
    out = tmp_path / "ket-qua.csv"
    match_file_to(in_path=source, out_path=out)
    text = out.read_text(encoding="utf-8-sig")
    assert "'=1+2" in text and ",=1+2" not in text


def test_a_header_only_file_with_commit_exits_1_and_writes_nothing(officer_a, tmp_path):
    code, out, _err = _cli("import_registry", write_xlsx(tmp_path / "rong.xlsx", []), "--user", officer_a.username,
                           "--commit")
    assert code == 1 and "không có dòng dữ liệu nào" in out
    assert not Household.objects.exists()


def test_an_impossible_birth_date_gives_one_message(officer_a, tmp_path):
    code, _out, _err = _cli("import_registry", write_xlsx(tmp_path / "ds.xlsx", [
        row("HTD001", "Phan Văn Ngày", "Nam", "31/02/1950", "Chủ hộ")]), "--user", officer_a.username)
    assert code == 1
    [(_row, _name, messages)] = imports.kind_of("registry").model.objects.get().summary["errors"]
    assert messages == ["Năm sinh: Ngày 31/02/1950 không tồn tại."]


def test_an_unrecognised_identity_column_blocks_the_commit_until_mapped(officer_a, tmp_path):
    headers = ["STT", "Mã hộ", "HỌ VÀ TÊN", "Giới tính", "Năm sinh", "Quan hệ với chủ hộ", "Giấy tờ tuỳ thân",
               "Thôn/xóm", "Xã/phường", "Huyện"]
    path = write_xlsx(tmp_path / "ds.xlsx", [row(f"HTM00{k}", f"Hồ Văn {given}", "Nam", "12/03/1970", "Chủ hộ",
                                                 f"0420700099{k:02d}")
                                                 for k, given in enumerate(("Mục", "Khang", "Lộc", "Phúc"), start=1)], headers=headers)
    record = imports.import_check(record=imports.import_receive(kind=REGISTRY_KIND, actor=officer_a, file=path,
                                                                file_name=path.name))[0]
    assert record.summary["suspect_columns"] == ["Giấy tờ tuỳ thân"] and record.summary["blocking"]
    with pytest.raises(DomainError, match="có vẻ chứa số định danh"):
        imports.import_commit_request(actor=officer_a, record=record, valid_only=False)
    record = imports.import_remap(actor=officer_a, record=record, mapping={"Giấy tờ tuỳ thân": "identity"})
    record, _ = imports.import_check(record=record)
    assert not record.summary["blocking"] and record.error_rows == 0
    record = imports.import_commit(record=imports.import_commit_request(actor=officer_a, record=record,
                                                                        valid_only=False))
    assert record.status == ImportStatus.COMMITTED
    assert Person.objects.get(full_name="Hồ Văn Mục").pid == "042070009901"


def test_the_real_header_cccd_cmnd_is_understood(officer_a, tmp_path):
    headers = ["STT", "Mã hộ", "HỌ VÀ TÊN", "Giới tính", "Năm sinh", "Quan hệ với chủ hộ", "Số CCCD/CMND",
               "Thôn/xóm", "Xã/phường", "Huyện"]
    path = write_xlsx(tmp_path / "ds.xlsx", [row("HTK001", "Hồ Văn Khóa", "Nam", "12/03/1970", "Chủ hộ",
                                                 "042070009988")], headers=headers)
    code, out, _err = _cli("import_registry", path, "--user", officer_a.username, "--commit")
    assert code == 0, out
    assert Person.objects.get(full_name="Hồ Văn Khóa").pid == "042070009988"


def test_an_empty_or_huge_file_is_refused_before_it_is_stored(officer_a, tmp_path, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError, match="rỗng"):
        imports.import_receive(kind=REGISTRY_KIND, actor=officer_a, file=SimpleUploadedFile("rong.xlsx", b""),
                               file_name="rong.xlsx")
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 10)
    with pytest.raises(DomainError, match="quá lớn"):
        imports.import_receive(kind=REGISTRY_KIND, actor=officer_a, file=SimpleUploadedFile("to.xlsx", b"x" * 11),
                               file_name="to.xlsx")
    assert not imports.kind_of("registry").model.objects.exists()


@pytest.mark.parametrize(("name", "message"), [
    ("<b>Nguyễn</b> Văn A", "«<»"), ("Trần Văn 2", "chữ số"), ("Lê Thị Hoa 🌸", "ký hiệu"),
    ("Phạm\x07 Văn Chuông", "không in được"),
])
def test_a_name_with_markup_digits_emoji_or_control_characters_is_refused(officer_a, commune_a, tmp_path, name,
                                                                          message):
    from ansinh.registry.services import household_create

    with pytest.raises(DomainError, match=message):
        household_create(actor=officer_a, commune=commune_a, village="Tổ 1",
                         head={"full_name": name, "sex": "M", "birth_date": dt.date(1970, 1, 1),
                               "birth_precision": "day"})
    code, _out, _err = _cli("import_registry", write_xlsx(tmp_path / "ds.xlsx", [
        row("HTN001", name, "Nam", "1970", "Chủ hộ")]), "--user", officer_a.username, "--commit")
    assert code == 1 and not Person.objects.exists()
    [(_row, _name, messages)] = imports.kind_of("registry").model.objects.get().summary["errors"]
    assert any(message in m for m in messages)


def test_names_of_every_vietnamese_shape_are_accepted():
    from ansinh.core.text import name_problem

    for name in ("Nguyễn Thị Hoà", "Đặng Văn Đức", "H'Hen Niê", "Y-Moan Enuôl", "Lò Văn Páo", "Nông Thị Xuân (Mai)",
                 "Kpă Y Lan", "Trần Văn Anh Jr."):
        assert name_problem(name) is None, name
