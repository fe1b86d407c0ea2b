"""One-off amounts on death: NCC lump sum (3 months), NCC funeral allowance, TGXH funeral support.

Each is a MONTH variable, non-zero only in the month of ``death_date``: a payroll asks it for the month of
death (as the rules stand when it is computed, so a retroactive table counts).
"""

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import died_in, parameter_value
from ansinh.policy.variables.enums import NccCategory

NCC_DEATH_REFERENCE = (
    "Pháp lệnh 02/2020/UBTVQH14 (từ 01/7/2021), ví dụ Điều 16 khoản 11 (thân nhân liệt sĩ), Điều 19 khoản 2"
    " (Bà mẹ VNAH): trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp hằng tháng hiện hưởng; NĐ 131/2021/NĐ-CP"
)
NCC_FUNERAL_REFERENCE = (
    "NĐ 75/2021/NĐ-CP Điều 13 khoản 1 (từ 01/01/2022): mức theo pháp luật BHXH — Luật BHXH 58/2014/QH13"
    " Điều 66 khoản 2 (10 lần mức lương cơ sở), Luật BHXH 41/2024/QH15 Điều 85 khoản 2 (10 lần mức tham"
    " chiếu, từ 01/7/2025)"
)
TGXH_FUNERAL_REFERENCE = (
    "NĐ 20/2021/NĐ-CP, Điều 11 (tối thiểu 20 lần mức chuẩn trợ giúp xã hội, từ 01/7/2021)"
)


def _ncc_recipient(person, period) -> np.ndarray:
    """Persons of an NCC category (caregivers — người phục vụ — are not NCC and get neither amount)."""
    category = person("ncc_category", period)
    return (category != NccCategory.none) & (category != NccCategory.caregiver)


class ncc_death_lump_sum(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Trợ cấp một lần khi người có công đang hưởng trợ cấp hằng tháng chết (đồng)"
    reference = NCC_DEATH_REFERENCE
    documentation = (
        "Tháng chết: số tháng (tham số ncc.one_off.death_lump_sum_months, 3) × ncc_monthly_allowance của"
        " tháng đó (trợ cấp + phụ cấp). 0 ở các tháng khác, với diện none và người phục vụ."
    )

    def formula(person, period, parameters):
        eligible = died_in(person("death_date", period), period) & _ncc_recipient(person, period)
        if not np.any(eligible):
            return np.zeros(person.count, dtype=np.int32)
        months = parameter_value(parameters, period, "ncc.one_off.death_lump_sum_months")
        allowance = person("ncc_monthly_allowance", period).astype(np.int64)
        return np.where(eligible, months * allowance, 0).astype(np.int32)


class ncc_funeral_support(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Trợ cấp mai táng khi người có công đang hưởng trợ cấp hằng tháng chết (đồng)"
    reference = NCC_FUNERAL_REFERENCE
    documentation = (
        "Tháng chết: ncc.one_off.funeral_multiplier (10) × ncc.one_off.funeral_reference_level (mức lương cơ"
        " sở; từ 01/7/2025 mức tham chiếu, bằng mức lương cơ sở khi chưa bãi bỏ — Luật BHXH 41/2024 Điều 141"
        " khoản 13) của tháng chết. Người hưởng nhiều chế độ mai táng chỉ nhận một mức (người gọi chọn)."
    )

    def formula(person, period, parameters):
        eligible = died_in(person("death_date", period), period) & _ncc_recipient(person, period)
        if not np.any(eligible):
            return np.zeros(person.count, dtype=np.int32)
        multiplier = parameter_value(parameters, period, "ncc.one_off.funeral_multiplier")
        level = parameter_value(parameters, period, "ncc.one_off.funeral_reference_level")
        return np.where(eligible, np.rint(multiplier * level), 0).astype(np.int32)


class tgxh_funeral_other_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = (
        "Thuộc diện hỗ trợ mai táng dù không hưởng trợ cấp xã hội hằng tháng (con của người đơn thân nghèo"
        " đang nuôi con; người từ đủ 80 tuổi hưởng tuất BHXH hoặc trợ cấp hằng tháng khác)"
    )
    reference = "NĐ 20/2021/NĐ-CP, Điều 11 khoản 1 điểm b, c"


class tgxh_funeral_support(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ chi phí mai táng đối tượng bảo trợ xã hội (đồng)"
    reference = TGXH_FUNERAL_REFERENCE
    documentation = (
        "Tháng chết, nếu đang hưởng trợ cấp xã hội hằng tháng trong tháng đó (hoặc tgxh_funeral_other_eligible):"
        " max(mức của tỉnh hatinh.tgxh_funeral_multiplier, mức tối thiểu tgxh.funeral.minimum_multiplier) ×"
        " mức chuẩn trợ giúp xã hội, làm tròn đến đồng."
    )

    def formula(person, period, parameters):
        died = died_in(person("death_date", period), period)
        if not np.any(died):
            return np.zeros(person.count, dtype=np.int32)
        eligible = died & (
            (person("tgxh_monthly_allowance", period) > 0) | person("tgxh_funeral_other_eligible", period)
        )
        if not np.any(eligible):
            return np.zeros(person.count, dtype=np.int32)
        minimum = parameter_value(parameters, period, "tgxh.funeral.minimum_multiplier")
        province = parameter_value(parameters, period, "hatinh.tgxh_funeral_multiplier")
        standard = person("tgxh_standard_level", period).astype(np.float64)
        return np.where(eligible, np.rint(max(minimum, province) * standard), 0).astype(np.int32)
