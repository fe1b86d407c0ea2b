"""The poverty standard of a review round and the indicators of its survey form. Pure data: no Django, no rules.

A review round of year ``Y`` (the annual review at the end of ``Y``, or a regular review during ``Y``) decides the
list of the following year: the Ninh Thuận plan for 2017 («để thực hiện các chính sách ... năm 2018») and the
NĐ 07/2021 period (the 2021 review is the first under NĐ 07, for 2022–2025) say so. The households are therefore
classified by ``poverty_status`` for the month of January ``Y + 1``, whose dated formula is the standard in force:
QĐ 59/2015 up to the 2020 review (rules: 2016-01 … 2021-12), NĐ 07/2021 from the 2021 review (rules: 2022-01),
NĐ 351/2025 from the 2026 review (rules: 2027-01). The classification itself is the rules' (``classification``);
this module only names the standard and the columns of its form.

Each indicator is stored in one column of ``HouseholdReview`` (``d_<name>``); the two standards share eight of
them, QĐ 59 has two of its own, NĐ 07 four. The header of each indicator is its name in the standard's list
(POLICY.md §4; issue #13 for the NĐ 07 headers), with «Thiếu hụt …» accepted as well.
"""

from __future__ import annotations

from dataclasses import dataclass

QD59_2015 = "qd59_2015"
ND07_2021 = "nd07_2021"
ND351_2025 = "nd351_2025"

STANDARD_LABELS = {
    QD59_2015: "Chuẩn nghèo tiếp cận đa chiều QĐ 59/2015/QĐ-TTg (giai đoạn 2016–2020, áp dụng cả năm 2021)",
    ND07_2021: "Chuẩn nghèo đa chiều NĐ 07/2021/NĐ-CP (giai đoạn 2022–2025, NĐ 351/2025 giữ cho năm 2026)",
    ND351_2025: "Chuẩn nghèo đa chiều NĐ 351/2025/NĐ-CP (giai đoạn 2027–2030)",
}
PROCEDURE_LABELS = {
    QD59_2015: "TT 17/2016/TT-BLĐTBXH, sửa đổi bởi TT 14/2018/TT-BLĐTBXH",
    ND07_2021: "QĐ 24/2021/QĐ-TTg và TT 07/2021/TT-BLĐTBXH",
    ND351_2025: "QĐ 24/2021/QĐ-TTg và TT 07/2021/TT-BLĐTBXH (đến khi có văn bản thay thế)",
}
FIRST_YEAR = 2015  # the 2015 review classified under QĐ 59/2015 for 2016: the first standard the rules model


@dataclass(frozen=True)
class Indicator:
    column: str  # field of HouseholdReview
    variable: str  # the rules' input variable
    header: str  # the name in the standard's list (column of the survey file, label of the form)

    @property
    def synonyms(self) -> tuple[str, ...]:
        lowered = self.header[:1].lower() + self.header[1:]
        return (f"Thiếu hụt {lowered}", f"Thiếu hụt về {lowered}", f"Chỉ số {lowered}")


# Every indicator column, in the order of the form. A column belongs to one or both standards.
INDICATOR_COLUMNS = ("d_employment", "d_dependants", "d_nutrition", "d_health_access", "d_health_insurance",
                     "d_adult_education", "d_child_schooling", "d_housing_quality", "d_floor_area",
                     "d_water_source", "d_toilet", "d_telecom", "d_information")
HOUSING_COLUMNS = ("d_housing_quality", "d_floor_area")  # the proposals for housing support come from these

QD59_INDICATORS = (
    Indicator("d_health_access", "qd59_deprived_health_access", "Tiếp cận các dịch vụ y tế"),
    Indicator("d_health_insurance", "qd59_deprived_health_insurance", "Bảo hiểm y tế"),
    Indicator("d_adult_education", "qd59_deprived_adult_education", "Trình độ giáo dục của người lớn"),
    Indicator("d_child_schooling", "qd59_deprived_child_schooling", "Tình trạng đi học của trẻ em"),
    Indicator("d_housing_quality", "qd59_deprived_housing_quality", "Chất lượng nhà ở"),
    Indicator("d_floor_area", "qd59_deprived_floor_area", "Diện tích nhà ở bình quân đầu người"),
    Indicator("d_water_source", "qd59_deprived_water_source", "Nguồn nước sinh hoạt"),
    Indicator("d_toilet", "qd59_deprived_toilet", "Hố xí/nhà tiêu hợp vệ sinh"),
    Indicator("d_telecom", "qd59_deprived_telecom", "Sử dụng dịch vụ viễn thông"),
    Indicator("d_information", "qd59_deprived_information_assets", "Tài sản phục vụ tiếp cận thông tin"),
)
ND07_INDICATORS = (
    Indicator("d_employment", "nd07_deprived_employment", "Việc làm"),
    Indicator("d_dependants", "nd07_deprived_dependants", "Người phụ thuộc trong hộ gia đình"),
    Indicator("d_nutrition", "nd07_deprived_nutrition", "Dinh dưỡng"),
    Indicator("d_health_insurance", "nd07_deprived_health_insurance", "Bảo hiểm y tế"),
    Indicator("d_adult_education", "nd07_deprived_adult_education", "Trình độ giáo dục của người lớn"),
    Indicator("d_child_schooling", "nd07_deprived_child_school_attendance", "Tình trạng đi học của trẻ em"),
    Indicator("d_housing_quality", "nd07_deprived_housing_quality", "Chất lượng nhà ở"),
    Indicator("d_floor_area", "nd07_deprived_floor_area", "Diện tích nhà ở bình quân đầu người"),
    Indicator("d_water_source", "nd07_deprived_water_source", "Nguồn nước sinh hoạt"),
    Indicator("d_toilet", "nd07_deprived_toilet", "Nhà tiêu hợp vệ sinh"),
    Indicator("d_telecom", "nd07_deprived_telecom", "Sử dụng dịch vụ viễn thông"),
    Indicator("d_information", "nd07_deprived_information_access", "Phương tiện phục vụ tiếp cận thông tin"),
)
# NĐ 351/2025: the rules count the NĐ 07 indicators only once an administrator confirms the list is the same
# (``poverty.nd351_2025.indicators_as_nd07_2021``); until then classification refuses, naming that parameter.
INDICATORS = {QD59_2015: QD59_INDICATORS, ND07_2021: ND07_INDICATORS, ND351_2025: ND07_INDICATORS}


def period_for(year: int) -> str:
    """The month the rules classify a review of ``year`` for: January of the next year."""
    return f"{year + 1:04d}-01"


def standard_for(year: int) -> str:
    """The standard of the rules' dated formula in force in January ``year + 1``."""
    if year >= 2026:
        return ND351_2025
    if year >= 2021:
        return ND07_2021
    return QD59_2015


def indicators_for(year: int) -> tuple[Indicator, ...]:
    return INDICATORS[standard_for(year)]


def uses_scores(year: int) -> bool:
    """The B1/B2 scores of the review form (phiếu B, TT 17/2016 amended by TT 14/2018) belong to the QĐ 59 period."""
    return standard_for(year) == QD59_2015
