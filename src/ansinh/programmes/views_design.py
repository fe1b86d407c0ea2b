"""Thin views of the programme designer: bind the forms, call one service, render. Only provincial specialists
design; leaders approve or return; any other role gets a 404 (the designs are not theirs to know of)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.params import int_param, text_param
from ansinh.programmes import selectors
from ansinh.programmes.forms import (
    GroupFormSet,
    ProgrammeForm,
    SourceFormSet,
    design_from_forms,
    initial_from_programme,
    place_problems,
)
from ansinh.programmes.models import NCC_CATEGORY_CHOICES, ProgrammeStatus, Register
from ansinh.programmes.permissions import PROGRAMME_WORKFLOW, can_design, can_see_designs
from ansinh.programmes.rules import rules_amount_variables
from ansinh.programmes.services import design

FUNDING_SUGGESTIONS = ("Ngân sách trung ương", "Ngân sách tỉnh", "Ngân sách huyện, xã",
                       "Quỹ Thiện tâm – Tập đoàn Vingroup", "Quỹ Vì người nghèo", "Cộng đồng, dòng họ và hộ gia đình")
BLANK_SOURCES, BLANK_GROUPS = 1, 1


def group_rows(programme) -> list[tuple]:
    """(group, rules variable label, register labels, NCC category labels) for the pages."""
    labels, registers, categories = rules_amount_variables(), dict(Register.choices), dict(NCC_CATEGORY_CHOICES)
    return [(g, labels.get(g.rules_variable, ""), [str(registers.get(r, r)) for r in g.registers],
             [categories.get(c, c) for c in g.ncc_categories]) for g in programme.groups.all()]


def _require_seer(user) -> None:
    if not can_see_designs(user):
        raise Http404("Không tìm thấy trang.")


@login_required
def design_list(request: HttpRequest) -> HttpResponse:
    _require_seer(request.user)
    return render(request, "programmes/design_list.html", {
        "designs": selectors.designs_for_user(user=request.user)[:200], "can_design": can_design(request.user)})


def _forms(request, initial: dict | None = None, sources: list | None = None, groups: list | None = None):
    if request.method == "POST":
        return (ProgrammeForm(request.POST), SourceFormSet(request.POST, prefix="nguon"),
                GroupFormSet(request.POST, prefix="nhom"))
    sources = (sources or []) + [{}] * BLANK_SOURCES
    groups = (groups or []) + [{}] * BLANK_GROUPS
    return (ProgrammeForm(initial=initial), SourceFormSet(initial=sources, prefix="nguon"),
            GroupFormSet(initial=groups, prefix="nhom"))


ADD_ROW = "them-dong"  # the «+ Thêm …» buttons submit the form without scripts: the same page, one blank row more


def _add_row_forms(request):
    """The typed form again with one more blank source or group row, no error shown (nothing is saved): how the
    «+ Thêm …» buttons work without JavaScript (with it, htmx adds the row in place through ``design_row``)."""
    kind = request.POST.get(ADD_ROW)
    formsets = {"nguon": SourceFormSet, "nhom": GroupFormSet}
    if kind not in formsets:
        return None
    data = request.POST.copy()
    key = f"{kind}-TOTAL_FORMS"
    count = int_param(data, key, minimum=0, maximum=10**6)
    if count is not None and count < formsets[kind].max_num:
        data[key] = str(count + 1)
    forms = (ProgrammeForm(data), SourceFormSet(data, prefix="nguon"), GroupFormSet(data, prefix="nhom"))
    for form in (forms[0], *forms[1].forms, *forms[2].forms):
        form._errors = ErrorDict()  # shown as typed: the checks run when the draft is saved
    for formset in forms[1:]:
        formset._non_form_errors = formset.error_class()
    return forms


def _bound_design(request, form, sources, groups) -> design.ProgrammeDesign | None:
    """The typed definition, or None: the typing errors stay next to their fields, one message says so."""
    if not sources.is_valid() or not groups.is_valid():
        # every form is checked (each shows its own errors); a forged management form is the formset's own
        broken = sources.non_form_errors() or groups.non_form_errors()
        messages.error(request, "Biểu mẫu không hợp lệ: tải lại trang và nhập lại." if broken and not any(
            f.errors for f in (*sources.forms, *groups.forms)) else _COUNT_MESSAGE.format(_count(form, sources,
                                                                                                 groups)))
        form.is_valid()
        return None
    if not form.is_valid():
        messages.error(request, _COUNT_MESSAGE.format(_count(form, sources, groups)))
        return None
    return design_from_forms(form, sources.forms, groups.forms)


_COUNT_MESSAGE = "Chưa lưu: {} — xem các ô có ghi chú màu đỏ bên dưới, sửa rồi bấm «Lưu dự thảo» lại."


def _count(form, sources, groups) -> str:
    count = sum(len(errors) for f in (form, *sources.forms, *groups.forms) for errors in f.errors.values())
    return f"{vn_number(count)} chỗ cần sửa" if count != 1 else "1 chỗ cần sửa"


def _refused(request, err: DomainError, form, sources, groups) -> dict[str, list[str]]:
    """The service's refusal next to the fields (a refusal without places: the message on top)."""
    if isinstance(err, design.DesignRefused):
        general = place_problems(err.problems, form, sources, groups)
        messages.error(request, _COUNT_MESSAGE.format(
            f"{vn_number(len(err.problems))} chỗ cần sửa" if len(err.problems) != 1 else "1 chỗ cần sửa"))
        return general
    if err.field and err.field in form.fields:
        form.add_error(err.field, err.message)
    messages.error(request, err.message)
    return {}


