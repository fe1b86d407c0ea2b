"""Hỗ trợ COVID-19 (NQ 42/NQ-CP ngày 09/4/2020, QĐ 15/2020/QĐ-TTg ngày 24/4/2020).

Model: every group amount is a monthly *entitlement* (MONTH variable), non-zero only for the months of
the programme window (April–June 2020). ``covid_support_amount`` applies the overlap rule of the
programme; its sum over April–June (``covid_support_total`` for the year 2020) is what the person
receives. Groups 5, 6 and 7 are paid at once for the three months: the monthly entitlement is
500.000 / 500.000 / 250.000 and the one-off payment equals the sum over the window.

Overlap rule (parameter ``covid.nq42_2020.overlap_rule``):
- ``highest_only``: the person receives only the group whose *total over the window* is highest
  (ties: the first in the order 1, 3, 4, 5, 6, 7), month by month as that group is paid;
- ``stack``: the amounts of all groups add up.
Group 2 (household businesses) is a household amount and is outside the person overlap rule.
"""

import datetime

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import DateUnit
from openfisca_core.periods import period as make_period
from openfisca_core.populations import ADD
from openfisca_core.variables import Variable

from ansinh.policy.entities import Household, Person
from ansinh.policy.variables.common import UnsetParameterError, parameter_value, to_datetime64

P = "covid.nq42_2020."
NO_DATE = datetime.date(1970, 1, 1)
REFERENCE = "NQ 42/NQ-CP ngày 09/4/2020; QĐ 15/2020/QĐ-TTg ngày 24/4/2020"

# Person groups in overlap order (tie-break: the first one wins).
PERSON_GROUP_VARIABLES = [
    "covid_group1_amount",
    "covid_group3_amount",
    "covid_group4_amount",
    "covid_group5_ncc_amount",
    "covid_group6_btxh_amount",
    "covid_group7_poor_amount",
]


def _in_window(parameters, period) -> bool:
    """Whether the month ``period`` lies in the programme window (False before the programme existed)."""
    try:
        start = to_datetime64(parameter_value(parameters, period, P + "window.start"))
    except UnsetParameterError:
        return False
    end = to_datetime64(parameter_value(parameters, period, P + "window.end"))
    first_day = np.datetime64(period.start.date, "D")
    return bool(start <= first_day <= end)


