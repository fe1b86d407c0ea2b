"""Importing the standing registers (NCC, TGXH, poor and near-poor household lists) from Excel.

The same engine as the registry import (`core.tabular`): header variants, per-row Vietnamese
errors, an error report with «Lỗi», nothing written while errors remain unless the user asks for
the valid rows only. Each row must name someone already in the registry (identity number, with
the name as a check; for household lists the household code).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from ansinh.accounts.permissions import area_commune_ids
from ansinh.core.errors import DomainError
from ansinh.core.tabular import (
    ERRORS,
    ROW,
    Field,
    RawTable,
    Schema,
    add_errors,
    has_errors,
    parse_columns,
    read_table,
    write_error_report,
)
from ansinh.core.text import fold_expr
from ansinh.policy.variables.enums import TgxhCategory
from ansinh.programmes.models import HOUSEHOLD_REGISTERS, Enrolment, Register
from ansinh.registry.models import Household, Person

CATEGORY_CHOICES = tuple((c.name, (c.value, c.name)) for c in TgxhCategory if c.name != "none")

REGISTER_SCHEMA = Schema(fields=(
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên đối tượng", "Họ tên chủ hộ", "Họ và tên chủ hộ"),
          required=True),
    Field("identity", "Số định danh cá nhân", ("Số CCCD", "CMND/CCCD", "Số CMND", "CCCD", "Số định danh"),
          kind="identity"),
    Field("household_code", "Mã hộ", ("Mã hộ gia đình", "Mã HGĐ")),
    Field("decision_number", "Số quyết định", ("Quyết định số", "Số QĐ", "QĐ hưởng"), required=True),
    Field("start", "Hưởng từ ngày", ("Ngày hưởng", "Hưởng từ", "Thời điểm hưởng", "Ngày công nhận"),
          required=True, kind="date"),
    Field("end", "Thôi hưởng từ ngày", ("Thôi hưởng", "Ngày thôi hưởng", "Ra khỏi danh sách"), kind="date"),
    Field("tgxh_category", "Diện đối tượng", ("Diện hưởng", "Đối tượng theo NĐ 20"), kind="choice",
          choices=CATEGORY_CHOICES),
))


@dataclass
class RegisterCheck:
    raw: RawTable
    rows: pl.DataFrame
    register: str

    @property
    def error_rows(self) -> int:
        return self.rows.filter(has_errors()).height

    @property
    def valid_rows(self) -> int:
        return self.rows.height - self.error_rows


def register_file_check(*, path: Path, register: str, user) -> RegisterCheck:
    """Read and check every row against the registry, inside the user's area."""
    if register not in Register.values:
        raise DomainError(f"Sổ «{register}» không tồn tại (ncc, tgxh, poor, near_poor).")
    raw = read_table(path, REGISTER_SCHEMA)
    rows = parse_columns(raw, REGISTER_SCHEMA)
    rows = add_errors(rows, pl.col("end").is_not_null() & pl.col("start").is_not_null()
                      & (pl.col("end") < pl.col("start")), "Ngày thôi hưởng trước ngày hưởng.")
    allowed = area_commune_ids(user)
    if register in HOUSEHOLD_REGISTERS:
        rows = _match_households(rows, allowed)
    else:
        rows = _match_persons(rows, allowed)
        if register == Register.TGXH:
            rows = add_errors(rows, pl.col("tgxh_category").is_null(),
                              "Sổ trợ giúp xã hội cần cột «Diện đối tượng» (diện theo NĐ 20/2021).")
    key = "household_id" if register in HOUSEHOLD_REGISTERS else "person_id"
    rows = add_errors(rows, pl.col(key).is_not_null() & pl.col(key).is_duplicated(),
                      "Cùng một đối tượng xuất hiện nhiều lần trong tệp.")
    active = set(Enrolment.objects.filter(register=register, end_date__isnull=True, **{
        f"{key}__in": rows[key].drop_nulls().to_list()}).values_list(key, flat=True))
    rows = add_errors(rows, pl.col(key).is_in(list(active)), "Đối tượng đang có trong sổ này (chưa thôi hưởng).")
    return RegisterCheck(raw=raw, rows=rows, register=register)


