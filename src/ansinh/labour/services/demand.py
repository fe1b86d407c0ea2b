"""The demand register: employers (identified by a checked tax code), their yearly figures, their vacancies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import ConcurrentChange, DomainError
from ansinh.core.formatting import vn_number
from ansinh.geo.models import AdminUnit
from ansinh.labour.checks import tax_code_compact, tax_code_problem
from ansinh.labour.models import Employer, EmployerYear, Vacancy
from ansinh.labour.models.choices import Qualification, Sector, VacancyStatus, WorkplaceType
from ansinh.labour.permissions import require_demand_writer
from ansinh.labour.services._common import save_or_refuse


@dataclass(frozen=True)
class EmployerDetails:
    tax_code: str
    name: str
    ownership: str
    sector: str
    commune: AdminUnit
    main_business: str = ""
    address: str = ""
    phone: str = ""


def _clean_employer(details: EmployerDetails) -> dict:
    problem = tax_code_problem(details.tax_code)
    if problem:
        raise DomainError(problem, field="tax_code")
    name = " ".join(details.name.split())
    if not name:
        raise DomainError("Tên đơn vị: không được để trống.", field="name")
    if details.ownership not in WorkplaceType.values:
        raise DomainError("Chọn loại hình đơn vị.", field="ownership")
    if details.sector not in Sector.values:
        raise DomainError("Chọn ngành kinh tế.", field="sector")
    return {"tax_code": tax_code_compact(details.tax_code), "name": name[:200], "ownership": details.ownership,
            "sector": details.sector, "commune": details.commune, "main_business": details.main_business[:200],
            "address": details.address[:255], "phone": details.phone[:15]}


@transaction.atomic(durable=True)
def employer_create(*, actor: User, details: EmployerDetails) -> Employer:
    require_demand_writer(actor, details.commune.pk)
    values = _clean_employer(details)
    existing = Employer.objects.filter(tax_code=values["tax_code"]).first()
    if existing is not None:
        raise DomainError(f"Mã số thuế {values['tax_code']} đã có trong sổ cầu lao động: «{existing.name}».",
                          field="tax_code")
    employer = save_or_refuse(lambda: Employer.objects.create(created_by=actor, **values),
                              f"Mã số thuế {values['tax_code']} đã có trong sổ cầu lao động.", field="tax_code")
    audit_record(actor=actor, action="labour_employer.create", obj=employer,
                 summary=f"Thêm đơn vị sử dụng lao động {employer.name} (MST {employer.tax_code})")
    return employer


@dataclass(frozen=True)
class YearFigures:
    year: int
    workers_total: int
    workers_female: int = 0
    workers_indefinite: int = 0
    workers_fixed_term: int = 0
    workers_other: int = 0
    average_wage: int | None = None
    hiring_need: int = 0


def figures_problems(f: YearFigures) -> list[str]:
    problems = []
    numbers = (f.workers_total, f.workers_female, f.workers_indefinite, f.workers_fixed_term, f.workers_other,
               f.hiring_need)
    if any(n is None or n < 0 for n in numbers):
        problems.append("Số lao động không được âm.")
        return problems
    if f.workers_female > f.workers_total:
        problems.append(f"Lao động nữ ({vn_number(f.workers_female)}) nhiều hơn tổng số lao động "
                        f"({vn_number(f.workers_total)}).")
    contracts = f.workers_indefinite + f.workers_fixed_term + f.workers_other
    if contracts > f.workers_total:
        problems.append(f"Tổng lao động theo loại hợp đồng ({vn_number(contracts)}) nhiều hơn tổng số lao động "
                        f"({vn_number(f.workers_total)}).")
    if f.average_wage is not None and f.average_wage < 0:
        problems.append("Tiền lương bình quân không được âm.")
    if not 2000 <= f.year <= 2100:
        problems.append("Năm không hợp lệ.")
    return problems


@transaction.atomic(durable=True)
def employer_year_set(*, actor: User, employer: Employer, figures: YearFigures) -> EmployerYear:
    """The workers and wages of a year (replaces what was declared for that year before)."""
    require_demand_writer(actor, employer.commune_id)
    problems = figures_problems(figures)
    if problems:
        raise DomainError(" ".join(problems))
    values = {k: v for k, v in figures.__dict__.items() if k != "year"}
    row, created = EmployerYear.objects.update_or_create(employer=employer, year=figures.year, defaults=values)
    audit_record(actor=actor, action="labour_employer.year", obj=employer,
                 summary=f"{'Thêm' if created else 'Sửa'} số liệu lao động năm {figures.year} của {employer.name}",
                 details={"year": figures.year, **{k: v for k, v in values.items() if v is not None}})
    return row


@dataclass(frozen=True)
class VacancyDetails:
    title: str
    quantity: int
    posted_on: dt.date
    occupation: str = ""
    qualification: str = Qualification.NONE
    wage_min: int | None = None
    wage_max: int | None = None
    deadline: dt.date | None = None


def vacancy_problems(v: VacancyDetails) -> list[str]:
    problems = []
    if not v.title.strip():
        problems.append("Vị trí tuyển dụng: không được để trống.")
    if v.quantity is None or v.quantity < 1:
        problems.append("Số lượng tuyển phải từ 1 trở lên.")
    if v.qualification not in Qualification.values:
        problems.append("Trình độ yêu cầu không có trong danh mục.")
    if (v.wage_min is not None and v.wage_min < 0) or (v.wage_max is not None and v.wage_max < 0):
        problems.append("Mức lương không được âm.")
    elif v.wage_min is not None and v.wage_max is not None and v.wage_max < v.wage_min:
        problems.append("Mức lương «đến» thấp hơn mức «từ».")
    if v.deadline is not None and v.deadline < v.posted_on:
        problems.append("Hạn nộp hồ sơ trước ngày đăng tuyển.")
    return problems


@transaction.atomic(durable=True)
def vacancy_create(*, actor: User, employer: Employer, details: VacancyDetails) -> Vacancy:
    require_demand_writer(actor, employer.commune_id)
    problems = vacancy_problems(details)
    if problems:
        raise DomainError(" ".join(problems))
    vacancy = Vacancy.objects.create(employer=employer, created_by=actor, title=details.title.strip()[:200],
                                     occupation=details.occupation[:120], quantity=details.quantity,
                                     qualification=details.qualification, wage_min=details.wage_min,
                                     wage_max=details.wage_max, posted_on=details.posted_on, deadline=details.deadline)
    audit_record(actor=actor, action="labour_vacancy.create", obj=vacancy,
                 summary=f"Đăng tuyển {vacancy.quantity} {vacancy.title} – {employer.name}")
    return vacancy


@transaction.atomic(durable=True)
def vacancy_close(*, actor: User, vacancy: Vacancy) -> Vacancy:
    require_demand_writer(actor, vacancy.employer.commune_id)
    locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if locked.status == VacancyStatus.CLOSED:
        raise ConcurrentChange("Vị trí này đã dừng tuyển trước đó.")
    locked.status = VacancyStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="labour_vacancy.close", obj=locked, summary=f"Dừng tuyển {locked}")
    return locked


# ---------------------------------------------------------------- checked files (inside the lifecycle's transaction)


def employer_rows_write(*, valid: pl.DataFrame, year: int, actor: User) -> tuple[int, int]:
    """Employers of a checked demand file: new tax codes are created, known ones get their details updated; the
    figures of ``year`` are set for each. Returns (new employers, yearly figures written)."""
    created = 0
    codes = valid["tax_code"].to_list()
    known = {e.tax_code: e for e in Employer.objects.filter(tax_code__in=codes)}
    fields = ("name", "ownership", "sector", "main_business", "address", "phone")
    for row in valid.iter_rows(named=True):
        values = {f: (row.get(f) or "") for f in fields}
        employer = known.get(row["tax_code"])
        if employer is None:
            employer = Employer.objects.create(tax_code=row["tax_code"], commune_id=row["commune_id"],
                                               created_by=actor, **values)
            known[employer.tax_code] = employer
            created += 1
        else:
            for f, v in values.items():
                setattr(employer, f, v or getattr(employer, f))
            employer.commune_id = row["commune_id"]
            employer.save(update_fields=[*fields, "commune", "updated_at"])
        figures = {k: row.get(k) or 0 for k in ("workers_total", "workers_female", "workers_indefinite",
                                                   "workers_fixed_term", "workers_other", "hiring_need")}
        EmployerYear.objects.update_or_create(employer=employer, year=year,
                                              defaults={**figures, "average_wage": row.get("average_wage")})
    return created, valid.height


def vacancy_rows_write(*, valid: pl.DataFrame, actor: User) -> int:
    now = timezone.now()
    Vacancy.objects.bulk_create([
        Vacancy(employer_id=r["employer_id"], title=r["title"], occupation=r.get("occupation") or "",
                quantity=r["quantity"], qualification=r.get("qualification") or Qualification.NONE,
                wage_min=r.get("wage_min"), wage_max=r.get("wage_max"), posted_on=r["posted_on"],
                deadline=r.get("deadline"), created_by=actor, created_at=now, updated_at=now)
        for r in valid.iter_rows(named=True)], batch_size=2000)
    return valid.height
