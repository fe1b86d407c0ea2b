"""Groups 5–7 from the standing registers: who is drawn, the amounts from the rules, every check."""

from __future__ import annotations

import polars as pl
import pytest

from ansinh.core.errors import PermissionDenied
from ansinh.policy.bridge import compute
from ansinh.programmes.models import BeneficiaryList, FlagKind, ListRow, RowFlag
from ansinh.programmes.rules import programme_additions
from ansinh.programmes.services.generation import registry_lists_generate

pytestmark = pytest.mark.django_db


def _rows(programme):
    return {(r.person_id, r.beneficiary_list.group.code): r for r in
            ListRow.objects.filter(beneficiary_list__programme=programme).select_related("beneficiary_list__group")}


def test_generation_draws_registers_at_cutoff_with_rule_amounts(programme, provincial, world):
    result = registry_lists_generate(programme=programme, actor=provincial)
    rows = _rows(programme)
    people = {key[0] for key in rows}
    assert world["ncc_dead"].pk not in people  # died before 1/4/2020
    assert world["ncc_ended"].pk not in people  # allowance stopped before the window
    assert world["poor_died"].pk not in people  # member who died before 1/4/2020
    assert world["late_head"].pk not in people  # household listed after 31/12/2019
    assert rows[(world["poor_head"].pk, "7")].group_amount == 750_000
    assert rows[(world["poor_wife"].pk, "7")].months == 3
    assert rows[(world["ncc_btxh"].pk, "5")].group_amount == 1_500_000
    assert rows[(world["ncc_btxh"].pk, "6")].group_amount == 1_500_000
    # one list per group and commune: 5 and 6 in commune A, 7 in commune B
    assert result.lists == 3
    assert sorted(BeneficiaryList.objects.values_list("group__code", flat=True)) == ["5", "6", "7"]


def test_overlap_highest_only_leaves_zero_on_the_second_group_and_matches_the_rules(programme, provincial, world):
    registry_lists_generate(programme=programme, actor=provincial)
    rows = _rows(programme)
    kept, other = rows[(world["ncc_btxh"].pk, "5")], rows[(world["ncc_btxh"].pk, "6")]
    assert (kept.amount, other.amount) == (1_500_000, 0)
    flag = RowFlag.objects.get(row=other, kind=FlagKind.OTHER_LIST)
    assert flag.amount_left == 0
    assert "nhóm 5" in flag.message and "Chỉ hưởng mức cao nhất" in flag.message and "0 đ" in flag.message
    # The same person computed by the rules directly: covid_support_total = what the rows leave in total.
    frame = pl.DataFrame({"person_id": [1], "household_id": [1], "role": ["head"], "covid_group_ncc": [True],
                          "covid_group_btxh": [True]})
    total = sum(compute(frame, None, ["covid_support_amount"], m, additions=programme_additions(programme))[0]
                ["covid_support_amount"][0] for m in ("2020-04", "2020-05", "2020-06"))
    assert total == kept.amount + other.amount


def test_overlap_rule_stack_keeps_both_amounts(programme, provincial, world):
    programme.overlap_rule = "stack"
    programme.save()
    registry_lists_generate(programme=programme, actor=provincial)
    rows = _rows(programme)
    assert rows[(world["ncc_btxh"].pk, "6")].amount == 1_500_000
    assert "Cộng dồn các nhóm" in RowFlag.objects.get(row=rows[(world["ncc_btxh"].pk, "6")]).message


def test_duplicate_and_identity_flags(programme, provincial, world):
    registry_lists_generate(programme=programme, actor=provincial)
    rows = _rows(programme)
    twin = RowFlag.objects.get(row=rows[(world["twin_1"].pk, "6")], kind=FlagKind.DUPLICATE_IN_LIST)
    assert "Hoàng Thị Én" in twin.message and "07/07/1938" in twin.message
    assert RowFlag.objects.filter(row=rows[(world["twin_2"].pk, "6")], kind=FlagKind.DUPLICATE_IN_LIST).exists()
    identity = RowFlag.objects.get(row=rows[(world["ncc_bad_pid"].pk, "5")], kind=FlagKind.IDENTITY)
    assert "năm sinh 1955" in identity.message and "1950" in identity.message
    assert not RowFlag.objects.filter(row=rows[(world["poor_head"].pk, "7")]).exists()


def test_dead_check_flags_a_death_recorded_after_generation(programme, provincial, world):
    import datetime as dt

    from ansinh.programmes.services.checks import lists_check

    registry_lists_generate(programme=programme, actor=provincial)
    world["poor_wife"].death_date = dt.date(2020, 3, 20)
    world["poor_wife"].save()
    bl = BeneficiaryList.objects.get(group__code="7")
    summary = lists_check(programme=programme, list_ids=[bl.pk])
    assert summary.flags[FlagKind.DEAD] == 1
    flag = RowFlag.objects.get(kind=FlagKind.DEAD)
    assert flag.message == "Đã mất ngày 20/03/2020, trước ngày 01/04/2020: không thuộc diện hỗ trợ."


def test_generation_is_refused_to_a_commune_officer_and_not_repeated(programme, provincial, officer_a, world):
    with pytest.raises(PermissionDenied):
        registry_lists_generate(programme=programme, actor=officer_a)
    registry_lists_generate(programme=programme, actor=provincial)
    again = registry_lists_generate(programme=programme, actor=provincial)
    assert again.lists == 0 and again.skipped_existing > 0
    assert BeneficiaryList.objects.count() == 3
