"""The steps of a review round after the survey, on ``permissions.ROUND_WORKFLOW``: the list (households added by
request or by the village, the quick identification, moved or dissolved households), the village meeting and its
different outcomes (with their reason), the public posting and its complaints, the report to the district and
its opinion, the commune chairman's decision — which becomes the standing poor / near-poor registers — and the
certificates. One user action = one durable transaction = one event (state changes) and one audit row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.calendar import holidays_between
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.policy.bridge import parameter_at
from ansinh.policy.selectors import approved_additions
from ansinh.poverty import checks
from ansinh.poverty.models import (
    CandidateSource,
    Certificate,
    Complaint,
    ExitReason,
    HouseholdReview,
    PovertyStatus,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundStep,
    Screening,
)
from ansinh.poverty.permissions import ROUND_WORKFLOW
from ansinh.poverty.services.surveys import candidates_add
from ansinh.programmes.services.registers import household_registers_apply
from ansinh.registry.models import Household

MIN_REASON = 5
PDF_MAX_BYTES = 20 * 1024 * 1024


def _parameter(path: str, on: dt.date) -> int | None:
    value = parameter_at(path, on, approved_additions())
    return None if value is None else int(value)


def _text(value: str, *, field: str, message: str, minimum: int = MIN_REASON, limit: int = 500) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise DomainError(message, field=field)
    return value[:limit]


def _review_in(locked: ReviewRound, review: HouseholdReview) -> HouseholdReview:
    found = HouseholdReview.objects.select_for_update().filter(pk=review.pk, review_round=locked).first()
    if found is None:
        raise DomainError("Hộ này không thuộc kỳ rà soát.")
    return found


# ---------------------------------------------------------------- the list

@transaction.atomic(durable=True)
def candidates_refresh(*, actor: User, review_round: ReviewRound) -> int:
    """Add the households of the list being managed that are not in the round yet."""
    added = {}

    def run(locked: ReviewRound) -> None:
        added["n"] = candidates_add(locked)

    ROUND_WORKFLOW.perform(review_round, RoundStep.LIST, actor=actor, update=run, details=added,
                           summary=f"Lập danh sách hộ cần rà soát: {review_round}")
    return added["n"]


@transaction.atomic(durable=True)
def household_add(*, actor: User, review_round: ReviewRound, household: Household, source: str,
                  screening: str = "", note: str = "") -> HouseholdReview:
    """Add a household that applied (giấy đề nghị, Mẫu số 01) or that the village proposed, with the result of the
    quick identification (phiếu A) when it was made."""
    if source not in (CandidateSource.APPLIED, CandidateSource.PROPOSED):
        raise DomainError("Chọn «Hộ có giấy đề nghị» hoặc «Thôn đề xuất».", field="source")
    if screening not in Screening.values:
        raise DomainError("Kết quả phiếu A không hợp lệ.", field="screening")
    if household.commune_id != review_round.commune_id:
        raise DomainError(f"Hộ {household.code} không thuộc {review_round.commune.name}.", field="code")
    made = {}

    def add(locked: ReviewRound) -> None:
        if HouseholdReview.objects.filter(review_round=locked, household=household).exists():
            raise DomainError(f"Hộ {household.code} đã có trong danh sách rà soát của kỳ này.", field="code")
        made["review"] = HouseholdReview.objects.create(
            review_round=locked, household=household, commune_id=locked.commune_id, source=source,
            screening=screening, is_urban=household.is_urban, note=(note or "").strip()[:500], recorded_by=actor)

    ROUND_WORKFLOW.perform(review_round, RoundStep.LIST, actor=actor, update=add,
                           summary=f"Thêm hộ {household.code} ({CandidateSource(source).label}) vào {review_round}")
    return made["review"]


@transaction.atomic(durable=True)
def household_screen(*, actor: User, review: HouseholdReview, screening: str, note: str = "") -> HouseholdReview:
    """The quick identification (phiếu A) of a household that applied: continue with the full survey, or not."""
    if screening not in (Screening.CONTINUE, Screening.EXCLUDED):
        raise DomainError("Chọn kết quả phiếu A.", field="screening")

    def screen(locked: ReviewRound) -> None:
        found = _review_in(locked, review)
        if found.source == CandidateSource.PREVIOUS_LIST:
            raise DomainError("Phiếu A dùng cho hộ có giấy đề nghị hoặc thôn đề xuất; hộ thuộc danh sách đang quản "
                              "lý được rà soát bằng phiếu B.")
        if found.surveyed and screening == Screening.EXCLUDED:
            raise DomainError("Hộ đã có phiếu rà soát đầy đủ.")
        found.screening, found.note = screening, ((note or "").strip()[:500] or found.note)
        found.updated_at = timezone.now()
        found.save(update_fields=["screening", "note", "updated_at"])

    ROUND_WORKFLOW.perform(review.review_round, RoundStep.LIST, actor=actor, update=screen,
                           summary=f"Phiếu A hộ {review.household.code}: {Screening(screening).label}")
    review.refresh_from_db()
    return review


@transaction.atomic(durable=True)
def household_exit(*, actor: User, review: HouseholdReview, reason: str) -> HouseholdReview:
    """A household of the list being managed that moved away or is no more: it leaves the list, not surveyed."""
    if reason not in (ExitReason.MOVED, ExitReason.DISSOLVED):
        raise DomainError("Chọn «Chuyển đi nơi khác» hoặc «Hộ không còn».", field="reason")

    def leave(locked: ReviewRound) -> None:
        found = _review_in(locked, review)
        if found.surveyed:
            raise DomainError("Hộ đã có phiếu rà soát: không ghi chuyển đi / không còn.")
        found.exit_reason, found.updated_at = reason, timezone.now()
        found.save(update_fields=["exit_reason", "updated_at"])

    ROUND_WORKFLOW.perform(review.review_round, RoundStep.LIST, actor=actor, update=leave,
                           summary=f"Hộ {review.household.code}: {ExitReason(reason).label}")
    review.refresh_from_db()
    return review


# ---------------------------------------------------------------- the village meeting

@transaction.atomic(durable=True)
def outcome_record(*, actor: User, review: HouseholdReview, status: str, reason: str) -> HouseholdReview:
    """The village meeting decided otherwise than the rules for this household: the outcome and its reason are
    recorded and shown as such (``status`` = "" takes the meeting's outcome back)."""
    if status and status not in PovertyStatus.values:
        raise DomainError("Kết quả không hợp lệ.", field="status")
    reason = _text(reason, field="reason", message="Ghi rõ lý do cuộc họp dân quyết định khác kết quả tính theo chuẩn "
                                                   "nghèo.") if status else ""

    def decide(locked: ReviewRound) -> None:
        found = _review_in(locked, review)
        if not found.rules_status:
            raise DomainError("Hộ chưa được phân loại theo chuẩn nghèo: ghi phiếu rà soát trước.")
        if status == found.rules_status:
            raise DomainError("Kết quả này trùng với kết quả tính theo chuẩn nghèo: không cần ghi.", field="status")
        found.meeting_status, found.meeting_reason = status, reason
        found.final_status = status or found.rules_status
        found.updated_at = timezone.now()
        found.save(update_fields=["meeting_status", "meeting_reason", "final_status", "updated_at"])

    label = PovertyStatus(status).label if status else "theo kết quả tính"
    ROUND_WORKFLOW.perform(review.review_round, RoundStep.OUTCOME, actor=actor, update=decide, note=reason,
                           summary=f"Họp dân: hộ {review.household.code} → {label}",
                           details={"household": review.household_id, "status": status, "reason": reason})
    review.refresh_from_db()
    return review


def _round_ready(locked: ReviewRound) -> None:
    rows = HouseholdReview.objects.filter(review_round=locked)
    todo = rows.filter(income_per_capita__isnull=True, exit_reason="").exclude(screening=Screening.EXCLUDED)
    if todo.exists():
        codes = ", ".join(todo.order_by("household__code").values_list("household__code", flat=True)[:5])
        raise DomainError(f"Còn {vn_number(todo.count())} hộ trong danh sách chưa có phiếu rà soát ({codes}…): ghi "
                          "phiếu, kết quả phiếu A, hoặc ghi hộ chuyển đi / không còn.")
    unclassified = rows.filter(income_per_capita__isnull=False, rules_status="").count()
    if unclassified:
        raise DomainError(f"Còn {vn_number(unclassified)} hộ chưa phân loại theo chuẩn nghèo: chạy «Phân loại».")
    if not rows.filter(income_per_capita__isnull=False).exists():
        raise DomainError("Kỳ rà soát chưa có phiếu rà soát nào.")


@transaction.atomic(durable=True)
def round_meeting(*, actor: User, review_round: ReviewRound, meeting_date: dt.date | None, attendees: int | None,
                  agreeing: int | None, note: str = "") -> ReviewRound:
    """The village meeting agreed on the results (QĐ 24/2021 Điều 4 khoản 3: at least the parameter's share of
    the attendees; below it the households are reviewed and the meeting held again)."""
    if meeting_date is None or meeting_date > timezone.localdate():
        raise DomainError("Ngày họp dân không hợp lệ (không được sau hôm nay).", field="meeting_date")

    def hold(locked: ReviewRound) -> list[str]:
        if meeting_date < locked.reference_date:
            raise DomainError("Ngày họp dân trước ngày chốt danh sách của kỳ rà soát.", field="meeting_date")
        _round_ready(locked)
        required = _parameter("poverty.procedure.meeting_agreement_percent", meeting_date)
        problems = checks.meeting_problems(attendees=attendees, agreeing=agreeing, required_percent=required)
        if problems:
            raise DomainError(" ".join(problems))
        locked.meeting_date, locked.meeting_attendees, locked.meeting_agreeing = meeting_date, attendees, agreeing
        locked.meeting_note = (note or "").strip()[:4000]
        return ["meeting_date", "meeting_attendees", "meeting_agreeing", "meeting_note"]

    return ROUND_WORKFLOW.perform(review_round, RoundStep.MEETING, actor=actor, update=hold,
                                  note=f"Họp ngày {meeting_date:%d/%m/%Y}: {agreeing}/{attendees} người thống nhất",
                                  summary=f"Họp dân thống nhất kết quả: {review_round}")


# ---------------------------------------------------------------- posting and complaints

@transaction.atomic(durable=True)
def round_post(*, actor: User, review_round: ReviewRound, start: dt.date | None, end: dt.date | None,
               place: str) -> ReviewRound:
    """The results are posted publicly (nơi niêm yết, from … to …)."""
    place = _text(place, field="place", message="Ghi nơi niêm yết (nhà văn hóa thôn, trụ sở UBND xã…).", minimum=3,
                  limit=255)

    def post(locked: ReviewRound) -> list[str]:
        required = _parameter("poverty.procedure.posting_working_days", start) if start else None
        holidays = holidays_between(start, end) if start and end else frozenset()
        problems = checks.posting_problems(start, end, required_working_days=required, holidays=holidays)
        if not problems and locked.meeting_date and start < locked.meeting_date:
            problems.append("Ngày bắt đầu niêm yết trước ngày họp dân.")
        if problems:
            raise DomainError(" ".join(problems), field="posting_start")
        locked.posting_start, locked.posting_end, locked.posting_place = start, end, place
        return ["posting_start", "posting_end", "posting_place"]

    return ROUND_WORKFLOW.perform(review_round, RoundStep.POST, actor=actor, update=post,
                                  note=f"Niêm yết từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} tại {place}" if start and end
                                  else "", summary=f"Niêm yết công khai: {review_round}")


@transaction.atomic(durable=True)
def complaint_record(*, actor: User, review_round: ReviewRound, complainant: str, content: str,
                     received_on: dt.date | None, household_code: str = "") -> Complaint:
    complainant = _text(complainant, field="complainant", message="Ghi người khiếu nại.", minimum=2, limit=120)
    content = _text(content, field="content", message="Ghi nội dung khiếu nại.", limit=4000)
    made = {}

    def record(locked: ReviewRound) -> None:
        if received_on is None or not (locked.posting_start <= received_on <= locked.posting_end):
            raise DomainError(f"Ngày nhận khiếu nại phải trong thời gian niêm yết (từ {locked.posting_start:%d/%m/%Y} "
                              f"đến {locked.posting_end:%d/%m/%Y}).", field="received_on")
        review = None
        if household_code:
            review = HouseholdReview.objects.filter(review_round=locked,
                                                    household__code=household_code.strip().upper()[:32]).first()
            if review is None:
                raise DomainError(f"Hộ {household_code} không có trong kỳ rà soát này.", field="household_code")
        made["complaint"] = Complaint.objects.create(review_round=locked, household_review=review,
                                                     complainant=complainant, content=content,
                                                     received_on=received_on, recorded_by=actor)

    ROUND_WORKFLOW.perform(review_round, RoundStep.COMPLAINT, actor=actor, update=record, note=content[:500],
                           summary=f"Khiếu nại của {complainant}: {review_round}")
    return made["complaint"]


@transaction.atomic(durable=True)
def complaint_resolve(*, actor: User, complaint: Complaint, resolution: str, resolved_on: dt.date | None,
                      new_status: str = "") -> Complaint:
    """The complaint is resolved (phúc tra); when the household's result changes, it is recorded as the outcome
    with the resolution as its reason."""
    resolution = _text(resolution, field="resolution", message="Ghi kết quả giải quyết khiếu nại.", limit=4000)
    if new_status and new_status not in PovertyStatus.values:
        raise DomainError("Kết quả không hợp lệ.", field="new_status")

    def resolve(locked: ReviewRound) -> None:
        found = Complaint.objects.select_for_update().get(pk=complaint.pk, review_round=locked)
        if not found.is_open:
            raise DomainError("Khiếu nại đã được giải quyết.")
        if resolved_on is None or resolved_on < found.received_on or resolved_on > timezone.localdate():
            raise DomainError("Ngày giải quyết không hợp lệ.", field="resolved_on")
        review = found.household_review
        if new_status and review is None:
            raise DomainError("Khiếu nại không gắn với hộ nào: không đổi được kết quả.", field="new_status")
        if new_status and review is not None and new_status != review.final_status:
            review = _review_in(locked, review)
            same = new_status == review.rules_status
            review.meeting_status = "" if same else new_status
            review.meeting_reason = "" if same else f"Phúc tra khiếu nại: {resolution}"[:500]
            review.final_status = new_status
            review.updated_at = timezone.now()
            review.save(update_fields=["meeting_status", "meeting_reason", "final_status", "updated_at"])
        found.resolution, found.resolved_on, found.resolved_by = resolution, resolved_on, actor
        found.save(update_fields=["resolution", "resolved_on", "resolved_by"])

    ROUND_WORKFLOW.perform(complaint.review_round, RoundStep.RESOLVE, actor=actor, update=resolve,
                           note=resolution[:500], summary=f"Giải quyết khiếu nại #{complaint.pk}")
    complaint.refresh_from_db()
    return complaint


def _no_open_complaints(locked: ReviewRound) -> None:
    open_count = locked.complaints.filter(resolved_on__isnull=True).count()
    if open_count:
        raise DomainError(f"Còn {open_count} khiếu nại chưa giải quyết.")


# ---------------------------------------------------------------- district, decision, certificates

@transaction.atomic(durable=True)
def round_report(*, actor: User, review_round: ReviewRound) -> ReviewRound:
    """Report to (and ask the opinion of) the chairman of the district (annual rounds, after the posting)."""

    def report(locked: ReviewRound) -> None:
        if locked.kind != RoundKind.ANNUAL:
            raise DomainError("Rà soát thường xuyên không báo cáo cấp huyện: Chủ tịch UBND cấp xã quyết định sau "
                              "niêm yết (QĐ 24/2021 Điều 5).")
        if timezone.localdate() <= locked.posting_end:
            raise DomainError(f"Đang niêm yết công khai đến hết ngày {locked.posting_end:%d/%m/%Y}: báo cáo sau khi "
                              "kết thúc niêm yết.")
        _no_open_complaints(locked)

    return ROUND_WORKFLOW.perform(review_round, RoundStep.REPORT, actor=actor, update=report,
                                  summary=f"Báo cáo UBND cấp huyện: {review_round}")


@transaction.atomic(durable=True)
def round_return(*, actor: User, review_round: ReviewRound, reason: str) -> ReviewRound:
    reason = _text(reason, field="reason", message="Ghi rõ lý do trả lại.")

    def give_back(locked: ReviewRound) -> list[str]:
        locked.return_reason = reason
        return ["return_reason"]

    return ROUND_WORKFLOW.perform(review_round, RoundStep.RETURN, actor=actor, update=give_back, note=reason,
                                  summary=f"Trả lại {review_round}: {reason}")


@transaction.atomic(durable=True)
def round_endorse(*, actor: User, review_round: ReviewRound, note: str = "") -> ReviewRound:
    note = (note or "").strip()[:4000]

    def endorse(locked: ReviewRound) -> list[str]:
        locked.endorse_note, locked.return_reason = note, ""
        return ["endorse_note", "return_reason"]

    return ROUND_WORKFLOW.perform(review_round, RoundStep.ENDORSE, actor=actor, update=endorse, note=note,
                                  summary=f"Ý kiến cấp huyện: {review_round}")


def _check_pdf(pdf: UploadedFile | None) -> None:
    if pdf is None:
        return
    if pdf.size > PDF_MAX_BYTES:
        raise DomainError("Tệp quyết định quá lớn (tối đa 20 MB).", field="decision_pdf")
    head = pdf.read(5)
    pdf.seek(0)
    if head != b"%PDF-":
        raise DomainError("Tệp quyết định phải là tệp PDF (bản scan đã ký).", field="decision_pdf")


def _missing_from_list(locked: ReviewRound) -> int:
    """Households of the list being managed on the reference date that are not in the round."""
    from ansinh.programmes.models import HOUSEHOLD_REGISTERS, Enrolment

    day = locked.reference_date
    listed = (Enrolment.objects.filter(commune_id=locked.commune_id, register__in=HOUSEHOLD_REGISTERS,
                                       start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
              .values_list("household_id", flat=True).distinct())
    return len(set(listed) - set(HouseholdReview.objects.filter(review_round=locked).values_list("household_id",
                                                                                                 flat=True)))


def _decided(locked: ReviewRound) -> pl.DataFrame:
    """Every household the decision covers: those of the round (their result; moved, dissolved or not poor: on no
    list) — households screened out by phiếu A were never on a list."""
    rows = list(HouseholdReview.objects.filter(review_round=locked).exclude(screening=Screening.EXCLUDED)
                .values_list("household_id", "final_status"))
    return pl.DataFrame(rows, schema={"household_id": pl.Int64, "status": pl.String}, orient="row")


@transaction.atomic(durable=True)
def round_recognise(*, actor: User, review_round: ReviewRound, decision_number: str, decision_date: dt.date | None,
                    signer: str, effective_date: dt.date | None, decision_pdf: UploadedFile | None = None) -> ReviewRound:
    """Record the commune chairman's decision recognising the poor, near-poor, out-of-poverty and
    out-of-near-poverty households; the standing registers follow it from ``effective_date`` (the previous
    enrolments of the commune end that day, history kept)."""
    decision_number = _text(decision_number, field="decision_number", message="Nhập số quyết định công nhận.",
                            minimum=1, limit=60)
    signer = _text(signer, field="signer", message="Nhập người ký quyết định.", minimum=2, limit=120)
    _check_pdf(decision_pdf)
    changes: dict = {}

    def decide(locked: ReviewRound) -> list[str]:
        if locked.kind == RoundKind.ANNUAL and locked.status != RoundStatus.ENDORSED:
            raise DomainError("Kỳ rà soát định kỳ cần báo cáo và ý kiến của cấp huyện trước khi công nhận "
                              "(QĐ 24/2021/QĐ-TTg Điều 4).")
        problems = checks.decision_problems(decision_date=decision_date, effective_date=effective_date,
                                            posting_end=locked.posting_end, reference_date=locked.reference_date,
                                            today=timezone.localdate())
        if problems:
            raise DomainError(" ".join(problems), field="decision_date")
        _no_open_complaints(locked)
        _round_ready(locked)
        missing = _missing_from_list(locked)
        if missing:
            raise DomainError(f"{vn_number(missing)} hộ thuộc danh sách đang quản lý chưa có trong kỳ rà soát: chạy "
                              "«Lập danh sách» rồi rà soát các hộ đó.")
        applied = household_registers_apply(
            commune_id=locked.commune_id, decided=_decided(locked), on=effective_date,
            decision_number=decision_number, decision_date=decision_date, actor=actor)
        changes.update(started=applied.started, ended=applied.ended, kept=applied.kept)
        locked.decision_number, locked.decision_date, locked.decision_signer = decision_number, decision_date, signer
        locked.effective_date = effective_date
        fields = ["decision_number", "decision_date", "decision_signer", "effective_date"]
        if decision_pdf is not None:
            locked.decision_pdf.save(f"qd-ra-soat-{locked.pk}.pdf", decision_pdf, save=False)
            fields.append("decision_pdf")
        return fields

    return ROUND_WORKFLOW.perform(
        review_round, RoundStep.RECOGNISE, actor=actor, update=decide, details=changes,
        note=f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y}, {signer}" if decision_date else "",
        summary=f"Công nhận kết quả {review_round}")


@transaction.atomic(durable=True)
def certificates_issue(*, actor: User, review_round: ReviewRound, issued_on: dt.date | None) -> int:
    """A certificate for every poor and near-poor household of the recognised round that has none yet."""
    made = {}

    def issue(locked: ReviewRound) -> None:
        if issued_on is None or issued_on < locked.decision_date or issued_on > timezone.localdate():
            raise DomainError("Ngày cấp giấy chứng nhận phải từ ngày quyết định công nhận đến hôm nay.",
                              field="issued_on")
        pending = list(HouseholdReview.objects.filter(review_round=locked, final_status__in=["poor", "near_poor"],
                                                      certificate__isnull=True).order_by("household__code"))
        start = (Certificate.objects.filter(review_round=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        Certificate.objects.bulk_create([
            Certificate(household_review=r, review_round=locked, number=start + i, status=r.final_status,
                        issued_on=issued_on, issued_by=actor) for i, r in enumerate(pending)])
        made["n"] = len(pending)

    ROUND_WORKFLOW.perform(review_round, RoundStep.CERTIFY, actor=actor, update=issue, details=made,
                           summary=f"Cấp giấy chứng nhận: {review_round}")
    return made["n"]
