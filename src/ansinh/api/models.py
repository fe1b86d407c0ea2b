"""The systems connected through the API: one client per system, each acting as its own account.

A client's area and role are its account's (``account``: a ``User`` with a role and an area, usually a service
account made with the client), so every endpoint is scoped by the same permission functions and selectors as the
pages — a client of a commune sees what an officer of that commune sees, a payment agent its own sheets. The key
is shown once; only its SHA-256 is stored (a key is 256 random bits: a slow password hash would add nothing but
latency to every call).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 10


class ApiClient(models.Model):
    name = models.CharField(_("tên hệ thống kết nối"), max_length=200)
    contact = models.CharField(_("đơn vị, người chịu trách nhiệm"), max_length=200, blank=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản (vai trò, địa bàn)"),
                                on_delete=models.PROTECT, related_name="api_clients")
    key_prefix = models.CharField(_("đầu khoá"), max_length=KEY_PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(_("mã băm SHA-256 của khoá"), max_length=64, unique=True)
    rate_limit = models.PositiveIntegerField(_("số lần gọi tối đa mỗi phút"), default=120)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thu hồi"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cấp"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("gọi gần nhất lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_limit__gte=1) & Q(rate_limit__lte=10_000),
                                   name="apiclient_rate_limit_bounded"),
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="apiclient_key_hash_sha256"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                                   name="apiclient_revoked_has_who"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="apiclient_expires_after_created"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class ApiDisclosure(models.Model):
    """One person given out by one API call (the call's audit row holds the rest): the access log of personal data
    through the API, searchable by person (``api.selectors.disclosures``)."""

    call = models.ForeignKey("core.AuditEvent", verbose_name=_("lần gọi"), on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(ApiClient, verbose_name=_("hệ thống kết nối"), on_delete=models.PROTECT,
                               related_name="disclosures")
    person = models.ForeignKey("registry.Person", verbose_name=_("nhân khẩu"), on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("dữ liệu cá nhân trả qua API")
        verbose_name_plural = _("dữ liệu cá nhân trả qua API")
        constraints = [models.UniqueConstraint(fields=["call", "person"], name="apidisclosure_once_per_call")]
        indexes = [models.Index(fields=["person", "at"], name="apidisclosure_person_idx"),
                   models.Index(fields=["client", "at"], name="apidisclosure_client_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.person_id} ({self.at:%d/%m/%Y %H:%M})"
