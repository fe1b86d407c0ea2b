"""What every endpoint shares: the acting account, the people a call returned (for the audit row), envelopes."""

from __future__ import annotations

import uuid

from django.utils import timezone

from ansinh.api.errors import body
from ansinh.api.schemas import ErrorOut

SENDER_ID = "ansinh"
ERRORS = {status: ErrorOut for status in (400, 401, 403, 404, 409, 413, 422, 429)}


def account(request):
    return request.auth


def returned(request, *, persons=(), households=(), item=None) -> None:
    """Note which people and households a call gave out, and the purpose the caller stated (DCI ``authorize``):
    the audit row of the call lists them."""
    request.api_person_ids = [*getattr(request, "api_person_ids", []), *(p for p in persons)]
    request.api_household_ids = [*getattr(request, "api_household_ids", []), *(h for h in households)]
    authorize = getattr(item, "authorize", None)
    if authorize is not None:
        request.api_purposes = sorted({*getattr(request, "api_purposes", []), authorize.purpose.text})


def response_header(header, *, action: str, statuses: list[str]) -> dict:
    done = sum(1 for s in statuses if s == "succ")
    status = "succ" if done == len(statuses) else ("rjct" if done == 0 else "partial")
    return {"version": "1.0.0", "message_id": header.message_id, "message_ts": timezone.now(), "action": action,
            "status": status, "total_count": len(statuses), "completed_count": done, "sender_id": SENDER_ID,
            "receiver_id": header.sender_id}


def correlation_id() -> str:
    return str(uuid.uuid4())


def rejected(item, code: str, message: str, **extra) -> dict:
    return {"reference_id": item.reference_id, "timestamp": timezone.now(), "status": "rjct",
            "status_reason_code": code, "status_reason_message": message, "data": None, "locale": item.locale, **extra}


def error_schema():
    return body("not_found")
