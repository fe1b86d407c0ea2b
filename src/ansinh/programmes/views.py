"""Thin views of programmes and lists: bind input, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes, identity_for
from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.params import choice_param, page_param, text_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.core.xlsx import write_sheet
from ansinh.programmes import selectors
from ansinh.programmes.imports import LIST_UPLOAD_KIND, REGISTER_KIND, TEMPLATES, template_write
from ansinh.programmes.models import (
    AmountMode,
    BeneficiaryList,
    FlagKind,
    ListSource,
    ListStatus,
    Register,
    Resolution,
)
from ansinh.programmes.permissions import (
    LIST_WORKFLOW,
    can_generate,
    can_import_registers,
    can_read_programmes,
    can_see_designs,
    can_upload,
)
from ansinh.programmes.rules import explanation_link
from ansinh.programmes.services import generation, workflow
from ansinh.programmes.views_design import group_rows
from ansinh.registry.access_log import access_export, access_list

PAGE_SIZE = 100


def _require_reader(user) -> None:
    if not can_read_programmes(user):
        raise HttpForbidden("Vai trò của bạn không xem được danh sách hỗ trợ.")


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, "programmes/programme_list.html", {
        "programmes": selectors.programmes_for_user(user=request.user), "can_see_designs": can_see_designs(request.user),
        "waiting": selectors.designs_waiting(user=request.user).count()})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Object pages ask the selector first: a role that never reads programmes gets its 404, as for a
    # programme that does not exist (never a 403 that confirms it exists).
    programme = selectors.programme_get(user=request.user, pk=pk)
    lists = selectors.lists_for_user(user=request.user, programme=programme,
                                     status=choice_param(request.GET, "status", ListStatus.values),
                                     group_code=text_param(request.GET, "group", max_length=4))
    page_obj = Paginator(lists, PAGE_SIZE).get_page(page_param(request.GET))
    return render(request, "programmes/programme_detail.html", {
        "programme": programme, "lists": page_obj, "page_obj": page_obj, "groups": group_rows(programme),
        "totals": lists.order_by().aggregate(people=Sum("row_count", default=0), amount=Sum("amount_total", default=0)),
        "has_registry_groups": any(g.source == ListSource.REGISTRY and g.amount_mode != AmountMode.DECIDED
                                   for g in programme.groups.all()),
        "has_excel_groups": any(g.source == ListSource.EXCEL and g.template in TEMPLATES for g in programme.groups.all()), "statuses": ListStatus.choices, "params": request.GET,
        "can_generate": can_generate(request.user), "can_upload": can_upload(request.user)})


@login_required
@require_POST
def programme_generate(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, pk=pk)
    try:
        result = generation.registry_lists_generate(programme=programme, actor=request.user)
        messages.success(request, f"Đã lập {vn_number(result.lists)} danh sách ({vn_number(result.rows)} người).")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:programme_detail", pk=pk)


def _row_view(row, user, programme) -> dict:
    inputs = row.inputs or {row.beneficiary_list.group.input_variable: True}
    if row.person.death_date and not row.inputs:
        inputs["death_date"] = row.person.death_date.isoformat()
    return {"row": row, "identity": identity_for(user, row.identity_number), "flags": list(row.flags.all()),
            "explain": explanation_link(row.beneficiary_list.group.rules_variable, programme.period, inputs)}


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bl = selectors.list_get(user=request.user, pk=pk)
    page_obj = Paginator(selectors.list_rows(beneficiary_list=bl, flagged_only=request.GET.get("flagged") == "1")
                         .select_related("beneficiary_list__group"), PAGE_SIZE).get_page(page_param(request.GET))
    user = request.user
    access_list(actor=user, persons=[row.person_id for row in page_obj], obj=bl,
                what=f"Xem danh sách {bl} (trang {page_obj.number})")
    steps = LIST_WORKFLOW.available(user, bl)
    steps["supplement"] = bl.is_frozen and LIST_WORKFLOW.can(user, "prepare", bl)
    return render(request, "programmes/list_detail.html", {
        "bl": bl, "rows": [_row_view(r, user, bl.programme) for r in page_obj], "page_obj": page_obj, "steps": steps, "flag_kinds": FlagKind.choices,
        "open_flags": selectors.open_flag_count(beneficiary_list=bl), "events": LIST_WORKFLOW.events(bl),
        "today": timezone.localdate(), "can_upload_more": bl.source == ListSource.EXCEL and can_upload(user, bl.group)})


DONE = {  # the confirmation after each step of a list
    "submit": "Đã trình thẩm định {bl}.", "appraise": "Đã thẩm định {bl}.", "return": "Đã trả lại {bl} để lập lại.",
    "approve": "Đã phê duyệt {bl} (quyết định số {bl.decision_number}).", "post": "Đã ghi nhận niêm yết công khai {bl}.",
    "close": "Đã khoá sổ {bl}.", "resolve_all": "Đã xử lý các cảnh báo của {bl}.",
}


def _act(request, pk: int, action, step: str = "") -> HttpResponse:
    bl = selectors.list_get(user=request.user, pk=pk)
    try:
        result = action(bl)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        if step == "check":
            messages.success(request, f"Đã kiểm tra {bl}: {vn_number(getattr(result, 'flagged', 0))} cảnh báo.")
        elif step in DONE:
            messages.success(request, DONE[step].format(bl=result if isinstance(result, BeneficiaryList) else bl))
    return redirect("programmes:list_detail", pk=pk)


def _note(post, name: str) -> str:
    """A note, a reason or a justification typed in a text area (no NUL byte or control character)."""
    return text_param(post, name, max_length=2000, multiline=True)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
@require_POST
def list_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user, post = request.user, request.POST
    actions = {
        "submit": lambda bl: workflow.list_submit(actor=user, beneficiary_list=bl),
        "appraise": lambda bl: workflow.list_appraise(actor=user, beneficiary_list=bl, note=_note(post, "note")),
        "return": lambda bl: workflow.list_return(actor=user, beneficiary_list=bl, reason=_note(post, "reason")),
        "post": lambda bl: workflow.list_post(actor=user, beneficiary_list=bl),
        "close": lambda bl: workflow.list_close(actor=user, beneficiary_list=bl),
        "check": lambda bl: workflow.list_checks_run(actor=user, beneficiary_list=bl),
        "approve": lambda bl: workflow.list_approve(
            actor=user, beneficiary_list=bl, decision_number=text_param(post, "decision_number"),
            decision_date=_date(post.get("decision_date", "")), signer=text_param(post, "signer"),
            decision_pdf=request.FILES.get("decision_pdf")),
        "resolve_all": lambda bl: workflow.flags_resolve_all(
            actor=user, beneficiary_list=bl, kind=choice_param(post, "kind", FlagKind.values),
            resolution=choice_param(post, "resolution", Resolution.values),
            justification=_note(post, "justification")),
    }
    if step == "supplement":
        return _supplement(request, pk)
    if step not in actions:
        raise Http404("Bước không hợp lệ.")
    return _act(request, pk, actions[step], step)


def _supplement(request, pk: int) -> HttpResponse:
    """A supplementary list (danh sách bổ sung) referencing this approved one; the officer lands on it."""
    bl = selectors.list_get(user=request.user, pk=pk)
    try:
        new = workflow.supplementary_list_create(actor=request.user, original=bl)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("programmes:list_detail", pk=pk)
    messages.success(request, f"Đã lập danh sách bổ sung cho {bl}.")
    return redirect("programmes:list_detail", pk=new.pk)


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk)
    try:
        workflow.flag_resolve(actor=request.user, flag=flag,
                              resolution=choice_param(request.POST, "resolution", Resolution.values),
                              justification=_note(request.POST, "justification"))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Đã xử lý cảnh báo của {flag.row.person.full_name}.")
    return redirect("programmes:list_detail", pk=flag.row.beneficiary_list_id)


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The list as posted on the commune notice board (.xlsx): the year of birth only (a public posting), numbers
    as numbers, a total row."""
    bl = selectors.list_get(user=request.user, pk=pk)
    rows = selectors.list_rows(beneficiary_list=bl).filter(excluded=False)
    buffer = io.BytesIO()
    write_sheet(buffer, title_lines=[str(bl).upper(), bl.programme.name,
                                     f"Quyết định số {bl.decision_number}" if bl.decision_number else "Dự thảo"],
                headers=["STT", "Họ và tên", "Năm sinh", "Thôn/xóm", "Nhóm", "Số tháng", "Số tiền (đồng)"],
                rows=[(i, r.person.full_name, r.person.birth_date.year if r.person.birth_date else None,
                       getattr(r.person.household, "village", ""), bl.group.code, r.months, r.amount)
                      for i, r in enumerate(rows, start=1)],
                money_columns=[6], total_label="Tổng cộng", total_label_column=1, total_columns=[6], widths={2: 10})
    access_export(actor=request.user, persons=rows.values("person_id"), obj=bl,
                  what=f"Tải tệp danh sách niêm yết {bl} – {bl.programme.name}")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="niem-yet-nhom-{bl.group.code}-{bl.commune.code}.xlsx"'
    return response