def _window_period(parameters, period):
    """The programme window as an OpenFisca period of whole months (month:2020-04:3)."""
    start = to_datetime64(parameter_value(parameters, period, P + "window.start"))
    end = to_datetime64(parameter_value(parameters, period, P + "window.end"))
    months = int((end.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(int)) + 1
    return make_period(f"month:{str(start.astype('datetime64[M]'))}:{months}")


def _monthly(entity, parameters, period, eligible, path):
    """``eligible`` × the monthly amount at ``path`` inside the window; zeros outside (parameter not read)."""
    if not _in_window(parameters, period) or not np.any(eligible):
        return np.zeros(entity.count, dtype=np.int32)
    amount = parameter_value(parameters, period, path)
    return np.where(eligible, amount, 0).astype(np.int32)


def _between(dates, parameters, period, earliest_path, latest_path):
    earliest = to_datetime64(parameter_value(parameters, period, earliest_path))
    latest = to_datetime64(parameter_value(parameters, period, latest_path))
    return (dates >= earliest) & (dates <= latest)


# --- inputs -------------------------------------------------------------------------------------------


class covid_group1_off_work(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Nhóm 1: bị tạm hoãn HĐLĐ / nghỉ việc không lương trong tháng (Mẫu 01)"
    reference = REFERENCE
    documentation = (
        "Đúng cho mỗi tháng thực tế nghỉ theo danh sách doanh nghiệp lập, đã có xác nhận của cơ quan"
        " BHXH (đang đóng BHXH bắt buộc; doanh nghiệp không có nguồn trả lương)."
    )


class covid_group1_off_start_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 1: ngày bắt đầu tạm hoãn HĐLĐ / nghỉ không lương"
    reference = REFERENCE


class covid_group2_business_suspended(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Nhóm 2: hộ kinh doanh tạm ngừng kinh doanh trong tháng theo quyết định của tỉnh (Mẫu 02)"
    reference = REFERENCE


class covid_group2_declared_revenue(Variable):
    # An integer number of đồng: OpenFisca stores float as float32, which rounds 99.999.999 to 100.000.000
    # and refuses an eligible household. int32 is exact up to 2.147.483.647 đ, far above the 100 million
    # limit; callers clip larger revenues to that bound (still ineligible).
    value_type = int
    default_value = -1
    entity = Household
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 2: doanh thu khai thuế năm 2020 của hộ kinh doanh (đồng, số nguyên; -1 = chưa khai)"
    reference = REFERENCE


class covid_group3_without_income(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Nhóm 3: đã chấm dứt HĐLĐ, không đủ điều kiện trợ cấp thất nghiệp, không có thu nhập trong tháng (Mẫu 03)"
    reference = REFERENCE
    documentation = "Không có thu nhập hoặc thu nhập dưới chuẩn cận nghèo, theo xác nhận của UBND cấp xã."


class covid_group3_contract_signed_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 3: ngày giao kết hợp đồng lao động"
    reference = REFERENCE


class covid_group3_contract_end_date(Variable):
    value_type = datetime.date
    default_value = NO_DATE
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 3: ngày chấm dứt hợp đồng lao động"
    reference = REFERENCE


class covid_group4_lost_job(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Nhóm 4: lao động tự do không có HĐLĐ bị mất việc làm trong tháng (Mẫu 04)"
    reference = REFERENCE
    documentation = (
        "Thu nhập dưới chuẩn cận nghèo, làm một trong các công việc được liệt kê; UBND xã xác nhận."
    )


class covid_group_ncc(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 5: người có công đang hưởng trợ cấp ưu đãi hằng tháng (Mẫu 05, 06)"
    reference = REFERENCE


class covid_group_btxh(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 6: đối tượng bảo trợ xã hội đang hưởng trợ cấp xã hội hằng tháng (Mẫu 07)"
    reference = REFERENCE


class covid_group_poor_household_member(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "Nhóm 7: thành viên hộ nghèo, hộ cận nghèo trong danh sách đến 31/12/2019 (Mẫu 08, 09)"
    reference = REFERENCE


# --- amounts per group --------------------------------------------------------------------------------


class covid_group1_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 1 trong tháng (đồng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        off = person("covid_group1_off_work", period)
        if not _in_window(parameters, period) or not np.any(off):
            return np.zeros(person.count, dtype=np.int32)
        started = _between(
            person("covid_group1_off_start_date", period),
            parameters,
            period,
            P + "group1.off_start_earliest",
            P + "group1.off_start_latest",
        )
        return _monthly(person, parameters, period, off & started, P + "group1.monthly_amount")


class covid_group2_household_business_amount(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 2 (hộ kinh doanh) trong tháng (đồng/hộ)"
    reference = REFERENCE

    def formula(household, period, parameters):
        suspended = household("covid_group2_business_suspended", period)
        if not _in_window(parameters, period) or not np.any(suspended):
            return np.zeros(household.count, dtype=np.int32)
        revenue = household("covid_group2_declared_revenue", period)
        limit = parameter_value(parameters, period, P + "group2.revenue_limit")
        eligible = suspended & (revenue >= 0) & (revenue < limit)
        return _monthly(household, parameters, period, eligible, P + "group2.monthly_amount")


class covid_group3_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 3 trong tháng (đồng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        without_income = person("covid_group3_without_income", period)
        if not _in_window(parameters, period) or not np.any(without_income):
            return np.zeros(person.count, dtype=np.int32)
        signed = person("covid_group3_contract_signed_date", period)
        signed_before = to_datetime64(
            parameter_value(parameters, period, P + "group3.contract_signed_before")
        )
        ended = _between(
            person("covid_group3_contract_end_date", period),
            parameters,
            period,
            P + "group3.contract_end_earliest",
            P + "group3.contract_end_latest",
        )
        eligible = without_income & (signed < signed_before) & (signed > np.datetime64(NO_DATE)) & ended
        return _monthly(person, parameters, period, eligible, P + "group3.monthly_amount")


class covid_group4_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 4 trong tháng (đồng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        lost = person("covid_group4_lost_job", period)
        return _monthly(person, parameters, period, lost, P + "group4.monthly_amount")


class covid_group5_ncc_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 5 (người có công) trong tháng (đồng; chi một lần cho 3 tháng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        eligible = person("covid_group_ncc", period)
        return _monthly(person, parameters, period, eligible, P + "group5_ncc.monthly_amount")


class covid_group6_btxh_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 nhóm 6 (bảo trợ xã hội) trong tháng (đồng; chi một lần cho 3 tháng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        eligible = person("covid_group_btxh", period)
        return _monthly(person, parameters, period, eligible, P + "group6_btxh.monthly_amount")


class covid_group7_poor_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = (
        "Hỗ trợ COVID-19 nhóm 7 (thành viên hộ nghèo, cận nghèo) trong tháng (đồng; chi một lần cho 3 tháng)"
    )
    reference = REFERENCE

    def formula(person, period, parameters):
        listed = person("covid_group_poor_household_member", period)
        # The window first: outside it the group's parameters are empty on purpose (a year period asks
        # every month of 2020, and the cut-off below is undefined before April).
        if not _in_window(parameters, period) or not np.any(listed):
            return np.zeros(person.count, dtype=np.int32)
        cutoff = to_datetime64(parameter_value(parameters, period, P + "group7_poor.died_before_excluded"))
        alive = person("death_date", period) >= cutoff
        return _monthly(person, parameters, period, listed & alive, P + "group7_poor.monthly_amount")


# --- overlap ------------------------------------------------------------------------------------------


class covid_support_amount(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Hỗ trợ COVID-19 của cá nhân trong tháng sau khi áp dụng quy tắc trùng nhóm (đồng)"
    reference = REFERENCE
    documentation = __doc__

    def formula(person, period, parameters):
        if not _in_window(parameters, period):
            return np.zeros(person.count, dtype=np.int32)
        rule = parameter_value(parameters, period, P + "overlap_rule")
        monthly = np.stack([person(name, period) for name in PERSON_GROUP_VARIABLES])
        if rule == "stack":
            return monthly.sum(axis=0).astype(np.int32)
        if rule != "highest_only":
            raise ValueError(
                f"Tham số «{P}overlap_rule» có giá trị không hợp lệ «{rule}»: chỉ nhận highest_only hoặc stack."
            )
        window = _window_period(parameters, period)
        totals = np.stack([person(name, window, options=[ADD]) for name in PERSON_GROUP_VARIABLES])
        chosen = np.argmax(totals, axis=0)
        return np.take_along_axis(monthly, chosen[np.newaxis, :], axis=0)[0].astype(np.int32)


class covid_support_total(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.YEAR
    label = "Tổng hỗ trợ COVID-19 của cá nhân trong năm (đồng)"
    reference = REFERENCE

    def formula(person, period, parameters):
        return person("covid_support_amount", period, options=[ADD])
