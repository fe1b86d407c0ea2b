"""Reads of the poverty review: scoped to the user's area (an object outside it is a 404, never a 403), and the
report frames (SQL aggregates and set-based reads, one pass per year, no loop over households)."""

from __future__ import annotations

import polars as pl
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.accounts.permissions import area_commune_ids, user_sees_whole_province
from ansinh.core.bulk import read_frame
from ansinh.core.sql import compose, in_clause, table
from ansinh.core.todo import TodoItem, present, workflow_todo
from ansinh.geo.models import AdminUnit
from ansinh.poverty.checks import EVER_SCHEMA, PREVIOUS_SCHEMA, ROWS_SCHEMA, transitions_compute
from ansinh.poverty.models import (
    Certificate,
    Complaint,
    HouseholdReview,
    HousingCase,
    HousingPhoto,
    HousingScheme,
    HousingStep,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundStep,
    SurveyImport,
)
from ansinh.poverty.permissions import HOUSING_WORKFLOW, ROUND_WORKFLOW, can_import_surveys, can_read_poverty
from ansinh.poverty.standards import INDICATOR_COLUMNS, indicators_for
from ansinh.programmes.models import HOUSEHOLD_REGISTERS, Enrolment
from ansinh.registry.models import Household, Membership, Person

NOT_FOUND = "Không tìm thấy trong địa bàn của bạn."


def _scoped(qs: QuerySet, user: User, field: str = "commune") -> QuerySet:
    if not can_read_poverty(user):
        return qs.none()
    if user_sees_whole_province(user):
        return qs
    return qs.filter(**{f"{field}_id__in": area_commune_ids(user)})


def _get(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(NOT_FOUND)
    return obj


# ---------------------------------------------------------------- rounds and households

def rounds_for_user(*, user: User, year: int | None = None, status: str = "", commune_id: int | None = None,
                    kind: str = "") -> QuerySet[ReviewRound]:
    qs = _scoped(ReviewRound.objects.select_related("commune"), user)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(n_households=Count("households"),
                       n_surveyed=Count("households", filter=Q(households__income_per_capita__isnull=False)),
                       n_poor=Count("households", filter=Q(households__final_status="poor")),
                       n_near=Count("households", filter=Q(households__final_status="near_poor"))
                       ).order_by("-year", "commune__name", "pk")


def round_years(*, user: User) -> list[int]:
    return sorted(set(_scoped(ReviewRound.objects.all(), user).values_list("year", flat=True)), reverse=True)


def round_get(*, user: User, pk: int) -> ReviewRound:
    return _get(_scoped(ReviewRound.objects.select_related("commune", "opened_by", "recognised_by"), user), pk)


def round_households(*, review_round: ReviewRound, status: str = "", query: str = "",
                     todo: bool = False) -> QuerySet[HouseholdReview]:
    qs = (HouseholdReview.objects.filter(review_round=review_round)
          .select_related("household", "household__head").order_by("household__code"))
    if status == "overruled":
        qs = qs.exclude(meeting_status="")
    elif status:
        qs = qs.filter(final_status=status)
    if todo:
        qs = qs.filter(income_per_capita__isnull=True, exit_reason="").exclude(screening="excluded")
    if query:
        qs = qs.filter(Q(household__code=query.strip().upper()) | Q(household__head__search_key__contains=query))
    return qs


def household_review_get(*, user: User, pk: int) -> HouseholdReview:
    qs = HouseholdReview.objects.select_related("review_round", "review_round__commune", "household",
                                                "household__head", "household__commune")
    return _get(_scoped(qs, user), pk)


def round_household_for_code(*, review_round: ReviewRound, code: str) -> HouseholdReview | None:
    return (HouseholdReview.objects.filter(review_round=review_round, household__code=code.strip().upper())
            .select_related("household").first())


def household_in_area(*, user: User, code: str, commune_id: int) -> Household | None:
    """The registry household with this code, if it is of ``commune_id`` and the user's area."""
    household = Household.objects.filter(code=(code or "").strip().upper()[:32]).select_related("head").first()
    if household is None or household.commune_id != commune_id or commune_id not in area_commune_ids(user):
        return None
    return household


def round_counts(*, review_round: ReviewRound) -> dict:
    qs = HouseholdReview.objects.filter(review_round=review_round)
    return qs.aggregate(
        total=Count("pk"), surveyed=Count("pk", filter=Q(income_per_capita__isnull=False)),
        todo=Count("pk", filter=Q(income_per_capita__isnull=True, exit_reason="") & ~Q(screening="excluded")),
        excluded=Count("pk", filter=Q(screening="excluded")), exited=Count("pk", filter=~Q(exit_reason="")),
        unclassified=Count("pk", filter=Q(income_per_capita__isnull=False, rules_status="")),
        poor=Count("pk", filter=Q(final_status="poor")), near=Count("pk", filter=Q(final_status="near_poor")),
        not_poor=Count("pk", filter=Q(final_status="not_poor")), overruled=Count("pk", filter=~Q(meeting_status="")))


def complaints_of(*, review_round: ReviewRound) -> QuerySet[Complaint]:
    return review_round.complaints.select_related("household_review__household", "recorded_by", "resolved_by")


def complaint_get(*, user: User, pk: int) -> Complaint:
    return _get(_scoped(Complaint.objects.select_related("review_round"), user, "review_round__commune"), pk)


def certificate_get(*, user: User, pk: int) -> Certificate:
    qs = Certificate.objects.select_related("review_round", "review_round__commune", "household_review__household",
                                            "household_review__household__head")
    return _get(_scoped(qs, user, "review_round__commune"), pk)


def previous_status_of(*, review_round: ReviewRound, household_id: int) -> str:
    """poor / near_poor / '' on the list being managed on the round's reference date."""
    day = review_round.reference_date
    registers = set(Enrolment.objects.filter(
        household_id=household_id, register__in=HOUSEHOLD_REGISTERS, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)).values_list("register", flat=True))
    return "poor" if "poor" in registers else ("near_poor" if registers else "")


