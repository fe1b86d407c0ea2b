"""Người có công (NCC): mức chuẩn và trợ cấp, phụ cấp ưu đãi hằng tháng.

Mức hưởng là BẢNG SỐ TIỀN TUYỆT ĐỐI của các phụ lục nghị định (không phải hệ số × mức chuẩn):
Phụ lục I (theo diện), Phụ lục II (thương binh, mỗi tỷ lệ tổn thương 21%–100% một dòng), Phụ lục III
(thương binh loại B) của NĐ 75/2021/NĐ-CP (từ 01/7/2021), thay bằng NĐ 55/2023/NĐ-CP (từ 01/7/2023) và
NĐ 77/2024/NĐ-CP (từ 01/7/2024). Bảng của NĐ 58/2019/NĐ-CP (01/7/2019–30/6/2021) và các dòng 2021 không
có nguồn là tham số trống: cần đến chúng thì phép tính báo ``UnsetParameterError`` nêu tên dòng.

``ncc_monthly_allowance`` = ``ncc_monthly_subsidy`` (trợ cấp) + ``ncc_monthly_supplement`` (phụ cấp),
bằng 0 từ tháng sau tháng chết. Dữ liệu đầu vào không dùng được (tỷ lệ tổn thương ngoài bảng của diện, số
liệt sĩ 0, thâm niên âm) làm phép tính báo ``InvalidInputError`` — không bao giờ trả một con số.

Every input is monthly (``set_input_dispatch_by_period``): a register state per month, so a rate change
after a re-assessment or a second martyr recognised takes effect from its month, and one value given for a
year or a range applies to each month. Vectorised: a table is read once per distinct row needed (at most
80 parameter reads per month, whatever the population size), then indexed with numpy.
"""

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from ansinh.policy.entities import Person
from ansinh.policy.variables.common import died_before, parameter_value, refuse_where, required_where
from ansinh.policy.variables.enums import NccCategory

REFERENCE = (
    "Pháp lệnh 02/2020/UBTVQH14; NĐ 75/2021/NĐ-CP Phụ lục I, II, III (từ 01/7/2021); NĐ 55/2023/NĐ-CP"
    " (từ 01/7/2023); NĐ 77/2024/NĐ-CP (từ 01/7/2024); VBHN 4804/VBHN-BLĐTBXH ngày 04/10/2024"
)
M = "ncc.monthly."
C = NccCategory

# Accepted injury rates per category (the rows the annexes have).
RATE_RANGES = {
    C.war_invalid: (21, 100),
    C.war_invalid_b: (21, 100),
    C.sick_soldier: (41, 100),
    C.agent_orange: (21, 100),
}
SUPPLEMENT_FROM_RATE = 81

WAR_INVALID_ROWS = [(rate, rate, f"r{rate}") for rate in range(21, 101)]
SICK_SOLDIER_BANDS = [
    (41, 50, "r41_50"),
    (51, 60, "r51_60"),
    (61, 70, "r61_70"),
    (71, 80, "r71_80"),
    (81, 90, "r81_90"),
    (91, 100, "r91_100"),
]
AGENT_ORANGE_BANDS = [(21, 40, "r21_40"), (41, 60, "r41_60"), (61, 80, "r61_80"), (81, 100, "r81_100")]


def _band_index(bands) -> np.ndarray:
    """Injury rate (0..100) -> row number in ``bands`` (-1 outside)."""
    index = np.full(101, -1, dtype=np.int16)
    for number, (low, high, _key) in enumerate(bands):
        index[low : high + 1] = number
    return index


_INDEX = {
    "war_invalid": _band_index(WAR_INVALID_ROWS),
    "sick_soldier": _band_index(SICK_SOLDIER_BANDS),
    "agent_orange": _band_index(AGENT_ORANGE_BANDS),
}


def _table_values(mask, rates, parameters, period, base: str, bands, index) -> np.ndarray:
    """Amount of the row of each masked person's rate; reads only the rows present (no loop per person)."""
    result = np.zeros(mask.size, dtype=np.int64)
    if not np.any(mask):
        return result
    rows = index[rates[mask]]
    amounts = np.zeros(len(bands), dtype=np.int64)
    for row in np.unique(rows):
        amounts[row] = parameter_value(parameters, period, f"{base}.{bands[row][2]}")
    result[mask] = amounts[rows]
    return result


def _set(target, mask, value) -> None:
    """``target[mask] = value`` (value a scalar parameter or an array); nothing when no one is masked."""
    if value is None or not np.any(mask):
        return
    target[mask] = value[mask] if isinstance(value, np.ndarray) else value


def _inputs(person, period):
    """Category and the inputs it needs, checked; refuses values the annexes have no row for."""
    category = person("ncc_category", period)
    rate = np.zeros(person.count, dtype=np.int64)
    if any(np.any(category == c) for c in RATE_RANGES):
        rate = person("ncc_injury_rate", period).astype(np.int64)
        for cat, (low, high) in RATE_RANGES.items():
            refuse_where(
                (category == cat) & ((rate < low) | (rate > high)),
                person,
                "ncc_injury_rate",
                f"diện {cat.name} cần tỷ lệ tổn thương cơ thể từ {low}% đến {high}% (số nguyên)",
            )
    return category, rate


