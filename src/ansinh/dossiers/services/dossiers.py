"""Writes to the dossiers themselves: register, move in the archive, lend and take back, confirm after checking.
One user action = one durable transaction = one audit row; refusals are ``DomainError`` in Vietnamese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.text import clean_name, fold, name_problem
from ansinh.dossiers.models import (
    OCR_FINISHED,
    Borrowing,
    DigitisationStatus,
    DocumentVersion,
    Dossier,
    DossierCategory,
)
from ansinh.dossiers.permissions import require_checker, require_keeper

S = DigitisationStatus


def _text(value: str, *, limit: int, field: str, label: str, required: bool = True) -> str:
    clean = clean_name(value or "")[:limit]
    if required and not clean:
        raise DomainError(f"Ghi {label}.", field=field)
    return clean


def _number(value: str) -> str:
    number = (value or "").strip().upper()
    if not number:
        raise DomainError("Ghi số hồ sơ.", field="number")
    if len(number) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-./") for ch in number):
        raise DomainError("Số hồ sơ chỉ gồm chữ không dấu, chữ số và các dấu «-», «.», «/» (tối đa 40 ký tự), "
                          "vì tệp quét được đặt tên theo số hồ sơ.", field="number")
    return number


@dataclass(frozen=True)
class DossierDetails:
    """What the form (or a campaign's list) says about a dossier."""

    number: str
    category: str
    matter: str
    holder_name: str
    warehouse: str = ""
    shelf: str = ""
    box: str = ""


@transaction.atomic(durable=True)
def dossier_create(*, actor, commune, details: DossierDetails, person=None) -> Dossier:
    require_keeper(actor, commune.pk)
    number, category, matter, holder_name = details.number, details.category, details.matter, details.holder_name
    warehouse, shelf, box = details.warehouse, details.shelf, details.box
    if category not in DossierCategory.values:
        raise DomainError("Chọn loại hồ sơ.", field="category")
    holder = _text(holder_name, limit=120, field="holder_name", label="họ tên người có hồ sơ")
    if problem := name_problem(holder):
        raise DomainError(problem, field="holder_name")
    if person is not None and person.commune_id != commune.pk:
        raise DomainError("Người được chọn không thuộc xã/phường của hồ sơ.", field="person")
    dossier = Dossier(number=_number(number), category=category, holder_name=holder, holder_search_key=fold(holder),
                      matter=_text(matter, limit=200, field="matter", label="nội dung hồ sơ"), commune=commune,
                      person=person, created_by=actor,
                      warehouse=_text(warehouse, limit=40, field="warehouse", label="kho", required=False),
                      shelf=_text(shelf, limit=20, field="shelf", label="kệ", required=False),
                      box=_text(box, limit=20, field="box", label="hộp", required=False))
    if Dossier.objects.filter(number=dossier.number).exists():
        raise DomainError(f"Số hồ sơ {dossier.number} đã có.", field="number")
    if person is not None and Dossier.objects.filter(person=person, category=category, matter=dossier.matter).exists():
        raise DomainError("Người này đã có hồ sơ cùng loại và nội dung.", field="matter")
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError as err:  # another user registered the same number a moment ago
        raise ConcurrentChange(f"Số hồ sơ {dossier.number} vừa được người khác đăng ký.") from err
    audit_record(actor=actor, action="dossiers.create", obj=dossier,
                 summary=f"Đăng ký hồ sơ {dossier.number} ({holder})")
    return dossier


@transaction.atomic(durable=True)
def dossier_move(*, actor, dossier: Dossier, warehouse: str, shelf: str, box: str) -> Dossier:
    """The dossier's place in the archive (kho, kệ, hộp)."""
    require_keeper(actor, dossier.commune_id)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    before = locked.location
    locked.warehouse = _text(warehouse, limit=40, field="warehouse", label="kho", required=False)
    locked.shelf = _text(shelf, limit=20, field="shelf", label="kệ", required=False)
    locked.box = _text(box, limit=20, field="box", label="hộp", required=False)
    locked.save(update_fields=["warehouse", "shelf", "box", "updated_at"])
    audit_record(actor=actor, action="dossiers.move", obj=locked,
                 summary=f"Hồ sơ {locked.number}: từ {before} sang {locked.location}")
    return locked


@transaction.atomic(durable=True)
def dossier_lend(*, actor, dossier: Dossier, borrower: str, borrower_unit: str, purpose: str,
                 borrowed_on: dt.date | None, due_on: dt.date | None) -> Borrowing:
    require_keeper(actor, dossier.commune_id)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    today = timezone.localdate()
    if borrowed_on is None or borrowed_on > today:
        raise DomainError("Ngày mượn không hợp lệ (không được sau hôm nay).", field="borrowed_on")
    if due_on is None or due_on < borrowed_on:
        raise DomainError("Hạn trả phải từ ngày mượn trở đi.", field="due_on")
    open_loan = locked.borrowings.filter(returned_on__isnull=True).first()
    if open_loan is not None:
        raise DomainError(f"Hồ sơ đang được {open_loan.borrower} mượn từ ngày {open_loan.borrowed_on:%d/%m/%Y}: "
                          "ghi trả trước khi cho mượn tiếp.")
    loan = Borrowing.objects.create(
        dossier=locked, borrower=_text(borrower, limit=120, field="borrower", label="người mượn"),
        borrower_unit=_text(borrower_unit, limit=200, field="borrower_unit", label="đơn vị", required=False),
        purpose=_text(purpose, limit=300, field="purpose", label="mục đích mượn"), borrowed_on=borrowed_on,
        due_on=due_on, lent_by=actor)
    audit_record(actor=actor, action="dossiers.lend", obj=locked,
                 summary=f"Cho {loan.borrower} mượn hồ sơ {locked.number} đến {due_on:%d/%m/%Y}")
    return loan


@transaction.atomic(durable=True)
def dossier_return(*, actor, borrowing: Borrowing, returned_on: dt.date | None) -> Borrowing:
    require_keeper(actor, borrowing.dossier.commune_id)
    locked = Borrowing.objects.select_for_update().select_related("dossier").get(pk=borrowing.pk)
    if locked.returned_on is not None:
        raise ConcurrentChange(f"Hồ sơ đã được ghi trả ngày {locked.returned_on:%d/%m/%Y}.")
    if returned_on is None or returned_on > timezone.localdate() or returned_on < locked.borrowed_on:
        raise DomainError("Ngày trả phải từ ngày mượn đến hôm nay.", field="returned_on")
    locked.returned_on, locked.received_by = returned_on, actor
    locked.save(update_fields=["returned_on", "received_by"])
    audit_record(actor=actor, action="dossiers.return", obj=locked.dossier,
                 summary=f"{locked.borrower} trả hồ sơ {locked.dossier.number}")
    return locked


def current_versions(dossier_id: int):
    """The current (newest) version of each document of the dossier."""
    return DocumentVersion.objects.filter(document__dossier_id=dossier_id, is_current=True)


def status_from_scans(dossier_id: int, current: str) -> str:
    """The digitisation status the dossier's current scans make (a checked dossier stays checked)."""
    versions = list(current_versions(dossier_id).values_list("ocr_status", flat=True))
    if not versions:
        return S.NOT_DIGITISED
    if current == S.CHECKED:
        return S.CHECKED
    return S.OCR_DONE if all(v in OCR_FINISHED and v != "failed" for v in versions) else S.SCANNED


def dossier_status_refresh(dossier_id: int) -> None:
    """Inside the caller's transaction: the dossier's status from its scans."""
    locked = Dossier.objects.select_for_update().get(pk=dossier_id)
    status = status_from_scans(dossier_id, locked.status)
    if status != locked.status:
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])


