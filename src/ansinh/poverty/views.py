"""Thin views of the poverty review: bind input (``core.params``, the app's forms), call one selector or service,
render. An object outside the user's area is a 404 (selectors); a refusal of a service is a message."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import area_current_communes
from ansinh.core import import_views, imports
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.core.tabular import write_template
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.poverty import charts, classification, forms, renderers, selectors
from ansinh.poverty.checks import CHANGES, TRANSITIONS
from ansinh.poverty.imports import SURVEY_KIND, survey_schema
from ansinh.poverty.models import (
    HousingStatus,
    HousingStep,
    PovertyStatus,
    RoundKind,
    RoundStatus,
    RoundStep,
    Stage,
)
from ansinh.poverty.permissions import (
    HOUSING_WORKFLOW,
    ROUND_WORKFLOW,
    can_classify_year,
    can_import_surveys,
    can_manage_schemes,
    can_open_rounds,
    can_propose_housing,
    can_read_poverty,
)
from ansinh.poverty.services import housing, rounds, surveys
from ansinh.poverty.standards import STANDARD_LABELS, indicators_for, standard_for, uses_scores
from ansinh.registry.access_log import access_export, access_list

PAGE_SIZE = 50
YEAR_MIN, YEAR_MAX = 2015, 2100


def _require_reader(user) -> None:
    if not can_read_poverty(user):
        raise HttpForbidden("Vai trò của bạn không xem được kết quả rà soát hộ nghèo, hộ cận nghèo.")


def _year(request: HttpRequest, user) -> int:
    chosen = int_param(request.GET, "year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    if chosen:
        return chosen
    years = selectors.round_years(user=user)
    return years[0] if years else timezone.localdate().year - 1


def _attachment(data: bytes, name: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _run(request: HttpRequest, call: Callable[[], object], success: str = "") -> object | None:
    try:
        result = call()
    except DomainError as err:
        messages.error(request, err.message)
        return None
    if success:
        messages.success(request, success)
    return result


# ---------------------------------------------------------------- rounds

@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = int_param(request.GET, "year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    commune_id = int_param(request.GET, "commune")
    status = choice_param(request.GET, "status", RoundStatus.values)
    kind = choice_param(request.GET, "kind", RoundKind.values)
    page = Paginator(selectors.rounds_for_user(user=user, year=year, status=status, commune_id=commune_id, kind=kind),
                     PAGE_SIZE).get_page(page_param(request.GET))
    return render(request, "poverty/index.html", {
        "page": page, "years": selectors.round_years(user=user), "year": year, "status": status, "kind": kind,
        "commune_id": commune_id, "statuses": RoundStatus.choices, "kinds": RoundKind.choices,
        "communes": area_current_communes(user)[:2000], "can_open": can_open_rounds(user),
        "can_import": can_import_surveys(user), "can_classify": can_classify_year(user),
        "this_year": timezone.localdate().year})


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    form = forms.RoundOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect("poverty:index")
    commune = area_current_communes(request.user).filter(pk=form.cleaned_data["commune"]).first()
    if commune is None:
        messages.error(request, "Chọn xã/phường trong địa bàn của bạn.")
        return redirect("poverty:index")
    opened = _run(request, lambda: surveys.round_open(
        actor=request.user, commune=commune, year=form.cleaned_data["year"], kind=form.cleaned_data["kind"],
        reference_date=form.cleaned_data["reference_date"]))
    return redirect("poverty:round_detail", pk=opened.pk) if opened else redirect("poverty:index")


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.round_get(user=request.user, pk=pk)
    status = choice_param(request.GET, "status", [*PovertyStatus.values, "overruled"])
    query = text_param(request.GET, "q", max_length=40)
    rows = selectors.round_households(review_round=review_round, status=status, query=query,
                                      todo=request.GET.get("todo") == "1")
    page = Paginator(rows, PAGE_SIZE).get_page(page_param(request.GET))
    access_list(actor=request.user, persons=[row.household.head_id for row in page if row.household.head_id],
                obj=review_round, what=f"Xem danh sách hộ của {review_round} (trang {page.number})")
    steps = ROUND_WORKFLOW.available(request.user, review_round)
    return render(request, "poverty/round_detail.html", {
        "round": review_round, "page": page, "counts": selectors.round_counts(review_round=review_round),
        "steps": steps, "events": ROUND_WORKFLOW.events(review_round), "status": status, "q": query,
        "statuses": PovertyStatus.choices, "standard": classification.standard_description(review_round.year),
        "procedure": _procedure(review_round), "complaints": selectors.complaints_of(review_round=review_round),
        "today": timezone.localdate(), "annual": review_round.kind == RoundKind.ANNUAL,
        "transitions": _round_transitions(review_round)})


def _procedure(review_round) -> dict:
    from ansinh.policy.bridge import parameter_at
    from ansinh.policy.selectors import approved_additions

    additions = approved_additions()
    on = max(review_round.reference_date, timezone.localdate()) if review_round.is_open else review_round.reference_date

    def value(name: str):
        return parameter_at(f"poverty.procedure.{name}", on, additions)

    window = [value(f"periodic_window.{p}") for p in ("start_day", "start_month", "end_day", "end_month")]
    window = [int(w) for w in window] if all(window) else []
    return {"window": f"từ {window[0]:02d}/{window[1]:02d} đến hết {window[2]:02d}/{window[3]:02d}" if window
            else "", "meeting_percent": value("meeting_agreement_percent"),
            "posting_days": value("posting_working_days"), "regular_days": value("regular_review_days")}


def _round_transitions(review_round) -> list[tuple[str, str, int]]:
    frame = selectors.transitions_frame([review_round])
    counts = dict(frame.group_by("category").len().iter_rows())
    return [(k, TRANSITIONS[k], counts.get(k, 0)) for k in CHANGES if counts.get(k)]


def _dated(form_class, request):
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(forms.first_error(form))
    return form.cleaned_data


def _step_actions(request: HttpRequest, user) -> dict[str, Callable]:
    return {
        "list": lambda r: rounds.candidates_refresh(actor=user, review_round=r),
        "classify": lambda r: surveys.round_classify(actor=user, review_round=r),
        "meeting": lambda r: rounds.round_meeting(actor=user, review_round=r, **_meeting(request)),
        "post": lambda r: rounds.round_post(actor=user, review_round=r, **_posting(request)),
        "complaint": lambda r: rounds.complaint_record(actor=user, review_round=r, **_dated(forms.ComplaintForm,
                                                                                            request)),
        "report": lambda r: rounds.round_report(actor=user, review_round=r),
        "return": lambda r: rounds.round_return(actor=user, review_round=r,
                                                reason=_dated(forms.ReasonForm, request)["reason"]),
        "endorse": lambda r: rounds.round_endorse(actor=user, review_round=r,
                                                  note=_dated(forms.NoteForm, request)["note"]),
        "recognise": lambda r: rounds.round_recognise(actor=user, review_round=r, **_decision(request)),
        "certify": lambda r: rounds.certificates_issue(actor=user, review_round=r,
                                                       issued_on=_dated(forms.CertificateForm, request)["issued_on"]),
        "add": lambda r: _household_add(request, r),
    }


def _meeting(request) -> dict:
    data = _dated(forms.MeetingForm, request)
    return {"meeting_date": data["meeting_date"], "attendees": data["attendees"], "agreeing": data["agreeing"],
            "note": data["note"]}


def _posting(request) -> dict:
    data = _dated(forms.PostingForm, request)
    return {"start": data["posting_start"], "end": data["posting_end"], "place": data["place"]}


def _decision(request) -> dict:
    data = _dated(forms.DecisionForm, request)
    return {"decision_number": data["decision_number"], "decision_date": data["decision_date"],
            "signer": data["signer"], "effective_date": data["effective_date"], "decision_pdf": data["decision_pdf"]}


def _household_add(request, review_round):
    data = _dated(forms.HouseholdAddForm, request)
    household = selectors.household_in_area(user=request.user, code=data["household_code"],
                                            commune_id=review_round.commune_id)
    if household is None:
        raise DomainError(f"Không có hộ mã {data['household_code'][:32]} của {review_round.commune.name} trong cơ sở "
                          "dữ liệu.")
    return rounds.household_add(actor=request.user, review_round=review_round, household=household,
                                source=data["source"], screening=data["screening"] or "", note=data["note"])


@login_required
@require_POST
def round_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    review_round = selectors.round_get(user=request.user, pk=pk)
    actions = _step_actions(request, request.user)
    if step not in actions:
        raise Http404("Bước không hợp lệ.")
    labels = dict(RoundStep.choices)
    _run(request, lambda: actions[step](review_round), success=f"Đã thực hiện: {labels.get(step, 'Thêm hộ')}.")
    return redirect("poverty:round_detail", pk=pk)


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's results as posted on the notice board (.xlsx)."""
    review_round = selectors.round_get(user=request.user, pk=pk)
    rows = selectors.round_households(review_round=review_round).filter(income_per_capita__isnull=False)
    data = [(i, r.household.code, r.household.head.full_name if r.household.head else "", r.household.village,
             r.income_per_capita, r.deprivation_count, r.get_rules_status_display(), r.get_final_status_display(),
             (f"Họp dân: {r.meeting_reason}" if r.meeting_status else ""))
            for i, r in enumerate(rows.iterator(chunk_size=2000), start=1)]
    buffer = io.BytesIO()
    renderers.posted_list_write(data, buffer, title=[f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {review_round.year}",
                                                     review_round.commune.name, STANDARD_LABELS[review_round.standard]])
    access_export(actor=request.user, persons=rows.values("household__head_id"), obj=review_round,
                  what=f"Tải tệp kết quả rà soát hộ nghèo, cận nghèo năm {review_round.year} – {review_round.commune.name} "
                       "(chủ hộ)")
    return _attachment(buffer.getvalue(), f"ket-qua-ra-soat-{review_round.year}-{review_round.pk}.xlsx")


