"""Reconciliation of the monthly payrolls with the payment agent's results, to the đồng: by commune, former
district (for the months the three-level structure existed: until 30/6/2025), register and province, over one
month or a range (the half-year report).

Every figure is an SQL aggregate of the lines and their results: listed = paid + not paid + waiting for a result,
for each unit. Persons are counted distinctly at each level (a person paid in several months or communes counts
once in a district, once in the province for each register).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ansinh.core.bulk import read_frame
from ansinh.core.formatting import vn_billions, vn_number
from ansinh.core.sql import Sql, compose, in_clause, join, table
from ansinh.core.xlsx import add_table_sheet, open_workbook
from ansinh.geo.models import REFORM_DATE, AdminUnit
from ansinh.payroll.models import REGISTER_CHOICES, LineResult, PayrollLine, PayrollSheet, UnpaidReason

REASONS = [r.value for r in UnpaidReason]
MEASURES = ["persons_listed", "amount_listed", "persons_paid", "amount_paid", "persons_unpaid", "amount_unpaid",
            *[f"unpaid_{r}" for r in REASONS], "amount_pending", "recovery_amount", "fee_amount"]
REGISTER_LABELS = {code: str(label) for code, label in REGISTER_CHOICES}
LEVELS = {"commune": "Xã/phường", "district": "Huyện (cũ)", "register": "Chế độ", "province": "Toàn tỉnh"}


@dataclass
class Reconciliation:
    first: dt.date
    last: dt.date
    registers: list[str]
    by_commune: pl.DataFrame
    by_district: pl.DataFrame
    by_register: pl.DataFrame
    province: dict

    @property
    def has_districts(self) -> bool:
        return self.first < REFORM_DATE

    def period_label(self) -> str:
        if self.first == self.last:
            return f"tháng {self.first:%m/%Y}"
        return f"từ tháng {self.first:%m/%Y} đến tháng {self.last:%m/%Y}"

    def register_figures(self, register: str) -> dict:
        row = self.by_register.filter(pl.col("register") == register)
        return row.to_dicts()[0] if row.height else {m: 0 for m in MEASURES}

    def sentence(self, register: str) -> str:
        figures = self.register_figures(register)
        return (f"{REGISTER_LABELS[register]} {self.period_label()}: chi trả cho {vn_number(figures['persons_paid'])} "
                f"người, số tiền {vn_billions(figures['amount_paid'], 3)} ({vn_number(figures['amount_paid'])} đồng); "
                f"chưa nhận {vn_number(figures['persons_unpaid'])} người ({vn_number(figures['amount_unpaid'])} đồng, "
                "chuyển sang tháng sau).")


def _measures_sql() -> Sql:
    reasons = join(", ", (compose("SUM(CASE WHEN r.reason = %s THEN l.amount ELSE 0 END) AS {name}", reason,
                                  name=Sql(f"unpaid_{reason}")) for reason in REASONS))
    return compose(
        """COUNT(DISTINCT CASE WHEN l.amount > 0 THEN l.person_id END) AS persons_listed,
           SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END) AS amount_listed,
           COUNT(DISTINCT CASE WHEN r.status = %s THEN l.person_id END) AS persons_paid,
           SUM(CASE WHEN r.status = %s THEN l.amount ELSE 0 END) AS amount_paid,
           COUNT(DISTINCT CASE WHEN r.status = %s THEN l.person_id END) AS persons_unpaid,
           SUM(CASE WHEN r.status = %s THEN l.amount ELSE 0 END) AS amount_unpaid,
           {reasons},
           SUM(CASE WHEN l.amount > 0 AND r.id IS NULL THEN l.amount ELSE 0 END) AS amount_pending,
           SUM(CASE WHEN l.amount < 0 THEN -l.amount ELSE 0 END) AS recovery_amount""",
        "paid", "paid", "unpaid", "unpaid", reasons=reasons)


def _where(first: dt.date, last: dt.date, registers: list[str], commune_ids: list[int] | None,
           alias: str = "l") -> Sql:
    parts = [compose(f"{alias}.month >= %s AND {alias}.month <= %s", first, last),
             in_clause(f"{alias}.register", registers)]
    if commune_ids is not None:
        parts.append(in_clause(f"{alias}.commune_id", commune_ids))
    return join(" AND ", parts)


def _level(keys: str, group: str, first, last, registers, commune_ids) -> pl.DataFrame:
    query = compose(
        """SELECT {keys}, {measures}
             FROM {lines} l LEFT JOIN {results} r ON r.line_id = l.id
             JOIN {units} c ON c.id = l.commune_id
             LEFT JOIN {units} d ON d.id = c.legacy_district_id
             LEFT JOIN {units} pd ON pd.id = c.parent_id AND pd.level = %s
            WHERE {where}
            GROUP BY {group}""", "district",
        keys=Sql(keys), group=Sql(group), measures=_measures_sql(), lines=table(PayrollLine),
        results=table(LineResult), units=table(AdminUnit), where=_where(first, last, registers, commune_ids))
    schema = {m: pl.Int64 for m in MEASURES if m != "fee_amount"}
    frame = read_frame(*query)
    if frame.is_empty():
        columns = [c.strip().split(" AS ")[-1] for c in keys.split(",")]
        return pl.DataFrame(schema={**{c: pl.String for c in columns}, **{m: pl.Int64 for m in MEASURES}})
    return frame.with_columns(pl.col(m).fill_null(0).cast(pl.Int64) for m in schema)


def _fees(group: str, keys: str, first, last, registers, commune_ids) -> pl.DataFrame:
    query = compose(
        """SELECT {keys}, SUM(COALESCE(s.fee_amount, 0)) AS fee_amount
             FROM {sheets} s JOIN {units} c ON c.id = s.commune_id
             LEFT JOIN {units} d ON d.id = c.legacy_district_id
             LEFT JOIN {units} pd ON pd.id = c.parent_id AND pd.level = %s
            WHERE {where}
            GROUP BY {group}""", "district", keys=Sql(keys), group=Sql(group), sheets=table(PayrollSheet),
        units=table(AdminUnit), where=_where(first, last, registers, commune_ids, alias="s"))
    return read_frame(*query)


DISTRICT = "COALESCE(d.name, pd.name, '')"


def reconciliation_compute(*, first: dt.date, last: dt.date | None = None, registers: list[str] | None = None,
                           commune_ids: list[int] | None = None) -> Reconciliation:
    """``commune_ids``: the user's area (None: the whole province)."""
    last = last or first
    registers = list(registers or [code for code, _ in REGISTER_CHOICES])
    levels = {
        "commune": (f"l.register AS register, l.commune_id AS commune_id, c.name AS commune, {DISTRICT} AS district",
                    f"l.register, l.commune_id, c.name, {DISTRICT}",
                    "s.register AS register, s.commune_id AS commune_id", "s.register, s.commune_id",
                    ["register", "commune_id"]),
        "district": (f"l.register AS register, {DISTRICT} AS district", f"l.register, {DISTRICT}",
                     f"s.register AS register, {DISTRICT} AS district", f"s.register, {DISTRICT}",
                     ["register", "district"]),
        "register": ("l.register AS register", "l.register", "s.register AS register", "s.register", ["register"]),
    }
    out = {}
    for name, (keys, group, fee_keys, fee_group, on) in levels.items():
        frame = _level(keys, group, first, last, registers, commune_ids)
        fees = _fees(fee_group, fee_keys, first, last, registers, commune_ids)
        if frame.height and fees.height:
            frame = frame.join(fees.cast({c: frame.schema[c] for c in on}), on=on, how="left")
        frame = frame.with_columns(pl.col("fee_amount").fill_null(0).cast(pl.Int64) if "fee_amount" in frame.columns
                                   else pl.lit(0).cast(pl.Int64).alias("fee_amount"))
        out[name] = frame.sort(on)
    province = {m: int(out["register"][m].sum() or 0) for m in MEASURES}
    return Reconciliation(first=first, last=last, registers=registers, by_commune=out["commune"],
                          by_district=out["district"], by_register=out["register"], province=province)


