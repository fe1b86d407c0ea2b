"""Employment services: «giải quyết việc làm» (one row per job found, each linked to a registry person) and the
job fairs (sàn giao dịch việc làm)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.geo.models import AdminUnit
from ansinh.labour.models import Employer, JobFair, JobFairEmployer, Placement, Vacancy
from ansinh.labour.models.choices import Channel
from ansinh.labour.permissions import require_demand_writer, require_placement_writer
from ansinh.labour.services._common import person_for_number, require_age, save_or_refuse


@dataclass(frozen=True)
class PlacementDetails:
    identity_number: str
    placed_on: dt.date
    channel: str
    job_title: str = ""
    employer: Employer | None = None
    vacancy: Vacancy | None = None
    job_fair: JobFair | None = None
    destination_country: str = ""
    sending_company: str = ""
    departure_on: dt.date | None = None
    contract_months: int | None = None
    loan_amount: int | None = None
    loan_decision: str = ""
    note: str = ""


def channel_problems(d: PlacementDetails, *, today: dt.date) -> list[tuple[str, str]]:
    """(field, message): what each channel needs, in the words of the form."""
    problems = []
    if d.channel not in Channel.values:
        return [("channel", "Chọn hình thức giải quyết việc làm.")]
    if d.placed_on > today:
        problems.append(("placed_on", f"Ngày có việc làm {d.placed_on:%d/%m/%Y} sau ngày hôm nay."))
    if d.channel == Channel.ABROAD:
        if not d.destination_country.strip():
            problems.append(("destination_country", "Đi làm việc ở nước ngoài: ghi nước đến làm việc."))
        if d.departure_on is None:
            problems.append(("departure_on", "Đi làm việc ở nước ngoài: ghi ngày xuất cảnh."))
    if d.channel == Channel.JOB_FAIR and d.job_fair is None:
        problems.append(("job_fair", "Qua sàn giao dịch việc làm: chọn phiên giao dịch."))
    if d.job_fair is not None and d.placed_on < d.job_fair.held_on:
        problems.append(("placed_on", f"Ngày có việc làm trước ngày tổ chức sàn {d.job_fair.held_on:%d/%m/%Y}."))
    if d.channel == Channel.LOAN and not (d.loan_amount and d.loan_amount > 0):
        problems.append(("loan_amount", "Vay vốn tạo việc làm: ghi số tiền vay (lớn hơn 0)."))
    if d.vacancy is not None and d.employer is not None and d.vacancy.employer_id != d.employer.pk:
        problems.append(("vacancy", "Vị trí tuyển dụng không thuộc đơn vị đã chọn."))
    return problems


@transaction.atomic(durable=True)
def placement_create(*, actor: User, details: PlacementDetails) -> Placement:
    """Record one job found for the person holding ``identity_number``."""
    require_placement_writer(actor)
    problems = channel_problems(details, today=timezone.localdate())
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    person = person_for_number(details.identity_number)
    require_placement_writer(actor, person.commune_id)
    require_age(person, details.placed_on, what="giải quyết việc làm")
    employer = details.employer or (details.vacancy.employer if details.vacancy else None)
    placement = Placement(
        person=person, commune_id=person.commune_id, placed_on=details.placed_on, year=details.placed_on.year,
        channel=details.channel, job_title=details.job_title[:200], employer=employer, vacancy=details.vacancy,
        job_fair=details.job_fair, destination_country=details.destination_country[:80],
        sending_company=details.sending_company[:200], departure_on=details.departure_on,
        contract_months=details.contract_months, loan_amount=details.loan_amount,
        loan_decision=details.loan_decision[:60], note=details.note[:300], recorded_by=actor)
    save_or_refuse(placement.save, f"{person.full_name} đã có lượt «{placement.get_channel_display()}» ngày "
                                   f"{details.placed_on:%d/%m/%Y}: không ghi hai lần.")
    audit_record(actor=actor, action="labour_placement.create", obj=placement,
                 summary=f"Giải quyết việc làm: {person.full_name} – {placement.get_channel_display()} "
                         f"({details.placed_on:%d/%m/%Y})")
    return placement


def placement_rows_write(*, valid: pl.DataFrame, actor: User, record) -> int:
    """The placements of a checked file, in the lifecycle's transaction."""
    now = timezone.now()
    Placement.objects.bulk_create([
        Placement(person_id=r["person_id"], commune_id=r["commune_id"], placed_on=r["placed_on"],
                  year=r["placed_on"].year, channel=r["channel"], job_title=r.get("job_title") or "",
                  employer_id=r.get("employer_id"), job_fair_id=r.get("job_fair_id"),
                  destination_country=r.get("destination_country") or "",
                  sending_company=r.get("sending_company") or "", departure_on=r.get("departure_on"),
                  contract_months=r.get("contract_months"), loan_amount=r.get("loan_amount"),
                  loan_decision=r.get("loan_decision") or "", note=r.get("note") or "", source_import=record,
                  recorded_by=actor, created_at=now, updated_at=now)
        for r in valid.iter_rows(named=True)], batch_size=2000)
    return valid.height


# ---------------------------------------------------------------- job fairs


@dataclass(frozen=True)
class FairDetails:
    name: str
    held_on: dt.date
    place: str
    commune: AdminUnit
    organiser: str = "Trung tâm Dịch vụ việc làm"
    candidates: int = 0
    interviewed: int = 0


@transaction.atomic(durable=True)
def job_fair_create(*, actor: User, details: FairDetails) -> JobFair:
    require_demand_writer(actor, details.commune.pk)
    if not details.name.strip() or not details.place.strip():
        raise DomainError("Ghi tên phiên giao dịch và địa điểm tổ chức.", field="name")
    if details.candidates < 0 or details.interviewed < 0:
        raise DomainError("Số người không được âm.", field="candidates")
    if details.interviewed > details.candidates:
        raise DomainError("Số người được phỏng vấn nhiều hơn số người tham gia.", field="interviewed")
    fair = JobFair.objects.create(name=details.name.strip()[:200], held_on=details.held_on,
                                  place=details.place.strip()[:200], commune=details.commune,
                                  organiser=details.organiser[:200], candidates=details.candidates,
                                  interviewed=details.interviewed, created_by=actor)
    audit_record(actor=actor, action="labour_fair.create", obj=fair, summary=f"Thêm phiên giao dịch việc làm {fair}")
    return fair


@transaction.atomic(durable=True)
def job_fair_add_employer(*, actor: User, fair: JobFair, employer: Employer, vacancies_offered: int) -> JobFairEmployer:
    require_demand_writer(actor, fair.commune_id)
    if vacancies_offered < 0:
        raise DomainError("Số chỉ tiêu tuyển không được âm.", field="vacancies_offered")
    row = save_or_refuse(lambda: JobFairEmployer.objects.create(fair=fair, employer=employer,
                                                                 vacancies_offered=vacancies_offered),
                         f"{employer.name} đã có trong danh sách đơn vị tham gia sàn này.", field="employer")
    audit_record(actor=actor, action="labour_fair.employer", obj=fair,
                 summary=f"{employer.name} tham gia {fair} ({vacancies_offered} chỉ tiêu)")
    return row
