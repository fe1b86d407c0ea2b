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

from ansinh.core.models import WorkflowEventBase

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


# ---------------------------------------------------------------- personal-data protection registers

class RequestKind(models.TextChoices):
    """What a data subject asks (Luật 91/2025/QH15, Điều 4)."""

    ACCESS = "access", _("Xem dữ liệu cá nhân")
    RECTIFY = "rectify", _("Chỉnh sửa dữ liệu cá nhân")
    ERASE = "erase", _("Xoá dữ liệu cá nhân")
    RESTRICT = "restrict", _("Hạn chế xử lý dữ liệu cá nhân")
    OBJECT = "object", _("Phản đối xử lý dữ liệu cá nhân")
    WITHDRAW = "withdraw", _("Rút lại sự đồng ý")
    PROVIDE = "provide", _("Cung cấp dữ liệu cá nhân")


class RequestChannel(models.TextChoices):
    RECEPTION = "reception", _("Trực tiếp tại cơ quan")
    POST = "post", _("Văn bản qua bưu điện")
    ONLINE = "online", _("Cổng dịch vụ công, thư điện tử")
    OTHER = "other", _("Cách khác (điện thoại…)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ phản hồi")
    ACKNOWLEDGED = "acknowledged", _("Đã phản hồi, đang giải quyết")
    ANSWERED = "answered", _("Đã thực hiện, trả lời")
    REFUSED = "refused", _("Từ chối (có lý do)")


