"""Reads of the labour app, scoped by the user's area (an object outside it is a 404, never a 403), and the
indicators of the plan (``indicator_value``, re-exported from ``labour.indicators``)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, scope_to_area, user_sees_whole_province
from ansinh.core.bulk import read_frame
from ansinh.core.sql import compose, in_clause, table
from ansinh.core.todo import TodoItem, oldest_of, present, workflow_todo
from ansinh.labour.checks import latest_birth_for
from ansinh.labour.indicators import INDICATORS, Period, indicator_table, indicator_value  # noqa: F401  (the plan's API)
from ansinh.labour.models import (
    Course,
    CourseEnrolment,
    Diploma,
    Employer,
    EmployerImport,
    EnrolmentImport,
    Institution,
    JobFair,
    Occupation,
    Placement,
    PlacementImport,
    SupplyCampaign,
    SupplyCandidate,
    SupplyImport,
    SupplyRecord,
    TrainingProgramme,
    TrainingSupport,
    Vacancy,
    VacancyImport,
)
from ansinh.labour.models.choices import CandidateStatus, MatchMethod
from ansinh.labour.permissions import SUPPORT_WORKFLOW, can_read, can_write_supply
from ansinh.registry.models import Person


def _readable(qs: QuerySet, user: User, *, commune_field: str = "commune") -> QuerySet:
    if not can_read(user):
        return qs.none()
    return scope_to_area(qs, user, commune_field=commune_field)


def _get(qs: QuerySet, pk: int, what: str):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(f"Không tìm thấy {what}.")
    return obj


# ---------------------------------------------------------------- supply

def campaigns(*, user: User) -> QuerySet[SupplyCampaign]:
    return SupplyCampaign.objects.all() if can_read(user) else SupplyCampaign.objects.none()


def campaign_get(*, user: User, year: int) -> SupplyCampaign:
    campaign = campaigns(user=user).filter(year=year).first()
    if campaign is None:
        raise Http404("Chưa có đợt cập nhật cung lao động của năm này.")
    return campaign


def supply_records(*, user: User, year: int | None = None, commune_id: int | None = None, status: str = "",
                   match: str = "", query: str = "") -> QuerySet[SupplyRecord]:
    qs = _readable(SupplyRecord.objects.select_related("commune"), user)
    if year:
        qs = qs.filter(year=year)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if status:
        qs = qs.filter(status=status)
    if match:
        qs = qs.filter(match=match)
    if query:
        qs = qs.filter(full_name__icontains=query)
    return qs


def supply_record_get(*, user: User, pk: int) -> SupplyRecord:
    qs = supply_records(user=user).select_related("person", "recorded_by", "source_import").prefetch_related(
        Prefetch("candidates", queryset=SupplyCandidate.objects.select_related("person__commune", "decided_by")))
    return _get(qs, pk, "phiếu cung lao động")


def review_queue(*, user: User, year: int | None = None) -> QuerySet[SupplyRecord]:
    """Supply records waiting for a person: the model proposed candidates, nobody has decided yet."""
    qs = supply_records(user=user, year=year, match=MatchMethod.PENDING)
    return qs.annotate(open_candidates=Count("candidates", filter=Q(candidates__status=CandidateStatus.PENDING)))


def candidate_get(*, user: User, pk: int) -> SupplyCandidate:
    qs = SupplyCandidate.objects.select_related("record", "person").filter(record__in=supply_records(user=user))
    return _get(qs, pk, "đề xuất đối chiếu")


PROGRESS_SQL = """
SELECT p.commune_id, COUNT(*) AS people
  FROM {people} p
 WHERE p.merged_into_id IS NULL AND p.birth_date <= %s AND (p.death_date IS NULL OR p.death_date > %s)
   AND {communes}
 GROUP BY p.commune_id"""


def campaign_progress(*, user: User, year: int) -> list[dict]:
    """Per commune of the user's area: people aged 15+ in the registry on 1 July, supply records of the year
    (matched, waiting for review, not found), and the share recorded."""
    if not can_read(user):
        return []
    ids = area_commune_ids(user)
    from ansinh.geo.models import AdminUnit, Structure

    ref = dt.date(year, 7, 1)
    query = compose(PROGRESS_SQL, latest_birth_for(year), ref, people=table(Person),
                    communes=in_clause("p.commune_id", ids))
    people = {r["commune_id"]: r["people"] for r in read_frame(*query, schema={
        "commune_id": pl.Int64, "people": pl.Int64}).iter_rows(named=True)}
    counts: dict[int, dict[str, int]] = {}
    for commune_id, match, n in (SupplyRecord.objects.filter(year=year, commune_id__in=ids)
                                 .values_list("commune_id", "match").annotate(n=Count("pk"))):
        counts.setdefault(commune_id, {})[match] = n
    communes = AdminUnit.objects.filter(pk__in=set(people) | set(counts)) if not user_sees_whole_province(user) else (
        AdminUnit.objects.filter(pk__in=ids, structure=Structure.CURRENT) | AdminUnit.objects.filter(pk__in=set(counts)))
    rows = []
    for commune in communes.order_by("name").distinct():
        c = counts.get(commune.pk, {})
        recorded = sum(c.values())
        expected = people.get(commune.pk, 0)
        rows.append({"commune": commune, "expected": expected, "recorded": recorded,
                     "matched": c.get(MatchMethod.IDENTITY, 0) + c.get(MatchMethod.REVIEWED, 0),
                     "pending": c.get(MatchMethod.PENDING, 0), "not_found": c.get(MatchMethod.NOT_FOUND, 0),
                     "share": round(recorded * 100 / expected, 1) if expected else None})
    return rows


def supply_imports(*, user: User) -> QuerySet[SupplyImport]:
    return _imports(SupplyImport, user)


def supply_import_get(*, user: User, pk: int) -> SupplyImport:
    return _get(supply_imports(user=user), pk, "tệp")


def _imports(model, user: User) -> QuerySet:
    """The files a user may see: his own, and those uploaded by users of communes inside his area."""
    if not can_read(user):
        return model.objects.none()
    qs = model.objects.select_related("created_by")
    if user_sees_whole_province(user):
        return qs
    return qs.filter(Q(created_by=user) | Q(area_id__in=area_commune_ids(user)))


# ---------------------------------------------------------------- demand

def employers(*, user: User, query: str = "", commune_id: int | None = None) -> QuerySet[Employer]:
    qs = _readable(Employer.objects.select_related("commune"), user)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(tax_code__startswith=query))
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    return qs


def employer_get(*, user: User, pk: int) -> Employer:
    return _get(employers(user=user).prefetch_related("years"), pk, "đơn vị sử dụng lao động")


def vacancies(*, user: User, status: str = "", employer: Employer | None = None) -> QuerySet[Vacancy]:
    qs = _readable(Vacancy.objects.select_related("employer"), user, commune_field="employer__commune")
    if status:
        qs = qs.filter(status=status)
    if employer is not None:
        qs = qs.filter(employer=employer)
    return qs


def vacancy_get(*, user: User, pk: int) -> Vacancy:
    return _get(vacancies(user=user), pk, "vị trí tuyển dụng")


def job_fairs(*, user: User) -> QuerySet[JobFair]:
    return _readable(JobFair.objects.select_related("commune"), user).annotate(hires=Count("placements"))


def job_fair_get(*, user: User, pk: int) -> JobFair:
    return _get(job_fairs(user=user).prefetch_related("employers__employer"), pk, "phiên giao dịch việc làm")


def placements(*, user: User, channel: str = "", year: int | None = None, commune_id: int | None = None,
               job_fair: JobFair | None = None) -> QuerySet[Placement]:
    qs = _readable(Placement.objects.select_related("person", "commune", "employer", "job_fair"), user)
    if channel:
        qs = qs.filter(channel=channel)
    if year:
        qs = qs.filter(year=year)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if job_fair is not None:
        qs = qs.filter(job_fair=job_fair)
    return qs


def placement_get(*, user: User, pk: int) -> Placement:
    return _get(placements(user=user).select_related("vacancy", "recorded_by"), pk, "lượt giải quyết việc làm")


def employer_imports(*, user: User) -> QuerySet[EmployerImport]:
    return _imports(EmployerImport, user)


def vacancy_imports(*, user: User) -> QuerySet[VacancyImport]:
    return _imports(VacancyImport, user)


def placement_imports(*, user: User) -> QuerySet[PlacementImport]:
    return _imports(PlacementImport, user)


def import_recent(*, user: User, slug: str, limit: int = 15) -> list:
    return list(_sources()[slug](user=user)[:limit]) if slug in _sources() else []


def _sources() -> dict:
    return {"employers": employer_imports, "vacancies": vacancy_imports, "placements": placement_imports,
            "supply": supply_imports, "enrolments": enrolment_imports}


def import_get(*, user: User, kind: str, pk: int):
    """A file of one of the demand/placement kinds the user may see (a 404 otherwise)."""
    sources = _sources()
    if kind not in sources:
        raise Http404("Không tìm thấy tệp.")
    return _get(sources[kind](user=user), pk, "tệp")


# ---------------------------------------------------------------- vocational education

def institutions(*, user: User) -> QuerySet[Institution]:
    """The institutions are the province's catalogue: every reader sees them all."""
    if not can_read(user):
        return Institution.objects.none()
    return Institution.objects.select_related("commune").annotate(teacher_count=Count("teachers", distinct=True))


