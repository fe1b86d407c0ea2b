"""The generic tabular import engine: Excel/CSV -> raw frame -> typed frame + errors -> report.

No Django here: callers (registry imports, payment exchanges, CLI) bring a ``Schema``
and commit the typed frame themselves.

API
---
``Field(name, header, synonyms=(), required=False, kind="text", choices=(), width=None)``
    One column the importer understands. ``kind`` is one of ``text | date | int | money |
    identity | phone | bool | choice``. ``choices`` (kind ``choice``) is a tuple of
    ``(code, (label, other labels...))``; the first label is the one shown.
``Schema(fields)``; ``Schema.template_headers()``, ``Schema.match(header) -> Field | None``.
``read_table(path, schema, *, sheet=None) -> RawTable``
    Finds the sheet (first one with a recognisable header unless ``sheet`` is given), the
    header row below title rows (within the first 30 rows; one or two header rows; a
    numbering row "(1) (2) (3)" or "1 2 3" under it is skipped), drops empty rows and a
    trailing signature block ("Người lập biểu", "…, ngày … tháng … năm …").
    Raises ``ImportFileError`` (``MissingColumnsError`` when required columns are absent).
``RawTable``: ``frame`` (all ``Utf8``: one column per kept file column, named by its header,
    plus ``_row``, the 1-based row number in the file), ``header_row``, ``header_rows``,
    ``headers`` (frame column names, in file order), ``recognised`` {field name: header},
    ``ignored`` [headers], ``missing_optional`` [field names], ``numeric`` {header: bool
    Series, true where the cell was a number in the workbook; identity/phone columns only},
    ``sheet_name``, ``file_kind`` ("xlsx" | "xls" | "ods" | "csv"), ``file_sha256``,
    ``skipped_rows`` (footer rows dropped), ``describe()`` (Vietnamese summary).
``parse_columns(raw, schema, *, today=None) -> pl.DataFrame``
    ``_row``, one typed column per field (``Utf8``, ``Date``, ``Int64``, ``Boolean``),
    ``<name>_precision`` ("day" | "month" | "year") for each date field, and ``_errors``
    (``list[str]``, Vietnamese, each "<header in the file>: <reason>"). Vectorised with
    Polars expressions; Python runs only on the distinct odd values (dates not written
    dd/mm/yyyy or as a bare year, choice labels).
``add_errors(frame, mask, message)`` appends ``message`` (str or expression) where ``mask``.
``add_row_errors(frame, {row: [messages]})`` appends per-row messages computed in Python.
``has_errors()`` is the expression "this row has at least one error".
``write_error_report(raw, errors, out_path) -> Path``; ``write_template(schema, out_path, *,
    title, example_rows=()) -> Path``; ``file_sha256(path) -> str``.

Decisions
---------
- Header matching folds the text (``fold``: lower case, tones, đ->d, punctuation) and drops
  spaces, so "HỌ VÀ TÊN", "Họ và tên" and "Họ và  tên:" are one key; a second, looser key
  also drops bracketed parts ("Ngày sinh (dd/mm/yyyy)", "Họ và tên (*)").
- Leading zeros of identity and phone numbers: restored *only* in identity/phone columns,
  *only* when the cell was a number in the workbook (or the file is a CSV, which carries no
  types and is usually saved from Excel after the zero was lost), and *only* to reach the
  expected length: 11 digits -> "0" + 12-digit number, 8 digits -> "0" + 9-digit CMND,
  9 digits -> "0" + 10-digit phone. A number typed as text with 11 digits is an error (a
  digit is really missing). Numbers Excel shows in scientific notation ("4,2185E+10") have
  lost digits: that is an error asking the user to format the column as text.
- Money is integer VND: "1.500.000", "1,500,000", "1500000", "1.500.000 đ"; decimals are
  refused.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ansinh.core.dates import DateError, parse_vn_date
from ansinh.core.text import fold

KINDS = ("text", "date", "int", "money", "identity", "phone", "bool", "choice")
HEADER_SEARCH_ROWS = 30
ERRORS = "_errors"
ROW = "_row"
REPORT_ROW = "Dòng"
REPORT_ERRORS = "Lỗi"


class ImportFileError(ValueError):
    """The file cannot be imported at all; ``str(err)`` is a Vietnamese message (CLI exit 2)."""


class MissingColumnsError(ImportFileError):
    """The header was found but required columns are missing."""

    def __init__(self, message: str, *, missing: Sequence[Field]):
        super().__init__(message)
        self.missing = tuple(missing)


# ---------------------------------------------------------------- schema

def header_key(text: str) -> str:
    """"Họ và tên" / "HỌ VÀ TÊN" / "Họ và  tên:" -> "hovaten"."""
    return fold(text).replace(" ", "")


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def loose_header_key(text: str) -> str:
    """The key without bracketed parts: "Ngày sinh (dd/mm/yyyy)" -> "ngaysinh"."""
    return header_key(_BRACKETED.sub(" ", text))


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    width: int | None = None  # template column width, in characters

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown field kind {self.kind!r}; expected one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Field {self.name!r} of kind 'choice' needs choices")

    def header_keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, *self.synonyms)} - {""}

    def choice_labels(self) -> list[str]:
        return [labels[0] if labels else code for code, labels in self.choices]


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]

    def __post_init__(self):
        owner: dict[str, str] = {}
        for f in self.fields:
            for key in f.header_keys():
                if owner.setdefault(key, f.name) != f.name:
                    raise ValueError(f"Header key {key!r} claimed by {owner[key]!r} and {f.name!r}")

    def template_headers(self) -> list[str]:
        return [f.header for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def match(self, header: str) -> Field | None:
        exact, loose = self._index()
        return exact.get(header_key(header)) or loose.get(loose_header_key(header))

    def _index(self) -> tuple[dict[str, Field], dict[str, Field]]:
        cached = self.__dict__.get("_cached_index")
        if cached is None:
            exact = {k: f for f in self.fields for k in f.header_keys()}
            loose = {loose_header_key(h): f for f in self.fields for h in (f.header, *f.synonyms)}
            loose.pop("", None)
            cached = (exact, loose)
            object.__setattr__(self, "_cached_index", cached)
        return cached


# ---------------------------------------------------------------- raw table

@dataclass
class RawTable:
    frame: pl.DataFrame
    header_row: int
    header_rows: int
    headers: list[str]
    recognised: dict[str, str]
    ignored: list[str]
    missing_optional: list[str]
    numeric: dict[str, pl.Series]
    sheet_name: str
    file_kind: str
    file_sha256: str
    source: Path
    skipped_rows: list[int] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.frame.height

    def describe(self) -> str:
        """What was understood, for the user, in Vietnamese."""
        parts = [
            f"Trang «{self.sheet_name}», dòng tiêu đề {self.header_row}, {self.height} dòng dữ liệu.",
            "Cột nhận ra: " + ", ".join(f"«{h}»" for h in self.recognised.values()) + ".",
        ]
        if self.ignored:
            parts.append("Cột bỏ qua: " + ", ".join(f"«{h}»" for h in self.ignored) + ".")
        if self.skipped_rows:
            parts.append(f"Bỏ qua {len(self.skipped_rows)} dòng cuối (tổng cộng, chữ ký).")
        return " ".join(parts)


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- reading files

@dataclass
class _Sheet:
    name: str
    rows: list[list[Any]]  # rows[0] is file row 1; rectangular
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


def _sniff_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if not head.strip():
        raise ImportFileError(f"Tệp «{path.name}» rỗng, không có dữ liệu.")
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "ods" if suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        raise ImportFileError(f"Tệp «{path.name}» là tệp PDF, không phải bảng tính. Hãy gửi tệp Excel (.xlsx) hoặc CSV.")
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise ImportFileError(
            f"Tệp «{path.name}» thực chất là trang web (HTML/XML) được đặt đuôi Excel. "
            "Hãy mở tệp bằng Excel rồi lưu lại dạng «Excel Workbook (.xlsx)»."
        )
    if suffix in {".csv", ".txt", ".tsv"} and b"\x00" not in head:
        return "csv"
    raise ImportFileError(
        f"Không đọc được tệp «{path.name}»: không phải bảng tính Excel (.xlsx, .xls) hoặc CSV."
    )


def _decode_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")  # Vietnamese Windows code page


def _read_csv(path: Path) -> _Sheet:
    import unicodedata

    text = unicodedata.normalize("NFC", _decode_text(path.read_bytes()))
    sample = "\n".join(text.splitlines()[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (";", ",", "\t")}
        delimiter = max(counts, key=counts.get)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return _Sheet(name=path.stem, rows=rows, merged=[])


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise ImportFileError(
            f"Không mở được tệp «{path.name}» như bảng tính Excel (tệp hỏng, có mật khẩu hoặc sai định dạng)."
        ) from exc


def _load_sheet(sheet, nrows: int | None = None) -> _Sheet:
    rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
    try:
        merged = list(sheet.merged_cell_ranges or [])
    except Exception:  # not available for every format
        merged = []
    return _Sheet(name=sheet.name, rows=rows, merged=merged)


def _sheet_indexes(workbook, sheet: str | int | None, path: Path) -> list[int]:
    names = list(workbook.sheet_names)
    if sheet is None:
        visible = [
            i for i, meta in enumerate(workbook.sheets_metadata)
            if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
        ]
        return visible or list(range(len(names)))
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ImportFileError(f"Tệp «{path.name}» không có trang thứ {sheet + 1} (chỉ có {len(names)} trang).")
        return [sheet]
    for i, name in enumerate(names):
        if name == sheet or header_key(name) == header_key(sheet):
            return [i]
    raise ImportFileError(f"Tệp «{path.name}» không có trang «{sheet}». Các trang: {', '.join(names)}.")


# ---------------------------------------------------------------- cell text

def cell_text(value: Any) -> str | None:
    """A cell as the text a user reads in Excel; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _column_texts(rows: list[list[Any]], col: int) -> list[str | None]:
    out: list[str | None] = []
    append = out.append
    for row in rows:
        v = row[col]
        if type(v) is str:
            append(v if v and not v.isspace() else None)
        else:
            append(cell_text(v))
    return out


