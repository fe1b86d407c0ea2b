from django.http import HttpRequest
from django.urls import reverse

from ansinh.accounts.permissions import can_import, can_read_registry
from ansinh.policy.permissions import can_read_policy


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Tổng quan", reverse("web:home"))]
    if can_read_registry(user):
        items += [("Nhân khẩu", reverse("registry:person_list")), ("Hộ gia đình", reverse("registry:household_list"))]
    if can_read_registry(user):
        items.append(("Trùng lặp", reverse("matching:pair_list")))
    if can_import(user):
        items.append(("Nhập từ Excel", reverse("registry:import_upload")))
    if can_read_policy(user):
        items += [("Chính sách", reverse("policy:parameter_list")),
                  ("Giải thích cách tính", reverse("policy:explain"))]
    from ansinh.programmes.permissions import can_read_programmes  # programmes and payments (issue #4)

    if can_read_programmes(user) or user.role == "payment_agent":
        if can_read_programmes(user):
            items.append(("Chương trình hỗ trợ", reverse("programmes:programme_list")))
        items.append(("Chi trả", reverse("payments:batch_list")))
    return {"nav_items": items}
