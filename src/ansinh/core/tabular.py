"""The generic tabular import engine: Excel/CSV -> raw frame -> typed frame + errors -> report.

No Django here: callers (registry imports, payment exchanges, CLI) bring a ``Schema``
and commit the typed frame themselves.

API
---
``Field(name, header, synonyms=(), required=False, kind="text", choices=(), width=None, keywords=(),
max_length=None, precision=None)``
    One column the importer understands. ``kind`` is one of ``text | date | int | money |
    identity | phone | bool | choice``. ``choices`` (kind ``choice``) is a tuple of
    ``(code, (label, other labels...))``; the first label is the one shown.
    ``keywords``: words or phrases that recognise a header by meaning when no header key
    matches (folded like headers, found as whole words: ``IDENTITY_KEYWORDS`` = "cccd",
    "cmnd", "căn cước", "định danh", "chứng minh nhân dân", "số cmt", … recognises "Số
    CCCD hoặc CMND", "Căn cước công dân").
    ``max_length`` (text, identity, phone; set it from the model field): a longer value is an
    error «<header>: «…» dài N ký tự, tối đa M ký tự.» and is not kept.
    ``precision`` (date): the coarsest precision accepted, ``"day"`` (a full date: a payment
    date "2020" or "03/2020" is refused, never stored as 01/01/2020), ``"month"`` or ``"year"``.
``Schema(fields)``; ``Schema.template_headers()``, ``Schema.match(header) -> Field | None``,
    ``Schema.keyword_matches(header) -> [Field]`` (the fields tied on the longest keyword).
``IDENTITY_KEYWORDS``: the keywords of an identity-number column, for the domain schemas.
``read_table(path, schema, *, sheet=None, mapping=None, display_name=None) -> RawTable``
    Finds the sheet (first one with a recognisable header unless ``sheet`` is given), the
    header row below title rows (within the first 30 rows; one or two header rows; a
    numbering row "(1) (2) (3)" or "1 2 3" under it is skipped), drops empty rows and a
    trailing signature block ("Người lập biểu", "…, ngày … tháng … năm …").
    ``mapping`` {header as shown in the file, i.e. a name in ``RawTable.headers`` / ``ignored``
    (an empty header is "Cột D"): field name, or "" to ignore the column} is the user's column
    mapping: it overrides the automatic recognition (also when it finds the header row), a
    field mapped to a column leaves any other column; headers not in the file are skipped;
    an unknown field name or two headers mapped to one field is an ``ImportFileError``.
    ``display_name`` is the file name the user knows (the upload's original name): every
    file-level message names it instead of the stored file (``aa1c38….xlsx``).
    Raises ``ImportFileError`` (``MissingColumnsError`` when required columns are absent).
``RawTable``: ``frame`` (all ``Utf8``: one column per kept file column, named by its header,
    plus ``_row``, the 1-based row number in the file), ``header_row``, ``header_rows``,
    ``headers`` (frame column names, in file order), ``recognised`` {field name: header},
    ``ignored`` [headers], ``missing_optional`` [field names], ``numeric`` {header: bool
    Series, true where the cell was a number in the workbook; identity/phone columns only},
    ``sheet_name``, ``file_kind`` ("xlsx" | "xls" | "ods" | "csv"), ``file_sha256``,
    ``skipped_rows`` (footer rows dropped), ``display_name`` (``source.name`` unless given),
    ``suspect_identity_columns`` [ignored headers whose non-empty cells are mostly — at least
    80 % and 3 cells — 9- or 12-digit numbers once spaces and dots are removed, counting 8 or
    11 digits in a cell that was a number (a lost leading zero; every cell of a CSV); not
    the columns the mapping ignores: the domain blocks the commit until the user maps them],
    ``ambiguous`` {ignored header: [field names its keywords tie on]}, ``column_letters``
    {header: column letter in the sheet}, ``field_headers`` {field name: schema header},
    ``describe()`` (Vietnamese summary, naming the suspect and ambiguous columns).
``parse_columns(raw, schema, *, today=None) -> pl.DataFrame``
    ``_row``, one typed column per field (``Utf8``, ``Date``, ``Int64``, ``Boolean``),
    ``<name>_precision`` ("day" | "month" | "year") for each date field, ``_errors``
    (``list[str]``, Vietnamese, each "<header in the file>: <reason>") and ``_refused``
    (``list[str]``: the fields whose cell was filled but refused). Vectorised with Polars
    expressions; Python runs only on the distinct odd values (dates not written dd/mm/yyyy
    or as a bare year, choice labels).
``is_blank(name)`` / ``is_refused(name)``: expressions "the cell was empty (or the column
    absent)" / "the cell was filled but refused". A domain rule "X is needed when …" uses
    ``is_blank``: a refused value already has its message, a second «thiếu …» contradicts it.
``add_errors(frame, mask, message)`` appends ``message`` (str or expression) where ``mask``.
``add_row_errors(frame, {row: [messages]})`` appends per-row messages computed in Python.
``has_errors()`` is the expression "this row has at least one error".
``csv_safe(value)`` / ``csv_safe_expr(expr)``: for CSV writers, a string starting with = + - @
    tab or CR gets a leading "'" so a spreadsheet shows it as text and never runs it.
``write_error_report(raw, errors, out_path) -> Path``; ``write_template(schema, out_path, *,
    title, example_rows=()) -> Path``; ``file_sha256(path) -> str``.

Decisions
---------
- Header matching folds the text (``fold``: lower case, tones, đ->d, punctuation, invisible
  characters) and drops spaces, so "HỌ VÀ TÊN", "Họ và tên" and "Họ và  tên:" are one key;
  a second, looser key also drops bracketed parts ("Ngày sinh (dd/mm/yyyy)", "Họ và tên
  (*)"); a third takes the words in any order ("Số CCCD/CMND" is "Số CMND/CCCD"; a word set
  two fields share is not used); "Địa chỉ - Thôn" (a two-row header as the error report
  writes it) is also tried as "Thôn"; only then the keywords. In one header row a column
  named by a key wins over one that only shares a keyword; between keyword matches the
  longest keyword wins, and a header whose longest keywords belong to two fields is left
  unmatched (``ambiguous``).
- A row is read as a group header over the next one only when it adds something: a field
  found through it (a cell merged down over both rows, "Ngày sinh" over "Nam | Nữ"). A
  title right above the header ("DANH SÁCH HỘ GIA ĐÌNH PHƯỜNG THÀNH SEN" merged across the
  table, or typed in A1) adds nothing: the header is the next row alone. So an error
  report — header on row 1, "Dòng" first and "Lỗi" last, both ignored — is always
  re-importable with the same schema.
- Hostile cells: zero-width and other invisible format characters (U+200B-U+200F, U+2060,
  U+FEFF, soft hyphen, direction marks) are removed and no-break spaces become spaces
  before any parsing (and in headers). A text cell starting with "=", "+", "@" (a formula
  Excel would run: ``=HYPERLINK(…)``) is an error naming the cell, never a name; "-" is
  allowed in text (notes, "- Nguyễn Văn A") but ``csv_safe`` still prefixes it on output.
- A required cell that is empty is «không được để trống»; a filled cell that is refused
  (impossible date "31/02/2020", formula, too long) has only its own message.
- Leading zeros of identity and phone numbers: restored *only* in identity/phone columns,
  *only* when the cell was a number in the workbook (or the file is a CSV, which carries no
  types and is usually saved from Excel after the zero was lost), and *only* to reach the
  expected length: 11 digits -> "0" + 12-digit number, 8 digits -> "0" + 9-digit CMND,
  9 digits -> "0" + 10-digit phone. A number typed as text with 11 digits is an error (a
  digit is really missing). Numbers Excel shows in scientific notation ("4,2185E+10") have
  lost digits: that is an error asking the user to format the column as text.
- Money is integer VND: "1.500.000", "1,500,000", "1500000", "1.500.000 đ"; decimals are
  refused.
- Speed: every parser reads materialised columns in stages (a Polars expression used twice
  in one ``select`` is computed twice); Python runs per distinct odd value, per header cell
  of the first 30 rows, and for suspect columns only over their 8/11-digit cells.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from ansinh.core.dates import DateError, current_date, parse_vn_date
from ansinh.core.errors import UserError
from ansinh.core.formatting import vn_number
from ansinh.core.text import fold, strip_invisible, strip_invisible_expr

KINDS = ("text", "date", "int", "money", "identity", "phone", "bool", "choice")
PRECISIONS = ("year", "month", "day")  # coarsest first
HEADER_SEARCH_ROWS = 30
ERRORS = "_errors"
REFUSED = "_refused"
ROW = "_row"
REPORT_ROW = "Dòng"
REPORT_ERRORS = "Lỗi"
# Words that say "this column is the personal identity number" (folded, whole words).
IDENTITY_KEYWORDS = ("cccd", "cmnd", "cmt", "so cmt", "can cuoc", "dinh danh", "chung minh nhan dan",
                     "chung minh thu", "ddcn")
# A suspect identity column: share of its non-empty cells that look like identity numbers, and the minimum count.
SUSPECT_SHARE = 0.8
SUSPECT_MIN_CELLS = 3
# A text cell Excel (or a spreadsheet opened from our CSV) would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TEXT_FORMULA = r"^[=+@\t\r]"  # refused in text cells ("-" is common in real names and notes: not refused)
_CSV_FORMULA = r"^[=+\-@\t\r]"


class ImportFileError(UserError, ValueError):
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


def words_header_key(text: str) -> str:
    """The words in any order: "Số CCCD/CMND" and "Số CMND / CCCD" -> "cccd cmnd so"."""
    return " ".join(sorted(fold(text).split()))


_STRONG, _KEYWORD = 2, 1  # match tiers: a header key (exact, loose, any word order) beats a keyword


@dataclass(frozen=True)
class Field:
    name: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    width: int | None = None  # template column width, in characters
    keywords: tuple[str, ...] = ()  # words/phrases recognising a header by meaning (folded, whole words)
    max_length: int | None = None  # text / identity / phone: longest value accepted, in characters
    precision: str | None = None  # date: the coarsest precision accepted ("day": a full date is required)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown field kind {self.kind!r}; expected one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Field {self.name!r} of kind 'choice' needs choices")
        if self.precision is not None and (self.kind != "date" or self.precision not in PRECISIONS):
            raise ValueError(f"Field {self.name!r}: precision must be one of {PRECISIONS} on a date field")
        if self.max_length is not None and self.max_length < 1:
            raise ValueError(f"Field {self.name!r}: max_length must be positive")
        if isinstance(self.keywords, str):
            raise ValueError(f"Field {self.name!r}: keywords must be a tuple of strings, not one string")

    def header_keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, *self.synonyms)} - {""}

    def keyword_keys(self) -> tuple[str, ...]:
        return tuple(k for k in dict.fromkeys(fold(w) for w in self.keywords) if k)

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
        """The field a header means: its key, its loose key, its words in any order, the part after
        " - " (a two-row header as an error report writes it), then its keywords."""
        hit = self._lookup(header)
        return hit[0] if hit else None

    def keyword_matches(self, header: str) -> list[Field]:
        """The fields whose longest keyword found in ``header`` is the longest (several: ambiguous)."""
        folded = f" {fold(header)} "
        best: dict[str, int] = {}
        for key, f in self._index()[3]:
            if f" {key} " in folded and len(key) > best.get(f.name, 0):
                best[f.name] = len(key)
        if not best:
            return []
        top = max(best.values())
        return [self.field(name) for name, length in best.items() if length == top]

    def _strong(self, text: str) -> Field | None:
        exact, loose, words, _ = self._index()
        return (exact.get(header_key(text)) or loose.get(loose_header_key(text))
                or words.get(words_header_key(text)) or words.get(words_header_key(_BRACKETED.sub(" ", text))))

    def _lookup(self, header: str, *, keywords: bool = True) -> tuple[Field, tuple[int, int]] | None:
        """(field, (tier, keyword length)) or None; cached per text."""
        cache = self.__dict__.setdefault("_cached_lookup", {})
        key = (header, keywords)
        if key not in cache:
            if len(cache) > 20_000:  # header texts of many files: keep memory bounded
                cache.clear()
            cache[key] = self._lookup_uncached(header, keywords)
        return cache[key]

    def _lookup_uncached(self, header: str, keywords: bool) -> tuple[Field, tuple[int, int]] | None:
        text = " ".join(strip_invisible(header).split())
        if not text:
            return None
        f = self._strong(text)
        if f is None and " - " in text:
            f = self._strong(text.rsplit(" - ", 1)[1])
        if f is not None:
            return f, (_STRONG, 0)
        if not keywords:
            return None
        candidates = self.keyword_matches(text)
        if len(candidates) != 1:
            return None
        folded = f" {fold(text)} "
        length = max(len(k) for k in candidates[0].keyword_keys() if f" {k} " in folded)
        return candidates[0], (_KEYWORD, length)

    def _index(self):
        cached = self.__dict__.get("_cached_index")
        if cached is None:
            exact = {k: f for f in self.fields for k in f.header_keys()}
            loose = {loose_header_key(h): f for f in self.fields for h in (f.header, *f.synonyms)}
            loose.pop("", None)
            words: dict[str, Field] = {}
            clashes: set[str] = set()
            for f in self.fields:
                for h in (f.header, *f.synonyms):
                    for k in {words_header_key(h), words_header_key(_BRACKETED.sub(" ", h))} - {""}:
                        if words.setdefault(k, f) is not f:
                            clashes.add(k)  # the same words in another order for two fields: not used
            for k in clashes:
                words.pop(k)
            keyword_list = [(k, f) for f in self.fields for k in f.keyword_keys()]
            cached = (exact, loose, words, keyword_list)
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
    display_name: str = ""  # the user's file name, for messages; ``source.name`` when not given
    suspect_identity_columns: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # ignored header -> candidate field names
    column_letters: dict[str, str] = field(default_factory=dict)  # header -> column letter in the sheet
    field_headers: dict[str, str] = field(default_factory=dict)  # field name -> the schema's header

    def __post_init__(self):
        if not self.display_name:
            self.display_name = Path(self.source).name

    @property
    def height(self) -> int:
        return self.frame.height

    def describe(self) -> str:
        """What was understood, for the user, in Vietnamese."""
        parts = [
            f"Trang «{self.sheet_name}», dòng tiêu đề {self.header_row}, {vn_number(self.height)} dòng dữ liệu.",
            "Cột nhận ra: " + ", ".join(f"«{h}»" for h in self.recognised.values()) + ".",
        ]
        if self.ignored:
            parts.append("Cột bỏ qua: " + ", ".join(f"«{h}»" for h in self.ignored) + ".")
        for header, names in self.ambiguous.items():
            labels = " hoặc ".join(f"«{self.field_headers.get(n, n)}»" for n in names)
            parts.append(f"Cột «{header}» có thể là {labels}: hãy chọn cột này là cột nào.")
        if self.suspect_identity_columns:
            names = ", ".join(f"«{h}»" for h in self.suspect_identity_columns)
            one = len(self.suspect_identity_columns) == 1
            parts.append(
                f"{'Cột' if one else 'Các cột'} {names} có vẻ chứa số định danh (CCCD/CMND, 12 hoặc 9 chữ số) "
                "nhưng không được dùng: hãy chọn "
                f"{'cột này' if one else 'từng cột'} là cột số định danh, hoặc chọn bỏ qua nếu không phải, "
                "trước khi ghi vào cơ sở dữ liệu."
            )
        if self.skipped_rows:
            parts.append(f"Bỏ qua {vn_number(len(self.skipped_rows))} dòng cuối (tổng cộng, chữ ký).")
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


def _sniff_kind(path: Path, name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if not head.strip():
        raise ImportFileError(f"Tệp «{name}» rỗng, không có dữ liệu.")
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "ods" if suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        raise ImportFileError(f"Tệp «{name}» là tệp PDF, không phải bảng tính. Hãy gửi tệp Excel (.xlsx) hoặc CSV.")
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise ImportFileError(
            f"Tệp «{name}» thực chất là trang web (HTML/XML) được đặt đuôi Excel. "
            "Hãy mở tệp bằng Excel rồi lưu lại dạng «Excel Workbook (.xlsx)»."
        )
    if suffix in {".csv", ".txt", ".tsv"} and b"\x00" not in head:
        return "csv"
    raise ImportFileError(
        f"Không đọc được tệp «{name}»: không phải bảng tính Excel (.xlsx, .xls) hoặc CSV."
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


def _open_workbook(path: Path, name: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise ImportFileError(
            f"Không mở được tệp «{name}» như bảng tính Excel (tệp hỏng, có mật khẩu hoặc sai định dạng)."
        ) from exc


def _load_sheet(sheet, nrows: int | None = None) -> _Sheet:
    rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
    try:
        merged = list(sheet.merged_cell_ranges or [])
    except Exception:  # not available for every format
        merged = []
    return _Sheet(name=sheet.name, rows=rows, merged=merged)


def _sheet_indexes(workbook, sheet: str | int | None, name: str) -> list[int]:
    names = list(workbook.sheet_names)
    if sheet is None:
        visible = [
            i for i, meta in enumerate(workbook.sheets_metadata)
            if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
        ]
        return visible or list(range(len(names)))
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ImportFileError(f"Tệp «{name}» không có trang thứ {sheet + 1} (chỉ có {len(names)} trang).")
        return [sheet]
    for i, sheet_name in enumerate(names):
        if sheet_name == sheet or header_key(sheet_name) == header_key(sheet):
            return [i]
    raise ImportFileError(f"Tệp «{name}» không có trang «{sheet}». Các trang: {', '.join(names)}.")


# ---------------------------------------------------------------- cell text

def _float_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.15g}"


def _day_text(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _datetime_text(value: dt.datetime) -> str:
    return _day_text(value) if value.time() == dt.time(0) else value.strftime("%d/%m/%Y %H:%M:%S")


# In this order: bool before int (a subclass), datetime before date.
_CELL_TEXTS: tuple[tuple[type, Any], ...] = (
    (str, lambda value: value if value.strip() else None),
    (bool, lambda value: "TRUE" if value else "FALSE"),
    (float, _float_text),
    (int, str),
    (dt.datetime, _datetime_text),
    (dt.date, _day_text),
    (dt.time, lambda value: value.strftime("%H:%M:%S")),
)


def cell_text(value: Any) -> str | None:
    """A cell as the text a user reads in Excel; None for an empty cell."""
    if value is None:
        return None
    for kind, text in _CELL_TEXTS:
        if isinstance(value, kind):
            return text(value)
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
    ignored_cols: frozenset[int] = frozenset()  # columns the mapping says to ignore

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
    return [" ".join(strip_invisible(cell_text(v) or "").split()) for v in row]


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


def _merged_columns(row: int, merged, width: int) -> set[int]:
    """Columns inside a horizontally merged range on ``row``."""
    cols: set[int] = set()
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row <= r1 and c1 > c0:
            cols.update(range(c0, min(c1 + 1, width)))
    return cols


_Option = tuple[Field, tuple[int, int]]  # (field, (tier, keyword length))


def _assign(options: Sequence[Sequence[_Option | None]]) -> dict[str, tuple[int, int]]:
    """Field name -> (column, option index), from each column's candidate matches in order.

    Header keys first, left to right (a column whose first candidate names a field already
    taken falls back to its next one); then keyword matches on the columns left, longest
    keyword first: a column named by a key always beats one that only shares a keyword.
    """
    found: dict[str, tuple[int, int]] = {}
    taken: set[int] = set()
    for col, opts in enumerate(options):
        for i, opt in enumerate(opts):
            if opt is not None and opt[1][0] == _STRONG and opt[0].name not in found:
                found[opt[0].name] = (col, i)
                taken.add(col)
                break
    weak = sorted(
        (-opt[1][1], col, i, opt[0].name)
        for col, opts in enumerate(options) if col not in taken
        for i, opt in enumerate(opts) if opt is not None and opt[1][0] == _KEYWORD
    )
    for _, col, i, name in weak:
        if col not in taken and name not in found:
            found[name] = (col, i)
            taken.add(col)
    return found


def _match_row(names: Sequence[str], schema: Schema) -> dict[str, int]:
    options = [[schema._lookup(name) if name else None] for name in names]
    return {name: col for name, (col, _) in _assign(options).items()}


def _header_at(rows: list[list[Any]], r: int, schema: Schema, merged) -> _Header:
    top = _texts(rows[r])
    single = _Header(r, 1, top, _match_row(top, schema))
    if r + 1 >= len(rows) or _is_numbering_row(rows[r + 1]):
        return single
    sub = _texts(rows[r + 1])
    if not any(sub):
        return single
    group = _fill_merged_right(top, r, merged)  # a group header merged across its sub-headers
    grouped = _merged_columns(r, merged, len(top))
    options: list[list[_Option | None]] = []
    shown_names: list[str] = []
    for col, (g, s) in enumerate(zip(group, sub, strict=False)):
        shown_names.append(f"{g} - {s}" if g and s and g != s else (s or g))
        options.append([
            # the group and sub-header together: header keys only (a title's words must not count)
            schema._lookup(f"{g} {s}", keywords=False) if (g or s) else None,
            # the sub-header alone: keywords only under a merged group (a data row has none)
            schema._lookup(s, keywords=col in grouped) if s else None,
            # a cell merged down over both rows, or a header with nothing under it (keywords only then:
            # a title over the table, "DANH SÁCH NGƯỜI CHƯA CÓ CCCD", is no header of its first column)
            schema._lookup(top[col], keywords=not s) if top[col] else None,
        ])
    assigned = _assign(options)
    names = list(shown_names)
    contributes = False
    for col, i in assigned.values():
        if i == 2:
            names[col] = top[col]
            contributes = True
        elif i == 0 and group[col]:
            alone = schema._lookup(sub[col], keywords=False) if sub[col] else None
            contributes = contributes or alone is None or alone[0] is not options[col][0][0]
    found = {name: col for name, (col, _) in assigned.items()}
    if not contributes:
        # every field was found in the lower row alone: the upper row is a title ("DANH SÁCH HỘ … PHƯỜNG
        # THÀNH SEN" merged across the table) or a decoration, not a group header: the header is the
        # lower row by itself (found when the search reaches it)
        return single
    double = _Header(r, 2, names, found)
    return double if double.score > single.score else single


def _display_names(names: Sequence[str]) -> list[str]:
    """The frame column name of every column: its header, "Cột D" when empty, "(2)" for a repeat."""
    return _unique([name or f"Cột {_column_letter(col)}" for col, name in enumerate(names)])


def _with_mapping(header: _Header, schema: Schema, mapping: Mapping[str, str], *, detecting: bool) -> _Header:
    """The header with the user's mapping (shown header -> field name, "" to ignore) over the automatic one."""
    if not mapping:
        return header
    display = _display_names(header.names)
    position = {}
    for col, name in enumerate(display):
        position.setdefault(name, col)
    fields = dict(header.fields)
    ignored = set(header.ignored_cols)
    for shown, target in mapping.items():
        col = position.get(" ".join(strip_invisible(shown).split()))
        if col is None:
            continue  # not a column of this file (or of this candidate header row)
        if detecting and not header.names[col] and not header.fields:
            continue  # "Cột D" exists on every row: only once the row looks like a header
        for name, c in list(fields.items()):
            if c == col or name == target:
                del fields[name]
        if target:
            fields[target] = col
            ignored.discard(col)
        else:
            ignored.add(col)
    return replace(header, fields=fields, ignored_cols=frozenset(ignored))


