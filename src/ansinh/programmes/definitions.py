"""Programme definitions as data: the next one-off package is a new entry here (or the same shape
loaded from JSON by ``programme_from_definition``), not new code.
"""

from __future__ import annotations

import datetime as dt

NQ42_REFERENCE = "NQ 42/NQ-CP ngày 09/4/2020; QĐ 15/2020/QĐ-TTg ngày 24/4/2020"

COVID_2020 = {
    "code": "covid-2020",
    "name": "Hỗ trợ người dân gặp khó khăn do đại dịch COVID-19 (NQ 42/NQ-CP)",
    "legal_basis": ("Nghị quyết số 42/NQ-CP ngày 09/4/2020 của Chính phủ; Quyết định số 15/2020/QĐ-TTg ngày "
                    "24/4/2020 của Thủ tướng Chính phủ. Áp dụng từ 01/4/2020, tối đa 3 tháng."),
    "kind": "one_off",
    "overlap_rule": "highest_only",
    "overlap_parameter": "covid.nq42_2020.overlap_rule",
    "period": "2020",
    "window_start": dt.date(2020, 4, 1),
    "window_end": dt.date(2020, 6, 30),
    "register_cutoff": dt.date(2019, 12, 31),
    "death_cutoff": dt.date(2020, 4, 1),
    "budget": 200_000_000_000,
    "funding_sources": [("Ngân sách trung ương", 140_000_000_000), ("Ngân sách địa phương", 60_000_000_000)],
    "groups": [
        {"code": "1", "name": "Người lao động bị tạm hoãn HĐLĐ, nghỉ việc không lương", "template": "Mẫu 01",
         "rules_variable": "covid_group1_amount", "input_variable": "covid_group1_off_work", "source": "excel",
         "conditions": "Nghỉ từ 1 tháng liên tục, bắt đầu từ 01/4/2020 đến 01/6/2020; đang đóng BHXH bắt buộc; "
                       "doanh nghiệp không có nguồn trả lương. 1.800.000 đ/người/tháng, tối đa 3 tháng."},
        {"code": "2", "name": "Hộ kinh doanh có doanh thu khai thuế dưới 100 triệu đồng/năm", "template": "Mẫu 02",
         "rules_variable": "covid_group2_household_business_amount",
         "input_variable": "covid_group2_business_suspended", "source": "excel",
         "conditions": "Tạm ngừng kinh doanh từ 01/4/2020; doanh thu khai thuế năm 2020 dưới 100 triệu đồng. "
                       "1.000.000 đ/hộ/tháng, tối đa 3 tháng."},
        {"code": "3", "name": "Người lao động bị chấm dứt HĐLĐ không đủ điều kiện hưởng trợ cấp thất nghiệp",
         "template": "Mẫu 03", "rules_variable": "covid_group3_amount",
         "input_variable": "covid_group3_without_income", "source": "excel",
         "conditions": "HĐLĐ giao kết trước 01/4/2020, chấm dứt từ 01/4/2020 đến 15/6/2020; không có thu nhập hoặc "
                       "dưới chuẩn cận nghèo. 1.000.000 đ/người/tháng, tối đa 3 tháng."},
        {"code": "4", "name": "Người lao động không có HĐLĐ bị mất việc làm (lao động tự do)", "template": "Mẫu 04",
         "rules_variable": "covid_group4_amount", "input_variable": "covid_group4_lost_job", "source": "excel",
         "conditions": "Thu nhập dưới chuẩn cận nghèo; làm một trong các công việc được liệt kê. "
                       "1.000.000 đ/người/tháng, tối đa 3 tháng."},
        {"code": "5", "name": "Người có công với cách mạng đang hưởng trợ cấp ưu đãi hằng tháng",
         "template": "Mẫu 05, 06", "rules_variable": "covid_group5_ncc_amount", "input_variable": "covid_group_ncc",
         "source": "registry", "registers": ["ncc"],
         "conditions": "Đang hưởng trợ cấp ưu đãi hằng tháng. 500.000 đ/người/tháng × 3 tháng, chi một lần."},
        {"code": "6", "name": "Đối tượng bảo trợ xã hội đang hưởng trợ cấp xã hội hằng tháng", "template": "Mẫu 07",
         "rules_variable": "covid_group6_btxh_amount", "input_variable": "covid_group_btxh", "source": "registry",
         "registers": ["tgxh"],
         "conditions": "Đang hưởng trợ cấp xã hội hằng tháng. 500.000 đ/người/tháng × 3 tháng, chi một lần."},
        {"code": "7", "name": "Thành viên hộ nghèo, hộ cận nghèo trong danh sách đến 31/12/2019",
         "template": "Mẫu 08, 09", "rules_variable": "covid_group7_poor_amount",
         "input_variable": "covid_group_poor_household_member", "source": "registry",
         "registers": ["poor", "near_poor"],
         "conditions": "Thành viên hộ có tên trong danh sách hộ nghèo, cận nghèo đến 31/12/2019; người mất trước "
                       "01/4/2020 không được hỗ trợ. 250.000 đ/người/tháng × 3 tháng, chi một lần."},
    ],
}

DEFINITIONS = {COVID_2020["code"]: COVID_2020}
