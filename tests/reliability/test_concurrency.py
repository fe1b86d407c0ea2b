"""Two users or two processes doing the same thing at once (issue #9): exactly one effect, the other refused with
a Vietnamese message — on PostgreSQL, with two real connections released at the same instant."""

from __future__ import annotations

import polars as pl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ansinh.core import imports
from ansinh.core.errors import DomainError
from ansinh.core.models import AuditEvent, ImportStatus
from ansinh.demo.vn_names import numbered_name
from ansinh.payments.imports import RESULTS_KIND
from ansinh.payments.models import LineStatus, PaymentLine, ResultImport
from ansinh.programmes.imports import REGISTER_KIND
from ansinh.programmes.models import Enrolment
from ansinh.registry.imports import REGISTRY_KIND
from ansinh.registry.models import Person
from fixtures.registry_files import row, write_xlsx
from reliability.conftest import at_once, posted_batch, results_csv

pytestmark = [pytest.mark.django_db(transaction=True)]


def _claimed(kind, actor, path, *, target=None, valid_only=False, name=None):
    """Received, checked and claimed for writing (QUEUED): what the two processes then commit at once."""
    record = imports.import_receive(kind=kind, actor=actor, file=path, file_name=name or path.name, target=target)
    record, _ = imports.import_check(record=record)
    return imports.import_commit_request(actor=actor, record=record, valid_only=valid_only)


def test_contradictory_results_at_once_one_applies_the_other_reports_its_rows(postgres, units, cast, commune_a,
                                                                               tmp_path):
    """File A (all paid) and file B (every 10th unpaid) for the same batch, committed together: whichever locks the
    batch first is applied; the other is checked again under the lock and its contradicting rows are errors —
    never «applied» for rows it did not write, and B's unpaid results never vanish silently."""
    batch = posted_batch(cast, commune_a, 400)
    a = _claimed(RESULTS_KIND, cast["agent"], results_csv(batch, tmp_path / "a.csv"), target={"batch": batch},
                 valid_only=True)
    b = _claimed(RESULTS_KIND, cast["agent"], results_csv(batch, tmp_path / "b.csv", unpaid_every=10),
                 target={"batch": batch}, valid_only=True)
    outcomes = at_once(lambda: imports.import_commit(record=a), lambda: imports.import_commit(record=b))
    assert [err for _, err in outcomes] == [None, None]
    a.refresh_from_db()
    b.refresh_from_db()
    lines = PaymentLine.objects.filter(batch=batch)
    paid, unpaid = lines.filter(status=LineStatus.PAID).count(), lines.filter(status=LineStatus.UNPAID).count()
    assert paid + unpaid == 400 and not lines.filter(status=LineStatus.PENDING).exists()
    winner, loser = (a, b) if paid == 400 else (b, a)
    assert (paid, unpaid) == ((400, 0) if winner is a else (360, 40))
    assert winner.status == ImportStatus.COMMITTED and winner.applied_rows == 400
    # the loser wrote nothing: its 40 differing rows are errors, the 360 same rows «không đổi»
    assert loser.applied_rows == 0 and loser.error_rows == 40
    if loser.status == ImportStatus.COMMITTED:
        assert loser.unchanged_rows == 360 and "Đã ghi nhận 0 dòng" in loser.message
    applied_claims = sum(r.applied_rows for r in ResultImport.objects.filter(batch=batch))
    assert applied_claims == 400  # the records claim exactly the lines that changed


def test_the_same_results_file_twice_at_once_is_applied_once(postgres, units, cast, commune_a, tmp_path):
    batch = posted_batch(cast, commune_a, 200)
    path = results_csv(batch, tmp_path / "ket-qua.csv", unpaid_every=7)
    first = _claimed(RESULTS_KIND, cast["agent"], path, target={"batch": batch})
    second = _claimed(RESULTS_KIND, cast["agent"], path, target={"batch": batch}, name="ket-qua (1).csv")
    at_once(lambda: imports.import_commit(record=first), lambda: imports.import_commit(record=second))
    records = ResultImport.objects.filter(batch=batch)
    assert records.filter(status=ImportStatus.COMMITTED).count() == 1
    refused = records.exclude(status=ImportStatus.COMMITTED).get()
    assert "Không ghi hai lần cùng một tệp" in refused.message
    commits = AuditEvent.objects.filter(action="payment.results_import.commit", object_id__in=[first.pk, second.pk])
    assert commits.count() == 1
    assert PaymentLine.objects.filter(batch=batch, status=LineStatus.PAID).count() == 200 - 200 // 7


