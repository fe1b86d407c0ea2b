"""The shapes a connected system receives, built from the objects the selectors return; identity numbers always
through ``accounts.permissions.identity_for`` (masked for roles that do not need them)."""

from __future__ import annotations

from ansinh.accounts.permissions import identity_for

IDENTIFIER_FIELDS = (("UIN", "pid"), ("CMND", "cmnd"), ("BHXH", "social_insurance_no"))


def unit(obj) -> dict:
    return {"code": obj.code, "name": obj.name}


def person_record(user, person) -> dict:
    identifiers = [{"identifier_type": kind, "identifier_value": identity_for(user, getattr(person, field))}
                   for kind, field in IDENTIFIER_FIELDS if getattr(person, field)]
    household = person.household
    if household is not None:
        identifiers.append({"identifier_type": "HOUSEHOLD_ID", "identifier_value": household.code})
    return {
        "id": person.pk, "identifiers": identifiers, "full_name": person.full_name, "sex": person.sex,
        "birth_date": person.birth_date, "birth_precision": person.birth_precision, "death_date": person.death_date,
        "commune": unit(person.commune),
        "household": {"id": household.pk, "code": household.code} if household is not None else None,
    }


def import_status(record) -> dict:
    summary = record.summary or {}
    return {
        "id": record.pk, "kind": record.kind_code, "status": record.status, "status_name": record.get_status_display(),
        "file_name": record.file_name, "file_sha256": record.file_sha256, "total_rows": record.total_rows,
        "error_rows": record.error_rows, "written_rows": record.written_rows, "message": record.message,
        "blocking": list(summary.get("blocking") or []), "warning_rows": int(summary.get("warning_rows") or 0),
        "errors": [{"row": int(r), "name": str(n or ""), "errors": [str(e) for e in (errs or [])]}
                   for r, n, errs in (summary.get("errors") or [])[:200]],
        "figures": dict(summary.get("figures") or {}), "created_at": record.created_at,
        "committed_at": record.committed_at,
    }


def sheet_record(sheet) -> dict:
    return {"id": sheet.pk, "register_code": sheet.register, "month": sheet.month, "commune": unit(sheet.commune),
            "status": sheet.status, "status_name": sheet.get_status_display(), "person_count": sheet.person_count,
            "amount_total": sheet.amount_total}