# ---------------------------------------------------------------- survey files

def survey_imports_for_user(*, user: User) -> QuerySet[SurveyImport]:
    if not can_import_surveys(user):
        return SurveyImport.objects.none()
    qs = SurveyImport.objects.select_related("created_by")
    if user_sees_whole_province(user):
        return qs
    return qs.filter(Q(created_by=user) | Q(area_id__in=area_commune_ids(user)))


def survey_import_get(*, user: User, pk: int) -> SurveyImport:
    return _get(survey_imports_for_user(user=user), pk)


# ---------------------------------------------------------------- report frames

def communes_for(user: User | None) -> list[int] | None:
    """The communes a report covers: the user's area; None (every commune) for the command line."""
    if user is None or user_sees_whole_province(user):
        return None
    return area_commune_ids(user)


def year_rounds(*, year: int, commune_ids: list[int] | None, kind: str = RoundKind.ANNUAL) -> list[ReviewRound]:
    qs = ReviewRound.objects.filter(year=year, kind=kind).select_related("commune")
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=commune_ids)
    return list(qs.order_by("commune__name"))


_ROWS_SQL = """
    SELECT hr.review_round_id AS round_id, hr.household_id, hr.final_status, hr.exit_reason,
           CASE WHEN hr.income_per_capita IS NULL THEN 0 ELSE 1 END AS surveyed
      FROM {reviews} hr WHERE {rounds}"""
_PREVIOUS_SQL = """
    SELECT r.id AS round_id, e.household_id, e.register AS previous,
           CASE WHEN h.commune_id <> r.commune_id THEN 1 ELSE 0 END AS moved_hint,
           CASE WHEN EXISTS (SELECT 1 FROM {memberships} m WHERE m.household_id = e.household_id
                                AND m.left_date IS NULL) THEN 0 ELSE 1 END AS dissolved_hint
      FROM {rounds_table} r
      JOIN {enrolments} e ON e.commune_id = r.commune_id AND {registers}
                         AND e.start_date <= r.reference_date
                         AND (e.end_date IS NULL OR e.end_date > r.reference_date)
      JOIN {households} h ON h.id = e.household_id
     WHERE {rounds}"""
_EVER_SQL = """
    SELECT r.id AS round_id, e.household_id,
           MAX(CASE WHEN e.register = %s THEN 1 ELSE 0 END) AS ever_poor,
           MAX(CASE WHEN e.register = %s THEN 1 ELSE 0 END) AS ever_near
      FROM {rounds_table} r
      JOIN {reviews} hr ON hr.review_round_id = r.id
      JOIN {enrolments} e ON e.household_id = hr.household_id AND {registers}
                         AND e.end_date IS NOT NULL AND e.end_date <= r.reference_date
     WHERE {rounds}
     GROUP BY r.id, e.household_id"""


