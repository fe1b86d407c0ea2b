"""Enumerations shared by several variable files (imported by package path, so one class each)."""

from openfisca_core.indexed_enums import Enum


class TgxhCategory(Enum):
    """Diện đối tượng hưởng trợ cấp xã hội hằng tháng (NĐ 20/2021/NĐ-CP, Điều 5 và 6)."""

    none = "Không thuộc diện hưởng trợ cấp xã hội hằng tháng"
    child_no_carer = "Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng"
    student_16_22_former_child_no_carer = (
        "Người từ 16 đến 22 tuổi đang đi học, trước đó thuộc diện trẻ em không có nguồn nuôi dưỡng"
    )
    child_hiv_poor_household = "Trẻ em nhiễm HIV/AIDS thuộc hộ nghèo"
    elderly_poor_no_carer = "Người cao tuổi thuộc hộ nghèo, không có người có nghĩa vụ và quyền phụng dưỡng"
    elderly_75_80_poor_difficult_area = (
        "Người từ đủ 75 đến dưới 80 tuổi thuộc hộ nghèo, cận nghèo ở vùng dân tộc thiểu số"
        " và miền núi đặc biệt khó khăn"
    )
    elderly_80_no_pension = (
        "Người từ đủ 80 tuổi trở lên không có lương hưu, trợ cấp bảo hiểm xã hội hằng tháng"
    )
    elderly_community_care = "Người cao tuổi được nhận chăm sóc tại cộng đồng"
    disabled_especially_severe = "Người khuyết tật đặc biệt nặng"
    disabled_severe = "Người khuyết tật nặng"
    single_poor_parent = "Người đơn thân thuộc hộ nghèo đang nuôi con (hệ số chưa xác minh)"
    child_under3_poor_difficult_area = (
        "Trẻ em dưới 3 tuổi thuộc hộ nghèo ở vùng đặc biệt khó khăn (hệ số chưa xác minh)"
    )
    adult_hiv_poor_household = "Người nhiễm HIV/AIDS thuộc hộ nghèo (hệ số chưa xác minh)"


class PovertyStatus(Enum):
    """Kết quả xác định hộ nghèo, hộ cận nghèo theo chuẩn nghèo đang áp dụng."""

    poor = "Hộ nghèo"
    near_poor = "Hộ cận nghèo"
    not_poor = "Không thuộc hộ nghèo, hộ cận nghèo"
