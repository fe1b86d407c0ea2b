"""Demo programmes defined through the programme designer (issue #10 item 2), with the notice's own examples
(Thông báo 309/TB-SLĐTBXH of 14/7/2020): written as users would — the provincial specialist drafts and submits
through ``programmes.services.design``, the leader approves, then the lists of the register groups are drawn.

- «Thăm hỏi, tặng quà người có công dịp Tết Canh Tý 2020»: one amount per NCC category. The province's decision
  with the amount per category was not found (the press reports only the total, «gần 6,2 tỷ đồng» from the
  province's social-security source for 2020): the amounts here are ILLUSTRATIVE demo values, said so in the
  programme's legal basis, never legal parameters.
- «Hỗ trợ nhà ở cho hộ nghèo (730 nhà)»: poor households, one amount per household, with «Quỹ Thiện tâm – Tập
  đoàn Vingroup» among its funding sources (the same fund name and the same ``FundingSource`` rows the poverty
  app's housing scheme uses — the per-house proposal, approval by source and construction stages stay in
  ``ansinh.poverty``, see docs/poverty.md). Amount and count are illustrative too.

Idempotent: a programme whose code exists is taken where it stands and moved on (submitted, approved, lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from ansinh.core.errors import DomainError
from ansinh.core.safety import refuse_in_production
from ansinh.demo.poverty import FUND
from ansinh.demo.users import demo_users_ensure
from ansinh.programmes.models import BeneficiaryList, Programme, ProgrammeStatus
from ansinh.programmes.services import design
from ansinh.programmes.services.design import GroupInput, ProgrammeDesign, SourceInput
from ansinh.programmes.services.generation import registry_lists_generate

ILLUSTRATIVE = ("Dữ liệu mẫu: mức quà theo từng diện là giá trị minh hoạ (chưa tìm được quyết định của UBND tỉnh "
                "quy định mức cho từng diện), không phải mức theo văn bản pháp luật.")
TET_DOCUMENTS = "Danh sách người có công đang hưởng trợ cấp của xã\nBiên bản trao quà có chữ ký người nhận"


def _tet_group(code: str, name: str, categories: list[str], amount: int, planned: int) -> GroupInput:
    return GroupInput(code=code, name=name, source="registry", amount_mode="fixed", registers=["ncc"],
                      ncc_categories=categories, fixed_amount=amount, planned_count=planned,
                      conditions="Đang hưởng trợ cấp ưu đãi hằng tháng tại ngày bắt đầu chương trình.",
                      required_documents=TET_DOCUMENTS)


TET_CANH_TY = ProgrammeDesign(
    code="tet-canh-ty-2020", name="Thăm hỏi, tặng quà người có công dịp Tết Canh Tý 2020",
    legal_basis=("Kế hoạch thăm hỏi, tặng quà đối tượng chính sách dịp Tết Nguyên đán Canh Tý 2020 của UBND tỉnh Hà "
                 "Tĩnh (kinh phí từ nguồn đảm bảo xã hội năm 2020). " + ILLUSTRATIVE),
    decision_number="Dữ liệu mẫu 01/QĐ-UBND", decision_date=dt.date(2020, 1, 3),
    decision_signer="Chủ tịch UBND tỉnh (dữ liệu mẫu)", window_start=dt.date(2020, 1, 10),
    window_end=dt.date(2020, 1, 24), overlap_rule="highest_only", budget=6_200_000_000,
    sources=[SourceInput("Ngân sách tỉnh (nguồn đảm bảo xã hội năm 2020)", 6_200_000_000)],
    groups=[
        _tet_group("1", "Bà mẹ Việt Nam anh hùng", ["heroic_mother"], 1_000_000, 100),
        _tet_group("2", "Người hoạt động cách mạng trước 01/01/1945 và tiền khởi nghĩa",
                   ["pre_1945_cadre", "pre_1945_cadre_non_detached", "uprising_cadre"], 1_000_000, 200),
        _tet_group("3", "Thương binh, bệnh binh, người nhiễm chất độc hóa học",
                   ["war_invalid", "war_invalid_b", "sick_soldier", "agent_orange"], 500_000, 5_000),
        _tet_group("4", "Thân nhân liệt sĩ hưởng trợ cấp tuất hằng tháng", ["martyr_relative"], 500_000, 4_000),
        _tet_group("5", "Người có công khác đang hưởng trợ cấp hằng tháng",
                   ["imprisoned", "resistance_medal", "armed_forces_hero"], 300_000, 2_000),
    ])

HOUSING_730 = ProgrammeDesign(
    code="nha-o-730-ho-ngheo-2020", name=f"Hỗ trợ xây dựng nhà ở cho hộ nghèo năm 2020 (phối hợp {FUND})",
    legal_basis=(f"Chủ trương của UBND tỉnh phối hợp {FUND} rà soát, hỗ trợ 730 nhà ở hộ nghèo (Thông báo số "
                 "309/TB-SLĐTBXH ngày 14/7/2020 của Sở LĐ-TB&XH). Dữ liệu mẫu: mức hỗ trợ mỗi hộ và số tiền của "
                 "các nguồn là giá trị minh hoạ."),
    decision_number="Dữ liệu mẫu 02/QĐ-UBND", decision_date=dt.date(2020, 3, 2),
    decision_signer="Chủ tịch UBND tỉnh (dữ liệu mẫu)", window_start=dt.date(2020, 3, 15),
    window_end=dt.date(2020, 12, 31), overlap_rule="stack", budget=None,
    sources=[SourceInput(FUND, 14_600_000_000), SourceInput("Ngân sách nhà nước", 14_600_000_000),
             SourceInput("Cộng đồng, dòng họ và hộ gia đình", 0)],
    groups=[GroupInput(code="1", name="Hộ nghèo thiếu hụt về nhà ở", source="registry", amount_mode="fixed",
                       registers=["poor"], amount_unit="household", fixed_amount=40_000_000, planned_count=730,
                       conditions="Hộ nghèo trong danh sách đến ngày chốt, nhà tạm hoặc thiếu diện tích ở; mỗi hộ "
                                  "một lần, chi cho chủ hộ.",
                       required_documents="Đơn đề nghị của hộ\nBiên bản khảo sát hiện trạng nhà ở\n"
                                          "Biên bản nghiệm thu")])


def _ensure(data: ProgrammeDesign, users: dict, say: Callable[[str], None]) -> Programme:
    programme = Programme.objects.filter(code=data.code).first()
    if programme is None:
        programme = design.programme_design_create(actor=users["so"], data=data,
                                                   province_code=settings.ANSINH_PROVINCE_CODE)
    if programme.status == ProgrammeStatus.DRAFT:
        programme = design.programme_submit(actor=users["so"], programme=programme)
    if programme.status == ProgrammeStatus.SUBMITTED:
        programme = design.programme_approve(actor=users["lanhdao"], programme=programme,
                                             note="Phê duyệt (dữ liệu mẫu)")
    if not BeneficiaryList.objects.filter(programme=programme).exists():
        try:
            result = registry_lists_generate(programme=programme, actor=users["so"])
            say(f"  «{programme.name}»: {result.lists} danh sách, {result.rows} người")
        except DomainError as err:
            say(f"  «{programme.name}»: chưa lập danh sách ({err.message})")
    return programme


def designed_programmes_load(*, say: Callable[[str], None] = print) -> list[Programme]:
    """The two designed demo programmes, approved, with their register lists (once; repeated calls change nothing)."""
    refuse_in_production("tạo chương trình mẫu qua trang thiết kế")
    users = {u.username: u for u, _ in demo_users_ensure(province_code=settings.ANSINH_PROVINCE_CODE)}
    say("Chương trình thiết kế trên trang (dữ liệu mẫu):")
    return [_ensure(data, users, say) for data in (TET_CANH_TY, HOUSING_730)]