def _render_form(request, form, sources, groups, programme=None, general=None) -> HttpResponse:
    return render(request, "programmes/design_form.html", {
        "form": form, "sources": sources, "groups": groups, "programme": programme,
        "main_errors": (general or {}).get(""), "sources_errors": (general or {}).get("sources"),
        "groups_errors": (general or {}).get("groups"),
        "suggestions": FUNDING_SUGGESTIONS, "max_sources": SourceFormSet.max_num, "max_groups": GroupFormSet.max_num})


@login_required
def design_row(request: HttpRequest, kind: str) -> HttpResponse:
    """One more blank source or group row for the form (htmx), with the formset's new count."""
    if not can_design(request.user):
        raise Http404("Không tìm thấy trang.")
    formset, template = {"nguon": (SourceFormSet, "programmes/_design_source_row.html"),
                         "nhom": (GroupFormSet, "programmes/_design_group.html")}.get(kind, (None, ""))
    if formset is None:
        raise Http404("Không tìm thấy trang.")
    typed = request.GET.get(f"{kind}-TOTAL_FORMS")
    index = 0 if typed is None else int_param(request.GET, f"{kind}-TOTAL_FORMS", minimum=0, maximum=10**6)
    if index is None:
        raise Http404("Không tìm thấy trang.")
    if index >= formset.max_num:
        text = f"Đã đủ {formset.max_num} {'nhóm' if kind == 'nhom' else 'nguồn'}, không thêm được nữa."
        return HttpResponse(f'<div class="alert alert-warning small" role="alert">{text}</div>' if kind == "nhom"
                            else f'<tr><td colspan="3" class="text-warning small">{text}</td></tr>')
    row = formset(prefix=kind).form(prefix=f"{kind}-{index}", empty_permitted=True, use_required_attribute=False)
    return render(request, template, {"f": row, "number": index + 1, "kind": kind, "total": index + 1,
                                      "oob": True})


@login_required
def design_create(request: HttpRequest) -> HttpResponse:
    if not can_design(request.user):
        raise Http404("Không tìm thấy trang.")
    if request.method == "POST" and (added := _add_row_forms(request)):
        return _render_form(request, *added)
    form, sources, groups = _forms(request)
    general = None
    if request.method == "POST":
        data = _bound_design(request, form, sources, groups)
        if data is not None:
            try:
                programme = design.programme_design_create(actor=request.user, data=data,
                                                           province_code=settings.ANSINH_PROVINCE_CODE)
            except DomainError as err:
                general = _refused(request, err, form, sources, groups)
            else:
                messages.success(request, f"Đã lưu dự thảo chương trình «{programme.name}» "
                                          f"({programme.groups.count()} nhóm đối tượng).")
                return redirect("programmes:design_detail", pk=programme.pk)
    return _render_form(request, form, sources, groups, general=general)


@login_required
def design_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a form for the specialists; otherwise the definition, its history and the steps."""
    programme = selectors.design_get(user=request.user, pk=pk)
    editable = programme.status == ProgrammeStatus.DRAFT and PROGRAMME_WORKFLOW.can(request.user, "edit")
    if editable and (request.method == "POST" or request.GET.get("sua") == "1"):
        if request.method == "POST" and (added := _add_row_forms(request)):
            return _render_form(request, *added, programme)
        form, sources, groups = _forms(request, *initial_from_programme(programme))
        general = None
        if request.method == "POST":
            data = _bound_design(request, form, sources, groups)
            if data is not None:
                try:
                    programme = design.programme_design_update(actor=request.user, programme=programme, data=data)
                except DomainError as err:
                    general = _refused(request, err, form, sources, groups)
                else:
                    messages.success(request, f"Đã lưu thay đổi của chương trình «{programme.name}».")
                    return redirect("programmes:design_detail", pk=programme.pk)
        return _render_form(request, form, sources, groups, programme, general)
    if request.method == "POST":
        raise Http404("Chương trình này không sửa được.")
    return render(request, "programmes/design_detail.html", {
        "programme": programme, "groups": group_rows(programme),
        "sources_total": sum(s.amount for s in programme.funding_sources.all()), "editable": editable,
        "steps": PROGRAMME_WORKFLOW.available(request.user, programme), "events": PROGRAMME_WORKFLOW.events(programme)})


@login_required
@require_POST
def design_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    programme = selectors.design_get(user=request.user, pk=pk)
    user, note = request.user, text_param(request.POST, "note", max_length=2000, multiline=True)
    actions = {
        "submit": (lambda: design.programme_submit(actor=user, programme=programme, note=note),
                   "Đã trình phê duyệt chương trình «{}»."),
        "approve": (lambda: design.programme_approve(actor=user, programme=programme, note=note),
                    "Đã phê duyệt chương trình «{}»: từ nay lập được danh sách, tải lên và chi trả."),
        "return": (lambda: design.programme_return(actor=user, programme=programme,
                                                   reason=text_param(request.POST, "reason", max_length=2000,
                                                                     multiline=True)),
                   "Đã trả lại chương trình «{}» để sửa."),
    }
    if step not in actions:
        raise Http404("Bước không hợp lệ.")
    action, done = actions[step]
    try:
        result = action()
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("programmes:design_detail", pk=pk)
    messages.success(request, done.format(result.name))
    if result.status == ProgrammeStatus.APPROVED:
        return redirect("programmes:programme_detail", pk=pk)
    return redirect("programmes:design_detail", pk=pk)
