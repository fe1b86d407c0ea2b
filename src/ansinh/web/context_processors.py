"""The navigation: the entries a user's role may open, grouped under a few menus (Bootstrap dropdowns) so that
the bar fits one line of a 1366-px office screen; the group and entry of the page shown, for the breadcrumbs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

from ansinh.api.permissions import can_read_access_log, can_read_protection
from ansinh.api.personal_data import can_export_person_data
from ansinh.casework import permissions as casework_permissions
from ansinh.dossiers import permissions as dossier_permissions
from ansinh.labour.permissions import nav_items as labour_nav_items
from ansinh.matching.permissions import can_review_pairs
from ansinh.payments.permissions import can_see_payments
from ansinh.payroll.permissions import can_see_payroll
from ansinh.planning.permissions import can_read as can_read_plan
from ansinh.policy.permissions import can_read_policy
from ansinh.poverty.permissions import can_read_poverty
from ansinh.programmes.permissions import can_read_programmes, can_see_designs
from ansinh.registry.permissions import can_import, can_read_registry


@dataclass
class NavGroup:
    label: str
    entries: list[tuple[str, str]] = field(default_factory=list)
    active: bool = False

    @property
    def single(self) -> bool:
        return len(self.entries) == 1


def _cases(user) -> NavGroup:
    cases = NavGroup("Hồ sơ, đơn thư")
    if dossier_permissions.can_read(user):
        cases.entries.append(("Hồ sơ lưu trữ", reverse("dossiers:dossier_list")))
    if casework_permissions.can_read_petitions(user):
        cases.entries.append(("Đơn thư", reverse("casework:petition_list")))
    if casework_permissions.can_read_inspections(user):
        cases.entries.append(("Thanh tra", reverse("casework:inspection_list")))
    return cases


def _groups(user) -> list[NavGroup]:
    population = NavGroup("Dân cư")
    if can_read_registry(user):
        population.entries += [("Nhân khẩu", reverse("registry:person_list")),
                               ("Hộ gia đình", reverse("registry:household_list"))]
    if can_review_pairs(user):
        population.entries.append(("Nghi trùng lặp", reverse("matching:pair_list")))
    if can_import(user):
        population.entries.append(("Nhập nhân khẩu từ Excel", reverse("registry:import_upload")))
    policy = NavGroup("Chính sách")
    if can_read_programmes(user):
        policy.entries.append(("Chương trình hỗ trợ", reverse("programmes:programme_list")))
    if can_see_designs(user):
        policy.entries.append(("Thiết kế chương trình", reverse("programmes:design_list")))
    if can_read_policy(user):
        policy.entries += [("Tham số chính sách", reverse("policy:parameter_list")),
                           ("Giải thích cách tính", reverse("policy:explain"))]
    payments = NavGroup("Chi trả")
    if can_see_payroll(user):
        payments.entries.append(("Chi trả hằng tháng", reverse("payroll:index")))
    if can_see_payments(user):
        payments.entries.append(("Đợt chi trả theo chương trình", reverse("payments:batch_list")))
    poverty = NavGroup("Giảm nghèo")
    if can_read_poverty(user):
        poverty.entries += [("Rà soát hộ nghèo, cận nghèo", reverse("poverty:index")),
                            ("Hỗ trợ nhà ở", reverse("poverty:schemes"))]
    labour = NavGroup("Lao động", list(labour_nav_items(user)))
    plan = NavGroup("Kế hoạch")
    if can_read_plan(user):
        plan.entries.append(("Kế hoạch, báo cáo", reverse("planning:dashboard")))
    cases = _cases(user)
    plan.entries += _personal_data(user)
    return [g for g in (population, policy, payments, poverty, labour, cases, plan) if g.entries]


def _personal_data(user) -> list[tuple[str, str]]:
    entries = []
    if can_read_access_log(user):
        entries.append(("Nhật ký truy cập dữ liệu cá nhân", reverse("api_pages:access_log")))
    if can_export_person_data(user):
        entries.append(("Xuất dữ liệu cá nhân của một người", reverse("api_pages:person_data")))
    if can_read_protection(user):
        entries += [("Yêu cầu của chủ thể dữ liệu", reverse("api_pages:request_list")),
                    ("Vi phạm dữ liệu cá nhân", reverse("api_pages:breach_list"))]
    return entries


def _current(groups: list[NavGroup], path: str) -> tuple[NavGroup | None, tuple[str, str] | None]:
    """The entry whose address is the longest prefix of ``path`` (and its group)."""
    best: tuple[int, NavGroup | None, tuple[str, str] | None] = (0, None, None)
    for group in groups:
        for entry in group.entries:
            url = entry[1]
            if path.startswith(url) and len(url) > best[0]:
                best = (len(url), group, entry)
    return best[1], best[2]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "nav_current": None}
    groups = _groups(user)
    group, entry = _current(groups, request.path)
    if group is not None:
        group.active = True
    return {"nav_groups": groups,
            "nav_current": {"group": group.label, "label": entry[0], "url": entry[1]} if entry else None}