def _read(sql: str, *params, schema: dict, **parts) -> pl.DataFrame:
    """Rows of a report query typed by ``schema``; flags come from SQL as 0/1 (the same on both databases)."""
    raw = {name: (pl.Int64 if dtype == pl.Boolean else dtype) for name, dtype in schema.items()}
    frame = read_frame(*compose(sql, *params, **parts), schema=raw)
    if not frame.height:
        return pl.DataFrame(schema=schema)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def transitions_frame(rounds: list[ReviewRound]) -> pl.DataFrame:
    """Every household of the rounds or of their previous lists, with its transition (``checks``)."""
    ids = [r.pk for r in rounds]
    common = {"reviews": table(HouseholdReview), "rounds_table": table(ReviewRound), "enrolments": table(Enrolment),
              "households": table(Household), "memberships": table(Membership),
              "registers": in_clause("e.register", list(HOUSEHOLD_REGISTERS))}
    rows = _read(_ROWS_SQL, schema=ROWS_SCHEMA, reviews=common["reviews"], rounds=in_clause("hr.review_round_id", ids))
    previous = _read(_PREVIOUS_SQL, schema=PREVIOUS_SCHEMA, rounds=in_clause("r.id", ids),
                     **{k: v for k, v in common.items() if k != "reviews"})
    ever = _read(_EVER_SQL, "poor", "near_poor", schema=EVER_SCHEMA, rounds=in_clause("r.id", ids),
                 **{k: v for k, v in common.items() if k not in ("households", "memberships")})
    out = transitions_compute(rows, previous, ever)
    commune_of = pl.DataFrame({"round_id": ids, "commune_id": [r.commune_id for r in rounds]},
                              schema={"round_id": pl.Int64, "commune_id": pl.Int64})
    return out.join(rows.select("round_id", "household_id", "surveyed"), on=["round_id", "household_id"],
                    how="left").join(commune_of, on="round_id", how="left").with_columns(
        pl.col("surveyed").fill_null(False))


_HOUSEHOLDS_SQL = """
    SELECT h.id AS household_id, h.commune_id, CASE WHEN h.is_urban THEN 1 ELSE 0 END AS is_urban,
           CASE WHEN p.ethnicity_code IS NULL OR p.ethnicity_code = %s THEN 0 ELSE 1 END AS minority
      FROM {households} h LEFT JOIN {people} p ON p.id = h.head_id
     WHERE {communes}"""
HOUSEHOLD_SCHEMA = {"household_id": pl.Int64, "commune_id": pl.Int64, "is_urban": pl.Boolean, "minority": pl.Boolean}


def households_frame(commune_ids: list[int]) -> pl.DataFrame:
    """Every registry household of the communes: area (urban) and whether its head is of an ethnic minority."""
    return _read(_HOUSEHOLDS_SQL, "01", schema=HOUSEHOLD_SCHEMA, households=table(Household), people=table(Person),
                 communes=in_clause("h.commune_id", commune_ids))


def _commune_names(ids: list[int]) -> pl.DataFrame:
    rows = list(AdminUnit.objects.filter(pk__in=ids).values_list("pk", "code", "name"))
    return pl.DataFrame(rows, schema={"commune_id": pl.Int64, "commune_code": pl.String, "commune_name": pl.String},
                        orient="row")


SUMMARY_COLUMNS = ["commune_code", "commune_name", "surveyed", "poor", "near_poor", "not_poor", "new_poor",
                   "out_of_poverty", "back_poor", "poor_to_near", "households", "poverty_rate"]


