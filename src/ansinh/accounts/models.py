"""Users, their role and the administrative unit they work in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    DISTRICT_SPECIALIST = "district_specialist", _("Chuyên viên cấp huyện")
    PROVINCIAL_SPECIALIST = "provincial_specialist", _("Chuyên viên Sở")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    PAYMENT_AGENT = "payment_agent", _("Tổ chức chi trả")
    JOB_CENTRE_OFFICER = "job_centre_officer", _("Cán bộ Trung tâm dịch vụ việc làm")
    VOCATIONAL_SPECIALIST = "vocational_specialist", _("Chuyên viên giáo dục nghề nghiệp")
    INSPECTOR = "inspector", _("Thanh tra")
    ARCHIVIST = "archivist", _("Cán bộ lưu trữ hồ sơ")
    COMPLAINT_HANDLER = "complaint_handler", _("Cán bộ tiếp dân, xử lý đơn thư")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


# Who may see whole identity numbers (the others see them masked: accounts.permissions.identity_for).
# Each app's own role sets live in its permissions.py.
IDENTITY_READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST,
                              Role.INSPECTOR, Role.ADMINISTRATOR})
# Who may see health and disability data (sensitive personal data, Luật 91/2025/QH15 and NĐ 356/2025/NĐ-CP): the
# officers who establish and review a person's category in the registers and the inspectors who check it. The
# leader approves lists and sheets, the payment agent pays, the administrator keeps the system: none of them needs a
# person's disability, HIV status or injury rate (``programmes.sensitive`` says which categories and fields reveal
# them; ``accounts.permissions.can_see_health``).
HEALTH_READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST,
                            Role.INSPECTOR})


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.COMMUNE_OFFICER)
    area = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (last_name) before the given name (first_name)."""
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def __str__(self) -> str:
        return self.get_full_name() or self.username
