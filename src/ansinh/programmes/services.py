"""Writes on programmes and lists. One user action = one transaction = one audit row.

Every workflow step locks the list (``select_for_update``), re-reads its status and refuses with
``ConcurrentChange`` when someone else moved it first: two people approving the same list at once,
or a double click, cannot both succeed. Maker-checker: whoever prepared, submitted or appraised a
list can never approve it. Approved lists never change (services refuse; a database trigger guards
the rows); corrections go through a supplementary list that references the approved one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied
from ansinh.programmes.checks import CheckSummary, lists_check, refresh_totals
from ansinh.programmes.models import (
    BeneficiaryGroup,
    BeneficiaryList,
    FlagKind,
    FundingSource,
    ListRow,
    ListStatus,
    Programme,
    Resolution,
    RowFlag,
    WorkflowEvent,
)
from ansinh.programmes.permissions import require_step

STATUS_LABELS = dict(ListStatus.choices)
PDF_MAX_BYTES = 20 * 1024 * 1024


# --- programmes ---------------------------------------------------------------------------------------


@transaction.atomic
def programme_from_definition(*, definition: Mapping, actor: User, province_code: str) -> Programme:
    """Create (or return, when it exists) a programme and its groups from a definition (see definitions.py)."""
    existing = Programme.objects.filter(code=definition["code"]).first()
    if existing:
        return existing
    fields = {k: definition[k] for k in ("code", "name", "legal_basis", "kind", "overlap_rule", "period",
                                         "window_start", "window_end", "register_cutoff", "death_cutoff", "budget")}
    programme = Programme(province_code=province_code, overlap_parameter=definition.get("overlap_parameter", ""),
                          **fields)
    programme.full_clean()
    programme.save()
    FundingSource.objects.bulk_create([FundingSource(programme=programme, name=n, amount=a)
                                       for n, a in definition.get("funding_sources", [])])
    BeneficiaryGroup.objects.bulk_create([
        BeneficiaryGroup(programme=programme, order=i, code=g["code"], name=g["name"], template=g["template"],
                         rules_variable=g["rules_variable"], input_variable=g.get("input_variable", ""),
                         source=g["source"], registers=g.get("registers", []), conditions=g.get("conditions", ""))
        for i, g in enumerate(definition["groups"], start=1)])
    audit_record(actor=actor, action="programme.create", obj=programme, summary=f"Tạo chương trình {programme.name}")
    return programme


# --- the transition helper --------------------------------------------------------------------------


def _locked(beneficiary_list: BeneficiaryList, expected: tuple[str, ...]) -> BeneficiaryList:
    """The list re-read under a row lock; ``ConcurrentChange`` when its status is no longer ``expected``."""
    locked = BeneficiaryList.objects.select_for_update().select_related("group", "commune", "programme").get(
        pk=beneficiary_list.pk)
    seen = beneficiary_list.status
    if locked.status not in expected:
        raise ConcurrentChange(
            f"Danh sách đang ở trạng thái «{STATUS_LABELS[locked.status]}» (bạn thấy «{STATUS_LABELS[seen]}»): "
            "có người vừa xử lý trước bạn, hoặc bước này đã được thực hiện. Tải lại trang để xem.")
    return locked


def _record(bl: BeneficiaryList, *, actor: User, action: str, from_status: str, note: str = "",
            summary: str = "") -> None:
    WorkflowEvent.objects.create(beneficiary_list=bl, action=action, from_status=from_status, to_status=bl.status,
                                 actor=actor, note=note)
    audit_record(actor=actor, action=f"list.{action}", obj=bl, summary=summary or f"{bl}: {action}",
                 details={"from": from_status, "to": bl.status, "note": note[:500]})


def _refuse_if_frozen(bl: BeneficiaryList) -> None:
    if bl.is_frozen:
        raise DomainError("Danh sách đã được phê duyệt: không được sửa. Lập danh sách bổ sung để điều chỉnh.")


# --- checks and flags -------------------------------------------------------------------------------


def list_checks_run(*, actor: User, beneficiary_list: BeneficiaryList) -> CheckSummary:
    require_step(actor, "prepare", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.DRAFT,))
        summary = lists_check(programme=bl.programme, list_ids=[bl.pk], rule=bl.overlap_rule)
        audit_record(actor=actor, action="list.check", obj=bl, summary=f"Kiểm tra {bl}: {summary.flagged} cảnh báo",
                     details=summary.flags)
    return summary


def programme_checks_run(*, actor: User, programme: Programme) -> CheckSummary:
    """Re-run every check on all the draft lists of the programme at once (province level)."""
    require_step(actor, "generate")
    with transaction.atomic():
        ids = list(BeneficiaryList.objects.select_for_update().filter(programme=programme, status=ListStatus.DRAFT)
                   .values_list("pk", flat=True))
        summary = lists_check(programme=programme, list_ids=ids)
        audit_record(actor=actor, action="programme.check", obj=programme,
                     summary=f"Kiểm tra {len(ids)} danh sách: {summary.flagged} cảnh báo", details=summary.flags)
    return summary


def flag_resolve(*, actor: User, flag: RowFlag, resolution: str, justification: str = "") -> RowFlag:
    """Exclude the row, or keep it with a written justification."""
    row = flag.row
    bl = row.beneficiary_list
    require_step(actor, "resolve", bl.commune_id)
    justification = (justification or "").strip()
    if resolution not in Resolution.values:
        raise DomainError("Chọn «Loại khỏi danh sách» hoặc «Giữ lại».", field="resolution")
    if resolution == Resolution.KEEP and len(justification) < 5:
        raise DomainError("Giữ lại người này cần ghi rõ lý do (giải trình).", field="justification")
    with transaction.atomic():
        locked = _locked(bl, (ListStatus.DRAFT,))
        flag = RowFlag.objects.select_for_update().get(pk=flag.pk)
        flag.resolution, flag.justification = resolution, justification
        flag.resolved_by, flag.resolved_at = actor, timezone.now()
        flag.save(update_fields=["resolution", "justification", "resolved_by", "resolved_at"])
        _row_exclusion_sync([row.pk])
        refresh_totals([locked.pk])
        audit_record(actor=actor, action="flag.resolve", obj=flag,
                     summary=f"{flag.get_kind_display()}: {flag.get_resolution_display()}",
                     details={"row": row.pk, "justification": justification})
    return flag


def flags_resolve_all(*, actor: User, beneficiary_list: BeneficiaryList, kind: str, resolution: str,
                      justification: str = "", only_nothing_left: bool | None = None) -> int:
    """Resolve every open flag of one kind in a list the same way (one decision, recorded once).

    ``only_nothing_left``: True = only the flags where the overlap rule leaves 0 đ; False = only those where
    it leaves an amount (this row is the one paid); None = all."""
    require_step(actor, "resolve", beneficiary_list.commune_id)
    if kind not in FlagKind.values or resolution not in Resolution.values:
        raise DomainError("Loại cảnh báo hoặc cách xử lý không hợp lệ.")
    justification = (justification or "").strip()
    if resolution == Resolution.KEEP and len(justification) < 5:
        raise DomainError("Giữ lại cần ghi rõ lý do (giải trình).", field="justification")
    open_flags = RowFlag.objects.filter(row__beneficiary_list=beneficiary_list, kind=kind, resolution="")
    if only_nothing_left is not None:
        open_flags = open_flags.filter(amount_left=0) if only_nothing_left else open_flags.exclude(amount_left=0)
    if not open_flags.exists():
        return 0
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.DRAFT,))
        flags = RowFlag.objects.filter(row__beneficiary_list=bl, kind=kind, resolution="")
        if only_nothing_left is True:
            flags = flags.filter(amount_left=0)
        elif only_nothing_left is False:
            flags = flags.exclude(amount_left=0)
        row_ids = list(flags.values_list("row_id", flat=True))
        count = flags.update(resolution=resolution, justification=justification, resolved_by=actor,
                             resolved_at=timezone.now())
        _row_exclusion_sync(row_ids)
        refresh_totals([bl.pk])
        audit_record(actor=actor, action="flag.resolve_all", obj=bl,
                     summary=f"Xử lý {count} cảnh báo «{FlagKind(kind).label}»: {Resolution(resolution).label}",
                     details={"kind": kind, "resolution": resolution, "justification": justification})
    return count


def _row_exclusion_sync(row_ids: list[int]) -> None:
    """A row is excluded when any of its flags was resolved «exclude»."""
    if not row_ids:
        return
    excluded = set(RowFlag.objects.filter(row_id__in=row_ids, resolution=Resolution.EXCLUDE)
                   .values_list("row_id", flat=True))
    ListRow.objects.filter(pk__in=excluded).update(excluded=True)
    ListRow.objects.filter(pk__in=set(row_ids) - excluded).update(excluded=False)


# --- workflow steps ---------------------------------------------------------------------------------


def list_submit(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """Commune (or province for generated lists) submits for appraisal; the checks run again first."""
    require_step(actor, "submit", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.DRAFT,))
        lists_check(programme=bl.programme, list_ids=[bl.pk], rule=bl.overlap_rule)
        open_flags = RowFlag.objects.filter(row__beneficiary_list=bl, row__excluded=False, resolution="").count()
        if open_flags:
            raise DomainError(f"Còn {open_flags} cảnh báo chưa xử lý: loại người đó khỏi danh sách hoặc giữ lại "
                              "kèm giải trình trước khi trình.")
        bl.refresh_from_db(fields=["row_count", "amount_total"])
        if bl.row_count == 0:
            raise DomainError("Danh sách không có người nào để trình.")
        bl.status, bl.submitted_by, bl.submitted_at, bl.return_reason = (
            ListStatus.SUBMITTED, actor, timezone.now(), "")
        bl.save(update_fields=["status", "submitted_by", "submitted_at", "return_reason", "updated_at"])
        _record(bl, actor=actor, action="submit", from_status=ListStatus.DRAFT,
                summary=f"Trình thẩm định {bl} ({bl.row_count} người)")
    return bl


def _require_not_maker(bl: BeneficiaryList, actor: User, *, step: str) -> None:
    makers = {bl.prepared_by_id, bl.submitted_by_id}
    if step == "approve":
        makers.add(bl.appraised_by_id)
    if actor.pk in makers:
        who = "thẩm định" if actor.pk == bl.appraised_by_id else "lập/trình"
        raise PermissionDenied(f"Bạn đã {who} danh sách này nên không được {'phê duyệt' if step == 'approve' else 'thẩm định'} "
                               "(nguyên tắc người lập – người duyệt).")


def list_return(*, actor: User, beneficiary_list: BeneficiaryList, reason: str,
                row_reasons: Mapping[int, str] | None = None) -> BeneficiaryList:
    """The appraiser returns the list to the commune, with a reason and, optionally, one per row."""
    require_step(actor, "return", beneficiary_list.commune_id)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("Ghi rõ lý do trả lại danh sách.", field="reason")
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.SUBMITTED,))
        _require_not_maker(bl, actor, step="appraise")
        if row_reasons:
            rows = {r.pk: r for r in ListRow.objects.filter(beneficiary_list=bl, pk__in=list(row_reasons))}
            unknown = set(row_reasons) - set(rows)
            if unknown:
                raise DomainError("Có dòng không thuộc danh sách này.")
            for pk, text in row_reasons.items():
                rows[pk].return_reason = text.strip()[:500]
            ListRow.objects.bulk_update(rows.values(), ["return_reason"])
        bl.status, bl.return_reason = ListStatus.DRAFT, reason
        bl.save(update_fields=["status", "return_reason", "updated_at"])
        _record(bl, actor=actor, action="return", from_status=ListStatus.SUBMITTED, note=reason,
                summary=f"Trả lại {bl}: {reason}")
    return bl


def list_appraise(*, actor: User, beneficiary_list: BeneficiaryList, note: str = "") -> BeneficiaryList:
    """District specialist (or province where there is no district) appraises the submitted list."""
    require_step(actor, "appraise", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.SUBMITTED,))
        _require_not_maker(bl, actor, step="appraise")
        bl.status, bl.appraised_by, bl.appraised_at = ListStatus.APPRAISED, actor, timezone.now()
        bl.save(update_fields=["status", "appraised_by", "appraised_at", "updated_at"])
        _record(bl, actor=actor, action="appraise", from_status=ListStatus.SUBMITTED, note=note,
                summary=f"Thẩm định {bl}")
    return bl


def _check_pdf(pdf: UploadedFile | None) -> None:
    if pdf is None:
        return
    if pdf.size > PDF_MAX_BYTES:
        raise DomainError("Tệp quyết định quá lớn (tối đa 20 MB).", field="decision_pdf")
    head = pdf.read(5)
    pdf.seek(0)
    if head != b"%PDF-":
        raise DomainError("Tệp quyết định phải là tệp PDF (bản scan đã ký).", field="decision_pdf")


def list_approve(*, actor: User, beneficiary_list: BeneficiaryList, decision_number: str, decision_date: dt.date,
                 signer: str, decision_pdf: UploadedFile | None = None) -> BeneficiaryList:
    """The leader approves by decision (number, date, signer, scanned signed PDF)."""
    require_step(actor, "approve", beneficiary_list.commune_id)
    decision_number, signer = (decision_number or "").strip(), (signer or "").strip()
    if not decision_number:
        raise DomainError("Nhập số quyết định phê duyệt.", field="decision_number")
    if not signer:
        raise DomainError("Nhập người ký quyết định.", field="signer")
    if decision_date is None or decision_date > timezone.localdate():
        raise DomainError("Ngày quyết định không hợp lệ (không được sau hôm nay).", field="decision_date")
    _check_pdf(decision_pdf)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.APPRAISED,))
        _require_not_maker(bl, actor, step="approve")
        if decision_date < bl.programme.window_start - dt.timedelta(days=31):
            raise DomainError("Ngày quyết định trước khi chương trình bắt đầu.", field="decision_date")
        bl.status, bl.approved_by, bl.approved_at = ListStatus.APPROVED, actor, timezone.now()
        bl.decision_number, bl.decision_date, bl.decision_signer = decision_number, decision_date, signer
        fields = ["status", "approved_by", "approved_at", "decision_number", "decision_date", "decision_signer",
                  "updated_at"]
        if decision_pdf is not None:
            bl.decision_pdf.save(f"qd-{bl.pk}.pdf", decision_pdf, save=False)
            fields.append("decision_pdf")
        bl.save(update_fields=fields)
        _record(bl, actor=actor, action="approve", from_status=ListStatus.APPRAISED,
                note=f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y}, {signer}",
                summary=f"Phê duyệt {bl}: {bl.row_count} người, {bl.amount_total} đ")
    return bl


def list_post(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """The commune posts the approved list on its notice board (the export is the posted document)."""
    require_step(actor, "post", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.APPROVED,))
        bl.status, bl.posted_by, bl.posted_at = ListStatus.POSTED, actor, timezone.now()
        bl.save(update_fields=["status", "posted_by", "posted_at", "updated_at"])
        _record(bl, actor=actor, action="post", from_status=ListStatus.APPROVED, summary=f"Niêm yết {bl}")
    return bl


def list_mark_paid(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    """Called by the payments app once every line of the list has a result."""
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.POSTED,))
        bl.status, bl.paid_at = ListStatus.PAID, timezone.now()
        bl.save(update_fields=["status", "paid_at", "updated_at"])
        _record(bl, actor=actor, action="pay", from_status=ListStatus.POSTED, summary=f"Đã có kết quả chi trả {bl}")
    return bl


def list_reconcile(*, actor: User, beneficiary_list: BeneficiaryList, note: str = "") -> BeneficiaryList:
    require_step(actor, "reconcile", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.PAID,))
        bl.status, bl.reconciled_by, bl.reconciled_at = ListStatus.RECONCILED, actor, timezone.now()
        bl.save(update_fields=["status", "reconciled_by", "reconciled_at", "updated_at"])
        _record(bl, actor=actor, action="reconcile", from_status=ListStatus.PAID, note=note, summary=f"Đối soát {bl}")
    return bl


def list_close(*, actor: User, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    require_step(actor, "close", beneficiary_list.commune_id)
    with transaction.atomic():
        bl = _locked(beneficiary_list, (ListStatus.RECONCILED,))
        bl.status, bl.closed_by, bl.closed_at = ListStatus.CLOSED, actor, timezone.now()
        bl.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        _record(bl, actor=actor, action="close", from_status=ListStatus.RECONCILED, summary=f"Khoá sổ {bl}")
    return bl


# --- rows of draft lists and supplementary lists ----------------------------------------------------


def row_exclude(*, actor: User, row: ListRow, reason: str) -> ListRow:
    """Take a row out of a draft list by hand (kept in the list, marked excluded, with the reason)."""
    bl = row.beneficiary_list
    require_step(actor, "prepare", bl.commune_id)
    if len((reason or "").strip()) < 5:
        raise DomainError("Ghi rõ lý do loại khỏi danh sách.", field="reason")
    with transaction.atomic():
        locked = _locked(bl, (ListStatus.DRAFT,))
        _refuse_if_frozen(locked)
        ListRow.objects.filter(pk=row.pk).update(excluded=True, return_reason=reason.strip()[:500])
        refresh_totals([locked.pk])
        audit_record(actor=actor, action="row.exclude", obj=row, summary=f"Loại dòng khỏi {locked}: {reason}")
    row.refresh_from_db()
    return row


def supplementary_list_create(*, actor: User, original: BeneficiaryList) -> BeneficiaryList:
    """A new draft list (danh sách bổ sung) for the same programme, group and commune, referencing an approved one."""
    require_step(actor, "prepare", original.commune_id)
    if not original.is_frozen:
        raise DomainError("Chỉ lập danh sách bổ sung cho danh sách đã phê duyệt; danh sách này vẫn sửa được.")
    with transaction.atomic():
        bl = BeneficiaryList.objects.create(
            programme=original.programme, group=original.group, commune=original.commune, supplements=original,
            source=original.source, overlap_rule=original.programme.overlap_rule, prepared_by=actor)
        _record(bl, actor=actor, action="prepare", from_status="",
                note=f"Danh sách bổ sung cho danh sách số {original.pk} (QĐ {original.decision_number})",
                summary=f"Lập danh sách bổ sung cho {original}")
    return bl