def institution_get(*, user: User, pk: int) -> Institution:
    return _get(institutions(user=user).prefetch_related("teachers", "programmes__occupation"), pk,
                "cơ sở giáo dục nghề nghiệp")


def occupations(*, user: User) -> QuerySet[Occupation]:
    return Occupation.objects.all() if can_read(user) else Occupation.objects.none()


def programmes(*, user: User, institution: Institution | None = None) -> QuerySet[TrainingProgramme]:
    qs = (TrainingProgramme.objects.select_related("institution", "occupation") if can_read(user)
          else TrainingProgramme.objects.none())
    return qs.filter(institution=institution) if institution is not None else qs


def programme_get(*, user: User, pk: int) -> TrainingProgramme:
    return _get(programmes(user=user), pk, "chương trình đào tạo")


def courses(*, user: User, level: str = "", institution_id: int | None = None) -> QuerySet[Course]:
    if not can_read(user):
        return Course.objects.none()
    qs = Course.objects.select_related("programme__institution", "programme__occupation", "commune").annotate(
        learners=Count("enrolments"))
    if level:
        qs = qs.filter(programme__level=level)
    if institution_id:
        qs = qs.filter(programme__institution_id=institution_id)
    return qs


def course_get(*, user: User, pk: int) -> Course:
    return _get(courses(user=user), pk, "khoá học")


