"""The social registry: households, people, memberships, identity numbers, imports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ansinh.core.models import ImportRecord, TimeStampedModel
from ansinh.registry.ethnicities import ETHNICITY_CHOICES


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Ngày/tháng/năm")
    MONTH = "month", _("Tháng/năm")
    YEAR = "year", _("Chỉ năm sinh")


class Relationship(models.TextChoices):
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Bố/mẹ")
    GRANDCHILD = "grandchild", _("Cháu")
    SIBLING = "sibling", _("Anh/chị/em")
    DAUGHTER_IN_LAW = "daughter_in_law", _("Con dâu/con rể")
    OTHER = "other", _("Khác")


class Household(TimeStampedModel):
    code = models.CharField(_("mã hộ"), max_length=32, unique=True)
    commune = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("xã/phường hiện nay"), on_delete=models.PROTECT, related_name="households"
    )
    recorded_commune = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("xã/phường khi đăng ký"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Đơn vị hành chính tại thời điểm đăng ký; có thể là đơn vị trước sắp xếp 2025."),
    )
    village = models.CharField(_("thôn/xóm/tổ dân phố"), max_length=120, blank=True)
    address_detail = models.CharField(_("địa chỉ chi tiết"), max_length=255, blank=True)
    is_urban = models.BooleanField(_("khu vực thành thị"), default=False)
    head = models.ForeignKey(
        "registry.Person", verbose_name=_("chủ hộ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="headed_households",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        indexes = [models.Index(fields=["commune", "code"], name="household_commune_code_idx")]

    def __str__(self) -> str:
        return self.code


class Person(TimeStampedModel):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_key = models.CharField(max_length=120, editable=False)  # fold(full_name)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    birth_precision = models.CharField(
        _("độ chính xác ngày sinh"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ethnicity_code = models.CharField(_("dân tộc"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    # NULL, not "", for "no number": the unique constraints below must ignore people without one.
    pid = models.CharField(_("số định danh cá nhân"), max_length=12, null=True, blank=True)  # noqa: DJ001
    cmnd = models.CharField(_("số CMND (cũ)"), max_length=9, null=True, blank=True)  # noqa: DJ001
    social_insurance_no = models.CharField(_("mã số BHXH"), max_length=10, null=True, blank=True)  # noqa: DJ001
    phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    death_date = models.DateField(_("ngày mất"), null=True, blank=True)
    commune = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="persons"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("hộ hiện tại"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="current_persons",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("đã gộp vào"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Bản ghi trùng đã được gộp vào người này (ghép trùng); bản ghi này không còn hiện khi tìm kiếm."),
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "search_key"])

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        constraints = [
            models.UniqueConstraint(fields=["pid"], condition=Q(pid__isnull=False), name="person_pid_uniq"),
            models.UniqueConstraint(fields=["cmnd"], condition=Q(cmnd__isnull=False), name="person_cmnd_uniq"),
            models.UniqueConstraint(
                fields=["social_insurance_no"], condition=Q(social_insurance_no__isnull=False),
                name="person_bhxh_uniq",
            ),
            models.CheckConstraint(condition=Q(pid__regex=r"^[0-9]{12}$") | Q(pid__isnull=True), name="person_pid_12"),
            models.CheckConstraint(condition=Q(cmnd__regex=r"^[0-9]{9}$") | Q(cmnd__isnull=True), name="person_cmnd_9"),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=models.F("birth_date")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("id")),
                                   name="person_not_merged_into_itself"),
        ]
        indexes = [
            # (search_key, id): name order with a stable tie-break straight from the index.
            models.Index(fields=["search_key", "id"], name="person_key_id_idx"),
            models.Index(fields=["commune", "search_key", "id"], name="person_commune_key_id_idx"),
            models.Index(fields=["birth_date"], name="person_birth_date_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def birth_display(self) -> str:
        if self.birth_precision == DatePrecision.YEAR:
            return f"{self.birth_date:%Y}"
        if self.birth_precision == DatePrecision.MONTH:
            return f"{self.birth_date:%m/%Y}"
        return f"{self.birth_date:%d/%m/%Y}"

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def is_dead(self) -> bool:
        return self.death_date is not None


class Membership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(_("quan hệ với chủ hộ"), max_length=20, choices=Relationship.choices)
    joined_date = models.DateField(_("ngày vào hộ"), null=True, blank=True)
    left_date = models.DateField(_("ngày rời hộ"), null=True, blank=True)
    left_reason = models.CharField(_("lý do rời hộ"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên hộ")
        verbose_name_plural = _("thành viên hộ")
        constraints = [
            # A person is a current member of at most one household.
            models.UniqueConstraint(fields=["person"], condition=Q(left_date__isnull=True),
                                    name="membership_one_current_household"),
            models.CheckConstraint(
                condition=Q(left_date__isnull=True) | Q(joined_date__isnull=True) | Q(left_date__gte=models.F("joined_date")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["household", "left_date"], name="membership_household_idx")]

    def __str__(self) -> str:
        return f"{self.person} – {self.household}"


class RegistryImport(ImportRecord):
    """One uploaded registry file (households and people) through the shared import lifecycle."""

    class Meta(ImportRecord.Meta):
        verbose_name = _("lần nhập hộ, nhân khẩu")
        verbose_name_plural = _("các lần nhập hộ, nhân khẩu")
        constraints = [
            models.UniqueConstraint(fields=["file_sha256"], condition=Q(status="committed"),
                                    name="registryimport_committed_once"),
        ]


# ---------------------------------------------------------------- the access log of personal data (pages)

class AccessKind(models.TextChoices):
    VIEW = "view", _("Xem trang")
    LIST = "list", _("Xem danh sách trên màn hình")
    IDENTITY = "identity", _("Tra cứu theo số định danh")
    EXPORT = "export", _("Tải tệp")


class PersonAccess(models.Model):
    """One view or export of people's data on the pages (Luật 91/2025/QH15; docs/api.md): who, when, what (the page
    or the file), for what stated purpose, how many people. The people are ``PersonAccessItem`` rows, written
    set-based for an export (``registry.access_log``). The access of connected systems is ``api.ApiDisclosure``."""

    at = models.DateTimeField(_("lúc"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("loại truy cập"), max_length=10, choices=AccessKind.choices)
    what = models.CharField(_("nội dung"), max_length=300)
    purpose = models.CharField(_("mục đích khai báo"), max_length=300, blank=True)
    person_count = models.PositiveIntegerField(_("số người"), default=0)
    identity_shown = models.BooleanField(_("hiện số định danh đầy đủ"), default=False)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lần truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"], name="personaccess_at_idx"),
                   models.Index(fields=["actor", "at"], name="personaccess_actor_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} – {self.actor} – {self.what}"


class PersonAccessItem(models.Model):
    """One person of one access (a page shows one, a file may hold a hundred thousand)."""

    access = models.ForeignKey(PersonAccess, verbose_name=_("lần truy cập"), on_delete=models.PROTECT,
                               related_name="items")
    person = models.ForeignKey(Person, verbose_name=_("nhân khẩu"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("người có dữ liệu được truy cập")
        verbose_name_plural = _("người có dữ liệu được truy cập")
        constraints = [models.UniqueConstraint(fields=["access", "person"], name="personaccessitem_once")]
        indexes = [models.Index(fields=["person", "access"], name="personaccessitem_person_idx")]

    def __str__(self) -> str:
        return f"{self.access_id} → {self.person_id}"