def _check_mapping(schema: Schema, mapping: Mapping[str, str], name: str) -> None:
    known = {f.name for f in schema.fields}
    seen: dict[str, str] = {}
    for shown, target in mapping.items():
        if target and target not in known:
            raise ImportFileError(f"Tệp «{name}»: cột «{shown}» được chọn là «{target}», không có trong mẫu nhập.")
        if target and target in seen:
            header = schema.field(target).header
            raise ImportFileError(
                f"Tệp «{name}»: hai cột «{seen[target]}» và «{shown}» cùng được chọn là «{header}»; "
                "mỗi cột của mẫu chỉ chọn một cột trong tệp."
            )
        seen[target] = shown


def _find_header(rows: list[list[Any]], schema: Schema, merged,
                 mapping: Mapping[str, str] | None = None) -> tuple[_Header | None, _Header | None]:
    """(the header row, the best partial candidate)."""
    required = {f.name for f in schema.required}
    minimum = min(2, len(schema.fields))
    best: _Header | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(rows))):
        if not any(cell_text(v) for v in rows[r]):
            continue
        header = _header_at(rows, r, schema, merged)
        if mapping:
            header = _with_mapping(header, schema, mapping, detecting=True)
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

def read_table(
    path: Path | str,
    schema: Schema,
    *,
    sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None,
    display_name: str | None = None,
) -> RawTable:
    """Read the first table of a commune file that ``schema`` recognises (see module doc).

    ``mapping``: header as shown (``RawTable.headers``) -> field name, or "" to ignore the column;
    it overrides the automatic recognition. ``display_name``: the file name the user knows, used in
    every message instead of the stored file's name.
    """
    path = Path(path)
    name = display_name or path.name
    mapping = dict(mapping or {})
    _check_mapping(schema, mapping, name)
    if not path.is_file():
        raise ImportFileError(f"Không tìm thấy tệp «{display_name or path}».")
    kind = _sniff_kind(path, name)
    if kind == "csv":
        found = _locate_in_sheet(_read_csv(path), schema, name, mapping)
    else:
        workbook = _open_workbook(path, name)
        found = None
        best: tuple[_Sheet, _Header | None] | None = None
        for index in _sheet_indexes(workbook, sheet, name):
            calamine_sheet = workbook.get_sheet_by_index(index)  # parses the whole sheet, once
            head = _load_sheet(calamine_sheet, nrows=HEADER_SEARCH_ROWS + 2)
            header, partial = _find_header(head.rows, schema, head.merged, mapping)
            if header is not None:
                found = (_load_sheet(calamine_sheet), header)
                break
            if best is None or (partial and (best[1] is None or partial.score > best[1].score)):
                best = (head, partial)
        if found is None:
            _raise_not_found(name, schema, *(best or (None, None)))
    sheet_data, header = found
    header = _with_mapping(header, schema, mapping, detecting=False)
    return _build_raw(path, kind, sheet_data, header, schema, display_name=name)


