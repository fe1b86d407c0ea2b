"""Named queries over ansinh's own data: what an indicator «computed from the system» reads. Each has a name (the
``Indicator.query`` of the data), a definition in words shown beside the figure, and a function of the period's
data window and an area (None: the whole province). The documents record the name and the value of each figure
they quote, so every number of a notice leads back here.

Reads only downward, through the other apps' selectors: labour (``indicator_value``), payroll (the reconciliation
of the payroll lines with the post office's results), payments (the NQ 42 programme's reconciliation), poverty
(the year's review) and this app's tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ansinh.core.errors import DomainError
from ansinh.planning.checks import months_in

NQ42_PROGRAMME = "covid-2020"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    year: int


@dataclass(frozen=True)
class NamedQuery:
    name: str
    label: str
    unit: str
    definition: str
    compute: Callable[[Window, object | None], int | Decimal | None]
    area_aware: bool = True  # False: province-wide only (a unit's own area gives None)


def _communes(area) -> list[int] | None:
    if area is None:
        return None
    from ansinh.geo.models import Level
    from ansinh.geo.selectors import communes_in_area

    return None if area.level == Level.PROVINCE else list(communes_in_area(area).values_list("pk", flat=True))


# ------------------------------------------------------------- labour and vocational education

def _labour(code: str):
    def compute(window: Window, area):
        from ansinh.labour.selectors import indicator_value

        return indicator_value(code, (window.start, window.end), area)
    return compute


# ------------------------------------------------------------- payroll (NCC, TGXH, the NQ 151 top-up)

def _payroll_figure(register: str, measure: str):
    def compute(window: Window, area):
        from ansinh.payroll.reconciliation import paid_figures

        months = months_in(window.start, window.end)
        if months is None:
            return 0
        return int(paid_figures(register=register, first=months[0], last=months[1]).get(measure) or 0)
    return compute


def _ncc_least_month(window: Window, area):
    from ansinh.payroll.reconciliation import persons_paid_by_month

    months = months_in(window.start, window.end)
    if months is None:
        return None
    paid = persons_paid_by_month(register="ncc", first=months[0], last=months[1])
    return min((persons for _m, persons, _a in paid), default=None)


# ------------------------------------------------------------- NQ 42 (payments)

def _nq42(measure: str):
    def compute(window: Window, area):
        from ansinh.payments.reconciliation import reconciliation_compute
        from ansinh.programmes.models import Programme

        programme = Programme.objects.filter(code=NQ42_PROGRAMME).first()
        if programme is None:
            return None
        return int(reconciliation_compute(programme=programme, commune_ids=_communes(area)).total.get(measure) or 0)
    return compute


# ------------------------------------------------------------- poverty review

def _poverty(column: str):
    def compute(window: Window, area):
        from ansinh.poverty.selectors import year_summary

        frame = year_summary(year=window.year, commune_ids=_communes(area))
        return int(frame[column].sum() or 0) if frame.height else None
    return compute


# ------------------------------------------------------------- this app: framework tasks

def _tasks(done: bool):
    def compute(window: Window, area):
        from ansinh.planning.models import Task, TaskKind

        tasks = Task.objects.filter(year=window.year, kind=TaskKind.FRAMEWORK)
        if done:
            tasks = tasks.filter(completed_on__isnull=False, completed_on__lte=window.end)
        return tasks.count()
    return compute


# ------------------------------------------------------------- this app: the incoming-document register

def _central_documents(window: Window, area):
    from ansinh.planning.models import IncomingDocument, IssuerLevel

    return IncomingDocument.objects.filter(level=IssuerLevel.CENTRAL, received_on__gte=window.start,
                                           received_on__lte=window.end).count()


def _advised_documents(window: Window, area):
    from ansinh.planning.models import IncomingDocument, IssuerLevel

    return IncomingDocument.objects.filter(level=IssuerLevel.PROVINCE, advised=True, issued_on__gte=window.start,
                                           issued_on__lte=window.end).count()


_PAID = "người có kết quả «đã chi trả» của bưu điện trên các dòng của bảng chi trả các tháng trong kỳ (mỗi người một lần)"
QUERIES: dict[str, NamedQuery] = {q.name: q for q in (
    NamedQuery("labour.jobs_found", "Số người được giải quyết việc làm (sổ lao động)", "người",
               "labour.selectors.indicator_value('jobs_found'): người khác nhau có lượt giải quyết việc làm đầu tiên "
               "trong năm nằm trong kỳ.", _labour("jobs_found")),
    NamedQuery("labour.new_enrolment", "Tuyển sinh mới (sổ giáo dục nghề nghiệp)", "người",
               "labour.selectors.indicator_value('new_enrolment'): lượt nhập học có ngày nhập học trong kỳ.",
               _labour("new_enrolment")),
    NamedQuery("payroll.ncc_least_month", "Người có công được chi trả trợ cấp hằng tháng (tháng ít nhất trong kỳ)",
               "người", "Số người có công khác nhau được bưu điện chi trả trong từng tháng của kỳ; lấy tháng ít nhất "
               "(«trên … người» mỗi tháng).", _ncc_least_month, area_aware=False),
    NamedQuery("payroll.tgxh_persons", "Người được chi trả trợ giúp xã hội", "người", "Sổ TGXH: " + _PAID + ".",
               _payroll_figure("tgxh", "persons_paid"), area_aware=False),
    NamedQuery("payroll.tgxh_amount", "Số tiền trợ giúp xã hội đã chi trả", "đồng",
               "Sổ TGXH: tổng số tiền các dòng có kết quả «đã chi trả» trong kỳ.",
               _payroll_figure("tgxh", "amount_paid"), area_aware=False),
    NamedQuery("payroll.topup_persons", "Người được hỗ trợ thu nhập (NQ 151/2019, NQ 179/2019 HĐND tỉnh)", "người",
               "Sổ hỗ trợ thu nhập: " + _PAID + ".", _payroll_figure("topup", "persons_paid"), area_aware=False),
    NamedQuery("payroll.topup_amount", "Số tiền hỗ trợ thu nhập đã chi trả", "đồng",
               "Sổ hỗ trợ thu nhập: tổng số tiền các dòng có kết quả «đã chi trả» trong kỳ.",
               _payroll_figure("topup", "amount_paid"), area_aware=False),
    NamedQuery("nq42.paid_people", "Đối tượng đã nhận hỗ trợ NQ 42/NQ-CP (3 nhóm)", "người",
               "payments.reconciliation_compute (chương trình covid-2020): dòng chi trả có kết quả «đã chi trả».",
               _nq42("paid_people")),
    NamedQuery("nq42.approved_people", "Đối tượng được phê duyệt danh sách NQ 42/NQ-CP", "người",
               "payments.reconciliation_compute: người trên các danh sách đã phê duyệt có số tiền lớn hơn 0.",
               _nq42("approved_people")),
    NamedQuery("nq42.paid_amount", "Kinh phí NQ 42/NQ-CP đã chi trả", "đồng",
               "payments.reconciliation_compute: tổng số tiền đã chi trả theo kết quả của bưu điện.",
               _nq42("paid_amount")),
    NamedQuery("nq42.approved_amount", "Kinh phí NQ 42/NQ-CP được phê duyệt", "đồng",
               "payments.reconciliation_compute: tổng số tiền của các danh sách đã phê duyệt.",
               _nq42("approved_amount")),
    NamedQuery("poverty.poor_households", "Số hộ nghèo (kết quả rà soát năm)", "hộ",
               "poverty.selectors.year_summary: hộ có kết quả «nghèo» của kỳ rà soát thường niên của năm.",
               _poverty("poor")),
    NamedQuery("planning.framework_tasks_total", "Số nhiệm vụ khung của năm", "nhiệm vụ",
               "Nhiệm vụ loại «nhiệm vụ khung» của năm trong sổ nhiệm vụ.", _tasks(done=False), area_aware=False),
    NamedQuery("planning.framework_tasks_done", "Số nhiệm vụ khung đã hoàn thành", "nhiệm vụ",
               "Nhiệm vụ khung của năm có ngày hoàn thành không sau ngày cuối kỳ (đúng hạn hoặc quá hạn).",
               _tasks(done=True), area_aware=False),
    NamedQuery("planning.central_documents", "Văn bản trung ương nhận để triển khai", "văn bản",
               "Sổ văn bản đến: văn bản cấp trung ương (Quốc hội, Chính phủ, Thủ tướng, bộ, ngành) có ngày đến trong "
               "kỳ.", _central_documents, area_aware=False),
    NamedQuery("planning.advised_documents", "Văn bản của tỉnh do Sở tham mưu ban hành", "văn bản",
               "Sổ văn bản đến: văn bản của tỉnh ghi «Sở tham mưu ban hành» có ngày ban hành trong kỳ.",
               _advised_documents, area_aware=False),
)}


def query(name: str) -> NamedQuery:
    try:
        return QUERIES[name]
    except KeyError:
        raise DomainError(f"Không có truy vấn «{str(name)[:60]}» trong danh mục truy vấn của hệ thống.",
                          field="query") from None


def run(name: str, *, start: dt.date, end: dt.date, year: int, area=None) -> int | Decimal | None:
    """The value of a named query; None when the data are not there (no NQ 42 programme, no review round) or when a
    province-wide query is asked for a smaller area."""
    q = query(name)
    if area is not None and not q.area_aware:
        from ansinh.geo.models import Level

        if area.level != Level.PROVINCE:
            return None
    return q.compute(Window(start=start, end=end, year=year), area)
