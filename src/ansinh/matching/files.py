"""Matching a file: ``match_file(in_path, out_path, *, registry=None) -> MatchSummary``.

Reads a list in the registry import format (.xlsx or .csv, through the shared
import engine ``ansinh.core.tabular``), finds the rows that are the same person
and, with ``registry``, the registry person each row is, and writes every input
row with its original columns (STT included) plus:

- "Mã cụm": rows that are the same person share it (clusters at the review threshold);
- "Xác suất trùng": the highest match probability of the row with another row
  (or a registry record); empty when none reaches the review threshold;
- "Trường khớp": the fields that agreed in that best pair ("Họ tên, Ngày sinh, Xã");
- "Mã người trong CSDL": the registry person of the best link (with ``registry``).

The output kind follows the extension of ``out_path`` (.xlsx or .csv); above
Excel's 1,048,575 data rows only .csv is possible.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ansinh.core.formatting import vn_number
from ansinh.core.tabular import (
    IDENTITY_KEYWORDS,
    ROW,
    Field,
    Schema,
    csv_safe_expr,
    parse_columns,
    read_table,
)
from ansinh.matching import model as mm
from ansinh.matching.evidence import AGREED, with_agreed_fields
from ansinh.matching.normalize import fold_expr, prepare_records

CLUSTER = "Mã cụm"
PROBABILITY = "Xác suất trùng"
REGISTRY_ID = "Mã người trong CSDL"
EXCEL_MAX_ROWS = 1_048_575
DEFAULT_MODEL = Path(__file__).with_name("default_model.json")

MATCH_SCHEMA = Schema(fields=(
    Field("stt", "STT", ("Số TT", "TT", "Số thứ tự")),
    Field("full_name", "Họ và tên", ("Họ tên", "Họ và tên người", "Họ, tên", "Tên"), required=True),
    Field("sex", "Giới tính", ("Giới", "Nam/nữ", "Nam/Nữ"), kind="choice",
          choices=(("M", ("Nam", "M", "Male")), ("F", ("Nữ", "F", "Female")))),
    Field("birth", "Ngày sinh", ("Năm sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày/tháng/năm sinh"),
          kind="date"),
    Field("identity", "Số định danh cá nhân",
          ("Số CCCD", "CMND/CCCD", "CCCD/CMND", "Số CMND/CCCD", "Số CMND", "Số ĐDCN", "CCCD", "Số căn cước",
           "Số định danh", "Số thẻ căn cước"), kind="identity", keywords=IDENTITY_KEYWORDS),
    Field("commune", "Xã/phường", ("Xã", "Phường", "Xã/phường/thị trấn", "Xã, phường", "Tên xã")),
))


@dataclass(frozen=True)
class MatchSummary:
    rows: int
    clusters_with_duplicates: int
    rows_in_duplicate_clusters: int
    auto_merge_pairs: int
    review_pairs: int
    rows_linked_to_registry: int
    seconds: float
    model_source: str = ""  # which model scored the file (``model.SOURCE_LABELS``)


def load_model(path: Path | str | None = None) -> mm.MatchModel:
    """The shipped model (trained on a synthetic Hà Tĩnh at 1.3M), or one saved by
    ``save_model`` after training on the real registry."""
    return mm.MatchModel.from_dict(json.loads(Path(path or DEFAULT_MODEL).read_text(encoding="utf-8")))


def save_model(model: mm.MatchModel, path: Path | str) -> Path:
    path = Path(path)
    path.write_text(json.dumps(model.as_dict(), ensure_ascii=False), encoding="utf-8")
    return path


def commune_key(expr: pl.Expr) -> pl.Expr:
    """A commune written by name ("Xã Cẩm Bình", "P. Thành Sen") as a comparable key."""
    return fold_expr(expr).str.replace(r"^(xa|phuong|thi tran|p|x|tt) ", "")


def file_records(path: Path | str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows as written, all text, with ``_row``; the rows prepared for matching)."""
    raw = read_table(path, MATCH_SCHEMA)
    typed = parse_columns(raw, MATCH_SCHEMA)
    cols = typed.columns
    frame = typed.select(
        unique_id=pl.col(ROW),
        full_name=pl.col("full_name"),
        sex=pl.col("sex") if "sex" in cols else pl.lit(None, pl.String),
        birth_date=pl.col("birth") if "birth" in cols else pl.lit(None, pl.Date),
        birth_precision=pl.col("birth_precision") if "birth_precision" in cols else pl.lit(None, pl.String),
        id_number=pl.col("identity") if "identity" in cols else pl.lit(None, pl.String),
        commune_code=commune_key(pl.col("commune")) if "commune" in cols else pl.lit(None, pl.String),
    )
    return raw.frame, prepare_records(frame)


