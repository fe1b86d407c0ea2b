"""Request and response shapes of the API (the OpenAPI schema is generated from them). Every request model
refuses unknown fields; the search and enrolment envelopes follow the DCI Social Registry API (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from ansinh.programmes.models import Register

REGISTERS = tuple(Register.values)
RegisterCode = Literal["ncc", "tgxh", "poor", "near_poor", "topup"]
IdentifierType = Literal["UIN", "CMND", "BHXH", "HOUSEHOLD_ID"]
_TEXT = r"^[^\x00-\x1f\x7f]*$"  # no control characters (a NUL byte is refused by PostgreSQL)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- the DCI envelope

class Header(Strict):
    version: str = Field("1.0.0", max_length=20, pattern=_TEXT)
    message_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    message_ts: dt.datetime
    action: Literal["search", "enrolled"]
    sender_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    receiver_id: str | None = Field(None, max_length=100, pattern=_TEXT)
    total_count: int | None = Field(None, ge=0, le=100)
    is_msg_encrypted: Literal[False] = False


class Purpose(Strict):
    text: str = Field(..., min_length=3, max_length=300, pattern=_TEXT)
    code: str | None = Field(None, max_length=60, pattern=_TEXT)


class Authorize(Strict):
    purpose: Purpose


class IdentifierQuery(Strict):
    type: IdentifierType
    value: str = Field(..., min_length=1, max_length=20, pattern=_TEXT)


class Predicate(Strict):
    attribute_name: Literal["name", "birth_year", "commune_code"]
    operator: Literal["eq"] = "eq"
    attribute_value: str | int

    @field_validator("attribute_value")
    @classmethod
    def _bounded(cls, value):
        if isinstance(value, str) and (len(value) > 120 or any(ord(c) < 32 or ord(c) == 127 for c in value)):
            raise ValueError("giá trị quá dài hoặc có ký tự điều khiển")
        return value


class Pagination(Strict):
    page_size: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=_TEXT)


class SortItem(Strict):
    """DCI ``sort[]``: one attribute and its order. Only the fixed order is served (``name`` ``asc``: the folded
    name, then the id — what the cursor walks); anything else is answered «rjct» ``unsupported_sort``."""

    attribute_name: str = Field(..., min_length=1, max_length=60, pattern=_TEXT)
    sort_order: str = Field("asc", min_length=1, max_length=10, pattern=_TEXT)


class SearchCriteria(Strict):
    version: str = Field("1.0.0", max_length=20, pattern=_TEXT)
    reg_type: Literal["social_registry"] = "social_registry"
    query_type: Literal["idtype-value", "predicate"]
    query: IdentifierQuery | list[Predicate]
    sort: list[SortItem] | None = Field(
        None, max_length=5, description="Chỉ nhận thứ tự cố định `[{\"attribute_name\": \"name\", \"sort_order\": "
                                        "\"asc\"}]` (họ tên tăng dần, rồi mã nhân khẩu); thứ tự khác bị từ chối "
                                        "`unsupported_sort`.")
    pagination: Pagination = Pagination()

    @model_validator(mode="after")
    def _query_matches_type(self):
        if self.query_type == "idtype-value" and not isinstance(self.query, IdentifierQuery):
            raise ValueError("query_type «idtype-value» cần query {type, value}")
        if self.query_type == "predicate":
            if not isinstance(self.query, list) or not self.query:
                raise ValueError("query_type «predicate» cần danh sách điều kiện")
            names = [p.attribute_name for p in self.query]
            if sorted(names) != ["birth_year", "commune_code", "name"]:
                raise ValueError("tìm theo tên cần đủ ba điều kiện name, birth_year, commune_code (mỗi điều kiện một lần)")
        return self


class SearchRequestItem(Strict):
    reference_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    timestamp: dt.datetime
    search_criteria: SearchCriteria
    authorize: Authorize | None = None
    locale: Literal["vi", "en"] = "vi"


class SearchMessage(Strict):
    transaction_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    search_request: list[SearchRequestItem] = Field(..., min_length=1, max_length=10)


_HEADER_EXAMPLE = {"version": "1.0.0", "message_id": "bhxh-2026-000123", "message_ts": "2026-01-15T09:00:00+07:00",
                   "action": "search", "sender_id": "bhxh-ha-tinh"}
SEARCH_EXAMPLE = {"header": _HEADER_EXAMPLE, "message": {"transaction_id": "tx-000123", "search_request": [
    {"reference_id": "r1", "timestamp": "2026-01-15T09:00:00+07:00",
     "search_criteria": {"query_type": "idtype-value", "query": {"type": "UIN", "value": "042050001234"},
                         "pagination": {"page_size": 20}},
     "authorize": {"purpose": {"text": "Đối chiếu hồ sơ cấp thẻ BHYT"}}},
    {"reference_id": "r2", "timestamp": "2026-01-15T09:00:00+07:00",
     "search_criteria": {"query_type": "predicate", "query": [
         {"attribute_name": "name", "operator": "eq", "attribute_value": "Nguyễn Văn Hùng"},
         {"attribute_name": "birth_year", "operator": "eq", "attribute_value": 1950},
         {"attribute_name": "commune_code", "operator": "eq", "attribute_value": "18073"}]}}]}}
ENROLLED_EXAMPLE = {"header": {**_HEADER_EXAMPLE, "action": "enrolled"}, "message": {
    "transaction_id": "tx-000124", "enrolled_request": [
        {"reference_id": "r1", "timestamp": "2026-01-15T09:00:00+07:00",
         "criteria": {"identifier": {"type": "UIN", "value": "042048007777"}, "register_code": "ncc",
                      "on_date": "2025-12-31"}}]}}


class SearchEnvelope(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SEARCH_EXAMPLE]})
    signature: str | None = Field(None, max_length=2000, pattern=_TEXT)
    header: Header
    message: SearchMessage


class EnrolledCriteria(Strict):
    identifier: IdentifierQuery | None = None
    person_id: int | None = Field(None, ge=1, le=2**63 - 1)
    register_code: RegisterCode
    on_date: dt.date

    @model_validator(mode="after")
    def _one_person(self):
        if (self.identifier is None) == (self.person_id is None):
            raise ValueError("cho đúng một trong hai: identifier hoặc person_id")
        if self.identifier is not None and self.identifier.type == "HOUSEHOLD_ID":
            raise ValueError("hỏi theo người: identifier là UIN, CMND hoặc BHXH")
        return self


class EnrolledRequestItem(Strict):
    reference_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    timestamp: dt.datetime
    criteria: EnrolledCriteria
    authorize: Authorize | None = None
    locale: Literal["vi", "en"] = "vi"


class EnrolledMessage(Strict):
    transaction_id: str = Field(..., min_length=1, max_length=100, pattern=_TEXT)
    enrolled_request: list[EnrolledRequestItem] = Field(..., min_length=1, max_length=50)


class EnrolledEnvelope(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ENROLLED_EXAMPLE]})
    signature: str | None = Field(None, max_length=2000, pattern=_TEXT)
    header: Header
    message: EnrolledMessage


# ---------------------------------------------------------------- records

class Identifier(Schema):
    identifier_type: IdentifierType
    identifier_value: str  # masked for roles that do not need the whole number (accounts.permissions.identity_for)


class Unit(Schema):
    code: str
    name: str


class HouseholdRef(Schema):
    id: int
    code: str


class PersonRecord(Schema):
    id: int
    identifiers: list[Identifier]
    full_name: str
    sex: Literal["M", "F"]
    birth_date: dt.date
    birth_precision: Literal["day", "month", "year"]
    death_date: dt.date | None
    commune: Unit
    household: HouseholdRef | None


class RecordsData(Schema):
    version: str
    reg_type: str
    reg_record_type: Literal["person"]
    reg_records: list[PersonRecord]


class PageOut(Schema):
    page_size: int
    count: int
    next_cursor: str | None


class ResponseHeader(Schema):
    version: str
    message_id: str
    message_ts: dt.datetime
    action: str
    status: Literal["succ", "partial", "rjct"]
    total_count: int
    completed_count: int
    sender_id: str
    receiver_id: str


class SearchResponseItem(Schema):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None
    status_reason_message: str | None
    data: RecordsData | None
    pagination: PageOut | None
    locale: str


class SearchResponseMessage(Schema):
    transaction_id: str
    correlation_id: str
    search_response: list[SearchResponseItem]


class SearchResponse(Schema):
    header: ResponseHeader
    message: SearchResponseMessage


class EnrolmentOut(Schema):
    register_code: RegisterCode
    register_name: str
    start_date: dt.date
    end_date: dt.date | None
    decision_number: str
    commune: Unit
    household: HouseholdRef | None
    category: str = Field(description="Diện (mã NCC hoặc TGXH). Diện cho biết khuyết tật, bệnh, HIV hoặc thương tật "
                                      "được che với vai trò không cần (dữ liệu cá nhân nhạy cảm).")


class EnrolledData(Schema):
    person_id: int
    register_code: RegisterCode
    on_date: dt.date
    enrolled: bool
    enrolments: list[EnrolmentOut]


class EnrolledResponseItem(Schema):
    reference_id: str
    timestamp: dt.datetime
    status: Literal["succ", "rjct"]
    status_reason_code: str | None
    status_reason_message: str | None
    data: EnrolledData | None
    locale: str


class EnrolledResponseMessage(Schema):
    transaction_id: str
    correlation_id: str
    enrolled_response: list[EnrolledResponseItem]


class EnrolledResponse(Schema):
    header: ResponseHeader
    message: EnrolledResponseMessage


class MemberOut(Schema):
    person: PersonRecord
    relationship: str
    joined_date: dt.date | None


class HouseholdOut(Schema):
    id: int
    code: str
    commune: Unit
    village: str
    is_urban: bool
    head_person_id: int | None
    members: list[MemberOut]


# ---------------------------------------------------------------- files through the import lifecycle

class ErrorRow(Schema):
    row: int
    name: str
    errors: list[str]


class ImportStatusOut(Schema):
    id: int
    kind: str
    status: Literal["checking", "checked", "failed", "queued", "committing", "committed", "cancelled"]
    status_name: str
    file_name: str
    file_sha256: str
    total_rows: int
    error_rows: int
    written_rows: int
    message: str
    blocking: list[str]
    warning_rows: int
    errors: list[ErrorRow]
    figures: dict
    created_at: dt.datetime
    committed_at: dt.datetime | None


class CommitIn(Strict):
    valid_only: bool = False
    confirm_warnings: bool = False


class ListUploadIn(Strict):
    programme: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    group: str = Field(..., min_length=1, max_length=4, pattern=r"^[0-9A-Za-z]+$")
    commune_code: str = Field(..., min_length=1, max_length=10, pattern=r"^[0-9]+$")


class ResultRowIn(Strict):
    seq: int = Field(..., ge=1, le=1_000_000)
    identity: str | None = Field(None, max_length=20, pattern=r"^[0-9*]*$")
    period: str = Field(..., max_length=7, pattern=r"^[0-9]{2}/[0-9]{4}$")
    total: int = Field(..., ge=0, le=10**12)
    result: Literal["paid", "unpaid"]
    paid_date: dt.date | None = None
    reason: Literal["died", "absent", "moved", "refused", "wrong_data"] | None = None


class ResultsIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rows": [
        {"seq": 1, "identity": "042050001234", "period": "07/2024", "total": 2789000, "result": "paid",
         "paid_date": "2024-07-10"},
        {"seq": 2, "period": "07/2024", "total": 3667000, "result": "unpaid", "reason": "absent"}]}]})
    rows: list[ResultRowIn] = Field(..., min_length=1, max_length=20_000)


# ---------------------------------------------------------------- payroll sheets for the payment agent

class SheetOut(Schema):
    id: int
    register_code: str
    month: dt.date
    commune: Unit
    status: str
    status_name: str
    person_count: int
    amount_total: int


class SheetPage(Schema):
    results: list[SheetOut]
    next_cursor: str | None


class PayeeOut(Schema):
    seq: int
    person_id: int
    full_name: str
    birth_date: dt.date
    identity: str
    village: str
    regular: int
    arrears: int
    carried: int
    death_lump_sum: int
    funeral_support: int
    total: int
    result: str | None
    paid_date: dt.date | None
    reason: str | None


class SheetDetailOut(SheetOut):
    period: str
    payees: list[PayeeOut]


class ErrorDetail(Schema):
    field: str | None
    code: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    """Every refusal: a stable ``code`` (docs/api.md) and a Vietnamese ``message``."""

    error: ErrorBody
