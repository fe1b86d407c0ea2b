"""Thin views of programmes and lists: bind input, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import can_see_identity, mask_identity
from ansinh.core.errors import DomainError
from ansinh.programmes import selectors, services
from ansinh.programmes.models import FlagKind, ListStatus, Resolution, RowFlag
from ansinh.programmes.permissions import can_do, can_read_programmes
from ansinh.programmes.rules import explanation_link

PAGE_SIZE = 100


def _require_reader(user) -> None:
    if not can_read_programmes(user):
        raise HttpForbidden("Vai trò của bạn không xem được danh sách hỗ trợ.")


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, "programmes/programme_list.html",
                  {"programmes": selectors.programmes_for_user(user=request.user)})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    programme = get_object_or_404(selectors.programmes_for_user(user=request.user), pk=pk)
    lists = selectors.lists_for_user(user=request.user, programme=programme, status=request.GET.get("status", ""),
                                     group_code=request.GET.get("group", ""))
    return render(request, "programmes/programme_detail.html", {
        "programme": programme, "lists": lists[:500], "statuses": ListStatus.choices, "params": request.GET,
        "can_generate": can_do(request.user, "generate"), "can_upload": _can_upload(request.user)})


@login_required
@require_POST
def programme_generate(request: HttpRequest, pk: int) -> HttpResponse:
    from ansinh.programmes.generation import registry_lists_generate

    programme = get_object_or_404(selectors.programmes_for_user(user=request.user), pk=pk)
    try:
        result = registry_lists_generate(programme=programme, actor=request.user)
        messages.success(request, f"Đã lập {result.lists} danh sách ({result.rows} người).")
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:programme_detail", pk=pk)


def _can_upload(user) -> bool:
    from ansinh.programmes.uploads import can_upload

    return can_upload(user)


def _row_view(row, show_id: bool, programme) -> dict:
    inputs = row.inputs or {row.beneficiary_list.group.input_variable: True}
    if row.person.death_date and not row.inputs:
        inputs["death_date"] = row.person.death_date.isoformat()
    return {"row": row, "identity": row.identity_number if show_id else mask_identity(row.identity_number),
            "flags": list(row.flags.all()),
            "explain": explanation_link(row.beneficiary_list.group.rules_variable, programme.period, inputs)}


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request.user)
    bl = selectors.list_get(user=request.user, pk=pk)
    page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1, 1)
    rows = list(selectors.list_rows(beneficiary_list=bl, flagged_only=request.GET.get("flagged") == "1")
                .select_related("beneficiary_list__group")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    show_id = can_see_identity(request.user)
    user = request.user
    steps = {s: can_do(user, s, bl.commune_id) for s in ("submit", "appraise", "return", "approve", "post", "resolve", "pay",
                                                        "close", "prepare")}
    agents = []
    if steps["pay"] and bl.status in (ListStatus.APPROVED, ListStatus.POSTED) and not bl.payment_batches.exists():
        from ansinh.accounts.models import Role, User

        agents = list(User.objects.filter(role=Role.PAYMENT_AGENT, is_active=True).order_by("username")[:200])
    return render(request, "programmes/list_detail.html", {
        "bl": bl, "rows": [_row_view(r, show_id, bl.programme) for r in rows[:PAGE_SIZE]],
        "has_next": len(rows) > PAGE_SIZE, "page": page, "steps": steps, "flag_kinds": FlagKind.choices,
        "open_flags": RowFlag.objects.filter(row__beneficiary_list=bl, resolution="").count(),
        "events": bl.events.select_related("actor"), "batches": bl.payment_batches.select_related("agent"),
        "today": dt.date.today(), "agents": agents})


def _act(request, pk: int, action) -> HttpResponse:
    bl = selectors.list_get(user=request.user, pk=pk)
    try:
        action(bl)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:list_detail", pk=pk)


@login_required
@require_POST
def list_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user, post = request.user, request.POST
    actions = {
        "submit": lambda bl: services.list_submit(actor=user, beneficiary_list=bl),
        "appraise": lambda bl: services.list_appraise(actor=user, beneficiary_list=bl, note=post.get("note", "")),
        "return": lambda bl: services.list_return(actor=user, beneficiary_list=bl, reason=post.get("reason", "")),
        "post": lambda bl: services.list_post(actor=user, beneficiary_list=bl),
        "close": lambda bl: services.list_close(actor=user, beneficiary_list=bl),
        "check": lambda bl: services.list_checks_run(actor=user, beneficiary_list=bl),
        "approve": lambda bl: services.list_approve(
            actor=user, beneficiary_list=bl, decision_number=post.get("decision_number", ""),
            decision_date=_date(post.get("decision_date", "")), signer=post.get("signer", ""),
            decision_pdf=request.FILES.get("decision_pdf")),
        "resolve_all": lambda bl: services.flags_resolve_all(
            actor=user, beneficiary_list=bl, kind=post.get("kind", ""), resolution=post.get("resolution", ""),
            justification=post.get("justification", "")),
    }
    if step == "supplement":
        return _supplement(request, pk)
    if step not in actions:
        raise HttpForbidden("Bước không hợp lệ.")
    return _act(request, pk, actions[step])


def _supplement(request, pk: int) -> HttpResponse:
    """A supplementary list (danh sách bổ sung) referencing this approved one; the officer lands on it."""
    from ansinh.core.errors import PermissionDenied as Refused

    bl = selectors.list_get(user=request.user, pk=pk)
    try:
        new = services.supplementary_list_create(actor=request.user, original=bl)
    except (DomainError, Refused) as err:
        messages.error(request, err.message if hasattr(err, "message") else str(err))
        return redirect("programmes:list_detail", pk=pk)
    messages.success(request, f"Đã lập danh sách bổ sung cho {bl}.")
    return redirect("programmes:list_detail", pk=new.pk)


def _date(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(RowFlag.objects.select_related("row__beneficiary_list"), pk=pk)
    bl = selectors.list_get(user=request.user, pk=flag.row.beneficiary_list_id)
    try:
        services.flag_resolve(actor=request.user, flag=flag, resolution=request.POST.get("resolution", ""),
                              justification=request.POST.get("justification", ""))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("programmes:list_detail", pk=bl.pk)


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The list as posted on the commune notice board (.xlsx)."""
    import io

    from ansinh.core.xlsx import write_sheet

    _require_reader(request.user)
    bl = selectors.list_get(user=request.user, pk=pk)
    rows = selectors.list_rows(beneficiary_list=bl).filter(excluded=False)
    buffer = io.BytesIO()
    write_sheet(buffer, title_lines=[f"DANH SÁCH {str(bl).upper()}", bl.programme.name,
                                     f"Quyết định số {bl.decision_number}" if bl.decision_number else "Dự thảo"],
                headers=["STT", "Họ và tên", "Năm sinh", "Thôn/xóm", "Nhóm", "Số tháng", "Số tiền"],
                rows=[(i, r.person.full_name, r.person.birth_display,
                       getattr(r.person.household, "village", ""), bl.group.code, r.months, r.amount)
                      for i, r in enumerate(rows, start=1)], money_columns=[6])
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="niem-yet-{bl.pk}.xlsx"'
    return response


