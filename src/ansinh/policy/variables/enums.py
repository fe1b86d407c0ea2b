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


class NccCategory(Enum):
    """Diện người có công (và người phục vụ) hưởng trợ cấp, phụ cấp ưu đãi hằng tháng.

    Mỗi người một diện trong một tháng (Pháp lệnh 02/2020/UBTVQH14; mức hưởng theo Phụ lục I, II, III của
    NĐ 75/2021/NĐ-CP, sửa đổi bởi NĐ 55/2023/NĐ-CP và NĐ 77/2024/NĐ-CP).
    """

    none = "Không hưởng trợ cấp ưu đãi người có công hằng tháng"
    martyr_relative = "Thân nhân liệt sĩ hưởng trợ cấp tuất hằng tháng (theo số liệt sĩ)"
    heroic_mother = "Bà mẹ Việt Nam anh hùng"
    war_invalid = "Thương binh, người hưởng chính sách như thương binh (Phụ lục II, theo tỷ lệ tổn thương)"
    war_invalid_b = "Thương binh loại B (Phụ lục III, theo tỷ lệ tổn thương)"
    sick_soldier = "Bệnh binh (theo khoảng tỷ lệ tổn thương từ 41%)"
    agent_orange = "Người hoạt động kháng chiến bị nhiễm chất độc hóa học (theo khoảng tỷ lệ tổn thương)"
    imprisoned = (
        "Người hoạt động cách mạng, kháng chiến, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế bị địch bắt tù, đày"
    )
    pre_1945_cadre = (
        "Người hoạt động cách mạng trước ngày 01/01/1945 — diện thoát ly (trợ cấp + phụ cấp theo thâm niên)"
    )
    pre_1945_cadre_non_detached = "Người hoạt động cách mạng trước ngày 01/01/1945 — diện không thoát ly"
    uprising_cadre = "Người hoạt động cách mạng từ ngày 01/01/1945 đến ngày khởi nghĩa tháng Tám năm 1945"
    resistance_medal = (
        "Người có công giúp đỡ cách mạng được tặng (hoặc gia đình được tặng) Huân chương Kháng chiến"
    )
    armed_forces_hero = "Anh hùng Lực lượng vũ trang nhân dân, Anh hùng Lao động trong thời kỳ kháng chiến"
    caregiver = "Người phục vụ người có công sống ở gia đình (Bà mẹ VNAH; thương binh, bệnh binh, nhiễm chất độc hóa học từ 81%)"
