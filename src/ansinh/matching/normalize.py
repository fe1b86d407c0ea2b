"""Prepare person records for matching: one Polars pass, no Python loop per row.

Input columns (any subset; missing ones become null):

- ``unique_id`` or ``person_id``: the record key (required, one of the two);
- ``full_name`` and/or ``family_name``, ``middle_name``, ``given_name``;
- ``sex``: "M"/"F" (also "Nam"/"Nữ", "1"/"0" are understood);
- ``birth_date`` (``pl.Date`` or text "dd/mm/yyyy", "mm/yyyy", "yyyy",
  "yyyy-mm-dd") with optional ``birth_precision`` ("day"/"month"/"year");
  or ``birth_year``;
- ``pid`` (12 digits), ``cmnd`` (9 digits) or ``id_number`` (either; the
  digit count decides). A number whose leading zero a spreadsheet dropped
  (11 digits for a pid — every province code starts with 0 — or 8 for a CMND)
  gets it back;
- ``commune_code``: the commune the record was written in, old or new;
- ``other_id``: any other identifier both lists carry (a social-insurance number, a household code),
  compared only with itself: letters and digits, upper case, other characters dropped.

Output: the columns the model compares (see ``MATCH_COLUMNS``). Names are NFC,
single-spaced; ``*_f`` columns are folded the same way as
:func:`ansinh.core.text.fold` (lower case, tones and marks removed, Đ/đ→d
explicitly), ``full_name_tone`` is the lower-cased name with its tones, null
when the record was typed without any (then tones cannot be compared).
``commune_now`` is the current commune through the old→new mapping.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ansinh.core.text import clean_name_expr
from ansinh.core.text import fold_expr as core_fold_expr

MATCH_COLUMNS = [
    "unique_id",
    "full_name",
    "full_name_tone",
    "full_name_f",
    "family_f",
    "middle_f",
    "given_f",
    "name_set_f",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "birth_date_key",
    "dm_key",
    "date_block",
    "pid",
    "cmnd",
    "pid_sex",
    "pid_year",
    "commune_code",
    "commune_now",
    "other_id",
]

_SEX_MAP = {
    "m": "M", "nam": "M", "male": "M", "1": "M",
    "f": "F", "nu": "F", "nữ": "F", "female": "F", "0": "F", "2": "F",
}


# -- text -------------------------------------------------------------------

def nfc_clean(expr: pl.Expr) -> pl.Expr:
    """NFC, whitespace runs folded to one space, stripped (``clean_name`` in Polars)."""
    return clean_name_expr(expr.cast(pl.String))


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`ansinh.core.text.fold` in Polars (the project's ``fold_expr``, on any dtype)."""
    return core_fold_expr(expr.cast(pl.String))


def on_distinct(df: pl.DataFrame, column: str, expr_of, alias: str) -> pl.DataFrame:
    """Compute ``expr_of(pl.col(column))`` once per distinct value and join it back:
    a province has ~100k distinct full names and ~200 given names for 1.3M people."""
    distinct = df.select(pl.col(column).unique()).with_columns(expr_of(pl.col(column)).alias(alias))
    return df.join(distinct, on=column, how="left", nulls_equal=True, maintain_order="left")


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_chars() > 0).then(expr).otherwise(None)


def _names(df: pl.DataFrame) -> pl.DataFrame:
    """Folded full name once; parts folded from their own columns when the record has
    all three, else split from the folded full name (family = first word, given = last)."""
    cols = set(df.columns)
    parts = ("family_name", "middle_name", "given_name")
    if "full_name" in cols:
        df = on_distinct(df.with_columns(__raw=pl.col("full_name").cast(pl.String)), "__raw",
                         lambda c: nfc_clean(c).fill_null(""), "__full").drop("__raw")
    elif any(c in cols for c in parts):
        composed = pl.concat_str([nfc_clean(pl.col(c)).fill_null("") for c in parts if c in cols], separator=" ")
        df = df.with_columns(__full=composed.str.replace_all(r"\s+", " ").str.strip_chars())
    else:
        df = df.with_columns(__full=pl.lit("", pl.String))
    df = on_distinct(df, "__full", fold_expr, "__fold")
    if all(c in cols for c in parts):
        for c in parts:
            df = on_distinct(df, c, fold_expr, f"__{c}")
        family, middle, given = (pl.col(f"__{c}") for c in parts)
    else:
        folded = pl.col("__fold")
        family = folded.str.extract(r"^(\S+) ")
        middle = folded.str.extract(r"^\S+ (.+) \S+$")
        given = folded.str.extract(r"(\S+)$")
    lower = pl.col("__full").str.to_lowercase()
    return df.with_columns(
        full_name=_null_if_empty(pl.col("__full")),
        full_name_f=_null_if_empty(pl.col("__fold")),
        # tones are comparable only when the record was typed with them
        full_name_tone=pl.when(lower != pl.col("__fold")).then(lower),
        family_f=_null_if_empty(family.fill_null("")),
        middle_f=_null_if_empty(middle.fill_null("")),
        given_f=_null_if_empty(given.fill_null("")),
    ).with_columns(
        # the words of middle and given name in order: «Thị Kim Hoa» and «Hoa Thị Kim» (swapped) share it
        name_set_f=pl.when(pl.col("given_f").is_not_null() & pl.col("middle_f").is_not_null()).then(
            pl.concat_str([pl.col("middle_f"), pl.col("given_f")], separator=" ").str.split(" ").list.sort()
            .list.join(" ")),
    ).drop("__full", "__fold", *(f"__{c}" for c in parts), strict=False)