def _locate_in_sheet(data: _Sheet, schema: Schema, name: str, mapping: Mapping[str, str]) -> tuple[_Sheet, _Header]:
    if not data.rows:
        raise ImportFileError(f"Tệp «{name}» rỗng, không có dữ liệu.")
    header, partial = _find_header(data.rows, schema, data.merged, mapping)
    if header is None:
        _raise_not_found(name, schema, data, partial)
    return data, header


def _raise_not_found(name: str, schema: Schema, data: _Sheet | None, partial: _Header | None):
    if data is not None and not any(any(cell_text(v) for v in r) for r in data.rows):
        raise ImportFileError(f"Tệp «{name}» rỗng, không có dữ liệu.")
    if partial is not None and partial.score >= min(2, len(schema.fields)):
        missing = [f for f in schema.required if f.name not in partial.fields]
        names = ", ".join(f"«{f.header}»" for f in missing)
        raise MissingColumnsError(
            f"Tệp «{name}» thiếu cột bắt buộc: {names} (dòng tiêu đề {partial.row + 1}). "
            "Hãy thêm cột hoặc sửa tên cột cho đúng mẫu.",
            missing=missing,
        )
    expected = ", ".join(f"«{f.header}»" for f in (schema.required or schema.fields))
    raise ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp «{name}». "
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