class ncc_category(Variable):
    value_type = Enum
    possible_values = NccCategory
    default_value = NccCategory.none
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Diện người có công hưởng trợ cấp, phụ cấp ưu đãi hằng tháng"
    reference = REFERENCE
    documentation = "Một diện mỗi người mỗi tháng; người hưởng nhiều chế độ được tính theo từng hồ sơ riêng."


class ncc_martyr_count(Variable):
    value_type = int
    default_value = 0
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Số liệt sĩ mà người này là thân nhân (diện martyr_relative; từ 3 trở lên hưởng mức 3 liệt sĩ)"
    reference = "NĐ 75/2021/NĐ-CP, Phụ lục I mục 3.1–3.3 (sửa đổi bởi NĐ 55/2023, NĐ 77/2024)"
    documentation = (
        "Theo tháng (không phải ETERNITY): khi một liệt sĩ nữa được công nhận, mức mới áp dụng từ tháng của"
        " quyết định; một giá trị nhập cho cả năm hay một khoảng tháng áp dụng cho từng tháng. Diện"
        " martyr_relative với giá trị nhỏ hơn 1 bị từ chối (InvalidInputError)."
    )


class ncc_injury_rate(Variable):
    value_type = int
    default_value = 0
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Tỷ lệ tổn thương cơ thể (%, số nguyên) theo kết luận giám định"
    reference = "NĐ 75/2021/NĐ-CP, Phụ lục I mục 6–8, Phụ lục II, III; NĐ 131/2021/NĐ-CP (giám định lại)"
    documentation = (
        "Theo tháng: giám định lại làm thay đổi mức hưởng từ tháng có kết luận mới. Thương binh (cả loại B)"
        " và người nhiễm chất độc hóa học: 21–100; bệnh binh: 41–100; ngoài khoảng đó phép tính bị từ chối."
    )


class ncc_seniority_years(Variable):
    value_type = int
    default_value = 0
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Số năm thâm niên (người hoạt động cách mạng trước 01/01/1945, diện thoát ly)"
    reference = "NĐ 75/2021/NĐ-CP, Phụ lục I mục 1.1 (phụ cấp theo mỗi năm thâm niên)"