@login_required
def round_decision_pdf(request: HttpRequest, pk: int) -> FileResponse:
    review_round = selectors.round_get(user=request.user, pk=pk)
    if not review_round.decision_pdf:
        raise Http404("Kỳ rà soát này chưa có bản quyết định đã ký.")
    try:
        handle = review_round.decision_pdf.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp quyết định.") from err
    return FileResponse(handle, content_type="application/pdf", filename=f"quyet-dinh-ra-soat-{review_round.pk}.pdf")


# ---------------------------------------------------------------- households

@login_required
def survey_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey of one household (phiếu B), made to be filled in on a phone."""
    review_round = selectors.round_get(user=request.user, pk=pk)
    code = text_param(request.GET, "ho", max_length=32) or request.POST.get("household_code", "")[:32]
    existing = selectors.round_household_for_code(review_round=review_round, code=code) if code else None
    edit = bool(existing and existing.surveyed)
    if request.method == "POST":
        form = forms.SurveyForm(request.POST, year=review_round.year)
        if form.is_valid():
            saved = _survey_save(request, review_round, form, edit=request.POST.get("edit") == "1")
            if saved is not None:
                messages.success(request, f"Đã ghi phiếu hộ {saved.household.code}: "
                                          f"{saved.get_rules_status_display().lower()} theo chuẩn nghèo.")
                return redirect("poverty:household_detail", pk=saved.pk)
        else:
            messages.error(request, forms.first_error(form))
    else:
        initial = {"household_code": code}
        if existing is not None:
            initial.update(is_urban="1" if existing.is_urban else "0", surveyor=existing.surveyor, note=existing.note,
                           income_per_capita=existing.income_per_capita or "", surveyed_on=existing.surveyed_on,
                           b1_score=existing.b1_score, b2_score=existing.b2_score,
                           **{i.column: getattr(existing, i.column) for i in indicators_for(review_round.year)})
        else:
            known = selectors.household_in_area(user=request.user, code=code, commune_id=review_round.commune_id) \
                if code else None
            initial.update(surveyed_on=timezone.localdate(), is_urban="1" if known and known.is_urban else "0")
        form = forms.SurveyForm(initial=initial, year=review_round.year)
    return render(request, "poverty/survey_form.html", {
        "round": review_round, "form": form, "existing": existing, "edit": edit,
        "indicator_fields": [form[i.column] for i in indicators_for(review_round.year)],
        "scores": uses_scores(review_round.year), "can_survey": ROUND_WORKFLOW.available(request.user,
                                                                                        review_round)["survey"]})


def _survey_save(request, review_round, form, *, edit: bool):
    data = form.cleaned_data
    household = selectors.household_in_area(user=request.user, code=data["household_code"],
                                            commune_id=review_round.commune_id)
    if household is None:
        messages.error(request, f"Không có hộ mã {data['household_code'][:32]} của {review_round.commune.name} trong "
                                "cơ sở dữ liệu.")
        return None
    entry = surveys.SurveyInput(
        income_per_capita=data["income_per_capita"], deprived=form.deprived(), is_urban=data["is_urban"] == "1",
        surveyed_on=data["surveyed_on"], surveyor=data["surveyor"], b1_score=data.get("b1_score"),
        b2_score=data.get("b2_score"), note=data["note"])
    return _run(request, lambda: surveys.survey_record(actor=request.user, review_round=review_round,
                                                       household=household, data=entry, edit=edit))


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.household_review_get(user=request.user, pk=pk)
    review_round = review.review_round
    indicators = [(i.header, getattr(review, i.column)) for i in indicators_for(review_round.year)]
    steps = ROUND_WORKFLOW.available(request.user, review_round)
    return render(request, "poverty/household_detail.html", {
        "review": review, "round": review_round, "indicators": indicators, "steps": steps,
        "explain": classification.explanation_link(review, review_round.year) if review.surveyed else "",
        "previous": selectors.previous_status_of(review_round=review_round, household_id=review.household_id),
        "statuses": PovertyStatus.choices, "certificate": getattr(review, "certificate", None),
        "complaints": review.complaints.all()})


@login_required
@require_POST
def household_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    review = selectors.household_review_get(user=request.user, pk=pk)
    user = request.user
    actions = {
        "outcome": lambda: rounds.outcome_record(actor=user, review=review, **_outcome(request)),
        "screen": lambda: rounds.household_screen(actor=user, review=review, **_dated(forms.ScreenForm, request)),
        "exit": lambda: rounds.household_exit(actor=user, review=review,
                                              reason=_dated(forms.ExitForm, request)["reason"]),
    }
    if action not in actions:
        raise Http404("Thao tác không hợp lệ.")
    _run(request, actions[action], success="Đã ghi.")
    return redirect("poverty:household_detail", pk=pk)


def _outcome(request) -> dict:
    data = _dated(forms.OutcomeForm, request)
    return {"status": data["status"] or "", "reason": data["reason"]}


@login_required
@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)

    def resolve():
        data = _dated(forms.ResolveForm, request)
        return rounds.complaint_resolve(actor=request.user, complaint=complaint, resolution=data["resolution"],
                                        resolved_on=data["resolved_on"], new_status=data["new_status"] or "")

    _run(request, resolve, success="Đã ghi kết quả giải quyết khiếu nại.")
    return redirect("poverty:round_detail", pk=complaint.review_round_id)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.certificate_get(user=request.user, pk=pk)
    return render(request, "poverty/certificate.html", {"certificate": found, "review": found.household_review,
                                                        "round": found.review_round})


# ---------------------------------------------------------------- the survey file

@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import_surveys(request.user):
        raise HttpForbidden("Vai trò của bạn không được nhập phiếu rà soát.")
    if request.method == "POST":
        form = forms.YearForm(request.POST)
        upload = request.FILES.get("file")
        if not form.is_valid() or upload is None:
            messages.error(request, forms.first_error(form) if not form.is_valid() else "Chọn tệp (.xlsx, .xls, .csv).")
        else:
            record = _run(request, lambda: imports.import_receive(kind=SURVEY_KIND, actor=request.user, file=upload,
                                                                  file_name=upload.name,
                                                                  target={"year": form.cleaned_data["year"]}))
            if record is not None:
                import_views.start_check(record)
                return redirect("poverty:import_detail", pk=record.pk)
    return render(request, "poverty/import_upload.html", {
        "recent": selectors.survey_imports_for_user(user=request.user)[:15],
        "year": int_param(request.GET, "year", minimum=YEAR_MIN, maximum=YEAR_MAX) or timezone.localdate().year - 1})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_detail(request, selectors.survey_import_get(user=request.user, pk=pk),
                                      template="poverty/import_detail.html")


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_action(request, selectors.survey_import_get(user=request.user, pk=pk))


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    return import_views.import_report(request, selectors.survey_import_get(user=request.user, pk=pk))


@login_required
def import_template(request: HttpRequest, year: int) -> HttpResponse:
    _require_reader(request.user)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("Năm không hợp lệ.")
    schema = survey_schema(year)
    with tempfile.TemporaryDirectory() as tmp:
        data = write_template(schema, Path(tmp) / "mau.xlsx",
                              title=f"PHIẾU RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year} – "
                                    f"{STANDARD_LABELS[standard_for(year)]}").read_bytes()
    return _attachment(data, f"mau-phieu-ra-soat-{year}.xlsx")


# ---------------------------------------------------------------- reports

@login_required
def transitions(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = _year(request, user)
    kind = choice_param(request.GET, "kind", RoundKind.values, RoundKind.ANNUAL)
    area = selectors.communes_for(user)
    frame = selectors.year_transitions(year=year, commune_ids=area, kind=kind)
    keys = [k for k in TRANSITIONS if k in frame.columns and k != "none"]
    rows = [{"name": r["commune_name"], "counts": [int(r.get(k) or 0) for k in keys]} for r in frame.iter_rows(named=True)]
    totals = {k: int(frame[k].sum()) for k in keys}
    chart = charts.bars([(k, TRANSITIONS[k], totals[k]) for k in CHANGES if k in totals],
                        title=f"Biến động hộ nghèo, hộ cận nghèo – rà soát năm {year}")
    summary = selectors.year_summary(year=year, commune_ids=area) if kind == RoundKind.ANNUAL else None
    return render(request, "poverty/transitions.html", {
        "year": year, "kind": kind, "kinds": RoundKind.choices, "keys": [(k, TRANSITIONS[k]) for k in keys],
        "rows": rows, "totals": [totals[k] for k in keys], "chart": chart, "years": selectors.round_years(user=user),
        "summary": renderers.summary_rows(summary) if summary is not None else [],
        "summary_headers": renderers.SUMMARY_HEADERS, "standard": STANDARD_LABELS[standard_for(year)]})


@login_required
def transitions_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = _year(request, user)
    buffer = io.BytesIO()
    renderers.ministry_write(selectors.ministry_tables(year=year, commune_ids=selectors.communes_for(user)), buffer,
                             year=year)
    return _attachment(buffer.getvalue(), f"tong-hop-ra-soat-{year}.xlsx")


@login_required
def summary_file(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = _year(request, user)
    fmt = choice_param(request.GET, "format", ["csv", "xlsx"], "xlsx")
    buffer = io.BytesIO()
    renderers.summary_write(selectors.year_summary(year=year, commune_ids=selectors.communes_for(user)), buffer,
                            fmt=fmt, year=year)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return _attachment(buffer.getvalue(), f"tong-hop-{year}.{fmt}", content_type)


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = _year(request, user)
    frame = selectors.plan_indicators(year=year, commune_ids=selectors.communes_for(user))
    indicators = indicators_for(year)
    rows = [{"row": r, "deprived": [r[i.column] for i in indicators]} for r in frame.iter_rows(named=True)]
    return render(request, "poverty/plan.html", {"year": year, "rows": rows, "indicators": indicators,
                                                 "years": selectors.round_years(user=user),
                                                 "standard": STANDARD_LABELS[standard_for(year)]})


@login_required
def plan_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    year = _year(request, user)
    buffer = io.BytesIO()
    renderers.plan_write(selectors.plan_indicators(year=year, commune_ids=selectors.communes_for(user)), buffer,
                         year=year)
    return _attachment(buffer.getvalue(), f"chi-tieu-giam-ngheo-{year}.xlsx")


@login_required
@require_POST
def classify_year(request: HttpRequest) -> HttpResponse:
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect("poverty:index")
    year = form.cleaned_data["year"]
    done = _run(request, lambda: surveys.year_classify(actor=request.user, year=year))
    if done is not None:
        messages.success(request, f"Đã phân loại {vn_number(done.households)} hộ của {vn_number(done.rounds)} kỳ rà soát năm {year}.")
    return redirect(reverse("poverty:index") + f"?year={year}")


# ---------------------------------------------------------------- housing

@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST":
        if not can_manage_schemes(user):
            raise HttpForbidden("Chỉ chuyên viên Sở lập chương trình hỗ trợ nhà ở.")
        if form.is_valid():
            created = _run(request, lambda: _scheme_create(user, form.cleaned_data), success="Đã lập chương trình.")
            if created is not None:
                return redirect("poverty:scheme_detail", pk=created.pk)
        else:
            messages.error(request, forms.first_error(form))
    return render(request, "poverty/schemes.html", {"schemes": selectors.schemes_for_user(user=user), "form": form,
                                                    "can_manage": can_manage_schemes(user)})


def _scheme_create(user, data: dict):
    fund = (data["fund_name"] or "Quỹ Thiện tâm – Tập đoàn Vingroup").strip()
    sources = [(name, amount or 0) for name, amount in (("Ngân sách nhà nước", data["budget_state"]),
                                                        (fund, data["budget_fund"]),
                                                        ("Cộng đồng, dòng họ và hộ gia đình", data["budget_community"]))]
    entry = housing.SchemeInput(code=data["code"], name=data["name"], legal_basis=data["legal_basis"],
                                review_year=data["review_year"], advance_percent=data["advance_percent"],
                                window_start=data["window_start"], window_end=data["window_end"], sources=sources)
    return housing.scheme_create(actor=user, data=entry, province_code=settings.ANSINH_PROVINCE_CODE)


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    scheme = selectors.scheme_get(user=user, pk=pk)
    status = choice_param(request.GET, "status", HousingStatus.values)
    area = selectors.communes_for(user)
    cases = Paginator(selectors.cases_for_user(user=user, scheme=scheme, status=status), PAGE_SIZE).get_page(
        page_param(request.GET))
    return render(request, "poverty/scheme_detail.html", {
        "scheme": scheme, "cases": cases, "status": status, "statuses": HousingStatus.choices,
        "report": selectors.housing_report(scheme=scheme, commune_ids=area),
        "candidates": selectors.housing_candidates(scheme=scheme, commune_ids=area)[:200],
        "can_propose": can_propose_housing(user), "communes": area_current_communes(user)[:2000],
        "sources": scheme.programme.funding_sources.all()})


@login_required
@require_POST
def scheme_propose(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    review_id = int_param(request.POST, "review")
    if review_id is None:
        messages.error(request, "Chọn hộ để đề xuất.")
        return redirect("poverty:scheme_detail", pk=pk)
    review = selectors.household_review_get(user=request.user, pk=review_id)
    case = _run(request, lambda: housing.case_propose(actor=request.user, scheme=scheme, review=review,
                                                      reason=text_param(request.POST, "reason", max_length=300)),
                success="Đã đề xuất hỗ trợ nhà ở.")
    return redirect("poverty:case_detail", pk=case.pk) if case else redirect("poverty:scheme_detail", pk=pk)


@login_required
@require_POST
def scheme_tranche(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    form = forms.TrancheForm(request.POST)
    if not form.is_valid():
        messages.error(request, forms.first_error(form))
        return redirect("poverty:scheme_detail", pk=pk)
    commune = area_current_communes(request.user).filter(pk=form.cleaned_data["commune"]).first()
    if commune is None:
        messages.error(request, "Chọn xã/phường trong địa bàn của bạn.")
        return redirect("poverty:scheme_detail", pk=pk)
    result = _run(request, lambda: housing.tranche_list_prepare(actor=request.user, scheme=scheme, commune=commune,
                                                                number=form.cleaned_data["number"]))
    if result is not None:
        for line in result.skipped:
            messages.warning(request, line)
        if result.beneficiary_list is None:
            messages.info(request, "Không có nhà nào đủ điều kiện cho đợt giải ngân này.")
        else:
            messages.success(request, f"Đã đưa {result.houses} nhà vào danh sách; kiểm tra, trình và phê duyệt danh "
                                      "sách ở trang chương trình hỗ trợ, rồi chi trả sau khi niêm yết.")
            return redirect("programmes:list_detail", pk=result.beneficiary_list.pk)
    return redirect("poverty:scheme_detail", pk=pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "poverty/case_detail.html", {
        "case": case, "steps": HOUSING_WORKFLOW.available(request.user, case), "events": HOUSING_WORKFLOW.events(case),
        "funding": case.funding.select_related("source"), "stages": case.stages.all(), "photos": case.photos.all(),
        "tranches": case.tranches.select_related("beneficiary_list"), "stage_choices": Stage.choices,
        "sources": case.scheme.programme.funding_sources.all(), "today": timezone.localdate()})


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    user, post = request.user, request.POST
    photos = request.FILES.getlist("photos")[:10]

    def approve():
        form = forms.ApproveForm(post, sources=case.scheme.programme.funding_sources.all())
        if not form.is_valid():
            raise DomainError(forms.first_error(form))
        return housing.case_approve(actor=user, case=case, amounts=form.amounts(),
                                    approval_number=form.cleaned_data["approval_number"],
                                    approval_date=form.cleaned_data["approval_date"])

    def stage():
        data = _dated(forms.StageForm, request)
        return housing.case_stage(actor=user, case=case, stage=data["stage"], on_date=data["on_date"],
                                  note=data["note"], photos=photos)

    actions = {
        HousingStep.APPRAISE: lambda: housing.case_appraise(actor=user, case=case, note=text_param(post, "note")),
        HousingStep.REJECT: lambda: housing.case_reject(actor=user, case=case, reason=text_param(post, "reason",
                                                                                                 max_length=500)),
        HousingStep.APPROVE: approve, "stage": stage,
        HousingStep.PHOTO: lambda: housing.case_photos_add(actor=user, case=case,
                                                           stage=choice_param(post, "stage", Stage.values),
                                                           photos=photos),
    }
    if step not in actions:
        raise Http404("Bước không hợp lệ.")
    _run(request, actions[step], success="Đã ghi.")
    return redirect("poverty:case_detail", pk=pk)


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A construction photo, to those who may see the house (never a public /media/ address)."""
    found = selectors.photo_get(user=request.user, pk=pk)
    try:
        handle = found.image.open("rb")
    except FileNotFoundError as err:
        raise Http404("Không còn tệp ảnh.") from err
    return FileResponse(handle, content_type=found.content_type)
