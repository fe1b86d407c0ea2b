"""The monthly payroll's «Việc cần làm»: each commune's sheet to submit, the province's to appraise, the leader's
to approve, the payment agent's results to import (its own sheets only); the home page's 12-month chart."""

from __future__ import annotations

import pytest

from ansinh.payroll import selectors
from ansinh.payroll.services import workflow
from payroll.conftest import JULY, approve_and_send, generate, officer_for, pay_month, sheets

pytestmark = pytest.mark.django_db


def counts(user) -> dict[str, tuple[int, str]]:
    return {item.label: (item.count, item.url) for item in selectors.todo_items(user)}


def test_each_step_of_a_sheet_waits_for_its_role(cast, world):
    generate(cast, "ncc", JULY)
    [first, *others] = sheets("ncc", JULY)
    officer = officer_for(cast, first)
    assert counts(officer)["Bảng chi trả của xã chờ trình thẩm định"][0] == 1  # its own commune's sheet only
    assert counts(cast["appraiser"])["Bảng chi trả chờ thẩm định"][0] == 0
    workflow.sheet_submit(actor=officer, sheet=first)
    count, url = counts(cast["appraiser"])["Bảng chi trả chờ thẩm định"]
    assert count == 1 and url == "/chi-tra-hang-thang/thang/ncc/2024/7/"
    assert "Bảng chi trả chờ thẩm định" not in counts(officer)  # a commune never appraises


def test_the_payment_agent_imports_the_results_of_its_own_sheets(cast, world):
    generate(cast, "ncc", JULY)
    sent = approve_and_send(cast, "ncc", JULY)
    count, url = counts(cast["agent"])["Bảng chi trả chờ nhập kết quả chi trả"]
    assert count == len(sent) and url in {f"/chi-tra-hang-thang/bang/{s.pk}/" for s in sent}
    assert set(counts(cast["agent"])) == {"Bảng chi trả chờ nhập kết quả chi trả"}


def test_the_twelve_months_chart_counts_what_was_paid(cast, world, tmp_path):
    pay_month(cast, "ncc", JULY, tmp_path)
    series = selectors.payments_series(user=cast["agent"], until=JULY)
    assert series.height == 12 and series["month"].to_list()[-1] == JULY
    july = series.row(-1, named=True)
    listed = sum(s.amount_total for s in sheets("ncc", JULY))
    assert july["amount"] == listed and july["paid"] == listed
    assert series["amount"].sum() == listed  # the 11 months before: zeros, shown as such
    own = sum(s.amount_total for s in sheets("ncc", JULY) if s.commune_id == cast["officer_a"].area_id)
    assert selectors.payments_series(user=cast["officer_a"], until=JULY).row(-1, named=True)["amount"] == own