@transaction.atomic(durable=True)
def dossier_confirm(*, actor, dossier: Dossier, note: str = "") -> Dossier:
    """The checker confirms the dossier's number, holder, category and place against its scans."""
    require_checker(actor, dossier.commune_id)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status == S.CHECKED:
        raise ConcurrentChange(f"Hồ sơ đã được {locked.checked_by} kiểm tra lúc "
                               f"{timezone.localtime(locked.checked_at):%d/%m/%Y %H:%M}.")
    if locked.status != S.OCR_DONE:
        raise DomainError(f"Hồ sơ đang ở trạng thái «{locked.get_status_display()}»: chỉ kiểm tra khi mọi bản quét đã "
                          "được nhận dạng chữ.")
    if locked.created_by_id == actor.pk:
        raise DomainError("Bạn đã đăng ký hồ sơ này nên không được tự kiểm tra (nguyên tắc người lập – người kiểm tra).")
    if current_versions(locked.pk).filter(uploaded_by=actor).exists():
        raise DomainError("Bạn đã tải lên bản quét của hồ sơ này nên không được tự kiểm tra (nguyên tắc người lập – "
                          "người kiểm tra).")
    locked.status, locked.checked_by, locked.checked_at = S.CHECKED, actor, timezone.now()
    locked.save(update_fields=["status", "checked_by", "checked_at", "updated_at"])
    audit_record(actor=actor, action="dossiers.confirm", obj=locked,
                 summary=f"Kiểm tra, xác nhận hồ sơ {locked.number} khớp bản quét", details={"note": note[:500]})
    return locked
