"""Why two records were matched: per pair, which fields agreed and their weights.

Splink 5 returns, per comparison, the match weight ``mw_<comparison>`` (log2 of
the Bayes factor m/u of the level the pair fell in) and ``mw_tf_adj_<comparison>``
(the term-frequency adjustment). A field *agrees* when its total weight is
positive: the evidence pushes towards "same person". Comparisons are grouped
under the Vietnamese labels officers know.
"""

from __future__ import annotations

import polars as pl

# comparison output names (model.py) -> the field shown to the user
FIELD_LABELS: dict[str, str] = {
    "family_f": "Họ tên",
    "middle_f": "Họ tên",
    "given_f": "Họ tên",
    "full_name_tone": "Họ tên",
    "name_order": "Họ tên",
    "birth": "Ngày sinh",
    "identity": "Số định danh",
    "other_id": "Số định danh",
    "sex": "Giới tính",
    "commune_now": "Xã",
    # the generic baseline
    "full_name": "Họ tên",
    "birth_date": "Ngày sinh",
    "id_number": "Số định danh",
    "commune_code": "Xã",
}
LABEL_ORDER = ("Họ tên", "Ngày sinh", "Số định danh", "Giới tính", "Xã")
AGREED = "Trường khớp"


def field_weights(pairs: pl.DataFrame) -> pl.DataFrame:
    """One weight column per Vietnamese field label (sum of its comparisons' weights,
    term-frequency adjustments included); null weights count as 0."""
    per_label: dict[str, list[pl.Expr]] = {}
    for comparison, label in FIELD_LABELS.items():
        for col in (f"mw_{comparison}", f"mw_tf_adj_{comparison}"):
            if col in pairs.columns:
                per_label.setdefault(label, []).append(pl.col(col).fill_null(0.0))
    return pairs.with_columns(
        pl.sum_horizontal(exprs).alias(label) for label, exprs in per_label.items()
    )


def with_agreed_fields(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add ``Trường khớp``: the fields with positive weight, e.g. "Họ tên, Ngày sinh, Xã"."""
    weighted = field_weights(pairs)
    labels = [label for label in LABEL_ORDER if label in weighted.columns]
    agreed = pl.concat_str(
        [pl.when(pl.col(label) > 0).then(pl.lit(label)) for label in labels], separator=", ", ignore_nulls=True
    )
    return weighted.with_columns(agreed.alias(AGREED))


def explain_pair(row: dict) -> list[tuple[str, float]]:
    """(label, weight) for one scored pair, strongest evidence first."""
    frame = field_weights(pl.DataFrame([row]))
    items = [(label, float(frame[label][0])) for label in LABEL_ORDER if label in frame.columns]
    return sorted(items, key=lambda item: -abs(item[1]))
