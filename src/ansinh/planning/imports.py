"""Achievements imported from an Excel/CSV file through the shared import lifecycle (``core.imports``): one row per
indicator × unit (and breakdown) of the file's period. Rows of an indicator computed from the system, of a unit not
valid on the period's last day or whose figures are locked by an accepted report are refused with the reason."""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from ansinh.core.errors import DomainError
from ansinh.core.formatting import vn_number
from ansinh.core.imports import CheckOutcome, CommitResult, ImportKind, register_kind
from ansinh.core.locks import advisory_lock
from ansinh.core.tabular import ERRORS, Field, RawTable, Schema, parse_columns, read_table
from ansinh.planning.models import AchievementImport, Indicator, OrgUnit, Source
from ansinh.planning.permissions import require_planner

ACHIEVEMENT_SCHEMA = Schema(fields=(
    Field("indicator", "Mã chỉ tiêu", ("Chỉ tiêu",), required=True, max_length=60),
    Field("unit", "Mã đơn vị", ("Đơn vị",), required=True, max_length=40),
    Field("value", "Thực hiện", ("Giá trị", "Số liệu", "Kết quả thực hiện"), required=True, max_length=30),
    Field("breakdown", "Phân tổ", (), max_length=40),
))


class AchievementImportKind(ImportKind):
    code = "planning_achievements"
    label = "tệp kết quả thực hiện chỉ tiêu"
    model = AchievementImport
    duplicate_scope = ("period",)
    audit_prefix = "planning_import"
    urls = {"detail": "planning:import_detail", "commit": "planning:import_commit", "report": "planning:import_report",
            "again": "planning:import_upload"}

    def authorize(self, actor, *, record=None, target) -> None:
        require_planner(actor)

    def schema(self, record) -> Schema:
        return ACHIEVEMENT_SCHEMA

    def describe_target(self, record) -> str:
        return f"kết quả thực hiện kỳ {record.period.label}"

    def parse(self, record, *, progress) -> tuple[RawTable, pl.DataFrame]:
        raw = read_table(record.stored_file.path, ACHIEVEMENT_SCHEMA, mapping=record.column_mapping or None,
                         display_name=record.file_name)
        return raw, parse_columns(raw, ACHIEVEMENT_SCHEMA, today=timezone.localdate())

    def verify(self, record, raw: RawTable, rows: pl.DataFrame, *, progress) -> CheckOutcome:
        from ansinh.planning.services.plan import decimal_value, require_unlocked

        period = record.period
        indicators = {i.code: i for i in Indicator.objects.all()}
        units = {u.code: u for u in OrgUnit.objects.all()}
        errors, values = [], []
        seen: set[tuple] = set()
        for row in rows.iter_rows(named=True):
            problems = list(row[ERRORS] or [])
            ind, unit, number = indicators.get(row["indicator"] or ""), units.get(row["unit"] or ""), None
            if row["indicator"] and ind is None:
                problems.append(f"Không có chỉ tiêu mã «{row['indicator']}».")
            elif ind is not None and ind.source == Source.COMPUTED:
                problems.append(f"Chỉ tiêu «{ind.name}» tính từ dữ liệu của hệ thống: không nhập từ tệp.")
            if row["unit"] and unit is None:
                problems.append(f"Không có đơn vị mã «{row['unit']}».")
            elif unit is not None and not unit.valid_on(period.end):
                problems.append(f"Đơn vị «{unit.name}» không có hiệu lực ngày {period.end:%d/%m/%Y}.")
            try:
                number = decimal_value(row["value"], label="Thực hiện") if row["value"] is not None else None
            except DomainError as err:
                problems.append(err.message)
            if ind is not None and unit is not None and not problems:
                key = (ind.code, unit.code, row["breakdown"] or "")
                if key in seen:
                    problems.append("Dòng lặp lại chỉ tiêu và đơn vị của một dòng trước.")
                seen.add(key)
                try:
                    require_unlocked(indicator=ind, unit=unit, period=period)
                except DomainError as err:
                    problems.append(err.message)
            errors.append(problems)
            values.append(None if number is None else str(number))
        checked = rows.with_columns(pl.Series(ERRORS, errors, dtype=pl.List(pl.String)),
                                    pl.Series("_value", values, dtype=pl.String))
        return CheckOutcome(raw=raw, rows=checked, name_column="indicator")

    def lock(self, record) -> None:
        advisory_lock(f"planning.achievements.{record.period_id}")

    def commit(self, record, outcome: CheckOutcome, *, actor, progress) -> CommitResult:
        from decimal import Decimal

        from ansinh.planning.services.plan import achievement_write

        indicators = {i.code: i for i in Indicator.objects.all()}
        units = {u.code: u for u in OrgUnit.objects.all()}
        written = 0
        for row in outcome.valid.iter_rows(named=True):
            achievement_write(indicator=indicators[row["indicator"]], unit=units[row["unit"]], period=record.period,
                              value=Decimal(row["_value"]), source=Source.IMPORTED, actor=actor,
                              breakdown=row["breakdown"] or "", import_record=record)
            written += 1
        return CommitResult(written=written, message=f"Đã ghi {vn_number(written)} kết quả thực hiện.")


ACHIEVEMENT_KIND = register_kind(AchievementImportKind())
