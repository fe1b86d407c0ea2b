"""Pages of vocational education: the vocational specialist's home, institutions, courses and their learners,
graduations and diplomas (with the lookup by number), the rural-worker training support."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import identity_for
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.core.throttle import allow
from ansinh.labour import forms, selectors
from ansinh.labour.checks import LabourRuleError, SupportAmounts, diploma_number_clean
from ansinh.labour.indicators import INDICATORS
from ansinh.labour.models.choices import EnrolmentStatus, SupportStatus, TrainingLevel
from ansinh.labour.permissions import SUPPORT_WORKFLOW, can_prepare_support, can_write_vocational
from ansinh.labour.services import support as support_services
from ansinh.labour.services import vocational
from ansinh.labour.views._common import (
    PAGE_SIZE,
    attempt,
    communes_for,
    form_error,
    require_reader,
)


def _writer(user) -> None:
    if not can_write_vocational(user):
        raise HttpForbidden("Vai trò của bạn không được cập nhật dữ liệu giáo dục nghề nghiệp.")


@login_required
def vocational_home(request: HttpRequest) -> HttpResponse:
    """The vocational specialist's home: this year's enrolment, courses, supports waiting, the diploma lookup."""
    require_reader(request.user)
    year = int_param(request.GET, "year", minimum=2015, maximum=2100) or selectors.latest_year()
    area = request.user.area
    return render(request, "labour/vocational_home.html", {
        "year": year, "summary": selectors.summary(user=request.user, year=year),
        "enrolment": selectors.indicator_table("new_enrolment", str(year), area, by="level").to_dicts(),
        "definition": INDICATORS["new_enrolment"].definition,
        "courses": selectors.courses(user=request.user)[:15], "can_write": can_write_vocational(request.user)})


# ---------------------------------------------------------------- institutions


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    communes = communes_for(request.user)
    form = forms.InstitutionForm(request.POST or None, communes=communes)
    if request.method == "POST":
        _writer(request.user)
        if form.is_valid():
            data = form.cleaned_data
            commune = next(c for c in communes if str(c.pk) == data["commune"])
            details = vocational.InstitutionDetails(code=data["code"], name=data["name"], kind=data["kind"],
                                                    ownership=data["ownership"], commune=commune,
                                                    address=data["address"], capacity=data["capacity"] or 0)
            institution = attempt(request, lambda: vocational.institution_create(actor=request.user, details=details))
            if institution is not None:
                messages.success(request, f"Đã thêm {institution.name}.")
                return redirect("labour:institution_detail", pk=institution.pk)
    return render(request, "labour/institution_list.html", {
        "institutions": selectors.institutions(user=request.user)[:500], "form": form,
        "occupation_form": forms.OccupationForm(), "can_write": can_write_vocational(request.user),
        "occupations": selectors.occupations(user=request.user)[:500]})


@login_required
@require_POST
def occupation_create(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form = forms.OccupationForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: vocational.occupation_create(actor=request.user, **form.cleaned_data),
                "Đã thêm nghề đào tạo.")
    else:
        form_error(request, form)
    return redirect("labour:institution_list")


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    return render(request, "labour/institution_detail.html", {
        "institution": institution, "teachers": institution.teachers.all(),
        "programmes": institution.programmes.all(), "can_write": can_write_vocational(request.user),
        "teacher_form": forms.TeacherForm(),
        "programme_form": forms.ProgrammeForm(occupations=selectors.occupations(user=request.user)[:1000]),
        "courses": selectors.courses(user=request.user, institution_id=institution.pk)[:200]})


@login_required
@require_POST
def teacher_add(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    form = forms.TeacherForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: vocational.teacher_add(actor=request.user, institution=institution,
                                                        **form.cleaned_data), "Đã thêm nhà giáo.")
    else:
        form_error(request, form)
    return redirect("labour:institution_detail", pk=pk)


@login_required
@require_POST
def programme_add(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    occupations = list(selectors.occupations(user=request.user)[:1000])
    form = forms.ProgrammeForm(request.POST, occupations=occupations)
    if form.is_valid():
        occupation = next(o for o in occupations if str(o.pk) == form.cleaned_data["occupation"])
        attempt(request, lambda: vocational.programme_create(
            actor=request.user, institution=institution, occupation=occupation, level=form.cleaned_data["level"],
            duration_months=form.cleaned_data["duration_months"]), "Đã thêm chương trình đào tạo.")
    else:
        form_error(request, form)
    return redirect("labour:institution_detail", pk=pk)


# ---------------------------------------------------------------- courses and learners


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    level = choice_param(request.GET, "level", TrainingLevel.values)
    page = page_param(request.GET)
    rows = list(selectors.courses(user=request.user, level=level)[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "labour/course_list.html", {
        "courses": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "level": level,
        "levels": TrainingLevel.choices, "can_write": can_write_vocational(request.user)})


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    _writer(request.user)
    programmes = list(selectors.programmes(user=request.user)[:2000])
    communes = communes_for(request.user)
    form = forms.CourseForm(request.POST or None, programmes=programmes, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = next(p for p in programmes if str(p.pk) == data["programme"])
        commune = next(c for c in communes if str(c.pk) == data["commune"])
        details = vocational.CourseDetails(code=data["code"], start_date=data["start_date"], end_date=data["end_date"],
                                           commune=commune, planned_learners=data["planned_learners"] or 0,
                                           rural_support=data["rural_support"])
        course = attempt(request, lambda: vocational.course_create(actor=request.user, programme=programme,
                                                                    details=details))
        if course is not None:
            messages.success(request, f"Đã mở {course}.")
            return redirect("labour:course_detail", pk=course.pk)
    return render(request, "labour/form.html", {"form": form, "title": "Mở khoá học (lớp)",
                                                "back": redirect("labour:course_list").url})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    status = choice_param(request.GET, "status", EnrolmentStatus.values)
    learners = [{"e": e, "identity": identity_for(request.user, e.person.pid or e.person.cmnd)}
                for e in selectors.enrolments(user=request.user, course=course, status=status)[:1000]]
    return render(request, "labour/course_detail.html", {
        "course": course, "learners": learners, "status": status, "statuses": EnrolmentStatus.choices,
        "form": forms.EnrolmentForm(), "can_write": can_write_vocational(request.user),
        "imports": selectors.enrolment_imports(user=request.user).filter(course=course)[:10]})


@login_required
@require_POST
def enrolment_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    form = forms.EnrolmentForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: vocational.enrolment_create(
            actor=request.user, course=course, identity_number=form.cleaned_data["identity"],
            enrolled_on=form.cleaned_data["enrolled_on"]), "Đã ghi người học vào lớp.")
    else:
        form_error(request, form)
    return redirect("labour:course_detail", pk=pk)


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    support = enrolment.support if hasattr(enrolment, "support") else None
    return render(request, "labour/enrolment_detail.html", {
        "e": enrolment, "identity": identity_for(request.user, enrolment.person.pid or enrolment.person.cmnd),
        "diploma": enrolment.diploma if hasattr(enrolment, "diploma") else None,
        "support": support, "can_write": can_write_vocational(request.user),
        "can_prepare": can_prepare_support(request.user), "finish_form": forms.FinishForm(),
        "diploma_form": forms.DiplomaForm(), "support_form": forms.SupportForm()})


@login_required
@require_POST
def enrolment_finish(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    form = forms.FinishForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: vocational.enrolment_finish(actor=request.user, enrolment=enrolment,
                                                             **form.cleaned_data), "Đã ghi kết quả học tập.")
    else:
        form_error(request, form)
    return redirect("labour:enrolment_detail", pk=pk)


@login_required
@require_POST
def diploma_issue(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    form = forms.DiplomaForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: vocational.diploma_issue(actor=request.user, enrolment=enrolment,
                                                          **form.cleaned_data), "Đã ghi văn bằng, chứng chỉ.")
    else:
        form_error(request, form)
    return redirect("labour:enrolment_detail", pk=pk)


@login_required
def diploma_lookup(request: HttpRequest) -> HttpResponse:
    """Verify a diploma or certificate by its number (rate-limited: 30 look-ups a minute per user)."""
    require_reader(request.user)
    typed = text_param(request.GET, "so", max_length=40)
    number, diploma, problem = "", None, ""
    if typed:
        try:
            number = diploma_number_clean(typed)
        except LabourRuleError as err:
            problem = str(err)
        else:
            if allow(scope="labour.diploma_lookup", key=request.user.pk, limit=30):
                diploma = selectors.diploma_lookup(user=request.user, number=number)
            else:
                problem = "Bạn đã tra cứu quá nhiều lần trong một phút; hãy thử lại sau."
    return render(request, "labour/diploma_lookup.html", {
        "typed": typed, "number": number, "diploma": diploma, "problem": problem, "searched": bool(typed)})


# ---------------------------------------------------------------- the training support


@login_required
@require_POST
def support_propose(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    form = forms.SupportForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect("labour:enrolment_detail", pk=pk)
    data = form.cleaned_data
    amounts = SupportAmounts(learner_group=data["learner_group"], funding=data["funding"],
                             training_cost=data["training_cost"] or 0, study_days=data["study_days"] or 0,
                             meal_amount=data["meal_amount"] or 0, travel_amount=data["travel_amount"] or 0,
                             course_start=enrolment.course.start_date)
    support = attempt(request, lambda: support_services.support_propose(actor=request.user, enrolment=enrolment,
                                                                       amounts=amounts))
    if support is not None:
        messages.success(request, "Đã lập đề nghị hỗ trợ đào tạo (dự thảo).")
        return redirect("labour:support_detail", pk=support.pk)
    return redirect("labour:enrolment_detail", pk=pk)


@login_required
def support_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    status = choice_param(request.GET, "status", SupportStatus.values)
    page = page_param(request.GET)
    rows = list(selectors.supports(user=request.user, status=status)[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "labour/support_list.html", {
        "supports": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "status": status,
        "statuses": SupportStatus.choices, "definition": INDICATORS["rural_trained"].definition})


@login_required
def support_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support = selectors.support_get(user=request.user, pk=pk)
    return render(request, "labour/support_detail.html", {
        "s": support, "steps": SUPPORT_WORKFLOW.available(request.user, support),
        "events": SUPPORT_WORKFLOW.events(support)})


@login_required
@require_POST
def support_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    support = selectors.support_get(user=request.user, pk=pk)
    user, post = request.user, request.POST
    decision_date = forms.DayField(required=False)
    paid_field = forms.DayField(required=False)

    def day(field, name):
        try:
            return field.clean(post.get(name, ""))
        except ValidationError:
            return None

    actions = {
        "submit": lambda: support_services.support_submit(actor=user, support=support),
        "return": lambda: support_services.support_return(actor=user, support=support,
                                                          reason=post.get("reason", "")[:500]),
        "approve": lambda: support_services.support_approve(
            actor=user, support=support, decision_number=post.get("decision_number", "")[:60],
            decision_date=day(decision_date, "decision_date")),
        "pay": lambda: support_services.support_pay(actor=user, support=support,
                                                    paid_on=day(paid_field, "paid_on"),
                                                    voucher=post.get("voucher", "")[:60]),
    }
    if step not in actions:
        raise Http404("Bước không hợp lệ.")
    attempt(request, actions[step], f"Đã thực hiện: {SUPPORT_WORKFLOW.step_label(step).lower()}.")
    return redirect("labour:support_detail", pk=pk)