def display_rows(frame: pl.DataFrame, label_columns: list[str]) -> list[dict]:
    rows = []
    for row in frame.iter_rows(named=True):
        label = " – ".join(REGISTER_LABELS.get(str(row[c]), str(row[c])) if c == "register" else str(row[c] or "")
                           for c in label_columns if row.get(c) is not None)
        rows.append({"label": label, **{m: row.get(m, 0) or 0 for m in MEASURES}})
    return rows


HEADERS = ["Đơn vị", "Số người trong danh sách", "Số tiền trong danh sách", "Số người đã nhận", "Số tiền đã chi trả",
           "Số người chưa nhận", "Số tiền chưa chi (chuyển tháng sau)",
           *[f"Chưa chi: {UnpaidReason(r).label}" for r in REASONS], "Chờ kết quả", "Truy thu (không chi)",
           "Phí chi trả"]


def reconciliation_export(*, reconciliation: Reconciliation, target) -> object:
    """The reconciliation as an .xlsx (numbers as numbers): province, registers, districts, communes."""
    wb = open_workbook(target)
    title = [f"ĐỐI SOÁT CHI TRẢ TRỢ CẤP HẰNG THÁNG {reconciliation.period_label().upper()}",
             "Số tiền trong danh sách = đã chi trả + chưa chi + chờ kết quả (đồng)"]
    sheets = [("Toàn tỉnh", [{"label": "Toàn tỉnh", **reconciliation.province}]),
              ("Theo chế độ", display_rows(reconciliation.by_register, ["register"]))]
    if reconciliation.has_districts:
        sheets.append(("Theo huyện", display_rows(reconciliation.by_district, ["district", "register"])))
    sheets.append(("Theo xã", display_rows(reconciliation.by_commune, ["district", "commune", "register"])))
    try:
        for name, rows in sheets:
            add_table_sheet(wb, sheet_name=name, headers=HEADERS, title_lines=title,
                            rows=[(r["label"], *[r[m] for m in MEASURES]) for r in rows],
                            money_columns=list(range(1, len(HEADERS))), widths={0: 40},
                            total_label="Tổng cộng" if name != "Toàn tỉnh" and len(rows) > 1 else "",
                            total_columns=list(range(1, len(HEADERS))))
    finally:
        wb.close()
    return target


def paid_figures(*, register: str, first: dt.date, last: dt.date) -> dict:
    """Distinct persons paid and the amount paid over the months (the notice's half-year figures)."""
    return reconciliation_compute(first=first, last=last, registers=[register]).register_figures(register)


def persons_paid_by_month(*, register: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int, int]]:
    """(month, persons paid, amount paid) for each payroll month."""
    query = compose(
        """SELECT l.month, COUNT(DISTINCT l.person_id) AS persons, SUM(l.amount) AS amount
             FROM {lines} l JOIN {results} r ON r.line_id = l.id
            WHERE l.register = %s AND l.month >= %s AND l.month <= %s AND r.status = %s
            GROUP BY l.month ORDER BY l.month""", register, first, last, "paid",
        lines=table(PayrollLine), results=table(LineResult))
    frame = read_frame(*query, schema={"month": pl.Date, "persons": pl.Int64, "amount": pl.Int64})
    return [tuple(r) for r in frame.iter_rows()]


__all__ = ["Reconciliation", "reconciliation_compute", "reconciliation_export", "display_rows", "paid_figures",
           "persons_paid_by_month"]