RESOLUTIONS = Resolution.choices


# --- groups 1–4: lists uploaded from Excel -------------------------------------------------------------


def _upload_communes(user):
    from ansinh.geo.models import Level, Structure
    from ansinh.geo.selectors import communes_in_area

    if user.area is None:
        return []
    return list(communes_in_area(user.area).filter(level=Level.COMMUNE, structure=Structure.CURRENT)
                .order_by("name")[:2000])


@login_required
def upload_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the group (Mẫu 01–04) and the commune, send the file."""
    from ansinh.core.errors import PermissionDenied as Refused
    from ansinh.programmes import uploads

    _require_reader(request.user)
    programme = get_object_or_404(selectors.programmes_for_user(user=request.user), pk=pk)
    if not uploads.can_upload(request.user):
        raise HttpForbidden("Vai trò của bạn không tải lên danh sách.")
    groups = [g for g in programme.groups.filter(source="excel").order_by("order") if g.template in uploads.TEMPLATES
              and uploads.can_upload(request.user, g)]
    communes = _upload_communes(request.user)
    if request.method == "POST":
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        commune = next((c for c in communes if str(c.pk) == request.POST.get("commune")), None)
        upload_file = request.FILES.get("file")
        if group is None or commune is None or upload_file is None:
            messages.error(request, "Chọn nhóm, xã/phường và tệp danh sách (.xlsx, .xls, .csv).")
        else:
            try:
                upload, _check = uploads.upload_receive(actor=request.user, programme=programme, group=group,
                                                        commune=commune, file_name=upload_file.name,
                                                        chunks=upload_file.chunks())
                return redirect("programmes:upload_detail", pk=upload.pk)
            except (DomainError, Refused) as err:
                messages.error(request, err.message if hasattr(err, "message") else str(err))
    return render(request, "programmes/upload_start.html", {
        "programme": programme, "groups": groups, "communes": communes, "params": request.POST})


def _upload_for(request, pk: int):
    from ansinh.programmes.models import ListUpload

    upload = get_object_or_404(ListUpload.objects.select_related("programme", "group", "commune", "beneficiary_list"),
                               pk=pk)
    from ansinh.accounts.permissions import user_covers_commune

    if not (request.user.pk == upload.created_by_id or user_covers_commune(request.user, upload.commune_id)):
        raise HttpForbidden("Tệp này thuộc địa bàn khác.")
    return upload


@login_required
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the check found; commit all rows, or only the valid ones when the officer chooses so."""
    from pathlib import Path

    from ansinh.core.errors import PermissionDenied as Refused
    from ansinh.programmes import uploads
    from ansinh.programmes.models import UploadStatus

    _require_reader(request.user)
    upload = _upload_for(request, pk)
    if request.method == "POST" and upload.status != UploadStatus.COMMITTED:
        try:
            bl = uploads.upload_commit(actor=request.user, upload=upload, valid_only=request.POST.get("valid_only") == "1")
            messages.success(request, f"Đã ghi {upload.__class__.objects.get(pk=upload.pk).written_rows} người vào {bl}.")
            return redirect("programmes:list_detail", pk=bl.pk)
        except (DomainError, Refused) as err:
            messages.error(request, err.message if hasattr(err, "message") else str(err))
    check, problem = None, ""
    if upload.status != UploadStatus.COMMITTED:
        try:
            target = uploads.target_list(upload.programme, upload.group, upload.commune)
            check = uploads.upload_check(programme=upload.programme, group=upload.group, commune=upload.commune,
                                         path=Path(upload.stored_path), target=target)
        except DomainError as err:
            problem = err.message
    return render(request, "programmes/upload_detail.html", {"upload": upload, "check": check, "problem": problem})


