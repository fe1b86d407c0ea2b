"""Pages of the labour market: the job centre's home, the indicators, the supply register and its review queue,
employers and vacancies, job fairs, placements."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ansinh.accounts.permissions import identity_for
from ansinh.core.errors import DomainError, UserError
from ansinh.core.params import choice_param, int_param, page_param, text_param
from ansinh.core.xlsx import XLSX_CONTENT_TYPE as XLSX
from ansinh.core.xlsx import add_notes_sheet, add_table_sheet, open_workbook
from ansinh.labour import forms, selectors
from ansinh.labour.indicators import INDICATORS, Period, indicator_table
from ansinh.labour.models import Employer
from ansinh.labour.models.choices import Channel, EconomicStatus, MatchMethod, VacancyStatus
from ansinh.labour.permissions import (
    can_manage_campaign,
    can_write_demand,
    can_write_placements,
    can_write_supply,
)
from ansinh.labour.services import demand, placements, supply
from ansinh.labour.views._common import (
    PAGE_SIZE,
    attempt,
    commune_choice,
    communes_for,
    form_error,
    require_reader,
    year_param,
)


def _identity(user, person) -> str:
    return identity_for(user, (person.pid or person.cmnd) if person is not None else "")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The job centre's home: this year's figures and the way to each register."""
    require_reader(request.user)
    year = int_param(request.GET, "year", minimum=2015, maximum=2100) or selectors.latest_year()
    return render(request, "labour/home.html", {
        "year": year, "summary": selectors.summary(user=request.user, year=year),
        "can_write_placements": can_write_placements(request.user), "can_write_demand": can_write_demand(request.user),
        "can_write_supply": can_write_supply(request.user)})


# ---------------------------------------------------------------- indicators


def _indicator_context(request: HttpRequest) -> dict:
    user = request.user
    text = text_param(request.GET, "ky", max_length=40) or f"{selectors.latest_year()}-H1"
    try:
        period = Period.parse(text)
    except UserError as err:
        messages.error(request, err.message)
        period = Period.parse(f"{selectors.latest_year()}-H1")
    commune = commune_choice(request)
    area = commune or user.area
    code = choice_param(request.GET, "chi_tieu", INDICATORS)
    by = ""
    if code:
        by = choice_param(request.GET, "theo", INDICATORS[code].breakdowns, INDICATORS[code].breakdowns[0])
    rows = []
    for ind in INDICATORS.values():
        value = indicator_table(ind.code, period, area)
        rows.append({"indicator": ind, "value": value["value"][0] if value.height else None})
    detail = indicator_table(code, period, area, by=by).to_dicts() if code else []
    return {"period": period, "period_text": text, "commune": commune, "area": area, "rows": rows,
            "code": code, "by": by, "detail": detail, "communes": communes_for(user),
            "detail_rate": bool(code) and INDICATORS[code].rate}


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return render(request, "labour/indicators.html", _indicator_context(request))


@login_required
def indicators_export(request: HttpRequest) -> HttpResponse:
    """The indicators of the period as .xlsx (figures as numbers) with their definitions."""
    require_reader(request.user)
    context = _indicator_context(request)
    buffer = io.BytesIO()
    workbook = open_workbook(buffer, constant_memory=False)
    add_table_sheet(workbook, headers=["Mã", "Chỉ tiêu", "Đơn vị", "Giá trị"], sheet_name="Chỉ tiêu",
                    title_lines=[f"CHỈ TIÊU LAO ĐỘNG, VIỆC LÀM, GIÁO DỤC NGHỀ NGHIỆP – {context['period'].label.upper()}",
                                 str(context["area"] or "Toàn tỉnh")],
                    rows=[(r["indicator"].code, r["indicator"].name, r["indicator"].unit,
                           None if r["value"] is None else (round(float(r["value"]), 2) if r["indicator"].rate
                                                            else int(r["value"])))
                          for r in context["rows"]], column_formats={3: "#,##0.##"})
    add_notes_sheet(workbook, sheet_name="Định nghĩa", title="Cách tính từng chỉ tiêu",
                    lines=[(r["indicator"].name, r["indicator"].definition) for r in context["rows"]])
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="chi-tieu-lao-dong.xlsx"'
    return response


