"""Thin views of the dossiers app: bind the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes
from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.params import choice_param, page_param, text_param
from ansinh.dossiers import renderers, selectors, services
from ansinh.dossiers.forms import DossierForm, LendForm, LocationForm, ReturnForm, ScanForm, ZipForm
from ansinh.dossiers.imports import SCAN_ZIP_KIND
from ansinh.dossiers.models import DigitisationStatus, DossierCategory, OcrStatus
from ansinh.dossiers.permissions import can_check, can_import, can_keep, can_read

CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}


def _reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise HttpForbidden("Bạn không có quyền xem hồ sơ lưu trữ.")


def _keeper(request: HttpRequest) -> None:
    if not can_keep(request.user):
        raise HttpForbidden("Bạn không có quyền cập nhật hồ sơ lưu trữ.")


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    query = text_param(request.GET, "q")
    status = choice_param(request.GET, "status", DigitisationStatus.values)
    category = choice_param(request.GET, "category", DossierCategory.values)
    qs = selectors.dossiers_for_user(user=request.user, query=query, status=status, category=category)
    page = Paginator(qs, 50).get_page(page_param(request.GET))
    return render(request, "dossiers/dossier_list.html", {
        "page": page, "query": query, "status": status, "category": category,
        "statuses": DigitisationStatus.choices, "categories": DossierCategory.choices,
        "can_keep": can_keep(request.user), "can_import": can_import(request.user)})


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    form = DossierForm(request.POST or None, communes=area_current_communes(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            commune = data.pop("commune")
            dossier = services.dossier_create(actor=request.user, commune=commune,
                                              details=services.DossierDetails(**data))
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, f"Đã đăng ký hồ sơ {dossier.number}.")
            return redirect("dossiers:dossier_detail", dossier.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "dossiers/dossier_form.html", {"form": form}, status=status)


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_for_user(user=request.user, pk=pk)
    documents = selectors.dossier_documents(dossier)
    running = any(v.ocr_status in (OcrStatus.PENDING, OcrStatus.RUNNING) for d in documents for v in d.versions.all())
    context = {"dossier": dossier, "documents": documents, "borrowings": selectors.dossier_borrowings(dossier),
               "can_keep": can_keep(request.user), "can_check": can_check(request.user), "running": running,
               "scan_form": ScanForm(), "lend_form": LendForm(), "return_form": ReturnForm(),
               "location_form": LocationForm(initial={"warehouse": dossier.warehouse, "shelf": dossier.shelf,
                                                      "box": dossier.box})}
    if request.htmx and request.GET.get("part") == "documents":
        return render(request, "dossiers/_documents.html", context)
    return render(request, "dossiers/dossier_detail.html", context)


def _done(request: HttpRequest, pk: int, action) -> HttpResponse:
    try:
        text = action()
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, text)
    return redirect("dossiers:dossier_detail", pk)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def dossier_move(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_for_user(user=request.user, pk=pk)
    _keeper(request)
    form = LocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("dossiers:dossier_detail", pk)
    return _done(request, pk, lambda: f"Đã ghi vị trí mới: {services.dossier_move(actor=request.user, dossier=dossier, **form.cleaned_data).location}.")


@login_required
@require_POST
def dossier_lend(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_for_user(user=request.user, pk=pk)
    _keeper(request)
    form = LendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("dossiers:dossier_detail", pk)
    return _done(request, pk, lambda: f"Đã ghi sổ mượn: {services.dossier_lend(actor=request.user, dossier=dossier, **form.cleaned_data).borrower}.")


@login_required
@require_POST
def borrowing_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.borrowing_for_user(user=request.user, pk=pk)
    _keeper(request)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("dossiers:dossier_detail", loan.dossier_id)
    return _done(request, loan.dossier_id, lambda: f"Đã ghi trả hồ sơ ngày {services.dossier_return(actor=request.user, borrowing=loan, **form.cleaned_data).returned_on:%d/%m/%Y}.")


@login_required
@require_POST
def scan_add(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_for_user(user=request.user, pk=pk)
    _keeper(request)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Chọn tệp bản quét.")
        return redirect("dossiers:dossier_detail", pk)
    data = form.cleaned_data
    return _done(request, pk, lambda: "Đã lưu bản quét «{}» ({} trang); đang nhận dạng chữ.".format(
        *_saved(services.scan_add(actor=request.user, dossier=dossier, title=data["title"], file=data["file"],
                                  file_name=data["file"].name, note=data["note"]))))


def _saved(version) -> tuple[str, int]:
    return version.file_name, version.page_count


@login_required
@require_POST
def scan_replace(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    _keeper(request)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Chọn tệp bản quét.")
        return redirect("dossiers:dossier_detail", document.dossier_id)
    data = form.cleaned_data
    return _done(request, document.dossier_id, lambda: "Đã lưu lần quét {} của «{}»; bản cũ vẫn được giữ.".format(
        (v := services.scan_replace(actor=request.user, document=document, file=data["file"],
                                    file_name=data["file"].name, note=data["note"])).number, v.document.title))


@login_required
@require_POST
def dossier_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.dossier_for_user(user=request.user, pk=pk)
    if not can_check(request.user):
        raise HttpForbidden("Bạn không có quyền kiểm tra hồ sơ.")
    note = text_param(request.POST, "note", max_length=500, multiline=True)
    return _done(request, pk, lambda: f"Đã xác nhận hồ sơ {services.dossier_confirm(actor=request.user, dossier=dossier, note=note).number} khớp bản quét.")


@login_required
@require_POST
def ocr_retry(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_for_user(user=request.user, pk=pk)
    _keeper(request)
    return _done(request, version.document.dossier_id,
                 lambda: f"Đã đưa «{services.ocr_retry(actor=request.user, version=version)}» vào hàng chờ nhận dạng.")


@login_required
def version_file(request: HttpRequest, pk: int) -> FileResponse:
    version = selectors.version_for_user(user=request.user, pk=pk)
    try:
        handle = version.stored_file.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp của bản quét.") from err
    stem = f"{version.document.dossier.number}_{version.document_id}_lan{version.number}.{version.file_format}"
    return FileResponse(handle, filename=stem, content_type=CONTENT_TYPES[version.file_format])


@login_required
def page_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    page = selectors.page_for_user(user=request.user, version_pk=pk, number=number)
    terms = selectors.search_terms(text_param(request.GET, "q"))
    return render(request, "dossiers/page.html", {
        "page": page, "version": page.version, "dossier": page.version.document.dossier, "terms": terms,
        "query": text_param(request.GET, "q"), "text": selectors.highlight(page.text, terms),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < page.version.page_count else None})


@login_required
def page_image(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = selectors.version_for_user(user=request.user, pk=pk)
    try:
        png = renderers.page_png(version, number)
    except (FileNotFoundError, OSError, ValueError) as err:
        raise Http404("Không hiển thị được trang này.") from err
    if png is None:
        raise Http404("Không có trang này.")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _reader(request)
    query = text_param(request.GET, "q")
    hits = selectors.pages_search(user=request.user, query=query) if query else []
    return render(request, "dossiers/search.html", {"query": query, "hits": hits,
                                                    "terms": selectors.search_terms(query)})


@login_required
def campaign(request: HttpRequest) -> HttpResponse:
    _reader(request)
    units, whole = selectors.campaign_progress(user=request.user)
    return render(request, "dossiers/campaign.html", {
        "units": units, "whole": whole, "statuses": DigitisationStatus.choices,
        "chart": renderers.campaign_chart(whole), "can_import": can_import(request.user)})


# ---------------------------------------------------------------- the campaign's zips (shared import lifecycle)

@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise HttpForbidden("Bạn không có quyền nhập bản quét.")
    form = ZipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = imports.import_receive(kind=SCAN_ZIP_KIND, actor=request.user, file=upload, file_name=upload.name)
        except DomainError as err:
            form.add_error("file", err.message)
        else:
            import_views.start_check(record)
            return redirect("dossiers:import_detail", record.pk)
    records = selectors.scan_imports_for_user(user=request.user)[:20]
    return render(request, "dossiers/import_upload.html", {"form": form, "records": records},
                  status=422 if request.method == "POST" else 200)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.scan_import_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, selectors.scan_import_for_user(user=request.user, pk=pk))


@login_required
def import_report(request: HttpRequest, pk: int):
    return import_views.import_report(request, selectors.scan_import_for_user(user=request.user, pk=pk))
