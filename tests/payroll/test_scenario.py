"""The three data scenarios chained on a small province (scale 1 % of Hà Tĩnh), in the order
``ansinh scenario semiannual-2020`` runs them on a fresh database: ``covid-2020`` (the NQ 42 package paid and
reconciled), ``payroll-2020-h1`` (the half-year through the services: what the lines say equals what the calibrated
registers were drawn for — the same accounting gives the notice's figures at scale 1), then the semiannual report
and the conclusion notice, whose every figure now comes from those records (none «[chưa có số liệu]»)."""

from __future__ import annotations

import pytest
from docx import Document

from ansinh.core.formatting import round_down_two_digits, vn_billions, vn_number, vn_percent
from ansinh.demo.covid_2020 import scenario_covid_2020
from ansinh.demo.payroll_2020 import WARNING, scenario_payroll_2020
from ansinh.demo.payroll_plan import Targets
from ansinh.demo.population import demo_population_load
from ansinh.demo.semiannual_2020 import scenario_semiannual_2020
from ansinh.payroll.models import LineResult, PayrollSheet, RecoveryEntry, SheetStatus
from ansinh.policy.models import ChangeStatus, ParameterChange

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_half_year_through_the_services_pays_what_the_registers_were_drawn_for(units, tmp_path):
    demo_population_load(persons=25_000, seed=2020, province_code="42")
    said = []
    covid = scenario_covid_2020(output_dir=tmp_path / "covid", scale=0.01, say=said.append)
    nq42 = covid.reconciliation.total
    assert 0 < nq42["paid_people"] < nq42["approved_people"]  # some unpaid, at a small scale too
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

    # the notice written from these records: every figure present, each the records' own
    semi = scenario_semiannual_2020(output_dir=tmp_path / "semi", pdf=False, say=said.append)
    word = Document(str(next(p for p in semi.files if p.name.startswith("thong-bao"))))
    notice = "\n".join(p.text for p in word.paragraphs)
    assert not semi.missing and "[chưa có số liệu" not in notice
    least_ncc = min(persons for _m, persons, _a in figures["ncc_by_month"])
    for sentence in (
            f"đối với {vn_number(nq42['paid_people'])} đối tượng (chiếm "
            f"{vn_percent(nq42['paid_people'], nq42['approved_people'])} tổng số đối tượng",
            f"(chiếm {vn_percent(nq42['paid_amount'], nq42['approved_amount'])}",
            f"trợ cấp thường xuyên trên {vn_number(round_down_two_digits(least_ncc))} người có công",
            f"thực hiện chính sách trợ giúp xã hội cho {vn_number(figures['tgxh']['persons_paid'])} lượt người với "
            f"số tiền {vn_billions(figures['tgxh']['amount_paid'], 3)}",
            f"cho {vn_number(figures['topup']['persons_paid'])} lượt đối tượng",
            "hoàn thành 120/195 nhiệm vụ khung của ngành, đạt 61,53% kế hoạch"):
        assert sentence in notice, sentence