# ---------------------------------------------------------------- supply


@login_required
def supply_home(request: HttpRequest) -> HttpResponse:
    """The yearly update: the campaign of the year and the progress of each commune."""
    require_reader(request.user)
    year = year_param(request)
    campaigns = list(selectors.campaigns(user=request.user))
    return render(request, "labour/supply_home.html", {
        "year": year, "campaigns": campaigns, "campaign": next((c for c in campaigns if c.year == year), None),
        "progress": selectors.campaign_progress(user=request.user, year=year),
        "can_manage": can_manage_campaign(request.user), "can_write": can_write_supply(request.user),
        "form": forms.CampaignForm(initial={"year": year})})


@login_required
@require_POST
def campaign_open(request: HttpRequest) -> HttpResponse:
    form = forms.CampaignForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect("labour:supply_home")
    data = form.cleaned_data
    attempt(request, lambda: supply.campaign_open(actor=request.user, year=data["year"], start_date=data["start_date"],
                                                 note=data["note"]),
            f"Đã mở đợt cập nhật cung lao động năm {data['year']}.")
    return redirect(f"{_url('labour:supply_home')}?year={data['year']}")


@login_required
@require_POST
def campaign_close(request: HttpRequest, year: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, year=year)
    attempt(request, lambda: supply.campaign_close(actor=request.user, campaign=campaign),
            f"Đã kết thúc đợt cập nhật năm {campaign.year}.")
    return redirect(f"{_url('labour:supply_home')}?year={campaign.year}")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _supply_filters(request: HttpRequest) -> dict:
    return {"year": year_param(request), "commune": commune_choice(request),
            "status": choice_param(request.GET, "status", EconomicStatus.values),
            "match": choice_param(request.GET, "match", MatchMethod.values),
            "query": text_param(request.GET, "q", max_length=80)}


def _supply_records(request: HttpRequest, f: dict):
    return selectors.supply_records(user=request.user, year=f["year"], commune_id=f["commune"].pk if f["commune"] else
                                    None, status=f["status"], match=f["match"], query=f["query"])


