"""The incoming-document register (sổ văn bản đến, NĐ 30/2020/NĐ-CP Điều 22): each document received is entered
once, numbered per year in the order received («số đến»). The numbers come under an advisory lock (two clerks at
once get two numbers); the database refuses a number twice and the same document twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.locks import next_in_sequence
from ansinh.core.text import clean_name
from ansinh.planning.models import IncomingDocument, IssuerLevel, OrgUnit
from ansinh.planning.permissions import require_planner


def _text(value: str, field: str, label: str, limit: int) -> str:
    text = clean_name(value or "")  # NFC, invisible characters out, single spaces
    if not text:
        raise DomainError(f"Ghi {label}.", field=field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} dài quá {limit} ký tự.", field=field)
    return text


@transaction.atomic
def incoming_register(*, actor, received_on: dt.date, issuer_name: str, level: str, symbol: str,  # noqa: PLR0913 — the record's own fields, keyword-only
                      issued_on: dt.date, summary: str, advised: bool = False,
                      handling_unit: OrgUnit | None = None) -> IncomingDocument:
    require_planner(actor)
    issuer_name = _text(issuer_name, "issuer_name", "cơ quan ban hành", 200)
    symbol = _text(symbol, "symbol", "số và ký hiệu", 60)
    summary = _text(summary, "summary", "trích yếu", 500)
    if level not in IssuerLevel.values:
        raise DomainError("Chọn cấp ban hành.", field="level")
    if issued_on > received_on:
        raise DomainError(f"Ngày ban hành {issued_on:%d/%m/%Y} sau ngày đến {received_on:%d/%m/%Y}.",
                          field="issued_on")
    if advised and level != IssuerLevel.PROVINCE:
        raise DomainError("Chỉ văn bản của tỉnh (Tỉnh uỷ, HĐND, UBND tỉnh) mới ghi «Sở tham mưu ban hành».",
                          field="advised")
    year = received_on.year
    seq = next_in_sequence(IncomingDocument.objects.filter(year=year), "seq", lock=f"planning.incoming.{year}")
    same = IncomingDocument.objects.filter(issuer_name=issuer_name, symbol=symbol, issued_on=issued_on).first()
    if same is not None:
        raise DomainError(f"Văn bản {symbol} ngày {issued_on:%d/%m/%Y} của {issuer_name} đã vào sổ: số đến "
                          f"{same.seq:02d}/{same.year} ngày {same.received_on:%d/%m/%Y}.", field="symbol")
    doc = IncomingDocument.objects.create(
        year=year, seq=seq, received_on=received_on, issuer_name=issuer_name, level=level, symbol=symbol,
        issued_on=issued_on, summary=summary, advised=advised, handling_unit=handling_unit, registered_by=actor)
    audit_record(actor=actor, action="planning.incoming_register", obj=doc,
                 summary=f"Vào sổ văn bản đến số {seq:02d}/{year}: {symbol}")
    return doc
