"""The demo province's labour market and vocational education, first half of 2020 (the notice of 05/7/2020):
about 10.000 placements for 9.997 people («giải quyết việc làm 9.997 người»), 4.502 new enrolments («tuyển sinh
mới 4.502 người»), four job fairs, employers and vacancies, vocational institutions and their courses, rural-worker
training supports, and the supply register of the 2019 update (everyone of the registry aged 15+ on 1/7/2019) with
the 2020 update open from 1/7/2020. At the full size (1.300.000 people) the figures are the notice's; at a smaller
demo population they are proportional. Set-based (bulk_create / COPY); refused in production.

``ansinh demo_labour [--seed S] [--reset]``; also two demo accounts: ``vieclam`` (Cán bộ Trung tâm dịch vụ việc
làm) and ``gdnn`` (Chuyên viên giáo dục nghề nghiệp), province-wide, with the demo password.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from ansinh.accounts.models import Role, User
from ansinh.core.bulk import read_frame, reserve_ids, write_frame
from ansinh.core.formatting import vn_number
from ansinh.core.safety import refuse_in_production
from ansinh.core.sql import compose, join, table
from ansinh.geo.models import AdminUnit, Level, Structure
from ansinh.labour import checks
from ansinh.labour.models import (
    Course,
    CourseEnrolment,
    Diploma,
    Employer,
    EmployerYear,
    Institution,
    JobFair,
    JobFairEmployer,
    Occupation,
    Placement,
    SupplyCampaign,
    SupplyCandidate,
    SupplyRecord,
    SupportEvent,
    Teacher,
    TrainingProgramme,
    TrainingSupport,
    Vacancy,
)
from ansinh.registry.models import Person

FULL_SIZE = 1_300_000  # Hà Tĩnh
JOBS_FOUND = 9_997  # the notice: «giải quyết việc làm 9.997 người»
NEW_ENROLMENT = 4_502  # «tuyển sinh mới 4.502 người»
SECOND_JOB_SHARE = 0.03  # people with a second placement in the half year (counted once)
H1 = (dt.date(2020, 1, 2), dt.date(2020, 6, 30))
CHANNELS = (("job_centre", 0.34), ("job_fair", 0.08), ("abroad", 0.28), ("loan", 0.14), ("employer", 0.16))
COUNTRIES = (("Nhật Bản", 0.55), ("Đài Loan", 0.25), ("Hàn Quốc", 0.12), ("Ả Rập Xê Út", 0.04), ("Rumani", 0.04))
OCCUPATIONS = (("5140101", "May công nghiệp"), ("5520227", "Điện công nghiệp"), ("5510216", "Công nghệ ô tô"),
               ("5520123", "Hàn"), ("5620110", "Trồng trọt và bảo vệ thực vật"), ("5620120", "Chăn nuôi gia súc, gia cầm"),
               ("5810205", "Kỹ thuật chế biến món ăn"), ("5480202", "Tin học văn phòng"), ("5620303", "Nuôi trồng thủy sản"),
               ("5520264", "Điện dân dụng"), ("5580201", "Kỹ thuật xây dựng"), ("5810404", "Chăm sóc sắc đẹp"),
               ("5340104", "Kế toán doanh nghiệp"), ("5510104", "Vận hành máy thi công nền"),
               ("5220206", "Tiếng Nhật"))
# tuyển sinh by level (shares of the 4.502 of the notice; the rest of the year carries the big college intakes)
LEVELS = (("college", 0.08), ("intermediate", 0.14), ("elementary", 0.38), ("short", 0.40))
DEMO_ACCOUNTS = (("vieclam", "Nguyễn Văn", "Thành", Role.JOB_CENTRE_OFFICER, "Cán bộ Trung tâm Dịch vụ việc làm"),
                 ("gdnn", "Trần Thị", "Hương", Role.VOCATIONAL_SPECIALIST, "Chuyên viên Phòng Giáo dục nghề nghiệp"))


@dataclass(frozen=True)
class LabourDemoResult:
    placements: int
    jobs_found: int
    enrolments: int
    fairs: int
    employers: int
    supply_records: int
    supports: int

    def describe(self) -> str:
        return (f"{vn_number(self.placements)} lượt giải quyết việc làm ({vn_number(self.jobs_found)} người), "
                f"{vn_number(self.enrolments)} người tuyển sinh mới, {vn_number(self.fairs)} phiên sàn giao dịch, "
                f"{vn_number(self.employers)} đơn vị sử dụng lao động, {vn_number(self.supports)} hỗ trợ đào tạo LĐNT, "
                f"{vn_number(self.supply_records)} phiếu cung lao động năm 2019")


def _accounts(province: AdminUnit) -> dict[str, User]:
    from ansinh.demo.users import DEMO_PASSWORD

    out = {}
    for username, last, first, role, position in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(username=username, defaults={
            "last_name": last, "first_name": first, "role": role, "area": province, "position": position})
        user.set_password(DEMO_PASSWORD)
        user.save()
        out[username] = user
    leader = User.objects.filter(role=Role.LEADER, area=province).order_by("pk").first()
    if leader is None:
        leader, _ = User.objects.update_or_create(username="lanhdao_ld", defaults={
            "last_name": "Võ Đức", "first_name": "Minh", "role": Role.LEADER, "area": province,
            "position": "Phó Giám đốc Sở"})
        leader.set_password(DEMO_PASSWORD)
        leader.save()
    out["leader"] = leader
    return out


def _people() -> pl.DataFrame:
    query = compose("SELECT id, full_name, sex, birth_date, birth_precision, ethnicity_code, pid, cmnd, death_date, "
                    "commune_id FROM {people} WHERE merged_into_id IS NULL", people=table(Person))
    return read_frame(*query, schema={
        "id": pl.Int64, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date, "birth_precision": pl.String,
        "ethnicity_code": pl.String, "pid": pl.String, "cmnd": pl.String, "death_date": pl.Date,
        "commune_id": pl.Int64})


def _age(birth: pl.Expr, on: dt.date) -> pl.Expr:
    return ((pl.lit(on) - birth).dt.total_days() // 365.25).cast(pl.Int32)


def _choice(rng, options, n: int) -> list:
    probs = np.array([w for _, w in options], dtype=float)
    idx = rng.choice(len(options), size=n, p=probs / probs.sum())
    return [options[i][0] for i in idx]


def _dates(rng, n: int, start: dt.date, end: dt.date) -> list[dt.date]:
    days = (end - start).days
    first, last = (dt.date(2020, 4, 1) - start).days, (dt.date(2020, 5, 1) - start).days
    kept: list[int] = []
    while len(kept) < n:  # COVID-19: fewer placements in April 2020 (social distancing)
        offsets = rng.integers(0, days + 1, n)
        april = (offsets >= first) & (offsets < last)
        kept += offsets[~april | (rng.random(n) < 0.35)].tolist()
    return [start + dt.timedelta(days=int(o)) for o in kept[:n]]


def _tax_codes(rng, n: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        first = "30" + "".join(str(d) for d in rng.integers(0, 10, 7))  # 30: Hà Tĩnh's tax codes
        digit = checks.tax_check_digit(first)
        if digit is not None and first[2:] != "0000000":
            codes.add(first + digit)
    return sorted(codes)


# ---------------------------------------------------------------- demand, fairs, placements


def _employers(rng, communes: list[int], n: int, actor: User) -> list[Employer]:
    names = ("Công ty TNHH May", "Công ty CP Xây dựng", "Công ty TNHH Thủy sản", "Công ty CP Thép", "HTX Nông nghiệp",
             "Công ty TNHH Điện tử", "Công ty CP Vận tải", "Công ty TNHH Thương mại", "Công ty CP Gạch ngói",
             "Công ty TNHH Chế biến gỗ")
    places = ("Hồng Lĩnh", "Vũng Áng", "Thạch Hà", "Cẩm Xuyên", "Can Lộc", "Đức Thọ", "Nghi Xuân", "Hương Sơn",
              "Kỳ Anh", "Lộc Hà", "Hương Khê", "Thành Sen")
    ownership = ("private", "private", "private", "fdi", "cooperative", "soe", "household")
    sector = {"May": "industry", "Xây dựng": "industry", "Thủy sản": "agriculture", "Thép": "industry",
              "Nông nghiệp": "agriculture", "Điện tử": "industry", "Vận tải": "services", "Thương mại": "services",
              "Gạch ngói": "industry", "Chế biến gỗ": "industry"}
    rows = []
    for i, code in enumerate(_tax_codes(rng, n)):
        base = names[i % len(names)]
        kind = next(k for k in sector if k in base)
        rows.append(Employer(tax_code=code, name=f"{base} {places[i % len(places)]} {i // len(names) + 1}",
                             ownership="cooperative" if base.startswith("HTX") else ownership[i % len(ownership)],
                             sector=sector[kind], main_business=kind, commune_id=communes[int(rng.integers(len(communes)))],
                             created_by=actor))
    Employer.objects.bulk_create(rows, batch_size=2000)
    employers = list(Employer.objects.filter(tax_code__in=[e.tax_code for e in rows]))
    years = []
    for e in employers:
        total = int(rng.integers(8, 900))
        female = int(total * rng.uniform(0.2, 0.7))
        indefinite = int(total * rng.uniform(0.3, 0.7))
        fixed = int((total - indefinite) * rng.uniform(0.5, 0.9))
        for year, growth in ((2019, 1.0), (2020, rng.uniform(0.85, 1.05))):
            t = max(int(total * growth), 1)
            years.append(EmployerYear(employer=e, year=year, workers_total=t, workers_female=min(female, t),
                                      workers_indefinite=min(indefinite, t), workers_fixed_term=min(fixed, t - min(
                                          indefinite, t)), workers_other=0, average_wage=int(rng.integers(45, 120)) *
                                      100_000, hiring_need=int(t * rng.uniform(0, 0.15))))
    EmployerYear.objects.bulk_create(years, batch_size=2000)
    return employers


def _vacancies(rng, employers: list[Employer], actor: User) -> int:
    titles = ("Công nhân may", "Thợ hàn", "Lái xe", "Nhân viên bán hàng", "Kỹ thuật viên điện", "Công nhân xây dựng",
              "Kế toán", "Công nhân chế biến")
    rows = []
    for i, e in enumerate(employers):
        for k in range(int(rng.integers(0, 3))):
            posted = H1[0] + dt.timedelta(days=int(rng.integers(0, 170)))
            wage = int(rng.integers(45, 90)) * 100_000
            rows.append(Vacancy(employer=e, title=titles[(i + k) % len(titles)], quantity=int(rng.integers(1, 40)),
                                qualification=("none", "elementary", "intermediate")[k % 3], wage_min=wage,
                                wage_max=wage + 2_000_000, posted_on=posted, deadline=posted + dt.timedelta(days=30),
                                status="closed" if posted < dt.date(2020, 5, 1) else "open", created_by=actor))
    Vacancy.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _fairs(rng, employers: list[Employer], province_commune: int, actor: User) -> list[JobFair]:
    plan = ((dt.date(2020, 1, 15), "Phiên giao dịch việc làm tháng 1/2020", "Trung tâm Dịch vụ việc làm Hà Tĩnh"),
            (dt.date(2020, 2, 20), "Phiên giao dịch việc làm lưu động Kỳ Anh", "Nhà văn hoá Kỳ Anh"),
            (dt.date(2020, 5, 28), "Sàn giao dịch việc làm sau dịch Covid-19", "Trung tâm Dịch vụ việc làm Hà Tĩnh"),
            (dt.date(2020, 6, 25), "Phiên giao dịch việc làm tháng 6/2020", "Trung tâm Dịch vụ việc làm Hà Tĩnh"))
    fairs = []
    for held_on, name, place in plan:
        candidates = int(rng.integers(250, 900))
        fair = JobFair.objects.create(name=name, held_on=held_on, place=place, commune_id=province_commune,
                                      candidates=candidates, interviewed=int(candidates * 0.6), created_by=actor)
        chosen = rng.choice(len(employers), size=min(len(employers), int(rng.integers(12, 30))), replace=False)
        JobFairEmployer.objects.bulk_create([JobFairEmployer(fair=fair, employer=employers[int(i)],
                                                             vacancies_offered=int(rng.integers(5, 80)))
                                             for i in chosen])
        fairs.append(fair)
    return fairs


def _placements(rng, people: pl.DataFrame, employers: list[Employer], fairs: list[JobFair], scale: float,
                actor: User) -> tuple[int, int]:
    workers = people.filter(_age(pl.col("birth_date"), H1[0]).is_between(18, 55)
                            & (pl.col("death_date").is_null() | (pl.col("death_date") > H1[1])))
    persons = round(JOBS_FOUND * scale)
    chosen = workers.sample(min(persons, workers.height), seed=int(rng.integers(1 << 30)))
    seconds = chosen.sample(round(chosen.height * SECOND_JOB_SHARE), seed=int(rng.integers(1 << 30)))
    frame = pl.concat([chosen, seconds])
    channels = _choice(rng, CHANNELS, frame.height)
    days = _dates(rng, frame.height, *H1)
    rows, seen = [], set()
    for (person_id, commune_id), channel, day in zip(frame.select("id", "commune_id").iter_rows(), channels, days,
                                                     strict=True):
        fair = None
        if channel == "job_fair":
            fair = fairs[int(rng.integers(len(fairs)))]
            day = max(day, fair.held_on)
        if (person_id, day, channel) in seen:
            continue
        seen.add((person_id, day, channel))
        employer = employers[int(rng.integers(len(employers)))] if channel in ("job_centre", "job_fair",
                                                                               "employer") else None
        abroad = channel == "abroad"
        rows.append(Placement(
            person_id=person_id, commune_id=commune_id, placed_on=day, year=2020, channel=channel, employer=employer,
            job_fair=fair, job_title=("Thực tập sinh kỹ năng" if abroad else "Công nhân"),
            destination_country=_choice(rng, COUNTRIES, 1)[0] if abroad else "",
            sending_company="Công ty CP Cung ứng nhân lực Hà Tĩnh" if abroad else "",
            departure_on=day if abroad else None, contract_months=36 if abroad else None,
            loan_amount=int(rng.integers(2, 11)) * 10_000_000 if channel == "loan" else None,
            loan_decision="NHCSXH" if channel == "loan" else "", recorded_by=actor))
    Placement.objects.bulk_create(rows, batch_size=5000)
    return len(rows), chosen.height


# ---------------------------------------------------------------- vocational education


def _institutions(rng, communes: list[int], scale: float, actor: User) -> list[TrainingProgramme]:
    occupations = Occupation.objects.bulk_create([Occupation(code=c, name=n) for c, n in OCCUPATIONS])
    plan = [("college", "Trường Cao đẳng Kỹ thuật Việt – Đức Hà Tĩnh"), ("college", "Trường Cao đẳng Nguyễn Du"),
            ("intermediate", "Trường Trung cấp Kỹ nghệ Hà Tĩnh"), ("intermediate", "Trường Trung cấp Lý Tự Trọng")]
    plan += [("centre", f"Trung tâm GDNN – GDTX số {i + 1}") for i in range(max(2, round(20 * scale ** 0.5)))]
    institutions = Institution.objects.bulk_create([
        Institution(code=f"GDNN{i + 1:03d}", name=name, kind=kind, ownership="public" if i % 5 else "private",
                    commune_id=communes[int(rng.integers(len(communes)))], capacity=(1500 if kind == "college" else 400),
                    created_by=actor) for i, (kind, name) in enumerate(plan)])
    teachers, programmes = [], []
    for inst in institutions:
        levels = ("college", "intermediate", "elementary", "short") if inst.kind == "college" else (
            ("intermediate", "elementary", "short") if inst.kind == "intermediate" else ("elementary", "short"))
        for k in rng.choice(len(occupations), size=4, replace=False):
            for level in levels:
                months = {"college": 30, "intermediate": 18, "elementary": 3, "short": 1}[level]
                programmes.append(TrainingProgramme(institution=inst, occupation=occupations[int(k)], level=level,
                                                    duration_months=months))
        for t in range(int(rng.integers(8, 40)) if inst.kind != "centre" else int(rng.integers(3, 12))):
            teachers.append(Teacher(institution=inst, full_name=f"Nhà giáo {inst.code}-{t + 1}", sex="MF"[t % 2],
                                    birth_year=int(rng.integers(1965, 1995)),
                                    qualification=("university", "college", "postgraduate")[t % 3],
                                    tenured=bool(t % 4)))
    TrainingProgramme.objects.bulk_create(programmes)
    Teacher.objects.bulk_create(teachers)
    return list(TrainingProgramme.objects.select_related("institution", "occupation"))


def _enrolments(rng, people: pl.DataFrame, programmes: list[TrainingProgramme], communes: list[int], scale: float,
                actors: dict) -> tuple[int, int]:
    actor = actors["gdnn"]
    total = round(NEW_ENROLMENT * scale)
    learners = people.filter(_age(pl.col("birth_date"), H1[0]).is_between(16, 45)
                             & (pl.col("death_date").is_null() | (pl.col("death_date") > H1[1])))
    learners = learners.sample(min(total, learners.height), seed=int(rng.integers(1 << 30)))
    by_level: dict[str, list[TrainingProgramme]] = {}
    for p in programmes:
        by_level.setdefault(p.level, []).append(p)
    levels = _choice(rng, LEVELS, learners.height)
    courses: dict[tuple[int, int], Course] = {}
    rows = []
    for (person_id, commune_id), level in zip(learners.select("id", "commune_id").iter_rows(), levels, strict=True):
        programme = by_level[level][int(rng.integers(len(by_level[level])))]
        month = int(rng.integers(1, 7))
        key = (programme.pk, month)
        if key not in courses:
            start = dt.date(2020, month, int(rng.integers(2, 16)))
            courses[key] = Course(programme=programme, code=f"{programme.occupation.code[-3:]}-{month:02d}20",
                                  start_date=start,
                                  end_date=start + dt.timedelta(days=30 * max(programme.duration_months, 1)),
                                  commune_id=communes[int(rng.integers(len(communes)))], planned_learners=35,
                                  rural_support=level in ("elementary", "short"), created_by=actor)
        rows.append((person_id, commune_id, level, key))
    Course.objects.bulk_create(list(courses.values()))
    enrolments = []
    for person_id, commune_id, level, key in rows:
        course = courses[key]
        enrolled = min(course.start_date + dt.timedelta(days=int(rng.integers(0, 5))), H1[1])
        finished = course.end_date if course.end_date <= H1[1] and level in ("elementary", "short") else None
        enrolments.append(CourseEnrolment(course=course, person_id=person_id, commune_id=commune_id, level=level,
                                          enrolled_on=enrolled, status="graduated" if finished else "studying",
                                          finished_on=finished, recorded_by=actor))
    CourseEnrolment.objects.bulk_create(enrolments, batch_size=5000)
    supports = _supports(rng, [e for e in enrolments if e.level in ("elementary", "short")], actors)
    _diplomas(rng, [e for e in enrolments if e.status == "graduated"], actor)
    return len(enrolments), supports


def _supports(rng, enrolments: list[CourseEnrolment], actors: dict) -> int:
    """About half the learners of sơ cấp / under-3-month courses get the QĐ 46 support, most approved, half paid."""
    preparer, leader = actors["gdnn"], actors["leader"]
    groups = (("rural", 0.55), ("priority", 0.2), ("near_poor", 0.12), ("poor_ethnic", 0.08), ("disabled", 0.05))
    chosen = [e for e in enrolments if rng.random() < 0.5]
    supports = []
    now = timezone.now()
    for e in chosen:
        group = _choice(rng, groups, 1)[0]
        cap = checks.QD46_2015.training_cost[group]
        days = 20 if e.level == "short" else 60
        status = ("approved", "paid", "submitted")[int(rng.integers(3))]
        decision = e.course.start_date + dt.timedelta(days=3)
        supports.append(TrainingSupport(
            enrolment=e, person_id=e.person_id, commune_id=e.commune_id, learner_group=group, funding="central",
            training_cost=cap if e.level == "elementary" else cap // 2, study_days=days, meal_amount=30_000 * days,
            travel_amount=200_000 if rng.random() < 0.3 else 0, total=0, status=status, prepared_by=preparer,
            submitted_by=preparer, submitted_at=now,
            approved_by=leader if status != "submitted" else None, approved_at=now if status != "submitted" else None,
            decision_number=f"{100 + len(supports) % 800}/QĐ-SLĐTBXH" if status != "submitted" else "",
            decision_date=decision if status != "submitted" else None,
            paid_on=min(decision + dt.timedelta(days=20), H1[1]) if status == "paid" else None,
            voucher=f"PC{len(supports):05d}" if status == "paid" else "",
            paid_by=preparer if status == "paid" else None, paid_at=now if status == "paid" else None))
    for s in supports:
        s.total = s.training_cost + s.meal_amount + s.travel_amount
    TrainingSupport.objects.bulk_create(supports, batch_size=5000)
    events = []
    for s in supports:
        steps = [("prepare", "", "draft", preparer), ("submit", "draft", "submitted", preparer)]
        if s.status in ("approved", "paid"):
            steps.append(("approve", "submitted", "approved", leader))
        if s.status == "paid":
            steps.append(("pay", "approved", "paid", preparer))
        events += [SupportEvent(support=s, step=step, from_status=a, to_status=b, actor=who)
                   for step, a, b, who in steps]
    SupportEvent.objects.bulk_create(events, batch_size=5000)
    return len(supports)


def _diplomas(rng, graduates: list[CourseEnrolment], actor: User) -> None:
    kinds = {"college": "college", "intermediate": "intermediate", "elementary": "elementary", "short": "training"}
    Diploma.objects.bulk_create([
        Diploma(number=f"{'SC' if e.level == 'elementary' else 'CC'}{2020}{i + 1:06d}", kind=kinds[e.level],
                enrolment=e, person_id=e.person_id, institution_id=e.course.programme.institution_id,
                issued_on=min(e.finished_on + dt.timedelta(days=7), H1[1]), recorded_by=actor)
        for i, e in enumerate(graduates)], batch_size=5000)


# ---------------------------------------------------------------- the supply register (2019 update)


def _supply(rng, people: pl.DataFrame, actor: User) -> int:
    ref = checks.reference_date(2019)
    adults = people.filter((pl.col("birth_date") <= checks.latest_birth_for(2019))
                           & (pl.col("death_date").is_null() | (pl.col("death_date") > ref)))
    n = adults.height
    age = adults.select(_age(pl.col("birth_date"), ref).alias("age"))["age"].to_numpy()
    draw = rng.random(n)
    student = (age < 23) & (draw < 0.6)
    old = (age >= 60) & (draw < 0.55)
    unemployed = ~student & ~old & (rng.random(n) < 0.025)
    inactive = student | old | (~unemployed & (rng.random(n) < 0.08))
    status = np.where(unemployed, "unemployed", np.where(inactive, "inactive", "employed"))
    reason = np.where(student, "studying", np.where(old, "old_age", np.where(inactive, "homemaking", "")))
    qual = rng.choice(["none", "short", "elementary", "intermediate", "college", "university"], size=n,
                      p=[0.55, 0.08, 0.12, 0.1, 0.06, 0.09])
    employed = status == "employed"
    sector = np.where(employed, rng.choice(["agriculture", "industry", "services"], size=n, p=[0.45, 0.25, 0.3]), "")
    position = np.where(employed, rng.choice(["own_account", "employee", "family", "employer"], size=n,
                                             p=[0.5, 0.35, 0.12, 0.03]), "")
    job = np.where(sector == "agriculture", "Làm ruộng", np.where(sector == "industry", "Công nhân",
                                                                   np.where(sector == "services", "Buôn bán", "")))
    now = timezone.now()
    start = reserve_ids(SupplyRecord._meta.db_table, n)
    frame = adults.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + start).alias("id"), pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"), pl.lit(2019, dtype=pl.Int64).alias("year"), "commune_id",
        pl.col("id").alias("person_id"),
        pl.when(pl.col("pid").is_not_null() | pl.col("cmnd").is_not_null()).then(pl.lit("identity"))
        .otherwise(pl.lit("reviewed")).alias("match"),
        pl.coalesce("pid", "cmnd").fill_null("").alias("identity_number"), "full_name", "sex", "birth_date",
        "birth_precision", pl.col("ethnicity_code").fill_null(""),
        pl.when(pl.int_range(pl.len()) % 3 == 0).then(pl.lit("lower_secondary")).otherwise(pl.lit("upper_secondary"))
        .alias("general_education"),
    ).with_columns(
        pl.Series("qualification", qual), pl.lit("").alias("field_of_training"), pl.Series("status", status),
        pl.Series("job_title", job), pl.Series("position", position), pl.lit("").alias("workplace_name"),
        pl.when(pl.Series(employed)).then(pl.lit("household")).otherwise(pl.lit("")).alias("workplace_type"),
        pl.Series("sector", sector), pl.lit("").alias("workplace_address"), pl.lit("").alias("previous_job"),
        pl.when(pl.Series(unemployed)).then(pl.lit(3, dtype=pl.Int64)).alias("unemployed_months"),
        pl.Series("inactive_reason", reason), pl.lit("").alias("training_need"), pl.lit("").alias("job_need"),
        pl.lit(None, dtype=pl.Int64).alias("source_import_id"), pl.lit(None, dtype=pl.Int64).alias("source_row"),
        pl.lit(actor.pk, dtype=pl.Int64).alias("recorded_by_id"))
    write_frame(SupplyRecord._meta.db_table, frame)
    SupplyCampaign.objects.create(year=2019, start_date=dt.date(2019, 7, 1), end_date=dt.date(2019, 7, 30),
                                  status="closed", opened_by=actor, note="Cập nhật theo TT 27/2015/TT-LĐTBXH")
    SupplyCampaign.objects.create(year=2020, start_date=dt.date(2020, 7, 1), end_date=dt.date(2020, 7, 30),
                                  opened_by=actor, note="Theo chỉ đạo tại Thông báo kết luận ngày 05/7/2020")
    return n


LABOUR_TABLES = (SupportEvent, TrainingSupport, Diploma, CourseEnrolment, Course, Teacher, TrainingProgramme,
                 Institution, Occupation, Placement, JobFairEmployer, JobFair, Vacancy, EmployerYear, Employer,
                 SupplyCandidate, SupplyRecord, SupplyCampaign)


def labour_demo_clear() -> None:
    refuse_in_production("xoá dữ liệu lao động, việc làm mẫu")
    from ansinh.labour.models import (
        EmployerImport,
        EnrolmentImport,
        PlacementImport,
        SupplyImport,
        VacancyImport,
    )

    models = (*LABOUR_TABLES, EnrolmentImport, PlacementImport, VacancyImport, EmployerImport, SupplyImport)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred key check pending on what is truncated
            cursor.execute(*compose("TRUNCATE {tables} CASCADE", tables=join(", ", (table(m) for m in models))))
        else:
            for model in models:
                cursor.execute(*compose("DELETE FROM {table}", table=table(model)))


@transaction.atomic
def labour_demo_load(*, seed: int = 2020, province_code: str = "42") -> LabourDemoResult:
    """Write the demo's labour data proportionally to the registry present (see the module doc)."""
    refuse_in_production("tạo dữ liệu lao động, việc làm mẫu (tài khoản mật khẩu công khai)")
    if Placement.objects.exists() or SupplyRecord.objects.exists() or Institution.objects.exists():
        raise RuntimeError("Đã có dữ liệu lao động, việc làm; dùng --reset để tạo lại.")
    province = AdminUnit.objects.get(level=Level.PROVINCE, structure=Structure.CURRENT, code=province_code)
    actors = _accounts(province)
    people = _people()
    if people.is_empty():
        raise RuntimeError("Chưa có dân cư mẫu: chạy «ansinh demo_load» trước.")
    scale = people.height / FULL_SIZE
    rng = np.random.default_rng(seed)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, structure=Structure.CURRENT,
                                             province_code=province_code).values_list("pk", flat=True))
    employers = _employers(rng, communes, max(30, round(1500 * scale)), actors["vieclam"])
    _vacancies(rng, employers, actors["vieclam"])
    fairs = _fairs(rng, employers, communes[0], actors["vieclam"])
    placements, jobs_found = _placements(rng, people, employers, fairs, scale, actors["vieclam"])
    programmes = _institutions(rng, communes, scale, actors["gdnn"])
    enrolments, supports = _enrolments(rng, people, programmes, communes, scale, actors)
    supply = _supply(rng, people, actors["vieclam"])
    return LabourDemoResult(placements=placements, jobs_found=jobs_found, enrolments=enrolments, fairs=len(fairs),
                            employers=len(employers), supply_records=supply, supports=supports)


__all__ = ["LABOUR_TABLES", "LabourDemoResult", "labour_demo_clear", "labour_demo_load"]