def registry_records(registry: pl.DataFrame, commune_map: dict[str, str] | None = None) -> pl.DataFrame:
    """The registry persons frame prepared for matching; communes by name when the
    frame has ``commune_name`` (files name communes, they do not carry codes)."""
    frame = registry.with_columns(unique_id=pl.col("person_id"))
    if "commune_name" in frame.columns:
        frame = frame.with_columns(commune_code=commune_key(pl.col("commune_name")))
    return prepare_records(frame, commune_map=commune_map)


def _best_pairs(pairs: pl.DataFrame, threshold: float, *, both_sides: bool) -> pl.DataFrame:
    """Per input row: the highest-probability pair at or above ``threshold``."""
    if pairs.is_empty():
        return pl.DataFrame(schema={"unique_id": pl.Int64, "other": pl.Int64, PROBABILITY: pl.Float64,
                                    AGREED: pl.String})
    scored = with_agreed_fields(pairs.filter(pl.col("match_probability") >= threshold))
    sides = [scored.select(unique_id="unique_id_l", other="unique_id_r", p="match_probability", a=AGREED)]
    if both_sides:
        sides.append(scored.select(unique_id="unique_id_r", other="unique_id_l", p="match_probability", a=AGREED))
    stacked = pl.concat(sides).sort("p", descending=True)
    return stacked.group_by("unique_id", maintain_order=True).first().rename({"p": PROBABILITY, "a": AGREED})


def match_records(
    records: pl.DataFrame,
    *,
    registry: pl.DataFrame | None = None,
    model: mm.MatchModel | None = None,
    db_api=None,
) -> tuple[pl.DataFrame, dict]:
    """The result columns per record (``unique_id`` + the four output columns) for
    prepared records, and counts for the summary. A file large enough re-estimates ``model`` on itself
    (``model.learn``: u by random sampling, m by EM from ``model``, its own name frequencies)."""
    model = mm.learn(records, model or load_model(), db_api=db_api)
    th = model.thresholds
    within = mm.predict(records, model, db_api=db_api)
    best = _best_pairs(within.pairs, th.review, both_sides=True)
    clusters = within.clusters.with_columns(pl.col("unique_id").cast(records.schema["unique_id"]))
    out = records.select("unique_id").join(clusters.select("unique_id", "cluster_id"), on="unique_id", how="left")
    # cluster codes numbered in row order: C000001, ...
    first_row = out.group_by("cluster_id").agg(pl.col("unique_id").min().alias("first"))
    codes = first_row.sort("first").with_columns(
        (pl.lit("C") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6)).alias(CLUSTER)
    )
    out = out.join(codes.select("cluster_id", CLUSTER), on="cluster_id", how="left").drop("cluster_id")
    out = out.join(best.select("unique_id", PROBABILITY, AGREED), on="unique_id", how="left")
    counts = {
        "auto_merge_pairs": within.pairs.filter(pl.col(mm.AUTO_MERGE)).height,
        "review_pairs": within.pairs.filter(pl.col("match_probability") >= th.review).height,
        "rows_linked_to_registry": 0,
        "model_source": mm.SOURCE_LABELS[model.source],
    }
    if registry is not None:
        linked = mm.predict(records, model, other=registry, db_api=db_api, cluster=False)
        pairs = linked.pairs
        if not pairs.is_empty() and pairs["source_dataset_l"][0] != "ban_ghi":
            pairs = pairs.rename({"unique_id_l": "unique_id_r", "unique_id_r": "unique_id_l"}, strict=False)
        link = _best_pairs(pairs, th.review, both_sides=False).rename(
            {"other": REGISTRY_ID, PROBABILITY: "__p", AGREED: "__a"})
        out = out.join(link, on="unique_id", how="left").with_columns(
            pl.when(pl.col("__p") > pl.col(PROBABILITY).fill_null(0)).then(pl.col("__p"))
            .otherwise(pl.col(PROBABILITY)).alias(PROBABILITY),
            pl.when(pl.col("__p") > pl.col(PROBABILITY).fill_null(0)).then(pl.col("__a"))
            .otherwise(pl.col(AGREED)).alias(AGREED),
        ).drop("__p", "__a")
        counts["rows_linked_to_registry"] = int(out[REGISTRY_ID].is_not_null().sum())
    return out, counts


