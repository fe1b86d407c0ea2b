"""The deadlines of personal-data protection (docs/api.md gives the sources).

* Acknowledgement of a data subject's request: 2 working days from its receipt, telling the subject the procedure
  and the time of the answer (NĐ 356/2025/NĐ-CP; POLICY.md §8).
* The answer, by kind of request (``DataRequestRule``): withdrawal of consent, restriction of and objection to
  processing — 15 days (NĐ 356/2025/NĐ-CP, as summarised by two law firms' readings of the decree; 20 days when
  a processor or a third party must stop too — ``DataSubjectRequest.third_party_stop``; one extension of at most
  15 days, with its reason — ``DataRequestExtension``, once per request). The other kinds (view, rectify,
  erase, provide) are rows without days: not confirmed from the text, they refuse to compute — acknowledging such
  a request is refused — until an administrator enters the days and the reference («Thời hạn trả lời yêu cầu của
  chủ thể dữ liệu» in the admin).
* A breach: notified within 72 hours of its detection to the specialised agency of personal-data protection,
  Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an (Luật 91/2025/QH15; POLICY.md §8).

``request_rules_ensure`` creates the missing rows (never overwrites what an administrator entered): it runs after
every migration and after a database flush, so the table is never empty."""

from __future__ import annotations

ACKNOWLEDGEMENT_WORKING_DAYS = 2
ACKNOWLEDGEMENT_REFERENCE = "NĐ 356/2025/NĐ-CP: phản hồi trong 2 ngày làm việc kể từ ngày nhận yêu cầu"
BREACH_NOTIFY_HOURS = 72
BREACH_AUTHORITY = ("Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an — "
                    "cơ quan chuyên trách bảo vệ dữ liệu cá nhân")
BREACH_REFERENCE = "Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: thông báo trong 72 giờ kể từ khi phát hiện vi phạm"

UNCONFIRMED = "CHƯA ĐỐI CHIẾU được văn bản NĐ 356/2025/NĐ-CP: quản trị hệ thống nhập số ngày và căn cứ"
STOP = ("NĐ 356/2025/NĐ-CP: thực hiện trong 15 ngày (20 ngày khi phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý; "
        "gia hạn 1 lần, tối đa 15 ngày), trừ trường hợp xử lý không cần sự đồng ý (Luật 91/2025/QH15, Điều 19)")
# kind, days, working days, days when a processor or a third party must stop too, the one extension's maximum
STOP_DAYS, STOP_THIRD_PARTY_DAYS, STOP_EXTENSION_DAYS = 15, 20, 15
RULES = [
    ("access", None, False, None, None, UNCONFIRMED),
    ("rectify", None, False, None, None, UNCONFIRMED),
    ("erase", None, False, None, None, UNCONFIRMED),
    ("restrict", STOP_DAYS, False, STOP_THIRD_PARTY_DAYS, STOP_EXTENSION_DAYS, STOP),
    ("object", STOP_DAYS, False, STOP_THIRD_PARTY_DAYS, STOP_EXTENSION_DAYS, STOP),
    ("withdraw", STOP_DAYS, False, STOP_THIRD_PARTY_DAYS, STOP_EXTENSION_DAYS, STOP),
    ("provide", None, False, None, None, UNCONFIRMED),
]


def request_rules_ensure(model=None) -> int:
    """Create the rules missing from the table; return how many were created. ``model`` may be a migration's
    historical model: only the fields it has are filled (0004 knew no third-party days nor extension)."""
    if model is None:
        from ansinh.api.models import DataRequestRule as model
    known = {f.name for f in model._meta.get_fields()}
    created = 0
    for kind, days, working, third_party, extension, reference in RULES:
        defaults = {"days": days, "working_days": working, "third_party_days": third_party,
                    "extension_days": extension, "reference": reference}
        _, new = model.objects.get_or_create(kind=kind, defaults={k: v for k, v in defaults.items() if k in known})
        created += new
    return created


def request_rules_fill_extension(model) -> int:
    """The rows made before the third-party days and the extension existed get the figures of ``RULES`` where
    they are still empty (never overwriting what an administrator entered)."""
    filled = 0
    for kind, _days, _working, third_party, extension, _reference in RULES:
        if third_party is not None:
            filled += model.objects.filter(kind=kind, third_party_days__isnull=True).update(
                third_party_days=third_party)
        if extension is not None:
            filled += model.objects.filter(kind=kind, extension_days__isnull=True).update(extension_days=extension)
    return filled