def _register_file(path, people_rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["STT", "Họ và tên", "Số định danh cá nhân", "Số quyết định", "Hưởng từ ngày"])
    for i, (name, pid) in enumerate(people_rows, start=1):
        ws.write_row(i, 0, [i, name, pid, f"{i}/QĐ-UBND", "01/07/2019"])
    wb.close()
    return path


def test_two_register_imports_of_the_same_file_at_once_enrol_each_person_once(postgres, units, cast, commune_a,
                                                                                tmp_path):
    from reliability.conftest import people

    ids = people(commune_a, 300)
    rows = list(Person.objects.filter(pk__in=ids).order_by("pk").values_list("full_name", "pid"))
    path = _register_file(tmp_path / "ncc.xlsx", rows)
    first = _claimed(REGISTER_KIND, cast["officer"], path, target={"register": "ncc"})
    copy = tmp_path / "ncc-ban-sao.xlsx"
    copy.write_bytes(path.read_bytes())
    second = _claimed(REGISTER_KIND, cast["specialist"], copy, target={"register": "ncc"})
    outcomes = at_once(lambda: imports.import_commit(record=first), lambda: imports.import_commit(record=second))
    assert [err for _, err in outcomes] == [None, None]
    assert Enrolment.objects.filter(register="ncc").count() == 300
    statuses = sorted(r.status for r in (first, second) if r.refresh_from_db() is None)
    assert statuses == [ImportStatus.CHECKED, ImportStatus.COMMITTED]
    refused = first if first.status == ImportStatus.CHECKED else second
    assert "Không ghi hai lần cùng một tệp" in refused.message


def test_the_same_register_rows_in_two_different_files_at_once(postgres, units, cast, commune_a, tmp_path):
    """Not the same file (another digest): the second is checked again under the register's lock and refused."""
    from reliability.conftest import people

    ids = people(commune_a, 50)
    rows = list(Person.objects.filter(pk__in=ids).order_by("pk").values_list("full_name", "pid"))
    first = _claimed(REGISTER_KIND, cast["officer"], _register_file(tmp_path / "a.xlsx", rows),
                     target={"register": "ncc"})
    second = _claimed(REGISTER_KIND, cast["officer"], _register_file(tmp_path / "b.xlsx", rows[::-1]),
                      target={"register": "ncc"})
    at_once(lambda: imports.import_commit(record=first), lambda: imports.import_commit(record=second))
    assert Enrolment.objects.filter(register="ncc").count() == 50
    first.refresh_from_db()
    second.refresh_from_db()
    refused = first if first.status != ImportStatus.COMMITTED else second
    assert refused.status == ImportStatus.CHECKED and "dòng lỗi" in refused.message


@pytest.mark.parametrize("second_title", [None, ("UBND PHƯỜNG THÀNH SEN", "DANH SÁCH GỬI LẠI")],
                         ids=["the-same-file", "the-same-rows-in-another-file"])
