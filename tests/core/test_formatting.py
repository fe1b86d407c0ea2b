"""The one Vietnamese number helper: dots group thousands, a comma before decimals, amounts below a billion whole."""

from decimal import Decimal

import pytest

from ansinh.core.formatting import (
    round_down_two_digits,
    vn_billions,
    vn_count,
    vn_money,
    vn_number,
    vn_percent,
)


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (172081, 0, "172.081"), (0, 0, "0"), (-1500000, 0, "-1.500.000"), (999, 0, "999"),
    (Decimal("197.1"), 1, "197,1"), (41.645, 2, "41,65"), (1000000, 2, "1.000.000,00"), (None, 0, ""),
])
def test_numbers(value, decimals, text):
    assert vn_number(value, decimals) == text


def test_money_billions_counts_and_percentages():
    assert vn_money(0) == "0 đ" and vn_money(1_000_000) == "1.000.000 đ"
    assert vn_billions(197_100_000_000) == "197,1 tỷ đồng"
    assert vn_billions(147_522_000_000, 3) == "147,522 tỷ đồng"
    assert vn_billions(72_000_000) == "72.000.000 đ"  # never «0,1 tỷ đồng»
    assert vn_count(3400, "người") == "3.400 người" and vn_count(None, "người") == "0 người"
    assert vn_percent(172081, 173591) == "99,13%" and vn_percent(1, 0) == "—"


@pytest.mark.parametrize(("count", "over"), [
    (45_600, 45_000), (45_000, 45_000), (172_081, 170_000), (911, 910), (1_307, 1_300), (99, 99), (7, 7), (0, 0),
])
def test_the_round_figure_after_over_is_never_more_than_the_count(count, over):
    assert round_down_two_digits(count) == over <= count