_ID_DIGITS = r"^(?:\d{9}|\d{12})$"
_ID_DIGITS_SHORT = r"^(?:\d{8}|\d{11})$"  # a number cell that lost its leading zero


def _suspect_identity(frame: pl.DataFrame, candidates: Sequence[tuple[str, int]], body: list[list[Any]],
                      start: int, kind: str) -> list[str]:
    """Ignored columns whose non-empty cells are mostly 9- or 12-digit numbers."""
    if not candidates or frame.height == 0:
        return []
    digits = {name: strip_invisible_expr(pl.col(name)).str.replace_all(r"[\s.]", "") for name, _ in candidates}
    counts = frame.select(
        *(d.is_not_null().sum().alias(f"filled{i}") for i, d in enumerate(digits.values())),
        *(d.str.contains(_ID_DIGITS).sum().alias(f"full{i}") for i, d in enumerate(digits.values())),
        *(d.str.contains(_ID_DIGITS_SHORT).sum().alias(f"short{i}") for i, d in enumerate(digits.values())),
    ).row(0, named=True)
    out = []
    for i, (name, col) in enumerate(candidates):
        filled, full, short = (counts[f"{k}{i}"] or 0 for k in ("filled", "full", "short"))
        if filled < SUSPECT_MIN_CELLS or full + short < SUSPECT_SHARE * filled:
            continue
        if full < SUSPECT_SHARE * filled and kind != "csv" and short:
            # 8/11 digits count only where the cell was a number in the workbook (a lost leading zero)
            rows = frame.filter(digits[name].str.contains(_ID_DIGITS_SHORT))[ROW].to_list()
            short = sum(1 for r in rows if isinstance(body[r - start - 1][col], int | float))
        if full + short >= SUSPECT_SHARE * filled:
            out.append(name)
    return out


