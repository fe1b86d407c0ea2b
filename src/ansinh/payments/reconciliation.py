"""Reconciliation: approved people and amounts against payment results, by commune, district, group, province.

Approved figures come from the approved lists (rows kept, amount > 0), paid figures from the payment
lines: both are SQL aggregates, combined and rolled up with Polars. Percentages have two decimals,
numbers the Vietnamese format (172.081; 197,1 tỷ đồng; 99,13%).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ansinh.core.bulk import read_frame
from ansinh.core.formatting import vn_billions, vn_number, vn_percent
from ansinh.core.sql import Sql, compose, identifier, in_clause, join, table
from ansinh.core.xlsx import add_table_sheet, open_workbook
from ansinh.geo.models import AdminUnit, Level
from ansinh.payments.models import LineStatus, PaymentBatch, PaymentLine, UnpaidReason
from ansinh.programmes.models import BeneficiaryGroup, BeneficiaryList, Programme
from ansinh.programmes.selectors import approved_totals

REASONS = [r.value for r in UnpaidReason]
MEASURES = ["approved_people", "approved_amount", "paid_people", "paid_amount", "unpaid_people",
            *[f"unpaid_{r}" for r in REASONS], "returned_amount"]
LEVELS = {"commune": "Xã/phường", "district": "Huyện (cũ)", "group": "Nhóm", "province": "Toàn tỉnh"}


@dataclass
class Reconciliation:
    programme: Programme
    by_commune: pl.DataFrame
    by_district: pl.DataFrame
    by_group: pl.DataFrame
    total: dict

    def sentence(self) -> str:
        t = self.total
        return (f"Hoàn thành chi trả cho {vn_number(t['paid_people'])} đối tượng (chiếm "
                f"{vn_percent(t['paid_people'], t['approved_people'])} tổng số đối tượng được phê duyệt danh sách), "
                f"tổng kinh phí chi trả {vn_billions(t['paid_amount'])} (chiếm "
                f"{vn_percent(t['paid_amount'], t['approved_amount'])} tổng kinh phí được phê duyệt hỗ trợ).")


PAID_SQL = """
        SELECT l.commune_id, g.code AS group_code,
               SUM(CASE WHEN pl.status = %s THEN 1 ELSE 0 END) AS paid_people,
               SUM(pl.paid_amount) AS paid_amount,
               SUM(CASE WHEN pl.status = %s THEN 1 ELSE 0 END) AS unpaid_people,
               {by_reason}, SUM(pl.returned_amount) AS returned_amount
          FROM {lines} pl JOIN {batches} b ON b.id = pl.batch_id
          JOIN {lists} l ON l.id = b.beneficiary_list_id
          JOIN {groups} g ON g.id = l.group_id
         WHERE l.programme_id = %s AND {communes}
         GROUP BY l.commune_id, g.code"""
UNITS_SQL = """
        SELECT c.id AS commune_id, c.name AS commune, COALESCE(d.name, pd.name, '') AS district
          FROM {units} c LEFT JOIN {units} d ON d.id = c.legacy_district_id
          LEFT JOIN {units} pd ON pd.id = c.parent_id AND pd.level = %s
         WHERE c.level = %s"""


def _paid(programme: Programme, commune_ids: list[int] | None) -> pl.DataFrame:
    """Paid and unpaid people and amounts of the programme's payment lines by commune and group."""
    by_reason = join(", ", (compose("SUM(CASE WHEN pl.unpaid_reason = %s THEN 1 ELSE 0 END) AS {alias}", r,
                                    alias=identifier(f"unpaid_{r}")) for r in REASONS))
    communes = in_clause("l.commune_id", commune_ids) if commune_ids is not None else Sql("1 = 1")
    query = compose(PAID_SQL, LineStatus.PAID, LineStatus.UNPAID, programme.pk, by_reason=by_reason,
                    lines=table(PaymentLine), batches=table(PaymentBatch), lists=table(BeneficiaryList),
                    groups=table(BeneficiaryGroup), communes=communes)
    return read_frame(*query, schema={"commune_id": pl.Int64, "group_code": pl.String,
                                      **{m: pl.Int64 for m in MEASURES[2:]}})


