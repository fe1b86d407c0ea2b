"""Writes of the API app: connected systems (issue, revoke) and the audit row of every call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import Role
from ansinh.api.keys import key_new
from ansinh.api.models import ApiClient, ApiDisclosure
from ansinh.api.permissions import require_client_manager
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError

MAX_VALIDITY = dt.timedelta(days=366)
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@transaction.atomic(durable=True)
def api_client_create(*, actor, name: str, role: str, area, valid_days: int = 365, rate_limit: int = 120,
                      contact: str = "", account=None) -> tuple[ApiClient, str]:
    """A connected system and its key (returned once, never stored). Without ``account`` a service account is made
    with ``role`` and ``area`` (no password: it never signs in to the pages); with one (e.g. the payment agent's own
    account, to which its sheets are sent) the client acts as that account and ``role``/``area`` must be its own."""
    require_client_manager(actor)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise DomainError("Tên hệ thống kết nối: bắt buộc, tối đa 200 ký tự.", field="name")
    if role not in Role.values:
        raise DomainError(f"Vai trò «{role}» không có trong hệ thống.", field="role")
    if area is None:
        raise DomainError("Hệ thống kết nối phải có địa bàn (tỉnh, xã/phường…).", field="area")
    if not 1 <= valid_days <= MAX_VALIDITY.days:
        raise DomainError(f"Thời hạn khoá từ 1 đến {MAX_VALIDITY.days} ngày.", field="valid_days")
    if not 1 <= rate_limit <= 10_000:
        raise DomainError("Giới hạn số lần gọi mỗi phút từ 1 đến 10.000.", field="rate_limit")
    if account is None:
        account = _service_account(name=name, role=role, area=area)
    elif account.role != role or account.area_id != area.pk:
        raise DomainError("Vai trò và địa bàn của hệ thống kết nối phải đúng như của tài khoản được gắn.",
                          field="account")
    key, prefix, digest = key_new()
    client = ApiClient.objects.create(name=name, contact=contact[:200], account=account, key_prefix=prefix,
                                      key_hash=digest, rate_limit=rate_limit, created_by=actor,
                                      expires_at=timezone.now() + dt.timedelta(days=valid_days))
    audit_record(actor=actor, action="api.client_create", obj=client,
                 summary=f"Cấp khoá API cho «{name}» ({Role(role).label}, {area.name})",
                 details={"account": account.username, "expires_at": client.expires_at.isoformat(),
                          "rate_limit": rate_limit})
    return client, key


def _service_account(*, name: str, role: str, area):
    User = get_user_model()
    base = "api-" + "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:20]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, role=role, area=area, last_name="Hệ thống", first_name=name[:150])
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic(durable=True)
def api_client_revoke(*, actor, client: ApiClient, reason: str) -> ApiClient:
    require_client_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do thu hồi khoá.", field="reason")
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        raise DomainError(f"Khoá của «{locked.name}» đã bị thu hồi lúc "
                          f"{timezone.localtime(locked.revoked_at):%d/%m/%Y %H:%M}.")
    locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), actor, reason[:300]
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, action="api.client_revoke", obj=locked, summary=f"Thu hồi khoá API của «{locked.name}»",
                 details={"reason": reason[:300]})
    return locked


@dataclass(frozen=True)
class ApiCall:
    """What one call did: the operation, its answer, the people and households it gave out, the stated purposes."""

    operation: str
    method: str
    status: int
    person_ids: list[int] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    duration_ms: int = 0
    refused: str = ""
    purposes: list[str] = field(default_factory=list)


def api_call_record(*, client: ApiClient, call: ApiCall) -> None:
    """The audit row of one call (after the answer is made, in its own transaction): who, what, which people."""
    details = {"operation": call.operation, "method": call.method, "status": call.status,
               "person_ids": call.person_ids, "household_ids": call.household_ids, "ms": call.duration_ms}
    if call.refused:
        details["refused"] = call.refused
    if call.purposes:
        details["purposes"] = call.purposes
    with transaction.atomic():
        row = audit_record(actor=client.account, action="api.call", obj=client,
                     summary=f"{client.name}: {call.method} {call.operation} → {call.status}"
                             + (f" ({len(call.person_ids)} người)" if call.person_ids else ""), details=details)
        ApiDisclosure.objects.bulk_create([ApiDisclosure(call=row, client=client, person_id=pid, at=row.at)
                                           for pid in call.person_ids])
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_PRECISION:  # not a write per call
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
