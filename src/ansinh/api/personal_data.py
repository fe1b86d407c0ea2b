"""Everything ansinh holds about one person, as one .xlsx — the data subject's right to be given their data (Luật Bảo
vệ dữ liệu cá nhân 91/2025/QH15; docs/api.md). An administrator produces it for a stated purpose; the export is
an audit row of its own.

Sheet «Nhân khẩu» is the person's row; then one sheet per table that points at the person, found through Django's
model registry (every foreign key to ``registry.Person``, the change history included), so that the table of an
app added later is in the export the day it is added, without this module importing that app. Each row has its
fields under their Vietnamese names: choices by their label, a linked record by its name, dates as dates."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.xlsx import add_notes_sheet, add_table_sheet, open_workbook
from ansinh.registry.access_log import access_export
from ansinh.registry.models import Person

EXPORTERS_HELP = "Chỉ quản trị hệ thống xuất toàn bộ dữ liệu của một người (theo yêu cầu của chính người đó)."
ROWS_PER_TABLE = 20_000
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
# The change history's own columns (django-simple-history names them in English) and its kinds of change.
HISTORY_LABELS = {"history_id": "Mã lần thay đổi", "history_date": "Thời điểm thay đổi",
                  "history_change_reason": "Lý do thay đổi", "history_type": "Loại thay đổi",
                  "history_user": "Người thay đổi"}
HISTORY_TYPES = {"+": "Tạo mới", "~": "Sửa", "-": "Xoá"}


def can_export_person_data(user) -> bool:
    from ansinh.accounts.models import Role

    return bool(user is not None and user.is_authenticated and user.role == Role.ADMINISTRATOR)


def _related(obj: models.Model, field: models.Field):
    try:
        related = getattr(obj, field.name)
    except models.ObjectDoesNotExist:  # a history row pointing at a row removed since
        return getattr(obj, field.attname)
    return None if related is None else str(related)


def _plain(value):
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        value = local.strftime("%d/%m/%Y %H:%M:%S")
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)[:32_000]
    elif isinstance(value, models.fields.files.FieldFile):
        value = value.name or None
    elif isinstance(value, bytes | memoryview):
        value = None
    return value


def _value(obj: models.Model, field: models.Field):
    if field.name == "history_type":
        return HISTORY_TYPES.get(obj.history_type, obj.history_type)
    if field.choices:
        return str(getattr(obj, f"get_{field.attname}_display")())
    if field.is_relation:
        return _related(obj, field)
    return _plain(getattr(obj, field.attname))


def _table(model: type[models.Model], rows) -> tuple[list[str], list[list]]:
    fields = [f for f in model._meta.concrete_fields if not f.name.endswith("search_key")]
    return [_label(f) for f in fields], [[_value(obj, f) for f in fields] for obj in rows]


def _capitalised(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _label(field: models.Field) -> str:
    """The field's Vietnamese name; a link without one of its own is named after the model it points at."""
    if field.name in HISTORY_LABELS:
        return HISTORY_LABELS[field.name]
    named = str(field.verbose_name) != field.name.replace("_", " ")
    if field.is_relation and not named and field.related_model is not None:
        return _capitalised(field.related_model._meta.verbose_name)
    return _capitalised(field.verbose_name)


def _sources(person: Person):
    """(sheet title, model, queryset) for every table holding rows about ``person``."""
    yield "Nhân khẩu", Person, Person.objects.filter(pk=person.pk)
    history = getattr(Person, "history", None)
    if history is not None:
        yield "Lịch sử thay đổi nhân khẩu", history.model, history.model.objects.filter(id=person.pk)
    from ansinh.core.models import AuditEvent

    yield ("Nhật ký thao tác trên nhân khẩu", AuditEvent,
           AuditEvent.objects.filter(object_type=Person._meta.label_lower, object_id=str(person.pk)).order_by("pk"))
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model is Person:
            continue
        links = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Person]
        if not links:
            continue
        condition = models.Q()
        for link in links:
            condition |= models.Q(**{link.attname: person.pk})
        yield _capitalised(model._meta.verbose_name_plural), model, model._default_manager.filter(condition).order_by("pk")


def _sheet_name(title: str, used: set[str]) -> str:
    name = title.translate(SHEET_FORBIDDEN).strip()[:31] or "Bảng"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


@transaction.atomic
def person_data_export(*, actor, person: Person, purpose: str) -> bytes:
    """The workbook; refused without a purpose or to anyone but an administrator covering the person's commune."""
    from ansinh.accounts.permissions import user_covers_commune

    if not can_export_person_data(actor) or not user_covers_commune(actor, person.commune_id):
        raise PermissionDenied(EXPORTERS_HELP)
    purpose = " ".join((purpose or "").replace("\x00", "").split())[:300]
    if len(purpose) < 10:
        raise DomainError("Ghi mục đích xuất dữ liệu (ví dụ: «Ông Nguyễn Văn A yêu cầu cung cấp dữ liệu cá nhân, "
                          "đơn ngày 01/12/2026»).", field="purpose")
    buffer, used, counts = io.BytesIO(), set(), []
    wb = open_workbook(buffer, constant_memory=False)
    try:
        for title, model, queryset in _sources(person):
            rows = list(queryset[:ROWS_PER_TABLE])
            if not rows:
                continue
            headers, body = _table(model, rows)
            add_table_sheet(wb, headers=headers, rows=body, sheet_name=_sheet_name(title, used),
                            title_lines=[title.upper(), person.full_name])
            counts.append((title, len(body)))
        add_notes_sheet(wb, sheet_name="Ghi chú", title="DỮ LIỆU CÁ NHÂN ĐANG LƯU GIỮ", lines=[
            ("Người có dữ liệu", person.full_name),
            ("Xuất lúc", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
            ("Người xuất", actor.get_full_name() or actor.username),
            ("Mục đích", purpose),
            *((f"Bảng «{title}»", f"{n} dòng") for title, n in counts),
        ])
    finally:
        wb.close()
    access_export(actor=actor, persons=[person.pk], obj=person, purpose=purpose, identity_shown=True,
                  what="Tải tệp toàn bộ dữ liệu cá nhân của một người")
    audit_record(actor=actor, action="api.person_data_export", obj=person,
                 summary=f"Xuất toàn bộ dữ liệu cá nhân của {person.full_name}: {purpose}"[:500],
                 details={"purpose": purpose, "tables": dict(counts)})
    return buffer.getvalue()
