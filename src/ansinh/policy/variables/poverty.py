"""Chuẩn nghèo: household income, deprivation indicators and poverty status by the standard in force.

- QĐ 59/2015/QĐ-TTg from 2016-01-01 to 2021-12-31 (10 indicators, two income lines);
- NĐ 07/2021/NĐ-CP from 2022-01-01 (12 indicators, one income line);
- NĐ 351/2025/NĐ-CP from 2027-01-01 (new income lines, same counting rule; indicator list unconfirmed).
"""

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Household
from ansinh.policy.variables.common import UnsetParameterError, parameter_value
from ansinh.policy.variables.enums import PovertyStatus

QD59 = "QĐ 59/2015/QĐ-TTg"
ND07 = "NĐ 07/2021/NĐ-CP"

# (variable name, Vietnamese label) — QĐ 59/2015: 5 basic services, 10 indicators.
QD59_INDICATORS = [
    ("qd59_deprived_health_access", "Thiếu hụt tiếp cận các dịch vụ y tế"),
    ("qd59_deprived_health_insurance", "Thiếu hụt bảo hiểm y tế"),
    ("qd59_deprived_adult_education", "Thiếu hụt trình độ giáo dục của người lớn"),
    ("qd59_deprived_child_schooling", "Thiếu hụt tình trạng đi học của trẻ em"),
    ("qd59_deprived_housing_quality", "Thiếu hụt chất lượng nhà ở"),
    ("qd59_deprived_floor_area", "Thiếu hụt diện tích nhà ở bình quân đầu người"),
    ("qd59_deprived_water_source", "Thiếu hụt nguồn nước sinh hoạt"),
    ("qd59_deprived_toilet", "Thiếu hụt hố xí/nhà tiêu hợp vệ sinh"),
    ("qd59_deprived_telecom", "Thiếu hụt sử dụng dịch vụ viễn thông"),
    ("qd59_deprived_information_assets", "Thiếu hụt tài sản phục vụ tiếp cận thông tin"),
]
# NĐ 07/2021: 6 dimensions, 12 indicators.
ND07_INDICATORS = [
    ("nd07_deprived_employment", "Thiếu hụt việc làm"),
    ("nd07_deprived_dependants", "Thiếu hụt người phụ thuộc trong hộ gia đình"),
    ("nd07_deprived_nutrition", "Thiếu hụt dinh dưỡng"),
    ("nd07_deprived_health_insurance", "Thiếu hụt bảo hiểm y tế"),
    ("nd07_deprived_adult_education", "Thiếu hụt trình độ giáo dục của người lớn"),
    ("nd07_deprived_child_school_attendance", "Thiếu hụt tình trạng đi học của trẻ em"),
    ("nd07_deprived_housing_quality", "Thiếu hụt chất lượng nhà ở"),
    ("nd07_deprived_floor_area", "Thiếu hụt diện tích nhà ở bình quân đầu người"),
    ("nd07_deprived_water_source", "Thiếu hụt nguồn nước sinh hoạt"),
    ("nd07_deprived_toilet", "Thiếu hụt nhà tiêu hợp vệ sinh"),
    ("nd07_deprived_telecom", "Thiếu hụt sử dụng dịch vụ viễn thông"),
    ("nd07_deprived_information_access", "Thiếu hụt phương tiện phục vụ tiếp cận thông tin"),
]


