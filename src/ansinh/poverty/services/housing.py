"""Housing support for poor households lacking housing, on the programmes machinery (issue #13 item 6).

- A scheme is a ``programmes.Programme`` with its funding sources (state budget, a charity fund such as Quỹ Thiện
  tâm, the community) and one beneficiary group per disbursement tranche (đợt 1: advance at the start of
  construction; đợt 2: the rest at acceptance), plus a ``HousingScheme`` row (the review year the proposals come
  from, the advance's share, decided by the province and entered with the scheme).
- A house (``HousingCase``) is proposed from the review's housing indicators (a poor household deprived in housing
  quality or floor area), appraised, approved with an amount per funding source (maker-checker: the approver
  neither proposed nor appraised it), then built: started, finished, accepted, each stage dated, with photos.
- Each tranche is a row of a ``programmes.BeneficiaryList`` of the tranche's group and commune (the household's
  head is the person paid): the list goes through ``LIST_WORKFLOW`` (check, submit, appraise, approve, post) and,
  once posted, through payments (``payments.services.batch_create``). The tranches are recorded here
  (``HousingTranche``); see docs/poverty.md for what the payments side does not know of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.formatting import vn_money
from ansinh.poverty.models import (
    HouseholdReview,
    HousingCase,
    HousingFunding,
    HousingPhoto,
    HousingScheme,
    HousingStage,
    HousingStatus,
    HousingStep,
    HousingTranche,
    Stage,
)
from ansinh.poverty.permissions import HOUSING_WORKFLOW, require_scheme_manager
from ansinh.programmes.models import BeneficiaryList, ListRow, ListSource, ListStatus, Programme
from ansinh.programmes.services.checks import refresh_totals
from ansinh.programmes.services.programmes import programme_from_definition
from ansinh.programmes.services.workflow import list_create

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_KINDS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
TRANCHE_GROUPS = (("D1", "Đợt 1: tạm ứng khi khởi công xây dựng"), ("D2", "Đợt 2: thanh toán phần còn lại khi nghiệm thu"))
STAGE_STEP = {Stage.STARTED: HousingStep.START, Stage.FINISHED: HousingStep.FINISH, Stage.ACCEPTED: HousingStep.ACCEPT}


@dataclass(frozen=True)
class SchemeInput:
    code: str
    name: str
    legal_basis: str
    review_year: int
    advance_percent: int
    window_start: dt.date
    window_end: dt.date
    sources: Sequence[tuple[str, int]]  # (funding source, planned amount)


def _scheme_problems(data: SchemeInput) -> list[str]:
    problems = []
    if not data.sources or any(not name.strip() or amount < 0 for name, amount in data.sources):
        problems.append("Ghi các nguồn kinh phí (tên và số tiền không âm).")
    if not 1 <= data.advance_percent <= 100:
        problems.append("Tỷ lệ tạm ứng đợt 1 phải từ 1% đến 100%.")
    if data.window_end < data.window_start:
        problems.append("Thời gian thực hiện: ngày kết thúc trước ngày bắt đầu.")
    if len(data.legal_basis.strip()) < 10:
        problems.append("Ghi căn cứ pháp lý (kế hoạch, quyết định của tỉnh; thoả thuận với nhà tài trợ).")
    return problems


def scheme_create(*, actor: User, data: SchemeInput, province_code: str) -> HousingScheme:
    """The programme (``programmes.services.programmes.programme_from_definition``, its own transaction; it returns
    the existing programme of the same code, so a repeated call completes an interrupted one) and the scheme."""
    require_scheme_manager(actor)
    problems = _scheme_problems(data)
    if problems:
        raise DomainError(" ".join(problems))
    definition = {
        "code": data.code, "name": data.name, "legal_basis": data.legal_basis, "kind": "one_off",
        "overlap_rule": "stack", "period": str(data.window_start.year), "window_start": data.window_start,
        "window_end": data.window_end, "register_cutoff": data.window_start, "death_cutoff": data.window_start,
        "budget": sum(amount for _, amount in data.sources), "funding_sources": list(data.sources),
        "groups": [{"code": code, "name": name, "template": "Hỗ trợ nhà ở", "rules_variable": "", "source": "excel",
                    "conditions": "Hộ nghèo thiếu hụt chất lượng hoặc diện tích nhà ở; mức hỗ trợ theo quyết định phê "
                                  "duyệt từng nhà, theo nguồn kinh phí."} for code, name in TRANCHE_GROUPS],
    }
    programme = programme_from_definition(definition=definition, actor=actor, province_code=province_code)
    return _scheme_attach(actor=actor, programme=programme, data=data)


@transaction.atomic(durable=True)
def _scheme_attach(*, actor: User, programme: Programme, data: SchemeInput) -> HousingScheme:
    existing = HousingScheme.objects.filter(programme=programme).first()
    if existing is not None:
        return existing
    scheme = HousingScheme.objects.create(programme=programme, review_year=data.review_year,
                                          advance_percent=data.advance_percent, created_by=actor)
    audit_record(actor=actor, action="poverty_housing.scheme_create", obj=scheme,
                 summary=f"Lập chương trình hỗ trợ nhà ở «{programme.name}»")
    return scheme


# ---------------------------------------------------------------- one house

@transaction.atomic(durable=True)
def case_propose(*, actor: User, scheme: HousingScheme, review: HouseholdReview, reason: str = "") -> HousingCase:
    """Propose a poor household of the review, deprived in housing, for support."""
    HOUSING_WORKFLOW.require(actor, HousingStep.PROPOSE)
    if not HOUSING_WORKFLOW.covers(actor, review.commune_id):
        raise PermissionDenied("Hộ này thuộc xã/phường ngoài địa bàn bạn được phân công.")
    if review.review_round.year != scheme.review_year or review.final_status != "poor":
        raise DomainError(f"Chỉ đề xuất hộ nghèo của kỳ rà soát năm {scheme.review_year}.")
    if not (review.d_housing_quality or review.d_floor_area):
        raise DomainError("Hộ không thiếu hụt chất lượng nhà ở hoặc diện tích nhà ở theo phiếu rà soát.")
    if HousingCase.objects.filter(scheme=scheme, household_id=review.household_id).exists():
        raise DomainError("Hộ đã có hồ sơ hỗ trợ nhà ở trong chương trình này.")
    deprived = [label for flag, label in ((review.d_housing_quality, "chất lượng nhà ở"),
                                         (review.d_floor_area, "diện tích nhà ở bình quân đầu người")) if flag]
    text = (reason or "").strip()[:300]
    case = HousingCase.objects.create(
        scheme=scheme, household_id=review.household_id, household_review=review, commune_id=review.commune_id,
        reason=(f"Hộ nghèo năm {scheme.review_year}, thiếu hụt " + " và ".join(deprived) + (f". {text}" if text else ""))[:500],
        proposed_by=actor)
    HOUSING_WORKFLOW.record(case, HousingStep.PROPOSE, actor=actor, note=text)
    audit_record(actor=actor, action="poverty_housing.propose", obj=case, summary=f"Đề xuất hỗ trợ nhà ở: {case}")
    return case


@transaction.atomic(durable=True)
def case_appraise(*, actor: User, case: HousingCase, note: str = "") -> HousingCase:
    return HOUSING_WORKFLOW.perform(case, HousingStep.APPRAISE, actor=actor, note=(note or "").strip()[:500],
                                    summary=f"Thẩm định {case}")


@transaction.atomic(durable=True)
def case_reject(*, actor: User, case: HousingCase, reason: str) -> HousingCase:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("Ghi rõ lý do không hỗ trợ.", field="reason")

    def reject(locked: HousingCase) -> list[str]:
        locked.reject_reason = reason[:500]
        return ["reject_reason"]

    return HOUSING_WORKFLOW.perform(case, HousingStep.REJECT, actor=actor, update=reject, note=reason,
                                    summary=f"Không hỗ trợ {case}: {reason}")


@transaction.atomic(durable=True)
def case_approve(*, actor: User, case: HousingCase, amounts: Mapping[int, int], approval_number: str,
                 approval_date: dt.date | None) -> HousingCase:
    """Approve the amount each funding source gives the house (at least one source, none negative)."""
    HOUSING_WORKFLOW.require(actor, HousingStep.APPROVE, case)
    approval_number = (approval_number or "").strip()[:60]
    if not approval_number:
        raise DomainError("Nhập số quyết định phê duyệt.", field="approval_number")
    if approval_date is None or approval_date > timezone.localdate():
        raise DomainError("Ngày phê duyệt không hợp lệ (không được sau hôm nay).", field="approval_date")
    sources = {s.pk: s for s in case.scheme.programme.funding_sources.all()}
    if set(amounts) - set(sources):
        raise DomainError("Có nguồn kinh phí không thuộc chương trình.")
    if any(a is None or a < 0 for a in amounts.values()) or sum(amounts.values()) <= 0:
        raise DomainError("Nhập số tiền hỗ trợ của ít nhất một nguồn (số nguyên đồng, không âm).")

    def approve(locked: HousingCase) -> list[str]:
        HousingFunding.objects.bulk_create([HousingFunding(case=locked, source_id=pk, amount=a)
                                            for pk, a in amounts.items() if a])
        locked.amount_total = sum(amounts.values())
        locked.approval_number, locked.approval_date = approval_number, approval_date
        return ["amount_total", "approval_number", "approval_date"]

    split = ", ".join(f"{sources[pk].name} {vn_money(a)}" for pk, a in amounts.items() if a)
    return HOUSING_WORKFLOW.perform(case, HousingStep.APPROVE, actor=actor, update=approve,
                                    note=f"QĐ {approval_number}: {split}", summary=f"Phê duyệt hỗ trợ {case}: {split}")


def _photo_kind(image: UploadedFile) -> str:
    if image.size > PHOTO_MAX_BYTES:
        raise DomainError("Ảnh quá lớn (tối đa 10 MB).", field="photos")
    head = image.read(8)
    image.seek(0)
    for magic, kind in PHOTO_KINDS.items():
        if head.startswith(magic):
            return kind
    raise DomainError("Ảnh phải là tệp JPEG hoặc PNG.", field="photos")


def _save_photos(case: HousingCase, stage: str, photos: Sequence[UploadedFile], actor: User) -> int:
    kinds = [_photo_kind(p) for p in photos]
    for photo, kind in zip(photos, kinds, strict=True):
        record = HousingPhoto(case=case, stage=stage, content_type=kind, uploaded_by=actor)
        record.image.save(photo.name or "anh.jpg", photo, save=False)
        record.save()
    return len(photos)


@transaction.atomic(durable=True)
def case_stage(*, actor: User, case: HousingCase, stage: str, on_date: dt.date | None, note: str = "",
               photos: Sequence[UploadedFile] = ()) -> HousingCase:
    """Started, finished, accepted: each with its date (in order, not after today) and photos."""
    if stage not in Stage.values:
        raise DomainError("Giai đoạn không hợp lệ.", field="stage")
    if on_date is None or on_date > timezone.localdate():
        raise DomainError("Ngày không hợp lệ (không được sau hôm nay).", field="on_date")
    for photo in photos:
        _photo_kind(photo)

    def record(locked: HousingCase) -> None:
        earlier = dict(HousingStage.objects.filter(case=locked).values_list("stage", "on_date"))
        previous = [earlier[s] for s in Stage.values[:Stage.values.index(stage)] if s in earlier]
        if previous and on_date < max(previous):
            raise DomainError(f"Ngày {on_date:%d/%m/%Y} trước ngày của giai đoạn trước ({max(previous):%d/%m/%Y}).",
                              field="on_date")
        if locked.approval_date and on_date < locked.approval_date:
            raise DomainError("Ngày trước ngày phê duyệt hỗ trợ.", field="on_date")
        HousingStage.objects.create(case=locked, stage=stage, on_date=on_date, note=(note or "").strip()[:500],
                                    recorded_by=actor)
        _save_photos(locked, stage, photos, actor)

    return HOUSING_WORKFLOW.perform(case, STAGE_STEP[stage], actor=actor, update=record,
                                    note=f"{Stage(stage).label} ngày {on_date:%d/%m/%Y}",
                                    summary=f"{Stage(stage).label} {case}")


@transaction.atomic(durable=True)
def case_photos_add(*, actor: User, case: HousingCase, stage: str, photos: Sequence[UploadedFile]) -> int:
    if stage not in Stage.values:
        raise DomainError("Giai đoạn không hợp lệ.", field="stage")
    if not photos:
        raise DomainError("Chọn ảnh để tải lên.", field="photos")
    added = {}

    def add(locked: HousingCase) -> None:
        added["n"] = _save_photos(locked, stage, photos, actor)

    HOUSING_WORKFLOW.perform(case, HousingStep.PHOTO, actor=actor, update=add, details=added,
                             summary=f"Thêm ảnh {Stage(stage).label.lower()}: {case}")
    return added["n"]


# ---------------------------------------------------------------- tranches through the lists and payments

@dataclass(frozen=True)
class TrancheResult:
    beneficiary_list: BeneficiaryList | None
    houses: int
    amount: int
    skipped: list[str]


def tranche_amount(case: HousingCase, number: int, advance_percent: int) -> int:
    advance = case.amount_total * advance_percent // 100
    return advance if number == 1 else case.amount_total - advance


def _eligible(scheme: HousingScheme, commune_id: int, number: int) -> list[HousingCase]:
    statuses = ([HousingStatus.STARTED, HousingStatus.FINISHED, HousingStatus.ACCEPTED] if number == 1
                else [HousingStatus.ACCEPTED])
    cases = (HousingCase.objects.select_for_update(of=("self",)).filter(scheme=scheme, commune_id=commune_id, status__in=statuses)
             .exclude(tranches__number=number).select_related("household", "household__head").order_by("pk"))
    if number == 2:
        cases = cases.filter(tranches__number=1)
    return list(cases)


def _draft_list(scheme: HousingScheme, group, commune, actor: User) -> BeneficiaryList:
    programme = scheme.programme
    lists = BeneficiaryList.objects.select_for_update().filter(programme=programme, group=group, commune=commune)
    draft = lists.filter(status=ListStatus.DRAFT).order_by("pk").first()
    if draft is not None:
        return draft
    main = lists.filter(supplements__isnull=True).first()
    return list_create(actor=actor, programme=programme, group=group, commune=commune, source=ListSource.EXCEL,
                       supplements=main, note=f"Hỗ trợ nhà ở, {group.name.lower()}")


@transaction.atomic(durable=True)
def tranche_list_prepare(*, actor: User, scheme: HousingScheme, commune, number: int) -> TrancheResult:
    """The draft list of tranche ``number`` for the commune: one row per house at the stage the tranche needs
    (tranche 1: started; tranche 2: accepted, after tranche 1), the household head as the person paid."""
    if number not in (1, 2):
        raise DomainError("Đợt giải ngân không hợp lệ.", field="number")
    group = scheme.programme.groups.filter(code=TRANCHE_GROUPS[number - 1][0]).first()
    if group is None:
        raise DomainError("Chương trình không có nhóm cho đợt giải ngân này.")
    cases = _eligible(scheme, commune.pk, number)
    skipped = [f"Hộ {c.household.code} chưa có chủ hộ trong cơ sở dữ liệu." for c in cases if c.household.head_id is None]
    cases = [c for c in cases if c.household.head_id is not None
             and tranche_amount(c, number, scheme.advance_percent) > 0]
    if not cases:
        return TrancheResult(None, 0, 0, skipped)
    bl = _draft_list(scheme, group, commune, actor)
    present = set(ListRow.objects.filter(beneficiary_list=bl).values_list("person_id", flat=True))
    cases = [c for c in cases if c.household.head_id not in present]
    rows = ListRow.objects.bulk_create([
        ListRow(beneficiary_list=bl, person_id=c.household.head_id, group_amount=tranche_amount(c, number,
                                                                                              scheme.advance_percent),
                amount=tranche_amount(c, number, scheme.advance_percent), months=0,
                inputs={"housing_case": c.pk, "tranche": number})
        for c in cases])
    HousingTranche.objects.bulk_create([HousingTranche(case=c, number=number, amount=r.amount, beneficiary_list=bl,
                                                       list_row=r) for c, r in zip(cases, rows, strict=True)])
    refresh_totals([bl.pk])
    amount = sum(r.amount for r in rows)
    audit_record(actor=actor, action="poverty_housing.tranche_list", obj=bl,
                 summary=f"Lập danh sách {group.name.lower()} – {commune.name}: {len(rows)} nhà, {vn_money(amount)}",
                 details={"scheme": scheme.pk, "number": number, "houses": len(rows)})
    return TrancheResult(bl, len(rows), amount, skipped)
