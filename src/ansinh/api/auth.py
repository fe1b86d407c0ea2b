"""Authenticating a connected system: ``Authorization: Bearer <key>``. The client's account becomes the acting
user of the call (``request.auth``), so the selectors and permission functions of the pages decide what it sees."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from ansinh.api.errors import ApiError
from ansinh.api.keys import key_matches, key_prefix
from ansinh.api.models import ApiClient
from ansinh.core.throttle import allow

MAX_JSON_BYTES = 1024 * 1024  # a search or a list of results is far smaller
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a commune's list file (multipart)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def refuse_oversized(request) -> None:
    """Before the body is read: a JSON body over 1 MB or an upload over 20 MB is refused whole."""
    multipart = (request.META.get("CONTENT_TYPE") or "").startswith("multipart/form-data")
    limit = MAX_UPLOAD_BYTES if multipart else MAX_JSON_BYTES
    if _content_length(request) > limit:
        raise ApiError(413, "payload_too_large",
                       f"Nội dung yêu cầu quá lớn (tối đa {limit // 1024 // 1024} MB"
                       + (" cho một tệp)." if multipart else " cho một yêu cầu JSON)."))


class ApiKeyAuth(HttpBearer):
    openapi_description = "Khoá API do quản trị hệ thống cấp cho từng hệ thống kết nối: `Authorization: Bearer <khoá>`."

    def authenticate(self, request, token: str):
        refuse_oversized(request)
        client = client_for_key(token)
        now = timezone.now()
        if client.revoked_at is not None:
            request.api_refused = (client, "key_revoked")
            raise ApiError(401, "key_revoked", f"Khoá API của «{client.name}» đã bị thu hồi "
                                               f"ngày {timezone.localtime(client.revoked_at):%d/%m/%Y}.")
        if client.is_expired(now):
            request.api_refused = (client, "key_expired")
            raise ApiError(401, "key_expired", f"Khoá API của «{client.name}» đã hết hạn ngày "
                                               f"{timezone.localtime(client.expires_at):%d/%m/%Y}: đề nghị cấp khoá mới.")
        account = client.account
        if not account.is_active:
            request.api_refused = (client, "account_inactive")
            raise ApiError(401, "key_revoked", "Tài khoản của hệ thống kết nối đã bị khoá.")
        if not allow(scope="api", key=client.pk, limit=client.rate_limit):
            request.api_refused = (client, "rate_limited")
            raise ApiError(429, "rate_limited", f"Vượt {client.rate_limit} lần gọi mỗi phút cho «{client.name}»: "
                                                "chờ một phút rồi gọi lại.")
        request.api_client = client
        request.user = account  # what the selectors and the history middleware read
        return account

    def __call__(self, request):
        refuse_oversized(request)  # an anonymous 10 MB body is refused before anything reads it
        return super().__call__(request)


def client_for_key(token: str) -> ApiClient:
    prefix = key_prefix(token.strip()) if token and len(token) < 200 else None
    client = (ApiClient.objects.select_related("account", "account__area").filter(key_prefix=prefix).first()
              if prefix else None)
    if client is None or not key_matches(token.strip(), client.key_hash):
        raise ApiError(401, "unauthenticated", "Khoá API không đúng.")
    return client