class ncc_especially_severe(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Có vết thương / bệnh tật đặc biệt nặng (thương binh, bệnh binh, nhiễm chất độc hóa học từ 81%)"
    reference = "NĐ 75/2021/NĐ-CP, Phụ lục I mục 6.1, 7.1, 8.1"
    documentation = (
        "Từ 81%: phụ cấp «đặc biệt nặng» thay cho phụ cấp thường. Với diện caregiver: người được phục vụ có"
        " vết thương / bệnh tật đặc biệt nặng (mức người phục vụ cao hơn). Không có tác dụng dưới 81%."
    )


class ncc_living_alone(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    set_input = set_input_dispatch_by_period
    label = "Sống cô đơn / mồ côi cả cha mẹ — hưởng thêm trợ cấp tuất nuôi dưỡng hằng tháng"
    reference = (
        "NĐ 75/2021/NĐ-CP, Phụ lục I mục 3.4 (thân nhân liệt sĩ) và 10.3 (người có công giúp đỡ cách mạng)"
    )


class ncc_standard_level(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Mức chuẩn trợ cấp ưu đãi người có công áp dụng trong tháng (đồng)"
    reference = "NĐ 58/2019/NĐ-CP; NĐ 75/2021/NĐ-CP; NĐ 55/2023/NĐ-CP; NĐ 77/2024/NĐ-CP"

    def formula(person, period, parameters):
        level = parameter_value(parameters, period, "ncc.standard_level")
        return np.full(person.count, level, dtype=np.int32)


class ncc_monthly_subsidy(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Trợ cấp ưu đãi hằng tháng của người có công theo bảng phụ lục (đồng, chưa gồm phụ cấp)"
    reference = REFERENCE
    documentation = __doc__

    def formula(person, period, parameters):
        category, rate = _inputs(person, period)
        subsidy = np.zeros(person.count, dtype=np.int64)
        if np.all(category == C.none):
            return subsidy.astype(np.int32)

        relative = category == C.martyr_relative
        if np.any(relative):
            count = person("ncc_martyr_count", period)
            refuse_where(
                relative & (count < 1),
                person,
                "ncc_martyr_count",
                "diện martyr_relative cần số liệt sĩ từ 1 trở lên",
            )
            for mask, key in (
                (relative & (count == 1), "one"),
                (relative & (count == 2), "two"),
                (relative & (count >= 3), "three_or_more"),
            ):
                _set(subsidy, mask, required_where(mask, parameters, period, M + "martyr_relative." + key))

        for cat, path in (
            (C.heroic_mother, "heroic_mother.allowance"),
            (C.imprisoned, "imprisoned"),
            (C.pre_1945_cadre, "pre_1945_cadre.detached"),
            (C.pre_1945_cadre_non_detached, "pre_1945_cadre.non_detached"),
            (C.uprising_cadre, "uprising_cadre"),
            (C.resistance_medal, "resistance_medal.allowance"),
            (C.armed_forces_hero, "armed_forces_hero"),
        ):
            mask = category == cat
            _set(subsidy, mask, required_where(mask, parameters, period, M + path))

        for cat, base in ((C.war_invalid, "war_invalid"), (C.war_invalid_b, "war_invalid_b")):
            mask = category == cat
            values = _table_values(
                mask, rate, parameters, period, M + base + ".by_rate", WAR_INVALID_ROWS, _INDEX["war_invalid"]
            )
            _set(subsidy, mask, values)
        for cat, base, bands in (
            (C.sick_soldier, "sick_soldier", SICK_SOLDIER_BANDS),
            (C.agent_orange, "agent_orange", AGENT_ORANGE_BANDS),
        ):
            mask = category == cat
            values = _table_values(mask, rate, parameters, period, M + base + ".by_band", bands, _INDEX[base])
            _set(subsidy, mask, values)

        caregiver = category == C.caregiver
        if np.any(caregiver):
            severe = person("ncc_especially_severe", period)
            for mask, key in ((caregiver & ~severe, "standard"), (caregiver & severe, "especially_severe")):
                _set(subsidy, mask, required_where(mask, parameters, period, M + "caregiver." + key))

        alone_categories = (C.martyr_relative, "martyr_relative"), (C.resistance_medal, "resistance_medal")
        if any(np.any(category == cat) for cat, _ in alone_categories):
            alone = person("ncc_living_alone", period)
            for cat, base in alone_categories:
                mask = (category == cat) & alone
                extra = required_where(mask, parameters, period, M + base + ".living_alone")
                if extra is not None:
                    subsidy[mask] += extra
        return subsidy.astype(np.int32)


class ncc_monthly_supplement(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Phụ cấp ưu đãi hằng tháng của người có công (đồng)"
    reference = REFERENCE
    documentation = (
        "Bà mẹ Việt Nam anh hùng: phụ cấp hằng tháng. Người hoạt động cách mạng trước 01/01/1945 diện thoát"
        " ly: phụ cấp × số năm thâm niên. Thương binh (cả loại B), bệnh binh, người nhiễm chất độc hóa học có"
        " tỷ lệ tổn thương từ 81%: phụ cấp hằng tháng, hoặc mức «đặc biệt nặng» nếu ncc_especially_severe."
        " Các diện khác: 0."
    )

    def formula(person, period, parameters):
        category, rate = _inputs(person, period)
        supplement = np.zeros(person.count, dtype=np.int64)
        if np.all(category == C.none):
            return supplement.astype(np.int32)

        mother = category == C.heroic_mother
        _set(supplement, mother, required_where(mother, parameters, period, M + "heroic_mother.supplement"))

        detached = category == C.pre_1945_cadre
        if np.any(detached):
            years = person("ncc_seniority_years", period).astype(np.int64)
            refuse_where(
                detached & (years < 0), person, "ncc_seniority_years", "số năm thâm niên không được âm"
            )
            per_year = parameter_value(parameters, period, M + "pre_1945_cadre.detached_supplement_per_year")
            supplement[detached] = per_year * years[detached]

        high = rate >= SUPPLEMENT_FROM_RATE
        families = (
            ((category == C.war_invalid) | (category == C.war_invalid_b)) & high,
            (category == C.sick_soldier) & high,
            (category == C.agent_orange) & high,
        )
        if any(np.any(mask) for mask in families):
            severe = person("ncc_especially_severe", period)
            for mask, base in zip(families, ("war_invalid", "sick_soldier", "agent_orange"), strict=True):
                for part, key in (
                    (mask & ~severe, "supplement_81"),
                    (mask & severe, "supplement_81_especially_severe"),
                ):
                    _set(supplement, part, required_where(part, parameters, period, f"{M}{base}.{key}"))
        return supplement.astype(np.int32)


class ncc_monthly_allowance(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Trợ cấp + phụ cấp ưu đãi người có công hằng tháng (đồng)"
    reference = REFERENCE
    documentation = (
        "ncc_monthly_subsidy + ncc_monthly_supplement của diện trong tháng; hưởng đến hết tháng chết (death_date),"
        " bằng 0 từ tháng sau. Bảng tuyệt đối theo phụ lục nghị định; dòng chưa xác minh → UnsetParameterError;"
        " dữ liệu không hợp lệ → InvalidInputError."
    )

    def formula(person, period, parameters):
        category = person("ncc_category", period)
        if np.all(category == C.none):
            return np.zeros(person.count, dtype=np.int32)
        total = person("ncc_monthly_subsidy", period).astype(np.int64) + person(
            "ncc_monthly_supplement", period
        )
        dead = died_before(person("death_date", period), period)
        return np.where(dead, 0, total).astype(np.int32)