def _match_persons(rows: pl.DataFrame, allowed: list[int]) -> pl.DataFrame:
    numbers = rows["identity"].drop_nulls().unique().to_list()
    found = pl.DataFrame(
        list(Person.objects.filter(pid__in=numbers).values_list("pid", "id", "search_key", "commune_id"))
        + list(Person.objects.filter(cmnd__in=numbers).values_list("cmnd", "id", "search_key", "commune_id")),
        schema={"identity": pl.Utf8, "person_id": pl.Int64, "_key": pl.Utf8, "commune_id": pl.Int64}, orient="row",
    ).unique("identity")
    rows = rows.join(found, on="identity", how="left", maintain_order="left").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("household_id"))
    rows = add_errors(rows, pl.col("identity").is_null(), "Cần số định danh cá nhân (hoặc CMND) của đối tượng.")
    rows = add_errors(rows, pl.col("identity").is_not_null() & pl.col("person_id").is_null(),
                      pl.format("Không có ai mang số {} trong cơ sở dữ liệu; hãy đăng ký nhân khẩu trước.",
                                pl.col("identity")))
    rows = add_errors(rows, pl.col("person_id").is_not_null() & (fold_expr(pl.col("full_name")) != pl.col("_key")),
                      pl.format("Họ tên không khớp với người mang số {} trong cơ sở dữ liệu.", pl.col("identity")))
    return add_errors(rows, pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(allowed),
                      "Đối tượng ở ngoài địa bàn bạn được phân công.")


def _match_households(rows: pl.DataFrame, allowed: list[int]) -> pl.DataFrame:
    codes = [c.strip().upper() for c in rows["household_code"].drop_nulls().to_list()]
    found = pl.DataFrame(
        list(Household.objects.filter(code__in=codes).values_list("code", "id", "head__search_key", "commune_id")),
        schema={"household_code": pl.Utf8, "household_id": pl.Int64, "_key": pl.Utf8, "commune_id": pl.Int64},
        orient="row",
    )
    rows = rows.with_columns(pl.col("household_code").str.strip_chars().str.to_uppercase()).join(
        found, on="household_code", how="left", maintain_order="left").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("person_id"))
    rows = add_errors(rows, pl.col("household_code").is_null(), "Danh sách hộ cần cột «Mã hộ».")
    rows = add_errors(rows, pl.col("household_code").is_not_null() & pl.col("household_id").is_null(),
                      pl.format("Không có hộ mã {} trong cơ sở dữ liệu.", pl.col("household_code")))
    rows = add_errors(rows, pl.col("household_id").is_not_null() & (fold_expr(pl.col("full_name")) != pl.col("_key")),
                      "Họ tên không khớp với chủ hộ trong cơ sở dữ liệu.")
    return add_errors(rows, pl.col("commune_id").is_not_null() & ~pl.col("commune_id").is_in(allowed),
                      "Hộ ở ngoài địa bàn bạn được phân công.")


def register_error_report(*, check: RegisterCheck, out_path: Path) -> Path:
    return write_error_report(check.raw, check.rows.select(ROW, ERRORS), out_path)


@transaction.atomic
def register_rows_commit(*, check: RegisterCheck, valid_only: bool) -> int:
    """Write the enrolments; refuses while errors remain unless ``valid_only``."""
    if check.error_rows and not valid_only:
        raise DomainError(f"Tệp còn {check.error_rows} dòng lỗi: sửa tệp, hoặc chọn chỉ ghi các dòng hợp lệ.")
    valid = check.rows.filter(~has_errors())
    if valid.is_empty():
        raise DomainError("Không có dòng hợp lệ nào để ghi.")
    enrolments = [
        Enrolment(register=check.register, person_id=r["person_id"], household_id=r["household_id"],
                  commune_id=r["commune_id"], tgxh_category=r["tgxh_category"] or "",
                  decision_number=r["decision_number"].strip(), start_date=r["start"], end_date=r["end"])
        for r in valid.iter_rows(named=True)
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    return len(enrolments)


__all__ = ["REGISTER_SCHEMA", "register_file_check", "register_rows_commit", "register_error_report"]
