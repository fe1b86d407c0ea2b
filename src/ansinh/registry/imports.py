"""Importing the registry from the Excel/CSV files communes already have: the schema and checks of the
``registry`` kind of the shared import lifecycle (``ansinh.core.imports``).

The lifecycle stores the file, checks it once (``parse`` reads and checks each row; ``verify`` compares it
with the units and the registry), lets the user commit all rows or only the households whose rows are all
valid, and commits under a lock after checking the database again; the write goes through the bulk path
in one transaction: an interrupted import leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from django.db import connection
from django.utils import timezone

from ansinh.core import sql
from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.identity import pid_messages
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.locks import advisory_lock
from ansinh.core.tabular import (
    IDENTITY_KEYWORDS,
    ROW,
    Field,
    RawTable,
    Schema,
    add_errors,
    add_row_errors,
    has_errors,
    parse_columns,
    read_table,
)
from ansinh.core.text import clean_name_expr, fold_expr, name_problems
from ansinh.geo.models import AdminUnit, Level
from ansinh.geo.selectors import current_unit, match_commune
from ansinh.registry.bulk import BulkResult, bulk_insert_registry
from ansinh.registry.ethnicities import ethnicity_code_for
from ansinh.registry.models import Household, Person, RegistryImport, Relationship

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

_HOUSEHOLD = Household._meta
_PERSON = Person._meta
REGISTRY_SCHEMA = Schema(fields=(
    Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ", "Số hộ", "Mã số hộ"), required=True, width=16,
          max_length=_HOUSEHOLD.get_field("code").max_length),
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên người", "Họ, tên", "Tên"), required=True, width=26,
          max_length=_PERSON.get_field("full_name").max_length),
    Field("sex", "Giới tính", ("Giới", "Nam/nữ", "Nam/Nữ"), required=True, kind="choice",
          choices=(("M", ("Nam", "M", "Male")), ("F", ("Nữ", "F", "Female")))),
    Field("birth", "Ngày sinh", ("Năm sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày/tháng/năm sinh"),
          required=True, kind="date", width=14),
    Field("relationship", "Quan hệ với chủ hộ", ("Quan hệ", "QH với chủ hộ", "Quan hệ với CH"), required=True,
          kind="choice", choices=RELATIONSHIP_LABELS, width=16),
    Field("identity", "Số định danh cá nhân",
          ("Số CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND/CCCD", "Số CMND", "Số ĐDCN", "CCCD", "Số căn cước",
           "Số định danh", "Số thẻ căn cước"), kind="identity", width=16, keywords=IDENTITY_KEYWORDS),
    Field("social_insurance_no", "Mã số BHXH", ("Số BHXH", "Mã BHXH", "Số sổ BHXH"), width=14, max_length=20),
    Field("ethnicity", "Dân tộc", ("Dân tộc (tên hoặc mã)",), width=10, max_length=40),
    Field("phone", "Số điện thoại", ("Điện thoại", "SĐT", "Số ĐT"), kind="phone", width=13),
    Field("village", "Thôn/xóm", ("Thôn", "Xóm", "Thôn/tổ dân phố", "Tổ dân phố", "Thôn, xóm", "Thôn/xóm/tổ dân phố",
                                  "Thôn/Tổ"), width=18, max_length=_HOUSEHOLD.get_field("village").max_length),
    Field("commune", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Xã, phường", "Tên xã"), width=20,
          max_length=120),
    Field("district", "Huyện", ("Huyện/thị xã", "Quận/huyện", "Huyện/TX/TP", "Huyện, thị xã"), width=16,
          max_length=120),
    Field("address_detail", "Địa chỉ", ("Địa chỉ chi tiết", "Số nhà, đường"), width=24,
          max_length=_HOUSEHOLD.get_field("address_detail").max_length),
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


Progress = Callable[[int, str], None]


class RegistryImportKind(ImportKind):
    """Households and people from a commune's Excel/CSV file (``REGISTRY_SCHEMA``)."""

    code = "registry"
    label = "cơ sở dữ liệu hộ, nhân khẩu"
    model = RegistryImport
    audit_prefix = "registry_import"
    urls = {"detail": "registry:import_detail", "commit": "registry:import_commit",
            "report": "registry:import_error_report", "again": "registry:import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        from ansinh.registry.permissions import require_importer

        require_importer(actor)

    def schema(self, record) -> Schema:
        return REGISTRY_SCHEMA

    def parse(self, record, *, progress: Progress) -> tuple[RawTable, pl.DataFrame]:
        progress(5, "Đang đọc tệp")
        raw = read_table(record.stored_file.path, REGISTRY_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        progress(30, "Đang kiểm tra từng dòng")
        rows = parse_columns(raw, REGISTRY_SCHEMA, today=timezone.localdate())
        rows = add_row_errors(rows, {r: [m] for r, m in name_problems(rows, key=ROW).items()})
        rows = _check_identity(rows)
        return raw, _check_households(rows)

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress: Progress) -> CheckOutcome:
        progress(50, "Đang đối chiếu địa bàn")
        rows, messages = _resolve_communes(rows, area=record.area, has_column="commune" in raw.recognised)
        rows = _check_households_communes(rows)
        progress(70, "Đang đối chiếu với cơ sở dữ liệu")
        rows = _block_households_with_errors(_check_against_registry(rows))
        progress(95, "Đang tổng hợp")
        valid = rows.filter(~has_errors())
        figures = {"households": rows["household_code"].drop_nulls().n_unique(),
                   "valid_households": valid["household_code"].n_unique(), "valid_persons": valid.height}
        return CheckOutcome(raw=raw, rows=rows, figures=figures, messages=messages,
                            blocking=unmapped_identity_columns(raw))

    def lock(self, record) -> None:
        advisory_lock("registry.import")  # two files at once would both pass the "not yet registered" check

    def commit(self, record, outcome: CheckOutcome, *, actor, progress: Progress) -> CommitResult:
        result = registry_rows_commit(valid=outcome.valid, progress=progress)
        return CommitResult(written=result.persons,
                            message=f"Đã ghi {vn_number(result.households)} hộ, {vn_number(result.persons)} nhân khẩu.",
                            details={"households": result.households, "persons": result.persons})

    def figures(self, record) -> list[tuple[str, object, str]]:
        figures = (record.summary or {}).get("figures", {})
        if not figures:
            return []
        return [("Số hộ trong tệp", vn_number(figures.get("households", 0)), "households"),
                ("Có thể ghi", f"{vn_number(figures.get('valid_persons', 0))} nhân khẩu / "
                               f"{vn_number(figures.get('valid_households', 0))} hộ", "valid-persons")]


def unmapped_identity_columns(raw: RawTable) -> list[str]:
    """A column that looks like identity numbers but whose header was not understood blocks the commit."""
    suspects = list(getattr(raw, "suspect_identity_columns", []) or [])
    return [f"Cột «{h}» có vẻ chứa số định danh/CMND nhưng tiêu đề không được nhận ra: chọn «Số định danh cá nhân» "
            "cho cột này ở bước ghép cột (hoặc đánh dấu bỏ qua) rồi kiểm tra lại." for h in suspects]


def _check_identity(rows: pl.DataFrame) -> pl.DataFrame:
    ident = pl.col("identity")
    rows = rows.with_columns(
        pl.when(ident.str.len_chars() == 12).then(ident).alias("pid"),
        pl.when(ident.str.len_chars() == 9).then(ident).alias("cmnd"),
        pl.col("social_insurance_no").str.replace_all(r"\D", "").alias("social_insurance_no"),
    )
    # Only the few suspicious rows go through Python, to get the precise Vietnamese reason.
    messages = {row: [text] for row, text in pid_messages(rows, key=ROW).items()}
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
    return rows


def _check_households_communes(rows: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("household_code")
    communes = pl.col("commune_id").n_unique().over("household_code")
    return add_errors(rows, code.is_not_null() & (communes > 1), "Các thành viên cùng hộ ghi ở các xã khác nhau.")


def _existing(column: str, values: list[str]) -> set[str]:
    """Which of ``values`` the registry already holds in ``column`` (one set-based query on PostgreSQL)."""
    model, name = (Household, "code") if column == "household_code" else (Person, column)
    if not values:
        return set()
    if connection.vendor == "postgresql":  # a join with the values as one array: a hash join at 10⁶ values
        with connection.cursor() as cursor:
            cursor.execute(*sql.compose("SELECT t.{c} FROM {table} t JOIN unnest(%s::text[]) AS u(v) ON t.{c} = u.v",
                                        values, c=sql.column(model, name), table=sql.table(model)))
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


def registry_rows_commit(*, valid: pl.DataFrame, progress: Progress | None = None) -> BulkResult:
    """Write checked, valid rows through the bulk path (in the caller's transaction)."""
    if valid.is_empty():
        raise DomainError("Không có dòng hợp lệ nào để ghi.")
    households, persons = _frames(valid)
    total = households.height + 2 * persons.height

    def report(_label: str, done: int, _total: int) -> None:
        if progress:
            progress(int(done * 100 / max(total, 1)), "Đang ghi vào cơ sở dữ liệu")

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


__all__ = ["REGISTRY_SCHEMA", "RegistryImportKind", "registry_rows_commit", "TEMPLATE_TITLE", "TEMPLATE_EXAMPLES"]

REGISTRY_KIND = register_kind(RegistryImportKind())
