"""The survey file (``poverty_survey``) on the shared import lifecycle: one row per household surveyed in the annual
review of a year, for any commune of the importer's area.

Columns (Vietnamese variants accepted): «Mã hộ» (the registry household code), «Họ và tên chủ hộ», «Xã/phường»,
«Khu vực» (Thành thị / Nông thôn), «Thu nhập bình quân đầu người/tháng», then one column per deprivation indicator
of the year's standard, named as in its list (a mark «x», «1», «Có» means deprived; empty means not), and for
the QĐ 59/2015 period the B1/B2 scores of phiếu B. Optional: «Ngày rà soát», «Rà soát viên», «Diện rà soát»,
«Ghi chú».

Checks: the cells (income a whole non-negative number of đồng, a mark or nothing, dates), the household in the
registry and in the importer's area, the commune of the row the household's, the household once in the file and
not surveyed yet in the year's round, the round still open. The rows are classified by the rules during the check
(a year whose standard has an empty parameter fails before anything is written); the commit writes the valid
rows into the rounds (created with their list of households when missing), all in one transaction.
"""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.bulk import read_frame
from ansinh.core.errors import PermissionDenied
from ansinh.core.formatting import vn_number
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.locks import advisory_lock
from ansinh.core.sql import compose, in_clause, table
from ansinh.core.tabular import (
    ROW,
    Field,
    RawTable,
    Schema,
    add_errors,
    has_errors,
    parse_columns,
    read_table,
)
from ansinh.core.text import fold_expr
from ansinh.geo.selectors import current_unit, match_commune
from ansinh.poverty.classification import classify, standard_ready, year_checked
from ansinh.poverty.models import (
    CandidateSource,
    HouseholdReview,
    ReviewRound,
    RoundKind,
    RoundStatus,
    SurveyImport,
)
from ansinh.poverty.permissions import require_survey_importer
from ansinh.poverty.services.surveys import MAX_INCOME, SURVEY_COLUMNS, surveys_write
from ansinh.poverty.standards import (
    INDICATOR_COLUMNS,
    STANDARD_LABELS,
    indicators_for,
    standard_for,
    uses_scores,
)
from ansinh.registry.models import Household, Person

_CODE_MAX = Household._meta.get_field("code").max_length
AREA_CHOICES = (("urban", ("Thành thị", "TT", "Thành phố", "Đô thị")), ("rural", ("Nông thôn", "NT")))
SOURCE_CHOICES = (("applied", ("Hộ có giấy đề nghị", "Giấy đề nghị", "Đề nghị", "Hộ đề nghị")),
                  ("proposed", ("Thôn đề xuất", "Đề xuất", "Thôn, tổ dân phố đề xuất")),
                  ("previous", ("Thuộc danh sách đang quản lý", "Danh sách năm trước", "Hộ nghèo, cận nghèo năm trước")))


def survey_schema(year: int) -> Schema:
    """The columns of the year's form: the indicators of its standard, the B1/B2 scores for QĐ 59/2015."""
    fields = [
        Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ", "Mã số hộ"), required=True, width=16,
              max_length=_CODE_MAX),
        Field("head_name", "Họ và tên chủ hộ", ("Họ tên chủ hộ", "Chủ hộ", "Tên chủ hộ"), width=26, max_length=120),
        Field("commune_name", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Đơn vị hành chính cấp xã"),
              width=20, max_length=120),
        Field("area", "Khu vực", ("Khu vực (Thành thị / Nông thôn)", "Thành thị/Nông thôn"), kind="choice",
              choices=AREA_CHOICES, width=12),
        Field("income", "Thu nhập bình quân đầu người/tháng",
              ("Thu nhập bình quân đầu người", "Thu nhập bình quân đầu người/tháng (đồng)", "Thu nhập BQ đầu người/tháng",
               "TNBQ đầu người/tháng", "Thu nhập bình quân (đồng/người/tháng)", "Thu nhập"),
              required=True, kind="money", width=18),
    ]
    fields += [Field(i.column, i.header, i.synonyms, kind="bool", width=12) for i in indicators_for(year)]
    if uses_scores(year):
        fields += [Field("b1_score", "Điểm B1", ("B1", "Tổng điểm B1"), kind="int", width=8),
                   Field("b2_score", "Điểm B2", ("B2", "Tổng điểm B2"), kind="int", width=8)]
    fields += [Field("surveyed_on", "Ngày rà soát", ("Ngày điều tra", "Ngày phỏng vấn"), kind="date", precision="day"),
               Field("surveyor", "Rà soát viên", ("Điều tra viên", "Người rà soát"), max_length=120),
               Field("source", "Diện rà soát", ("Nguồn", "Diện"), kind="choice", choices=SOURCE_CHOICES),
               Field("note", "Ghi chú", (), max_length=500)]
    return Schema(fields=tuple(fields))


