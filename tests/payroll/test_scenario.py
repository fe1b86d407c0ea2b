"""The ``payroll-2020-h1`` scenario on a small province (scale 1 % of Hà Tĩnh): it runs the half-year through the
services and what the lines say equals what the calibrated registers were drawn for — the same accounting gives
the notice's figures at scale 1 (run: ``ansinh scenario payroll-2020-h1`` on PostgreSQL)."""

from __future__ import annotations

import pytest

from ansinh.demo.payroll_2020 import WARNING, scenario_payroll_2020
from ansinh.demo.payroll_plan import Targets
from ansinh.demo.population import demo_population_load
from ansinh.payroll.models import LineResult, PayrollSheet, RecoveryEntry, SheetStatus
from ansinh.policy.models import ChangeStatus, ParameterChange

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_half_year_through_the_services_pays_what_the_registers_were_drawn_for(units, tmp_path):
    demo_population_load(persons=25_000, seed=2020, province_code="42")
    said = []
    report = scenario_payroll_2020(output_dir=tmp_path, targets=Targets(scale=0.01), say=said.append)
    figures, expected = report.figures, report.figures["expected"]
    assert (figures["tgxh"]["persons_paid"], figures["tgxh"]["amount_paid"]) == (
        expected["tgxh"]["persons"], expected["tgxh"]["amount"])
    assert (figures["topup"]["persons_paid"], figures["topup"]["amount_paid"]) == (
        expected["topup"]["persons"], expected["topup"]["amount"])
    assert abs(expected["tgxh"]["amount"] - 1_475_220_000) <= 500_000  # 147,522 tỷ × 1 %, to the million
    assert all(persons > 400 for _m, persons, _a in figures["ncc_by_month"])
    assert not PayrollSheet.objects.exclude(status=SheetStatus.RECONCILED).exists()
    assert LineResult.objects.filter(status="unpaid").exists()
    assert RecoveryEntry.objects.filter(origin="late_death").exists()
    # the 2020 values entered through the administrators' flow, never shipped: their reference says so
    illustrative = ParameterChange.objects.filter(status=ChangeStatus.APPROVED)
    assert illustrative.count() == 17 and all("không phải mức pháp lý" in c.reference for c in illustrative)
    assert all(c.proposed_by_id != c.decided_by_id for c in illustrative)
    assert said.count(WARNING) == 2 and any("Trợ giúp xã hội:" in line for line in said)
    assert (tmp_path / "doi-soat-6-thang-2020.xlsx").stat().st_size > 0