def year_summary(*, year: int, commune_ids: list[int] | None = None) -> pl.DataFrame:
    """Per commune of the year's annual rounds: households surveyed, poor, near-poor, not poor (the round's result),
    newly poor, out of poverty (left the poor list: to near-poor or out of both), back into poverty, and the
    poverty rate over every registry household of the commune (%, two decimals)."""
    rounds = year_rounds(year=year, commune_ids=commune_ids)
    if not rounds:
        return pl.DataFrame(schema={c: (pl.String if c.startswith("commune_") else pl.Int64) for c in SUMMARY_COLUMNS}
                            | {"poverty_rate": pl.Float64})
    moves = transitions_frame(rounds)
    per = moves.group_by("commune_id").agg(
        pl.col("surveyed").sum().alias("surveyed"),
        (pl.col("surveyed") & (pl.col("final_status") == "poor")).sum().alias("poor"),
        (pl.col("surveyed") & (pl.col("final_status") == "near_poor")).sum().alias("near_poor"),
        (pl.col("surveyed") & (pl.col("final_status") == "not_poor")).sum().alias("not_poor"),
        (pl.col("category") == "new_poor").sum().alias("new_poor"),
        pl.col("category").is_in(["out_poor", "poor_to_near"]).sum().alias("out_of_poverty"),
        (pl.col("category") == "back_poor").sum().alias("back_poor"),
        (pl.col("category") == "poor_to_near").sum().alias("poor_to_near"))
    ids = [r.commune_id for r in rounds]
    totals = (households_frame(ids).group_by("commune_id").agg(pl.len().alias("households")))
    frame = (_commune_names(ids).join(per, on="commune_id", how="left").join(totals, on="commune_id", how="left")
             .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in
                           ["surveyed", "poor", "near_poor", "not_poor", "new_poor", "out_of_poverty", "back_poor",
                            "poor_to_near", "households"]))
    frame = frame.with_columns(
        pl.when(pl.col("households") > 0).then((pl.col("poor") * 100 / pl.col("households")).round(2))
        .otherwise(None).alias("poverty_rate"))
    return frame.sort("commune_name").select(SUMMARY_COLUMNS)


def year_transitions(*, year: int, commune_ids: list[int] | None, kind: str = RoundKind.ANNUAL) -> pl.DataFrame:
    """Per commune: the count of each transition (``checks.TRANSITIONS``) of the year's rounds."""
    rounds = year_rounds(year=year, commune_ids=commune_ids, kind=kind)
    if not rounds:
        return pl.DataFrame(schema={"commune_id": pl.Int64, "commune_code": pl.String, "commune_name": pl.String})
    moves = transitions_frame(rounds)
    counts = moves.group_by("commune_id", "category").len().pivot(on="category", index="commune_id", values="len")
    return _commune_names([r.commune_id for r in rounds]).join(counts, on="commune_id", how="left").fill_null(0) \
        .sort("commune_name")


MINISTRY_SCHEMA = {"area": pl.String, "commune_id": pl.Int64, "commune_name": pl.String, "households": pl.Int64,
                   "households_minority": pl.Int64, "start": pl.Int64, "start_minority": pl.Int64, "out": pl.Int64, "back": pl.Int64, "new": pl.Int64,
                   "end": pl.Int64, "end_minority": pl.Int64}


def ministry_tables(*, year: int, commune_ids: list[int] | None) -> dict[str, pl.DataFrame]:
    """The two tables of the ministry's summary form («Tổng hợp kết quả điều tra, rà soát hộ nghèo / hộ cận nghèo
    năm … cấp xã/huyện/tỉnh»), one row per commune and area (urban, rural) of the households: total households,
    at the start of the year (the list being managed; of which ethnic minority), out, back, newly arisen, at the
    end of the year (the round's result; of which ethnic minority)."""
    rounds = year_rounds(year=year, commune_ids=commune_ids)
    out = {"poor": pl.DataFrame(schema=MINISTRY_SCHEMA), "near_poor": pl.DataFrame(schema=MINISTRY_SCHEMA)}
    if not rounds:
        return out
    ids = [r.commune_id for r in rounds]
    info = households_frame(ids)
    moves = transitions_frame(rounds).drop("commune_id").join(info, on="household_id", how="left")
    totals = info.group_by("commune_id", "is_urban").agg(pl.len().alias("households"),
                                                          pl.col("minority").sum().alias("households_minority"))
    names = _commune_names(ids)
    specs = {
        "poor": {"start": pl.col("previous") == "poor", "end": pl.col("final_status") == "poor",
                 "out": pl.col("category").is_in(["out_poor", "poor_to_near"]),
                 "back": pl.col("category") == "back_poor", "new": pl.col("category") == "new_poor"},
        "near_poor": {"start": pl.col("previous") == "near_poor", "end": pl.col("final_status") == "near_poor",
                      "out": pl.col("category").is_in(["out_near"]) | ((pl.col("previous") == "near_poor")
                                                                       & (pl.col("final_status") == "poor")),
                      "back": pl.col("category") == "back_near",
                      "new": pl.col("category").is_in(["new_near", "poor_to_near"])},
    }
    for name, spec in specs.items():
        counts = moves.group_by("commune_id", "is_urban").agg(
            spec["start"].sum().alias("start"), (spec["start"] & pl.col("minority")).sum().alias("start_minority"),
            spec["out"].sum().alias("out"), spec["back"].sum().alias("back"), spec["new"].sum().alias("new"),
            spec["end"].sum().alias("end"), (spec["end"] & pl.col("minority")).sum().alias("end_minority"))
        frame = (totals.join(counts, on=["commune_id", "is_urban"], how="full", coalesce=True)
                 .join(names, on="commune_id", how="left")
                 .with_columns(pl.when(pl.col("is_urban")).then(pl.lit("urban")).otherwise(pl.lit("rural")).alias("area"))
                 .fill_null(0))
        out[name] = frame.select([pl.col(c).cast(t) for c, t in MINISTRY_SCHEMA.items()]).sort("area", "commune_name",
                                                                                               descending=[True, False])
    return out


