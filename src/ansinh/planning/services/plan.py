"""Indicators, periods, versioned targets and achievements (entered, or computed and kept)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.planning import queries
from ansinh.planning.checks import period_window
from ansinh.planning.models import (
    Achievement,
    Aggregation,
    Indicator,
    OrgUnit,
    ReportingPeriod,
    ReportStatus,
    Rounding,
    Source,
    Target,
    UnitReport,
    WorkField,
)
from ansinh.planning.permissions import require_planner

MAX_VALUE = Decimal("1e17")
CODE = re.compile(r"[A-Za-z0-9_-]{1,60}")
VN_DECIMAL = re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")


def decimal_value(value, *, field: str = "value", label: str = "Giá trị") -> Decimal:
    """A non-negative number with at most two decimals; accepts «9.997», «41,5» as typed in Vietnamese."""
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = str(value if value is not None else "").strip().replace(" ", "")
        if "," in text:  # «1.234,5»: dots group thousands (by three), the comma marks the decimals
            if not VN_DECIMAL.fullmatch(text):
                raise DomainError(f"{label} «{str(value)[:30]}» không phải là số.", field=field)
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(f"{label} «{str(value)[:30]}» không phải là số.", field=field) from None
    if not number.is_finite() or number < 0 or number >= MAX_VALUE:
        raise DomainError(f"{label} phải là số không âm.", field=field)
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(f"{label} chỉ được có tối đa 2 chữ số thập phân.", field=field)
    return number


@transaction.atomic(durable=True)
def indicator_define(*, actor, code: str, name: str, measure_unit: str, field: str, source: str = Source.REPORTED,  # noqa: PLR0913 — the record's own fields, keyword-only
                     aggregation: str = Aggregation.SUM, query: str = "", breakdowns: list[str] | None = None,
                     percent_rounding: str = Rounding.HALF_UP, description: str = "") -> Indicator:
    require_planner(actor)
    code, name, measure_unit = (code or "").strip(), (name or "").strip(), (measure_unit or "").strip()
    if not CODE.fullmatch(code):
        raise DomainError("Mã chỉ tiêu gồm chữ không dấu, chữ số, «_» hoặc «-» (tối đa 60 ký tự), ví dụ jobs_found.",
                          field="code")
    if not name:
        raise DomainError("Ghi tên chỉ tiêu.", field="name")
    if not measure_unit:
        raise DomainError("Ghi đơn vị tính (người, hộ, triệu đồng…).", field="measure_unit")
    if source not in Source.values or aggregation not in Aggregation.values or field not in WorkField.values \
            or percent_rounding not in Rounding.values:
        raise DomainError("Nguồn, cách cộng dồn, lĩnh vực hoặc cách làm tròn không hợp lệ.", field="source")
    if source == Source.COMPUTED:
        if not query:
            raise DomainError("Chỉ tiêu tính từ dữ liệu của hệ thống cần chọn truy vấn tính.", field="query")
        queries.query(query)  # refuses an unknown name
    elif query:
        raise DomainError("Chỉ chỉ tiêu «tính từ dữ liệu của hệ thống» mới có truy vấn.", field="query")
    if Indicator.objects.filter(code=code).exists():
        raise DomainError(f"Mã chỉ tiêu «{code}» đã có.", field="code")
    ind = Indicator.objects.create(code=code, name=name, measure_unit=measure_unit, field=field, source=source,
                                   aggregation=aggregation, query=query, breakdowns=list(breakdowns or []),
                                   percent_rounding=percent_rounding, description=description)
    audit_record(actor=actor, action="planning.indicator_define", obj=ind, summary=f"Chỉ tiêu {code}: {name}")
    return ind


@transaction.atomic(durable=True)
def period_open(*, actor, code: str, opens_on: dt.date | None = None) -> ReportingPeriod:
    """A reporting period with its NĐ 09/2019 data window; reports may be opened from ``opens_on`` (default: the
    window's last day)."""
    require_planner(actor)
    window = period_window(code)
    period, created = ReportingPeriod.objects.get_or_create(code=window.code, defaults={
        "kind": window.kind, "year": window.year, "start": window.start, "end": window.end,
        "opens_on": opens_on or window.end, "label": window.label})
    if created:
        audit_record(actor=actor, action="planning.period_open", obj=period, summary=f"Kỳ báo cáo {period.label}")
    return period


@transaction.atomic(durable=True)
def target_set(*, actor, indicator: Indicator, unit: OrgUnit, year: int, value, reason: str) -> Target:
    """Give (version 1) or adjust (a new version; the earlier one stays, no longer current) a target."""
    require_planner(actor)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError("Năm kế hoạch không hợp lệ.", field="year")
    number = decimal_value(value, label="Kế hoạch")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Ghi căn cứ giao hoặc lý do điều chỉnh kế hoạch.", field="reason")
    if not unit.valid_in_year(year):
        raise DomainError(f"Đơn vị «{unit.name}» không tồn tại trong năm {year} (hiệu lực "
                          f"{unit.valid_from:%d/%m/%Y}–{unit.valid_to:%d/%m/%Y} ): không giao kế hoạch được."
                          if unit.valid_to else
                          f"Đơn vị «{unit.name}» chỉ có từ ngày {unit.valid_from:%d/%m/%Y}: không giao kế hoạch năm {year} được.",
                          field="unit")
    previous = Target.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year,
                                                         is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    target = Target.objects.create(indicator=indicator, unit=unit, year=year, value=number, reason=reason[:300],
                                   set_by=actor, version=(previous.version + 1) if previous else 1,
                                   supersedes=previous)
    audit_record(actor=actor, action="planning.target_set", obj=target,
                 summary=f"Kế hoạch {indicator.code} {unit.name} {year}: {number} (lần {target.version})",
                 details={"previous": str(previous.value) if previous else None, "reason": reason[:300]})
    return target


def require_unlocked(*, indicator: Indicator, unit: OrgUnit, period: ReportingPeriod) -> None:
    """An accepted report locks its unit's figures of the period until it is reopened with a reason."""
    locked = UnitReport.objects.filter(unit=unit, period=period, status=ReportStatus.ACCEPTED,
                                       form__indicators=indicator).first()
    if locked is not None:
        raise DomainError(f"Số liệu «{indicator.name}» của {unit.name} kỳ {period.label} đã khoá (báo cáo đã được "
                          f"chấp nhận ngày {locked.accepted_at:%d/%m/%Y}); cấp trên phải mở khoá, ghi lý do, trước khi "
                          "sửa.", field="value")


def achievement_write(*, indicator: Indicator, unit: OrgUnit, period: ReportingPeriod, value: Decimal, source: str,  # noqa: PLR0913 — the record's own fields, keyword-only
                      actor, report: UnitReport | None = None, breakdown: str = "", import_record=None,
                      note: str = "") -> Achievement:
    """Inside the caller's transaction: one achievement row, refused when the period is locked for the unit."""
    if indicator.source == Source.COMPUTED:
        raise DomainError(f"Chỉ tiêu «{indicator.name}» tính từ dữ liệu của hệ thống: không nhập tay.", field="value")
    if not unit.valid_on(period.end):
        raise DomainError(f"Đơn vị «{unit.name}» không có hiệu lực vào ngày chốt số liệu {period.end:%d/%m/%Y}.",
                          field="unit")
    require_unlocked(indicator=indicator, unit=unit, period=period)
    row, _ = Achievement.objects.update_or_create(
        indicator=indicator, unit=unit, period=period, breakdown=breakdown,
        defaults={"value": value, "source": source, "report": report, "import_record": import_record,
                  "recorded_by": actor, "note": note[:300]})
    return row