def _build_raw(path: Path, kind: str, data: _Sheet, header: _Header, schema: Schema, *,
               display_name: str | None = None) -> RawTable:
    start = header.row + header.n_rows
    if start < len(data.rows) and _is_numbering_row(data.rows[start]):
        start += 1
    body = data.rows[start:]
    width = len(data.rows[0]) if data.rows else 0
    columns: dict[str, list[str | None]] = {}
    numeric: dict[str, pl.Series] = {}
    field_by_col = {col: schema.field(name) for name, col in header.fields.items()}
    header_names = [header.names[c] if c < len(header.names) else "" for c in range(width)]
    display = _display_names(header_names)
    recognised, ignored, letters, ambiguous = {}, [], {}, {}
    candidates: list[tuple[str, int]] = []  # ignored columns that may hold identity numbers
    for col in range(width):
        values = _column_texts(body, col)
        f = field_by_col.get(col)
        if not header_names[col] and f is None and all(v is None for v in values):
            continue
        name = display[col]
        columns[name] = values
        letters[name] = _column_letter(col)
        if f is None:
            ignored.append(name)
            if col not in header.ignored_cols:
                candidates.append((name, col))
                tied = schema.keyword_matches(header_names[col]) if header_names[col] else []
                if len(tied) > 1:
                    ambiguous[name] = [t.name for t in tied]
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
        display_name=display_name or path.name,
        suspect_identity_columns=_suspect_identity(frame, candidates, body, start, kind),
        ambiguous=ambiguous,
        column_letters=letters,
        field_headers={f.name: f.header for f in schema.fields},
    )