def _base(programme: Programme, commune_ids: list[int] | None) -> pl.DataFrame:
    approved = approved_totals(programme=programme, commune_ids=commune_ids)
    paid = _paid(programme, commune_ids)
    units = read_frame(*compose(UNITS_SQL, Level.DISTRICT, Level.COMMUNE, units=table(AdminUnit)),
                       schema={"commune_id": pl.Int64, "commune": pl.String, "district": pl.String})
    frame = approved.join(paid, on=["commune_id", "group_code"], how="full", coalesce=True)
    frame = frame.with_columns(pl.col(m).fill_null(0).cast(pl.Int64) for m in MEASURES)
    return frame.join(units, on="commune_id", how="left")


def _roll(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return frame.group_by(keys).agg(pl.col(m).sum() for m in MEASURES).sort(keys)


def reconciliation_compute(*, programme: Programme, commune_ids: list[int] | None = None) -> Reconciliation:
    base = _base(programme, commune_ids)
    total = {m: int(base[m].sum() or 0) for m in MEASURES}
    return Reconciliation(programme=programme, by_commune=_roll(base, ["district", "commune"]),
                          by_district=_roll(base, ["district"]), by_group=_roll(base, ["group_code"]), total=total)


def display_rows(frame: pl.DataFrame, label_columns: list[str]) -> list[dict]:
    """Rows formatted the Vietnamese way for pages and exports."""
    out = []
    for row in frame.iter_rows(named=True):
        out.append({
            "label": " – ".join(str(row[c]) for c in label_columns if row.get(c)),
            "approved_people": vn_number(row["approved_people"]), "approved_amount": vn_number(row["approved_amount"]),
            "paid_people": vn_number(row["paid_people"]), "paid_amount": vn_number(row["paid_amount"]),
            "people_pct": vn_percent(row["paid_people"], row["approved_people"]),
            "amount_pct": vn_percent(row["paid_amount"], row["approved_amount"]),
            "unpaid": {r: vn_number(row[f"unpaid_{r}"]) for r in REASONS},
            "returned_amount": vn_number(row["returned_amount"]),
        })
    return out


def _fraction(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def reconciliation_export(*, reconciliation: Reconciliation, target) -> object:
    """The reconciliation as an .xlsx: numbers as numbers (``#,##0``), the two percentages as fractions with a
    ``0.00%`` format, a «Tổng cộng» row under each sheet of several units (sums; percentages of the sums)."""
    headers = ["Đơn vị", "Số người được duyệt", "Số tiền được duyệt", "Số người đã chi trả", "Số tiền đã chi trả",
               "Tỷ lệ người (%)", "Tỷ lệ kinh phí (%)", *[f"Chưa chi: {UnpaidReason(r).label}" for r in REASONS],
               "Kinh phí hoàn trả"]
    counts = [1, 3, *range(7, 7 + len(REASONS))]
    amounts = [2, 4, 7 + len(REASONS)]
    wb = open_workbook(target)
    try:
        sheets = [("Toàn tỉnh", pl.DataFrame([{"unit": "Toàn tỉnh", **reconciliation.total}]), ["unit"]),
                  ("Theo huyện", reconciliation.by_district, ["district"]),
                  ("Theo xã", reconciliation.by_commune, ["district", "commune"]),
                  ("Theo nhóm", reconciliation.by_group.with_columns(pl.format("Nhóm {}", "group_code").alias("g")),
                   ["g"])]
        for name, frame, labels in sheets:
            rows = [(" – ".join(str(r[c]) for c in labels if r.get(c)), r["approved_people"], r["approved_amount"],
                     r["paid_people"], r["paid_amount"], _fraction(r["paid_people"], r["approved_people"]),
                     _fraction(r["paid_amount"], r["approved_amount"]), *[r[f"unpaid_{x}"] for x in REASONS],
                     r["returned_amount"])
                    for r in frame.iter_rows(named=True)]
            several = name != "Toàn tỉnh"
            add_table_sheet(wb, sheet_name=name, headers=headers, rows=rows, number_columns=counts,
                            money_columns=amounts, percent_columns=[5, 6], widths={0: 36},
                            title_lines=[f"ĐỐI SOÁT CHI TRẢ – {reconciliation.programme.name.upper()}",
                                         reconciliation.sentence()],
                            total_label="Tổng cộng" if several else "", total_columns=counts + amounts,
                            total_ratios={5: (3, 1), 6: (4, 2)})
    finally:
        wb.close()
    return target
