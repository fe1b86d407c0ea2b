"""Reconciliation: approved people and amounts against payment results, by commune, district, group, province.

Approved figures come from the approved lists (rows kept, amount > 0), paid figures from the payment
lines: both are SQL aggregates, combined and rolled up with Polars. Percentages have two decimals,
numbers the Vietnamese format (172.081; 197,1 tỷ đồng; 99,13%).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ansinh.core.bulk import id_list_sql, read_frame
from ansinh.core.formatting import vn_billions, vn_number, vn_percent
from ansinh.core.xlsx import add_table_sheet, open_workbook
from ansinh.payments.models import UnpaidReason
from ansinh.programmes.models import FROZEN_STATUSES, Programme

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


def _base(programme: Programme, commune_ids: list[int] | None) -> pl.DataFrame:
    frozen = ", ".join(f"'{s}'" for s in FROZEN_STATUSES)
    scope = f" AND l.commune_id IN {id_list_sql(commune_ids)}" if commune_ids is not None else ""
    approved = read_frame(f"""
        SELECT l.commune_id, g.code AS group_code, COUNT(*) AS approved_people, SUM(r.amount) AS approved_amount
          FROM programmes_listrow r JOIN programmes_beneficiarylist l ON l.id = r.beneficiary_list_id
          JOIN programmes_beneficiarygroup g ON g.id = l.group_id
         WHERE l.programme_id = {int(programme.pk)} AND l.status IN ({frozen}) AND NOT r.excluded AND r.amount > 0{scope}
         GROUP BY l.commune_id, g.code""",
        schema={"commune_id": pl.Int64, "group_code": pl.String, "approved_people": pl.Int64,
                "approved_amount": pl.Int64})
    reason_sql = ", ".join(f"SUM(CASE WHEN pl.unpaid_reason = '{r}' THEN 1 ELSE 0 END) AS unpaid_{r}" for r in REASONS)
    paid = read_frame(f"""
        SELECT l.commune_id, g.code AS group_code,
               SUM(CASE WHEN pl.status = 'paid' THEN 1 ELSE 0 END) AS paid_people,
               SUM(pl.paid_amount) AS paid_amount,
               SUM(CASE WHEN pl.status = 'unpaid' THEN 1 ELSE 0 END) AS unpaid_people,
               {reason_sql}, SUM(pl.returned_amount) AS returned_amount
          FROM payments_paymentline pl JOIN payments_paymentbatch b ON b.id = pl.batch_id
          JOIN programmes_beneficiarylist l ON l.id = b.beneficiary_list_id
          JOIN programmes_beneficiarygroup g ON g.id = l.group_id
         WHERE l.programme_id = {int(programme.pk)}{scope}
         GROUP BY l.commune_id, g.code""",
        schema={"commune_id": pl.Int64, "group_code": pl.String, **{m: pl.Int64 for m in MEASURES[2:]}})
    units = read_frame("""
        SELECT c.id AS commune_id, c.name AS commune, COALESCE(d.name, pd.name, '') AS district
          FROM geo_adminunit c LEFT JOIN geo_adminunit d ON d.id = c.legacy_district_id
          LEFT JOIN geo_adminunit pd ON pd.id = c.parent_id AND pd.level = 'district'
         WHERE c.level = 'commune'""", schema={"commune_id": pl.Int64, "commune": pl.String, "district": pl.String})
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


def reconciliation_export(*, reconciliation: Reconciliation, target) -> object:
    headers = ["Đơn vị", "Số người được duyệt", "Số tiền được duyệt", "Số người đã chi trả", "Số tiền đã chi trả",
               "Tỷ lệ người (%)", "Tỷ lệ kinh phí (%)", *[f"Chưa chi: {UnpaidReason(r).label}" for r in REASONS],
               "Kinh phí hoàn trả"]
    wb = open_workbook(target)
    try:
        sheets = [("Toàn tỉnh", pl.DataFrame([{"unit": "Toàn tỉnh", **reconciliation.total}]), ["unit"]),
                  ("Theo huyện", reconciliation.by_district, ["district"]),
                  ("Theo xã", reconciliation.by_commune, ["district", "commune"]),
                  ("Theo nhóm", reconciliation.by_group.with_columns(pl.format("Nhóm {}", "group_code").alias("g")),
                   ["g"])]
        for name, frame, labels in sheets:
            rows = [(r["label"], r["approved_people"], r["approved_amount"], r["paid_people"], r["paid_amount"],
                     r["people_pct"], r["amount_pct"], *r["unpaid"].values(), r["returned_amount"])
                    for r in display_rows(frame, labels)]
            add_table_sheet(wb, sheet_name=name, headers=headers, rows=rows,
                            title_lines=[f"ĐỐI SOÁT CHI TRẢ – {reconciliation.programme.name.upper()}",
                                         reconciliation.sentence()])
    finally:
        wb.close()
    return target