# ---------------------------------------------------------------- parse_columns

def _err(cond: pl.Expr, label: str, message: str | pl.Expr) -> pl.Expr:
    msg = pl.lit(f"{label}: {message}") if isinstance(message, str) else pl.concat_str(pl.lit(f"{label}: "), message)
    return pl.when(cond).then(msg).otherwise(pl.lit(None, dtype=pl.Utf8))


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("«"), expr, pl.lit("»"))


def _shown(expr: pl.Expr, limit: int = 40) -> pl.Expr:
    """The value quoted in a message, cut after ``limit`` characters."""
    return _quoted(pl.when(expr.str.len_chars() > limit)
                   .then(pl.concat_str(expr.str.slice(0, limit), pl.lit("…"))).otherwise(expr))


def _too_long(value: pl.Expr, f: Field, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(value is too long, its message) for ``Field.max_length``."""
    length = value.str.len_chars()
    cond = length > f.max_length
    message = pl.concat_str(pl.lit(f"{label}: "), _shown(value), pl.lit(" dài "), length.cast(pl.Utf8),
                            pl.lit(f" ký tự, tối đa {f.max_length} ký tự."))
    return cond, message


def _parse_text(raw: pl.Expr, f: Field, label: str, cell: pl.Expr | None = None) -> list[list[pl.Expr]]:
    """Two stages: the cleaned value, then the checks on it (each stage reads materialised columns:
    an expression used several times in one ``select`` is evaluated each time)."""
    cleaned = raw.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
    value = pl.col(f"{f.name}__val")
    formula = value.str.contains(_TEXT_FORMULA).fill_null(False)
    where = pl.concat_str(pl.lit("ô "), cell, pl.lit(" ")) if cell is not None else pl.lit("")
    formula_msg = pl.concat_str(
        pl.lit(f"{label}: "), where, _shown(value), pl.lit(" bắt đầu bằng ký tự công thức «"), value.str.slice(0, 1),
        pl.lit("» (Excel sẽ chạy như một công thức); hãy xoá ký tự đó ở đầu ô, chỉ ghi chữ, rồi nhập lại."),
    )
    error = pl.when(formula).then(formula_msg)
    bad = formula
    if f.max_length is not None:
        long_cond, long_msg = _too_long(value, f, label)
        error = error.when(long_cond).then(long_msg)
        bad = bad | long_cond.fill_null(False)
    return [
        [pl.when(cleaned != "").then(cleaned).alias(f"{f.name}__val")],
        [pl.when(~bad).then(value).alias(f.name), error.otherwise(pl.lit(None, dtype=pl.Utf8)).alias(f"{f.name}__err")],
    ]


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


def _parse_number_id(raw: pl.Expr, f: Field, label: str, numeric: pl.Expr) -> list[list[pl.Expr]]:
    """Two stages: the digits (a lost leading zero restored), then the checks on them."""
    text = raw.str.replace_all(r"[\s.\-()]", "")
    if f.kind == "phone":
        text = text.str.replace(r"^\+?84(\d{9,10})$", "0$1")
    restore = text.str.len_chars().is_in(list(_LENGTHS[f.kind]))
    restored = pl.when(numeric & restore & text.str.contains(r"^\d+$")).then(pl.concat_str(pl.lit("0"), text)).otherwise(text)
    value = pl.col(f"{f.name}__val")
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
        .when(~digits_ok).then(pl.concat_str(pl.lit(f"{label}: "), _shown(raw), pl.lit(" chỉ được gồm chữ số.")))
        .when(~length_ok).then(pl.concat_str(pl.lit(f"{label}: "), length_msg))
    )
    if f.max_length is not None:
        long_cond, long_msg = _too_long(value, f, label)
        error = error.when(long_cond).then(long_msg)
        ok = ok & ~long_cond
    return [[restored.alias(f"{f.name}__val")], [pl.when(ok).then(value).alias(f.name), error.alias(f"{f.name}__err")]]


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
    if f.precision is not None:
        date_values, precision, errors = _require_precision(s, f, label, date_values, precision, errors)
    return [date_values.alias(f.name), precision.alias(f"{f.name}_precision"), errors.alias(f"{f.name}__err")]


_PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_PRECISION_NEEDED = {
    "day": "cần ghi đủ ngày/tháng/năm (ví dụ 05/03/2020)",
    "month": "cần ghi ít nhất tháng/năm (ví dụ 03/2020)",
}
_PRECISION_GIVEN = {"year": "chỉ có năm", "month": "chỉ có tháng/năm"}


def _require_precision(s: pl.Series, f: Field, label: str, date_values: pl.Series, precision: pl.Series,
                       errors: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Refuse dates coarser than ``f.precision`` (a payment date "2020" is not 01/01/2020)."""
    frame = pl.DataFrame({"raw": s, "date": date_values, "precision": precision, "error": errors})
    rank = pl.col("precision").replace_strict(_PRECISION_RANK, default=None, return_dtype=pl.Int8)
    coarse = rank < _PRECISION_RANK[f.precision]
    message = pl.concat_str(
        pl.lit(f"{label}: "), _quoted(pl.col("raw")), pl.lit(" "),
        pl.col("precision").replace_strict(_PRECISION_GIVEN, default=""),
        pl.lit(f"; {_PRECISION_NEEDED.get(f.precision, '')}."),
    )
    out = frame.select(
        pl.when(coarse).then(None).otherwise(pl.col("date")).alias("date"),
        pl.when(coarse).then(None).otherwise(pl.col("precision")).alias("precision"),
        pl.when(coarse).then(message).otherwise(pl.col("error")).alias("error"),
    )
    return out["date"], out["precision"], out["error"]


_EXPR_PARSERS = {"int": _parse_int, "money": _parse_money}
_SERIES_PARSERS = {"bool": _parse_bool_series, "choice": _parse_choice_series}
_DTYPES = {"text": pl.Utf8, "date": pl.Date, "int": pl.Int64, "money": pl.Int64, "identity": pl.Utf8,
           "phone": pl.Utf8, "bool": pl.Boolean, "choice": pl.Utf8}


@dataclass
class _Plan:
    """What ``parse_columns`` computes, stage by stage."""

    first: list[pl.Expr]  # the cleaned cell texts (and the columns of absent fields), materialised once
    stages: list[list[pl.Expr]] = field(default_factory=lambda: [[], []])  # expression parsers (see _parse_text)
    by_series: list[tuple[Field, str, str]] = field(default_factory=list)  # (field, header, raw column)
    columns: list[str] = field(default_factory=list)  # outputs of expression parsers / absent fields, schema order
    late: list[str] = field(default_factory=list)  # outputs of the series parsers (after the others, as always)
    error_cols: list[tuple[int, str]] = field(default_factory=list)  # (position in the file, column)
    present: list[str] = field(default_factory=list)  # fields whose column is in the file

    def absent(self, f: Field) -> None:
        self.first.append(pl.lit(None, dtype=_DTYPES[f.kind]).alias(f.name))
        self.columns.append(f.name)
        if f.kind == "date":
            self.first.append(pl.lit(None, dtype=pl.Utf8).alias(f"{f.name}_precision"))
            self.columns.append(f"{f.name}_precision")
        if f.required:
            self.first.append(pl.lit(f"Thiếu cột «{f.header}».").alias(f"{f.name}__missing"))
            self.error_cols.append((-1, f"{f.name}__missing"))

    def column(self, raw: RawTable, f: Field, header: str) -> None:
        position = raw.headers.index(header)
        raw_name = f"{f.name}__raw"
        # invisible characters (zero-width space, BOM, ...) go, no-break spaces are spaces
        cleaned = strip_invisible_expr(pl.col(header)).str.strip_chars()
        self.first.append(pl.when(cleaned != "").then(cleaned).alias(raw_name))
        raw_col = pl.col(raw_name)
        self.present.append(f.name)
        if f.required:
            # only for an empty cell: a cell that is there but refused has its own message, never this one too
            self.stages[0].append(_err(raw_col.is_null(), header, "không được để trống.").alias(f"{f.name}__req"))
            self.error_cols.append((position, f"{f.name}__req"))
        self.error_cols.append((position, f"{f.name}__err"))
        if f.kind == "text":
            letter = raw.column_letters.get(header)
            cell = pl.concat_str(pl.lit(letter), pl.col(ROW).cast(pl.Utf8)) if letter else None
            parts = _parse_text(raw_col, f, header, cell)
        elif f.kind in _EXPR_PARSERS:
            parts = [_EXPR_PARSERS[f.kind](raw_col, f, header)]
        elif f.kind in ("identity", "phone"):
            numeric = raw.numeric.get(header)
            parts = _parse_number_id(raw_col, f, header, pl.lit(numeric) if numeric is not None else pl.lit(False))
        else:
            self.by_series.append((f, header, raw_name))
            self.late.extend([f.name, f"{f.name}_precision"] if f.kind == "date" else [f.name])
            return
        for i, exprs in enumerate(parts):
            self.stages[i].extend(exprs)
        self.columns.append(f.name)


def parse_columns(raw: RawTable, schema: Schema, *, today: dt.date | None = None) -> pl.DataFrame:
    """Typed columns + ``_errors`` + ``_refused`` (see module doc). One row per row of ``raw.frame``."""
    today = today or current_date()
    plan = _Plan(first=[pl.col(ROW)])
    for f in schema.fields:
        header = raw.recognised.get(f.name)
        if header is None:
            plan.absent(f)
        else:
            plan.column(raw, f, header)
    work = raw.frame.select(plan.first)
    for exprs in plan.stages:
        if exprs:
            work = work.with_columns(exprs)
    series: list[pl.Series] = []
    for f, header, raw_name in plan.by_series:
        s = work[raw_name].alias(header)
        if f.kind == "date":
            series.extend(_parse_date_series(s, f, header, today))
        else:
            series.extend(_SERIES_PARSERS[f.kind](s, f, header))
    if series:
        work = work.with_columns(series)
    ordered = [c for _, c in sorted(plan.error_cols, key=lambda pc: pc[0])]
    errors = pl.concat_list(pl.col(c) for c in ordered).list.drop_nulls() if ordered else pl.lit(
        [], dtype=pl.List(pl.Utf8))
    refused = pl.concat_list(
        pl.when(pl.col(f"{n}__raw").is_not_null() & pl.col(n).is_null()).then(pl.lit(n)).otherwise(pl.lit(None, dtype=pl.Utf8))
        for n in plan.present
    ).list.drop_nulls() if plan.present else pl.lit([], dtype=pl.List(pl.Utf8))
    return work.select(ROW, *plan.columns, *plan.late, errors.alias(ERRORS), refused.alias(REFUSED))


def has_errors() -> pl.Expr:
    return pl.col(ERRORS).list.len() > 0


def is_blank(name: str) -> pl.Expr:
    """The field's cell was empty (or its column absent) — not filled with a value that was refused.

    Use it, not ``pl.col(name).is_null()``, for a domain rule "X is required when …": a refused
    value already has its message («Ngày 31/02/2020 không tồn tại»), a second «thiếu …» would
    contradict it.

    >>> frame = add_errors(frame, paid & is_blank("paid_date"), "Đã chi trả nhưng thiếu ngày chi trả.")
    """
    return pl.col(name).is_null() & ~pl.col(REFUSED).list.contains(pl.lit(name))


def is_refused(name: str) -> pl.Expr:
    """The field's cell had a value that was refused (its message is in ``_errors``)."""
    return pl.col(REFUSED).list.contains(pl.lit(name))


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV a spreadsheet will open: a string starting with = + - @ tab or CR gets a "'"
    in front so it is shown as text and never run as a formula; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_safe_expr(expr: pl.Expr) -> pl.Expr:
    """``csv_safe`` as a Polars expression, for text columns (write numbers as numbers)."""
    return pl.when(expr.str.contains(_CSV_FORMULA)).then(pl.concat_str(pl.lit("'"), expr)).otherwise(expr)


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
            ("Tệp", raw.display_name or raw.source.name),
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