class RequestStep(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    ACKNOWLEDGE = "acknowledge", _("Phản hồi (thông báo trình tự, thời hạn)")
    ANSWER = "answer", _("Thực hiện, trả lời")
    REFUSE = "refuse", _("Từ chối")
    EXTEND = "extend", _("Gia hạn thời hạn trả lời")
    THIRD_PARTY = "third_party", _("Ghi việc phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý")


class DataRequestRule(models.Model):
    """How long the answer to one kind of request may take (NĐ 356/2025/NĐ-CP). ``days`` empty: not confirmed from
    the text — acknowledging such a request is refused until an administrator fills it in, with its reference
    (``api.legal_deadlines``)."""

    kind = models.CharField(_("loại yêu cầu"), max_length=10, choices=RequestKind.choices, unique=True)
    days = models.PositiveIntegerField(_("số ngày"), null=True, blank=True)
    working_days = models.BooleanField(_("tính theo ngày làm việc"), default=False)
    third_party_days = models.PositiveIntegerField(
        _("số ngày khi phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý"), null=True, blank=True,
        help_text=_("Để trống: loại yêu cầu này không có thời hạn riêng khi có bên xử lý, bên thứ ba."))
    extension_days = models.PositiveIntegerField(
        _("gia hạn một lần, tối đa (ngày)"), null=True, blank=True,
        help_text=_("Để trống: loại yêu cầu này không được gia hạn (chưa có căn cứ)."))
    reference = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        verbose_name = _("thời hạn trả lời yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("thời hạn trả lời yêu cầu của chủ thể dữ liệu")
        ordering = ["kind"]
        constraints = [models.CheckConstraint(condition=Q(days__isnull=True) | Q(days__gt=0),
                                              name="datarequestrule_days_positive"),
                       models.CheckConstraint(condition=Q(third_party_days__isnull=True) | Q(third_party_days__gt=0),
                                              name="datarequestrule_third_party_days_positive"),
                       models.CheckConstraint(condition=Q(extension_days__isnull=True) | Q(extension_days__gt=0),
                                              name="datarequestrule_extension_days_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days or 'chưa có'}"


class DataSubjectRequest(models.Model):
    """A request of a data subject about their personal data: received, acknowledged within 2 working days with the
    procedure and the answer's deadline, then answered or refused with a reason. Numbered «số/năm» without gaps
    per year (``year`` + ``seq`` unique: two intakes at once never share a number)."""

    year = models.PositiveIntegerField(_("năm"))
    seq = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số yêu cầu"), max_length=12, unique=True)
    kind = models.CharField(_("loại yêu cầu"), max_length=10, choices=RequestKind.choices)
    channel = models.CharField(_("cách gửi"), max_length=10, choices=RequestChannel.choices)
    received_on = models.DateField(_("ngày nhận"))
    requester_name = models.CharField(_("họ tên người yêu cầu"), max_length=120)
    requester_identity = models.CharField(_("số định danh của chủ thể dữ liệu"), max_length=12, blank=True)
    requester_contact = models.CharField(_("địa chỉ, điện thoại liên hệ"), max_length=300, blank=True)
    on_behalf = models.BooleanField(_("người đại diện gửi thay chủ thể dữ liệu"), default=False)
    person = models.ForeignKey("registry.Person", verbose_name=_("nhân khẩu (chủ thể dữ liệu)"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    details = models.TextField(_("nội dung yêu cầu"))
    third_party_stop = models.BooleanField(_("phải yêu cầu bên xử lý, bên thứ ba ngừng xử lý"), default=False)
    status = models.CharField(_("trạng thái"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED, db_index=True)
    acknowledgement_due = models.DateField(_("hạn phản hồi"))
    acknowledged_on = models.DateField(_("ngày phản hồi"), null=True, blank=True)
    answer_due = models.DateField(_("hạn thực hiện, trả lời"), null=True, blank=True)
    answer_reference = models.CharField(_("căn cứ thời hạn trả lời"), max_length=300, blank=True)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    outcome = models.TextField(_("kết quả thực hiện"), blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tiếp nhận"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("yêu cầu của chủ thể dữ liệu")
        ordering = ["-received_on", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="datasubjectrequest_number_per_year"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="datasubjectrequest_seq_positive"),
            models.CheckConstraint(condition=Q(acknowledgement_due__gte=models.F("received_on")),
                                   name="datasubjectrequest_ack_after_receipt"),
            models.CheckConstraint(condition=Q(acknowledged_on__isnull=True)
                                   | Q(acknowledged_on__gte=models.F("received_on")),
                                   name="datasubjectrequest_acknowledged_after_receipt"),
            models.CheckConstraint(condition=~Q(status__in=["acknowledged", "answered"])
                                   | (Q(acknowledged_on__isnull=False) & Q(answer_due__isnull=False)),
                                   name="datasubjectrequest_acknowledged_has_deadline"),
            models.CheckConstraint(condition=~Q(status="answered") | (Q(answered_on__isnull=False) & ~Q(outcome="")),
                                   name="datasubjectrequest_answered_has_outcome"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="datasubjectrequest_refused_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Yêu cầu {self.number} ({self.get_kind_display()})"


class DataRequestExtension(models.Model):
    """The one extension of a request's answer deadline: how many days (at most the rule's ``extension_days``), why,
    decided by whom and when, the deadline before and after. One row per request at most — the database refuses a
    second (``request`` is unique), whatever a page, the shell or two administrators at once do."""

    request = models.OneToOneField(DataSubjectRequest, verbose_name=_("yêu cầu"), on_delete=models.CASCADE,
                                   related_name="extension")
    days = models.PositiveIntegerField(_("số ngày gia hạn"))
    reason = models.TextField(_("lý do gia hạn"))
    decided_on = models.DateField(_("ngày quyết định gia hạn"))
    previous_due = models.DateField(_("hạn trả lời trước khi gia hạn"))
    new_due = models.DateField(_("hạn trả lời sau khi gia hạn"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người quyết định gia hạn"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn trả lời yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("gia hạn trả lời yêu cầu của chủ thể dữ liệu")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="datarequestextension_days_positive"),
            models.CheckConstraint(condition=Q(new_due__gt=models.F("previous_due")),
                                   name="datarequestextension_due_later"),
            models.CheckConstraint(condition=Q(decided_on__lte=models.F("previous_due")),
                                   name="datarequestextension_before_deadline"),
            models.CheckConstraint(condition=~Q(reason=""), name="datarequestextension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Gia hạn {self.days} ngày ({self.previous_due:%d/%m/%Y} → {self.new_due:%d/%m/%Y})"


class DataRequestEvent(WorkflowEventBase):
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=RequestStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("các bước xử lý yêu cầu của chủ thể dữ liệu")


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Chưa thông báo cơ quan chuyên trách")
    NOTIFIED = "notified", _("Đã thông báo cơ quan chuyên trách")
    CLOSED = "closed", _("Đã khắc phục, kết thúc")


class BreachStep(models.TextChoices):
    RECORD = "record", _("Ghi nhận vi phạm")
    NOTIFY = "notify", _("Thông báo cơ quan chuyên trách")
    CLOSE = "close", _("Kết thúc (đã khắc phục)")


class DataBreach(models.Model):
    """A breach of personal data protection (lộ, mất, truy cập trái phép…): detected at, what and whose data, and
    the 72-hour clock to notify the specialised agency (Cục A05, Bộ Công an; Luật 91/2025/QH15)."""

    year = models.PositiveIntegerField(_("năm"))
    seq = models.PositiveIntegerField(_("số thứ tự"))
    number = models.CharField(_("số vụ việc"), max_length=12, unique=True)
    detected_at = models.DateTimeField(_("phát hiện lúc"))
    description = models.TextField(_("mô tả vi phạm"))
    data_affected = models.TextField(_("loại dữ liệu bị ảnh hưởng"))
    persons_affected = models.PositiveIntegerField(_("số người bị ảnh hưởng (ước tính)"), null=True, blank=True)
    sensitive = models.BooleanField(_("có dữ liệu nhạy cảm (sức khoẻ, khuyết tật…)"), default=False)
    notify_due = models.DateTimeField(_("hạn thông báo (72 giờ)"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=BreachStatus.choices, default=BreachStatus.OPEN,
                              db_index=True)
    notified_at = models.DateTimeField(_("đã thông báo lúc"), null=True, blank=True)
    notified_to = models.CharField(_("cơ quan được thông báo"), max_length=200, blank=True)
    notification_reference = models.CharField(_("số văn bản thông báo"), max_length=80, blank=True)
    late_reason = models.TextField(_("lý do thông báo quá 72 giờ"), blank=True)
    measures = models.TextField(_("biện pháp đã thực hiện"), blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("vi phạm dữ liệu cá nhân")
        verbose_name_plural = _("vi phạm dữ liệu cá nhân")
        ordering = ["-detected_at", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="databreach_number_per_year"),
            models.CheckConstraint(condition=Q(notify_due__gt=models.F("detected_at")), name="databreach_due_after"),
            models.CheckConstraint(condition=~Q(status__in=["notified", "closed"])
                                   | (Q(notified_at__isnull=False) & ~Q(notified_to="")),
                                   name="databreach_notified_has_when_whom"),
            models.CheckConstraint(condition=Q(notified_at__isnull=True)
                                   | Q(notified_at__gte=models.F("detected_at")),
                                   name="databreach_notified_after_detection"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="databreach_closed_has_when"),
        ]

    def __str__(self) -> str:
        return f"Vi phạm {self.number}"


class BreachEvent(WorkflowEventBase):
    breach = models.ForeignKey(DataBreach, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=BreachStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý vi phạm dữ liệu cá nhân")
        verbose_name_plural = _("các bước xử lý vi phạm dữ liệu cá nhân")
