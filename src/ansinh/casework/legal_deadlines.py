"""The legal deadlines found in the texts (docs/dossiers.md gives the sources). Those not confirmed are rows without
days, which the services refuse to use until an administrator fills them in.

Second-time complaints (khiếu nại lần hai, Luật Khiếu nại 2011): the time limit to lodge one (Điều 33: 30 days from
receiving the first-time decision, or from the end of the first-time deadline of Điều 28 without a decision; 45 in
remote areas), its acceptance (10 days: the provinces' published procedure «Giải quyết khiếu nại lần hai») and its
resolution (Điều 37: 45 days from acceptance, 60 for a complex case; remote areas 60, complex 70) are rows of the
same table, so that the administrator sees and adjusts them like the others.

``deadline_rules_ensure`` creates the missing rows (never overwrites what an administrator entered): it runs after
every migration and after a database flush, so the table is never empty.
"""

from __future__ import annotations

LKN = "Luật Khiếu nại 02/2011/QH13"
LTC = "Luật Tố cáo 25/2018/QH14"
LTCD = "Luật Tiếp công dân 42/2013/QH13"
RULES = [
    ("complaint", "accept", 10, False, None, f"{LKN}, Điều 27 (thụ lý trong 10 ngày kể từ ngày nhận khiếu nại)"),
    ("complaint", "resolve", 30, False, None, f"{LKN}, Điều 28 (lần đầu: không quá 30 ngày kể từ ngày thụ lý)"),
    ("complaint", "resolve_complex", 45, False, None, f"{LKN}, Điều 28 (vụ việc phức tạp: không quá 45 ngày)"),
    ("complaint", "resolve_remote", 45, False, None, f"{LKN}, Điều 28 (vùng sâu, vùng xa: không quá 45 ngày)"),
    ("complaint", "resolve_remote_complex", 60, False, None,
     f"{LKN}, Điều 28 (vùng sâu, vùng xa, vụ việc phức tạp: không quá 60 ngày)"),
    ("complaint", "lodge_2", 30, False, None,
     f"{LKN}, Điều 33 (khiếu nại lần hai trong 30 ngày kể từ ngày nhận quyết định giải quyết lần đầu, hoặc kể từ ngày "
     "hết thời hạn giải quyết lần đầu mà không được giải quyết)"),
    ("complaint", "lodge_2_remote", 45, False, None, f"{LKN}, Điều 33 (vùng sâu, vùng xa: không quá 45 ngày)"),
    ("complaint", "accept_2", 10, False, None,
     f"{LKN}, Điều 36 (thụ lý khiếu nại lần hai trong 10 ngày kể từ ngày nhận đơn — theo thủ tục «Giải quyết khiếu "
     "nại lần hai» các tỉnh công bố)"),
    ("complaint", "resolve_2", 45, False, None, f"{LKN}, Điều 37 (lần hai: không quá 45 ngày kể từ ngày thụ lý)"),
    ("complaint", "resolve_2_complex", 60, False, None, f"{LKN}, Điều 37 (lần hai, vụ việc phức tạp: không quá 60 ngày)"),
    ("complaint", "resolve_2_remote", 60, False, None, f"{LKN}, Điều 37 (lần hai, vùng sâu, vùng xa: không quá 60 ngày)"),
    ("complaint", "resolve_2_remote_complex", 70, False, None,
     f"{LKN}, Điều 37 (lần hai, vùng sâu, vùng xa, vụ việc phức tạp: không quá 70 ngày)"),
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


# Citizen reception (tiếp công dân): figures found in the texts, shown with their reference on the register's page.
DELEGATION_MIN = 5  # «đoàn đông người»: from 5 people on one matter they send representatives
DELEGATION_REFERENCE = ("Nghị định 124/2020/NĐ-CP, Điều 7 (trước đây Nghị định 75/2012/NĐ-CP, Điều 5): từ 05 người "
                        "cùng khiếu nại một nội dung thì cử người đại diện")
HEAD_RECEPTION_DAYS_PER_MONTH = 1  # the head of the agency receives citizens himself
HEAD_RECEPTION_REFERENCE = (f"{LTCD}, Điều 18 khoản 2; Nghị định 64/2014/NĐ-CP, Điều 4: người đứng đầu cơ quan hành "
                            "chính nhà nước trực tiếp tiếp công dân ít nhất 01 ngày trong 01 tháng")


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
