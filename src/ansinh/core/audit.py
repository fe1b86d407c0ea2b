"""Writing the audit trail. Called inside the service's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from ansinh.core.models import AuditEvent


def audit_record(*, actor, action: str, obj: models.Model | None = None, summary: str,
                 details: dict[str, Any] | None = None, object_type: str = "", object_id: str = "") -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        summary=summary[:500],
        details=details or {},
    )
