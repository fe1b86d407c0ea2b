"""Administrative units as data with validity dates, and the 2025 old→new mapping.

Two structures live side by side: the three-level one (province → district →
commune) valid until 30/6/2025, and the two-level one (province → commune)
from 1/7/2025 (NQ 202/2025/QH15). Codes are the statistics office codes; the
same code can name different units in the two structures, so a unit is
identified by (level, code, structure).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REFORM_DATE = dt.date(2025, 7, 1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Quận/Thị xã")
    COMMUNE = "commune", _("Xã/Phường/Đặc khu")


class Structure(models.TextChoices):
    LEGACY = "legacy", _("3 cấp (đến 30/6/2025)")
    CURRENT = "current", _("2 cấp (từ 1/7/2025)")


class AdminUnit(models.Model):
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    structure = models.CharField(_("hệ thống"), max_length=10, choices=Structure.choices)
    code = models.CharField(_("mã"), max_length=8)
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=30)  # Xã, Phường, Thị trấn, Huyện, Thị xã, ...
    search_key = models.CharField(_("khoá tìm kiếm"), max_length=120, db_index=True)  # folded short name
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=4, db_index=True)
    legacy_district = models.ForeignKey(
        "self", verbose_name=_("huyện cũ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="successor_communes",
        help_text=_("Với xã/phường từ 1/7/2025: huyện cũ của phần lớn các xã đã hợp nhất, để cán bộ huyện cũ vẫn tra cứu được."),
    )
    is_urban = models.BooleanField(_("thành thị"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["province_code", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "structure", "code"], name="adminunit_level_structure_code_uniq"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="adminunit_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class UnitSuccession(models.Model):
    """An old unit's territory went (wholly or partly) into a new unit on ``effective``."""

    old = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successions",
                            verbose_name=_("đơn vị cũ"))
    new = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessions",
                            verbose_name=_("đơn vị mới"))
    is_default = models.BooleanField(
        _("đơn vị kế thừa mặc định"), default=True,
        help_text=_("Khi đơn vị cũ bị chia, địa chỉ không rõ hơn được chuyển về đơn vị này."),
    )
    effective = models.DateField(_("ngày hiệu lực"), default=REFORM_DATE)
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="unitsuccession_old_new_uniq")]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"