@login_required
def supply_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    f = _supply_filters(request)
    page = page_param(request.GET)
    records = list(_supply_records(request, f)[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "labour/supply_list.html", {
        "filters": f, "records": records[:PAGE_SIZE], "has_next": len(records) > PAGE_SIZE, "page": page,
        "statuses": EconomicStatus.choices, "matches": MatchMethod.choices, "communes": communes_for(request.user),
        "query_string": request.GET.urlencode()})


@login_required
def supply_export(request: HttpRequest) -> HttpResponse:
    """The supply records of the filters as .xlsx (at most 200.000 rows; identity numbers as the user may see them)."""
    require_reader(request.user)
    f = _supply_filters(request)
    user = request.user
    qs = _supply_records(request, f).values_list(
        "full_name", "birth_date", "sex", "identity_number", "commune__name", "status", "qualification", "job_title",
        "workplace_name", "match")[:200_000]
    labels = {**dict(EconomicStatus.choices), **dict(MatchMethod.choices)}
    from ansinh.labour.models.choices import Qualification

    qual = dict(Qualification.choices)
    rows = ((i, name, birth, "Nam" if sex == "M" else "Nữ", identity_for(user, number), commune, str(labels[status]),
             str(qual.get(q, q)), job, place, str(labels[match]))
            for i, (name, birth, sex, number, commune, status, q, job, place, match) in enumerate(qs, start=1))
    buffer = io.BytesIO()
    from ansinh.core.xlsx import write_sheet

    write_sheet(buffer, headers=["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Xã/phường",
                                 "Tình trạng hoạt động kinh tế", "Trình độ CMKT", "Công việc chính", "Nơi làm việc",
                                 "Đối chiếu CSDL"],
                rows=rows, title_lines=[f"SỔ CUNG LAO ĐỘNG NĂM {f['year']}"], date_columns=[2], text_columns=[4])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cung-lao-dong-{f["year"]}.xlsx"'
    return response


@login_required
def supply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.supply_record_get(user=request.user, pk=pk)
    can_write = can_write_supply(request.user)
    if request.method == "POST":
        form = forms.SupplyAnswersForm(request.POST)
        if not can_write:
            raise HttpForbidden("Vai trò của bạn không được sửa phiếu cung lao động.")
        if form.is_valid():
            answers = supply.SupplyAnswers(**{k: (v if v is not None else ("" if k != "unemployed_months" else None))
                                              for k, v in form.cleaned_data.items()})
            if attempt(request, lambda: supply.supply_record_update(actor=request.user, record=record,
                                                                    answers=answers), "Đã lưu phiếu."):
                return redirect("labour:supply_detail", pk=pk)
    else:
        form = forms.SupplyAnswersForm(initial={f: getattr(record, f) for f in forms.SupplyAnswersForm.base_fields})
    return render(request, "labour/supply_detail.html", {
        "record": record, "form": form, "can_write": can_write,
        "identity": identity_for(request.user, record.identity_number),
        "candidates": [{"c": c, "identity": _identity(request.user, c.person)} for c in record.candidates.all()]})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Supply records the model matched: each with its candidates, decided one by one."""
    require_reader(request.user)
    year = int_param(request.GET, "year", minimum=2015, maximum=2100)
    page = page_param(request.GET)
    records = list(selectors.review_queue(user=request.user, year=year)
                   .prefetch_related("candidates__person__commune")[(page - 1) * 50: page * 50 + 1])
    items = [{"record": r, "candidates": [{"c": c, "identity": _identity(request.user, c.person)}
                                          for c in r.candidates.all()]} for r in records[:50]]
    return render(request, "labour/review_queue.html", {
        "items": items, "has_next": len(records) > 50, "page": page, "year": year,
        "can_write": can_write_supply(request.user)})


@login_required
@require_POST
def candidate_accept(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    attempt(request, lambda: supply.candidate_accept(actor=request.user, candidate=candidate),
            f"Đã xác nhận phiếu của {candidate.record.full_name} là {candidate.person.full_name}.")
    return redirect(request.POST.get("next") == "record" and _url("labour:supply_detail", candidate.record_id)
                    or _url("labour:review_queue"))


@login_required
@require_POST
def record_not_found(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.supply_record_get(user=request.user, pk=pk)
    attempt(request, lambda: supply.record_not_found(actor=request.user, record=record),
            f"Đã ghi: {record.full_name} không phải người nào được đề xuất (cần đăng ký nhân khẩu).")
    return redirect("labour:review_queue")


# ---------------------------------------------------------------- employers and vacancies


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    commune = commune_choice(request)
    query = text_param(request.GET, "q", max_length=80)
    page = page_param(request.GET)
    rows = list(selectors.employers(user=request.user, query=query, commune_id=commune.pk if commune else None)
                [(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "labour/employer_list.html", {
        "employers": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "query": query,
        "commune": commune, "communes": communes_for(request.user), "can_write": can_write_demand(request.user)})


@login_required
def employer_create(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    if not can_write_demand(request.user):
        raise HttpForbidden("Vai trò của bạn không được thêm đơn vị sử dụng lao động.")
    communes = communes_for(request.user)
    form = forms.EmployerForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commune = next(c for c in communes if str(c.pk) == data["commune"])
        details = demand.EmployerDetails(tax_code=data["tax_code"], name=data["name"], ownership=data["ownership"],
                                         sector=data["sector"], commune=commune, main_business=data["main_business"],
                                         address=data["address"], phone=data["phone"])
        employer = attempt(request, lambda: demand.employer_create(actor=request.user, details=details))
        if employer is not None:
            messages.success(request, f"Đã thêm {employer.name}.")
            return redirect("labour:employer_detail", pk=employer.pk)
    return render(request, "labour/form.html", {"form": form, "title": "Thêm đơn vị sử dụng lao động",
                                                "back": _url("labour:employer_list")})


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(user=request.user, pk=pk)
    return render(request, "labour/employer_detail.html", {
        "employer": employer, "years": employer.years.all(),
        "vacancies": selectors.vacancies(user=request.user, employer=employer)[:200],
        "can_write": can_write_demand(request.user), "year_form": forms.YearFiguresForm(
            initial={"year": selectors.latest_year()}), "vacancy_form": forms.VacancyForm()})


@login_required
@require_POST
def employer_year(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(user=request.user, pk=pk)
    form = forms.YearFiguresForm(request.POST)
    if form.is_valid():
        data = {k: (v if v is not None else 0) for k, v in form.cleaned_data.items()}
        data["average_wage"] = form.cleaned_data["average_wage"]
        attempt(request, lambda: demand.employer_year_set(actor=request.user, employer=employer,
                                                          figures=demand.YearFigures(**data)),
                f"Đã lưu số liệu lao động năm {data['year']}.")
    else:
        form_error(request, form)
    return redirect("labour:employer_detail", pk=pk)


@login_required
@require_POST
def vacancy_create(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(user=request.user, pk=pk)
    form = forms.VacancyForm(request.POST)
    if form.is_valid():
        details = demand.VacancyDetails(**form.cleaned_data)
        attempt(request, lambda: demand.vacancy_create(actor=request.user, employer=employer, details=details),
                "Đã đăng vị trí tuyển dụng.")
    else:
        form_error(request, form)
    return redirect("labour:employer_detail", pk=pk)


@login_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    status = choice_param(request.GET, "status", VacancyStatus.values)
    page = page_param(request.GET)
    rows = list(selectors.vacancies(user=request.user, status=status)[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return render(request, "labour/vacancy_list.html", {
        "vacancies": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "status": status,
        "statuses": VacancyStatus.choices, "can_write": can_write_demand(request.user)})


@login_required
@require_POST
def vacancy_close(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = selectors.vacancy_get(user=request.user, pk=pk)
    attempt(request, lambda: demand.vacancy_close(actor=request.user, vacancy=vacancy), "Đã dừng tuyển.")
    return redirect("labour:employer_detail", pk=vacancy.employer_id)


# ---------------------------------------------------------------- job fairs


@login_required
def fair_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    communes = communes_for(request.user)
    form = forms.FairForm(request.POST or None, communes=communes)
    if request.method == "POST":
        if not can_write_demand(request.user):
            raise HttpForbidden("Vai trò của bạn không được thêm phiên giao dịch việc làm.")
        if form.is_valid():
            data = form.cleaned_data
            commune = next(c for c in communes if str(c.pk) == data["commune"])
            details = placements.FairDetails(name=data["name"], held_on=data["held_on"], place=data["place"],
                                             commune=commune, organiser=data["organiser"],
                                             candidates=data["candidates"] or 0, interviewed=data["interviewed"] or 0)
            fair = attempt(request, lambda: placements.job_fair_create(actor=request.user, details=details))
            if fair is not None:
                messages.success(request, f"Đã thêm {fair}.")
                return redirect("labour:fair_detail", pk=fair.pk)
    return render(request, "labour/fair_list.html", {
        "fairs": selectors.job_fairs(user=request.user)[:300], "form": form,
        "can_write": can_write_demand(request.user)})


@login_required
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fair = selectors.job_fair_get(user=request.user, pk=pk)
    hires = selectors.placements(user=request.user, job_fair=fair)[:500]
    return render(request, "labour/fair_detail.html", {
        "fair": fair, "employers": fair.employers.all(), "hires": hires, "form": forms.FairEmployerForm(),
        "can_write": can_write_demand(request.user),
        "offered": sum(e.vacancies_offered for e in fair.employers.all())})


@login_required
@require_POST
def fair_add_employer(request: HttpRequest, pk: int) -> HttpResponse:
    fair = selectors.job_fair_get(user=request.user, pk=pk)
    form = forms.FairEmployerForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect("labour:fair_detail", pk=pk)
    from ansinh.labour.checks import tax_code_compact

    employer = Employer.objects.filter(tax_code=tax_code_compact(form.cleaned_data["tax_code"])).first()
    if employer is None:
        messages.error(request, "Chưa có đơn vị mang mã số thuế này trong sổ cầu lao động: thêm đơn vị trước.")
    else:
        attempt(request, lambda: placements.job_fair_add_employer(
            actor=request.user, fair=fair, employer=employer,
            vacancies_offered=form.cleaned_data["vacancies_offered"] or 0), f"Đã thêm {employer.name}.")
    return redirect("labour:fair_detail", pk=pk)


# ---------------------------------------------------------------- placements


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    channel = choice_param(request.GET, "channel", Channel.values)
    year = year_param(request)
    commune = commune_choice(request)
    page = page_param(request.GET)
    rows = list(selectors.placements(user=request.user, channel=channel, year=year,
                                     commune_id=commune.pk if commune else None)
                [(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    items = [{"p": p, "identity": _identity(request.user, p.person)} for p in rows[:PAGE_SIZE]]
    return render(request, "labour/placement_list.html", {
        "items": items, "has_next": len(rows) > PAGE_SIZE, "page": page, "channel": channel, "year": year,
        "commune": commune, "channels": Channel.choices, "communes": communes_for(request.user),
        "jobs_found": selectors.indicator_value("jobs_found", str(year), commune or request.user.area),
        "can_write": can_write_placements(request.user), "definition": INDICATORS["jobs_found"].definition})


@login_required
def placement_create(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    if not can_write_placements(request.user):
        raise HttpForbidden("Vai trò của bạn không được ghi giải quyết việc làm.")
    fairs = list(selectors.job_fairs(user=request.user)[:200])
    form = forms.PlacementForm(request.POST or None, fairs=fairs)
    if request.method == "POST" and form.is_valid():
        placement = attempt(request, lambda: placements.placement_create(
            actor=request.user, details=_placement_details(form.cleaned_data, fairs)))
        if placement is not None:
            messages.success(request, f"Đã ghi giải quyết việc làm cho {placement.person.full_name}.")
            return redirect("labour:placement_detail", pk=placement.pk)
    return render(request, "labour/form.html", {
        "form": form, "title": "Ghi giải quyết việc làm", "back": _url("labour:placement_list"),
        "note": "Người lao động phải có trong cơ sở dữ liệu hộ, nhân khẩu (tìm theo số định danh) và từ 15 tuổi trở lên "
                "vào ngày có việc làm. " + INDICATORS["jobs_found"].definition})


def _placement_details(data: dict, fairs: list) -> placements.PlacementDetails:
    from ansinh.labour.checks import tax_code_compact

    employer = None
    if data["tax_code"]:
        employer = Employer.objects.filter(tax_code=tax_code_compact(data["tax_code"])).first()
        if employer is None:
            raise DomainError(f"Chưa có đơn vị mã số thuế {data['tax_code']} trong sổ cầu lao động.", field="tax_code")
    fair = next((f for f in fairs if str(f.pk) == data["job_fair"]), None)
    return placements.PlacementDetails(
        identity_number=data["identity"], placed_on=data["placed_on"], channel=data["channel"],
        job_title=data["job_title"], employer=employer, job_fair=fair,
        destination_country=data["destination_country"], sending_company=data["sending_company"],
        departure_on=data["departure_on"], contract_months=data["contract_months"], loan_amount=data["loan_amount"],
        loan_decision=data["loan_decision"], note=data["note"])


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    return render(request, "labour/placement_detail.html", {
        "p": placement, "identity": _identity(request.user, placement.person)})