# ---------------------------------------------------------------- header detection

@dataclass
class _Header:
    row: int  # 0-based index of the (first) header row
    n_rows: int
    names: list[str]  # display name per column ("" when empty)
    fields: dict[str, int]  # field name -> column index

    @property
    def score(self) -> int:
        return len(self.fields)


_NUMBERING_CELL = re.compile(r"^\(?\s*(\d{1,3}|[A-Za-z]{1,2})\s*\)?\.?$")


def _is_numbering_row(row: Sequence[Any]) -> bool:
    texts = [t for t in (cell_text(v) for v in row) if t]
    if len(texts) < 2:
        return False
    matches = [_NUMBERING_CELL.match(t.strip()) for t in texts]
    if not all(matches):
        return False
    numbers = [int(m.group(1)) for m in matches if m.group(1).isdigit()]
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def _texts(row: Sequence[Any]) -> list[str]:
    return [" ".join((cell_text(v) or "").split()) for v in row]


def _fill_merged_right(names: list[str], row: int, merged) -> list[str]:
    """Give every cell of a horizontally merged range the anchor's text."""
    names = list(names)
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row <= r1 and c1 > c0 and c0 < len(names):
            anchor = names[c0] if row == r0 else ""
            for c in range(c0 + 1, min(c1 + 1, len(names))):
                if not names[c]:
                    names[c] = anchor
    return names


