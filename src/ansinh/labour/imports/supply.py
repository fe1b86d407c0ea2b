"""The yearly supply update (cập nhật thông tin cung lao động, TT 27/2015 then TT 01/2022/TT-BLĐTBXH) through the
shared import lifecycle: the ``labour_supply`` kind.

Each row is one person aged 15 or more (on 1 July of the year) with the content of TT 01/2022 Điều 7. Person
matching:

1. by identity number (12-digit number or 9-digit CMND) against the whole registry: the row gets the person; a
   number held by someone else entirely (another name *and* another birth year) is an error, a name spelled
   differently is accepted (counted on the status page);
2. rows without a number, or with a number the registry does not know, go through the matching model
   (``ansinh.matching``: the model in use, linked against the registry of the importer's area): a row with
   candidates at or above the review threshold is written «chờ đối chiếu» with up to three candidates in the
   review queue of this app; a row with none is an error (register the person first).

A person is written once per year (the database refuses a second record); other years are kept as history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import polars as pl
from django.utils import timezone

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.bulk import read_frame
from ansinh.core.errors import DomainError
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
from ansinh.labour.checks import latest_birth_for, reference_date
from ansinh.labour.imports._common import (
    BIRTH,
    COMMUNE,
    FULL_NAME,
    IDENTITY,
    SEX,
    STT,
    age_errors,
    area_errors,
    duplicates_in_file,
    fill,
    labels,
    people_by_identity,
    registry_people,
    resolve_communes,
    split_identity,
    wants_whole_registry,
)
from ansinh.labour.models import SupplyImport, SupplyRecord
from ansinh.labour.models.choices import (
    EconomicStatus,
    EmploymentPosition,
    GeneralEducation,
    InactiveReason,
    MatchMethod,
    Qualification,
    Sector,
    WorkplaceType,
)
from ansinh.labour.permissions import require_supply_writer
from ansinh.registry.ethnicities import ethnicity_code_for
from ansinh.registry.imports import unmapped_identity_columns

logger = logging.getLogger(__name__)
MAX_CANDIDATES = 3

_EDUCATION = labels(GeneralEducation, {
    "never": ("Chưa đi học", "Không đi học", "Mù chữ"),
    "no_primary": ("Chưa tốt nghiệp tiểu học", "Chưa TN tiểu học", "Chưa tốt nghiệp TH"),
    "primary": ("Tiểu học", "TN tiểu học", "TH", "5/12"),
    "lower_secondary": ("THCS", "Trung học cơ sở", "TN THCS", "Tốt nghiệp trung học cơ sở", "9/12"),
    "upper_secondary": ("THPT", "Trung học phổ thông", "TN THPT", "Tốt nghiệp trung học phổ thông", "12/12"),
})
_QUALIFICATION = labels(Qualification, {
    "none": ("Chưa qua đào tạo", "Không", "Không có", "CQĐT", "Lao động phổ thông", "Chưa đào tạo"),
    "short": ("Dưới 3 tháng", "Đào tạo dưới 3 tháng", "Chứng chỉ nghề dưới 3 tháng", "Chứng chỉ đào tạo"),
    "elementary": ("Sơ cấp", "Sơ cấp nghề", "Chứng chỉ sơ cấp"),
    "intermediate": ("Trung cấp", "Trung cấp nghề", "TCN", "Trung cấp chuyên nghiệp", "TCCN"),
    "college": ("Cao đẳng", "CĐ", "Cao đẳng nghề"),
    "university": ("Đại học", "ĐH"),
    "postgraduate": ("Trên đại học", "Thạc sĩ", "Tiến sĩ", "Sau đại học"),
})
_STATUS = labels(EconomicStatus, {
    "employed": ("Có việc làm", "Đang làm việc", "Có việc", "Đang có việc làm"),
    "unemployed": ("Thất nghiệp", "Không có việc làm", "Đang thất nghiệp"),
    "inactive": ("Không tham gia HĐKT", "Không tham gia hoạt động kinh tế", "Ngoài lực lượng lao động",
                 "Không HĐKT"),
})
_POSITION = labels(EmploymentPosition, {
    "employer": ("Chủ cơ sở SXKD", "Chủ cơ sở", "Chủ doanh nghiệp", "Chủ cơ sở sản xuất kinh doanh"),
    "own_account": ("Tự làm", "Tự làm cho bản thân", "Lao động tự làm"),
    "family": ("Lao động gia đình", "Lao động gia đình không hưởng lương"),
    "employee": ("Làm công ăn lương", "Làm thuê", "Hưởng lương", "Làm công"),
    "coop_member": ("Xã viên HTX", "Xã viên hợp tác xã", "Thành viên HTX", "Thành viên hợp tác xã"),
})
_WORKPLACE = labels(WorkplaceType, {
    "household": ("Hộ gia đình", "Hộ kinh doanh", "Cá nhân", "Hộ gia đình, cá nhân", "Hộ SXKD cá thể"),
    "state": ("Cơ quan nhà nước", "Đơn vị sự nghiệp", "Nhà nước", "Cơ quan, đơn vị nhà nước"),
    "soe": ("DN nhà nước", "Doanh nghiệp nhà nước", "DNNN"),
    "private": ("DN ngoài nhà nước", "Doanh nghiệp ngoài nhà nước", "Doanh nghiệp tư nhân", "Ngoài nhà nước",
                "Công ty TNHH", "Công ty cổ phần"),
    "fdi": ("FDI", "DN FDI", "Có vốn đầu tư nước ngoài", "Doanh nghiệp FDI"),
    "cooperative": ("HTX", "Hợp tác xã"),
    "other": ("Khác",),
})
_SECTOR = labels(Sector, {
    "agriculture": ("Nông nghiệp", "Nông, lâm, thủy sản", "Nông lâm thủy sản", "Nông lâm ngư nghiệp",
                    "Nông, lâm, ngư nghiệp", "Nông, lâm nghiệp, thủy sản"),
    "industry": ("Công nghiệp", "Xây dựng", "Công nghiệp - xây dựng", "Công nghiệp, xây dựng", "CN-XD"),
    "services": ("Dịch vụ", "Thương mại - dịch vụ", "Thương mại, dịch vụ", "TM-DV"),
})
_INACTIVE = labels(InactiveReason, {
    "studying": ("Đi học", "Học sinh, sinh viên", "Đang đi học", "Học sinh", "Sinh viên"),
    "homemaking": ("Nội trợ", "Làm nội trợ"),
    "illness": ("Ốm đau", "Khuyết tật", "Bệnh tật", "Ốm đau, bệnh tật"),
    "old_age": ("Già yếu", "Nghỉ hưu", "Hưu trí", "Già", "Hết tuổi lao động"),
    "other": ("Khác",),
})


def _text(name: str, header: str, synonyms: tuple[str, ...] = (), max_length: int = 120) -> Field:
    return Field(name, header, synonyms, max_length=max_length, width=18)


SUPPLY_SCHEMA = Schema(fields=(
    STT, FULL_NAME, replace(BIRTH, required=True), replace(SEX, required=True), IDENTITY,
    Field("ethnicity", "Dân tộc", ("Dân tộc (tên hoặc mã)",), width=10, max_length=40),
    COMMUNE,
    Field("general_education", "Trình độ giáo dục phổ thông", (
        "Trình độ GDPT", "Trình độ học vấn", "Trình độ văn hoá", "Trình độ giáo dục phổ thông cao nhất"),
          kind="choice", choices=_EDUCATION),
    Field("qualification", "Trình độ chuyên môn kỹ thuật", (
        "Trình độ CMKT", "Trình độ chuyên môn", "Trình độ CMKT cao nhất", "Trình độ chuyên môn kỹ thuật cao nhất"),
          kind="choice", choices=_QUALIFICATION),
    _text("field_of_training", "Chuyên ngành đào tạo", ("Chuyên ngành", "Ngành đào tạo", "Nghề đào tạo")),
    Field("status", "Tình trạng hoạt động kinh tế", (
        "Tình trạng việc làm", "Tình trạng HĐKT", "Tình trạng tham gia hoạt động kinh tế"), required=True,
          kind="choice", choices=_STATUS),
    _text("job_title", "Công việc chính", ("Công việc đang làm", "Tên công việc", "Công việc chính đang làm")),
    Field("position", "Vị thế việc làm", ("Vị thế công việc",), kind="choice", choices=_POSITION),
    _text("workplace_name", "Nơi làm việc", ("Tên nơi làm việc", "Tên đơn vị làm việc"), max_length=200),
    Field("workplace_type", "Loại hình nơi làm việc", ("Loại hình đơn vị", "Loại hình"), kind="choice",
          choices=_WORKPLACE),
    Field("sector", "Ngành kinh tế", ("Ngành kinh tế nơi làm việc", "Lĩnh vực"), kind="choice", choices=_SECTOR),
    _text("workplace_address", "Địa chỉ nơi làm việc", ("Địa chỉ làm việc",), max_length=200),
    _text("previous_job", "Công việc trước khi thất nghiệp", ("Công việc trước đây",)),
    Field("unemployed_months", "Thời gian thất nghiệp (tháng)", ("Thời gian thất nghiệp", "Số tháng thất nghiệp"),
          kind="int"),
    Field("inactive_reason", "Lý do không tham gia hoạt động kinh tế", (
        "Lý do không tham gia HĐKT", "Lý do không làm việc"), kind="choice", choices=_INACTIVE),
    _text("training_need", "Nhu cầu đào tạo", ("Nhu cầu học nghề",)),
    _text("job_need", "Nhu cầu việc làm", ("Nhu cầu tìm việc",)),
))
TEMPLATE_TITLE = "PHIẾU THU THẬP THÔNG TIN CUNG LAO ĐỘNG (TT 01/2022/TT-BLĐTBXH)"
TEMPLATE_EXAMPLE = ("1", "Nguyễn Thị Lan", "15/03/1990", "Nữ", "042190001234", "Kinh", "Xã Cẩm Bình", "Tốt nghiệp THPT",
                    "Sơ cấp", "May công nghiệp", "Có việc làm", "Công nhân may", "Làm công ăn lương",
                    "Công ty TNHH May Hà Tĩnh", "Doanh nghiệp ngoài nhà nước", "Công nghiệp và xây dựng",
                    "KCN Vũng Áng", "", "", "", "", "")

_OPTIONAL = {name: pl.Utf8 for name in ("ethnicity", "commune", "general_education", "qualification",
                                        "field_of_training", "job_title", "position", "workplace_name",
                                        "workplace_type", "sector", "workplace_address", "previous_job",
                                        "inactive_reason", "training_need", "job_need")}


def _consistency(rows: pl.DataFrame) -> pl.DataFrame:
    status = pl.col("status")
    job = pl.any_horizontal(pl.col("job_title").is_not_null(), pl.col("workplace_name").is_not_null(),
                            pl.col("position").is_not_null())
    rows = add_errors(rows, status.is_not_null() & (status != EconomicStatus.EMPLOYED) & job,
                      "Chỉ ghi công việc, vị thế việc làm, nơi làm việc cho người đang có việc làm.")
    rows = add_errors(rows, status.is_not_null() & (status != EconomicStatus.UNEMPLOYED)
                      & (pl.col("previous_job").is_not_null() | pl.col("unemployed_months").is_not_null()),
                      "Chỉ ghi công việc trước đây, thời gian thất nghiệp cho người thất nghiệp.")
    rows = add_errors(rows, status.is_not_null() & (status != EconomicStatus.INACTIVE)
                      & pl.col("inactive_reason").is_not_null(),
                      "Chỉ ghi lý do không tham gia hoạt động kinh tế cho người không tham gia.")
    months = pl.col("unemployed_months")
    return add_errors(rows, months.is_not_null() & ~months.is_between(0, 600),
                      "Thời gian thất nghiệp phải từ 0 đến 600 tháng.")


def _ethnicity(rows: pl.DataFrame) -> pl.DataFrame:
    names = rows["ethnicity"].drop_nulls().unique().to_list()
    codes = {n: ethnicity_code_for(n) for n in names}
    lookup = pl.DataFrame({"ethnicity": list(codes), "ethnicity_code": list(codes.values())},
                          schema={"ethnicity": pl.String, "ethnicity_code": pl.String})
    rows = rows.join(lookup, on="ethnicity", how="left", maintain_order="left")
    return add_errors(rows, pl.col("ethnicity").is_not_null() & pl.col("ethnicity_code").is_null(),
                      pl.format("Dân tộc «{}» không có trong danh mục 54 dân tộc.", pl.col("ethnicity")))


def supply_parse(raw: RawTable, *, year: int) -> pl.DataFrame:
    """The row checks that need no database (``parse`` of the kind; also used by the benchmark)."""
    rows = fill(parse_columns(raw, SUPPLY_SCHEMA, today=timezone.localdate()), {
        **_OPTIONAL, "unemployed_months": pl.Int64, "birth_precision": pl.Utf8})
    rows = age_errors(rows, birth="birth", on=pl.lit(reference_date(year)), what="sổ cung lao động")
    rows = _consistency(_ethnicity(split_identity(rows)))
    return duplicates_in_file(rows, "identity", "Số định danh")


# ---------------------------------------------------------------- the database checks


@dataclass
class _Matches:
    candidates: pl.DataFrame  # _row, person_id, rank, probability, agreed_fields
    note: str = ""


# The check and the commit of one file run the same verification (the commit again, under the lock). What the
# check computed is kept, per file, for the commit in the same process when its inputs have not changed: the
# model's candidates (keyed by a hash of the rows and of the registry people they were matched against) and the
# communes named in the file.
_CACHE: dict[tuple, _Matches] = {}
_COMMUNES: dict[int, dict[str, int | None]] = {}
CANDIDATE_SCHEMA = {ROW: pl.Int64, "person_id": pl.Int64, "rank": pl.Int64, "probability": pl.Float64,
                    "agreed_fields": pl.String}


def _digest(frame: pl.DataFrame) -> int:
    return int(frame.hash_rows(seed=7).sum()) if frame.height else 0


def model_candidates(rows: pl.DataFrame, pool: pl.DataFrame, *, cache_key=None) -> _Matches:
    """Up to ``MAX_CANDIDATES`` people of ``pool`` (registry people, ``PEOPLE_SCHEMA``) per row (``_row``,
    ``full_name``, ``sex``, ``birth``, ``birth_precision``, ``identity``, ``commune_id``), from the matching model in
    use, at or above its review threshold."""
    if rows.is_empty() or pool.is_empty():
        return _Matches(pl.DataFrame(schema=CANDIDATE_SCHEMA))
    key = None
    if cache_key is not None:
        key = (cache_key, _digest(rows.select(ROW, "full_name", "sex", "birth", "identity", "commune_id")),
               _digest(pool.select("person_id", "person_name", "person_birth", "person_sex", "pid", "cmnd",
                                   "person_commune_id")))
        if key in _CACHE:
            return _CACHE[key]
    result = _predict(rows, pool)
    if key is not None:
        _CACHE.clear()
        _CACHE[key] = result
    return result


def _predict(rows: pl.DataFrame, pool: pl.DataFrame) -> _Matches:
    from ansinh.matching import model as mm
    from ansinh.matching.evidence import AGREED, with_agreed_fields
    from ansinh.matching.normalize import prepare_records
    from ansinh.matching.selectors import matching_model

    model = matching_model()
    if model is None:
        return _Matches(pl.DataFrame(schema=CANDIDATE_SCHEMA), note="Chưa có mô hình ghép trùng: các dòng không có "
                        "số định danh không đối chiếu được.")
    left = prepare_records(rows.select(
        pl.col(ROW).cast(pl.Int64).alias("unique_id"), "full_name", "sex", pl.col("birth").alias("birth_date"),
        pl.col("birth_precision"), pl.col("identity").alias("id_number"),
        pl.col("commune_id").cast(pl.String).alias("commune_code")))
    right = prepare_records(pool.select(
        pl.col("person_id").alias("unique_id"), pl.col("person_name").alias("full_name"),
        pl.col("person_sex").alias("sex"), pl.col("person_birth").alias("birth_date"),
        pl.col("person_precision").alias("birth_precision"), "pid", "cmnd",
        pl.col("person_commune_id").cast(pl.String).alias("commune_code")))
    pairs = mm.predict(left, model, other=right, cluster=False).pairs
    if pairs.is_empty():
        return _Matches(pl.DataFrame(schema=CANDIDATE_SCHEMA))
    if pairs["source_dataset_l"][0] != "ban_ghi":
        pairs = pairs.rename({"unique_id_l": "unique_id_r", "unique_id_r": "unique_id_l"}, strict=False)
    scored = with_agreed_fields(pairs.filter(pl.col("match_probability") >= model.thresholds.review))
    best = (scored.select(pl.col("unique_id_l").cast(pl.Int64).alias(ROW),
                          pl.col("unique_id_r").cast(pl.Int64).alias("person_id"),
                          pl.col("match_probability").cast(pl.Float64).clip(0, 1).alias("probability"),
                          pl.col(AGREED).alias("agreed_fields"))
            .sort([ROW, "probability"], descending=[False, True])
            .with_columns(pl.int_range(pl.len()).over(ROW).cast(pl.Int64).alias("rank") + 1)
            .filter(pl.col("rank") <= MAX_CANDIDATES))
    return _Matches(best.select(list(CANDIDATE_SCHEMA)))


def _recorded_people(year: int, ids: list[int] | None) -> pl.DataFrame:
    """(person_id, _previous) of the people who already have a record of ``year`` (all of them, or of ``ids``)."""
    query = compose("SELECT person_id, id AS _previous FROM {records} WHERE year = %s AND person_id IS NOT NULL",
                    year, records=table(SupplyRecord))
    if ids is not None:
        query = compose("SELECT person_id, id AS _previous FROM {records} WHERE year = %s AND {people}", year,
                        records=table(SupplyRecord), people=in_clause("person_id", ids))
    return read_frame(*query, schema={"person_id": pl.Int64, "_previous": pl.Int64})


def _already_recorded(rows: pl.DataFrame, previous: pl.DataFrame, year: int) -> pl.DataFrame:
    rows = rows.join(previous, on="person_id", how="left", maintain_order="left")
    return add_errors(rows, pl.col("_previous").is_not_null(),
                      pl.format(f"Người này đã có phiếu cung lao động năm {year} (phiếu số {{}}): mỗi người một phiếu "
                                "mỗi năm; sửa phiếu đó trên trang thay vì nhập lại.", pl.col("_previous")))


def _identity_matches(rows: pl.DataFrame, registry: pl.DataFrame | None) -> pl.DataFrame:
    """Persons by identity number; a number whose holder has another name *and* another birth year is an error."""
    rows = people_by_identity(rows, registry)
    other_name = fold_expr(pl.col("full_name")) != pl.col("person_key")
    other_year = pl.col("birth").is_not_null() & (pl.col("birth").dt.year() != pl.col("person_birth").dt.year())
    rows = add_errors(rows, pl.col("person_id").is_not_null() & other_name & other_year,
                      pl.format("Số {} thuộc «{}» (sinh năm {}) trong cơ sở dữ liệu, khác cả họ tên và năm sinh trên "
                                "phiếu: kiểm tra lại số giấy tờ.", pl.col("identity"), pl.col("person_name"),
                                pl.col("person_birth").dt.year()))
    return rows.with_columns((pl.col("person_id").is_not_null() & other_name).alias("_name_differs"))


def _model_pool(registry: pl.DataFrame | None, *, rows: pl.DataFrame, previous: pl.DataFrame, area: list[int],
                year: int) -> pl.DataFrame:
    """The registry people a row without a (known) number may be: in the importer's area, 15 or older and alive on
    1 July, not matched by number in this file, without a record of the year already."""
    pool = registry if registry is not None else registry_people(commune_ids=area)
    taken = pl.concat([rows["person_id"].drop_nulls(), previous["person_id"]]).unique()
    ref = reference_date(year)
    return pool.filter(pl.col("person_commune_id").is_in(area) & (pl.col("person_birth") <= latest_birth_for(year))
                       & (pl.col("person_death").is_null() | (pl.col("person_death") > ref))
                       & ~pl.col("person_id").is_in(taken.implode()))


def supply_verify(record: SupplyImport, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
    year, user = record.year, record.created_by
    area = area_commune_ids(user)
    progress(40, "Đang đối chiếu số định danh với cơ sở dữ liệu")
    registry = registry_people() if wants_whole_registry(rows) else None
    rows = _identity_matches(rows, registry)
    rows, messages = resolve_communes(rows, user=user, fallback="person_commune_id",
                                      known=_COMMUNES.setdefault(record.pk, {}))
    rows = area_errors(rows, user)
    rows = duplicates_in_file(rows, "person_id", "Người (mã nhân khẩu)")
    ids = rows["person_id"].drop_nulls().unique().to_list()
    previous = _recorded_people(year, None if len(ids) > 20_000 else ids)
    rows = _already_recorded(rows, previous, year)
    progress(60, "Đang đối chiếu bằng mô hình ghép trùng")
    need_model = rows.filter(~has_errors() & pl.col("person_id").is_null())
    matches = _Matches(pl.DataFrame(schema=CANDIDATE_SCHEMA))
    if need_model.height:
        pool = _model_pool(registry, rows=rows, previous=previous, area=area, year=year)
        matches = model_candidates(need_model, pool, cache_key=record.pk)
    if matches.note:
        messages.append(matches.note)
    grouped = matches.candidates.group_by(ROW).agg(pl.struct("person_id", "rank", "probability", "agreed_fields")
                                                   .alias("_candidates"))
    rows = rows.join(grouped, on=ROW, how="left", maintain_order="left")
    rows = add_errors(rows, pl.col("person_id").is_null() & pl.col("_candidates").is_null(),
                      "Không tìm thấy người này trong cơ sở dữ liệu hộ, nhân khẩu (không có số định danh khớp, mô hình "
                      "ghép trùng không thấy ai đủ giống): đăng ký nhân khẩu trước rồi nhập lại dòng này.")
    rows = rows.with_columns(pl.when(pl.col("person_id").is_not_null()).then(pl.lit(MatchMethod.IDENTITY))
                             .otherwise(pl.lit(MatchMethod.PENDING)).alias("match"))
    progress(90, "Đang tổng hợp")
    valid = rows.filter(~has_errors())
    figures = {"year": year, "identity": valid.filter(pl.col("match") == MatchMethod.IDENTITY).height,
               "pending": valid.filter(pl.col("match") == MatchMethod.PENDING).height,
               "name_differs": int(valid["_name_differs"].fill_null(False).sum()),
               "communes": valid["commune_id"].n_unique()}
    return CheckOutcome(raw=raw, rows=rows, figures=figures, messages=messages,
                        blocking=unmapped_identity_columns(raw))


def _record_frame(valid: pl.DataFrame, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    records = valid.select(
        ROW, pl.lit(year, dtype=pl.Int64).alias("year"), "commune_id", "person_id", "match",
        pl.col("identity").alias("identity_number"), "full_name", "sex", pl.col("birth").alias("birth_date"),
        pl.col("birth_precision").fill_null("day"), "ethnicity_code", "general_education", "qualification",
        "field_of_training", "status", "job_title", "position", "workplace_name", "workplace_type", "sector",
        "workplace_address", "previous_job", "unemployed_months", "inactive_reason", "training_need", "job_need")
    candidates = (valid.filter(pl.col("_candidates").is_not_null()).select(ROW, "_candidates")
                  .explode("_candidates").unnest("_candidates"))
    return records, candidates


class SupplyImportKind(ImportKind):
    code = "labour_supply"
    label = "thông tin cung lao động"
    model = SupplyImport
    duplicate_scope = ("year",)
    audit_prefix = "labour_supply_import"
    urls = {"detail": "labour:supply_import_detail", "commit": "labour:supply_import_commit",
            "report": "labour:supply_import_report", "again": "labour:supply_import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        year = record.year if record is not None else target.get("year")
        if not isinstance(year, int) or not 2015 <= year <= 2100:
            raise DomainError("Chọn năm cập nhật (từ 2015).")
        require_supply_writer(actor)

    def schema(self, record) -> Schema:
        return SUPPLY_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        progress(5, "Đang đọc tệp")
        raw = read_table(record.stored_file.path, SUPPLY_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        progress(20, "Đang kiểm tra từng dòng")
        return raw, supply_parse(raw, year=record.year)

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        return supply_verify(record, raw, rows, progress=progress)

    def lock(self, record) -> None:
        advisory_lock(f"labour.supply.{record.year}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.labour.services.supply import supply_rows_write

        records, candidates = _record_frame(outcome.valid, record.year)
        written, pairs = supply_rows_write(record=record, valid=records, candidates=candidates, actor=actor,
                                           progress=progress)
        pending = records.filter(pl.col("match") == MatchMethod.PENDING).height
        return CommitResult(written=written,
                            message=f"Đã ghi {vn_number(written)} phiếu cung lao động năm {record.year} "
                                    f"({vn_number(written - pending)} khớp số định danh, {vn_number(pending)} chờ đối "
                                    f"chiếu với {vn_number(pairs)} người được đề xuất).",
                            details={"year": record.year, "pending": pending, "candidates": pairs})

    def describe_target(self, record) -> str:
        return f"sổ cung lao động năm {record.year}"

    def figures(self, record) -> list[tuple[str, object, str]]:
        f = (record.summary or {}).get("figures", {})
        if not f:
            return []
        return [("Năm cập nhật", f.get("year"), "year"),
                ("Khớp số định danh/CMND", vn_number(f.get("identity", 0)), "identity-matched"),
                ("Chờ đối chiếu (mô hình ghép trùng)", vn_number(f.get("pending", 0)), "pending"),
                ("Họ tên viết khác CSDL (vẫn khớp số)", vn_number(f.get("name_differs", 0)), "name-differs"),
                ("Số xã/phường", vn_number(f.get("communes", 0)), "communes")]

    def done_link(self, record):
        from django.urls import reverse

        return ("Mở hàng chờ đối chiếu", reverse("labour:review_queue") + f"?year={record.year}")


SUPPLY_KIND = register_kind(SupplyImportKind())
