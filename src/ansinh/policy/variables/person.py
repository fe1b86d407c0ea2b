"""Person facts: birth date, age in a month, death date."""

import datetime

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import age_on

NOT_DECEASED = datetime.date(9999, 12, 31)


class birth_date(Variable):
    value_type = datetime.date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Ngày sinh"
    documentation = (
        "Ngày sinh theo giấy tờ tùy thân. Bắt buộc để tính tuổi: nếu không nhập, OpenFisca dùng"
        " 01/01/1970 — bộ nối dữ liệu (bridge) từ chối cột ngày sinh có giá trị trống."
    )


class death_date(Variable):
    value_type = datetime.date
    entity = Person
    definition_period = DateUnit.ETERNITY
    default_value = NOT_DECEASED
    label = "Ngày chết (để trống nếu còn sống)"
    documentation = "Giá trị mặc định 31/12/9999 nghĩa là người đó còn sống."


class age(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Tuổi (số năm tròn) vào ngày cuối cùng của tháng"
    reference = "NĐ 20/2021/NĐ-CP; TT 02/2021/TT-BLĐTBXH — trợ cấp người cao tuổi hưởng từ tháng đủ tuổi"
    documentation = (
        "Tuổi tính vào NGÀY CUỐI CÙNG của tháng: người đủ tuổi trong tháng (bất kể ngày sinh nhật)"
        " được tính là đã đủ tuổi cho cả tháng đó, vì trợ cấp người cao tuổi được hưởng kể từ tháng"
        " người đó đủ tuổi. Người sinh ngày 29/2 đủ tuổi vào ngày 01/3 của năm không nhuận."
    )

    def formula(person, period, parameters):
        last_day = np.datetime64(period.stop.date, "D")
        return age_on(person("birth_date", period), last_day)