def _parse_rows(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """Checks of the rows alone (no database): the household once in the file, the numbers in range."""
    rows = rows.with_columns(pl.col("household_code").str.strip_chars().str.to_uppercase())
    code = pl.col("household_code")
    first = pl.col(ROW).min().over("household_code")
    rows = add_errors(rows, code.is_not_null() & code.is_duplicated(),
                      pl.format("Hộ {} xuất hiện nhiều lần trong tệp (lần đầu ở dòng {}): mỗi hộ chỉ một phiếu trong "
                                "một kỳ rà soát.", code, first))
    rows = add_errors(rows, pl.col("income") > MAX_INCOME,
                      "Thu nhập bình quân đầu người/tháng quá lớn: kiểm tra lại (ghi số đồng của một người một tháng).")
    if uses_scores(year):
        for name, label in (("b1_score", "Điểm B1"), ("b2_score", "Điểm B2")):
            rows = add_errors(rows, (pl.col(name) < 0) | (pl.col(name) > 1000),
                              pl.format(f"{label}: {{}} không hợp lệ (điểm từ 0).", pl.col(name)))
    return rows


_HOUSEHOLDS_SQL = """
    SELECT h.code AS household_code, h.id AS household_id, h.commune_id, h.recorded_commune_id AS _recorded,
           CASE WHEN h.is_urban THEN 1 ELSE 0 END AS _urban, p.search_key AS _head
      FROM {households} h LEFT JOIN {people} p ON p.id = h.head_id
     WHERE {codes}"""
_HOUSEHOLDS_SCHEMA = {"household_code": pl.String, "household_id": pl.Int64, "commune_id": pl.Int64,
                      "_recorded": pl.Int64, "_urban": pl.Int64, "_head": pl.String}


def _match_households(rows: pl.DataFrame, allowed: set[int]) -> pl.DataFrame:
    codes = rows["household_code"].drop_nulls().unique().to_list()
    found = read_frame(*compose(_HOUSEHOLDS_SQL, households=table(Household), people=table(Person),
                                codes=in_clause("h.code", codes)), schema=_HOUSEHOLDS_SCHEMA)
    found = (found if found.height else pl.DataFrame(schema=_HOUSEHOLDS_SCHEMA)).select(
        [pl.col(c).cast(t) for c, t in _HOUSEHOLDS_SCHEMA.items()]).with_columns(pl.col("_urban").cast(pl.Boolean))
    rows = rows.join(found, on="household_code", how="left", maintain_order="left")
    rows = add_errors(rows, pl.col("household_code").is_not_null() & pl.col("household_id").is_null(),
                      pl.format("Không có hộ mã {} trong cơ sở dữ liệu hộ gia đình (mã hộ phải là mã trong CSDL, ví dụ "
                                "đã nhập bằng «ansinh import-registry»).", pl.col("household_code")))
    outside = pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(list(allowed))
    rows = add_errors(rows, outside, pl.format("Hộ {} ở ngoài địa bàn bạn được phân công.", pl.col("household_code")))
    # an out-of-area household is not written, and nothing more is said about it
    return rows.with_columns(pl.when(outside).then(None).otherwise(pl.col("household_id")).alias("household_id"))


def _match_communes(rows: pl.DataFrame, province_code: str) -> pl.DataFrame:
    """The row's «Xã/phường» names the household's commune (today's, the one it was recorded in, or its
    predecessor)."""
    names = rows["commune_name"].drop_nulls().unique().to_list()
    accepted: list[tuple[str, int]] = []
    for name in names:
        unit = match_commune(name=name, province_code=province_code)
        if unit is not None:
            accepted += [(name, unit.pk), (name, current_unit(unit).pk)]
    table = pl.DataFrame(accepted, schema={"commune_name": pl.String, "_unit": pl.Int64}, orient="row").unique()
    matches = (rows.select(ROW, "commune_name", "commune_id", "_recorded").join(table, on="commune_name", how="inner")
               .filter((pl.col("_unit") == pl.col("commune_id")) | (pl.col("_unit") == pl.col("_recorded")))
               .select(ROW).unique().with_columns(pl.lit(True).alias("_commune_ok")))
    rows = rows.join(matches, on=ROW, how="left", maintain_order="left")
    bad = pl.col("commune_name").is_not_null() & pl.col("household_id").is_not_null() & pl.col("_commune_ok").is_null()
    return add_errors(rows, bad, pl.format("Xã/phường «{}» không phải xã/phường của hộ {} trong cơ sở dữ liệu.",
                                           pl.col("commune_name"), pl.col("household_code"))).drop("_commune_ok")


_SURVEYED_SQL = """
    SELECT r.household_id, SUBSTR(CAST(r.updated_at AS TEXT), 1, 19) AS _when, r.exit_reason AS _exit
      FROM {reviews} r
     WHERE {rounds} AND {households} AND (r.income_per_capita IS NOT NULL OR r.exit_reason <> '')"""


def _check_rounds(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """The household not surveyed yet in the year's annual round; the round still open for surveys."""
    households = rows["household_id"].drop_nulls().unique().to_list()
    communes = rows["commune_id"].drop_nulls().unique().to_list()
    rounds = {r.commune_id: r for r in ReviewRound.objects.filter(year=year, kind=RoundKind.ANNUAL,
                                                                 commune_id__in=communes).select_related("commune")}
    closed = [(c, f"Kỳ rà soát năm {year} của {r.commune.name} đang ở trạng thái «{r.get_status_display()}»: không "
                  "nhận thêm phiếu.") for c, r in rounds.items() if r.status != RoundStatus.DRAFT]
    closed_frame = pl.DataFrame(closed, schema={"commune_id": pl.Int64, "_closed": pl.String}, orient="row")
    schema = {"household_id": pl.Int64, "_when": pl.String, "_exit": pl.String}
    surveyed = read_frame(*compose(_SURVEYED_SQL, reviews=table(HouseholdReview),
                                   rounds=in_clause("r.review_round_id", [r.pk for r in rounds.values()]),
                                   households=in_clause("r.household_id", households)), schema=schema)
    surveyed = (surveyed if surveyed.height else pl.DataFrame(schema=schema)).select(
        pl.col("household_id").cast(pl.Int64), pl.col("_when").cast(pl.String).str.to_datetime(
            "%Y-%m-%d %H:%M:%S", time_zone="UTC", strict=False), pl.col("_exit").cast(pl.String).fill_null(""))
    rows = (rows.join(closed_frame, on="commune_id", how="left", maintain_order="left")
            .join(surveyed, on="household_id", how="left", maintain_order="left"))
    rows = add_errors(rows, pl.col("_closed").is_not_null(), pl.col("_closed"))
    when = pl.col("_when").dt.convert_time_zone("Asia/Ho_Chi_Minh").dt.strftime("%d/%m/%Y")
    exited = pl.col("_exit").is_not_null() & (pl.col("_exit") != "")
    rows = add_errors(rows, pl.col("_when").is_not_null() & ~exited,
                      pl.format("Hộ {} đã có phiếu rà soát trong kỳ rà soát năm {} (ghi ngày {}): mỗi hộ chỉ một phiếu "
                                "trong một kỳ.", pl.col("household_code"), pl.lit(str(year)), when))
    rows = add_errors(rows, exited, pl.format("Hộ {} đã được ghi chuyển đi hoặc không còn trong kỳ rà soát năm {}: "
                                              "không ghi phiếu.", pl.col("household_code"), pl.lit(str(year))))
    return rows.drop("_closed", "_when", "_exit")


def _prepared(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """Typed survey columns (the file's area, else the registry's; unmarked indicators not deprived)."""
    present = set(rows.columns)
    indicator_columns = {i.column for i in indicators_for(year)}
    return rows.with_columns(
        pl.when(pl.col("area").is_not_null()).then(pl.col("area") == "urban").otherwise(pl.col("_urban"))
        .fill_null(False).alias("is_urban"),
        pl.col("income").alias("income_per_capita"),
        *[(pl.col(c).fill_null(False) if c in present and c in indicator_columns else pl.lit(False)).alias(c)
          for c in INDICATOR_COLUMNS],
        *[(pl.col(c) if c in present else pl.lit(None, dtype=pl.Int64)).alias(c) for c in ("b1_score", "b2_score")],
        pl.col("surveyor").fill_null(""), pl.col("note").fill_null(""),
        pl.col("source").fill_null(CandidateSource.APPLIED.value))


class SurveyImportKind(ImportKind):
    code = "poverty_survey"
    label = "phiếu rà soát hộ nghèo, hộ cận nghèo"
    model = SurveyImport
    duplicate_scope = ("year",)  # the same file twice into the same year's rounds: refused
    audit_prefix = "poverty_survey_import"
    urls = {"detail": "poverty:import_detail", "commit": "poverty:import_commit", "report": "poverty:import_report",
            "again": "poverty:import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        year = record.year if record is not None else target.get("year")
        require_survey_importer(actor)
        try:
            year_checked(int(year))
        except (TypeError, ValueError) as err:
            raise PermissionDenied("Năm rà soát không hợp lệ.") from err

    def schema(self, record) -> Schema:
        return survey_schema(record.year)

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        standard_ready(record.year)  # a standard with an empty parameter: the file fails, nothing is read further
        schema = survey_schema(record.year)
        raw = read_table(record.stored_file.path, schema, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        progress(20, "Đang kiểm tra từng dòng")
        return raw, _parse_rows(parse_columns(raw, schema, today=timezone.localdate()), record.year)

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        from django.conf import settings

        actor = record.created_by
        rows = _match_households(rows, set(area_commune_ids(actor)))
        rows = _match_communes(rows, settings.ANSINH_PROVINCE_CODE)
        rows = _check_rounds(rows, record.year)
        progress(50, "Đang phân loại theo chuẩn nghèo")
        rows = _prepared(rows, record.year)
        valid = rows.filter(~has_errors())
        classified = classify(valid.select(pl.col("household_id").alias("key"), "is_urban", "income_per_capita",
                                           *INDICATOR_COLUMNS), year=record.year)
        rows = rows.join(classified.rename({"key": "household_id"}), on="household_id", how="left",
                         maintain_order="left")
        valid = rows.filter(~has_errors())
        counts = dict(valid.group_by("rules_status").len().iter_rows())
        mismatched = valid.filter(pl.col("head_name").is_not_null() & pl.col("_head").is_not_null()
                                  & (fold_expr(pl.col("head_name")) != pl.col("_head")))
        messages = [f"Chuẩn nghèo áp dụng: {STANDARD_LABELS[standard_for(record.year)]}."]
        missing = [i.header for i in indicators_for(record.year) if i.column not in raw.recognised]
        if missing:
            messages.append("Tệp không có cột chỉ số: " + ", ".join(missing) + " (coi là không thiếu hụt).")
        if mismatched.height:
            sample = ", ".join(mismatched["household_code"].head(5).to_list())
            messages.append(f"{vn_number(mismatched.height)} dòng có họ tên chủ hộ khác cơ sở dữ liệu ({sample}…): "
                            "kiểm tra lại trước khi ghi.")
        figures = {"households": valid.height, "communes": valid["commune_id"].n_unique(),
                   "poor": counts.get("poor", 0), "near_poor": counts.get("near_poor", 0),
                   "not_poor": counts.get("not_poor", 0), "year": record.year}
        return CheckOutcome(raw=raw, rows=rows, figures=figures, messages=messages, name_column="head_name")

    def lock(self, record) -> None:
        advisory_lock(f"poverty.year.{record.year}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        valid = outcome.valid.select("household_id", "commune_id", "source", *SURVEY_COLUMNS, "rules_status",
                                     "deprivation_count", "poverty_line", "near_poor_line")
        written = surveys_write(year=record.year, valid=valid, actor=actor, survey_import_id=record.pk)
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} phiếu rà soát năm {record.year}.",
                            details={"year": record.year})

    def describe_target(self, record) -> str:
        return f"kỳ rà soát năm {record.year}"

    def figures(self, record) -> list[tuple[str, object, str]]:
        figures = (record.summary or {}).get("figures", {})
        if not figures:
            return []
        return [("Năm rà soát", str(figures.get("year", record.year)), "year"),
                ("Số hộ có thể ghi", vn_number(figures.get("households", 0)), "households"),
                ("Số xã/phường", vn_number(figures.get("communes", 0)), "communes"),
                ("Hộ nghèo theo chuẩn", vn_number(figures.get("poor", 0)), "poor"),
                ("Hộ cận nghèo theo chuẩn", vn_number(figures.get("near_poor", 0)), "near-poor"),
                ("Không nghèo, không cận nghèo", vn_number(figures.get("not_poor", 0)), "not-poor")]

    def done_link(self, record) -> tuple[str, str] | None:
        from django.urls import reverse

        return ("Các kỳ rà soát năm " + str(record.year), reverse("poverty:round_list") + f"?year={record.year}")


SURVEY_KIND = register_kind(SurveyImportKind())
