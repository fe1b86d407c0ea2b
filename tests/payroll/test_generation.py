"""A month's payroll generated from the registers through the engine: the lines, generating again, the frozen sent
month, amounts not collected carried into the next month."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ansinh.payroll.models import PayrollLine, PayrollSheet, SheetStatus
from ansinh.payroll.services import workflow
from payroll.conftest import (
    AUGUST,
    JULY,
    SEPTEMBER,
    approve_and_send,
    generate,
    month_lines,
    pay_month,
    sheets,
)

pytestmark = pytest.mark.django_db


def test_the_first_month_pays_each_register_from_the_rules(cast, world):
    generate(cast, "ncc", JULY)
    generate(cast, "tgxh", JULY)
    generate(cast, "topup", JULY)
    assert month_lines("ncc", JULY) == [("Nguyễn Thị Liệt", "2024-07", "regular", 2_789_000, False),
                                        ("Trần Văn Thương", "2024-07", "regular", 5_450_000, False)]
    assert month_lines("tgxh", JULY) == [("Lê Thị Cụ", "2024-07", "regular", 500_000, False),
                                         ("Phạm Văn Tật", "2024-07", "regular", 750_000, False),
                                         ("Võ Thị Nghèo", "2024-07", "regular", 500_000, False)]
    # NQ 151/2019: 750.000 (rural) including the 500.000 of social assistance she receives
    assert month_lines("topup", JULY) == [("Võ Thị Nghèo", "2024-07", "regular", 250_000, False)]
    ncc = {s.commune.name: (s.person_count, s.amount_total, s.status) for s in sheets("ncc", JULY)}
    assert ncc == {"Phường Thành Sen": (2, 8_239_000, SheetStatus.DRAFT)}


def test_generating_again_before_sending_changes_nothing(cast, world):
    first = generate(cast, "tgxh", JULY)
    before = list(PayrollLine.objects.filter(month=JULY).order_by("pk").values())
    again = generate(cast, "tgxh", JULY)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert not again.changed and "không có thay đổi" in again.message()
    assert list(PayrollLine.objects.filter(month=JULY).order_by("pk").values()) == before


def test_a_change_before_sending_replaces_the_draft_lines_only(cast, world, commune_b):
    from payroll.conftest import enrol
    from programmes import factories as f

    generate(cast, "tgxh", JULY)
    sheet_a, sheet_b = sheets("tgxh", JULY)
    workflow.sheet_submit(actor=cast["officer_b"], sheet=sheet_b if sheet_b.commune == commune_b else sheet_a)
    newcomer = f.person(commune_b, "Đỗ Văn Mới", birth=dt_date(1936, 1, 1))
    newcomer_a = f.person(world["people"]["elderly"].commune, "Hồ Thị Mới", sex="F", birth=dt_date(1936, 1, 1))
    enrol("tgxh", newcomer, commune_b, tgxh_category="elderly_80_no_pension", start=JULY)
    enrol("tgxh", newcomer_a, newcomer_a.commune, tgxh_category="elderly_80_no_pension", start=JULY)
    result = generate(cast, "tgxh", JULY)
    assert (result.updated, result.frozen_differing) == (1, 1)
    names = [n for n, *_ in month_lines("tgxh", JULY)]
    assert "Hồ Thị Mới" in names and "Đỗ Văn Mới" not in names  # the submitted sheet was not touched
    assert any("sẽ được tính" in w for w in result.warnings)


def dt_date(*args):
    import datetime as dt

    return dt.date(*args)


def test_a_sent_month_is_frozen_by_the_database(cast, world):
    generate(cast, "ncc", JULY)
    [sheet] = approve_and_send(cast, "ncc", JULY)
    line = PayrollLine.objects.filter(sheet=sheet).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollLine.objects.filter(pk=line.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollSheet.objects.filter(pk=sheet.pk).update(amount_total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollLine.objects.create(sheet=sheet, payroll_month=sheet.payroll_month, register="ncc", month=JULY,
                                   commune=sheet.commune, person=line.person, seq=99, entitlement_month=JULY,
                                   kind="arrears", amount=1)
    assert PayrollLine.objects.get(pk=line.pk).amount == line.amount
    again = generate(cast, "ncc", JULY)
    assert not again.changed


def test_the_next_month_needs_every_result_of_the_previous_one(cast, world, tmp_path):
    from ansinh.core.errors import DomainError

    generate(cast, "ncc", JULY)
    with pytest.raises(DomainError, match="chưa gửi tổ chức chi trả hoặc chưa nhận đủ kết quả ở Phường Thành Sen"):
        generate(cast, "ncc", AUGUST)
    with pytest.raises(DomainError, match="các tháng phải lập lần lượt"):
        generate(cast, "ncc", SEPTEMBER)


def test_not_collected_amounts_are_carried_into_the_next_month(cast, world, tmp_path):
    invalid = world["people"]["invalid"]
    pay_month(cast, "ncc", JULY, tmp_path, unpaid={invalid.pk: "Vắng mặt"})
    generate(cast, "ncc", AUGUST)
    assert month_lines("ncc", AUGUST) == [
        ("Nguyễn Thị Liệt", "2024-08", "regular", 2_789_000, False),
        ("Trần Văn Thương", "2024-07", "arrears", 5_450_000, True),  # July, not collected, carried
        ("Trần Văn Thương", "2024-08", "regular", 5_450_000, False),
    ]


def test_a_death_recorded_on_one_register_ends_the_others(cast, world, tmp_path):
    """Bà Nghèo receives social assistance and the NQ 151 top-up; her death is recorded on the TGXH register."""
    import datetime as dt

    from ansinh.payroll.services.registers import enrolment_change_record

    pay_month(cast, "tgxh", JULY, tmp_path)
    pay_month(cast, "topup", JULY, tmp_path)
    enrolment_change_record(actor=cast["officer_b"], enrolment=world["enrolments"]["poor_elderly_tgxh"],
                            kind="death", death_date=dt.date(2024, 7, 15), decision_number="3/QĐ-UBND",
                            decision_date=dt.date(2024, 7, 28))
    generate(cast, "tgxh", AUGUST)
    generate(cast, "topup", AUGUST)
    assert [line for line in month_lines("tgxh", AUGUST) if line[0] == "Võ Thị Nghèo"] == [
        ("Võ Thị Nghèo", "2024-07", "funeral_support", 20 * 500_000, False)]
    assert month_lines("topup", AUGUST) == []


def test_a_month_the_rules_cannot_compute_is_refused_and_nothing_is_written(cast, world):
    """2020: the NĐ 58/2019 NCC tables were not found — their parameters are empty and refuse."""
    import datetime as dt

    from ansinh.core.errors import DomainError
    from ansinh.payroll.models import PayrollMonth
    from payroll.conftest import enrol
    from programmes import factories as f

    mother = f.person(world["people"]["martyr"].commune, "Đặng Thị Mẹ", sex="F", birth=dt.date(1930, 2, 2))
    enrol("ncc", mother, mother.commune, ncc_category="martyr_relative", ncc_martyr_count=1,
          start=dt.date(2019, 1, 1), decision_date=dt.date(2018, 12, 1))
    with pytest.raises(DomainError) as refused:
        generate(cast, "ncc", dt.date(2020, 1, 1))
    message = str(refused.value)
    assert "tham số «ncc.monthly.martyr_relative.one» chưa có giá trị cho tháng 2020-01" in message
    assert "Đặng Thị Mẹ (Phường Thành Sen)" in message and "quản trị viên nhập giá trị kèm căn cứ" in message
    assert not PayrollMonth.objects.exists() and not PayrollLine.objects.exists() and not PayrollSheet.objects.exists()