@login_required
def list_decision_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The signed decision, to those who may see the list (never a public /media/ address)."""
    bl = selectors.list_get(user=request.user, pk=pk)
    if not bl.decision_pdf:
        raise Http404("Danh sách này chưa có bản quyết định đã ký.")
    try:
        handle = bl.decision_pdf.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp quyết định.") from err
    return FileResponse(handle, content_type="application/pdf", filename=f"quyet-dinh-{bl.pk}.pdf")


RESOLUTIONS = Resolution.choices


# --- groups 1–4: lists uploaded from Excel (the shared import lifecycle) ---------------------------------


@login_required
def upload_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the group (Mẫu 01–04) and the commune, send the file."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    if not can_upload(request.user):
        raise HttpForbidden("Vai trò của bạn không tải lên danh sách.")
    groups = [g for g in programme.groups.filter(source=ListSource.EXCEL).order_by("order")
              if g.template in TEMPLATES and can_upload(request.user, g)]
    communes = list(area_current_communes(request.user)[:2000])
    if request.method == "POST":
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        commune = next((c for c in communes if str(c.pk) == request.POST.get("commune")), None)
        upload_file = request.FILES.get("file")
        if group is None or commune is None or upload_file is None:
            messages.error(request, "Chọn nhóm, xã/phường và tệp danh sách (.xlsx, .xls, .csv).")
        else:
            try:
                record = imports.import_receive(kind=LIST_UPLOAD_KIND, actor=request.user, file=upload_file,
                                                file_name=upload_file.name,
                                                target={"programme": programme, "group": group, "commune": commune})
            except DomainError as err:
                messages.error(request, err.message)
            else:
                import_views.start_check(record)
                return redirect("programmes:upload_detail", pk=record.pk)
    return render(request, "programmes/upload_start.html", {
        "programme": programme, "groups": groups, "communes": communes, "params": request.POST})


@login_required
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.list_upload_get(user=request.user, pk=pk),
                                      template="programmes/upload_detail.html")


@login_required
@require_POST
def upload_commit(request: HttpRequest, pk: int) -> HttpResponse:
    def to_list(record):
        return redirect("programmes:list_detail", pk=record.beneficiary_list_id)

    return import_views.import_action(request, selectors.list_upload_get(user=request.user, pk=pk),
                                      after_commit=to_list)


@login_required
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.list_upload_get(user=request.user, pk=pk))


@login_required
def upload_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty form (Mẫu 01–04) with an example row."""
    group = selectors.group_get(user=request.user, pk=pk)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = template_write(group, Path(tmp) / "mau.xlsx").read_bytes()
    except DomainError as err:
        raise Http404(err.message) from err
    response = HttpResponse(data, content_type=XLSX)
    code = group.template.replace(" ", "-").replace("ẫ", "a")
    response["Content-Disposition"] = f'attachment; filename="{code}-nhom-{group.code}.xlsx"'
    return response


# --- standing registers from Excel ----------------------------------------------------------------------


@login_required
def register_import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import_registers(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập sổ đối tượng đang hưởng.")
    register = request.POST.get("register", "")
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if register not in Register.values or upload_file is None:
            messages.error(request, "Chọn sổ đối tượng và tệp (.xlsx, .xls, .csv).")
        else:
            try:
                record = imports.import_receive(kind=REGISTER_KIND, actor=request.user, file=upload_file,
                                                file_name=upload_file.name, target={"register": register})
            except DomainError as err:
                messages.error(request, err.message)
            else:
                import_views.start_check(record)
                return redirect("programmes:register_import_detail", pk=record.pk)
    recent = selectors.register_imports_for_user(user=request.user)[:15]
    return render(request, "programmes/register_import_upload.html", {
        "registers": Register.choices, "recent": recent, "chosen": register})


@login_required
def register_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.register_import_get(user=request.user, pk=pk))


@login_required
@require_POST
def register_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, selectors.register_import_get(user=request.user, pk=pk))


@login_required
def register_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.register_import_get(user=request.user, pk=pk))
