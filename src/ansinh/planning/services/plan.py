"""Indicators, periods, versioned targets and achievements (entered, or computed and kept)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.planning import queries
from ansinh.planning.checks import period_window
from ansinh.planning.models import (
    Achievement,
    Aggregation,
    Conclusion,
    ConclusionItem,
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
BREAKDOWNS = {"sex": "giới tính", "commune": "xã, phường"}
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


def _indicator_checked(*, code: str, name: str, measure_unit: str, field: str, source: str, aggregation: str,  # noqa: PLR0913 — the record's own fields, keyword-only
                       query: str, breakdowns, percent_rounding: str) -> tuple[str, str, str]:
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
    if any(b not in BREAKDOWNS for b in breakdowns or ()):
        raise DomainError("Phân tổ không hợp lệ.", field="breakdowns")
    if source == Source.COMPUTED:
        if not query:
            raise DomainError("Chỉ tiêu tính từ dữ liệu của hệ thống cần chọn truy vấn tính.", field="query")
        queries.query(query)  # refuses an unknown name
    elif query:
        raise DomainError("Chỉ chỉ tiêu «tính từ dữ liệu của hệ thống» mới có truy vấn.", field="query")
    return code, name, measure_unit


@transaction.atomic(durable=True)
def indicator_define(*, actor, code: str, name: str, measure_unit: str, field: str, source: str = Source.REPORTED,  # noqa: PLR0913 — the record's own fields, keyword-only
                     aggregation: str = Aggregation.SUM, query: str = "", breakdowns: list[str] | None = None,
                     percent_rounding: str = Rounding.HALF_UP, description: str = "") -> Indicator:
    require_planner(actor)
    code, name, measure_unit = _indicator_checked(code=code, name=name, measure_unit=measure_unit, field=field,
                                                  source=source, aggregation=aggregation, query=query,
                                                  breakdowns=breakdowns, percent_rounding=percent_rounding)
    if Indicator.objects.filter(code=code).exists():
        raise DomainError(f"Mã chỉ tiêu «{code}» đã có.", field="code")
    ind = Indicator.objects.create(code=code, name=name, measure_unit=measure_unit, field=field, source=source,
                                   aggregation=aggregation, query=query, breakdowns=list(breakdowns or []),
                                   percent_rounding=percent_rounding, description=description)
    audit_record(actor=actor, action="planning.indicator_define", obj=ind, summary=f"Chỉ tiêu {code}: {name}")
    return ind


LOCKED_WHEN_USED = {"code": "mã", "aggregation": "cách cộng dồn", "source": "nguồn số liệu"}


def indicator_use(indicator: Indicator) -> str:
    """What already rests on the indicator's definition («2 kế hoạch giao, 13 số liệu thực hiện»), empty when
    nothing: then its code, aggregation and source may still change."""
    targets = Target.objects.filter(indicator=indicator).count()
    figures = Achievement.objects.filter(indicator=indicator).count()
    parts = [f"{vn_number(targets)} kế hoạch giao" if targets else "",
             f"{vn_number(figures)} số liệu thực hiện" if figures else ""]
    return " và ".join(p for p in parts if p)


def _quoted_in_drafts(code: str) -> list[str]:
    """The conclusions being composed whose text quotes the code (``[[n:code]]``, ``[[ratio:code/…]]``…)."""
    quoted = re.compile(r"\[\[[^\]]*(?<![A-Za-z0-9_-])" + re.escape(code) + r"(?![A-Za-z0-9_-])[^\]]*\]\]")
    drafts = Conclusion.objects.filter(document__isnull=True)
    titles = {c.pk: c.title for c in drafts if quoted.search(c.opening or "") or quoted.search(c.closing or "")}
    for item in ConclusionItem.objects.filter(conclusion__in=drafts, text__contains=code).select_related("conclusion"):
        if quoted.search(item.text):
            titles[item.conclusion_id] = item.conclusion.title
    return list(titles.values())


@transaction.atomic(durable=True)
def indicator_edit(*, actor, indicator: Indicator, code: str, name: str, measure_unit: str, field: str,  # noqa: PLR0913 — the record's own fields, keyword-only
                   source: str, aggregation: str, query: str = "", breakdowns: list[str] | None = None,
                   percent_rounding: str = Rounding.HALF_UP, description: str = "",
                   active: bool = True) -> tuple[Indicator, list[str]]:
    """Correct an indicator's definition. Its code, aggregation and source stay as they are once targets were given
    or figures recorded against it (they were given and reported under that definition); a code quoted by a
    conclusion being composed stays too; a breakdown with figures recorded stays. Returns the indicator and the
    names of what changed (empty: nothing to save)."""
    require_planner(actor)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    breakdowns = list(dict.fromkeys(breakdowns or []))
    code, name, measure_unit = _indicator_checked(code=code, name=name, measure_unit=measure_unit, field=field,
                                                  source=source, aggregation=aggregation, query=query,
                                                  breakdowns=breakdowns, percent_rounding=percent_rounding)
    new = {"code": code, "name": name, "measure_unit": measure_unit, "field": field, "source": source,
           "aggregation": aggregation, "query": query or "", "breakdowns": breakdowns,
           "percent_rounding": percent_rounding, "description": (description or "").strip(), "active": bool(active)}
    changed = {k: v for k, v in new.items() if getattr(locked, k) != v}
    if not changed:
        return locked, []
    used = indicator_use(locked)
    for name_, label in LOCKED_WHEN_USED.items():
        if name_ in changed and used:
            raise DomainError(f"Không đổi {label} được: chỉ tiêu đã có {used} theo định nghĩa hiện tại (đổi thì các "
                              "số đã giao, đã báo cáo mang nghĩa khác). Cần chỉ tiêu khác thì thêm chỉ tiêu mới.",
                              field=name_)
    _refuse_unsafe_change(locked, changed)
    before = {k: getattr(locked, k) for k in changed}
    for key, value in changed.items():
        setattr(locked, key, value)
    locked.save(update_fields=[*changed, "updated_at"])
    labels = [str(Indicator._meta.get_field(k).verbose_name) for k in changed]
    audit_record(actor=actor, action="planning.indicator_edit", obj=locked,
                 summary=f"Sửa chỉ tiêu {locked.code}: " + ", ".join(labels),
                 details={"before": before, "after": changed})
    return locked, labels


def _refuse_unsafe_change(indicator: Indicator, changed: dict) -> None:
    if "code" in changed:
        if Indicator.objects.filter(code=changed["code"]).exclude(pk=indicator.pk).exists():
            raise DomainError(f"Mã chỉ tiêu «{changed['code']}» đã có.", field="code")
        drafts = _quoted_in_drafts(indicator.code)
        if drafts:
            raise DomainError(f"Không đổi mã được: thông báo kết luận đang soạn «{drafts[0][:80]}» trích số liệu bằng mã "
                              f"«{indicator.code}»; sửa nội dung đó trước.", field="code")
    if changed.get("source") == Source.COMPUTED:
        forms = list(indicator.forms.order_by("code").values_list("name", flat=True))
        if forms:
            raise DomainError(f"Chỉ tiêu đang có trong biểu «{forms[0]}» do đơn vị báo cáo: không chuyển thành chỉ "
                              "tiêu tính từ dữ liệu của hệ thống được.", field="source")
    if "breakdowns" in changed:
        for dropped in set(indicator.breakdowns) - set(changed["breakdowns"]):
            if Achievement.objects.filter(indicator=indicator, breakdown__startswith=f"{dropped}:").exists():
                raise DomainError(f"Không bỏ phân tổ theo {BREAKDOWNS.get(dropped, dropped)} được: đã có số liệu "
                                  "thực hiện theo phân tổ này.", field="breakdowns")


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
