"""The programme designer: a provincial specialist defines a programme in the browser (draft), submits it, a
leader approves it or returns it (``PROGRAMME_WORKFLOW`` on the shared engine: the approver is never the
preparer, every step one event and one audit row, two approvals at once give one). An approved programme is used
as NQ 42 is: lists drawn from its register groups, its Excel groups uploaded through the ``list_upload`` kind
(the generic form «Mẫu chung»), the list workflow, payments.

A definition is checked as a whole and refused with every problem named in Vietnamese; nothing is written while
one remains. The database holds the same invariants (``programme_*``, ``group_*``, ``fundingsource_*``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_money
from ansinh.programmes.imports import GENERIC_TEMPLATE
from ansinh.programmes.models import (
    HOUSEHOLD_REGISTERS,
    NCC_CATEGORY_CHOICES,
    AmountMode,
    AmountUnit,
    BeneficiaryGroup,
    Frequency,
    FundingSource,
    ListSource,
    OverlapRule,
    Programme,
    ProgrammeKind,
    ProgrammeOrigin,
    ProgrammeStatus,
    ProgrammeStep,
    Register,
)
from ansinh.programmes.permissions import PROGRAMME_WORKFLOW
from ansinh.programmes.rules import rules_amount_variables, rules_condition_variables

_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NCC_NAMES = {name for name, _ in NCC_CATEGORY_CHOICES}


@dataclass(frozen=True)
class SourceInput:
    name: str
    amount: int | None


@dataclass(frozen=True)
class GroupInput:
    code: str
    name: str
    source: str  # ListSource
    amount_mode: str  # AmountMode.RULES or AmountMode.FIXED
    registers: Sequence[str] = ()
    ncc_categories: Sequence[str] = ()
    rules_variable: str = ""
    input_variable: str = ""
    fixed_amount: int | None = None
    amount_unit: str = AmountUnit.PERSON
    frequency: str = Frequency.ONE_OFF
    months: int | None = None
    planned_count: int | None = None
    conditions: str = ""
    required_documents: str = ""


@dataclass(frozen=True)
class ProgrammeDesign:
    code: str
    name: str
    legal_basis: str
    decision_number: str
    decision_date: dt.date | None
    decision_signer: str
    window_start: dt.date | None
    window_end: dt.date | None
    overlap_rule: str
    budget: int | None = None
    register_cutoff: dt.date | None = None
    sources: Sequence[SourceInput] = field(default_factory=tuple)
    groups: Sequence[GroupInput] = field(default_factory=tuple)


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Problem:
    """One problem of a definition: the Vietnamese message and where it belongs on the page (a field of the
    programme, of the ``row``-th source or group as typed (blank rows left out), or the section as a whole)."""

    message: str
    field: str = ""  # a field name of the programme, the source or the group; "" for the section
    section: str = ""  # "" (the programme), "sources" or "groups"
    row: int | None = None


class DesignRefused(DomainError):
    """A definition refused: every problem, each with its place (``problems``)."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(" ".join(p.message for p in problems))
        self.problems = tuple(problems)


def design_problems(data: ProgrammeDesign, *, programme: Programme | None = None) -> list[str]:
    """Every problem of a definition, in Vietnamese (empty: the definition can be saved)."""
    return [p.message for p in design_issues(data, programme=programme)]


def design_issues(data: ProgrammeDesign, *, programme: Programme | None = None) -> list[Problem]:
    """Every problem of a definition with the field it belongs to (empty: the definition can be saved)."""
    problems: list[Problem] = []
    code = data.code.strip()
    if not code:
        problems.append(Problem("Mã chương trình: không được để trống.", "code"))
    elif len(code) > 40 or not _CODE.match(code):
        problems.append(Problem(f"Mã chương trình «{code}»: chỉ dùng chữ thường không dấu, chữ số và dấu gạch "
                                "ngang (ví dụ tet-canh-ty-2020), tối đa 40 ký tự.", "code"))
    else:
        clash = Programme.objects.filter(code=code).exclude(pk=getattr(programme, "pk", None)).first()
        if clash is not None:
            problems.append(Problem(f"Mã chương trình «{code}» đã dùng cho chương trình «{clash.name}»: chọn mã "
                                    "khác.", "code"))
    if not data.name.strip():
        problems.append(Problem("Tên chương trình: không được để trống.", "name"))
    if len(data.legal_basis.strip()) < 10:
        problems.append(Problem("Căn cứ pháp lý: ghi văn bản làm căn cứ (nghị quyết, quyết định, kế hoạch).",
                                "legal_basis"))
    if not data.decision_number.strip():
        problems.append(Problem("Số quyết định ban hành chương trình: không được để trống.", "decision_number"))
    if data.decision_date is None:
        problems.append(Problem("Ngày quyết định: không được để trống.", "decision_date"))
    elif data.decision_date > timezone.localdate():
        problems.append(Problem(f"Ngày quyết định {data.decision_date:%d/%m/%Y} sau hôm nay.", "decision_date"))
    if not data.decision_signer.strip():
        problems.append(Problem("Người ký quyết định: không được để trống.", "decision_signer"))
    return problems + _window_problems(data)


