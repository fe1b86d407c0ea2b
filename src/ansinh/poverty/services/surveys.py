"""Writes of the survey: one household from the form (``survey_record``), a checked file (``surveys_write``, in the
import's transaction), the rounds a file needs (``rounds_ensure``), the list of households to review
(``candidates_add``) and the classification of a round or a whole year by the rules (``round_classify``,
``year_classify``) — always set-based, always through ``classification.classify``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.core.audit import audit_record
from ansinh.core.bulk import read_frame
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.locks import advisory_lock
from ansinh.core.sql import compose, in_clause, table
from ansinh.geo.models import AdminUnit
from ansinh.policy.bridge import parameter_at
from ansinh.policy.selectors import approved_additions
from ansinh.poverty import checks
from ansinh.poverty.classification import classify, standard_ready, year_checked
from ansinh.poverty.models import (
    CandidateSource,
    HouseholdReview,
    ReviewRound,
    RoundKind,
    RoundStatus,
    RoundStep,
    Screening,
)
from ansinh.poverty.permissions import ROUND_WORKFLOW, require_round_opener, require_year_classifier
from ansinh.poverty.services.tables import reviews_insert, reviews_update
from ansinh.poverty.standards import INDICATOR_COLUMNS, indicators_for, period_for, standard_for, uses_scores
from ansinh.programmes.models import HOUSEHOLD_REGISTERS, Enrolment
from ansinh.registry.models import Household

SURVEY_COLUMNS = ["surveyed_on", "surveyor", "is_urban", "income_per_capita", *INDICATOR_COLUMNS, "b1_score",
                  "b2_score", "note"]
CLASSIFIED_COLUMNS = ["rules_status", "deprivation_count", "poverty_line", "near_poor_line", "classified_at",
                      "final_status"]
MAX_INCOME = 10_000_000_000  # đồng/person/month: anything above is a typing error


# ---------------------------------------------------------------- rounds and the list to review

def _window_start(year: int) -> tuple[int, int] | None:
    on = dt.date(year, 12, 31)
    additions = approved_additions()
    month = parameter_at("poverty.procedure.periodic_window.start_month", on, additions)
    day = parameter_at("poverty.procedure.periodic_window.start_day", on, additions)
    return (int(month), int(day)) if month and day else None


def reference_date_default(year: int) -> dt.date:
    return checks.default_reference_date(year, window_start=_window_start(year), today=timezone.localdate())


def round_new(*, year: int, commune_id: int, kind: str, actor: User, reference_date: dt.date | None = None,
              note: str = "") -> ReviewRound:
    """A new round and its first event (in the caller's transaction)."""
    year_checked(year)
    review_round = ReviewRound.objects.create(
        year=year, kind=kind, commune_id=commune_id, standard=standard_for(year), period=period_for(year),
        reference_date=reference_date or reference_date_default(year), opened_by=actor)
    ROUND_WORKFLOW.record(review_round, RoundStep.OPEN, actor=actor, note=note)
    return review_round


_CANDIDATES_SQL = """
    SELECT DISTINCT e.household_id, h.is_urban
      FROM {enrolments} e JOIN {households} h ON h.id = e.household_id
     WHERE e.commune_id = %s AND {registers} AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date > %s)
       AND NOT EXISTS (SELECT 1 FROM {reviews} r WHERE r.review_round_id = %s AND r.household_id = e.household_id)"""


def candidates_add(review_round: ReviewRound) -> int:
    """Add the households of the list being managed on the round's reference date that are not in the round yet
    (in the caller's transaction): «hộ gia đình thuộc danh sách hộ nghèo, hộ cận nghèo do UBND cấp xã đang quản
    lý tại thời điểm rà soát» (QĐ 24/2021 Điều 4 khoản 1)."""
    day = review_round.reference_date
    found = read_frame(*compose(_CANDIDATES_SQL, review_round.commune_id, day, day, review_round.pk,
                                enrolments=table(Enrolment), households=table(Household),
                                reviews=table(HouseholdReview),
                                registers=in_clause("e.register", list(HOUSEHOLD_REGISTERS))),
                       schema={"household_id": pl.Int64, "is_urban": pl.Boolean})
    if found.is_empty():
        return 0
    frame = found.unique("household_id").select(
        pl.lit(review_round.pk, dtype=pl.Int64).alias("review_round_id"), "household_id",
        pl.lit(review_round.commune_id, dtype=pl.Int64).alias("commune_id"),
        pl.lit(CandidateSource.PREVIOUS_LIST.value).alias("source"), pl.col("is_urban").cast(pl.Boolean))
    return reviews_insert(frame)


def rounds_ensure(*, year: int, commune_ids: list[int], actor: User, note: str = "") -> dict[int, ReviewRound]:
    """The annual round of each commune for ``year``, created with its list to review when missing (in the
    caller's transaction: the survey file's commit)."""
    existing = {r.commune_id: r for r in ReviewRound.objects.select_for_update()
                .filter(year=year, kind=RoundKind.ANNUAL, commune_id__in=commune_ids)}
    for commune_id in sorted(set(commune_ids) - set(existing)):
        review_round = round_new(year=year, commune_id=commune_id, kind=RoundKind.ANNUAL, actor=actor, note=note)
        candidates_add(review_round)
        existing[commune_id] = review_round
    return existing


@transaction.atomic(durable=True)
def round_open(*, actor: User, commune: AdminUnit, year: int, kind: str = RoundKind.ANNUAL,
               reference_date: dt.date | None = None) -> ReviewRound:
    """Open a round for a commune (annual: one per year) and draw up the list of households to review."""
    require_round_opener(actor, commune.pk)
    ROUND_WORKFLOW.require(actor, RoundStep.OPEN)
    year_checked(year)
    if kind not in RoundKind.values:
        raise DomainError("Loại rà soát không hợp lệ.", field="kind")
    if year > timezone.localdate().year:
        raise DomainError(f"Chưa đến năm rà soát {year}.", field="year")
    if kind == RoundKind.ANNUAL:
        advisory_lock(f"poverty.year.{year}")
        if ReviewRound.objects.filter(year=year, kind=kind, commune=commune).exists():
            raise DomainError(f"{commune.name} đã có kỳ rà soát định kỳ năm {year}.", field="year")
    if reference_date is not None and reference_date.year not in (year, year - 1):
        raise DomainError("Ngày chốt danh sách đang quản lý phải thuộc năm rà soát.", field="reference_date")
    review_round = round_new(year=year, commune_id=commune.pk, kind=kind, actor=actor, reference_date=reference_date)
    added = candidates_add(review_round)
    audit_record(actor=actor, action="poverty_round.open", obj=review_round,
                 summary=f"Lập {review_round}: {vn_number(added)} hộ thuộc danh sách đang quản lý",
                 details={"year": year, "kind": kind, "households": added})
    return review_round


# ---------------------------------------------------------------- classification

REVIEW_SCHEMA = {"id": pl.Int64, "is_urban": pl.Boolean, "income_per_capita": pl.Int64,
                 **{c: pl.Boolean for c in INDICATOR_COLUMNS}, "meeting_status": pl.String}


def _classified(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """The classification columns of ``rows`` (``id`` and the survey columns), meeting outcomes kept unless the
    rules now say the same."""
    result = classify(rows.rename({"id": "key"}), year=year).rename({"key": "id"})
    now = timezone.now()
    out = rows.select("id", "meeting_status").join(result, on="id", how="left", maintain_order="left")
    keep_meeting = (pl.col("meeting_status") != "") & (pl.col("meeting_status") != pl.col("rules_status"))
    return out.with_columns(
        pl.lit(now).alias("classified_at"),
        pl.when(keep_meeting).then(pl.col("meeting_status")).otherwise(pl.col("rules_status")).alias("final_status"),
        pl.when(keep_meeting).then(pl.col("meeting_status")).otherwise(pl.lit("")).alias("meeting_status"))


_SURVEYED_SQL = """
    SELECT r.id, CASE WHEN r.is_urban THEN 1 ELSE 0 END AS is_urban, r.income_per_capita, {mask} AS deprived,
           r.meeting_status
      FROM {reviews} r WHERE {rounds} AND r.income_per_capita IS NOT NULL"""


def _surveyed(round_ids: list[int]) -> pl.DataFrame:
    """The surveyed households of the rounds, the indicators read as one bit mask (a fifth of the bytes)."""
    from ansinh.core.sql import Sql, identifier, join

    mask = join(" + ", (compose("(CASE WHEN r.{c} THEN {bit} ELSE 0 END)", c=identifier(c), bit=Sql(str(1 << i)))
                        for i, c in enumerate(INDICATOR_COLUMNS)))
    schema = {"id": pl.Int64, "is_urban": pl.Int64, "income_per_capita": pl.Int64, "deprived": pl.Int64,
              "meeting_status": pl.String}
    frame = read_frame(*compose(_SURVEYED_SQL, mask=mask, reviews=table(HouseholdReview),
                                rounds=in_clause("r.review_round_id", round_ids)), schema=schema)
    if frame.is_empty():
        return pl.DataFrame(schema=REVIEW_SCHEMA)
    return frame.select(
        pl.col("id").cast(pl.Int64), pl.col("is_urban").cast(pl.Boolean), pl.col("income_per_capita").cast(pl.Int64),
        *[((pl.col("deprived").cast(pl.Int64) & (1 << i)) != 0).alias(c) for i, c in enumerate(INDICATOR_COLUMNS)],
        pl.col("meeting_status").cast(pl.String).fill_null(""))


def rounds_classify(rounds: list[ReviewRound]) -> int:
    """Classify every surveyed household of the rounds (all of one year) by the rules; in the caller's
    transaction. Returns the number of households classified."""
    if not rounds:
        return 0
    years = {r.year for r in rounds}
    if len(years) != 1:
        raise ValueError("rounds_classify: rounds of one year only")
    rows = _surveyed([r.pk for r in rounds])
    classified = _classified(rows, years.pop())
    reviews_update(classified, ["rules_status", "deprivation_count", "poverty_line", "near_poor_line", "final_status",
                                "meeting_status"], constants={"classified_at": timezone.now()})
    ReviewRound.objects.filter(pk__in=[r.pk for r in rounds]).update(classified_at=timezone.now(),
                                                                      updated_at=timezone.now())
    return classified.height


@transaction.atomic(durable=True)
def round_classify(*, actor: User, review_round: ReviewRound) -> int:
    """Classify (again) every surveyed household of one open round by the rules."""
    counted = {}

    def run(locked: ReviewRound) -> None:
        counted["n"] = rounds_classify([locked])

    ROUND_WORKFLOW.perform(review_round, RoundStep.CLASSIFY, actor=actor, update=run, details=counted,
                           summary=f"Phân loại theo chuẩn nghèo: {review_round}")
    return counted["n"]


@dataclass(frozen=True)
class YearClassification:
    rounds: int
    households: int


@transaction.atomic(durable=True)
def year_classify(*, actor: User, year: int, commune_ids: list[int] | None = None) -> YearClassification:
    """Classify every surveyed household of the open rounds of ``year`` in the actor's area at once (e.g. after an
    administrator filled a parameter): one computation for the whole province."""
    require_year_classifier(actor)
    from ansinh.poverty.selectors import communes_for

    standard_ready(year)
    advisory_lock(f"poverty.year.{year}")
    area = communes_for(actor)
    qs = ReviewRound.objects.select_for_update().filter(year=year, status=RoundStatus.DRAFT)
    if area is not None:
        qs = qs.filter(commune_id__in=area)
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=commune_ids)
    rounds = list(qs)
    counted = rounds_classify(rounds)
    audit_record(actor=actor, action="poverty_round.classify_year", obj=None, object_type="poverty.year",
                 object_id=str(year), summary=f"Phân loại {vn_number(counted)} hộ của {len(rounds)} kỳ rà soát năm "
                                              f"{year} theo chuẩn nghèo", details={"rounds": len(rounds)})
    return YearClassification(rounds=len(rounds), households=counted)


# ---------------------------------------------------------------- the file (import commit)

_EXISTING_SQL = """
    SELECT r.id, r.review_round_id, r.household_id, r.screening
      FROM {reviews} r WHERE {rounds} AND r.income_per_capita IS NULL AND {households}"""


def surveys_write(*, year: int, valid: pl.DataFrame, actor: User, survey_import_id: int | None = None) -> int:
    """Write the checked rows of a survey file (classified already) into the annual rounds of ``year`` (in the
    import's transaction): the households on a round's list are filled in, the others added."""
    if valid.is_empty():
        return 0
    rounds = rounds_ensure(year=year, commune_ids=valid["commune_id"].unique().to_list(), actor=actor,
                           note="Lập khi nhập tệp phiếu rà soát")
    refused = [r for r in rounds.values() if r.status != RoundStatus.DRAFT]
    if refused:
        raise DomainError(f"Kỳ rà soát {refused[0]} đang ở trạng thái «{refused[0].get_status_display()}»: không nhận "
                          "thêm phiếu.")
    key = pl.DataFrame([(c, r.pk) for c, r in rounds.items()], schema={"commune_id": pl.Int64,
                                                                        "review_round_id": pl.Int64}, orient="row")
    frame = valid.join(key, on="commune_id", how="left")
    existing = read_frame(*compose(_EXISTING_SQL, reviews=table(HouseholdReview),
                                   rounds=in_clause("r.review_round_id", key["review_round_id"].to_list()),
                                   households=in_clause("r.household_id", frame["household_id"].to_list())),
                          schema={"id": pl.Int64, "review_round_id": pl.Int64, "household_id": pl.Int64,
                                  "screening": pl.String})
    frame = frame.join(existing, on=["review_round_id", "household_id"], how="left").with_columns(
        pl.when(pl.col("screening") == Screening.EXCLUDED).then(pl.lit(Screening.CONTINUE.value))
        .otherwise(pl.col("screening").fill_null("")).alias("screening"))
    now = timezone.now()
    frame = frame.with_columns(pl.lit(now).alias("classified_at"), pl.col("rules_status").alias("final_status"),
                               pl.lit(survey_import_id, dtype=pl.Int64).alias("survey_import_id"),
                               pl.lit(actor.pk, dtype=pl.Int64).alias("recorded_by_id"))
    columns = [*SURVEY_COLUMNS, *CLASSIFIED_COLUMNS, "screening", "survey_import_id", "recorded_by_id"]
    updates = frame.filter(pl.col("id").is_not_null())
    reviews_update(updates, columns)
    inserts = frame.filter(pl.col("id").is_null()).drop("id").with_columns(  # not on the list being managed
        pl.when(pl.col("source") == CandidateSource.PREVIOUS_LIST).then(pl.lit(CandidateSource.APPLIED.value))
        .otherwise(pl.col("source")).alias("source"))
    reviews_insert(inserts.select("review_round_id", "household_id", "commune_id", "source", *columns))
    ReviewRound.objects.filter(pk__in=key["review_round_id"].to_list()).update(classified_at=now, updated_at=now)
    return frame.height


# ---------------------------------------------------------------- one household from the form

@dataclass(frozen=True)
class SurveyInput:
    """What the survey form gives: income per person per month, the deprivation indicators of the standard
    (``d_*`` names that are deprived), the B1/B2 scores of TT 17/2016 (QĐ 59 period only)."""

    income_per_capita: int | None
    deprived: frozenset[str]
    is_urban: bool
    surveyed_on: dt.date | None = None
    surveyor: str = ""
    b1_score: int | None = None
    b2_score: int | None = None
    note: str = ""


def _survey_problems(data: SurveyInput, review_round: ReviewRound) -> list[str]:
    problems = []
    if data.income_per_capita is None:
        problems.append("Nhập thu nhập bình quân đầu người/tháng (số nguyên đồng, ví dụ 1.200.000).")
    elif data.income_per_capita < 0:
        problems.append("Thu nhập bình quân đầu người/tháng không được âm.")
    elif data.income_per_capita > MAX_INCOME:
        problems.append("Thu nhập bình quân đầu người/tháng quá lớn: kiểm tra lại số đã nhập.")
    allowed = {i.column for i in indicators_for(review_round.year)}
    unknown = set(data.deprived) - allowed
    if unknown:
        problems.append("Chỉ số không thuộc chuẩn nghèo của kỳ rà soát: " + ", ".join(sorted(unknown)) + ".")
    if (data.b1_score is not None or data.b2_score is not None) and not uses_scores(review_round.year):
        problems.append("Điểm B1/B2 chỉ dùng cho phiếu B theo TT 17/2016 (chuẩn nghèo QĐ 59/2015).")
    for label, score in (("B1", data.b1_score), ("B2", data.b2_score)):
        if score is not None and not 0 <= score <= 1000:
            problems.append(f"Điểm {label} không hợp lệ.")
    if data.surveyed_on is not None and data.surveyed_on > timezone.localdate():
        problems.append("Ngày rà soát sau hôm nay.")
    return problems


def _fill(review: HouseholdReview, data: SurveyInput, year: int, actor: User) -> None:
    """The survey's values on the row, and their classification by the rules (meeting outcome kept when it still
    differs)."""
    review.is_urban, review.income_per_capita = data.is_urban, data.income_per_capita
    for column in INDICATOR_COLUMNS:
        setattr(review, column, column in data.deprived)
    review.surveyed_on, review.surveyor = data.surveyed_on, data.surveyor.strip()[:120]
    review.b1_score, review.b2_score, review.note = data.b1_score, data.b2_score, data.note.strip()[:500]
    review.recorded_by = actor
    if review.screening == Screening.EXCLUDED:
        review.screening = Screening.CONTINUE
    frame = pl.DataFrame({"id": [0], "is_urban": [review.is_urban], "income_per_capita": [review.income_per_capita],
                          **{c: [getattr(review, c)] for c in INDICATOR_COLUMNS},
                          "meeting_status": [review.meeting_status]})
    result = _classified(frame, year).row(0, named=True)
    for column in ("rules_status", "deprivation_count", "poverty_line", "near_poor_line", "classified_at",
                   "final_status", "meeting_status"):
        setattr(review, column, result[column])
    if not result["meeting_status"]:
        review.meeting_reason = ""


@transaction.atomic(durable=True)
def survey_record(*, actor: User, review_round: ReviewRound, household: Household, data: SurveyInput,
                  source: str = CandidateSource.APPLIED, edit: bool = False) -> HouseholdReview:
    """Record (``edit``: correct) the survey of one household of an open round and classify it at once."""
    problems = _survey_problems(data, review_round)
    if problems:
        raise DomainError(" ".join(problems))
    if household.commune_id != review_round.commune_id:
        raise DomainError(f"Hộ {household.code} không thuộc {review_round.commune.name}.")
    if source not in CandidateSource.values:
        raise DomainError("Diện rà soát không hợp lệ.", field="source")
    found: dict = {}

    def write(locked: ReviewRound) -> None:
        review = HouseholdReview.objects.select_for_update().filter(review_round=locked, household=household).first()
        if review is not None and review.surveyed and not edit:
            raise DomainError(f"Hộ {household.code} đã có phiếu rà soát trong {locked} (ghi ngày "
                              f"{timezone.localtime(review.updated_at):%d/%m/%Y}): mỗi hộ chỉ một phiếu trong một kỳ; "
                              "dùng «Sửa phiếu» để sửa.")
        if review is not None and review.exit_reason:
            raise DomainError(f"Hộ {household.code} đã được ghi «{review.get_exit_reason_display()}».")
        if review is None:
            review = HouseholdReview(review_round=locked, household=household, commune_id=locked.commune_id,
                                     source=source)
        _fill(review, data, locked.year, actor)
        review.updated_at = timezone.now()
        try:
            review.full_clean(exclude=["review_round", "household", "commune", "recorded_by", "survey_import"])
        except ValidationError as err:
            raise DomainError(" ".join(m for messages in err.message_dict.values() for m in messages)) from err
        review.save()
        found.update(review=review, status=review.rules_status)

    ROUND_WORKFLOW.perform(review_round, RoundStep.SURVEY, actor=actor, update=write, details=found,
                           summary=f"{'Sửa' if edit else 'Ghi'} phiếu rà soát hộ {household.code}: {review_round}")
    return found["review"]