class qd59_deprived_health_access(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt tiếp cận các dịch vụ y tế (" + QD59 + ")"
    reference = QD59


class qd59_deprived_health_insurance(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt bảo hiểm y tế (" + QD59 + ")"
    reference = QD59


class qd59_deprived_adult_education(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt trình độ giáo dục của người lớn (" + QD59 + ")"
    reference = QD59


class qd59_deprived_child_schooling(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt tình trạng đi học của trẻ em (" + QD59 + ")"
    reference = QD59


class qd59_deprived_housing_quality(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt chất lượng nhà ở (" + QD59 + ")"
    reference = QD59


class qd59_deprived_floor_area(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt diện tích nhà ở bình quân đầu người (" + QD59 + ")"
    reference = QD59


class qd59_deprived_water_source(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt nguồn nước sinh hoạt (" + QD59 + ")"
    reference = QD59


class qd59_deprived_toilet(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt hố xí/nhà tiêu hợp vệ sinh (" + QD59 + ")"
    reference = QD59


class qd59_deprived_telecom(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt sử dụng dịch vụ viễn thông (" + QD59 + ")"
    reference = QD59


class qd59_deprived_information_assets(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt tài sản phục vụ tiếp cận thông tin (" + QD59 + ")"
    reference = QD59


class nd07_deprived_employment(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt việc làm (" + ND07 + ")"
    reference = ND07


class nd07_deprived_dependants(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt người phụ thuộc trong hộ gia đình (" + ND07 + ")"
    reference = ND07


class nd07_deprived_nutrition(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt dinh dưỡng (" + ND07 + ")"
    reference = ND07


class nd07_deprived_health_insurance(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt bảo hiểm y tế (" + ND07 + ")"
    reference = ND07


class nd07_deprived_adult_education(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt trình độ giáo dục của người lớn (" + ND07 + ")"
    reference = ND07


class nd07_deprived_child_school_attendance(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt tình trạng đi học của trẻ em (" + ND07 + ")"
    reference = ND07


class nd07_deprived_housing_quality(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt chất lượng nhà ở (" + ND07 + ")"
    reference = ND07


class nd07_deprived_floor_area(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt diện tích nhà ở bình quân đầu người (" + ND07 + ")"
    reference = ND07


class nd07_deprived_water_source(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt nguồn nước sinh hoạt (" + ND07 + ")"
    reference = ND07


class nd07_deprived_toilet(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt nhà tiêu hợp vệ sinh (" + ND07 + ")"
    reference = ND07


class nd07_deprived_telecom(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt sử dụng dịch vụ viễn thông (" + ND07 + ")"
    reference = ND07


class nd07_deprived_information_access(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thiếu hụt phương tiện phục vụ tiếp cận thông tin (" + ND07 + ")"
    reference = ND07


class household_income_per_capita(Variable):
    value_type = float
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Thu nhập bình quân đầu người của hộ (đồng/người/tháng)"
    documentation = "Một giá trị nhập cho cả năm được áp dụng cho từng tháng của năm (không chia 12)."


class household_is_urban(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Hộ ở khu vực thành thị"


def _count(household, period, indicators) -> np.ndarray:
    total = np.zeros(household.count, dtype=np.int32)
    for name, _label in indicators:
        total += household(name, period)
    return total


class household_deprivation_count(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Số chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ"
    documentation = (
        "Tính bằng tổng các chỉ số thiếu hụt của chuẩn nghèo đang áp dụng (10 chỉ số QĐ 59/2015,"
        " 12 chỉ số NĐ 07/2021); nhập trực tiếp giá trị này thì công thức không được dùng."
    )

    def formula_2016_01_01(household, period, parameters):
        return _count(household, period, QD59_INDICATORS)

    def formula_2022_01_01(household, period, parameters):
        return _count(household, period, ND07_INDICATORS)

    def formula_2027_01_01(household, period, parameters):
        same_list = parameter_value(
            parameters,
            period,
            "poverty.nd351_2025.indicators_as_nd07_2021",
            reason="Hoặc nhập trực tiếp household_deprivation_count.",
        )
        if not same_list:
            raise UnsetParameterError(
                "poverty.nd351_2025.indicators_as_nd07_2021",
                str(period.start),
                "Danh mục chỉ số NĐ 351/2025 khác NĐ 07/2021 chưa được mô hình hoá: nhập trực tiếp"
                " household_deprivation_count.",
            )
        return _count(household, period, ND07_INDICATORS)


class poverty_status(Variable):
    value_type = Enum
    possible_values = PovertyStatus
    default_value = PovertyStatus.not_poor
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Tình trạng hộ nghèo, hộ cận nghèo theo chuẩn nghèo đang áp dụng"
    reference = "QĐ 59/2015/QĐ-TTg (2016–2021); NĐ 07/2021/NĐ-CP (từ 2022); NĐ 351/2025/NĐ-CP (từ 2027)"
    documentation = "Thu nhập đúng bằng chuẩn được tính là «không vượt chuẩn» (≤)."

    def formula(household, period, parameters):
        raise UnsetParameterError(
            "poverty",
            str(period.start),
            "Chuẩn nghèo trước năm 2016 (trước QĐ 59/2015/QĐ-TTg) chưa được mô hình hoá.",
        )

    def formula_2016_01_01(household, period, parameters):
        income = household("household_income_per_capita", period)
        urban = household("household_is_urban", period)
        deprivations = household("household_deprivation_count", period)
        poor_line = np.where(
            urban,
            parameter_value(parameters, period, "poverty.qd59_2015.income_line_poor.urban"),
            parameter_value(parameters, period, "poverty.qd59_2015.income_line_poor.rural"),
        )
        near_line = np.where(
            urban,
            parameter_value(parameters, period, "poverty.qd59_2015.income_line_near_poor.urban"),
            parameter_value(parameters, period, "poverty.qd59_2015.income_line_near_poor.rural"),
        )
        threshold = parameter_value(parameters, period, "poverty.qd59_2015.deprivation_threshold")
        in_band = (income > poor_line) & (income <= near_line)
        deprived = deprivations >= threshold
        return np.select(
            [income <= poor_line, in_band & deprived, in_band],
            [PovertyStatus.poor.index, PovertyStatus.poor.index, PovertyStatus.near_poor.index],
            PovertyStatus.not_poor.index,
        )

    def formula_2022_01_01(household, period, parameters):
        income = household("household_income_per_capita", period)
        urban = household("household_is_urban", period)
        deprivations = household("household_deprivation_count", period)
        line = np.where(
            urban,
            parameter_value(parameters, period, "poverty.nd07_2021.income_line.urban"),
            parameter_value(parameters, period, "poverty.nd07_2021.income_line.rural"),
        )
        threshold = parameter_value(parameters, period, "poverty.nd07_2021.deprivation_threshold")
        below = income <= line
        return np.select(
            [below & (deprivations >= threshold), below],
            [PovertyStatus.poor.index, PovertyStatus.near_poor.index],
            PovertyStatus.not_poor.index,
        )