def plan_indicators(*, year: int, commune_ids: list[int] | None) -> pl.DataFrame:
    """Per commune, for a poverty-reduction plan (#12): registry households, poor / near-poor households and their
    rates (%), and, among the poor and near-poor households of the round, the count deprived in each indicator of
    the year's standard (columns named as the ``HouseholdReview`` fields, ``d_*``)."""
    rounds = year_rounds(year=year, commune_ids=commune_ids)
    indicators = indicators_for(year)
    columns = [i.column for i in indicators]
    schema = {"commune_id": pl.Int64, "commune_code": pl.String, "commune_name": pl.String, "households": pl.Int64,
              "poor": pl.Int64, "near_poor": pl.Int64, "poor_rate": pl.Float64, "near_poor_rate": pl.Float64,
              **{c: pl.Int64 for c in columns}}
    if not rounds:
        return pl.DataFrame(schema=schema)
    ids = [r.commune_id for r in rounds]
    rows = pl.DataFrame(list(HouseholdReview.objects.filter(review_round__in=rounds).values_list(
        "commune_id", "final_status", *INDICATOR_COLUMNS)), schema={"commune_id": pl.Int64, "final_status": pl.String,
                                                                      **{c: pl.Boolean for c in INDICATOR_COLUMNS}},
        orient="row")
    listed = pl.col("final_status").is_in(["poor", "near_poor"])
    per = rows.group_by("commune_id").agg(
        (pl.col("final_status") == "poor").sum().alias("poor"),
        (pl.col("final_status") == "near_poor").sum().alias("near_poor"),
        *[(pl.col(c) & listed).sum().alias(c) for c in columns])
    totals = households_frame(ids).group_by("commune_id").agg(pl.len().alias("households"))
    frame = (_commune_names(ids).join(totals, on="commune_id", how="left").join(per, on="commune_id", how="left")
             .fill_null(0))
    rate = [(pl.when(pl.col("households") > 0).then((pl.col(c) * 100 / pl.col("households")).round(2))
             .otherwise(None)).alias(f"{c}_rate") for c in ("poor", "near_poor")]
    return frame.with_columns(rate).select([pl.col(c).cast(t) for c, t in schema.items()]).sort("commune_name")


# ---------------------------------------------------------------- housing

def schemes_for_user(*, user: User) -> QuerySet[HousingScheme]:
    if not can_read_poverty(user):
        return HousingScheme.objects.none()
    return HousingScheme.objects.select_related("programme").order_by("-review_year", "pk")


def scheme_get(*, user: User, pk: int) -> HousingScheme:
    return _get(schemes_for_user(user=user), pk)


def cases_for_user(*, user: User, scheme: HousingScheme, status: str = "", commune_id: int | None = None):
    qs = _scoped(HousingCase.objects.filter(scheme=scheme).select_related("household", "household__head", "commune"),
                 user)
    if status:
        qs = qs.filter(status=status)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    return qs


def case_get(*, user: User, pk: int) -> HousingCase:
    qs = HousingCase.objects.select_related("scheme", "scheme__programme", "household", "household__head", "commune",
                                            "household_review")
    return _get(_scoped(qs, user), pk)


def photo_get(*, user: User, pk: int) -> HousingPhoto:
    return _get(_scoped(HousingPhoto.objects.select_related("case"), user, "case__commune"), pk)


def housing_candidates(*, scheme: HousingScheme, commune_ids: list[int] | None) -> QuerySet[HouseholdReview]:
    """Poor households of the scheme's review year deprived in housing quality or floor area, without a case."""
    qs = (HouseholdReview.objects.filter(review_round__year=scheme.review_year, final_status="poor")
          .filter(Q(d_housing_quality=True) | Q(d_floor_area=True))
          .exclude(household__housing_cases__scheme=scheme)
          .select_related("household", "household__head", "commune").order_by("commune__name", "household__code"))
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=commune_ids)
    return qs


