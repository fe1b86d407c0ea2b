"""«Is this person enrolled in register R on date D?» (NCC, TGXH, poor, near-poor, the NQ 151 top-up)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from ninja import Router

from ansinh.api import records, schemas
from ansinh.api.endpoints.common import ERRORS, account, correlation_id, rejected, response_header, returned
from ansinh.api.errors import ApiError
from ansinh.api.selectors import SearchRefused, enrolments_on, person_for_enrolment
from ansinh.payroll.sources import enrolment_entitled_on
from ansinh.programmes import sensitive
from ansinh.programmes.models import Register

router = Router(tags=["Sổ đối tượng đang hưởng"])
ENROLLED_DESCRIPTION = (
    "Mỗi câu hỏi nêu một người (số định danh trong nội dung yêu cầu, hoặc `person_id` do tìm kiếm trả về), một sổ "
    "(`ncc`, `tgxh`, `poor`, `near_poor`, `topup`) và một ngày. Câu trả lời theo đúng các thay đổi có ngày hiệu lực của "
    "sổ (tạm dừng, hưởng lại, thôi hưởng, chết) như bảng chi trả hằng tháng đọc; sổ hộ nghèo, cận nghèo trả lời cho hộ "
    "mà người đó là thành viên vào ngày hỏi.")


@router.post("/sync/enrolled", response={200: schemas.EnrolledResponse, **ERRORS}, operation_id="enrolment_check",
             description=ENROLLED_DESCRIPTION,
             summary="Một người có đang hưởng theo sổ đối tượng vào ngày cho trước không")
def enrolment_check(request, envelope: schemas.EnrolledEnvelope):
    user = account(request)
    answers = [_answer(request, user, item) for item in envelope.message.enrolled_request]
    return {"header": response_header(envelope.header, action="on-enrolled", statuses=[a["status"] for a in answers]),
            "message": {"transaction_id": envelope.message.transaction_id, "correlation_id": correlation_id(),
                        "enrolled_response": answers}}


def _answer(request, user, item: schemas.EnrolledRequestItem) -> dict:
    c = item.criteria
    try:
        person = person_for_enrolment(user=user, identifier=c.identifier, person_id=c.person_id)
    except (Http404, ApiError):
        return rejected(item, "not_found", "Không tìm thấy người này trong địa bàn của hệ thống kết nối.")
    except SearchRefused as refused:
        return rejected(item, refused.code, refused.message)
    enrolments = enrolments_on(user=user, person=person, register=c.register_code, day=c.on_date)
    entitled = [e for e in enrolments if enrolment_entitled_on(e, c.on_date)]
    returned(request, persons=[person.pk], households=sorted({e.household_id for e in enrolments if e.household_id}),
             item=item)
    user_enrolments = [_enrolment(user, e) for e in entitled]
    return {"reference_id": item.reference_id, "timestamp": timezone.now(), "status": "succ",
            "status_reason_code": None, "status_reason_message": None, "locale": item.locale,
            "data": {"person_id": person.pk, "register_code": c.register_code, "on_date": c.on_date, "enrolled": bool(entitled),
                     "enrolments": user_enrolments}}


def _enrolment(user, e) -> dict:
    """One enrolment; a category that reveals health (``programmes.sensitive``) masked for a client whose role does
    not need it."""
    return {"register_code": e.register, "register_name": str(Register(e.register).label), "start_date": e.start_date,
            "end_date": e.end_date, "decision_number": e.decision_number, "commune": records.unit(e.commune),
            "household": {"id": e.household.pk, "code": e.household.code} if e.household_id else None,
            "category": sensitive.category_for(user, e.ncc_category or e.tgxh_category or "")}
