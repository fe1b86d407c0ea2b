"""The social registry for other systems: search (DCI «sync search»), a person, a household."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router

from ansinh.api import records, schemas
from ansinh.api.endpoints.common import ERRORS, account, correlation_id, rejected, response_header, returned
from ansinh.api.selectors import (
    SearchRefused,
    page_of,
    persons_by_identifier,
    persons_by_name,
    require_fixed_order,
)
from ansinh.registry.selectors import household_get_for_user, household_members, person_get_for_user

router = Router(tags=["Cơ sở dữ liệu hộ, nhân khẩu"])
SEARCH_DESCRIPTION = (
    "Phong bì «sync search» theo API Sổ đăng ký xã hội của DCI. Số định danh nằm trong nội dung yêu cầu, không bao giờ "
    "trên địa chỉ. Tìm theo số (`idtype-value`: UIN = số định danh cá nhân 12 số, CMND 9 số, BHXH 10 số, HOUSEHOLD_ID "
    "= mã hộ; chỉ số đầy đủ, không tìm theo phần đầu) hoặc theo họ tên + năm sinh + mã xã/phường hiện nay "
    "(`predicate`). Mỗi yêu cầu trong phong bì được trả lời riêng: `succ` kèm bản ghi, hoặc `rjct` kèm mã lý do. "
    "Phân trang bằng con trỏ (`pagination.cursor` lấy từ `next_cursor` của trang trước). Thứ tự cố định: họ tên tăng "
    "dần; `sort` chỉ nhận đúng thứ tự đó, thứ tự khác trả `rjct` mã `unsupported_sort`.")


@router.post("/sync/search", response={200: schemas.SearchResponse, **ERRORS}, operation_id="registry_search",
             description=SEARCH_DESCRIPTION,
             summary="Tìm nhân khẩu (theo số định danh, hoặc họ tên + năm sinh + xã/phường)")
def registry_search(request, envelope: schemas.SearchEnvelope):
    user = account(request)
    answers = [_answer(request, user, item) for item in envelope.message.search_request]
    return {"header": response_header(envelope.header, action="on-search", statuses=[a["status"] for a in answers]),
            "message": {"transaction_id": envelope.message.transaction_id, "correlation_id": correlation_id(),
                        "search_response": answers}}


def _answer(request, user, item: schemas.SearchRequestItem) -> dict:
    criteria = item.search_criteria
    try:
        require_fixed_order(criteria.sort)
        if criteria.query_type == "idtype-value":
            qs = persons_by_identifier(user=user, kind=criteria.query.type, value=criteria.query.value)
        else:
            terms = {p.attribute_name: p.attribute_value for p in criteria.query}
            qs = persons_by_name(user=user, name=str(terms["name"]), birth_year=_year(terms["birth_year"]),
                                 commune_code=str(terms["commune_code"]))
        page = page_of(qs, page_size=criteria.pagination.page_size, cursor=criteria.pagination.cursor)
    except SearchRefused as refused:
        return rejected(item, refused.code, refused.message, pagination=None)
    returned(request, persons=[p.pk for p in page.persons], item=item)
    return {"reference_id": item.reference_id, "timestamp": timezone.now(), "status": "succ",
            "status_reason_code": None, "status_reason_message": None, "locale": item.locale,
            "data": {"version": "1.0.0", "reg_type": criteria.reg_type, "reg_record_type": "person",
                     "reg_records": [records.person_record(user, p) for p in page.persons]},
            "pagination": {"page_size": criteria.pagination.page_size, "count": len(page.persons),
                           "next_cursor": page.next_cursor}}


def _year(value) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise SearchRefused("invalid_birth_year", "Năm sinh là số có 4 chữ số.")
    return int(text)


@router.get("/persons/{int:person_id}", response={200: schemas.PersonRecord, **ERRORS}, operation_id="person_read",
            summary="Một nhân khẩu")
def person_read(request, person_id: int):
    user = account(request)
    person = person_get_for_user(user=user, pk=person_id)
    returned(request, persons=[person.pk])
    return records.person_record(user, person)


@router.get("/households/{int:household_id}", response={200: schemas.HouseholdOut, **ERRORS},
            operation_id="household_read", summary="Một hộ và các thành viên hiện tại")
def household_read(request, household_id: int):
    user = account(request)
    household = household_get_for_user(user=user, pk=household_id)
    members = list(household_members(household=household, include_past=False).select_related(
        "person__commune", "person__household"))
    returned(request, persons=[m.person_id for m in members], households=[household.pk])
    return {"id": household.pk, "code": household.code, "commune": records.unit(household.commune),
            "village": household.village, "is_urban": household.is_urban, "head_person_id": household.head_id,
            "members": [{"person": records.person_record(user, m.person), "relationship": m.relationship,
                         "joined_date": m.joined_date} for m in members]}
