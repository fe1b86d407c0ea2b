"""Petitions (khiếu nại, tố cáo, kiến nghị, phản ánh) with their legal deadlines — a complaint lodged a second time
(khiếu nại lần hai) linked to the first — the register of citizen reception (sổ tiếp công dân), and inspections
with the amounts their conclusions order to recover, linked to the payroll's recoveries ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.core.models import TimeStampedModel, WorkflowEventBase


class PetitionKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    FEEDBACK = "feedback", _("Phản ánh")


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Tiếp công dân trực tiếp")
    POST = "post", _("Đơn gửi qua bưu điện")
    ONLINE = "online", _("Cổng dịch vụ công, thư điện tử")
    TRANSFERRED = "transferred", _("Cơ quan khác chuyển đến")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ACCEPTED = "accepted", _("Đã thụ lý")
    REJECTED = "rejected", _("Không thụ lý")
    DECIDED = "decided", _("Đã có quyết định, kết luận")
    CLOSED = "closed", _("Đã kết thúc, lưu hồ sơ")


class PetitionStep(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    ACCEPT = "accept", _("Thụ lý")
    REJECT = "reject", _("Không thụ lý")
    EXTEND = "extend", _("Gia hạn")
    DECIDE = "decide", _("Ban hành quyết định, kết luận")
    CLOSE = "close", _("Kết thúc, theo dõi xong")


class DeadlineStage(models.TextChoices):
    ACCEPT = "accept", _("Thụ lý (kể từ ngày nhận đơn)")
    RESOLVE = "resolve", _("Giải quyết (kể từ ngày thụ lý)")
    RESOLVE_COMPLEX = "resolve_complex", _("Giải quyết vụ việc phức tạp")
    RESOLVE_REMOTE = "resolve_remote", _("Giải quyết ở vùng sâu, vùng xa")
    RESOLVE_REMOTE_COMPLEX = "resolve_remote_complex", _("Giải quyết vụ việc phức tạp ở vùng sâu, vùng xa")
    EXTENSION = "extension", _("Mỗi lần gia hạn")
    LODGE_2 = "lodge_2", _("Khiếu nại lần hai: thời hạn khiếu nại (kể từ ngày nhận quyết định lần đầu)")
    LODGE_2_REMOTE = "lodge_2_remote", _("Khiếu nại lần hai: thời hạn khiếu nại ở vùng sâu, vùng xa")
    ACCEPT_2 = "accept_2", _("Khiếu nại lần hai: thụ lý (kể từ ngày nhận đơn)")
    RESOLVE_2 = "resolve_2", _("Khiếu nại lần hai: giải quyết (kể từ ngày thụ lý)")
    RESOLVE_2_COMPLEX = "resolve_2_complex", _("Khiếu nại lần hai: giải quyết vụ việc phức tạp")
    RESOLVE_2_REMOTE = "resolve_2_remote", _("Khiếu nại lần hai: giải quyết ở vùng sâu, vùng xa")
    RESOLVE_2_REMOTE_COMPLEX = "resolve_2_remote_complex", _(
        "Khiếu nại lần hai: giải quyết vụ việc phức tạp ở vùng sâu, vùng xa")


class DeadlineRule(models.Model):
    """A legal deadline in days. ``days`` empty: not confirmed from the text of the law — the services refuse to
    compute the deadline until an administrator fills it in (with its reference)."""

    kind = models.CharField(_("loại đơn"), max_length=16, choices=PetitionKind.choices)
    stage = models.CharField(_("bước"), max_length=24, choices=DeadlineStage.choices)
    days = models.PositiveIntegerField(_("số ngày"), null=True, blank=True)
    working_days = models.BooleanField(_("tính theo ngày làm việc"), default=False)
    max_extensions = models.PositiveIntegerField(_("số lần gia hạn tối đa"), null=True, blank=True)
    reference = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        verbose_name = _("thời hạn theo luật")
        verbose_name_plural = _("thời hạn theo luật")
        constraints = [models.UniqueConstraint(fields=["kind", "stage"], name="deadlinerule_kind_stage_unique"),
                       models.CheckConstraint(condition=Q(days__isnull=True) | Q(days__gt=0),
                                              name="deadlinerule_days_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.get_stage_display()}: {self.days or 'chưa có'}"


class Petition(TimeStampedModel):
    number = models.CharField(_("số đơn"), max_length=20, unique=True)
    kind = models.CharField(_("loại đơn"), max_length=16, choices=PetitionKind.choices)
    channel = models.CharField(_("nguồn đơn"), max_length=12, choices=Channel.choices)
    received_on = models.DateField(_("ngày nhận"))
    # the petitioner's personal data: shown only to the handlers (casework.permissions.can_see_petitioner)
    petitioner_name = models.CharField(_("họ tên người gửi đơn"), max_length=120)
    petitioner_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    petitioner_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    petitioner_identity = models.CharField(_("số định danh"), max_length=12, blank=True)
    summary = models.TextField(_("nội dung tóm tắt"))
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường nơi phát sinh"), on_delete=models.PROTECT,
                                related_name="+")
    complex_case = models.BooleanField(_("vụ việc phức tạp"), default=False)
    remote_area = models.BooleanField(_("vùng sâu, vùng xa đi lại khó khăn"), default=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PetitionStatus.choices,
                              default=PetitionStatus.RECEIVED, db_index=True)
    acceptance_due = models.DateField(_("hạn thụ lý"))
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    resolution_due = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    extensions = models.PositiveIntegerField(_("số lần gia hạn"), default=0)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người được giao giải quyết"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_reason = models.TextField(_("lý do không thụ lý"), blank=True)
    decision_number = models.CharField(_("số quyết định, kết luận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định, kết luận"), null=True, blank=True)
    outcome = models.TextField(_("kết quả giải quyết"), blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    # a complaint against the first-time decision (Luật Khiếu nại 2011, Điều 33): the first petition when it is in
    # the system, else the first decision as the complainant brings it; the time limit to lodge it, and the
    # objective obstacle (trở ngại khách quan) a handler accepted for lodging it late
    second_time = models.BooleanField(_("khiếu nại lần hai"), default=False)
    first_petition = models.ForeignKey("self", verbose_name=_("đơn khiếu nại lần đầu"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="second_time_petitions")
    first_decision_number = models.CharField(_("số quyết định giải quyết lần đầu"), max_length=60, blank=True)
    first_decision_date = models.DateField(_("ngày quyết định giải quyết lần đầu"), null=True, blank=True)
    first_decision_received_on = models.DateField(_("ngày người khiếu nại nhận quyết định lần đầu"), null=True,
                                                  blank=True)
    lodging_due = models.DateField(_("hạn khiếu nại lần hai"), null=True, blank=True)
    late_reason = models.TextField(_("trở ngại khách quan (nộp quá hạn)"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("đơn thư")
        verbose_name_plural = _("đơn thư")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(acceptance_due__gte=F("received_on")), name="petition_due_after_receipt"),
            models.CheckConstraint(condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("received_on")),
                                   name="petition_accepted_after_receipt"),
            models.CheckConstraint(condition=~Q(status="accepted") | (Q(accepted_on__isnull=False)
                                                                      & Q(resolution_due__isnull=False)),
                                   name="petition_accepted_has_deadline"),
            models.CheckConstraint(condition=~Q(status__in=["decided", "closed"]) | ~Q(decision_number=""),
                                   name="petition_decided_has_document"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="petition_rejected_has_reason"),
            models.CheckConstraint(condition=~Q(second_time=True) | (Q(kind="complaint") & Q(lodging_due__isnull=False)),
                                   name="petition_second_time_is_a_complaint"),
            models.CheckConstraint(condition=Q(second_time=True) | Q(first_petition__isnull=True),
                                   name="petition_first_only_when_second"),
            models.CheckConstraint(condition=Q(first_petition__isnull=True) | ~Q(first_petition=F("pk")),
                                   name="petition_first_not_itself"),
        ]
        indexes = [models.Index(fields=["commune", "status"], name="petition_commune_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()}{' lần hai' if self.second_time else ''})"

    @property
    def lodged_late(self) -> bool:
        """A second-time complaint received after its time limit (Điều 33)."""
        return bool(self.second_time and self.lodging_due and self.received_on > self.lodging_due)


class PetitionEvent(WorkflowEventBase):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("bước"), max_length=30, choices=PetitionStep.choices)

    class Meta(WorkflowEventBase.Meta):
        verbose_name = _("bước xử lý đơn")
        verbose_name_plural = _("các bước xử lý đơn")


# ---------------------------------------------------------------- citizen reception

class ReceptionSession(models.TextChoices):
    """Luật Tiếp công dân 2013: reception is regular (the reception officers), periodic (the head of the agency
    himself, Điều 18 khoản 2) or unscheduled (Điều 18 khoản 3)."""

    REGULAR = "regular", _("Tiếp thường xuyên")
    PERIODIC = "periodic", _("Thủ trưởng tiếp định kỳ")
    UNSCHEDULED = "unscheduled", _("Tiếp đột xuất")


class ReceptionOutcome(models.TextChoices):
    """«Hướng xử lý» of the register (Thông tư 04/2021/TT-TTCP, Mẫu số 03), and the refusal of Điều 9 of the law."""

    GUIDED = "guided", _("Giải thích, hướng dẫn")
    PETITION = "petition", _("Tiếp nhận đơn để xử lý, thụ lý")
    TRANSFERRED = "transferred", _("Chuyển đơn đến cơ quan có thẩm quyền")
    REFUSED = "refused", _("Từ chối tiếp")


class RefusalGround(models.TextChoices):
    """Luật Tiếp công dân 2013, Điều 9."""

    IMPAIRED = "impaired", _("Say do dùng chất kích thích, mất khả năng nhận thức, điều khiển hành vi (Điều 9 khoản 1)")
    DISORDER = "disorder", _("Đe dọa, xúc phạm, vi phạm nội quy nơi tiếp công dân (Điều 9 khoản 2)")
    PERSISTENT = "persistent", _("Vụ việc đã giải quyết đúng pháp luật, đã được tiếp, hướng dẫn nhưng cố tình khiếu nại, "
                                 "tố cáo kéo dài (Điều 9 khoản 3)")
    OTHER = "other", _("Trường hợp khác theo quy định của pháp luật (Điều 9 khoản 4)")


class Reception(TimeStampedModel):
    """One entry of the register of citizen reception (sổ tiếp công dân): who was received, when, where and by whom,
    what they brought and what was done with it. Numbered per year (``year``/``sequence``, unique)."""

    year = models.PositiveIntegerField(_("năm"))
    sequence = models.PositiveIntegerField(_("số thứ tự trong năm"))
    received_at = models.DateTimeField(_("thời gian tiếp"))
    place = models.CharField(_("địa điểm tiếp"), max_length=200)
    session = models.CharField(_("hình thức tiếp"), max_length=12, choices=ReceptionSession.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tiếp"), on_delete=models.PROTECT,
                                    related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường nơi phát sinh vụ việc"),
                                on_delete=models.PROTECT, related_name="+")
    people_count = models.PositiveIntegerField(_("số người"), default=1)
    kind = models.CharField(_("phân loại"), max_length=16, choices=PetitionKind.choices)
    content = models.TextField(_("nội dung vụ việc"))
    handled_before = models.CharField(_("cơ quan đã giải quyết"), max_length=300, blank=True)
    outcome = models.CharField(_("hướng xử lý"), max_length=12, choices=ReceptionOutcome.choices)
    outcome_note = models.TextField(_("nội dung hướng dẫn, nơi chuyển đơn, lý do từ chối"), blank=True)
    refusal_ground = models.CharField(_("căn cứ từ chối"), max_length=12, choices=RefusalGround.choices, blank=True)
    petition = models.OneToOneField(Petition, verbose_name=_("đơn được tiếp nhận"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reception")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi sổ"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("lượt tiếp công dân")
        verbose_name_plural = _("sổ tiếp công dân")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="reception_number_unique"),
            models.CheckConstraint(condition=Q(people_count__gte=1), name="reception_people_positive"),
            models.CheckConstraint(condition=(Q(outcome="petition") & Q(petition__isnull=False))
                                   | (~Q(outcome="petition") & Q(petition__isnull=True)),
                                   name="reception_petition_iff_received"),
            models.CheckConstraint(condition=~Q(outcome="refused") | (~Q(refusal_ground="") & ~Q(outcome_note="")),
                                   name="reception_refusal_has_ground_and_reason"),
            models.CheckConstraint(condition=~Q(outcome="transferred") | ~Q(outcome_note=""),
                                   name="reception_transfer_names_the_body"),
        ]
        indexes = [models.Index(fields=["commune", "received_at"], name="reception_commune_at_idx")]

    @property
    def number(self) -> str:
        return f"{self.year}/{self.sequence:04d}"

    @property
    def delegation(self) -> bool:
        from ansinh.casework.legal_deadlines import DELEGATION_MIN

        return self.people_count >= DELEGATION_MIN

    def __str__(self) -> str:
        return f"Tiếp công dân số {self.number}"


class ReceptionCitizen(models.Model):
    """A citizen received (the first one the person who speaks, or a representative of the delegation): personal
    data shown only to the complaint handlers covering the commune, like the petitioner's."""

    reception = models.ForeignKey(Reception, verbose_name=_("lượt tiếp công dân"), on_delete=models.CASCADE,
                                  related_name="citizens")
    position = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("họ tên"), max_length=120)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    identity = models.CharField(_("số định danh"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("công dân được tiếp")
        verbose_name_plural = _("công dân được tiếp")
        ordering = ["reception", "position"]
        constraints = [models.UniqueConstraint(fields=["reception", "position"], name="receptioncitizen_position")]

    def __str__(self) -> str:
        # never the name: the text of an object reaches pages (the administration's headings, its history) that
        # the complaint handlers' permission does not guard
        return f"Công dân thứ {self.position + 1} – sổ tiếp công dân số {self.reception.number}"


# ---------------------------------------------------------------- inspections

class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Trong kế hoạch")
    CONCLUDED = "concluded", _("Đã có kết luận")


class Inspection(TimeStampedModel):
    """An inspection (thanh tra, kiểm tra) of a commune's payments: its decision, team, subject and conclusion."""

    title = models.CharField(_("tên cuộc thanh tra"), max_length=300)
    decision_number = models.CharField(_("số quyết định thanh tra"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    subject = models.CharField(_("đối tượng thanh tra"), max_length=300)
    commune = models.ForeignKey("geo.AdminUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT,
                                related_name="+")
    team = models.TextField(_("đoàn thanh tra"), help_text=_("Trưởng đoàn, thành viên"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    conclusion_number = models.CharField(_("số kết luận"), max_length=60, blank=True)
    conclusion_date = models.DateField(_("ngày kết luận"), null=True, blank=True)
    findings = models.TextField(_("kết luận, phát hiện"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cuộc thanh tra")
        verbose_name_plural = _("cuộc thanh tra")
        ordering = ["-decision_date", "-pk"]
        constraints = [models.CheckConstraint(
            condition=~Q(status="concluded") | (~Q(conclusion_number="") & Q(conclusion_date__isnull=False)),
            name="inspection_concluded_has_conclusion")]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.title}"


class RecoveryDemand(models.Model):
    """An amount the conclusion orders a person to pay back in a register; once the ledger keeper enters it, it is
    a debt of the payroll's recoveries ledger (``recovery_entry``) and followed up there."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="demands")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    register = models.CharField(_("chế độ"), max_length=10)
    amount = models.BigIntegerField(_("số tiền phải thu hồi"))
    reason = models.CharField(_("lý do"), max_length=300)
    recovery_entry = models.OneToOneField("payroll.RecoveryEntry", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="inspection_demand")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("khoản phải thu hồi theo kết luận")
        verbose_name_plural = _("khoản phải thu hồi theo kết luận")
        ordering = ["inspection", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recoverydemand_amount_positive"),
            models.UniqueConstraint(fields=["inspection", "person", "register"], name="recoverydemand_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.register} {self.amount}"