def housing_report(*, scheme: HousingScheme, commune_ids: list[int] | None) -> dict:
    """Counts from the records: houses by status, amounts by source, tranches; per commune and in total."""
    from django.db.models import Sum

    from ansinh.poverty.models import HousingFunding, HousingStatus, HousingTranche

    cases = HousingCase.objects.filter(scheme=scheme)
    if commune_ids is not None:
        cases = cases.filter(commune_id__in=commune_ids)
    supported = [HousingStatus.APPROVED, HousingStatus.STARTED, HousingStatus.FINISHED, HousingStatus.ACCEPTED]
    per_commune = list(cases.values("commune__name").annotate(
        proposed=Count("pk"), supported=Count("pk", filter=Q(status__in=supported)),
        started=Count("pk", filter=Q(status__in=supported[1:])),
        finished=Count("pk", filter=Q(status__in=supported[2:])),
        accepted=Count("pk", filter=Q(status=HousingStatus.ACCEPTED)),
        amount=Sum("amount_total", filter=Q(status__in=supported))).order_by("commune__name"))
    total = cases.aggregate(proposed=Count("pk"), supported=Count("pk", filter=Q(status__in=supported)),
                            started=Count("pk", filter=Q(status__in=supported[1:])),
                            finished=Count("pk", filter=Q(status__in=supported[2:])),
                            accepted=Count("pk", filter=Q(status=HousingStatus.ACCEPTED)),
                            amount=Sum("amount_total", filter=Q(status__in=supported)))
    by_source = list(HousingFunding.objects.filter(case__in=cases.filter(status__in=supported))
                     .values("source__name").annotate(amount=Sum("amount"), houses=Count("case", distinct=True))
                     .order_by("source__name"))
    tranches = list(HousingTranche.objects.filter(case__in=cases).values("number", "beneficiary_list__status")
                    .annotate(houses=Count("pk"), amount=Sum("amount")).order_by("number", "beneficiary_list__status"))
    return {"per_commune": per_commune, "total": total, "by_source": by_source, "tranches": tranches}


# ---------------------------------------------------------------- «Việc cần làm»

TODO_SECTION = "Giảm nghèo"


def todo_items(user: User) -> list[TodoItem]:
    """Review rounds and housing cases of the user's area waiting for a step this user takes."""
    if not can_read_poverty(user):
        return []
    rounds = _scoped(ReviewRound.objects.all(), user)
    today = timezone.localdate()

    def round_step(step: str, label: str, queryset: QuerySet = rounds) -> TodoItem | None:
        return workflow_todo(ROUND_WORKFLOW, user=user, queryset=queryset, step=step, section=TODO_SECTION,
                             label=label, url=reverse("poverty:index"),
                             link=lambda r: f"{reverse('poverty:index')}?status={r.status}")

    def case_step(step: str, label: str) -> TodoItem | None:
        return workflow_todo(HOUSING_WORKFLOW, user=user, queryset=_scoped(HousingCase.objects.all(), user),
                             step=step, section=TODO_SECTION, label=label, url=reverse("poverty:schemes"),
                             link=lambda c: reverse("poverty:case_detail", args=[c.pk]))

    return present([
        round_step(RoundStep.MEETING, "Kỳ rà soát đang rà soát, chưa họp dân"),
        round_step(RoundStep.POST, "Kỳ rà soát đã họp dân chờ niêm yết"),
        # annual rounds only, once the posting is over (the service refuses the others)
        round_step(RoundStep.REPORT, "Kỳ rà soát đã niêm yết xong chờ báo cáo cấp huyện",
                   rounds.filter(kind=RoundKind.ANNUAL, posting_end__lt=today)),
        round_step(RoundStep.ENDORSE, "Kỳ rà soát chờ ý kiến cấp huyện"),
        # an annual round needs the district's opinion first; a regular one is decided after the posting
        round_step(RoundStep.RECOGNISE, "Kỳ rà soát chờ ghi quyết định công nhận",
                   rounds.exclude(kind=RoundKind.ANNUAL, status=RoundStatus.POSTED)),
        case_step(HousingStep.APPRAISE, "Hồ sơ hỗ trợ nhà ở chờ thẩm định"),
        case_step(HousingStep.APPROVE, "Hồ sơ hỗ trợ nhà ở chờ phê duyệt"),
        case_step(HousingStep.ACCEPT, "Nhà ở đã xây xong chờ nghiệm thu"),
    ])