def _window_problems(data: ProgrammeDesign) -> list[Problem]:
    problems: list[Problem] = []
    start, end = data.window_start, data.window_end
    if start is None or end is None:
        problems.append(Problem("Thời gian áp dụng: nhập ngày bắt đầu và ngày kết thúc.",
                                "window_start" if start is None else "window_end"))
    elif end < start:
        problems.append(Problem(f"Thời gian áp dụng: ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu "
                                f"{start:%d/%m/%Y}.", "window_end"))
    if start and end and data.register_cutoff and data.register_cutoff > end:
        problems.append(Problem(f"Ngày chốt danh sách nền {data.register_cutoff:%d/%m/%Y} sau ngày kết thúc "
                                "chương trình.", "register_cutoff"))
    if data.overlap_rule not in OverlapRule.values:
        problems.append(Problem("Quy tắc trùng nhóm: chọn «chỉ hưởng một nhóm (mức cao nhất)» hoặc «cộng dồn».",
                                "overlap_rule"))
    if data.budget is not None and data.budget < 0:
        problems.append(Problem("Dự toán kinh phí không được âm.", "budget"))
    problems += _source_problems(data)
    window = _months_between(start, end) if start and end and end >= start else 12
    problems += _group_problems(data.groups, window)
    problems += _coverage_problems(data)
    return problems


def _source_problems(data: ProgrammeDesign) -> list[Problem]:
    problems, seen = [], set()
    if not data.sources:
        problems.append(Problem("Ghi ít nhất một nguồn kinh phí (ngân sách nhà nước, quỹ, cộng đồng…).",
                                section="sources"))
    for row, s in enumerate(data.sources):
        name = s.name.strip()
        if not name:
            problems.append(Problem("Nguồn kinh phí: ghi tên nguồn.", "name", "sources", row))
            continue
        if name.casefold() in seen:
            problems.append(Problem(f"Nguồn kinh phí «{name}» ghi hai lần.", "name", "sources", row))
        seen.add(name.casefold())
        if s.amount is not None and s.amount < 0:
            problems.append(Problem(f"Nguồn kinh phí «{name}»: số tiền không được âm.", "amount", "sources", row))
    return problems


def _group_problems(groups: Sequence[GroupInput], window_months: int) -> list[Problem]:
    problems: list[Problem] = []
    if not groups:
        problems.append(Problem("Ghi ít nhất một nhóm đối tượng.", section="groups"))
    codes: set[str] = set()
    for row, g in enumerate(groups):
        def say(message: str, field: str, row: int = row) -> None:
            problems.append(Problem(message, field, "groups", row))

        code = g.code.strip()
        label = f"Nhóm «{code or g.name.strip() or '?'}»"
        if not code or len(code) > 4:
            say(f"{label}: mã nhóm từ 1 đến 4 ký tự (ví dụ 1, 2, A).", "code")
        elif code in codes:
            say(f"Mã nhóm «{code}» ghi hai lần trong chương trình.", "code")
        codes.add(code)
        if not g.name.strip():
            say(f"{label}: ghi tên nhóm.", "name")
        for message, where in _group_source_problems(g, label) + _group_amount_problems(g, label, window_months):
            say(message, where)
        if g.planned_count is not None and g.planned_count < 0:
            say(f"{label}: số đối tượng dự kiến không được âm.", "planned_count")
    return problems


