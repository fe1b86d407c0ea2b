"""What the import kinds of the labour app share: choice labels as files write them, the identity columns, the
registry look-up by identity number (set-based), the communes named in a file, the age rule as an expression."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.bulk import read_frame
from ansinh.core.identity import pid_messages
from ansinh.core.sql import compose, in_clause, table
from ansinh.core.tabular import IDENTITY_KEYWORDS, ROW, Field, add_errors, add_row_errors
from ansinh.core.text import fold_expr
from ansinh.geo.models import Level
from ansinh.labour.checks import MIN_AGE
from ansinh.registry.models import Person

STT = Field("stt", "STT", ("Số TT", "TT", "Số thứ tự"), width=5)
NAME_MAX = Person._meta.get_field("full_name").max_length
FULL_NAME = Field("full_name", "Họ và tên", ("Họ tên", "Họ, tên", "Họ và tên người lao động", "Họ tên người lao động",
                                             "Họ và tên người học", "Họ, chữ đệm và tên"),
                  required=True, width=24, max_length=NAME_MAX)
BIRTH = Field("birth", "Ngày sinh", ("Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Ngày/tháng/năm sinh"),
              kind="date", width=12)
SEX = Field("sex", "Giới tính", ("Giới", "Nam/nữ", "Nam/Nữ"), kind="choice",
            choices=(("M", ("Nam", "M")), ("F", ("Nữ", "F"))))
IDENTITY = Field("identity", "Số định danh cá nhân", (
    "Số CCCD", "Số CCCD/CMND", "Số CMND/CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND", "Số định danh", "Số ĐDCN",
    "Số căn cước", "Số thẻ căn cước"), kind="identity", width=15, keywords=IDENTITY_KEYWORDS)
COMMUNE = Field("commune", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Xã, phường", "Tên xã",
                                         "Nơi thường trú (xã/phường)"), width=18, max_length=120)


def labels(enum, synonyms: dict[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Choice labels of a ``TextChoices`` for a file: its Vietnamese label first, then the ways lists write it."""
    return tuple((value, (str(label), *synonyms.get(value, ()))) for value, label in enum.choices)


def split_identity(rows: pl.DataFrame) -> pl.DataFrame:
    """``pid`` (12 digits) and ``cmnd`` (9) from ``identity``; a 12-digit number that contradicts the row's sex or
    birth year is an error (core.identity)."""
    ident = pl.col("identity")
    rows = rows.with_columns(pl.when(ident.str.len_chars() == 12).then(ident).alias("pid"),
                             pl.when(ident.str.len_chars() == 9).then(ident).alias("cmnd"))
    if "sex" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Utf8).alias("sex"))
    if "birth" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Date).alias("birth"))
    messages = {row: [f"Số định danh: {text}"] for row, text in pid_messages(rows, key=ROW).items()}
    return add_row_errors(rows, messages)


def duplicates_in_file(rows: pl.DataFrame, column: str, label: str) -> pl.DataFrame:
    """The second and later rows carrying the same value of ``column``."""
    value = pl.col(column)
    first = pl.col(ROW).min().over(column)
    return add_errors(rows, value.is_not_null() & value.is_duplicated() & (pl.col(ROW) != first),
                      pl.format(f"{label} {{}} trùng với dòng {{}} của tệp (mỗi người chỉ ghi một lần).", value,
                                first))


PEOPLE_SQL = """
SELECT p.id AS person_id, p.pid, p.cmnd, p.search_key AS person_key, p.full_name AS person_name,
       p.birth_date AS person_birth, p.birth_precision AS person_precision, p.sex AS person_sex,
       p.commune_id AS person_commune_id, p.death_date AS person_death
  FROM {people} p
 WHERE p.merged_into_id IS NULL AND {which}"""
PEOPLE_SCHEMA = {"person_id": pl.Int64, "pid": pl.String, "cmnd": pl.String, "person_key": pl.String,
                 "person_name": pl.String, "person_birth": pl.Date, "person_precision": pl.String,
                 "person_sex": pl.String, "person_commune_id": pl.Int64, "person_death": pl.Date}
WHOLE_REGISTRY_ABOVE = 50_000  # beyond this many numbers, one COPY of the whole registry is cheaper than look-ups


