"""Writes on lists: the workflow steps, the flags, supplementary lists. One user action = one durable
transaction = one audit row.

Every step goes through the shared engine (``LIST_WORKFLOW.perform``): role and area, a row lock, the
source state (a double click or two people at once: the second is refused with a message saying the state
the list is in), maker-checker from the list's own history (whoever prepared, submitted or appraised a
list never approves it; the database refuses it too), one event row and one audit row. Approved lists
never change (services refuse; a database trigger guards the rows); corrections go through a
supplementary list that references the approved one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money, vn_number
from ansinh.programmes.checks import CheckSummary
from ansinh.programmes.models import (
    BeneficiaryList,
    FlagKind,
    ListRow,
    ListStatus,
    ListStep,
    Programme,
    Resolution,
    RowFlag,
)
from ansinh.programmes.permissions import LIST_WORKFLOW, require_generator, require_usable
from ansinh.programmes.services.checks import lists_check, refresh_totals

PDF_MAX_BYTES = 20 * 1024 * 1024
MIN_REASON = 5


# --- checks and flags -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def list_checks_run(*, actor: User, beneficiary_list: BeneficiaryList) -> CheckSummary:
    found: dict = {}

    def run(bl: BeneficiaryList) -> None:
        summary = lists_check(programme=bl.programme, list_ids=[bl.pk], rule=bl.overlap_rule)
        found.update(summary=summary, flags=summary.flags)

    LIST_WORKFLOW.perform(beneficiary_list, ListStep.CHECK, actor=actor, update=run, details=found,
                          summary=f"Kiểm tra {beneficiary_list}")
    return found["summary"]


@transaction.atomic(durable=True)
def programme_checks_run(*, actor: User, programme: Programme) -> CheckSummary:
    """Re-run every check on all the draft lists of the programme at once (province level)."""
    require_generator(actor)
    ids = list(BeneficiaryList.objects.select_for_update().filter(programme=programme, status=ListStatus.DRAFT)
               .values_list("pk", flat=True))
    summary = lists_check(programme=programme, list_ids=ids)
    audit_record(actor=actor, action="programme.check", obj=programme,
                 summary=f"Kiểm tra {vn_number(len(ids))} danh sách: {vn_number(summary.flagged)} cảnh báo", details=summary.flags)
    return summary


def _clean_resolution(resolution: str, justification: str) -> str:
    justification = (justification or "").strip()
    if resolution not in Resolution.values:
        raise DomainError("Chọn «Loại khỏi danh sách» hoặc «Giữ lại».", field="resolution")
    if resolution == Resolution.KEEP and len(justification) < MIN_REASON:
        raise DomainError("Giữ lại người này cần ghi rõ lý do (giải trình).", field="justification")
    return justification[:500]


@transaction.atomic(durable=True)
def flag_resolve(*, actor: User, flag: RowFlag, resolution: str, justification: str = "") -> RowFlag:
    """Exclude the row, or keep it with a written justification."""
    justification = _clean_resolution(resolution, justification)
    bl = flag.row.beneficiary_list

    def resolve(locked: BeneficiaryList) -> None:
        nonlocal flag
        flag = RowFlag.objects.select_for_update().get(pk=flag.pk, row__beneficiary_list=locked)
        flag.resolution, flag.justification = resolution, justification
        flag.resolved_by, flag.resolved_at = actor, timezone.now()
        flag.save(update_fields=["resolution", "justification", "resolved_by", "resolved_at"])
        _row_exclusion_sync([flag.row_id])
        refresh_totals([locked.pk])

    LIST_WORKFLOW.perform(bl, ListStep.RESOLVE, actor=actor, update=resolve,
                          summary=f"{flag.get_kind_display()}: {Resolution(resolution).label}",
                          details={"flag": flag.pk, "row": flag.row_id, "justification": justification})
    return flag


@transaction.atomic(durable=True)
def flags_resolve_all(*, actor: User, beneficiary_list: BeneficiaryList, kind: str, resolution: str,
                      justification: str = "", only_nothing_left: bool | None = None) -> int:
    """Resolve every open flag of one kind in a list the same way (one decision, recorded once).

    ``only_nothing_left``: True = only the flags where the overlap rule leaves 0 đ; False = only those where
    it leaves an amount (this row is the one paid); None = all."""
    if kind not in FlagKind.values:
        raise DomainError("Loại cảnh báo không hợp lệ.", field="kind")
    justification = _clean_resolution(resolution, justification)
    counted: dict = {}

    def resolve(bl: BeneficiaryList) -> None:
        flags = RowFlag.objects.filter(row__beneficiary_list=bl, kind=kind, resolution="")
        if only_nothing_left is True:
            flags = flags.filter(amount_left=0)
        elif only_nothing_left is False:
            flags = flags.exclude(amount_left=0)
        row_ids = list(flags.values_list("row_id", flat=True))
        counted["n"] = flags.update(resolution=resolution, justification=justification, resolved_by=actor,
                                    resolved_at=timezone.now())
        _row_exclusion_sync(row_ids)
        refresh_totals([bl.pk])

    LIST_WORKFLOW.perform(beneficiary_list, ListStep.RESOLVE, actor=actor, update=resolve,
                          summary=f"Xử lý các cảnh báo «{FlagKind(kind).label}»: {Resolution(resolution).label}",
                          details={"kind": kind, "resolution": resolution, "justification": justification})
    return counted["n"]


def _row_exclusion_sync(row_ids: list[int]) -> None:
    """A row is excluded when any of its flags was resolved «exclude»."""
    if not row_ids:
        return
    excluded = set(RowFlag.objects.filter(row_id__in=row_ids, resolution=Resolution.EXCLUDE)
                   .values_list("row_id", flat=True))
    ListRow.objects.filter(pk__in=excluded).update(excluded=True)
    ListRow.objects.filter(pk__in=set(row_ids) - excluded).update(excluded=False)


# --- workflow steps ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def list_submit(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """Commune (or province for generated lists) submits for appraisal; the checks run again first."""

    def ready(bl: BeneficiaryList) -> list[str]:
        lists_check(programme=bl.programme, list_ids=[bl.pk], rule=bl.overlap_rule)
        open_flags = RowFlag.objects.filter(row__beneficiary_list=bl, row__excluded=False, resolution="").count()
        if open_flags:
            raise DomainError(f"Còn {open_flags} cảnh báo chưa xử lý: loại người đó khỏi danh sách hoặc giữ lại "
                              "kèm giải trình trước khi trình.")
        bl.refresh_from_db(fields=["row_count", "amount_total"])
        if bl.row_count == 0:
            raise DomainError("Danh sách không có người nào để trình.")
        bl.return_reason = ""
        return ["return_reason"]

    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.SUBMIT, actor=actor, update=ready,
                                 summary=f"Trình thẩm định {beneficiary_list}")


@transaction.atomic(durable=True)
def list_return(*, actor: User, beneficiary_list: BeneficiaryList, reason: str,
                row_reasons: Mapping[int, str] | None = None) -> BeneficiaryList:
    """The appraiser returns the list to the commune, with a reason and, optionally, one per row."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError("Ghi rõ lý do trả lại danh sách.", field="reason")

    def give_back(bl: BeneficiaryList) -> list[str]:
        if row_reasons:
            rows = {r.pk: r for r in ListRow.objects.filter(beneficiary_list=bl, pk__in=list(row_reasons))}
            if set(row_reasons) - set(rows):
                raise DomainError("Có dòng không thuộc danh sách này.")
            for pk, text in row_reasons.items():
                rows[pk].return_reason = text.strip()[:500]
            ListRow.objects.bulk_update(rows.values(), ["return_reason"])
        bl.return_reason = reason
        return ["return_reason"]

    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.RETURN, actor=actor, note=reason, update=give_back,
                                 summary=f"Trả lại {beneficiary_list}: {reason}")