@login_required
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The file's rows as sent, plus the column «Lỗi» (.xlsx)."""
    import tempfile
    from pathlib import Path

    from ansinh.programmes import uploads

    _require_reader(request.user)
    upload = _upload_for(request, pk)
    target = uploads.target_list(upload.programme, upload.group, upload.commune)
    check = uploads.upload_check(programme=upload.programme, group=upload.group, commune=upload.commune,
                                 path=Path(upload.stored_path), target=target)
    with tempfile.TemporaryDirectory() as tmp:
        data = uploads.error_report(check, Path(tmp) / "bao-cao-loi.xlsx").read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-loi-{upload.pk}.xlsx"'
    return response


@login_required
def upload_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty form (Mẫu 01–04) with an example row."""
    import tempfile
    from pathlib import Path

    from ansinh.programmes import uploads
    from ansinh.programmes.models import BeneficiaryGroup

    _require_reader(request.user)
    group = get_object_or_404(BeneficiaryGroup, pk=pk)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = uploads.template_write(group, Path(tmp) / "mau.xlsx").read_bytes()
    except DomainError as err:
        raise HttpForbidden(err.message) from err
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    code = group.template.replace(" ", "-").replace("ẫ", "a")
    response["Content-Disposition"] = f'attachment; filename="{code}-nhom-{group.code}.xlsx"'
    return response