def _match_row(names: Sequence[str], schema: Schema) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, name in enumerate(names):
        if name and (f := schema.match(name)) and f.name not in found:
            found[f.name] = col
    return found


def _header_at(rows: list[list[Any]], r: int, schema: Schema, merged) -> _Header:
    top = _texts(rows[r])
    single = _Header(r, 1, top, _match_row(top, schema))
    if r + 1 >= len(rows) or _is_numbering_row(rows[r + 1]):
        return single
    sub = _texts(rows[r + 1])
    if not any(sub):
        return single
    group = _fill_merged_right(top, r, merged)  # a group header merged across its sub-headers
    names, found = [], {}
    for col, (g, s) in enumerate(zip(group, sub, strict=False)):
        shown = f"{g} - {s}" if g and s and g != s else (s or g)
        for candidate, display in ((f"{g} {s}", shown), (s, shown), (top[col], top[col])):
            f = schema.match(candidate) if candidate.strip() else None
            if f is not None and f.name not in found:
                found[f.name] = col
                shown = display
                break
        names.append(shown)
    double = _Header(r, 2, names, found)
    return double if double.score > single.score else single


def _find_header(rows: list[list[Any]], schema: Schema, merged) -> tuple[_Header | None, _Header | None]:
    """(the header row, the best partial candidate)."""
    required = {f.name for f in schema.required}
    minimum = min(2, len(schema.fields))
    best: _Header | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(rows))):
        if not any(cell_text(v) for v in rows[r]):
            continue
        header = _header_at(rows, r, schema, merged)
        if header.score and (best is None or header.score > best.score):
            best = header
        if header.score >= minimum and required <= header.fields.keys():
            return header, best
    return None, best


# ---------------------------------------------------------------- footer and empty rows

_FOOTER = re.compile(
    r"^(tong cong|tong so|cong$|nguoi lap|lap bieu|xac nhan|thu truong|chu tich|ke toan|giam doc|"
    r"can bo|ubnd|truong thon|.*\bngay\b.*\bthang\b.*\bnam\b)"
)


