"""Người có công (NCC): mức chuẩn trợ cấp ưu đãi."""

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import parameter_value


class ncc_standard_level(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Mức chuẩn trợ cấp ưu đãi người có công áp dụng trong tháng (đồng)"
    reference = "NĐ 58/2019/NĐ-CP; NĐ 75/2021/NĐ-CP; NĐ 55/2023/NĐ-CP; NĐ 77/2024/NĐ-CP"

    def formula(person, period, parameters):
        level = parameter_value(parameters, period, "ncc.standard_level")
        return np.full(person.count, level, dtype=np.int32)