def test_two_registry_imports_at_once(postgres, units, cast, commune_a, tmp_path, second_title):
    """One writes the households; the other is refused with a message (the same file, or its rows already in
    the registry when checked again under the lock) — never a UniqueViolation traceback."""
    rows = [row(f"HTCC{k:03d}", numbered_name(k, "Lê Văn Cùng"), "Nam", "12/03/1970", "Chủ hộ", f"04207000{k:04d}")
            for k in range(120)]
    path = write_xlsx(tmp_path / "ds.xlsx", rows)
    other = write_xlsx(tmp_path / "ds-gui-lai.xlsx", rows, title=second_title) if second_title else path
    records = []
    for file in (path, other):
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        record = imports.import_receive(kind=REGISTRY_KIND, actor=cast["officer"], file=upload, file_name=file.name)
        record, _ = imports.import_check(record=record)
        records.append(imports.import_commit_request(actor=cast["officer"], record=record, valid_only=False))
    outcomes = at_once(*[(lambda r=r: imports.import_commit(record=r)) for r in records])
    assert [err for _, err in outcomes] == [None, None]
    assert Person.objects.filter(full_name__startswith="Lê Văn Cùng").count() == 120
    for r in records:
        r.refresh_from_db()
    assert sorted(r.status for r in records) == [ImportStatus.CHECKED, ImportStatus.COMMITTED]
    refused = next(r for r in records if r.status == ImportStatus.CHECKED)
    expected = "Không ghi hai lần cùng một tệp" if second_title is None else "dòng lỗi"
    assert expected in refused.message


def test_a_double_clicked_commit_writes_once(postgres, units, cast, commune_a, tmp_path):
    rows = [row("HTDC001", "Phan Văn Đúp", "Nam", "1960", "Chủ hộ")]
    record = imports.import_receive(kind=REGISTRY_KIND, actor=cast["officer"],
                                    file=write_xlsx(tmp_path / "mot.xlsx", rows), file_name="mot.xlsx")
    record, _ = imports.import_check(record=record)
    outcomes = at_once(*[lambda: imports.import_commit_request(actor=cast["officer"], record=record,
                                                               valid_only=False)] * 2)
    errors = [err for _, err in outcomes if err is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError) and "không ghi lại lần nữa" in str(errors[0])
    claimed = next(result for result, err in outcomes if err is None)
    outcomes = at_once(*[lambda: imports.import_commit(record=claimed)] * 2)
    assert sum(1 for _, err in outcomes if err is not None) == 1  # the second finds it already being written
    assert Person.objects.filter(full_name="Phan Văn Đúp").count() == 1


def test_two_approvals_of_the_same_list_at_once(postgres, units, cast, commune_a, province):
    from ansinh.accounts.models import Role
    from ansinh.programmes.models import BeneficiaryList, ListEvent, ListStatus
    from ansinh.programmes.services import workflow
    from reliability.conftest import DECISION, make_user

    batch = posted_batch(cast, commune_a, 5)
    bl = batch.beneficiary_list
    supplementary = workflow.supplementary_list_create(actor=cast["officer"], original=bl)
    second_leader = make_user("rl_lanhdao2", Role.LEADER, province)
    from ansinh.core.bulk import reserve_ids, write_frame

    person = Person.objects.filter(commune=commune_a).exclude(list_rows__beneficiary_list=bl).first() or \
        Person.objects.create(full_name="Bổ Sung", search_key="bo sung", sex="M", birth_date="1960-01-01",
                              commune=commune_a)
    with transaction.atomic():
        start = reserve_ids("programmes_listrow", 1)
        write_frame("programmes_listrow", pl.DataFrame({
            "id": [start], "beneficiary_list_id": [supplementary.pk], "person_id": [person.pk],
            "identity_number": [""], "months": [3], "group_amount": [750_000], "amount": [750_000],
            "excluded": [False], "source_row": [None], "inputs": ["{}"], "return_reason": [""]},
            schema_overrides={"source_row": pl.Int64}))
    supplementary = workflow.list_submit(actor=cast["officer"], beneficiary_list=supplementary)
    supplementary = workflow.list_appraise(actor=cast["appraiser"], beneficiary_list=supplementary)
    outcomes = at_once(*[(lambda u=u: workflow.list_approve(actor=u, beneficiary_list=supplementary, **DECISION))
                         for u in (cast["leader"], second_leader)])
    errors = [err for _, err in outcomes if err is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert "đã được xử lý trước đó" in str(errors[0])
    assert BeneficiaryList.objects.get(pk=supplementary.pk).status == ListStatus.APPROVED
    assert ListEvent.objects.filter(beneficiary_list=supplementary, step="approve").count() == 1