def _footer_start(frame: pl.DataFrame, headers: list[str]) -> int | None:
    """Index of the first row of a trailing "Tổng cộng / Người lập biểu / chữ ký" block."""
    if frame.height == 0:
        return None
    filled = frame.select(pl.sum_horizontal(pl.col(h).is_not_null() for h in headers)).to_series()
    firsts = frame.select(pl.coalesce(pl.col(h) for h in headers)).to_series()
    tail_small = True
    start = None
    for i in range(frame.height - 1, max(-1, frame.height - 40), -1):
        first = firsts[i]
        if first is not None and _FOOTER.match(fold(first)) and tail_small:
            start = i
        if filled[i] > 2:
            tail_small = False
            if start is not None:
                break
    return start


# ---------------------------------------------------------------- read_table

def read_table(path: Path | str, schema: Schema, *, sheet: str | int | None = None) -> RawTable:
    """Read the first table of a commune file that ``schema`` recognises (see module doc)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"Không tìm thấy tệp «{path}».")
    kind = _sniff_kind(path)
    if kind == "csv":
        found = _locate_in_sheet(_read_csv(path), schema, path)
    else:
        workbook = _open_workbook(path)
        found = None
        best: tuple[_Sheet, _Header | None] | None = None
        for index in _sheet_indexes(workbook, sheet, path):
            calamine_sheet = workbook.get_sheet_by_index(index)  # parses the whole sheet, once
            head = _load_sheet(calamine_sheet, nrows=HEADER_SEARCH_ROWS + 2)
            header, partial = _find_header(head.rows, schema, head.merged)
            if header is not None:
                found = (_load_sheet(calamine_sheet), header)
                break
            if best is None or (partial and (best[1] is None or partial.score > best[1].score)):
                best = (head, partial)
        if found is None:
            _raise_not_found(path, schema, *(best or (None, None)))
    sheet_data, header = found
    return _build_raw(path, kind, sheet_data, header, schema)


def _locate_in_sheet(data: _Sheet, schema: Schema, path: Path) -> tuple[_Sheet, _Header]:
    if not data.rows:
        raise ImportFileError(f"Tệp «{path.name}» rỗng, không có dữ liệu.")
    header, partial = _find_header(data.rows, schema, data.merged)
    if header is None:
        _raise_not_found(path, schema, data, partial)
    return data, header


def _raise_not_found(path: Path, schema: Schema, data: _Sheet | None, partial: _Header | None):
    if data is not None and not any(any(cell_text(v) for v in r) for r in data.rows):
        raise ImportFileError(f"Tệp «{path.name}» rỗng, không có dữ liệu.")
    if partial is not None and partial.score >= min(2, len(schema.fields)):
        missing = [f for f in schema.required if f.name not in partial.fields]
        names = ", ".join(f"«{f.header}»" for f in missing)
        raise MissingColumnsError(
            f"Tệp «{path.name}» thiếu cột bắt buộc: {names} (dòng tiêu đề {partial.row + 1}). "
            "Hãy thêm cột hoặc sửa tên cột cho đúng mẫu.",
            missing=missing,
        )
    expected = ", ".join(f"«{f.header}»" for f in (schema.required or schema.fields))
    raise ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp «{path.name}». "
        f"Cần có các cột: {expected}."
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _build_raw(path: Path, kind: str, data: _Sheet, header: _Header, schema: Schema) -> RawTable:
    start = header.row + header.n_rows
    if start < len(data.rows) and _is_numbering_row(data.rows[start]):
        start += 1
    body = data.rows[start:]
    width = len(data.rows[0]) if data.rows else 0
    columns: dict[str, list[str | None]] = {}
    numeric: dict[str, pl.Series] = {}
    field_by_col = {col: schema.field(name) for name, col in header.fields.items()}
    kept_names = []
    for col in range(width):
        values = _column_texts(body, col)
        name = header.names[col] if col < len(header.names) else ""
        if not name and all(v is None for v in values):
            continue
        kept_names.append((col, name or f"Cột {_column_letter(col)}", values))
    unique = _unique([n for _, n, _ in kept_names])
    recognised, ignored = {}, []
    for (col, _, values), name in zip(kept_names, unique, strict=True):
        columns[name] = values
        f = field_by_col.get(col)
        if f is None:
            ignored.append(name)
            continue
        recognised[f.name] = name
        if f.kind in ("identity", "phone"):
            numeric[name] = pl.Series(name, [kind == "csv" or isinstance(r[col], int | float) for r in body],
                                      dtype=pl.Boolean)
    frame = pl.DataFrame(
        {ROW: pl.Series(ROW, range(start + 1, start + 1 + len(body)), dtype=pl.Int64),
         **{n: pl.Series(n, v, dtype=pl.Utf8) for n, v in columns.items()}},
    )
    headers = list(columns)
    numeric_frame = pl.DataFrame(numeric) if numeric else None
    keep = pl.any_horizontal(pl.col(h).is_not_null() for h in headers) if headers else pl.lit(False)
    mask = frame.select(keep.alias("keep")).to_series()
    skipped: list[int] = []
    frame = frame.filter(mask)
    if numeric_frame is not None:
        numeric_frame = numeric_frame.filter(mask)
    footer = _footer_start(frame, headers)
    if footer is not None:
        skipped = frame[ROW][footer:].to_list()
        frame = frame.head(footer)
        if numeric_frame is not None:
            numeric_frame = numeric_frame.head(footer)
    return RawTable(
        frame=frame,
        header_row=header.row + 1,
        header_rows=header.n_rows,
        headers=headers,
        recognised=recognised,
        ignored=ignored,
        missing_optional=[f.name for f in schema.fields if f.name not in recognised],
        numeric={n: numeric_frame[n] for n in numeric_frame.columns} if numeric_frame is not None else {},
        sheet_name=data.name,
        file_kind=kind,
        file_sha256=file_sha256(path),
        source=path,
        skipped_rows=skipped,
    )


# ---------------------------------------------------------------- parse_columns

def _err(cond: pl.Expr, label: str, message: str | pl.Expr) -> pl.Expr:
    msg = pl.lit(f"{label}: {message}") if isinstance(message, str) else pl.concat_str(pl.lit(f"{label}: "), message)
    return pl.when(cond).then(msg).otherwise(pl.lit(None, dtype=pl.Utf8))


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("«"), expr, pl.lit("»"))


def _parse_text(raw: pl.Expr, f: Field, label: str) -> list[pl.Expr]:
    value = raw.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
    return [pl.when(value != "").then(value).alias(f.name)]


def _parse_int(raw: pl.Expr, f: Field, label: str) -> list[pl.Expr]:
    text = raw.str.strip_chars().str.replace(r"^(\d+)[.,]0+$", "$1")
    ok = text.str.contains(r"^[+-]?\d{1,18}$")
    return [
        pl.when(ok).then(text.cast(pl.Int64, strict=False)).alias(f.name),
        _err(raw.is_not_null() & ~ok, label, pl.concat_str(_quoted(raw), pl.lit(" không phải là số nguyên.")))
        .alias(f"{f.name}__err"),
    ]


def _parse_money(raw: pl.Expr, f: Field, label: str) -> list[pl.Expr]:
    text = (raw.str.to_lowercase().str.replace(r"(?:đồng|đ|vnđ|vnd)\s*$", "")
            .str.replace_all(r"\s", ""))
    grouped = text.str.contains(r"^-?\d{1,3}(?:\.\d{3})+$|^-?\d{1,3}(?:,\d{3})+$")
    plain = text.str.contains(r"^-?\d{1,18}$")
    digits = pl.when(grouped).then(text.str.replace_all(r"[.,]", "")).when(plain).then(text)
    value = digits.cast(pl.Int64, strict=False)
    return [
        pl.when(value >= 0).then(value).alias(f.name),
        (_err(raw.is_not_null() & value.is_null(), label,
              pl.concat_str(_quoted(raw), pl.lit(" không phải là số tiền hợp lệ (ghi số nguyên đồng, ví dụ 1.500.000)."))))
        .fill_null(_err(value < 0, label, "số tiền không được âm."))
        .alias(f"{f.name}__err"),
    ]


_LENGTHS = {"identity": {11: 12, 8: 9}, "phone": {9: 10}}


def _parse_number_id(raw: pl.Expr, f: Field, label: str, numeric: pl.Expr) -> list[pl.Expr]:
    text = raw.str.replace_all(r"[\s.\-()]", "")
    if f.kind == "phone":
        text = text.str.replace(r"^\+?84(\d{9,10})$", "0$1")
    restore = pl.lit(False)
    for short in _LENGTHS[f.kind]:
        restore = restore | (text.str.len_chars() == short)
    value = pl.when(numeric & restore & text.str.contains(r"^\d+$")).then(pl.concat_str(pl.lit("0"), text)).otherwise(text)
    length = value.str.len_chars()
    scientific = raw.str.contains(r"(?i)\d[.,]?\d*e\+?\d+$")
    digits_ok = value.str.contains(r"^\d+$")
    if f.kind == "identity":
        length_ok = length.is_in([9, 12])
        length_msg = pl.concat_str(_quoted(raw), pl.lit(" phải gồm 12 chữ số (hoặc 9 chữ số nếu là CMND cũ), đang có "),
                                   length.cast(pl.Utf8), pl.lit(" chữ số."))
    else:
        length_ok = value.str.contains(r"^0\d{9,10}$")
        length_msg = pl.concat_str(_quoted(raw), pl.lit(" không phải số điện thoại hợp lệ (10 chữ số, bắt đầu bằng 0)."))
    ok = digits_ok & length_ok & ~scientific
    error = (
        pl.when(raw.is_null()).then(pl.lit(None, dtype=pl.Utf8))
        .when(scientific).then(pl.concat_str(
            pl.lit(f"{label}: "), _quoted(raw),
            pl.lit(" bị Excel đổi sang dạng số khoa học và đã mất chữ số; hãy định dạng cột là Văn bản (Text) rồi nhập lại.")))
        .when(~digits_ok).then(pl.concat_str(pl.lit(f"{label}: "), _quoted(raw), pl.lit(" chỉ được gồm chữ số.")))
        .when(~length_ok).then(pl.concat_str(pl.lit(f"{label}: "), length_msg))
    )
    return [pl.when(ok).then(value).alias(f.name), error.alias(f"{f.name}__err")]


_TRUE = {"x", "co", "c", "1", "true", "dung", "yes", "y", "v"}
_FALSE = {"khong", "k", "0", "false", "sai", "no", "n"}


def _lookup(series: pl.Series, resolve) -> tuple[pl.Series, pl.Series]:
    """Run ``resolve(text) -> (value, error)`` once per distinct non-null value."""
    distinct = series.drop_nulls().unique().to_list()
    values, errors = {}, {}
    for text in distinct:
        values[text], errors[text] = resolve(text)
    value = series.replace_strict(values, default=None) if distinct else pl.Series(series.name, [None] * series.len())
    error = series.replace_strict(errors, default=None, return_dtype=pl.Utf8) if distinct else pl.Series(
        series.name, [None] * series.len(), dtype=pl.Utf8)
    return value, error


def _parse_bool_series(s: pl.Series, f: Field, label: str) -> list[pl.Series]:
    def resolve(text: str):
        key = fold(text)
        if key in _TRUE:
            return True, None
        if key in _FALSE:
            return False, None
        return None, f"{label}: «{text}» không hiểu là có hay không (ghi «x» hoặc «có» nếu có, để trống nếu không)."

    value, error = _lookup(s, resolve)
    return [value.cast(pl.Boolean).alias(f.name), error.alias(f"{f.name}__err")]


def _parse_choice_series(s: pl.Series, f: Field, label: str) -> list[pl.Series]:
    keys = {}
    for code, labels in f.choices:
        for text in (code, *labels):
            keys.setdefault(header_key(text), code)
    allowed = ", ".join(f.choice_labels())

    def resolve(text: str):
        code = keys.get(header_key(text))
        if code is None:
            return None, f"{label}: «{text}» không thuộc danh sách: {allowed}."
        return code, None

    value, error = _lookup(s, resolve)
    return [value.cast(pl.Utf8).alias(f.name), error.alias(f"{f.name}__err")]


_FAST_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def _parse_date_series(s: pl.Series, f: Field, label: str, today: dt.date) -> list[pl.Series]:
    frame = pl.DataFrame({"raw": s})
    parts = pl.col("raw").str.extract_groups(_FAST_DATE.pattern)
    iso = pl.concat_str(
        parts.struct.field("3"), pl.lit("-"), parts.struct.field("2").str.zfill(2), pl.lit("-"),
        parts.struct.field("1").str.zfill(2),
    ).str.to_date("%Y-%m-%d", strict=False)
    year = pl.col("raw").str.strip_chars().str.replace(r"^(\d{4})(?:\.0+)?$", "$1")
    year_ok = year.str.contains(r"^\d{4}$") & year.cast(pl.Int32, strict=False).is_between(1900, today.year)
    fast = frame.select(
        pl.when(iso.is_between(dt.date(1900, 1, 1), today)).then(iso)
        .when(year_ok).then(pl.date(year.cast(pl.Int32, strict=False), 1, 1)).alias("date"),
        pl.when(iso.is_between(dt.date(1900, 1, 1), today)).then(pl.lit("day"))
        .when(year_ok).then(pl.lit("year")).alias("precision"),
    )
    odd = s.is_not_null() & fast["date"].is_null()

    def resolve(text: str):
        try:
            parsed = parse_vn_date(text, today=today)
        except DateError as exc:
            return (None, None), f"{label}: {exc}"
        return (parsed.date, parsed.precision), None

    date_values = fast["date"]
    precision = fast["precision"]
    errors = pl.Series([None] * s.len(), dtype=pl.Utf8)
    if odd.any():
        odd_texts = s.filter(odd).to_list()
        resolved = {text: resolve(text) for text in set(odd_texts)}  # Python once per distinct odd value
        idx = odd.arg_true()
        date_values = date_values.scatter(idx, pl.Series([resolved[t][0][0] for t in odd_texts], dtype=pl.Date))
        precision = precision.scatter(idx, pl.Series([resolved[t][0][1] for t in odd_texts], dtype=pl.Utf8))
        errors = errors.scatter(idx, pl.Series([resolved[t][1] for t in odd_texts], dtype=pl.Utf8))
    return [date_values.alias(f.name), precision.alias(f"{f.name}_precision"), errors.alias(f"{f.name}__err")]


_EXPR_PARSERS = {"text": _parse_text, "int": _parse_int, "money": _parse_money}
_SERIES_PARSERS = {"bool": _parse_bool_series, "choice": _parse_choice_series}
_DTYPES = {"text": pl.Utf8, "date": pl.Date, "int": pl.Int64, "money": pl.Int64, "identity": pl.Utf8,
           "phone": pl.Utf8, "bool": pl.Boolean, "choice": pl.Utf8}


def parse_columns(raw: RawTable, schema: Schema, *, today: dt.date | None = None) -> pl.DataFrame:
    """Typed columns + ``_errors`` (see module doc). One row per row of ``raw.frame``."""
    today = today or dt.date.today()
    src = raw.frame
    exprs: list[pl.Expr] = [pl.col(ROW)]
    series: list[pl.Series] = []
    error_cols: list[tuple[int, str]] = []  # (column position in the file, column): messages read left to right
    for f in schema.fields:
        header = raw.recognised.get(f.name)
        if header is None:
            exprs.append(pl.lit(None, dtype=_DTYPES[f.kind]).alias(f.name))
            if f.kind == "date":
                exprs.append(pl.lit(None, dtype=pl.Utf8).alias(f"{f.name}_precision"))
            if f.required:
                exprs.append(pl.lit(f"Thiếu cột «{f.header}».").alias(f"{f.name}__missing"))
                error_cols.append((-1, f"{f.name}__missing"))
            continue
        position = raw.headers.index(header)
        raw_col = pl.col(header).str.strip_chars()
        raw_col = pl.when(raw_col != "").then(raw_col)
        if f.required:
            exprs.append(_err(raw_col.is_null(), header, "không được để trống.").alias(f"{f.name}__req"))
            error_cols.append((position, f"{f.name}__req"))
        if f.kind in _EXPR_PARSERS:
            exprs.extend(_EXPR_PARSERS[f.kind](raw_col, f, header))
        elif f.kind in ("identity", "phone"):
            numeric = raw.numeric.get(header)
            numeric_expr = pl.lit(numeric) if numeric is not None else pl.lit(False)
            exprs.extend(_parse_number_id(raw_col, f, header, numeric_expr))
        else:
            s = src.select(raw_col.alias(header)).to_series()
            if f.kind == "date":
                series.extend(_parse_date_series(s, f, header, today))
            else:
                series.extend(_SERIES_PARSERS[f.kind](s, f, header))
        if f.kind != "text":
            error_cols.append((position, f"{f.name}__err"))
    out = src.select(exprs).with_columns(series)
    ordered = [c for _, c in sorted(error_cols, key=lambda pc: pc[0])]
    if ordered:
        errors = pl.concat_list(pl.col(c) for c in ordered).list.drop_nulls()
    else:
        errors = pl.lit([], dtype=pl.List(pl.Utf8))
    return out.with_columns(errors.alias(ERRORS)).drop(ordered)


def has_errors() -> pl.Expr:
    return pl.col(ERRORS).list.len() > 0


def add_errors(frame: pl.DataFrame, mask: pl.Expr, message: str | pl.Expr) -> pl.DataFrame:
    """Append ``message`` to ``_errors`` where ``mask`` is true (null counts as false).

    >>> frame = add_errors(frame, pl.col("birth").is_null() & pl.col("is_head"), "Chủ hộ phải có ngày sinh.")
    """
    msg = pl.lit(message, dtype=pl.Utf8) if isinstance(message, str) else message.cast(pl.Utf8)
    return frame.with_columns(
        pl.when(mask.fill_null(False) & msg.is_not_null())
        .then(pl.col(ERRORS).list.concat(pl.concat_list(msg)))
        .otherwise(pl.col(ERRORS))
        .alias(ERRORS)
    )


def add_row_errors(frame: pl.DataFrame, errors: Mapping[int, Iterable[str]]) -> pl.DataFrame:
    """Append messages computed in Python, keyed by ``_row`` (the file's row number)."""
    extra = {row: list(msgs) for row, msgs in errors.items() if msgs}
    if not extra:
        return frame
    lookup = pl.DataFrame(
        {ROW: list(extra), "_extra": list(extra.values())}, schema={ROW: pl.Int64, "_extra": pl.List(pl.Utf8)}
    )
    return (
        frame.join(lookup, on=ROW, how="left", maintain_order="left")
        .with_columns(pl.col(ERRORS).list.concat(pl.col("_extra").fill_null([])).alias(ERRORS))
        .drop("_extra")
    )


# ---------------------------------------------------------------- writing

def _errors_by_position(raw: RawTable, errors: pl.Series | pl.DataFrame | Sequence[Sequence[str]]) -> list[list[str]]:
    if isinstance(errors, pl.DataFrame):
        joined = raw.frame.select(ROW).join(errors.select(ROW, ERRORS), on=ROW, how="left", maintain_order="left")
        return [e or [] for e in joined[ERRORS].to_list()]
    values = errors.to_list() if isinstance(errors, pl.Series) else list(errors)
    if len(values) != raw.height:
        raise ValueError(f"{len(values)} error lists for {raw.height} rows")
    return [list(e or []) for e in values]


def write_error_report(
    raw: RawTable,
    errors: pl.Series | pl.DataFrame | Sequence[Sequence[str]],
    out_path: Path | str,
    *,
    only_errors: bool = False,
) -> Path:
    """The file's rows exactly as read, "Dòng" (row number in the original file) first, "Lỗi" last.

    ``errors`` is the ``_errors`` column (aligned with ``raw.frame``), the frame returned by
    ``parse_columns`` (joined on ``_row``, so it may have been filtered) or a list of lists.
    Erroneous rows are highlighted; the header is row 1 (frozen, autofilter) so the user
    can filter on "Lỗi", correct the cells and import the same file again ("Dòng" and
    "Lỗi" are then ignored). A second sheet "Tóm tắt" says what was understood.
    """
    from ansinh.core.xlsx import add_notes_sheet, add_table_sheet, open_workbook

    messages = _errors_by_position(raw, errors)
    n_errors = sum(1 for m in messages if m)
    rows = (
        [row_number, *values, "; ".join(msgs)]
        for row_number, values, msgs in zip(
            raw.frame[ROW].to_list(), raw.frame.select(raw.headers).iter_rows(), messages, strict=True
        )
        if msgs or not only_errors
    )
    out = Path(out_path)
    wb = open_workbook(out)
    try:
        add_table_sheet(
            wb,
            headers=[REPORT_ROW, *raw.headers, REPORT_ERRORS],
            rows=rows,
            sheet_name="Kết quả kiểm tra",
            text_columns=range(1, len(raw.headers) + 1),
            widths={len(raw.headers) + 1: 60},
            highlight_column=len(raw.headers) + 1,
        )
        add_notes_sheet(wb, sheet_name="Tóm tắt", title="KẾT QUẢ KIỂM TRA TỆP NHẬP", lines=[
            ("Tệp", raw.source.name),
            ("Trang", raw.sheet_name),
            ("Số dòng dữ liệu", str(raw.height)),
            ("Số dòng có lỗi", str(n_errors)),
            ("Cột nhận ra", ", ".join(raw.recognised.values())),
            ("Cột bỏ qua", ", ".join(raw.ignored) or "(không có)"),
            ("Mã kiểm tra tệp (SHA-256)", raw.file_sha256),
            ("Cách sửa", "Lọc cột «Lỗi», sửa các ô ở dòng tô màu rồi nhập lại chính tệp này."),
        ])
    finally:
        wb.close()
    return out


def write_template(schema: Schema, out_path: Path | str, *, title: str, example_rows: Iterable[Sequence] = ()) -> Path:
    """A downloadable .xlsx template: title row, canonical headers, typed columns, choice lists."""
    from ansinh.core.xlsx import write_sheet

    kinds = [f.kind for f in schema.fields]
    out = Path(out_path)
    write_sheet(
        out,
        title_lines=[title],
        headers=schema.template_headers(),
        rows=example_rows,
        date_columns=[i for i, k in enumerate(kinds) if k == "date"],
        money_columns=[i for i, k in enumerate(kinds) if k == "money"],
        text_columns=[i for i, k in enumerate(kinds) if k in ("identity", "phone")],
        widths={i: f.width for i, f in enumerate(schema.fields) if f.width},
        choices={i: f.choice_labels() for i, f in enumerate(schema.fields) if f.kind == "choice"},
        sheet_name="Mẫu nhập",
        constant_memory=False,
    )
    return out