@transaction.atomic(durable=True)
def list_appraise(*, actor: User, beneficiary_list: BeneficiaryList, note: str = "") -> BeneficiaryList:
    """District specialist (or province where there is no district) appraises the submitted list."""
    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.APPRAISE, actor=actor, note=(note or "").strip(),
                                 summary=f"Thẩm định {beneficiary_list}")


def _check_pdf(pdf: UploadedFile | None) -> None:
    if pdf is None:
        return
    if pdf.size > PDF_MAX_BYTES:
        raise DomainError("Tệp quyết định quá lớn (tối đa 20 MB).", field="decision_pdf")
    head = pdf.read(5)
    pdf.seek(0)
    if head != b"%PDF-":
        raise DomainError("Tệp quyết định phải là tệp PDF (bản scan đã ký).", field="decision_pdf")


@transaction.atomic(durable=True)
def list_approve(*, actor: User, beneficiary_list: BeneficiaryList, decision_number: str,
                 decision_date: dt.date | None, signer: str, decision_pdf: UploadedFile | None = None) -> BeneficiaryList:
    """The leader approves by decision (number, date, signer, scanned signed PDF)."""
    decision_number, signer = (decision_number or "").strip()[:60], (signer or "").strip()[:120]
    if not decision_number:
        raise DomainError("Nhập số quyết định phê duyệt.", field="decision_number")
    if not signer:
        raise DomainError("Nhập người ký quyết định.", field="signer")
    if decision_date is None or decision_date > timezone.localdate():
        raise DomainError("Ngày quyết định không hợp lệ (không được sau hôm nay).", field="decision_date")
    _check_pdf(decision_pdf)

    def decide(bl: BeneficiaryList) -> list[str]:
        if decision_date < bl.programme.window_start - dt.timedelta(days=31):
            raise DomainError("Ngày quyết định trước khi chương trình bắt đầu.", field="decision_date")
        bl.decision_number, bl.decision_date, bl.decision_signer = decision_number, decision_date, signer
        fields = ["decision_number", "decision_date", "decision_signer"]
        if decision_pdf is not None:
            bl.decision_pdf.save(f"qd-{bl.pk}.pdf", decision_pdf, save=False)
            fields.append("decision_pdf")
        return fields

    return LIST_WORKFLOW.perform(
        beneficiary_list, ListStep.APPROVE, actor=actor, update=decide,
        note=f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y}, {signer}",
        summary=f"Phê duyệt {beneficiary_list}: {vn_number(beneficiary_list.row_count)} người, {vn_money(beneficiary_list.amount_total)}")