def enrolments(*, user: User, course: Course | None = None, status: str = "") -> QuerySet[CourseEnrolment]:
    qs = _readable(CourseEnrolment.objects.select_related("person", "course__programme__occupation", "commune"), user)
    if course is not None:
        qs = qs.filter(course=course)
    if status:
        qs = qs.filter(status=status)
    return qs


def enrolment_get(*, user: User, pk: int) -> CourseEnrolment:
    qs = enrolments(user=user).select_related("course__programme__institution").prefetch_related("diploma", "support")
    return _get(qs, pk, "người học")


def enrolment_imports(*, user: User) -> QuerySet[EnrolmentImport]:
    return _imports(EnrolmentImport, user)


def diplomas(*, user: User) -> QuerySet[Diploma]:
    return _readable(Diploma.objects.select_related("person", "institution", "enrolment__course"), user,
                     commune_field="enrolment__commune")


def diploma_lookup(*, user: User, number: str) -> Diploma | None:
    """Verify a diploma by its number (province-wide: the point is to check a paper someone shows)."""
    if not can_read(user) or not number:
        return None
    return (Diploma.objects.select_related("person", "institution", "enrolment__course__programme__occupation")
            .filter(number=number).first())


def supports(*, user: User, status: str = "") -> QuerySet[TrainingSupport]:
    qs = _readable(TrainingSupport.objects.select_related("person", "enrolment__course__programme__occupation",
                                                          "commune"), user)
    return qs.filter(status=status) if status else qs