def match_file(
    in_path: Path | str,
    out_path: Path | str,
    *,
    registry: pl.DataFrame | None = None,
    model: mm.MatchModel | None = None,
    commune_map: dict[str, str] | None = None,
    db_api=None,
) -> MatchSummary:
    """Match the rows of a file with each other (and with ``registry``) and write the result."""
    started = time.perf_counter()
    out_path = Path(out_path)
    if out_path.suffix.lower() not in (".xlsx", ".csv"):
        raise mm.MatchingError("Tệp kết quả phải có đuôi .xlsx hoặc .csv.")
    original, records = file_records(in_path)
    if out_path.suffix.lower() == ".xlsx" and original.height > EXCEL_MAX_ROWS:
        raise mm.MatchingError(
            f"Tệp có {vn_number(original.height)} dòng, vượt giới hạn {vn_number(EXCEL_MAX_ROWS)} dòng của Excel: hãy ghi ra .csv."
        )
    reg = registry_records(registry, commune_map) if registry is not None else None
    result, counts = match_records(records, registry=reg, model=model, db_api=db_api)
    result = result.with_columns(pl.col(PROBABILITY).round(4))
    if registry is None:
        result = result.drop(REGISTRY_ID, strict=False)
    table = original.join(result.rename({"unique_id": ROW}), on=ROW, how="left").sort(ROW).drop(ROW)
    _write(table, out_path)
    sizes = table.group_by(CLUSTER).len().filter(pl.col("len") > 1)
    return MatchSummary(
        rows=table.height,
        clusters_with_duplicates=sizes.height,
        rows_in_duplicate_clusters=int(sizes["len"].sum() or 0),
        auto_merge_pairs=counts["auto_merge_pairs"],
        review_pairs=counts["review_pairs"],
        rows_linked_to_registry=counts["rows_linked_to_registry"],
        seconds=time.perf_counter() - started,
        model_source=counts["model_source"],
    )


def _write(table: pl.DataFrame, out_path: Path) -> None:
    if out_path.suffix.lower() == ".csv":  # a cell such as «=HYPERLINK(…)» must not become a formula
        table.with_columns(csv_safe_expr(pl.col(c)).alias(c) for c, t in table.schema.items() if t == pl.String).write_csv(
            out_path, include_bom=True)
        return
    from ansinh.core.xlsx import add_table_sheet, open_workbook

    workbook = open_workbook(out_path)
    text_columns = [i for i, c in enumerate(table.columns) if c not in (PROBABILITY,)]
    add_table_sheet(workbook, headers=table.columns, rows=table.iter_rows(), sheet_name="Kết quả ghép",
                    text_columns=text_columns)
    workbook.close()
