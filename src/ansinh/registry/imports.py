"""Importing the registry from the Excel/CSV files communes already have.

validate -> (user sees summary + error report) -> commit, all rows or, when the
user explicitly asks, only the households whose rows are all valid. The commit
re-reads and re-checks the file (the registry may have changed meanwhile) and
writes through the bulk path in one transaction: an interrupted import leaves
nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from ansinh.core.identity import IdentityError, check_pid
from ansinh.core.tabular import (
    ERRORS,
    ROW,
    Field,
    ImportFileError,
    RawTable,
    Schema,
    add_errors,
    add_row_errors,
    has_errors,
    parse_columns,
    read_table,
    write_error_report,
)
from ansinh.core.text import clean_name_expr, fold_expr
from ansinh.geo.models import AdminUnit, Level
from ansinh.geo.selectors import current_unit, match_commune
from ansinh.registry.bulk import BulkResult, bulk_insert_registry
from ansinh.registry.ethnicities import ethnicity_code_for
from ansinh.registry.models import Household, Person, Relationship

RELATIONSHIP_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Relationship.HEAD, ("Chủ hộ", "Chủ hộ gia đình", "CH", "Bản thân")),
    (Relationship.SPOUSE, ("Vợ/chồng", "Vợ", "Chồng")),
    (Relationship.CHILD, ("Con", "Con đẻ", "Con trai", "Con gái", "Con nuôi")),
    (Relationship.PARENT, ("Bố/mẹ", "Bố", "Mẹ", "Cha", "Cha đẻ", "Mẹ đẻ", "Bố đẻ")),
    (Relationship.GRANDCHILD, ("Cháu", "Cháu nội", "Cháu ngoại")),
    (Relationship.SIBLING, ("Anh/chị/em", "Anh", "Chị", "Em", "Anh trai", "Em trai", "Em gái", "Chị gái")),
    (Relationship.DAUGHTER_IN_LAW, ("Con dâu/con rể", "Con dâu", "Con rể")),
    (Relationship.OTHER, ("Khác", "Ông", "Bà", "Ông nội", "Bà nội", "Cô", "Dì", "Chú", "Bác", "Người ở nhờ")),
)

REGISTRY_SCHEMA = Schema(fields=(
    Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ", "Số hộ", "Mã số hộ"), required=True, width=16),
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên người", "Họ, tên", "Tên"), required=True, width=26),
    Field("sex", "Giới tính", ("Giới", "Nam/nữ", "Nam/Nữ"), required=True, kind="choice",
          choices=(("M", ("Nam", "M", "Male")), ("F", ("Nữ", "F", "Female")))),
    Field("birth", "Ngày sinh", ("Năm sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày/tháng/năm sinh"),
          required=True, kind="date", width=14),
    Field("relationship", "Quan hệ với chủ hộ", ("Quan hệ", "QH với chủ hộ", "Quan hệ với CH"), required=True,
          kind="choice", choices=RELATIONSHIP_LABELS, width=16),
    Field("identity", "Số định danh cá nhân",
          ("Số CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND/CCCD", "Số CMND", "Số ĐDCN", "CCCD", "Số căn cước",
           "Số định danh", "Số thẻ căn cước"), kind="identity", width=16),
    Field("social_insurance_no", "Mã số BHXH", ("Số BHXH", "Mã BHXH", "Số sổ BHXH"), width=14),
    Field("ethnicity", "Dân tộc", ("Dân tộc (tên hoặc mã)",), width=10),
    Field("phone", "Số điện thoại", ("Điện thoại", "SĐT", "Số ĐT"), kind="phone", width=13),
    Field("village", "Thôn/xóm", ("Thôn", "Xóm", "Thôn/tổ dân phố", "Tổ dân phố", "Thôn, xóm", "Thôn/xóm/tổ dân phố",
                                  "Thôn/Tổ"), width=18),
    Field("commune", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Xã, phường", "Tên xã"), width=20),
    Field("district", "Huyện", ("Huyện/thị xã", "Quận/huyện", "Huyện/TX/TP", "Huyện, thị xã"), width=16),
    Field("address_detail", "Địa chỉ", ("Địa chỉ chi tiết", "Số nhà, đường"), width=24),
    Field("urban", "Khu vực", ("Thành thị/nông thôn",), kind="choice",
          choices=(("urban", ("Thành thị", "TT")), ("rural", ("Nông thôn", "NT")))),
    Field("death", "Ngày mất", ("Ngày chết", "Đã mất ngày"), kind="date", width=12),
))
TEMPLATE_TITLE = "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"
TEMPLATE_EXAMPLES = (
    ("HT001", "Nguyễn Văn Hùng", "Nam", "12/05/1968", "Chủ hộ", "042068001234", "", "Kinh", "0912345678",
     "Thôn Trung Tiến", "Xã Cẩm Bình", "", "", "Nông thôn", ""),
    ("HT001", "Phan Thị Mai", "Nữ", "1970", "Vợ/chồng", "183456789", "", "Kinh", "", "Thôn Trung Tiến",
     "Xã Cẩm Bình", "", "", "Nông thôn", ""),
)


@dataclass
class ImportCheck:
    """What the user sees after the checks."""

    raw: RawTable
    rows: pl.DataFrame  # typed rows with _errors and resolved ids
    total_rows: int
    error_rows: int
    households: int
    valid_households: int
    valid_persons: int
    recognised: dict[str, str]
    ignored: list[str]
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0

    def summary(self) -> dict:
        return {
            "total_rows": self.total_rows, "error_rows": self.error_rows, "households": self.households,
            "valid_households": self.valid_households, "valid_persons": self.valid_persons,
            "recognised": self.recognised, "ignored": self.ignored, "messages": self.messages,
            "header_row": self.raw.header_row, "sheet": self.raw.sheet_name,
        }


Progress = Callable[[int, str], None]


def _noop(_percent: int, _label: str) -> None:
    return None


def registry_file_check(*, path: Path, area: AdminUnit, today: dt.date | None = None,
                        progress: Progress = _noop) -> ImportCheck:
    """Read and check every row. Raises ImportFileError when the file itself cannot be used."""
    progress(5, "Đang đọc tệp")
    raw = read_table(path, REGISTRY_SCHEMA)
    progress(30, "Đang kiểm tra từng dòng")
    rows = parse_columns(raw, REGISTRY_SCHEMA, today=today)
    rows = _check_identity(rows)
    progress(50, "Đang đối chiếu địa bàn")
    rows, messages = _resolve_communes(rows, area=area, has_column="commune" in raw.recognised)
    rows = _check_households(rows)
    progress(70, "Đang đối chiếu với cơ sở dữ liệu")
    rows = _check_against_registry(rows)
    rows = _block_households_with_errors(rows)
    progress(95, "Đang tổng hợp")
    valid = rows.filter(~has_errors())
    return ImportCheck(
        raw=raw, rows=rows, total_rows=rows.height, error_rows=rows.filter(has_errors()).height,
        households=rows["household_code"].drop_nulls().n_unique(),
        valid_households=valid["household_code"].n_unique(), valid_persons=valid.height,
        recognised=dict(raw.recognised), ignored=list(raw.ignored), messages=messages,
    )


def _check_identity(rows: pl.DataFrame) -> pl.DataFrame:
    ident = pl.col("identity")
    rows = rows.with_columns(
        pl.when(ident.str.len_chars() == 12).then(ident).alias("pid"),
        pl.when(ident.str.len_chars() == 9).then(ident).alias("cmnd"),
        pl.col("social_insurance_no").str.replace_all(r"\D", "").alias("social_insurance_no"),
    )
    digit4 = pl.col("pid").str.slice(3, 1).cast(pl.Int32, strict=False)
    pid_year = 1900 + (digit4 // 2) * 100 + pl.col("pid").str.slice(4, 2).cast(pl.Int32, strict=False)
    pid_sex = pl.when(digit4 % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F"))
    province = pl.col("pid").str.slice(0, 3).cast(pl.Int32, strict=False)
    suspicious = pl.col("pid").is_not_null() & (
        (province < 1) | (province > 96) | (digit4 > 5)
        | (pl.col("sex").is_not_null() & (pid_sex != pl.col("sex")))
        | (pl.col("birth").is_not_null() & (pid_year != pl.col("birth").dt.year()))
    )
    # Only the few suspicious rows go through Python, to get the precise Vietnamese reason.
    bad = rows.filter(suspicious).select(ROW, "pid", "sex", "birth")
    messages: dict[int, list[str]] = {}
    for row, pid, sex, birth in bad.iter_rows():
        try:
            check_pid(pid, sex=sex, birth_year=birth.year if birth else None)
        except IdentityError as err:
            messages[row] = [str(err)]
    rows = add_row_errors(rows, messages)
    bhxh = pl.col("social_insurance_no")
    rows = add_errors(rows, bhxh.is_not_null() & (bhxh != "") & (bhxh.str.len_chars() != 10),
                      "Mã số BHXH phải gồm đúng 10 chữ số.")
    rows = rows.with_columns(pl.when(bhxh != "").then(bhxh).alias("social_insurance_no"))
    for column, label in (("pid", "Số định danh cá nhân"), ("cmnd", "Số CMND"), ("social_insurance_no", "Mã số BHXH")):
        dup = pl.col(column).is_not_null() & pl.col(column).is_duplicated()
        rows = add_errors(rows, dup, pl.concat_str(pl.lit(f"{label} "), pl.col(column),
                                                   pl.lit(" xuất hiện nhiều lần trong tệp.")))
    rows = add_errors(rows, pl.col("death").is_not_null() & pl.col("birth").is_not_null()
                      & (pl.col("death") < pl.col("birth")), "Ngày mất trước ngày sinh.")
    return rows


def _resolve_communes(rows: pl.DataFrame, *, area: AdminUnit, has_column: bool) -> tuple[pl.DataFrame, list[str]]:
    from ansinh.geo.selectors import communes_in_area

    allowed = set(communes_in_area(area).values_list("pk", flat=True))
    messages: list[str] = []
    if not has_column:
        if area.level != Level.COMMUNE:
            rows = add_errors(rows, pl.lit(True), "Thiếu cột «Xã/phường»: tài khoản cấp huyện, tỉnh phải ghi rõ xã.")
            return rows.with_columns(pl.lit(None, dtype=pl.Int64).alias("commune_id"),
                                     pl.lit(None, dtype=pl.Int64).alias("recorded_commune_id")), messages
        messages.append(f"Tệp không có cột «Xã/phường»: các hộ được ghi vào {area.name}.")
        return rows.with_columns(pl.lit(area.pk, dtype=pl.Int64).alias("commune_id"),
                                 pl.lit(area.pk, dtype=pl.Int64).alias("recorded_commune_id")), messages
    pairs = rows.select("commune", "district").unique().drop_nulls("commune")
    resolved: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for commune, district in pairs.iter_rows():
        named = match_commune(name=commune, district_name=district or "", province_code=area.province_code)
        today = current_unit(named) if named else None
        resolved[(commune, district or "")] = (named.pk if named else None, today.pk if today else None)
    lookup = pl.DataFrame(
        {"commune": [k[0] for k in resolved], "_district": [k[1] for k in resolved],
         "recorded_commune_id": [v[0] for v in resolved.values()], "commune_id": [v[1] for v in resolved.values()]},
        schema={"commune": pl.Utf8, "_district": pl.Utf8, "recorded_commune_id": pl.Int64, "commune_id": pl.Int64},
    )
    rows = rows.with_columns(pl.col("district").fill_null("").alias("_district")).join(
        lookup, on=["commune", "_district"], how="left", maintain_order="left").drop("_district")
    rows = add_errors(rows, pl.col("commune").is_null(), "Xã/phường: không được để trống.")
    rows = add_errors(rows, pl.col("commune").is_not_null() & pl.col("commune_id").is_null(),
                      pl.concat_str(pl.lit("Không tìm thấy xã/phường «"), pl.col("commune"),
                                    pl.lit("» trong tỉnh (kể cả tên trước sắp xếp 2025).")))
    rows = add_errors(rows, pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(list(allowed)),
                      pl.concat_str(pl.lit("Xã/phường «"), pl.col("commune"),
                                    pl.lit("» nằm ngoài địa bàn bạn được phân công.")))
    return rows, messages


def _check_households(rows: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("household_code")
    rows = rows.with_columns(code.str.strip_chars().str.to_uppercase().alias("household_code"))
    heads = (pl.col("relationship") == Relationship.HEAD).sum().over("household_code")
    rows = add_errors(rows, code.is_not_null() & (heads == 0), "Hộ không có dòng nào là «Chủ hộ».")
    rows = add_errors(rows, code.is_not_null() & (heads > 1) & (pl.col("relationship") == Relationship.HEAD),
                      "Hộ có nhiều hơn một chủ hộ.")
    communes = pl.col("commune_id").n_unique().over("household_code")
    rows = add_errors(rows, code.is_not_null() & (communes > 1), "Các thành viên cùng hộ ghi ở các xã khác nhau.")
    return rows


def _existing(column: str, values: list[str]) -> set[str]:
    """Which of ``values`` the registry already holds in ``column`` (one set-based query on PostgreSQL)."""
    model, name = (Household, "code") if column == "household_code" else (Person, column)
    if not values:
        return set()
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT t."{name}" FROM {table} t JOIN unnest(%s::text[]) AS u(v) ON t."{name}" = u.v',
                           [values])
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for start in range(0, len(values), 900):  # SQLite's variable limit
        chunk = values[start:start + 900]
        found.update(model.objects.filter(**{f"{name}__in": chunk}).values_list(name, flat=True))
    return found


def _check_against_registry(rows: pl.DataFrame) -> pl.DataFrame:
    for column, label in (("pid", "Số định danh cá nhân"), ("cmnd", "Số CMND"),
                          ("social_insurance_no", "Mã số BHXH"), ("household_code", "Mã hộ")):
        values = rows[column].drop_nulls().unique().to_list()
        taken = _existing(column, values)
        if taken:
            rows = add_errors(rows, pl.col(column).is_in(list(taken)),
                              pl.concat_str(pl.lit(f"{label} "), pl.col(column), pl.lit(" đã có trong cơ sở dữ liệu.")))
    return rows


def _block_households_with_errors(rows: pl.DataFrame) -> pl.DataFrame:
    bad_rows = pl.when(has_errors()).then(pl.col(ROW))
    first_bad = bad_rows.min().over("household_code")
    return add_errors(
        rows, pl.col("household_code").is_not_null() & ~has_errors() & first_bad.is_not_null(),
        pl.concat_str(pl.lit("Cả hộ chưa được ghi vì dòng "), first_bad.cast(pl.Utf8), pl.lit(" của hộ có lỗi.")))


def registry_error_report(*, check: ImportCheck, out_path: Path) -> Path:
    return write_error_report(check.raw, check.rows.select(ROW, ERRORS), out_path)


def registry_rows_commit(*, check: ImportCheck, valid_only: bool, progress: Progress = _noop) -> BulkResult:
    """Write the checked rows. Refuses while errors remain unless ``valid_only``."""
    from ansinh.core.errors import DomainError

    if check.error_rows and not valid_only:
        raise DomainError(f"Tệp còn {check.error_rows} dòng lỗi: sửa tệp, hoặc chọn «chỉ ghi các dòng hợp lệ».")
    valid = check.rows.filter(~has_errors())
    if valid.is_empty():
        raise DomainError("Không có dòng hợp lệ nào để ghi.")
    households, persons = _frames(valid)
    total = households.height + 2 * persons.height

    def report(_label: str, done: int, _total: int) -> None:
        progress(int(done * 100 / max(total, 1)), "Đang ghi vào cơ sở dữ liệu")

    with transaction.atomic():
        return bulk_insert_registry(households=households, persons=persons, progress=report)


def _frames(valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    urban_ids = set(AdminUnit.objects.filter(pk__in=valid["commune_id"].unique().to_list(), is_urban=True)
                    .values_list("pk", flat=True))
    persons = valid.with_row_index("person_id", offset=1).with_columns(
        pl.col("person_id").cast(pl.Int64),
        pl.col("household_code").rank("dense").cast(pl.Int64).alias("household_id"),
        clean_name_expr(pl.col("full_name")),
        pl.col("ethnicity").map_elements(lambda v: ethnicity_code_for(v) or "01", return_dtype=pl.Utf8)
        .fill_null("01").alias("ethnicity_code"),
        pl.col("birth").alias("birth_date"), pl.col("birth_precision").fill_null("day"),
        pl.col("death").alias("death_date"),
        pl.col("phone").fill_null(""),
        pl.lit(None, dtype=pl.Date).alias("joined_date"),
    ).with_columns(fold_expr(pl.col("full_name")).alias("search_key"))
    households = (
        persons.group_by("household_id", maintain_order=True)
        .agg(
            pl.col("household_code").first().alias("code"),
            pl.col("commune_id").first(),
            pl.col("recorded_commune_id").first(),
            pl.col("village").drop_nulls().first().fill_null(""),
            pl.col("address_detail").drop_nulls().first().fill_null(""),
            pl.col("urban").drop_nulls().first(),
            pl.col("person_id").filter(pl.col("relationship") == Relationship.HEAD).first().alias("head_person_id"),
        )
        .with_columns(
            pl.when(pl.col("urban").is_not_null()).then(pl.col("urban") == "urban")
            .otherwise(pl.col("commune_id").is_in(list(urban_ids))).alias("is_urban"),
        )
    )
    return households, persons.select(
        "person_id", "household_id", "relationship", "full_name", "search_key", "sex", "birth_date",
        "birth_precision", "ethnicity_code", "pid", "cmnd", "social_insurance_no", "phone", "death_date",
        "commune_id", "joined_date")


def import_storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


__all__ = ["REGISTRY_SCHEMA", "ImportCheck", "ImportFileError", "registry_file_check", "registry_rows_commit",
           "registry_error_report", "TEMPLATE_TITLE", "TEMPLATE_EXAMPLES"]
