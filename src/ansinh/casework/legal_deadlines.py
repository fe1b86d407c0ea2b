"""The legal deadlines found in the texts (docs/casework.md gives the sources). Those not confirmed are rows without
days, which the services refuse to use until an administrator fills them in.

``deadline_rules_ensure`` creates the missing rows (never overwrites what an administrator entered): it runs after
every migration and after a database flush, so the table is never empty.
"""

from __future__ import annotations

LKN = "Luật Khiếu nại 02/2011/QH13"
LTC = "Luật Tố cáo 25/2018/QH14"
RULES = [
    ("complaint", "accept", 10, False, None, f"{LKN}, Điều 27 (thụ lý trong 10 ngày kể từ ngày nhận khiếu nại)"),
    ("complaint", "resolve", 30, False, None, f"{LKN}, Điều 28 (lần đầu: không quá 30 ngày kể từ ngày thụ lý)"),
    ("complaint", "resolve_complex", 45, False, None, f"{LKN}, Điều 28 (vụ việc phức tạp: không quá 45 ngày)"),
    ("complaint", "resolve_remote", 45, False, None, f"{LKN}, Điều 28 (vùng sâu, vùng xa: không quá 45 ngày)"),
    ("complaint", "resolve_remote_complex", 60, False, None,
     f"{LKN}, Điều 28 (vùng sâu, vùng xa, vụ việc phức tạp: không quá 60 ngày)"),
    ("denunciation", "accept", None, True, None,
     f"{LTC}, Điều 24 và 29 — CHƯA ĐỐI CHIẾU được văn bản: quản trị hệ thống nhập số ngày"),
    ("denunciation", "resolve", 30, False, None, f"{LTC}, Điều 30 khoản 1 (không quá 30 ngày kể từ ngày thụ lý)"),
    ("denunciation", "extension", 30, False, 2,
     f"{LTC}, Điều 30 khoản 2–3 (phức tạp: gia hạn 1 lần; đặc biệt phức tạp: 2 lần; mỗi lần không quá 30 ngày)"),
    ("recommendation", "accept", None, False, None, "CHƯA ĐỐI CHIẾU được văn bản: quản trị hệ thống nhập số ngày"),
    ("recommendation", "resolve", None, False, None, "CHƯA ĐỐI CHIẾU được văn bản: quản trị hệ thống nhập số ngày"),
    ("feedback", "accept", None, False, None, "CHƯA ĐỐI CHIẾU được văn bản: quản trị hệ thống nhập số ngày"),
    ("feedback", "resolve", None, False, None, "CHƯA ĐỐI CHIẾU được văn bản: quản trị hệ thống nhập số ngày"),
]


def deadline_rules_ensure(model=None) -> int:
    """Create the rules missing from the table; return how many were created."""
    if model is None:
        from ansinh.casework.models import DeadlineRule as model
    created = 0
    for kind, stage, days, working, extensions, reference in RULES:
        _, new = model.objects.get_or_create(kind=kind, stage=stage, defaults={
            "days": days, "working_days": working, "max_extensions": extensions, "reference": reference})
        created += new
    return created