def _group_source_problems(g: GroupInput, label: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if g.source == ListSource.REGISTRY:
        if not g.registers:
            problems.append((f"{label}: chọn sổ đối tượng đang hưởng mà nhóm lấy người.", "registers"))
        if set(g.registers) - set(Register.values):
            problems.append((f"{label}: sổ đối tượng không hợp lệ.", "registers"))
        if g.ncc_categories and Register.NCC not in g.registers:
            problems.append((f"{label}: chỉ chọn diện người có công khi nhóm lấy từ sổ người có công.",
                             "ncc_categories"))
        if set(g.ncc_categories) - _NCC_NAMES:
            problems.append((f"{label}: diện người có công không hợp lệ.", "ncc_categories"))
        if g.amount_unit == AmountUnit.HOUSEHOLD and set(g.registers) - set(HOUSEHOLD_REGISTERS):
            problems.append((f"{label}: mức «mỗi hộ» chỉ dùng với sổ hộ nghèo, hộ cận nghèo (hoặc tệp Excel).",
                             "amount_unit"))
    elif g.source != ListSource.EXCEL:
        problems.append((f"{label}: chọn nguồn danh sách (sổ đối tượng đang hưởng hoặc tệp Excel).", "source"))
    return problems


def _group_amount_problems(g: GroupInput, label: str, window_months: int) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if g.amount_mode == AmountMode.RULES:
        if not g.rules_variable:
            problems.append((f"{label}: chưa có cách tính số tiền: chọn biến của bộ quy tắc hoặc ghi mức cố định.",
                             "rules_variable"))
        elif g.rules_variable not in rules_amount_variables():
            problems.append((f"{label}: biến tính số tiền «{g.rules_variable}» không có trong bộ quy tắc.",
                             "rules_variable"))
        if g.input_variable and g.input_variable not in rules_condition_variables():
            problems.append((f"{label}: biến điều kiện «{g.input_variable}» không có trong bộ quy tắc.",
                             "input_variable"))
    elif g.amount_mode == AmountMode.FIXED:
        if g.fixed_amount is None or g.fixed_amount == 0:
            problems.append((f"{label}: chưa có cách tính số tiền: ghi mức hỗ trợ (đồng) hoặc chọn biến quy tắc.",
                             "fixed_amount"))
        elif g.fixed_amount < 0:
            problems.append((f"{label}: mức hỗ trợ không được âm.", "fixed_amount"))
        if g.frequency == Frequency.MONTHLY:
            if g.months is None or not 1 <= g.months <= 12:
                problems.append((f"{label}: hỗ trợ hằng tháng cần số tháng từ 1 đến 12.", "months"))
            elif g.months > window_months:
                problems.append((f"{label}: {g.months} tháng vượt thời gian áp dụng ({window_months} tháng).",
                                 "months"))
        elif g.frequency != Frequency.ONE_OFF:
            problems.append((f"{label}: chọn chi một lần hoặc mỗi tháng.", "frequency"))
    else:
        problems.append((f"{label}: chưa có cách tính số tiền: chọn biến của bộ quy tắc hoặc ghi mức cố định.",
                         "amount_mode"))
    return problems


def _group_estimate(g: GroupInput) -> int | None:
    if g.amount_mode != AmountMode.FIXED or not g.fixed_amount or g.fixed_amount < 0 or not g.planned_count:
        return None
    months = (g.months or 1) if g.frequency == Frequency.MONTHLY else 1
    return g.fixed_amount * months * g.planned_count


def design_estimate(data: ProgrammeDesign) -> int | None:
    """Số tiền dự kiến: the fixed groups' amount × months × planned count, when every group gives it."""
    estimates = [_group_estimate(g) for g in data.groups]
    return sum(estimates) if estimates and all(e is not None for e in estimates) else None


def _coverage_problems(data: ProgrammeDesign) -> list[Problem]:
    """The sources cover the budget and the groups' estimate, when both sides are known."""
    amounts = [s.amount for s in data.sources if s.name.strip()]
    if not amounts or any(a is None or a < 0 for a in amounts):
        return []
    total = sum(amounts)
    problems = []
    if data.budget and total < data.budget:
        problems.append(Problem(f"Tổng các nguồn kinh phí ({vn_money(total)}) không đủ dự toán "
                                f"({vn_money(data.budget)}): còn thiếu {vn_money(data.budget - total)}.", "budget"))
    estimate = design_estimate(data)
    if estimate is not None and total < estimate:
        problems.append(Problem(f"Tổng các nguồn kinh phí ({vn_money(total)}) không đủ số tiền dự kiến của các "
                                f"nhóm ({vn_money(estimate)} = mức × số tháng × số đối tượng dự kiến): còn thiếu "
                                f"{vn_money(estimate - total)}.", section="sources"))
    return problems


def _kind(data: ProgrammeDesign) -> str:
    monthly = any(g.amount_mode == AmountMode.FIXED and g.frequency == Frequency.MONTHLY for g in data.groups)
    return ProgrammeKind.MONTHLY if monthly else ProgrammeKind.ONE_OFF


def _apply(programme: Programme, data: ProgrammeDesign) -> None:
    programme.code = data.code.strip()
    programme.name = data.name.strip()[:255]
    programme.legal_basis = data.legal_basis.strip()
    programme.decision_number = data.decision_number.strip()[:60]
    programme.decision_date = data.decision_date
    programme.decision_signer = data.decision_signer.strip()[:120]
    programme.window_start, programme.window_end = data.window_start, data.window_end
    programme.register_cutoff = data.register_cutoff or data.window_start
    programme.death_cutoff = data.window_start
    programme.period = str(data.window_start.year)
    programme.overlap_rule = data.overlap_rule
    programme.kind = _kind(data)
    programme.budget = data.budget if data.budget is not None else sum(s.amount or 0 for s in data.sources)


def _write_parts(programme: Programme, data: ProgrammeDesign) -> None:
    """Sources and groups replaced as a whole (a draft has no list yet)."""
    FundingSource.objects.filter(programme=programme).delete()
    BeneficiaryGroup.objects.filter(programme=programme).delete()
    FundingSource.objects.bulk_create([FundingSource(programme=programme, name=s.name.strip()[:200], amount=s.amount or 0)
                                       for s in data.sources])
    BeneficiaryGroup.objects.bulk_create([_group(programme, i, g) for i, g in enumerate(data.groups, start=1)])


def _group(programme: Programme, order: int, g: GroupInput) -> BeneficiaryGroup:
    fixed = g.amount_mode == AmountMode.FIXED
    monthly = fixed and g.frequency == Frequency.MONTHLY
    return BeneficiaryGroup(
        programme=programme, order=order, code=g.code.strip(), name=g.name.strip()[:255],
        template=GENERIC_TEMPLATE if g.source == ListSource.EXCEL else "Danh sách từ sổ đối tượng",
        source=g.source, registers=list(g.registers) if g.source == ListSource.REGISTRY else [],
        ncc_categories=list(g.ncc_categories) if g.source == ListSource.REGISTRY else [],
        amount_mode=g.amount_mode, rules_variable="" if fixed else g.rules_variable,
        input_variable="" if fixed else g.input_variable, fixed_amount=g.fixed_amount if fixed else None,
        amount_unit=g.amount_unit, frequency=g.frequency if fixed else Frequency.ONE_OFF,
        months=g.months if monthly else None, planned_count=g.planned_count, conditions=g.conditions.strip(),
        required_documents=g.required_documents.strip())


def _refuse_if_bad(data: ProgrammeDesign, programme: Programme | None = None) -> None:
    problems = design_issues(data, programme=programme)
    if problems:
        raise DesignRefused(problems)


def _save_unique(programme: Programme, **kwargs) -> None:
    """Save; a code taken meanwhile by someone else is the same Vietnamese message, never a 500."""
    try:
        with transaction.atomic():
            programme.save(**kwargs)
    except IntegrityError as err:
        if Programme.objects.filter(code=programme.code).exclude(pk=programme.pk).exists():
            raise DomainError(f"Mã chương trình «{programme.code}» đã được dùng: chọn mã khác.", field="code") from err
        raise


@transaction.atomic(durable=True)
def programme_design_create(*, actor: User, data: ProgrammeDesign, province_code: str) -> Programme:
    """A new draft programme and its first event «Soạn thảo chương trình»."""
    PROGRAMME_WORKFLOW.require(actor, ProgrammeStep.PREPARE)
    _refuse_if_bad(data)
    programme = Programme(province_code=province_code, status=ProgrammeStatus.DRAFT, origin=ProgrammeOrigin.DESIGNER,
                          prepared_by=actor)
    _apply(programme, data)
    _save_unique(programme)
    _write_parts(programme, data)
    PROGRAMME_WORKFLOW.record(programme, ProgrammeStep.PREPARE, actor=actor, note="Soạn thảo trên trang thiết kế")
    audit_record(actor=actor, action="programme.prepare", obj=programme,
                 summary=f"Soạn thảo chương trình «{programme.name}» ({len(data.groups)} nhóm đối tượng)")
    return programme


@transaction.atomic(durable=True)
def programme_design_update(*, actor: User, programme: Programme, data: ProgrammeDesign) -> Programme:
    """Change a draft (or a returned) programme: locked, only while it is being drafted."""
    def change(locked: Programme) -> list[str]:
        _refuse_if_bad(data, locked)
        _apply(locked, data)
        _write_parts(locked, data)
        return ["code", "name", "legal_basis", "decision_number", "decision_date", "decision_signer", "window_start",
                "window_end", "register_cutoff", "death_cutoff", "period", "overlap_rule", "kind", "budget"]

    try:
        with transaction.atomic():
            return PROGRAMME_WORKFLOW.perform(programme, ProgrammeStep.EDIT, actor=actor, update=change,
                                              summary=f"Sửa nội dung chương trình «{data.name.strip()}»")
    except IntegrityError as err:
        raise DomainError(f"Mã chương trình «{data.code.strip()}» đã được dùng: chọn mã khác.", field="code") from err


def _as_design(programme: Programme) -> ProgrammeDesign:
    return ProgrammeDesign(
        code=programme.code, name=programme.name, legal_basis=programme.legal_basis,
        decision_number=programme.decision_number, decision_date=programme.decision_date,
        decision_signer=programme.decision_signer, window_start=programme.window_start,
        window_end=programme.window_end, overlap_rule=programme.overlap_rule, budget=programme.budget,
        register_cutoff=programme.register_cutoff,
        sources=[SourceInput(s.name, s.amount) for s in programme.funding_sources.all()],
        groups=[GroupInput(code=g.code, name=g.name, source=g.source, amount_mode=g.amount_mode,
                           registers=g.registers, ncc_categories=g.ncc_categories, rules_variable=g.rules_variable,
                           input_variable=g.input_variable, fixed_amount=g.fixed_amount, amount_unit=g.amount_unit,
                           frequency=g.frequency, months=g.months, planned_count=g.planned_count)
                for g in programme.groups.all()])


@transaction.atomic(durable=True)
def programme_submit(*, actor: User, programme: Programme, note: str = "") -> Programme:
    def ready(locked: Programme) -> list[str]:
        _refuse_if_bad(_as_design(locked), locked)  # the rules catalogue may have changed since the draft
        locked.return_reason = ""
        return ["return_reason"]

    return PROGRAMME_WORKFLOW.perform(programme, ProgrammeStep.SUBMIT, actor=actor, update=ready, note=note[:500],
                                      summary=f"Trình phê duyệt chương trình «{programme.name}»")


@transaction.atomic(durable=True)
def programme_return(*, actor: User, programme: Programme, reason: str) -> Programme:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError("Ghi rõ lý do trả lại để người soạn sửa.", field="reason")

    def give_back(locked: Programme) -> list[str]:
        locked.return_reason = reason[:2000]
        return ["return_reason"]

    return PROGRAMME_WORKFLOW.perform(programme, ProgrammeStep.RETURN, actor=actor, update=give_back, note=reason[:500],
                                      summary=f"Trả lại chương trình «{programme.name}»: {reason[:200]}")


@transaction.atomic(durable=True)
def programme_approve(*, actor: User, programme: Programme, note: str = "") -> Programme:
    """Approve: from then on the programme has lists, uploads and payments. Two approvals at once: the second
    finds it approved (the engine locks the row and checks the state again) and is refused."""
    return PROGRAMME_WORKFLOW.perform(programme, ProgrammeStep.APPROVE, actor=actor, note=note[:500],
                                      summary=f"Phê duyệt chương trình «{programme.name}»")
