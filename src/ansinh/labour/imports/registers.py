"""The smaller files of the labour app through the shared import lifecycle:

- ``labour_employers``: the demand register of a year (employers by tax code — the check digit is checked — with
  their workers by sex and contract type, wages, hiring needs);
- ``labour_vacancies``: vacancies of employers already in the register;
- ``labour_placements``: «giải quyết việc làm» rows, each for a person of the registry (identity number);
- ``labour_enrolments``: the class list of one course (learners admitted once the course has started).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from django.utils import timezone

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.locks import advisory_lock
from ansinh.core.tabular import (
    ROW,
    Field,
    RawTable,
    Schema,
    add_errors,
    add_row_errors,
    parse_columns,
    read_table,
)
from ansinh.labour.checks import tax_code_compact, tax_code_problem
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
    name_mismatch_errors,
    people_by_identity,
    resolve_communes,
    split_identity,
    today_lit,
    unknown_person_errors,
)
from ansinh.labour.imports.supply import _QUALIFICATION, _SECTOR, _WORKPLACE
from ansinh.labour.models import (
    CourseEnrolment,
    Employer,
    EmployerImport,
    EnrolmentImport,
    JobFair,
    Placement,
    PlacementImport,
    VacancyImport,
)
from ansinh.labour.models.choices import Channel
from ansinh.labour.permissions import (
    require_demand_writer,
    require_placement_writer,
    require_vocational_writer,
)

TAX_CODE = Field("tax_code", "Mã số thuế", ("MST", "Mã số doanh nghiệp", "Mã số thuế/mã số doanh nghiệp"),
                 required=True, width=14, max_length=20)


def _check_tax_codes(rows: pl.DataFrame) -> pl.DataFrame:
    """«an employer tax code with the wrong check digits»: one message per distinct wrong code."""
    codes = rows["tax_code"].drop_nulls().unique().to_list()
    problems = {c: tax_code_problem(c) for c in codes}
    messages = {r: [problems[c]] for r, c in rows.select(ROW, "tax_code").iter_rows() if c and problems.get(c)}
    rows = add_row_errors(rows, messages)
    return rows.with_columns(pl.col("tax_code").map_elements(tax_code_compact, return_dtype=pl.String))


def _int(name: str, header: str, synonyms: tuple[str, ...] = (), required: bool = False) -> Field:
    return Field(name, header, synonyms, kind="int", required=required, width=10)


# ---------------------------------------------------------------- employers

EMPLOYER_SCHEMA = Schema(fields=(
    STT, TAX_CODE,
    Field("name", "Tên đơn vị", ("Tên doanh nghiệp", "Tên người sử dụng lao động", "Tên cơ sở", "Tên công ty"),
          required=True, width=28, max_length=200),
    Field("ownership", "Loại hình", ("Loại hình doanh nghiệp", "Loại hình đơn vị"), required=True, kind="choice",
          choices=_WORKPLACE),
    Field("sector", "Ngành kinh tế", ("Lĩnh vực", "Ngành"), required=True, kind="choice", choices=_SECTOR),
    Field("main_business", "Ngành nghề kinh doanh chính", ("Ngành nghề chính", "Ngành nghề kinh doanh"), width=24,
          max_length=200),
    COMMUNE,
    Field("address", "Địa chỉ", ("Địa chỉ trụ sở",), width=24, max_length=255),
    Field("phone", "Điện thoại", ("Số điện thoại", "SĐT"), kind="phone"),
    _int("workers_total", "Tổng số lao động", ("Số lao động", "Tổng số người lao động"), required=True),
    _int("workers_female", "Lao động nữ", ("Trong đó nữ", "Số lao động nữ", "Nữ")),
    _int("workers_indefinite", "HĐLĐ không xác định thời hạn", ("Không xác định thời hạn", "HĐ không thời hạn")),
    _int("workers_fixed_term", "HĐLĐ xác định thời hạn", ("Xác định thời hạn", "HĐ có thời hạn")),
    _int("workers_other", "Hợp đồng khác", ("HĐ khác", "Không có HĐLĐ", "HĐ mùa vụ", "Khác")),
    Field("average_wage", "Tiền lương bình quân (đồng/tháng)", ("Tiền lương bình quân", "Lương bình quân",
                                                                "Thu nhập bình quân"), kind="money"),
    _int("hiring_need", "Nhu cầu tuyển dụng (người)", ("Nhu cầu tuyển dụng", "Số người cần tuyển")),
))


class EmployerImportKind(ImportKind):
    code = "labour_employers"
    label = "danh sách đơn vị sử dụng lao động (cầu lao động)"
    model = EmployerImport
    duplicate_scope = ("year",)
    audit_prefix = "labour_employer_import"
    urls = {"detail": "labour:employer_import_detail", "commit": "labour:employer_import_commit",
            "report": "labour:employer_import_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        year = record.year if record is not None else target.get("year")
        if not isinstance(year, int) or not 2015 <= year <= 2100:
            raise DomainError("Chọn năm của số liệu lao động.")
        require_demand_writer(actor)

    def schema(self, record) -> Schema:
        return EMPLOYER_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, EMPLOYER_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = fill(parse_columns(raw, EMPLOYER_SCHEMA, today=timezone.localdate()), {
            "commune": pl.Utf8, "workers_female": pl.Int64, "workers_indefinite": pl.Int64,
            "workers_fixed_term": pl.Int64, "workers_other": pl.Int64, "hiring_need": pl.Int64,
            "average_wage": pl.Int64, "main_business": pl.Utf8, "address": pl.Utf8, "phone": pl.Utf8})
        rows = _check_tax_codes(rows)
        total = pl.col("workers_total")
        counts = ("workers_total", "workers_female", "workers_indefinite", "workers_fixed_term", "workers_other",
                  "hiring_need")
        rows = add_errors(rows, pl.any_horizontal(*[pl.col(c) < 0 for c in counts]), "Số lao động không được âm.")
        rows = add_errors(rows, pl.col("workers_female").fill_null(0) > total, "Lao động nữ nhiều hơn tổng số lao động.")
        contracts = pl.sum_horizontal(pl.col("workers_indefinite").fill_null(0), pl.col("workers_fixed_term").fill_null(0),
                                      pl.col("workers_other").fill_null(0))
        rows = add_errors(rows, contracts > total, "Tổng lao động theo loại hợp đồng nhiều hơn tổng số lao động.")
        return raw, duplicates_in_file(rows, "tax_code", "Mã số thuế")

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        user = record.created_by
        known = dict(Employer.objects.filter(tax_code__in=rows["tax_code"].drop_nulls().to_list())
                     .values_list("tax_code", "commune_id"))
        rows = rows.with_columns(pl.col("tax_code").replace_strict(known, default=None, return_dtype=pl.Int64)
                                 .alias("_known_commune"))
        rows, messages = resolve_communes(rows, user=user, fallback="_known_commune")
        rows = area_errors(rows, user)
        valid = rows.filter(pl.col("_errors").list.len() == 0)
        figures = {"year": record.year, "new": valid.filter(pl.col("_known_commune").is_null()).height,
                   "known": valid.filter(pl.col("_known_commune").is_not_null()).height}
        return CheckOutcome(raw=raw, rows=rows, figures=figures, messages=messages, name_column="name")

    def lock(self, record) -> None:
        advisory_lock("labour.employers")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.labour.services.demand import employer_rows_write

        created, written = employer_rows_write(valid=outcome.valid, year=record.year, actor=actor)
        return CommitResult(written=written, message=f"Đã ghi số liệu năm {record.year} của {vn_number(written)} đơn vị "
                                                     f"({vn_number(created)} đơn vị mới).", details={"new": created})

    def describe_target(self, record) -> str:
        return f"sổ cầu lao động năm {record.year}"

    def figures(self, record):
        f = (record.summary or {}).get("figures", {})
        return [("Đơn vị mới", vn_number(f.get("new", 0)), "new"),
                ("Đơn vị đã có (cập nhật)", vn_number(f.get("known", 0)), "known")] if f else []

    def again_url(self, record) -> str:
        from django.urls import reverse

        return reverse("labour:import_upload", args=["don-vi"])


EMPLOYER_KIND = register_kind(EmployerImportKind())


# ---------------------------------------------------------------- vacancies

VACANCY_SCHEMA = Schema(fields=(
    STT, TAX_CODE,
    Field("title", "Vị trí tuyển dụng", ("Vị trí", "Chức danh", "Vị trí việc làm", "Công việc"), required=True,
          width=24, max_length=200),
    Field("occupation", "Nghề", ("Ngành nghề", "Nghề tuyển"), width=18, max_length=120),
    _int("quantity", "Số lượng", ("Số lượng tuyển", "Số người cần tuyển"), required=True),
    Field("qualification", "Trình độ yêu cầu", ("Trình độ", "Trình độ chuyên môn"), kind="choice",
          choices=_QUALIFICATION),
    Field("wage_min", "Lương từ (đồng/tháng)", ("Lương từ", "Mức lương từ"), kind="money"),
    Field("wage_max", "Lương đến (đồng/tháng)", ("Lương đến", "Mức lương đến"), kind="money"),
    Field("posted_on", "Ngày đăng", ("Ngày đăng tuyển", "Ngày thông báo"), required=True, kind="date",
          precision="day"),
    Field("deadline", "Hạn nộp hồ sơ", ("Hạn tuyển", "Ngày hết hạn"), kind="date", precision="day"),
))


class VacancyImportKind(ImportKind):
    code = "labour_vacancies"
    label = "danh sách vị trí tuyển dụng"
    model = VacancyImport
    audit_prefix = "labour_vacancy_import"
    urls = {"detail": "labour:vacancy_import_detail", "commit": "labour:vacancy_import_commit",
            "report": "labour:vacancy_import_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        require_demand_writer(actor)

    def schema(self, record) -> Schema:
        return VACANCY_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, VACANCY_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = fill(parse_columns(raw, VACANCY_SCHEMA, today=timezone.localdate()), {
            "occupation": pl.Utf8, "qualification": pl.Utf8, "wage_min": pl.Int64, "wage_max": pl.Int64,
            "deadline": pl.Date})
        rows = _check_tax_codes(rows)
        rows = add_errors(rows, pl.col("quantity") < 1, "Số lượng tuyển phải từ 1 trở lên.")
        rows = add_errors(rows, pl.col("wage_max") < pl.col("wage_min"), "Mức lương «đến» thấp hơn mức «từ».")
        return raw, add_errors(rows, pl.col("deadline") < pl.col("posted_on"), "Hạn nộp hồ sơ trước ngày đăng tuyển.")

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        known = pl.DataFrame(list(Employer.objects.filter(tax_code__in=rows["tax_code"].drop_nulls().to_list())
                                  .values_list("tax_code", "pk", "commune_id")),
                             schema={"tax_code": pl.String, "employer_id": pl.Int64, "commune_id": pl.Int64},
                             orient="row")
        rows = rows.join(known, on="tax_code", how="left", maintain_order="left")
        rows = add_errors(rows, pl.col("tax_code").is_not_null() & pl.col("employer_id").is_null(),
                          pl.format("Chưa có đơn vị mã số thuế {} trong sổ cầu lao động: nhập danh sách đơn vị trước.",
                                    pl.col("tax_code")))
        rows = area_errors(rows, record.created_by)
        return CheckOutcome(raw=raw, rows=rows, name_column="title")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.labour.services.demand import vacancy_rows_write

        written = vacancy_rows_write(valid=outcome.valid, actor=actor)
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} vị trí tuyển dụng.")

    def again_url(self, record) -> str:
        from django.urls import reverse

        return reverse("labour:import_upload", args=["tuyen-dung"])


VACANCY_KIND = register_kind(VacancyImportKind())


# ---------------------------------------------------------------- placements

_CHANNEL = labels(Channel, {
    "job_centre": ("Trung tâm dịch vụ việc làm", "Giới thiệu việc làm", "Qua Trung tâm DVVL", "TTDVVL",
                   "Tư vấn giới thiệu việc làm"),
    "job_fair": ("Sàn giao dịch việc làm", "Qua sàn", "Sàn GDVL", "Phiên giao dịch việc làm"),
    "abroad": ("Xuất khẩu lao động", "XKLĐ", "Đi làm việc ở nước ngoài", "Lao động ngoài nước"),
    "loan": ("Vay vốn", "Vay vốn giải quyết việc làm", "Vay vốn tạo việc làm", "Quỹ quốc gia về việc làm"),
    "employer": ("Doanh nghiệp báo cáo", "Doanh nghiệp tuyển mới", "Việc làm mới", "Tuyển dụng mới"),
})
PLACEMENT_SCHEMA = Schema(fields=(
    STT, FULL_NAME, BIRTH, SEX, replace(IDENTITY, required=True),
    Field("channel", "Hình thức", ("Hình thức giải quyết việc làm", "Kênh", "Hình thức tạo việc làm"), required=True,
          kind="choice", choices=_CHANNEL),
    Field("placed_on", "Ngày có việc làm", ("Ngày bắt đầu làm việc", "Ngày nhận việc", "Ngày", "Thời gian"),
          required=True, kind="date", precision="day"),
    Field("job_title", "Công việc", ("Vị trí việc làm", "Công việc được giới thiệu"), width=20, max_length=200),
    Field("tax_code", "Mã số thuế đơn vị tuyển dụng", ("MST đơn vị tuyển dụng", "Mã số thuế doanh nghiệp"),
          width=14, max_length=20),
    Field("fair_date", "Ngày tổ chức sàn", ("Ngày sàn giao dịch", "Phiên giao dịch ngày"), kind="date",
          precision="day"),
    Field("destination_country", "Nước đến", ("Nước đến làm việc", "Thị trường"), max_length=80),
    Field("sending_company", "Doanh nghiệp đưa đi", ("Công ty đưa đi", "Doanh nghiệp XKLĐ"), max_length=200),
    Field("departure_on", "Ngày xuất cảnh", ("Ngày bay", "Ngày đi"), kind="date", precision="day"),
    _int("contract_months", "Thời hạn hợp đồng (tháng)", ("Thời hạn hợp đồng",)),
    Field("loan_amount", "Số tiền vay (đồng)", ("Số tiền vay", "Số vốn vay"), kind="money"),
    Field("loan_decision", "Quyết định cho vay", ("Số quyết định cho vay", "Số khế ước"), max_length=60),
    Field("note", "Ghi chú", ("Ghi chu",), max_length=300),
))


def _placement_links(rows: pl.DataFrame) -> pl.DataFrame:
    employers = pl.DataFrame(list(Employer.objects.filter(tax_code__in=rows["tax_code"].drop_nulls().to_list())
                                  .values_list("tax_code", "pk")), schema={"tax_code": pl.String,
                                                                           "employer_id": pl.Int64}, orient="row")
    rows = rows.join(employers, on="tax_code", how="left", maintain_order="left")
    rows = add_errors(rows, pl.col("tax_code").is_not_null() & pl.col("employer_id").is_null(),
                      pl.format("Chưa có đơn vị mã số thuế {} trong sổ cầu lao động.", pl.col("tax_code")))
    days = rows["fair_date"].drop_nulls().unique().to_list()
    fairs = (pl.DataFrame(list(JobFair.objects.filter(held_on__in=days).values_list("held_on", "pk")),
                          schema={"fair_date": pl.Date, "job_fair_id": pl.Int64}, orient="row")
             .filter(pl.col("fair_date").is_unique()))
    rows = rows.join(fairs, on="fair_date", how="left", maintain_order="left")
    rows = add_errors(rows, pl.col("fair_date").is_not_null() & pl.col("job_fair_id").is_null(),
                      pl.format("Không có (hoặc có nhiều hơn một) phiên giao dịch việc làm ngày {}.",
                                pl.col("fair_date").dt.strftime("%d/%m/%Y")))
    channel = pl.col("channel")
    rows = add_errors(rows, (channel == Channel.JOB_FAIR) & pl.col("job_fair_id").is_null() & pl.col("fair_date")
                      .is_null(), "Qua sàn giao dịch việc làm: ghi «Ngày tổ chức sàn».")
    rows = add_errors(rows, (channel == Channel.ABROAD) & (pl.col("destination_country").is_null()
                                                           | pl.col("departure_on").is_null()),
                      "Đi làm việc ở nước ngoài: ghi «Nước đến» và «Ngày xuất cảnh».")
    return add_errors(rows, (channel == Channel.LOAN) & ~(pl.col("loan_amount").fill_null(0) > 0),
                      "Vay vốn tạo việc làm: ghi «Số tiền vay» (lớn hơn 0).")


def _placements_known(rows: pl.DataFrame) -> pl.DataFrame:
    ids = rows["person_id"].drop_nulls().unique().to_list()
    existing = pl.DataFrame(list(Placement.objects.filter(person_id__in=ids).values_list(
        "person_id", "placed_on", "channel")), schema={"person_id": pl.Int64, "placed_on": pl.Date,
                                                        "channel": pl.String}, orient="row").with_columns(
        pl.lit(True).alias("_known"))
    rows = rows.join(existing, on=["person_id", "placed_on", "channel"], how="left", maintain_order="left")
    rows = add_errors(rows, pl.col("_known").fill_null(False),
                      "Lượt giải quyết việc làm này (cùng người, cùng ngày, cùng hình thức) đã có: không ghi hai lần.")
    key = pl.concat_str([pl.col("person_id").cast(pl.String), pl.col("placed_on").cast(pl.String), pl.col("channel")],
                        separator="|")
    return add_errors(rows.with_columns(key.alias("_key")), pl.col("person_id").is_not_null() & key.is_duplicated()
                      & (pl.col(ROW) != pl.col(ROW).min().over("_key")),
                      "Dòng này trùng một dòng trên của tệp (cùng người, cùng ngày, cùng hình thức).")


class PlacementImportKind(ImportKind):
    code = "labour_placements"
    label = "danh sách giải quyết việc làm"
    model = PlacementImport
    audit_prefix = "labour_placement_import"
    urls = {"detail": "labour:placement_import_detail", "commit": "labour:placement_import_commit",
            "report": "labour:placement_import_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        require_placement_writer(actor)

    def schema(self, record) -> Schema:
        return PLACEMENT_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, PLACEMENT_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = fill(parse_columns(raw, PLACEMENT_SCHEMA, today=timezone.localdate()), {
            n: t for n, t in (("job_title", pl.Utf8), ("tax_code", pl.Utf8), ("fair_date", pl.Date),
                              ("destination_country", pl.Utf8), ("sending_company", pl.Utf8),
                              ("departure_on", pl.Date), ("contract_months", pl.Int64), ("loan_amount", pl.Int64),
                              ("loan_decision", pl.Utf8), ("note", pl.Utf8))})
        rows = split_identity(rows)
        rows = add_errors(rows, pl.col("identity").is_not_null() & pl.col("pid").is_null() & pl.col("cmnd").is_null(),
                          "Số định danh phải là số 12 chữ số hoặc CMND 9 chữ số.")
        tax = pl.col("tax_code")
        bad = {c: tax_code_problem(c) for c in rows["tax_code"].drop_nulls().unique().to_list()}
        rows = add_row_errors(rows, {r: [bad[c]] for r, c in rows.select(ROW, "tax_code").iter_rows()
                                     if c and bad.get(c)})
        rows = rows.with_columns(tax.map_elements(tax_code_compact, return_dtype=pl.String))
        return raw, add_errors(rows, pl.col("placed_on") > today_lit(timezone.localdate()),
                               "Ngày có việc làm sau ngày hôm nay.")

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        rows = people_by_identity(rows)
        rows = unknown_person_errors(rows, what="giải quyết việc làm")
        rows = name_mismatch_errors(rows)
        rows = rows.with_columns(pl.col("person_commune_id").alias("commune_id"))
        rows = area_errors(rows, record.created_by)
        rows = age_errors(rows, birth="person_birth", on=pl.col("placed_on"), what="giải quyết việc làm")
        rows = add_errors(rows, pl.col("person_death").is_not_null() & (pl.col("person_death") < pl.col("placed_on")),
                          pl.format("Người này đã mất ngày {} (theo cơ sở dữ liệu).",
                                    pl.col("person_death").dt.strftime("%d/%m/%Y")))
        rows = _placements_known(_placement_links(rows))
        return CheckOutcome(raw=raw, rows=rows)

    def lock(self, record) -> None:
        advisory_lock("labour.placements")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.labour.services.placements import placement_rows_write

        written = placement_rows_write(valid=outcome.valid, actor=actor, record=record)
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} lượt giải quyết việc làm.")

    def again_url(self, record) -> str:
        from django.urls import reverse

        return reverse("labour:import_upload", args=["viec-lam"])


PLACEMENT_KIND = register_kind(PlacementImportKind())


# ---------------------------------------------------------------- enrolments (the class list of one course)

ENROLMENT_SCHEMA = Schema(fields=(
    STT, FULL_NAME, BIRTH, SEX, replace(IDENTITY, required=True),
    Field("enrolled_on", "Ngày nhập học", ("Ngày vào học", "Ngày nhập lớp"), required=True, kind="date",
          precision="day"),
))


class EnrolmentImportKind(ImportKind):
    code = "labour_enrolments"
    label = "danh sách học viên của khoá học"
    model = EnrolmentImport
    duplicate_scope = ("course",)
    audit_prefix = "labour_enrolment_import"
    urls = {"detail": "labour:enrolment_import_detail", "commit": "labour:enrolment_import_commit",
            "report": "labour:enrolment_import_report"}

    def authorize(self, actor, *, record=None, target) -> None:
        if (record.course if record is not None else target.get("course")) is None:
            raise DomainError("Chọn khoá học.")
        require_vocational_writer(actor)

    def schema(self, record) -> Schema:
        return ENROLMENT_SCHEMA

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, ENROLMENT_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        rows = split_identity(parse_columns(raw, ENROLMENT_SCHEMA, today=timezone.localdate()))
        return raw, duplicates_in_file(rows, "identity", "Số định danh")

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        course = record.course
        today = timezone.localdate()
        blocking = []
        if course.start_date > today:
            blocking.append(f"Lớp {course.code} khai giảng ngày {course.start_date:%d/%m/%Y}, chưa bắt đầu: chỉ ghi "
                            "tuyển sinh khi khoá học đã khai giảng.")
        rows = people_by_identity(rows)
        rows = unknown_person_errors(rows, what="tuyển sinh")
        rows = name_mismatch_errors(rows).with_columns(pl.col("person_commune_id").alias("commune_id"))
        rows = add_errors(rows, pl.col("enrolled_on") < course.start_date,
                          f"Ngày nhập học trước ngày khai giảng {course.start_date:%d/%m/%Y}: khoá học chưa bắt đầu "
                          "vào ngày đó.")
        rows = add_errors(rows, pl.col("enrolled_on") > min(course.end_date, today),
                          "Ngày nhập học sau ngày kết thúc khoá học hoặc sau hôm nay.")
        rows = age_errors(rows, birth="person_birth", on=pl.col("enrolled_on"), what="tuyển sinh")
        known = set(CourseEnrolment.objects.filter(course=course).values_list("person_id", flat=True))
        rows = add_errors(rows, pl.col("person_id").is_in(list(known)), "Người này đã có trong danh sách lớp.")
        rows = duplicates_in_file(rows, "person_id", "Người (mã nhân khẩu)")
        return CheckOutcome(raw=raw, rows=rows, blocking=blocking, figures={"course": str(course)})

    def lock(self, record) -> None:
        advisory_lock(f"labour.course.{record.course_id}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from ansinh.labour.services.vocational import enrolment_rows_write

        written = enrolment_rows_write(course=record.course, valid=outcome.valid, actor=actor, record=record)
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} người học vào lớp {record.course.code}.")

    def describe_target(self, record) -> str:
        return str(record.course)

    def again_url(self, record) -> str:
        from django.urls import reverse

        return reverse("labour:course_detail", args=[record.course_id])


ENROLMENT_KIND = register_kind(EnrolmentImportKind())

KIND_BY_SLUG = {"supply": "labour_supply", "employers": EMPLOYER_KIND.code, "vacancies": VACANCY_KIND.code,
                "placements": PLACEMENT_KIND.code, "enrolments": ENROLMENT_KIND.code}
