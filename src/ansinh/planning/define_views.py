"""The pages that define the plan: indicators, targets (versioned, with their history), report forms and the units'
reporting obligations, tasks, and conclusions composed section by section; and the pages that correct them (an
indicator's definition, a task with its deadline history, a conclusion's paragraphs until it is issued). Thin: a
form binds, one service decides (its refusal goes back next to the field it names), a confirmation message follows
each action.

Who (``permissions.py``): every reader reads (targets and obligations of the units of their area only; another
unit's object is a 404); the planners (provincial specialists) define — any other role gets a 403 on the forms."""

from __future__ import annotations

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.planning import forms, selectors
from ansinh.planning.models import Indicator, IssuerLevel, OrgUnit, Section, Source, Target, TaskKind
from ansinh.planning.permissions import can_plan, can_read
from ansinh.planning.queries import QUERIES
from ansinh.planning.services import documents, incoming, plan, reports, tasks


def _reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise HttpForbidden("Vai trò của bạn không xem được kế hoạch, nhiệm vụ và báo cáo của ngành.")


def _planner(request: HttpRequest) -> None:
    if not can_plan(request.user):
        raise HttpForbidden("Chỉ chuyên viên Sở (phụ trách kế hoạch) được định nghĩa chỉ tiêu, giao kế hoạch, chế độ "
                            "báo cáo, nhiệm vụ và kết luận.")


