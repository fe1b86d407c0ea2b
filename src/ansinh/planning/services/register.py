"""The outgoing-document register (sổ văn bản đi, NĐ 30/2020): numbers per issuing body, type and year, from 01 (or
after the last number used on paper when the register starts mid-year). Two documents registered at once get two
numbers: the counter row is locked, and the database refuses a number used twice."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.planning.checks import document_symbol
from ansinh.planning.models import DocType, NumberSeries, OutgoingDocument
from ansinh.planning.permissions import require_planner


def _series(issuer: str, doc_type: str, year: int) -> NumberSeries:
    """The counter, locked (created on first use; a concurrent creation waits for the other and reads it)."""
    try:
        with transaction.atomic():
            NumberSeries.objects.get_or_create(issuer=issuer, doc_type=doc_type, year=year)
    except IntegrityError:
        pass
    return NumberSeries.objects.select_for_update().get(issuer=issuer, doc_type=doc_type, year=year)


@transaction.atomic(durable=True)
def series_open(*, actor, issuer: str, doc_type: str, year: int, opening: int) -> NumberSeries:
    require_planner(actor)
    if doc_type not in DocType.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="doc_type")
    if not isinstance(opening, int) or opening < 0:
        raise DomainError("Số cuối đã cấp là số nguyên không âm.", field="opening")
    series = _series(issuer, doc_type, year)
    if series.last_number > series.opening:
        raise DomainError(f"Sổ {doc_type} năm {year} đã cấp số trong hệ thống (đến số {series.last_number:02d}): "
                          "không đặt lại số đầu được.", field="opening")
    series.opening = series.last_number = opening
    series.save(update_fields=["opening", "last_number"])
    audit_record(actor=actor, action="planning.series_open", obj=series,
                 summary=f"Sổ văn bản đi {doc_type}-{issuer} {year}: số cuối đã cấp trên giấy {opening}")
    return series


def document_register(*, actor, issuer: str, doc_type: str, issued_on: dt.date, summary: str, kind: str = "other",
                      number: int | None = None, **extra) -> OutgoingDocument:
    """Inside the caller's transaction: the next number of the series (or ``number`` when the văn thư gives one,
    refused when it is taken)."""
    if doc_type not in DocType.values:
        raise DomainError("Loại văn bản không hợp lệ.", field="doc_type")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("Ghi trích yếu của văn bản.", field="summary")
    series = _series(issuer, doc_type, issued_on.year)
    if number is None:
        number = series.last_number + 1
    else:
        taken = OutgoingDocument.objects.filter(issuer=issuer, doc_type=doc_type, year=issued_on.year,
                                                number=number).first()
        if taken is not None:
            raise DomainError(f"Số {taken.symbol} đã cấp cho văn bản «{taken.summary[:80]}» ngày "
                              f"{taken.issued_on:%d/%m/%Y}: chọn số khác.", field="number")
        if number < 1 or number <= series.opening:
            raise DomainError(f"Số {number} không hợp lệ: số phải lớn hơn {series.opening} (số cuối đã cấp trên giấy).",
                              field="number")
    doc = OutgoingDocument.objects.create(issuer=issuer, doc_type=doc_type, year=issued_on.year, number=number,
                                          symbol=document_symbol(number, doc_type, issuer), issued_on=issued_on,
                                          summary=summary[:500], kind=kind, registered_by=actor, **extra)
    if number > series.last_number:
        series.last_number = number
        series.save(update_fields=["last_number"])
    audit_record(actor=actor, action="planning.document_register", obj=doc, summary=f"Cấp số {doc.symbol}")
    return doc


@transaction.atomic(durable=True)
def document_number_take(*, actor, issuer: str, doc_type: str, issued_on: dt.date, summary: str,
                         number: int | None = None) -> OutgoingDocument:
    """Register a document written outside ansinh (the văn thư's page)."""
    require_planner(actor)
    return document_register(actor=actor, issuer=issuer, doc_type=doc_type, issued_on=issued_on, summary=summary,
                             number=number)
