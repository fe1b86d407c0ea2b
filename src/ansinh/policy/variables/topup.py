"""Hà Tĩnh: NQ 151/2019/NQ-HĐND — income top-up of members of poor NCC households and poor elderly people.

From 01/10/2019 an eligible person is topped up to 750.000 (rural) / 950.000 (urban) đồng a month, the
level INCLUDING the monthly social assistance already received: amount = max(0, level − the person's
``tgxh_monthly_allowance``). Eligibility (membership of a poor household with an NCC member and 60+,
severely disabled or seriously ill without pension; or poor elderly without anyone to support them) is
decided by the commune and entered as ``hatinh_topup_eligible``.
"""

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import parameter_value

REFERENCE = (
    "NQ 151/2019/NQ-HĐND ngày 17/7/2019 của HĐND tỉnh Hà Tĩnh (hiệu lực 01/10/2019); thuvienphapluat.vn 425532;"
    " xathachhai.thachha.gov.vn"
)
P = "hatinh.nq151_2019."


class hatinh_topup_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thuộc diện hỗ trợ thu nhập theo NQ 151/2019/NQ-HĐND tỉnh Hà Tĩnh trong tháng"
    reference = REFERENCE
    documentation = (
        "Thành viên hộ nghèo có người có công (cha, mẹ, vợ/chồng, con cùng hộ khẩu; từ đủ 60 tuổi, khuyết tật"
        " nặng/đặc biệt nặng hoặc bệnh hiểm nghèo; không có lương hưu, trợ cấp BHXH, trợ cấp NCC hằng tháng)"
        " và người cao tuổi thuộc hộ nghèo không có người phụng dưỡng. Do UBND cấp xã xác định."
    )


class hatinh_topup_level(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Mức hỗ trợ thu nhập NQ 151/2019 (gồm cả trợ cấp xã hội đang hưởng), theo khu vực của hộ (đồng)"
    reference = REFERENCE
    documentation = "Trước 01/10/2019 (NQ chưa có hiệu lực): 0."

    def formula_2019_10_01(person, period, parameters):
        urban = person.household("household_is_urban", period)
        rural_level = parameter_value(parameters, period, P + "level.rural")
        urban_level = parameter_value(parameters, period, P + "level.urban")
        return np.where(urban, urban_level, rural_level).astype(np.int32)


class hatinh_topup_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ thu nhập hằng tháng theo NQ 151/2019/NQ-HĐND tỉnh Hà Tĩnh (đồng)"
    reference = REFERENCE
    documentation = (
        "max(0, 750.000 nông thôn / 950.000 thành thị (household_is_urban) − tgxh_monthly_allowance) cho người"
        " thuộc diện; 0 nếu không thuộc diện và trước 01/10/2019."
    )

    def formula_2019_10_01(person, period, parameters):
        eligible = person("hatinh_topup_eligible", period)
        if not np.any(eligible):
            return np.zeros(person.count, dtype=np.int32)
        level = person("hatinh_topup_level", period).astype(np.int64)
        received = person("tgxh_monthly_allowance", period).astype(np.int64)
        return np.where(eligible, np.maximum(0, level - received), 0).astype(np.int32)
