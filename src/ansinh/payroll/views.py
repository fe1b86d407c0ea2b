"""Thin views of the monthly payroll: bind the request, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import (
    area_commune_ids,
    area_current_communes,
    can_see_identity,
    identity_for,
    user_sees_whole_province,
)
from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.params import choice_param, int_param, text_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.payroll import charts, selectors
from ansinh.payroll.imports import RESULTS_KIND
from ansinh.payroll.models import (
    REGISTER_CHOICES,
    REGISTERS,
    EntryKind,
    LineKind,
    RecoveryOrigin,
    SheetStatus,
    SheetStep,
    UnpaidReason,
)
from ansinh.payroll.permissions import (
    SHEET_WORKFLOW,
    can_generate,
    can_import_results,
    can_keep_ledger,
    can_read_payroll,
    can_record_changes,
    can_see_payroll,
)
from ansinh.payroll.presentation import PAYROLL_VARIABLES, explanation_for, register_label
from ansinh.payroll.reconciliation import (
    MEASURES,
    REASONS,
    display_rows,
    reconciliation_compute,
    reconciliation_export,
)
from ansinh.payroll.services import export, generation, recoveries, registers, workflow
from ansinh.policy.variables.enums import TgxhCategory
from ansinh.programmes import sensitive
from ansinh.programmes.models import EnrolmentChange
from ansinh.registry.access_log import access_list, access_view

STEPS = {SheetStep.SUBMIT, SheetStep.RETURN, SheetStep.APPRAISE, SheetStep.APPROVE, SheetStep.SEND,
         SheetStep.RECONCILE}


def _require_reader(user) -> None:
    if not can_read_payroll(user):
        raise HttpForbidden("Vai trò của bạn không xem được bảng chi trả hằng tháng.")


def _month(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except (ValueError, OverflowError) as err:
        raise Http404("Tháng không hợp lệ.") from err


def _parse_month(text: str) -> dt.date | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, OverflowError):
        return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The payroll months by register, the generation form, and (for the payment agent) its sheets."""
    if not can_see_payroll(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được bảng chi trả hằng tháng.")
    user = request.user
    register = choice_param(request.GET, "register", REGISTERS)
    months = list(selectors.months_for_user(user=user, register=register)[:72])
    agent_sheets = []
    if user.role == Role.PAYMENT_AGENT:
        agent_sheets = list(selectors.sheets_for_user(user=user).order_by("-month", "commune__name")[:300])
    return render(request, "payroll/index.html", {
        "months": months, "registers": REGISTER_CHOICES, "register": register, "can_generate": can_generate(user),
        "agent_sheets": agent_sheets, "can_read": can_read_payroll(user)})


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    register = choice_param(request.POST, "register", REGISTERS)
    month = _parse_month(text_param(request.POST, "month", max_length=7))
    if not register or month is None:
        messages.error(request, "Chọn chế độ và tháng (YYYY-MM).")
        return redirect("payroll:index")
    try:
        result = generation.payroll_month_generate(actor=request.user, register=register, month=month)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("payroll:index")
    messages.success(request, result.message())
    for warning in result.warnings[:5]:
        messages.warning(request, warning)
    return redirect("payroll:month", register=register, year=month.year, month=month.month)


def _kind_rows(totals: pl.DataFrame) -> list[dict]:
    labels = dict(LineKind.choices)
    rows = []
    for r in totals.iter_rows(named=True):
        label = str(labels.get(r["kind"], r["kind"]))
        if r["carried"]:
            label += " (chưa nhận tháng trước)"
        rows.append({"label": label, "lines": r["lines"], "persons": r["persons"], "amount": r["amount"]})
    return rows


@login_required
def month_overview(request: HttpRequest, register: str, year: int, month: int) -> HttpResponse:
    _require_reader(request.user)
    user = request.user
    payroll_month = selectors.month_get(user=user, register=register, month=_month(year, month))
    sheets = list(selectors.sheets_for_user(user=user, payroll_month=payroll_month).order_by("commune__name"))
    series = selectors.month_series(user=user, register=register, until=payroll_month.month)
    totals = selectors.month_kind_totals(user=user, payroll_month=payroll_month)
    changes = selectors.month_changes(user=user, payroll_month=payroll_month)
    previous = series.filter(pl.col("month") < payroll_month.month).tail(1)
    bulk = {step: _any_available(user, sheets, step)
            for step in (SheetStep.SUBMIT, SheetStep.APPRAISE, SheetStep.APPROVE, SheetStep.SEND, SheetStep.RECONCILE)}
    return render(request, "payroll/month.html", {
        "pm": payroll_month, "register_label": register_label(register), "sheets": sheets, "bulk": bulk,
        "kind_rows": _kind_rows(totals), "amount": sum(s.amount_total for s in sheets),
        "persons": sum(s.person_count for s in sheets), "recoveries": sum(s.recovery_total for s in sheets),
        "changes": changes, "previous_amount": int(previous["amount"][0]) if previous.height else None,
        "chart": charts.months_chart(series, title=f"{register_label(register)}: 12 tháng gần nhất"),
        "agents": _agents(user) if bulk[SheetStep.SEND] else [],
        "statuses": SheetStatus.choices})


def _any_available(user, sheets, step: str) -> bool:
    """Whether the user may take ``step`` on one of the sheets now (checked on the sheets in its source states
    only, stopping at the first: a button «… tất cả» is shown)."""
    transition = SHEET_WORKFLOW.transition(step)
    if not SHEET_WORKFLOW.role_allows(user, step):
        return False
    return any(SHEET_WORKFLOW.available(user, s).get(step) for s in sheets if s.status in transition.source)


def _agents(user) -> list[User]:
    return list(User.objects.filter(role=Role.PAYMENT_AGENT, is_active=True).order_by("username")[:100])


@login_required
@require_POST
def month_step(request: HttpRequest, register: str, year: int, month: int, step: str) -> HttpResponse:
    """One step for every sheet of the month the user may take it on (e.g. approve all appraised sheets)."""
    _require_reader(request.user)
    payroll_month = selectors.month_get(user=request.user, register=register, month=_month(year, month))
    if step not in STEPS - {SheetStep.RETURN}:
        raise Http404("Bước không hợp lệ.")
    agent = None
    if step == SheetStep.SEND:
        agent_id = int_param(request.POST, "agent")
        agent = next((a for a in _agents(request.user) if a.pk == agent_id), None)
    try:
        moved = workflow.sheets_step(actor=request.user, payroll_month=payroll_month, step=step, agent=agent)
        messages.success(request, f"{SHEET_WORKFLOW.step_label(step)}: {vn_number(moved)} bảng chi trả.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("payroll:month", register=register, year=year, month=month)


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_see_payroll(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được bảng chi trả hằng tháng.")
    user = request.user
    sheet = selectors.sheet_get(user=user, pk=pk)
    lines = selectors.sheet_lines_frame(sheet)
    payees = selectors.payees_frame(lines)
    increases, decreases = selectors.increases_decreases(sheet, payees)
    reasons = dict(UnpaidReason.choices)
    rows = [{**r, "identity": identity_for(user, r["identity"]), "increase": r["person_id"] in increases,
             "reason_label": reasons.get(r["reason"], "") if r["reason"] else ""}
            for r in payees.head(2000).iter_rows(named=True)]
    access_list(actor=user, persons=[r["person_id"] for r in rows], obj=sheet, what=f"Xem bảng chi trả {sheet}")
    steps = SHEET_WORKFLOW.available(user, sheet)
    return render(request, "payroll/sheet.html", {
        "sheet": sheet, "rows": rows, "more": max(payees.height - 2000, 0),
        "recoveries": selectors.recoveries_frame(lines).to_dicts(), "decreases": decreases.to_dicts(),
        "steps": steps, "events": SHEET_WORKFLOW.events(sheet), "agents": _agents(user) if steps.get("send") else [],
        "can_import": can_import_results(user, sheet) and sheet.status == SheetStatus.SENT,
        "imports": sheet.result_imports.select_related("created_by")[:20], "can_read": can_read_payroll(user)})


@login_required
def sheet_export(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(user=request.user, pk=pk)
    buffer = io.BytesIO()
    export.sheet_export(actor=request.user, sheet=sheet, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (f'attachment; filename="chi-tra-{sheet.register}-{sheet.month:%Y-%m}-'
                                       f'{sheet.commune.code}.xlsx"')
    return response


@login_required
@require_POST
def sheet_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    sheet = selectors.sheet_get(user=request.user, pk=pk)
    user, post = request.user, request.POST
    if step not in STEPS:
        raise Http404("Bước không hợp lệ.")
    try:
        if step == SheetStep.SUBMIT:
            workflow.sheet_submit(actor=user, sheet=sheet, note=text_param(post, "note", max_length=500))
        elif step == SheetStep.RETURN:
            workflow.sheet_return(actor=user, sheet=sheet, reason=text_param(post, "reason", max_length=2000))
        elif step == SheetStep.APPRAISE:
            workflow.sheet_appraise(actor=user, sheet=sheet, note=text_param(post, "note", max_length=500))
        elif step == SheetStep.APPROVE:
            workflow.sheet_approve(actor=user, sheet=sheet, note=text_param(post, "note", max_length=500))
        elif step == SheetStep.SEND:
            agent_id = int_param(post, "agent")
            agent = next((a for a in _agents(user) if a.pk == agent_id), None)
            workflow.sheet_send(actor=user, sheet=sheet, agent=agent)
        else:
            workflow.sheet_reconcile(actor=user, sheet=sheet, note=text_param(post, "note", max_length=500))
        messages.success(request, f"{SHEET_WORKFLOW.step_label(step)}: {sheet}.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("payroll:sheet_detail", pk=pk)


@login_required
@require_POST
def results_upload(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chọn tệp kết quả (.xlsx hoặc .csv).")
        return redirect("payroll:sheet_detail", pk=pk)
    try:
        record = imports.import_receive(kind=RESULTS_KIND, actor=request.user, file=upload, file_name=upload.name,
                                        target={"sheet": sheet})
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("payroll:sheet_detail", pk=pk)
    import_views.start_check(record)
    return redirect("payroll:results_detail", pk=record.pk)


@login_required
def results_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.results_import_get(user=request.user, pk=pk),
                                      template="payroll/results_detail.html")


@login_required
@require_POST
def results_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.results_import_get(user=request.user, pk=pk)
    return import_views.import_action(request, record,
                                      after_commit=lambda r: redirect("payroll:sheet_detail", pk=r.sheet_id))


@login_required
def results_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.results_import_get(user=request.user, pk=pk))


def _reconciliation(request: HttpRequest, register: str, year: int, month: int):
    _require_reader(request.user)
    user = request.user
    first = _month(year, month)
    selectors.month_get(user=user, register=register, month=first)
    last = _parse_month(text_param(request.GET, "to", max_length=7)) or first
    if last < first or (last.year - first.year) * 12 + last.month - first.month > 36:
        last = first
    everything = request.GET.get("all") == "1"
    communes = None if user_sees_whole_province(user) else area_commune_ids(user)
    return reconciliation_compute(first=first, last=last, registers=None if everything else [register],
                                  commune_ids=communes)


@login_required
def reconciliation(request: HttpRequest, register: str, year: int, month: int) -> HttpResponse:
    rec = _reconciliation(request, register, year, month)
    return render(request, "payroll/reconciliation.html", {
        "rec": rec, "register": register, "year": year, "month": month, "measures": MEASURES,
        "reasons": [UnpaidReason(r).label for r in REASONS], "query": request.GET.urlencode(),
        "province": [{"label": "Toàn địa bàn", **rec.province}],
        "by_register": display_rows(rec.by_register, ["register"]),
        "by_district": display_rows(rec.by_district, ["district", "register"]) if rec.has_districts else [],
        "by_commune": display_rows(rec.by_commune, ["district", "commune", "register"]),
        "sentences": [rec.sentence(r) for r in rec.registers]})


@login_required
def reconciliation_xlsx(request: HttpRequest, register: str, year: int, month: int) -> HttpResponse:
    rec = _reconciliation(request, register, year, month)
    buffer = io.BytesIO()
    reconciliation_export(reconciliation=rec, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="doi-soat-{register}-{year}-{month:02d}.xlsx"'
    return response


def _explanation(user, line: dict) -> str:
    """The explanation link of a line, or "" when its facts reveal health (a disability category, an injury rate)
    to a role that does not need them (``programmes.sensitive``): the link would carry them."""
    facts = line["facts"]
    if isinstance(facts, str):
        try:
            facts = json.loads(facts or "{}")
        except ValueError:
            facts = {}
    facts = facts or {}
    if sensitive.facts_for(user, facts) != facts:
        return ""
    return explanation_for(line["register"], line["kind"], line["entitlement_month"], facts)


def _category(user, obj) -> str:
    """The NCC or TGXH category of an enrolment or an event, by its label, masked when it reveals health."""
    if obj.ncc_category:
        return sensitive.category_for(user, obj.ncc_category, obj.get_ncc_category_display())
    if obj.tgxh_category:
        label = TgxhCategory[obj.tgxh_category].value if obj.tgxh_category in TgxhCategory.__members__ else None
        return sensitive.category_for(user, obj.tgxh_category, label)
    return ""


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's payments, each line with its explanation link, the enrolments and the recoveries ledger."""
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    kinds, reasons = dict(LineKind.choices), dict(UnpaidReason.choices)
    lines = [{**r, "kind_label": kinds.get(r["kind"], r["kind"]), "register_label": register_label(r["register"]),
              "reason_label": reasons.get(r["reason"], "") if r["reason"] else "",
              "explain": _explanation(user, r)}
             for r in selectors.person_history(person=person).head(600).iter_rows(named=True)]
    access_view(actor=user, persons=[person.pk], obj=person, what="Xem lịch sử chi trả hằng tháng",
                identity_shown=can_see_identity(user))
    entries = list(selectors.ledger_entries(person=person))
    balances = {}
    for entry in entries:
        sign = 1 if entry.kind == EntryKind.DEBT else -1
        balances[entry.register] = balances.get(entry.register, 0) + sign * entry.amount
    return render(request, "payroll/person.html", {
        "person": person, "identity": identity_for(user, person.pid or person.cmnd), "lines": lines,
        "entries": entries, "balances": [(register_label(r), v) for r, v in balances.items()],
        "enrolments": selectors.enrolments_of(user=user, person=person),
        "can_keep_ledger": can_keep_ledger(user, person.commune_id), "registers": REGISTER_CHOICES})


@login_required
@require_POST
def ledger_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    post = request.POST
    kind = choice_param(post, "kind", ["inspection", "repayment"])
    amount = int_param(post, "amount", maximum=10**12)
    values = {"actor": request.user, "person": person, "register": choice_param(post, "register", REGISTERS),
              "amount": amount or 0, "document_number": text_param(post, "document_number", max_length=80),
              "document_date": _date(post.get("document_date", "")), "note": text_param(post, "note", max_length=2000)}
    try:
        if kind == "inspection":
            recoveries.recovery_inspection_record(**values)
            messages.success(request, "Đã ghi khoản truy thu theo kết luận thanh tra.")
        elif kind == "repayment":
            recoveries.recovery_repayment_record(**values)
            messages.success(request, "Đã ghi khoản nộp lại.")
        else:
            messages.error(request, "Chọn loại: truy thu theo kết luận thanh tra hoặc nộp lại.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("payroll:person", pk=pk)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """What is still owed, by commune (and by origin): the «truy thu theo kết luận thanh tra» follow-up."""
    _require_reader(request.user)
    user = request.user
    origin = choice_param(request.GET, "origin", RecoveryOrigin.values)
    register = choice_param(request.GET, "register", REGISTERS)
    by_commune = selectors.owed_by_commune(user=user, origin=origin, register=register)
    communes = {c.pk: c for c in area_current_communes(user)}
    commune_id = int_param(request.GET, "commune")
    owing = selectors.persons_owing(user=user, origin=origin,
                                    commune_id=commune_id if commune_id in communes else None)
    origins = dict(RecoveryOrigin.choices)
    return render(request, "payroll/ledger.html", {
        "rows": [{**r, "origin_label": origins.get(r["origin"], "")} for r in by_commune.iter_rows(named=True)],
        "owing": [{**r, "origin_label": origins.get(r["origin"], ""), "register_label": register_label(r["register"])}
                  for r in owing.iter_rows(named=True)],
        "total_owed": int(by_commune["owed"].sum() or 0) if by_commune.height else 0,
        "origins": RecoveryOrigin.choices, "origin": origin, "registers": REGISTER_CHOICES, "register": register})


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enrolment = selectors.enrolment_get(user=user, pk=pk)
    events = enrolment.events.select_related("recorded_by", "to_commune", "from_commune").order_by("effective_month",
                                                                                                  "pk")
    access_view(actor=user, persons=[enrolment.person_id], obj=enrolment,
                what=f"Xem hồ sơ hưởng {enrolment.get_register_display()}", identity_shown=can_see_identity(user))
    return render(request, "payroll/enrolment.html", {
        "enrolment": enrolment,
        "events": [(e, _category(user, e), sensitive.health_field_for(user, e.ncc_injury_rate)) for e in events],
        "category": _category(user, enrolment),
        "injury_rate": sensitive.health_field_for(user, enrolment.ncc_injury_rate),
        "can_record": can_record_changes(user, enrolment.commune_id), "kinds": registers.KINDS_RECORDED_HERE,
        "kind_labels": dict(EnrolmentChange.choices), "identity": identity_for(user, enrolment.person.pid),
        "communes": [c for c in area_current_communes(user)[:500] if c.pk != enrolment.commune_id]})


@login_required
@require_POST
def enrolment_change(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    post = request.POST
    kind = choice_param(post, "kind", [k.value for k in registers.KINDS_RECORDED_HERE])
    values = {}
    if kind == EnrolmentChange.DEATH:
        values["death_date"] = _date(post.get("death_date", ""))
    elif kind == EnrolmentChange.MOVE:
        commune_id = int_param(post, "to_commune")
        values["to_commune"] = next((c for c in area_current_communes(request.user) if c.pk == commune_id), None)
    elif kind == EnrolmentChange.RATE_CHANGE:
        values.update({k: v for k, v in {"ncc_category": text_param(post, "ncc_category", max_length=40),
                                         "tgxh_category": text_param(post, "tgxh_category", max_length=60),
                                         "ncc_martyr_count": int_param(post, "ncc_martyr_count", maximum=99),
                                         "ncc_injury_rate": int_param(post, "ncc_injury_rate", maximum=100)}.items()
                       if v not in (None, "")})
    try:
        if not kind:
            raise DomainError("Chọn loại thay đổi.")
        registers.enrolment_change_record(
            actor=request.user, enrolment=enrolment, kind=kind,
            effective_month=_parse_month(text_param(post, "effective_month", max_length=7)),
            decision_number=text_param(post, "decision_number", max_length=60),
            decision_date=_date(post.get("decision_date", "")), note=text_param(post, "note", max_length=2000),
            **values)
        messages.success(request, "Đã ghi thay đổi.")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("payroll:enrolment", pk=pk)


@login_required
def explain(request: HttpRequest) -> HttpResponse:
    """How a payroll line's amount is computed: the rules' trace for its variable, month and facts (the policy
    app's explanation, for the variables its page does not list)."""
    _require_reader(request.user)
    from ansinh.policy.cli import parse_assignments
    from ansinh.policy.selectors import explanation_get

    variable = choice_param(request.GET, "variable", PAYROLL_VARIABLES)
    period = text_param(request.GET, "period", max_length=7)
    assignments = [text_param({"v": a}, "v", max_length=120) for a in request.GET.getlist("set")[:12]]
    result, error = None, ""
    if not variable or _parse_month(period) is None:
        error = "Chọn khoản cần giải thích và tháng (YYYY-MM)."
    else:
        try:
            result = explanation_get(variable=variable, period=period, inputs=parse_assignments(assignments)).to_dict()
        except (ValueError, KeyError, TypeError) as err:  # the rules' Vietnamese refusals, malformed inputs
            error = str(err) or "Dữ liệu nhập không hợp lệ."
    return render(request, "payroll/explain.html", {"explanation": result, "error": error, "variable": variable,
                                                    "period": period, "inputs": assignments})
