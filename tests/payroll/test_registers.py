"""The standing registers carry what the rules need (NCC category, martyrs, injury rate, decision), imported from
Excel through the shared lifecycle, and change only through dated events with their decision."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter
from django.core.management import call_command
from django.db import IntegrityError, transaction

from ansinh.core import imports
from ansinh.core.errors import DomainError
from ansinh.payroll.services.registers import enrolment_change_record
from ansinh.programmes.imports import REGISTER_KIND
from ansinh.programmes.models import Enrolment, EnrolmentEvent
from payroll.conftest import JULY, enrol, generate, month_lines
from programmes import factories as f

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Họ và tên", "Số định danh cá nhân", "Số quyết định", "Ngày quyết định", "Hưởng từ ngày",
           "Diện người có công", "Số liệt sĩ", "Tỷ lệ tổn thương (%)"]


def write(path, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, "DANH SÁCH NGƯỜI CÓ CÔNG HƯỞNG TRỢ CẤP HẰNG THÁNG")
    ws.write_row(2, 0, HEADERS)
    for i, row in enumerate(rows):
        ws.write_row(3 + i, 0, row)
    wb.close()
    return path


def check(path, user, register="ncc"):
    record = imports.import_receive(kind=REGISTER_KIND, actor=user, file=path, file_name=path.name,
                                    target={"register": register})
    return imports.import_check(record=record)[0]


def errors_of(record) -> dict[int, str]:
    return {row: " ".join(messages) for row, _name, messages in record.summary["errors"]}


@pytest.fixture
def people(commune_a):
    died = f.person(commune_a, "Hoàng Văn Mất", birth=dt.date(1930, 1, 1), death=dt.date(2024, 3, 10))
    return [f.person(commune_a, f"Nguyễn Văn Số {i}", birth=dt.date(1950, 1, 1 + i)) for i in range(7)] + [died]


def row(person, category, martyrs="", rate="", start="01/07/2024", number=1):
    return [number, person.full_name, person.pid, f"{number}/QĐ-LĐTBXH", "20/06/2024", start, category, martyrs, rate]


def test_each_bad_ncc_row_is_refused_with_its_reason_and_nothing_is_half_written(cast, people, tmp_path):
    p = people
    path = write(tmp_path / "ncc.xlsx", [
        row(p[0], "martyr_relative", 2, number=1),
        row(p[1], "thuong_binh", number=2),  # unknown category
        row(p[2], "war_invalid", "", 15, number=3),  # injury rate outside 21–100
        row(p[3], "war_invalid", "", 101, number=4),
        row(p[4], "martyr_relative", 0, number=5),  # no martyr
        row(p[5], "sick_soldier", "", 30, number=6),  # sick soldiers start at 41%
        row(p[6], "Thương binh, người hưởng chính sách như thương binh (Phụ lục II, theo tỷ lệ tổn thương)", "", 61,
            number=7),
        row(p[7], "martyr_relative", 1, start="01/07/2024", number=8),  # died in March: start after death
    ])
    record = check(path, cast["officer_a"])
    errors = errors_of(record)
    assert set(errors) == {5, 6, 7, 8, 9, 11}
    assert "«thuong_binh» không thuộc danh sách" in errors[5]
    assert "Tỷ lệ tổn thương 15% ngoài phạm vi của diện war_invalid: từ 21% đến 100%" in errors[6]
    assert "101% ngoài phạm vi" in errors[7]
    assert "Số liệt sĩ 0 không hợp lệ: thân nhân liệt sĩ cần từ 1 liệt sĩ trở lên" in errors[8]
    assert "diện sick_soldier: từ 41% đến 100%" in errors[9]
    assert "đã mất ngày 10/03/2024, trước tháng bắt đầu hưởng 07/2024" in errors[11]
    with pytest.raises(DomainError, match="dòng lỗi"):
        imports.import_commit(record=imports.import_commit_request(actor=cast["officer_a"], record=record,
                                                                   valid_only=False))
    assert Enrolment.objects.count() == 0 and EnrolmentEvent.objects.count() == 0
    record.refresh_from_db()
    imports.import_commit(record=imports.import_commit_request(actor=cast["officer_a"], record=record,
                                                               valid_only=True))
    written = {e.person.full_name: (e.ncc_category, e.ncc_martyr_count, e.ncc_injury_rate, e.decision_date)
               for e in Enrolment.objects.select_related("person")}
    assert written == {"Nguyễn Văn Số 0": ("martyr_relative", 2, None, dt.date(2024, 6, 20)),
                       "Nguyễn Văn Số 6": ("war_invalid", None, 61, dt.date(2024, 6, 20))}
    assert EnrolmentEvent.objects.filter(kind="increase").count() == 2


def test_the_database_refuses_what_the_rules_cannot_compute(people, commune_a):
    for facts in ({"ncc_category": "war_invalid", "ncc_injury_rate": 15},
                  {"ncc_category": "martyr_relative", "ncc_martyr_count": 0},
                  {"ncc_category": "thuong_binh"},
                  {"ncc_category": "heroic_mother", "ncc_injury_rate": 61}):
        with pytest.raises(IntegrityError), transaction.atomic():
            enrol("ncc", people[0], commune_a, **facts)
    with pytest.raises(IntegrityError), transaction.atomic():
        enrol("tgxh", people[0], commune_a, tgxh_category="elderly_80_no_pension", ncc_category="martyr_relative",
              ncc_martyr_count=1)


def test_the_command_imports_ncc_facts_with_the_usual_exit_codes(cast, people, tmp_path):
    good = write(tmp_path / "ncc-tot.xlsx", [row(people[0], "heroic_mother")])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_registers", str(good), "--register", "ncc", "--user", cast["officer_a"].username,
                     "--commit")
    assert exit_.value.code == 0
    assert Enrolment.objects.get().ncc_category == "heroic_mother"
    bad = write(tmp_path / "ncc-sai.xlsx", [row(people[1], "war_invalid", "", 15)])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_registers", str(bad), "--register", "ncc", "--user", cast["officer_a"].username,
                     "--commit")
    assert exit_.value.code == 1 and Enrolment.objects.count() == 1


def test_changes_are_dated_events_with_their_decision(cast, world, commune_a):
    invalid = world["enrolments"]["invalid"]
    decided = dict(decision_number="77/QĐ-LĐTBXH", decision_date=dt.date(2024, 6, 25))
    with pytest.raises(DomainError, match="Tỷ lệ tổn thương của diện này phải từ 21% đến 100%"):
        enrolment_change_record(actor=cast["officer_a"], enrolment=invalid, kind="rate_change",
                                effective_month=JULY, ncc_injury_rate=101, **decided)
    with pytest.raises(DomainError, match="trước tháng bắt đầu hưởng 01/2024"):
        enrolment_change_record(actor=cast["officer_a"], enrolment=invalid, kind="death",
                                death_date=dt.date(2023, 11, 5), **decided)
    with pytest.raises(DomainError, match="ngoài địa bàn"):
        enrolment_change_record(actor=cast["officer_b"], enrolment=invalid, kind="suspension",
                                effective_month=JULY, **decided)
    event = enrolment_change_record(actor=cast["officer_a"], enrolment=invalid, kind="rate_change",
                                    effective_month=JULY, ncc_injury_rate=41, **decided)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentEvent.objects.filter(pk=event.pk).update(ncc_injury_rate=81)
    invalid.refresh_from_db()
    assert invalid.ncc_injury_rate == 61  # the decided fact is kept; the event says what changed
    generate(cast, "ncc", JULY)
    assert ("Trần Văn Thương", "2024-07", "regular", 3_667_000, False) in month_lines("ncc", JULY)
