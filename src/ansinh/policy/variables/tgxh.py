"""Trợ giúp xã hội (TGXH): monthly social-assistance allowance = mức chuẩn × hệ số.

NĐ 136/2013/NĐ-CP from 2014-01-01 (mức chuẩn 270.000, coefficients of its Art. 6 as confirmed in POLICY.md
§2), NĐ 20/2021/NĐ-CP from 2021-07-01, NĐ 76/2024/NĐ-CP (mức chuẩn 500.000) from 2024-07-01. The same
coefficient rules apply to both decrees: the dates live in the parameters (``tgxh.coefficients.*`` have a
2014-01-01 and a 2021-07-01 value). A category without a coefficient before 7/2021 (new in NĐ 20/2021, or
not confirmed) has an empty 2014 value and refuses to compute for those months.
"""

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import parameter_value, required_where
from ansinh.policy.variables.enums import TgxhCategory


class tgxh_category(Variable):
    value_type = Enum
    possible_values = TgxhCategory
    default_value = TgxhCategory.none
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Diện đối tượng hưởng trợ cấp xã hội hằng tháng"
    reference = "NĐ 20/2021/NĐ-CP, Điều 6"


class tgxh_standard_level(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Mức chuẩn trợ giúp xã hội áp dụng trong tháng (đồng)"
    reference = "NĐ 136/2013/NĐ-CP; NĐ 20/2021/NĐ-CP; NĐ 76/2024/NĐ-CP"

    def formula(person, period, parameters):
        level = parameter_value(parameters, period, "tgxh.standard_level")
        return np.full(person.count, level, dtype=np.int32)


def _coefficient_rules(category, age, limits):
    """(mask, parameter path) pairs of NĐ 20/2021 Art. 6 (same rules for NĐ 136/2013), in table order."""
    c = TgxhCategory
    child = age < limits.child
    young = age < limits.young_child
    elderly = age >= limits.elderly
    old = age >= limits.elderly_80
    base = "tgxh.coefficients."
    return [
        ((category == c.child_no_carer) & young, base + "child_no_carer.under_4"),
        ((category == c.child_no_carer) & child & ~young, base + "child_no_carer.from_4"),
        (
            (category == c.student_16_22_former_child_no_carer) & ~child & (age <= limits.student_max),
            base + "student_16_22_former_child_no_carer",
        ),
        ((category == c.child_hiv_poor_household) & young, base + "child_hiv_poor_household.under_4"),
        ((category == c.child_hiv_poor_household) & child & ~young, base + "child_hiv_poor_household.from_4"),
        ((category == c.elderly_poor_no_carer) & elderly & ~old, base + "elderly_poor_no_carer.from_60"),
        ((category == c.elderly_poor_no_carer) & old, base + "elderly_poor_no_carer.from_80"),
        (
            (category == c.elderly_75_80_poor_difficult_area) & (age >= limits.elderly_75) & ~old,
            base + "elderly_75_80_poor_difficult_area",
        ),
        ((category == c.elderly_80_no_pension) & old, base + "elderly_80_no_pension"),
        ((category == c.elderly_community_care) & elderly, base + "elderly_community_care"),
        (
            (category == c.disabled_especially_severe) & (child | elderly),
            base + "disabled_especially_severe.child_or_elderly",
        ),
        (
            (category == c.disabled_especially_severe) & ~child & ~elderly,
            base + "disabled_especially_severe.adult",
        ),
        ((category == c.disabled_severe) & (child | elderly), base + "disabled_severe.child_or_elderly"),
        ((category == c.disabled_severe) & ~child & ~elderly, base + "disabled_severe.adult"),
        (category == c.single_poor_parent, base + "single_poor_parent"),
        (
            (category == c.child_under3_poor_difficult_area) & (age < limits.infant),
            base + "child_under3_poor_difficult_area",
        ),
        ((category == c.adult_hiv_poor_household) & ~child, base + "adult_hiv_poor_household"),
    ]


class tgxh_coefficient(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hệ số trợ cấp xã hội hằng tháng"
    reference = "NĐ 136/2013/NĐ-CP, Điều 6 (01/01/2014–30/6/2021); NĐ 20/2021/NĐ-CP, Điều 6 (từ 01/7/2021)"
    documentation = (
        "Hệ số theo diện đối tượng và tuổi trong tháng (tuổi tính vào ngày cuối cùng của tháng, xem biến"
        " age): người đủ 4, 16, 60, 75 hay 80 tuổi trong tháng được áp dụng mốc tuổi mới từ chính tháng đó,"
        " vì trợ cấp được hưởng kể từ tháng đủ tuổi. Ngoài độ tuổi của diện thì hệ số bằng 0. Diện có hệ"
        " số chưa xác minh (tham số để trống) làm phép tính báo lỗi nêu tên tham số, không bao giờ trả 0."
    )

    def formula(person, period, parameters):
        category = person("tgxh_category", period)
        if np.all(category == TgxhCategory.none):
            return np.zeros(person.count, dtype=np.float32)
        age = person("age", period)
        limits = parameters(period.start).tgxh.age_limits
        coefficient = np.zeros(person.count, dtype=np.float32)
        for mask, path in _coefficient_rules(category, age, limits):
            value = required_where(mask, parameters, period, path)
            if value is not None:
                coefficient = np.where(mask, value, coefficient)
        return coefficient


class tgxh_monthly_allowance(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Trợ cấp xã hội hằng tháng (đồng)"
    reference = "NĐ 136/2013/NĐ-CP, Điều 6 (đến 30/6/2021); NĐ 20/2021/NĐ-CP, Điều 6; NĐ 76/2024/NĐ-CP"
    documentation = "Mức chuẩn trợ giúp xã hội × hệ số, làm tròn đến đồng; 0 với người không thuộc diện."

    def formula(person, period, parameters):
        coefficient = person("tgxh_coefficient", period)
        if not np.any(coefficient > 0):
            return np.zeros(person.count, dtype=np.int32)
        standard = person("tgxh_standard_level", period)
        return np.rint(standard * coefficient.astype(np.float64)).astype(np.int32)