# -- sex, birth date ----------------------------------------------------------

def _sex(df: pl.DataFrame) -> pl.Expr:
    if "sex" not in df.columns:
        return pl.lit(None, dtype=pl.String).alias("sex")
    key = fold_expr(pl.col("sex"))
    folded_map = {k.replace("ữ", "u"): v for k, v in _SEX_MAP.items()}
    return key.replace_strict(folded_map, default=None, return_dtype=pl.String).alias("sex")


def _birth_from_text(col: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    text = col.cast(pl.String).str.strip_chars()
    iso = text.str.extract_groups(r"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})")
    dmy = text.str.extract_groups(r"^(?:(?<d>\d{1,2})[/.\-])?(?<m>\d{1,2})[/.\-](?<y>\d{4})$")
    year_only = text.str.extract(r"^(\d{4})$")
    year = pl.coalesce(iso.struct.field("y"), dmy.struct.field("y"), year_only).cast(pl.Int32, strict=False)
    month = pl.coalesce(iso.struct.field("m"), dmy.struct.field("m")).cast(pl.Int32, strict=False)
    day = pl.coalesce(iso.struct.field("d"), dmy.struct.field("d")).cast(pl.Int32, strict=False)
    return year, month, day


def _birth(df: pl.DataFrame) -> pl.DataFrame:
    cols = set(df.columns)
    if "birth_date" in cols and df.schema["birth_date"] in (pl.Date, pl.Datetime):
        d = pl.col("birth_date").cast(pl.Date)
        year, month, day = d.dt.year().cast(pl.Int32), d.dt.month().cast(pl.Int32), d.dt.day().cast(pl.Int32)
    elif "birth_date" in cols:
        year, month, day = _birth_from_text(pl.col("birth_date"))
    else:
        year, month, day = pl.lit(None, pl.Int32), pl.lit(None, pl.Int32), pl.lit(None, pl.Int32)
    if "birth_year" in cols:
        year = pl.coalesce(year, pl.col("birth_year").cast(pl.Int32, strict=False))
    precision = pl.col("birth_precision").cast(pl.String) if "birth_precision" in cols else pl.lit(None, pl.String)
    df = df.with_columns(__y=year, __m=month, __d=day, __p=precision)
    valid = pl.col("__y").is_between(1880, 2100)
    month_ok = valid & pl.col("__m").is_between(1, 12) & (pl.col("__p").is_null() | (pl.col("__p") != "year"))
    day_ok = month_ok & pl.col("__d").is_between(1, 31) & (pl.col("__p").is_null() | (pl.col("__p") == "day"))
    df = df.with_columns(
        birth_year=pl.when(valid).then(pl.col("__y")),
        birth_month=pl.when(month_ok).then(pl.col("__m")),
        birth_day=pl.when(day_ok).then(pl.col("__d")),
    ).drop("__y", "__m", "__d", "__p")
    by, bm, bd = pl.col("birth_year"), pl.col("birth_month"), pl.col("birth_day")
    return df.with_columns(
        birth_precision=pl.when(bd.is_not_null()).then(pl.lit("day"))
        .when(bm.is_not_null()).then(pl.lit("month"))
        .when(by.is_not_null()).then(pl.lit("year")),
        birth_date_key=pl.when(bd.is_not_null()).then(
            pl.format("{}-{}-{}", by, bm.cast(pl.String).str.zfill(2), bd.cast(pl.String).str.zfill(2))
        ),
        # year + the day and month sorted: the same key when day and month were swapped
        dm_key=pl.when(bd.is_not_null()).then(
            pl.format(
                "{}:{}/{}", by,
                pl.min_horizontal(bd, bm).cast(pl.String).str.zfill(2),
                pl.max_horizontal(bd, bm).cast(pl.String).str.zfill(2),
            )
        ),
    )


# -- identity numbers -----------------------------------------------------------

def _digits(df: pl.DataFrame, name: str) -> pl.Expr:
    if name not in df.columns:
        return pl.lit(None, pl.String)
    return _null_if_empty(pl.col(name).cast(pl.String).str.replace_all(r"\D", ""))


def _restore_zero(digits: pl.Expr) -> pl.Expr:
    """Spreadsheets drop leading zeros: 11 digits is a pid, 8 a CMND, missing their 0."""
    n = digits.str.len_chars()
    return pl.when(n.is_in([8, 11])).then(pl.lit("0") + digits).otherwise(digits)


def _identity(df: pl.DataFrame) -> pl.DataFrame:
    sources = [c for c in ("pid", "cmnd", "id_number") if c in df.columns]
    df = df.with_columns(_restore_zero(_digits(df, c)).alias(f"__n_{c}") for c in sources)
    numbers = [pl.col(f"__n_{c}") for c in sources]
    lengths = [num.str.len_chars() for num in numbers]
    df = df.with_columns(
        pid=pl.coalesce([pl.when(n == 12).then(num) for num, n in zip(numbers, lengths, strict=True)]
                        or [pl.lit(None, pl.String)]),
        cmnd=pl.coalesce([pl.when(n == 9).then(num) for num, n in zip(numbers, lengths, strict=True)]
                         or [pl.lit(None, pl.String)]),
    ).drop(f"__n_{c}" for c in sources)
    d4 = pl.col("pid").str.slice(3, 1).cast(pl.Int32, strict=False)
    province = pl.col("pid").str.slice(0, 3).cast(pl.Int32, strict=False)
    valid = province.is_between(1, 96) & (d4 <= 5)
    return df.with_columns(
        pid_sex=pl.when(valid).then(pl.when(d4 % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F"))),
        pid_year=pl.when(valid).then(
            1900 + (d4 // 2) * 100 + pl.col("pid").str.slice(4, 2).cast(pl.Int32, strict=False)
        ).cast(pl.Int32),
    )


# -- communes -----------------------------------------------------------------

def _commune(df: pl.DataFrame, commune_map: Mapping[str, str] | None) -> pl.DataFrame:
    if "commune_code" not in df.columns:
        return df.with_columns(commune_code=pl.lit(None, pl.String), commune_now=pl.lit(None, pl.String))
    code = _null_if_empty(pl.col("commune_code").cast(pl.String).str.strip_chars())
    df = df.with_columns(commune_code=code)
    if commune_map:
        now = pl.col("commune_code").replace_strict(dict(commune_map), default=pl.col("commune_code"),
                                                     return_dtype=pl.String)
    else:
        now = pl.col("commune_code")
    return df.with_columns(commune_now=now)


# -- entry point ----------------------------------------------------------------

def prepare_records(
    df: pl.DataFrame,
    *,
    commune_map: Mapping[str, str] | None = None,
    keep: list[str] | None = None,
) -> pl.DataFrame:
    """The frame the model compares: ``MATCH_COLUMNS`` plus the ``keep`` columns.

    ``commune_map`` maps a pre-2025 commune code to the current one; codes not
    in it are taken as current.
    """
    if "unique_id" not in df.columns:
        if "person_id" not in df.columns:
            raise ValueError("Cần cột unique_id hoặc person_id để ghép bản ghi.")
        df = df.with_columns(unique_id=pl.col("person_id"))
    keep = [c for c in (keep or []) if c in df.columns and c not in MATCH_COLUMNS]
    out = _names(df)
    out = out.with_columns(_sex(out))
    out = _birth(out)
    out = _identity(out)
    out = _commune(out, commune_map)
    out = out.with_columns(other_id=_null_if_empty(
        pl.col("other_id").cast(pl.String).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", ""))
        if "other_id" in out.columns else pl.lit(None, pl.String))
    out = _block_keys(out)
    return out.select(MATCH_COLUMNS + keep)


def _block_keys(df: pl.DataFrame) -> pl.DataFrame:
    """Blocking keys without placeholder dates: a date shared by far more records than
    chance allows (01/01 typed for an unknown day, a default in an old system) would
    make one block of thousands, so such dates do not block (they are still compared,
    with a term-frequency adjustment)."""
    limit = max(50, 10 * df.height // 36_500)
    counts = df.group_by("birth_date_key").len().filter(pl.col("len") > limit)["birth_date_key"]
    crowded = pl.col("birth_date_key").is_in(counts.drop_nulls().implode())
    return df.with_columns(
        date_block=pl.when(~crowded).then(pl.col("birth_date_key")),
        dm_key=pl.when(~crowded).then(pl.col("dm_key")),
    )