def registry_people(*, commune_ids: list[int] | None = None) -> pl.DataFrame:
    """Every (not merged) person of the registry, or of ``commune_ids``: ``PEOPLE_SCHEMA`` (one COPY)."""
    which = compose("1 = 1") if commune_ids is None else in_clause("p.commune_id", commune_ids)
    return read_frame(*compose(PEOPLE_SQL, people=table(Person), which=which), schema=PEOPLE_SCHEMA)


def wants_whole_registry(rows: pl.DataFrame) -> bool:
    numbers = rows["pid"].drop_nulls().n_unique() + rows["cmnd"].drop_nulls().n_unique()
    return numbers > WHOLE_REGISTRY_ABOVE and connection.vendor == "postgresql"


def people_by_identity(rows: pl.DataFrame, registry: pl.DataFrame | None = None) -> pl.DataFrame:
    """Join the registry person of each row's ``pid`` or ``cmnd`` (``person_*`` columns; null when unknown), from
    ``registry`` when the caller has read it already, else by looking the numbers up."""
    if registry is not None:
        found = registry
    elif wants_whole_registry(rows):
        found = registry_people()
    else:
        parts = []
        for column in ("pid", "cmnd"):
            values = rows[column].drop_nulls().unique().to_list()
            for i in range(0, len(values), 20_000):
                query = compose(PEOPLE_SQL, people=table(Person), which=in_clause(f"p.{column}", values[i:i + 20_000]))
                parts.append(read_frame(*query, schema=PEOPLE_SCHEMA))
        found = pl.concat(parts) if parts else pl.DataFrame(schema=PEOPLE_SCHEMA)
    person_columns = [c for c in PEOPLE_SCHEMA if c not in ("pid", "cmnd")]
    by_pid = found.filter(pl.col("pid").is_not_null()).select("pid", *person_columns).unique("pid")
    by_cmnd = found.filter(pl.col("cmnd").is_not_null()).select("cmnd", *person_columns).unique("cmnd")
    rows = rows.join(by_pid, on="pid", how="left", maintain_order="left")
    with_cmnd = rows.filter(pl.col("person_id").is_null()).select(ROW, "cmnd").join(by_cmnd, on="cmnd", how="inner")
    if with_cmnd.height:
        rows = rows.join(with_cmnd.drop("cmnd").rename({c: f"{c}__c" for c in person_columns}), on=ROW, how="left",
                         maintain_order="left").with_columns(
            pl.coalesce(c, f"{c}__c").alias(c) for c in person_columns).drop([f"{c}__c" for c in person_columns])
    return rows


def unknown_person_errors(rows: pl.DataFrame, *, what: str) -> pl.DataFrame:
    """«a placement for an unknown person»: a number nobody in the registry holds."""
    return add_errors(rows, pl.col("identity").is_not_null() & pl.col("person_id").is_null(),
                      pl.format("Không có ai mang số {} trong cơ sở dữ liệu hộ, nhân khẩu: đăng ký nhân khẩu (hoặc "
                                f"kiểm tra lại số) trước khi ghi {what}.", pl.col("identity")))


def name_mismatch_errors(rows: pl.DataFrame) -> pl.DataFrame:
    """A number held by someone whose name (folded) is not the one written."""
    return add_errors(rows, pl.col("person_id").is_not_null() & pl.col("full_name").is_not_null()
                      & (fold_expr(pl.col("full_name")) != pl.col("person_key")),
                      pl.format("Số {} thuộc «{}» (sinh năm {}) trong cơ sở dữ liệu, khác họ tên trên tệp: kiểm tra lại "
                                "số giấy tờ.", pl.col("identity"), pl.col("person_name"),
                                pl.col("person_birth").dt.year()))


def area_errors(rows: pl.DataFrame, user, commune_column: str = "commune_id") -> pl.DataFrame:
    allowed = area_commune_ids(user)
    return add_errors(rows, pl.col(commune_column).is_not_null() & ~pl.col(commune_column).is_in(allowed),
                      "Người (hoặc đơn vị) này ở ngoài địa bàn bạn được phân công.")


