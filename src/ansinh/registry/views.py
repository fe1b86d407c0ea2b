"""Thin views: bind input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes, can_see_identity, identity_for
from ansinh.core.errors import DomainError
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.registry import selectors, services
from ansinh.registry.access_log import access_identity_lookup, access_view
from ansinh.registry.forms import (
    ChangeHeadForm,
    DeathForm,
    HouseholdForm,
    MemberForm,
    MoveForm,
    PersonForm,
    RemoveMemberForm,
)
from ansinh.registry.models import Membership, Person, Sex
from ansinh.registry.permissions import can_edit_registry, can_read_registry

PAGE_SIZE = 50


def _bind_error(form, err: DomainError) -> None:
    if err.field and err.field in form.fields:
        form.add_error(err.field, err.message)
    elif err.field == "birth_date" and "birth" in form.fields:
        form.add_error("birth", err.message)
    else:
        form.add_error(None, err.message)


def _require_reader(user) -> None:
    if not can_read_registry(user):
        raise HttpForbidden("Vai trò của bạn không xem được cơ sở dữ liệu hộ, nhân khẩu.")


def _looks_like_identity(query: str) -> bool:
    digits = "".join(ch for ch in query if ch.isdigit())
    return len(digits) >= 6 and len(digits) == len(query.replace(" ", ""))


def _is_complete_identity(query: str) -> bool:
    digits = "".join(ch for ch in query if ch.isdigit())
    return len(digits) in (9, 10, 12) and len(digits) == len(query.replace(" ", ""))


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """The search. The form is sent by POST, so that an identity number typed in the box never lands in a URL
    (server logs, browser history, referrers); a GET with a number in ``q`` is not searched."""
    _require_reader(request.user)
    params = request.POST if request.method == "POST" else request.GET
    query = text_param(params, "q", max_length=120)
    refused = request.method != "POST" and _looks_like_identity(query)
    persons = selectors.persons_for_user(
        user=request.user, query="" if refused else query, commune_id=int_param(params, "commune"),
        sex=choice_param(params, "sex", Sex.values), age_band=choice_param(params, "age", selectors.AGE_BANDS),
        status=choice_param(params, "status", selectors.STATUSES),
    )
    page = page_param(params)
    rows = [] if refused else list(persons[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    if rows and request.method == "POST" and _is_complete_identity(query):
        # a complete number names who it is: the look-up is in the access log with the people it found
        access_identity_lookup(actor=request.user, persons=[p.pk for p in rows[:PAGE_SIZE]],
                               what="Tra cứu nhân khẩu theo số định danh", identity_shown=can_see_identity(request.user))
    context = {
        "rows": [(p, identity_for(request.user, p.pid), identity_for(request.user, p.cmnd)) for p in rows[:PAGE_SIZE]],
        "has_next": len(rows) > PAGE_SIZE, "page": page, "params": {**params.dict(), "q": "" if refused else query},
        "refused_identity_in_url": refused,
        "communes": area_current_communes(request.user), "sexes": Sex.choices, "age_bands": selectors.AGE_BANDS,
        "statuses": [("alive", "Còn sống"), ("dead", "Đã mất"), ("no_id", "Chưa có giấy tờ"),
                     ("cmnd_only", "Chỉ có CMND"), ("year_only", "Chỉ có năm sinh")],
    }
    template = "registry/_person_rows.html" if request.htmx else "registry/person_list.html"
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # No page-level role check before the selector: a role that never reads the registry gets the selector's
    # 404, the same answer as for a person who does not exist (a 403 would confirm that the person exists).
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    user = request.user
    access_view(actor=user, persons=[person.pk], obj=person, what="Xem hồ sơ nhân khẩu",
                identity_shown=can_see_identity(user) and bool(person.pid or person.cmnd or person.social_insurance_no))
    return render(request, "registry/person_detail.html", {
        "person": person,
        "pid": identity_for(user, person.pid), "cmnd": identity_for(user, person.cmnd),
        "bhxh": identity_for(user, person.social_insurance_no),
        "memberships": person.memberships.select_related("household").order_by("-joined_date"),
        "history": selectors.record_history(obj=person),
        "can_edit": can_edit_registry(request.user),
        "death_form": DeathForm(),
    })


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    if not can_edit_registry(request.user):
        raise HttpForbidden
    initial = {"full_name": person.full_name, "sex": person.sex, "birth": person.birth_display,
               "ethnicity_code": person.ethnicity_code, "pid": person.pid, "cmnd": person.cmnd,
               "social_insurance_no": person.social_insurance_no, "phone": person.phone}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.person_update(actor=request.user, person=person, **form.person_data())
        except DomainError as err:
            _bind_error(form, err)
        else:
            messages.success(request, f"Đã lưu thông tin {saved.full_name}.")  # the new name, not the one before
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_death(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = DeathForm(request.POST)
    if form.is_valid():
        try:
            services.person_record_death(actor=request.user, person=person, death_date=form.cleaned_data["death"].date)
            messages.success(request, f"Đã ghi nhận {person.full_name} mất.")
        except DomainError as err:
            messages.error(request, err.message)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("registry:person_detail", pk=person.pk)


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    page = page_param(request.GET)
    households = selectors.households_for_user(user=request.user, query=text_param(request.GET, "q", max_length=120),
                                               commune_id=int_param(request.GET, "commune"))
    rows = list(households[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "registry/household_list.html", {
        "rows": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "params": request.GET,
        "communes": area_current_communes(request.user), "can_edit": can_edit_registry(request.user),
    })


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)  # a refused household is a 404
    return _household_page(request, household)


def _household_page(request, household, *, member_form=None, move_form=None, status=200):
    members = [(m, identity_for(request.user, m.person.pid)) for m in selectors.household_members(household=household)]
    if status == 200:
        access_view(actor=request.user, persons=sorted({m.person_id for m, _ in members}), obj=household,
                    what=f"Xem hộ {household.code} và các thành viên",
                    identity_shown=can_see_identity(request.user) and any(m.person.pid for m, _ in members))
    return render(request, "registry/household_detail.html", {
        "household": household, "members": members,
        "current_members": [m for m, _ in members if m.left_date is None],
        "history": selectors.household_history(household=household),
        "can_edit": can_edit_registry(request.user),
        "member_form": member_form or MemberForm(),
        "move_form": move_form or MoveForm(communes=area_current_communes(request.user),
                                           initial={"commune": household.commune_id, "village": household.village}),
    }, status=status)


@login_required
@require_POST
def household_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    if not can_edit_registry(request.user):  # the page would not show the form, so not its error either
        raise HttpForbidden
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            person = services.household_add_member(
                actor=request.user, household=household, relationship=form.cleaned_data["relationship"],
                joined_date=form.cleaned_data["joined"].date if form.cleaned_data["joined"] else None,
                **form.person_data(),
            )
        except DomainError as err:
            _bind_error(form, err)
        else:
            messages.success(request, f"Đã thêm {person.full_name} vào hộ.")
            return redirect("registry:household_detail", pk=household.pk)
    return _household_page(request, household, member_form=form, status=422)


@login_required
@require_POST
def household_remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    form = RemoveMemberForm(request.POST)
    if form.is_valid():
        membership = get_object_or_404(Membership, pk=form.cleaned_data["membership_id"], household=household)
        try:
            services.household_remove_member(actor=request.user, membership=membership,
                                             left_date=form.cleaned_data["left"].date,
                                             reason=form.cleaned_data["reason"])
            messages.success(request, f"{membership.person.full_name} đã rời hộ.")
        except DomainError as err:
            messages.error(request, err.message)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("registry:household_detail", pk=household.pk)


@login_required
@require_POST
def household_change_head(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    form = ChangeHeadForm(request.POST)
    if form.is_valid():
        person = get_object_or_404(Person, pk=form.cleaned_data["person_id"], household=household)
        try:
            services.household_change_head(actor=request.user, household=household, new_head=person)
            messages.success(request, f"Chủ hộ mới: {person.full_name}.")
        except DomainError as err:
            messages.error(request, err.message)
    return redirect("registry:household_detail", pk=household.pk)


@login_required
@require_POST
def household_move(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    if not can_edit_registry(request.user):  # the page would not show the form, so not its error either
        raise HttpForbidden
    form = MoveForm(request.POST, communes=area_current_communes(request.user))
    if form.is_valid():
        try:
            services.household_move(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as err:
            _bind_error(form, err)
        else:
            messages.success(request, "Đã chuyển địa chỉ của hộ.")
            return redirect("registry:household_detail", pk=household.pk)
    return _household_page(request, household, move_form=form, status=422)


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_registry(request.user):
        raise HttpForbidden
    form = HouseholdForm(request.POST or None, communes=area_current_communes(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_create(
                actor=request.user, commune=data["commune"], village=data["village"],
                address_detail=data["address_detail"], head=form.person_data(),
            )
        except DomainError as err:
            _bind_error(form, err)
        else:
            messages.success(request, f"Đã đăng ký hộ {household.code}.")
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form})