def _submit(request: HttpRequest, form: django_forms.Form, call: Callable[[dict], object],
            fields: dict[str, str] | None = None):
    """A valid form's data to ``call``; a refusal of the service goes next to the field it names (``fields`` maps
    the service's names to the form's), else above the form. The result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as err:
        name = (fields or {}).get(err.field, err.field)
        form.add_error(name if name in form.fields else None, err.message)
        return None


def _bound(request: HttpRequest):
    """The POST data of a form sent (even empty: every field then says it is required), None for a GET."""
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, template: str, context: dict, *forms_: django_forms.Form) -> HttpResponse:
    """422 when a form sent back has errors (the page shows them next to the fields)."""
    failed = request.method == "POST" and any(f.is_bound and f.errors for f in forms_)
    return render(request, template, context, status=422 if failed else 200)


def _units():
    return OrgUnit.objects.order_by("valid_to", "order", "name")


def _changed(request: HttpRequest, changed: list[str], text: str) -> None:
    """The confirmation of a correction, or that there was nothing to save."""
    if changed:
        messages.success(request, text)
    else:
        messages.info(request, "Không có thay đổi nào để lưu.")


def _n(value) -> str:
    return vn_number(value, 0 if value == value.to_integral() else 2)


# ---------------------------------------------------------------- indicators

@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    rows = selectors.indicators_for_user(user=request.user).prefetch_related("forms")
    return render(request, "planning/indicators.html", {"rows": rows, "can_plan": can_plan(request.user),
                                                         "active": "indicators"})


@login_required
def indicator_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = forms.IndicatorForm(_bound(request))
    made = _submit(request, form, lambda d: plan.indicator_define(actor=request.user, **d))
    if made is not None:
        messages.success(request, f"Đã thêm chỉ tiêu «{made.name}» (mã {made.code}).")
        return redirect("planning:indicator_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": "Thêm chỉ tiêu", "active": "indicators", "submit": "Lưu chỉ tiêu",
        "back": ("planning:indicator_list", "Danh sách chỉ tiêu")}, form)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    _planner(request)
    form = forms.IndicatorEditForm(_bound(request), initial=forms.IndicatorEditForm.initial_of(indicator),
                                   used=plan.indicator_use(indicator))
    done = _submit(request, form, lambda d: plan.indicator_edit(actor=request.user, indicator=indicator, **d))
    if done is not None:
        made, changed = done
        _changed(request, changed, f"Đã sửa chỉ tiêu «{made.name}» (mã {made.code}): {', '.join(changed)}.")
        return redirect("planning:indicator_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": f"Sửa chỉ tiêu «{indicator.name}»", "active": "indicators", "submit": "Lưu thay đổi",
        "intro": "Mỗi lần sửa được ghi vào nhật ký thao tác. Mã, cách cộng dồn và nguồn số liệu không đổi được khi "
                 "chỉ tiêu đã có kế hoạch giao hoặc số liệu thực hiện.",
        "back_url": reverse("planning:indicator_detail", args=[indicator.pk]), "back_label": "Quay lại chỉ tiêu"},
        form)


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    targets = selectors.targets_for_user(user=request.user).filter(indicator=indicator)
    return render(request, "planning/indicator_detail.html", {
        "indicator": indicator, "targets": targets, "forms": indicator.forms.order_by("code"),
        "can_plan": can_plan(request.user), "active": "indicators", "used": plan.indicator_use(indicator),
        "query": QUERIES.get(indicator.query) if indicator.query else None})


# ---------------------------------------------------------------- targets

@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    years = sorted(set(Target.objects.values_list("year", flat=True)), reverse=True)
    year = int_param(request.GET, "year", minimum=2000, maximum=2100) or (years[0] if years
                                                                          else timezone.localdate().year)
    rows = selectors.targets_for_user(user=request.user, year=year)
    return render(request, "planning/targets.html", {"rows": rows, "year": year, "years": years,
                                                      "can_plan": can_plan(request.user), "active": "targets"})


def _target_message(target: Target) -> str:
    unit = f"{_n(target.value)} {target.indicator.measure_unit}"
    if target.supersedes is None:
        return (f"Đã giao kế hoạch năm {target.year} «{target.indicator.name}» cho {target.unit.name}: {unit}.")
    return (f"Đã điều chỉnh kế hoạch năm {target.year} «{target.indicator.name}» của {target.unit.name} từ "
            f"{_n(target.supersedes.value)} thành {unit} (lần {target.version}); lần giao trước vẫn được giữ.")


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    initial = {"year": timezone.localdate().year}
    for name in ("indicator", "unit"):
        if (pk := int_param(request.GET, name)) is not None:
            initial[name] = pk
    if (year := int_param(request.GET, "year", minimum=2000, maximum=2100)) is not None:
        initial["year"] = year
    form = forms.TargetForm(_bound(request), initial=initial, units=_units(),
                            indicators=Indicator.objects.filter(active=True).order_by("field", "code"))
    made = _submit(request, form, lambda d: plan.target_set(actor=request.user, **d))
    if made is not None:
        messages.success(request, _target_message(made))
        return redirect("planning:target_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": "Giao kế hoạch (chỉ tiêu giao)", "active": "targets", "submit": "Giao kế hoạch",
        "intro": "Đã có kế hoạch của chỉ tiêu, đơn vị và năm này thì đây là một lần điều chỉnh: lần giao trước được "
                 "giữ lại trong lịch sử.", "back": ("planning:target_list", "Kế hoạch giao")}, form)


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    if request.method == "POST":
        _planner(request)
    form = forms.TargetAdjustForm(_bound(request)) if can_plan(request.user) else None
    if form is not None:
        made = _submit(request, form, lambda d: plan.target_set(
            actor=request.user, indicator=target.indicator, unit=target.unit, year=target.year, **d))
        if made is not None:
            messages.success(request, _target_message(made))
            return redirect("planning:target_detail", made.pk)
    history = selectors.target_history(indicator=target.indicator, unit=target.unit, year=target.year)
    return _page(request, "planning/target_detail.html", {
        "target": target, "history": history, "form": form, "active": "targets"}, *([form] if form else []))


# ---------------------------------------------------------------- report forms and obligations

@login_required
def report_form_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    obligations = list(selectors.obligations_for_user(user=request.user))
    rows = [(f, [o for o in obligations if o.form_id == f.pk]) for f in selectors.forms_for_user(user=request.user)]
    return render(request, "planning/report_forms.html", {"rows": rows, "can_plan": can_plan(request.user),
                                                           "today": timezone.localdate(), "active": "obligations"})


def _reportable():
    return Indicator.objects.filter(active=True).exclude(source=Source.COMPUTED).order_by("field", "code")


@login_required
def report_form_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = forms.ReportFormForm(_bound(request), indicators=_reportable())
    made = _submit(request, form, lambda d: reports.report_form_define(actor=request.user, **d))
    if made is not None:
        messages.success(request, f"Đã thêm biểu «{made.name}» ({made.get_period_kind_display().lower()}): giao chế "
                                  "độ báo cáo cho từng đơn vị bên dưới.")
        return redirect("planning:report_form_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": "Thêm biểu báo cáo", "active": "obligations", "submit": "Lưu biểu",
        "back": ("planning:report_form_list", "Chế độ báo cáo")}, form)


@login_required
def report_form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report_form = selectors.form_get(user=request.user, pk=pk)
    if request.method == "POST":
        _planner(request)
    form = forms.ObligationForm(_bound(request), units=_units()) if can_plan(request.user) else None
    if form is not None:
        made = _submit(request, form, lambda d: reports.obligation_set(actor=request.user, form=report_form, **d))
        if made is not None:
            messages.success(request, f"Đã giao chế độ báo cáo «{report_form.name}» cho {made.unit.name} từ ngày "
                                      f"{made.valid_from:%d/%m/%Y}; hạn gửi {made.due_days} ngày sau ngày chốt số "
                                      "liệu.")
            return redirect("planning:report_form_detail", pk)
    return _page(request, "planning/report_form_detail.html", {
        "report_form": report_form, "indicators": report_form.indicators.order_by("field", "code"),
        "obligations": selectors.obligations_for_user(user=request.user).filter(form=report_form),
        "form": form, "end_form": forms.ObligationEndForm(), "today": timezone.localdate(),
        "active": "obligations"}, *([form] if form else []))


@login_required
@require_POST
def obligation_end(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = selectors.obligation_get(user=request.user, pk=pk)
    _planner(request)
    form = forms.ObligationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ngày cuối áp dụng: " + " ".join(form.errors.get("last_day", [])))
    else:
        try:
            ended = reports.obligation_end(actor=request.user, obligation=obligation, **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"{ended.unit.name} thôi báo cáo «{ended.form.name}» sau ngày "
                                      f"{ended.valid_to:%d/%m/%Y}; các báo cáo đã lập vẫn được giữ.")
    return redirect("planning:report_form_detail", obligation.form_id)


# ---------------------------------------------------------------- tasks

@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    initial = {"year": timezone.localdate().year, "kind": TaskKind.FRAMEWORK}
    form = forms.TaskForm(_bound(request), initial=initial, units=_units())
    made = _submit(request, form, lambda d: tasks.task_create(actor=request.user, **d))
    if made is not None:
        messages.success(request, f"Đã giao nhiệm vụ {made.code} cho {made.owner.name}, hạn hoàn thành "
                                  f"{made.deadline:%d/%m/%Y}.")
        return redirect("planning:task_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": "Giao nhiệm vụ", "active": "tasks", "submit": "Giao nhiệm vụ",
        "intro": "Đơn vị chủ trì cập nhật tiến độ trên trang của nhiệm vụ; Văn phòng theo dõi tình trạng theo "
                 "QĐ 42/2014/QĐ-TTg.", "back": ("planning:task_list", "Nhiệm vụ")}, form)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    _planner(request)
    if task.completed_on is not None:
        messages.error(request, tasks.completed_refusal(task))
        return redirect("planning:task_detail", pk)
    form = forms.TaskEditForm(_bound(request), initial=forms.TaskEditForm.initial_of(task), units=_units())
    done = _submit(request, form, lambda d: tasks.task_edit(actor=request.user, task=task, **d))
    if done is not None:
        made, changed = done
        _changed(request, changed, f"Đã sửa nhiệm vụ {made.code}: {'; '.join(changed)}.")
        return redirect("planning:task_detail", pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": f"Sửa nhiệm vụ {task.code}", "active": "tasks", "submit": "Lưu thay đổi",
        "intro": f"Giao ngày {task.assigned_on:%d/%m/%Y}. Đổi hạn hoàn thành thì ghi lý do: hạn ban đầu và các lần "
                 "điều chỉnh được giữ trên trang nhiệm vụ; tình trạng theo QĐ 42/2014/QĐ-TTg tính theo hạn đang áp "
                 "dụng.",
        "back_url": reverse("planning:task_detail", args=[pk]), "back_label": "Quay lại nhiệm vụ"}, form)


# ---------------------------------------------------------------- conclusions

@login_required
def conclusion_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(request, "planning/conclusions.html", {
        "rows": selectors.conclusions_for_user(user=request.user), "can_plan": can_plan(request.user),
        "active": "conclusions"})


@login_required
def conclusion_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = forms.ConclusionForm(_bound(request), periods=selectors.periods())
    made = _submit(request, form, lambda d: documents.conclusion_create(actor=request.user, **d))
    if made is not None:
        messages.success(request, f"Đã lập thông báo kết luận «{made.title[:120]}»: thêm từng nội dung theo phần.")
        return redirect("planning:conclusion_detail", made.pk)
    return _page(request, "planning/form.html", {
        "form": form, "title": "Lập thông báo kết luận", "active": "conclusions", "submit": "Lập thông báo",
        "back": ("planning:conclusion_list", "Thông báo kết luận")}, form)


ITEM_FIELDS = {"code": "task_code", "deadline": "task_deadline", "owner": "units", "title": "text"}


def _item_add(request: HttpRequest, conclusion, data: dict):
    task = ({"code": data["task_code"], "deadline": data["task_deadline"], "product": data["task_product"]}
            if data["make_task"] else None)
    return documents.conclusion_item_add(actor=request.user, conclusion=conclusion, section=data["section"],
                                         text=data["text"], heading=data["heading"], numbered=data["numbered"],
                                         units=list(data["units"]), task=task)


@login_required
def conclusion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conclusion = selectors.conclusion_get(user=request.user, pk=pk)
    if request.method == "POST":
        _planner(request)
    composing = can_plan(request.user) and conclusion.document_id is None
    form = forms.ConclusionItemForm(_bound(request), units=_units()) if composing else None
    if request.method == "POST" and form is None:
        messages.error(request, f"Thông báo đã ban hành: số {conclusion.document.symbol}.")
        return redirect("planning:conclusion_detail", pk)
    if form is not None:
        item = _submit(request, form, lambda d: _item_add(request, conclusion, d), ITEM_FIELDS)
        if item is not None:
            created = item.tasks.select_related("owner").first()
            messages.success(request, f"Đã thêm nội dung vào phần «{Section(item.section).label}»"
                                      + (f" và giao nhiệm vụ {created.code} cho {created.owner.name}, hạn "
                                         f"{created.deadline:%d/%m/%Y}." if created else "."))
            return redirect("planning:conclusion_detail", pk)
    sections = selectors.conclusion_sections(conclusion)
    figures = None  # on demand («Kiểm tra số liệu»): the province's figures take a few seconds at full size
    if composing and request.method == "GET" and request.GET.get("so-lieu") == "1":
        try:
            figures = dict(zip(("used", "missing"), documents.conclusion_figures(conclusion), strict=True))
        except DomainError as err:
            figures = {"used": [], "missing": [], "error": err.message}
    return _page(request, "planning/conclusion_detail.html", {
        "conclusion": conclusion, "sections": sections, "form": form, "active": "conclusions", "composing": composing,
        "figures": figures,
        "issue_form": forms.IssueForm(initial={"issued_on": timezone.localdate()}) if composing else None},
        *([form] if form else []))


@login_required
@require_POST
def conclusion_issue(request: HttpRequest, pk: int) -> HttpResponse:
    conclusion = selectors.conclusion_get(user=request.user, pk=pk)
    _planner(request)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ngày ban hành: " + " ".join(form.errors.get("issued_on", [])))
        return redirect("planning:conclusion_detail", pk)
    try:
        doc = documents.conclusion_issue(actor=request.user, conclusion=conclusion, **form.cleaned_data)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("planning:conclusion_detail", pk)
    messages.success(request, f"Đã ban hành thông báo số {doc.symbol} ngày {doc.issued_on:%d/%m/%Y}.")
    return redirect("planning:document_detail", doc.pk)


def _composed_item(request: HttpRequest, pk: int, item: int):
    """The conclusion (404 outside what the user reads), the planner's right (403), the paragraph of this
    conclusion (404); None when the notice is issued (the refusal is then a message)."""
    conclusion = selectors.conclusion_get(user=request.user, pk=pk)
    _planner(request)
    found = selectors.conclusion_item_get(conclusion=conclusion, pk=item)
    if conclusion.document_id is not None:
        messages.error(request, f"Thông báo đã ban hành (số {conclusion.document.symbol}): không sửa, xoá hay đổi thứ "
                                "tự nội dung được nữa.")
        return conclusion, None
    return conclusion, found


def _back_to(conclusion, item_pk: int | None = None) -> HttpResponse:
    url = reverse("planning:conclusion_detail", args=[conclusion.pk])
    return redirect(f"{url}#item-{item_pk}" if item_pk else url)


@login_required
def conclusion_item_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    conclusion, found = _composed_item(request, pk, item)
    if found is None:
        return _back_to(conclusion)
    has_task = bool(found.tasks.all())
    form = forms.ConclusionItemEditForm(_bound(request), initial=forms.ConclusionItemEditForm.initial_of(found),
                                        units=_units(), with_units=not has_task)
    done = _submit(request, form, lambda d: documents.conclusion_item_edit(actor=request.user, item=found, **d))
    if done is not None:
        edited, followed = done
        messages.success(request, f"Đã sửa nội dung trong phần «{Section(edited.section).label}»"
                                  + (f"; nhiệm vụ {', '.join(followed)} cập nhật nội dung theo." if followed else "."))
        return _back_to(conclusion, edited.pk)
    intro = ("Đoạn này đã giao thành nhiệm vụ: đơn vị chủ trì, phối hợp, hạn sửa trên trang của nhiệm vụ; nội dung "
             "nhiệm vụ cập nhật theo nội dung mới nếu chưa được sửa riêng." if has_task else
             "Thông báo chưa ban hành nên còn sửa được.")
    return _page(request, "planning/form.html", {
        "form": form, "title": f"Sửa nội dung – {Section(found.section).label}", "active": "conclusions",
        "submit": "Lưu nội dung", "intro": intro, "back_url": reverse("planning:conclusion_detail", args=[pk]),
        "back_label": "Quay lại thông báo"}, form)


@login_required
def conclusion_item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    conclusion, found = _composed_item(request, pk, item)
    if found is None:
        return _back_to(conclusion)
    if request.method == "POST":
        try:
            label, codes = documents.conclusion_item_remove(actor=request.user, item=found,
                                                            with_tasks=request.POST.get("with_tasks") == "1")
        except DomainError as err:
            messages.error(request, err.message)
            return redirect("planning:conclusion_item_remove", pk, item)
        messages.success(request, f"Đã xoá một đoạn khỏi phần «{label}»"
                                  + (f" và nhiệm vụ {', '.join(codes)} (thông báo chưa ban hành nên nhiệm vụ chưa được "
                                     "giao chính thức)." if codes else "."))
        return _back_to(conclusion)
    linked = selectors.item_tasks(found)
    return render(request, "planning/conclusion_item_remove.html", {
        "conclusion": conclusion, "item": found, "tasks": linked, "active": "conclusions",
        "blocked": any(t.notes_count or t.completed_on or t.progress for t in linked)})


@login_required
@require_POST
def conclusion_item_move(request: HttpRequest, pk: int, item: int, up: bool) -> HttpResponse:
    conclusion, found = _composed_item(request, pk, item)
    if found is None:
        return _back_to(conclusion)
    try:
        documents.conclusion_item_move(actor=request.user, item=found, up=up)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Đã chuyển đoạn «{found.text[:60]}{'…' if len(found.text) > 60 else ''}» "
                                  f"{'lên' if up else 'xuống'} trong phần «{Section(found.section).label}».")
    return _back_to(conclusion, found.pk)


# ---------------------------------------------------------------- the incoming-document register

@login_required
def incoming_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    year = int_param(request.GET, "year", minimum=2000, maximum=2100) or timezone.localdate().year
    level = choice_param(request.GET, "level", IssuerLevel.values)
    text = text_param(request.GET, "q", max_length=100)
    page = Paginator(selectors.incoming_for_user(user=request.user, year=year, level=level, text=text), 50).get_page(
        page_param(request.GET))
    return render(request, "planning/incoming.html", {
        "page": page, "year": year, "level": level, "q": text, "levels": IssuerLevel.choices, "active": "incoming",
        "counts": selectors.incoming_counts(year=year), "can_plan": can_plan(request.user)})


@login_required
def incoming_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = forms.IncomingForm(_bound(request), initial={"received_on": timezone.localdate()}, units=_units())
    made = _submit(request, form, lambda d: incoming.incoming_register(actor=request.user, **d))
    if made is not None:
        messages.success(request, f"Đã vào sổ văn bản đến số {made.seq:02d}/{made.year}: {made.symbol}.")
        return redirect(f"{reverse('planning:incoming_list')}?year={made.year}")
    return _page(request, "planning/form.html", {
        "form": form, "title": "Vào sổ văn bản đến", "active": "incoming", "submit": "Vào sổ",
        "intro": "Số đến cấp tự động theo thứ tự nhận trong năm (NĐ 30/2020/NĐ-CP). Văn bản trung ương nhận trong kỳ "
                 "và văn bản của tỉnh do Sở tham mưu được đếm trong báo cáo của kỳ.",
        "back": ("planning:incoming_list", "Sổ văn bản đến")}, form)
