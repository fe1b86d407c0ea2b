"""Every refusal of the API as JSON: ``{"error": {"code": …, "message": …, "details": […]}}`` with a stable code
and a Vietnamese message. Nothing else ever leaves the API (no HTML error page, no Django debug page)."""

from __future__ import annotations

import logging
from functools import partial

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ansinh.core.errors import ConcurrentChange, DomainError, PermissionDenied

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, details: list | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


# The stable codes (docs/api.md lists them).
CODES = {
    "unauthenticated": "Thiếu khoá API hoặc khoá không đúng (gửi «Authorization: Bearer <khoá>»).",
    "key_expired": "Khoá API đã hết hạn: đề nghị quản trị hệ thống cấp khoá mới.",
    "key_revoked": "Khoá API đã bị thu hồi.",
    "rate_limited": "Vượt số lần gọi cho phép mỗi phút: chờ rồi gọi lại.",
    "payload_too_large": "Nội dung yêu cầu quá lớn.",
    "malformed_request": "Không đọc được nội dung yêu cầu (JSON sai cú pháp hoặc dữ liệu gửi lên hỏng).",
    "invalid_request": "Yêu cầu có trường sai kiểu, thiếu trường bắt buộc hoặc có trường không được phép.",
    "not_found": "Không tìm thấy (hoặc nằm ngoài địa bàn, vai trò của hệ thống kết nối).",
    "forbidden": "Vai trò của hệ thống kết nối không được làm việc này.",
    "refused": "Yêu cầu bị từ chối theo quy định nghiệp vụ.",
    "conflict": "Dữ liệu vừa được thay đổi bởi người khác: tải lại rồi thử lại.",
    "method_not_allowed": "Phương thức HTTP này không dùng được cho địa chỉ này (xem /api/v1/docs).",
    "server_error": "Hệ thống gặp lỗi; không có dữ liệu nào được ghi. Vui lòng thử lại sau.",
}


def body(code: str, message: str | None = None, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message or CODES[code], "details": details or []}}


def _location(loc) -> str:
    """(«body», the parameter's name, field, …) → «field.…»: the client's own field path."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "(nội dung)"


_PYDANTIC_VI = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được phép",
    "string_type": "phải là chuỗi ký tự",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "bool_type": "phải là true/false",
    "bool_parsing": "phải là true/false",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "string_too_long": "quá dài",
    "string_too_short": "quá ngắn",
    "too_long": "quá nhiều phần tử",
    "too_short": "quá ít phần tử",
    "literal_error": "giá trị không nằm trong danh sách cho phép",
    "enum": "giá trị không nằm trong danh sách cho phép",
    "greater_than_equal": "nhỏ hơn giá trị tối thiểu",
    "less_than_equal": "lớn hơn giá trị tối đa",
    "string_pattern_mismatch": "sai định dạng",
    "list_type": "phải là danh sách",
    "dict_type": "phải là đối tượng JSON",
    "model_attributes_type": "phải là đối tượng JSON",
    "model_type": "phải là đối tượng JSON",
    "value_error": "giá trị không hợp lệ",
}


def validation_details(errors: list[dict]) -> list[dict]:
    details = []
    for err in errors[:20]:
        kind = str(err.get("type", ""))
        text = _PYDANTIC_VI.get(kind, "giá trị không hợp lệ")
        if kind == "value_error" and err.get("ctx", {}).get("error"):
            text = str(err["ctx"]["error"])  # our own validators speak Vietnamese
        details.append({"field": _location(err.get("loc", ())), "code": kind or "invalid", "message": text})
    return details


def _respond(api, request, status: int, payload: dict):
    return api.create_response(request, payload, status=status)


def _on_api_error(api, request, exc: ApiError):
    response = _respond(api, request, exc.status, body(exc.code, exc.message, exc.details))
    if exc.code == "rate_limited":
        response["Retry-After"] = "60"
    return response


def _on_validation(api, request, exc: ValidationError):
    return _respond(api, request, 422, body("invalid_request", details=validation_details(exc.errors)))


def _on_http_error(api, request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return _respond(api, request, 401, body("unauthenticated"))
    if exc.status_code == 400:
        return _respond(api, request, 400, body("malformed_request"))
    return _respond(api, request, exc.status_code, body("refused", str(exc)))


def _on_domain(api, request, exc: DomainError):
    if isinstance(exc, PermissionDenied):
        return _respond(api, request, 403, body("forbidden", exc.message))
    if isinstance(exc, ConcurrentChange):
        return _respond(api, request, 409, body("conflict", exc.message))
    details = [{"field": exc.field, "code": "refused", "message": exc.message}] if exc.field else []
    return _respond(api, request, 422, body("refused", exc.message, details))


def _on_other(api, request, exc):
    logger.exception("API %s %s", request.method, request.path)
    return _respond(api, request, 500, body("server_error"))


def _fixed(status: int, code: str):
    return lambda api, request, exc: _respond(api, request, status, body(code))


HANDLERS = (  # the most general first: ninja picks the handler of the closest class in the exception's MRO
    (Exception, _on_other),
    (SuspiciousOperation, _fixed(400, "malformed_request")),
    (RequestDataTooBig, _fixed(413, "payload_too_large")),
    (MultiPartParserError, _fixed(400, "malformed_request")),
    (DjangoPermissionDenied, _fixed(403, "forbidden")),
    (DomainError, _on_domain),
    (Http404, _fixed(404, "not_found")),
    (HttpError, _on_http_error),
    (ValidationError, _on_validation),
    (ApiError, _on_api_error),
)


def install(api) -> None:
    """Register the handlers on the NinjaAPI instance."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, partial(handler, api))