@transaction.atomic(durable=True)
def list_post(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """The commune posts the approved list on its notice board (the export is the posted document)."""
    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.POST, actor=actor, summary=f"Niêm yết {beneficiary_list}")


def list_mark_paid(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """Every line of the list has a result (called by the payments service, inside its transaction)."""
    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.PAY, actor=actor,
                                 summary=f"Đã có kết quả chi trả {beneficiary_list}")


def list_reconcile(*, actor: User, beneficiary_list: BeneficiaryList, note: str = "") -> BeneficiaryList:
    """The figures of the list's payments are confirmed (called by the payments service, inside its transaction)."""
    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.RECONCILE, actor=actor, note=note,
                                 summary=f"Đối soát {beneficiary_list}")


@transaction.atomic(durable=True)
def list_close(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    return LIST_WORKFLOW.perform(beneficiary_list, ListStep.CLOSE, actor=actor, summary=f"Khoá sổ {beneficiary_list}")


# --- rows of draft lists and supplementary lists ----------------------------------------------------


@transaction.atomic(durable=True)
def row_exclude(*, actor: User, row: ListRow, reason: str) -> ListRow:
    """Take a row out of a draft list by hand (kept in the list, marked excluded, with the reason)."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError("Ghi rõ lý do loại khỏi danh sách.", field="reason")

    def exclude(bl: BeneficiaryList) -> None:
        ListRow.objects.filter(pk=row.pk, beneficiary_list=bl).update(excluded=True, return_reason=reason[:500])
        refresh_totals([bl.pk])

    LIST_WORKFLOW.perform(row.beneficiary_list, ListStep.RESOLVE, actor=actor, update=exclude,
                          summary=f"Loại dòng #{row.pk} khỏi {row.beneficiary_list}: {reason}")
    row.refresh_from_db()
    return row


def list_create(*, actor: User, programme: Programme, group, commune, source: str, note: str,
                supplements: BeneficiaryList | None = None) -> BeneficiaryList:
    """A new draft list and its first event «Lập danh sách» (in the caller's transaction)."""
    LIST_WORKFLOW.require(actor, ListStep.PREPARE)
    require_usable(programme)
    if not LIST_WORKFLOW.covers(actor, commune.pk):
        raise DomainError("Xã/phường này nằm ngoài địa bàn bạn được phân công.")
    bl = BeneficiaryList.objects.create(programme=programme, group=group, commune=commune, supplements=supplements,
                                        source=source, overlap_rule=programme.overlap_rule, prepared_by=actor)
    LIST_WORKFLOW.record(bl, ListStep.PREPARE, actor=actor, note=note)
    audit_record(actor=actor, action="list.prepare", obj=bl, summary=f"Lập {bl}: {note}")
    return bl


@transaction.atomic(durable=True)
def supplementary_list_create(*, actor: User, original: BeneficiaryList) -> BeneficiaryList:
    """A new draft list (danh sách bổ sung) for the same programme, group and commune, referencing an approved one."""
    original = BeneficiaryList.objects.select_for_update().select_related("programme", "group", "commune").get(
        pk=original.pk)
    if not original.is_frozen:
        raise DomainError("Chỉ lập danh sách bổ sung cho danh sách đã phê duyệt; danh sách này vẫn sửa được.")
    draft = BeneficiaryList.objects.filter(supplements=original, status=ListStatus.DRAFT).first()
    if draft is not None:
        raise DomainError(f"Đã có danh sách bổ sung đang lập (số {draft.pk}) cho danh sách này: bổ sung vào đó.")
    return list_create(actor=actor, programme=original.programme, group=original.group, commune=original.commune,
                       source=original.source, supplements=original,
                       note=f"Danh sách bổ sung cho danh sách số {original.pk} (QĐ {original.decision_number})")