def support_get(*, user: User, pk: int) -> TrainingSupport:
    return _get(supports(user=user).select_related("prepared_by", "approved_by", "paid_by"), pk,
                "đề nghị hỗ trợ đào tạo")


def person_by_identity(number: str) -> Person | None:
    """The registry person holding a complete 12-digit number or 9-digit CMND (merged records excluded)."""
    if len(number) == 12:
        return Person.objects.select_related("commune").filter(pid=number, merged_into__isnull=True).first()
    if len(number) == 9:
        return Person.objects.select_related("commune").filter(cmnd=number, merged_into__isnull=True).first()
    return None


def latest_year() -> int:
    """The latest year with placements or enrolments (the demo is 2020), else this year: the pages' default."""
    from django.db.models import Max
    from django.utils import timezone

    years = [Placement.objects.aggregate(y=Max("year"))["y"],
             CourseEnrolment.objects.aggregate(d=Max("enrolled_on"))["d"]]
    found = [y.year if isinstance(y, dt.date) else y for y in years if y]
    return max(found) if found else timezone.localdate().year


def summary(*, user: User, year: int) -> dict:
    """The figures of the home pages."""
    return {
        "employers": employers(user=user).count(),
        "open_vacancies": vacancies(user=user, status="open").count(),
        "fairs": job_fairs(user=user).filter(held_on__year=year).count(),
        "placements": placements(user=user, year=year).count(),
        "supply": supply_records(user=user, year=year).count(),
        "pending": supply_records(user=user, match=MatchMethod.PENDING).count(),
        "institutions": institutions(user=user).count(),
        "courses": courses(user=user).filter(start_date__year=year).count(),
        "enrolments": enrolments(user=user).filter(enrolled_on__year=year).count(),
        "supports_waiting": supports(user=user).filter(status__in=["draft", "submitted"]).count(),
    }


# ---------------------------------------------------------------- «Việc cần làm»

TODO_SECTION = "Lao động – việc làm"


def todo_items(user: User) -> list[TodoItem]:
    """Supply records waiting for someone to pick the person (the review queue), and training-support requests
    waiting for a step this user takes, in their area."""
    if not can_read(user):
        return []
    items = []
    if can_write_supply(user):
        queue = supply_records(user=user, match=MatchMethod.PENDING)
        count = queue.count()
        items.append(TodoItem(section=TODO_SECTION, label="Phiếu cung lao động chờ đối chiếu nhân khẩu", count=count,
                              url=reverse("labour:review_queue"),
                              oldest=oldest_of(queue, "created_at") if count else None))

    def support_step(step: str, label: str) -> TodoItem | None:
        return workflow_todo(SUPPORT_WORKFLOW, user=user, queryset=_readable(TrainingSupport.objects.all(), user),
                             step=step, section=TODO_SECTION, label=label, url=reverse("labour:support_list"),
                             link=lambda s: f"{reverse('labour:support_list')}?status={s.status}")

    items += [support_step("submit", "Đề nghị hỗ trợ đào tạo đang lập, chưa trình"),
              support_step("approve", "Đề nghị hỗ trợ đào tạo chờ phê duyệt"),
              support_step("pay", "Hỗ trợ đào tạo đã duyệt chờ chi trả")]
    return present(items)