def under_age_expr(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Age in whole years on ``on``."""
    before_birthday = (on.dt.month() < birth.dt.month()) | ((on.dt.month() == birth.dt.month())
                                                            & (on.dt.day() < birth.dt.day()))
    return on.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)


def age_errors(rows: pl.DataFrame, *, birth: str, on: pl.Expr, what: str) -> pl.DataFrame:
    """«a person under 15»."""
    age = under_age_expr(pl.col(birth), on)
    return add_errors(rows, pl.col(birth).is_not_null() & on.is_not_null() & (age < MIN_AGE),
                      pl.format(f"Người dưới {MIN_AGE} tuổi: sinh ngày {{}}, đến ngày {{}} mới {{}} tuổi; {what} chỉ ghi "
                                f"người từ {MIN_AGE} tuổi trở lên (TT 01/2022/TT-BLĐTBXH, Điều 6).",
                                pl.col(birth).dt.strftime("%d/%m/%Y"), on.dt.strftime("%d/%m/%Y"), age))


def resolve_communes(rows: pl.DataFrame, *, user, fallback: str | None = None,
                     known: dict[str, int | None] | None = None) -> tuple[pl.DataFrame, list[str]]:
    """``commune_id`` (today's unit) from the ``commune`` names of the file; without the column, the user's own
    commune (a commune account) or ``fallback`` (a column of the rows, e.g. the matched person's commune).
    ``known``: names already resolved for this file (the check's, reused by the commit); filled in place."""
    from ansinh.geo.selectors import current_unit, match_commune

    messages: list[str] = []
    area = user.area
    if "commune" not in rows.columns or rows["commune"].is_null().all():
        if area is not None and area.level == Level.COMMUNE:
            messages.append(f"Tệp không có cột «Xã/phường»: các dòng được ghi vào {area.name}.")
            return rows.with_columns(pl.lit(area.pk, dtype=pl.Int64).alias("commune_id")), messages
        if fallback is not None:
            messages.append("Tệp không có cột «Xã/phường»: mỗi dòng được ghi vào xã/phường của người đó trong CSDL.")
            rows = rows.with_columns(pl.col(fallback).alias("commune_id"))
            return add_errors(rows, pl.col("commune_id").is_null(),
                              "Thiếu xã/phường: tài khoản cấp huyện, tỉnh phải ghi cột «Xã/phường»."), messages
        rows = rows.with_columns(pl.lit(None, dtype=pl.Int64).alias("commune_id"))
        return add_errors(rows, pl.lit(True), "Thiếu cột «Xã/phường»: tài khoản cấp huyện, tỉnh phải ghi rõ xã."), messages
    names = rows["commune"].drop_nulls().unique().to_list()
    resolved = known if known is not None else {}
    for name in names:
        if name not in resolved:
            unit = match_commune(name=name, province_code=area.province_code if area else "")
            resolved[name] = current_unit(unit).pk if unit else None
    resolved = {name: resolved[name] for name in names}
    lookup = pl.DataFrame({"commune": list(resolved), "commune_id": list(resolved.values())},
                          schema={"commune": pl.String, "commune_id": pl.Int64})
    rows = rows.join(lookup, on="commune", how="left", maintain_order="left")
    if fallback is not None:
        rows = rows.with_columns(pl.coalesce("commune_id", pl.when(pl.col("commune").is_null()).then(pl.col(fallback)))
                                 .alias("commune_id"))
    rows = add_errors(rows, pl.col("commune").is_not_null() & pl.col("commune_id").is_null(),
                      pl.format("Không tìm thấy xã/phường «{}» trong tỉnh (kể cả tên trước sắp xếp 2025).",
                                pl.col("commune")))
    rows = add_errors(rows, pl.col("commune").is_null() & pl.col("commune_id").is_null(),
                      "Xã/phường: không được để trống.")
    return rows, messages


def fill(rows: pl.DataFrame, names: dict[str, pl.DataType]) -> pl.DataFrame:
    """Absent optional columns as nulls of their type (a file need not carry every column)."""
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in names.items() if name not in rows.columns]
    return rows.with_columns(missing) if missing else rows


def today_lit(today: dt.date) -> pl.Expr:
    return pl.lit(today, dtype=pl.Date)
