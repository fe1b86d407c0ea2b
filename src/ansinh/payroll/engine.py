"""Stateless payroll settlement: what each beneficiary is owed, month by month, against what was paid.

No Django here (like ``ansinh.policy``): the command ``ansinh payroll settle`` and, later, the database
payroll both call :func:`settle` — one implementation.

Inputs (polars frames; every cell may be text as read from a CSV, or already typed):

- ``beneficiaries``: ``person_id, register, ncc_category, ncc_martyr_count, ncc_injury_rate,
  tgxh_category, birth_date, is_urban, start_month, death_date`` — one row per person and register
  (``ncc`` or ``tgxh``; the same person may be in both); dates ``YYYY-MM-DD``, ``start_month``
  ``YYYY-MM``, ``is_urban`` true/false/1/0/empty. Only the columns of the row's register are read
  (``ncc_*`` for ``ncc``; ``tgxh_category`` and ``birth_date`` for ``tgxh``); ``person_id``, ``register``
  and ``start_month`` are required columns, an absent optional column is read as empty, other columns are
  ignored (warning).
- ``paid``: ``person_id, register, month, kind, amount`` — what was already paid for each month.

Registers settled: ``ncc`` and ``tgxh`` by default (the command). ``registers=ALL_REGISTERS`` adds
``topup``, the Hà Tĩnh top-up (NQ 151/2019, ``hatinh_topup_amount`` with ``hatinh_topup_eligible`` true):
its row's ``tgxh_category`` and ``birth_date`` (empty: no social assistance received) give the
``tgxh_monthly_allowance`` the top-up is reduced by, ``is_urban`` the level; the database payroll uses it.
``one_offs=("funeral_support",)`` adds a ``funeral_support`` line in the month of death (``ncc_funeral_support``
or ``tgxh_funeral_support``) unless P shows it paid; the command never asks for it.

An optional column ``end_month`` (``YYYY-MM``) is the last month a row is entitled: with it a person may have
several rows in one register — segments after a rate change, a suspension and its resumption — whose month
ranges must not overlap (two rows without ``end_month`` always overlap: the duplicate refusal). Payments and
lines belong to the person and register, whatever the segment. An optional ``from_month`` is the first month
settled here: earlier months were settled by the system used before (their entitlement and their payments are not
looked at), e.g. a register taken over with its history. Facts the B format
cannot carry take the rules' defaults: ``ncc_seniority_years`` 0 (a ``pre_1945_cadre`` then gets no
seniority supplement — a warning says so), ``ncc_especially_severe`` and ``ncc_living_alone`` false.

Output: ``person_id, register, month, kind, amount`` with ``kind`` in ``regular``, ``arrears``,
``recovery``, ``death_lump_sum``; ``month`` is the entitlement month the line settles; amounts are integer
đồng, recoveries negative; sorted by beneficiary row, month, kind.

Rules (POLICY.md §3):

- Every month from ``start_month`` to ``period`` is entitled as the rules stand *now* (with the approved
  administrator additions), through the month of death: NCC ``ncc_monthly_allowance`` (which is itself 0
  from the month after ``death_date``), TGXH ``tgxh_monthly_allowance`` (which ignores ``death_date``:
  the engine stops it from the month after death). Both registers are cut at the same month, so the rule is
  applied once and never shifted.
- Paid for a month = the sum of every ``paid`` row of that person, register and month except
  ``death_lump_sum``. For a month before ``period``: entitlement − paid > 0 is ``arrears``, < 0
  ``recovery``. For ``period`` itself: > 0 is ``regular`` (so a re-run after payment gives nothing),
  < 0 ``recovery`` (e.g. the period was paid and the death, before it, is reported late). Paid months
  outside the entitled range (before the start, after the death) are entitled 0: recovered.
- A death in a settled month (≤ ``period``) of an NCC beneficiary gives one ``death_lump_sum`` line in the
  month of death: ``ncc_death_lump_sum`` = 3 × the month-of-death allowance as it stands now — unless a
  ``paid`` row of kind ``death_lump_sum`` exists for that person (then nothing, with a warning if the amount
  paid differs from today's: the difference is left to a decision). A death after ``period`` is settled
  when that month is.
- ``paid`` rows for months after ``period`` are ignored (warning): they belong to a later settlement.
- A ``paid`` row for a person/register absent from ``beneficiaries`` is an **error**: the engine cannot
  recover a payment it cannot attribute, and ignoring it would hide an overpayment. Keep the person in
  the beneficiaries (with the death date, for instance) or take the rows out of ``paid`` explicitly.

Vectorised: the beneficiaries are checked with polars expressions (no loop over rows); the rules are
computed with :func:`ansinh.policy.bridge.compute` **once per month** for every row entitled that month
(the loop is over months, never over persons), and the settlement is a join of the entitlements with the
payments.

Errors: :class:`PayrollInputError` (``.problems``: one :class:`Problem` per wrong row, naming the line —
the header is line 1 — the person and the register; every wrong row at once) and :class:`PayrollRuleError`
(a parameter empty or absent for a month, e.g. the NĐ 58/2019 tables before 2021-07: names the parameter,
the months and the persons who need it). Both are ``ValueError`` with Vietnamese messages. Refused rows:
unknown category (``none`` included: a register row has a category), injury rate missing or outside the
annex range of its category (``RATE_RANGES`` of the rules), martyr count missing or < 1 for
``martyr_relative``, register not ``ncc``/``tgxh``, malformed or impossible dates and months, start month
after the month of death, death before birth, period before the start month, duplicate person and
register, TGXH without birth date; in ``paid``: malformed month, kind or amount (integer đồng), a
``death_lump_sum`` on ``tgxh``, and a person/register absent from ``beneficiaries``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from openfisca_core.errors import ParameterNotFoundError

from ansinh.core.formatting import vn_number
from ansinh.policy.bridge import (
    ParameterAddition,
    ParameterAdditionError,
    build_tax_benefit_system,
    compute,
    find_parameter,
)
from ansinh.policy.variables.common import InvalidInputError, UnsetParameterError
from ansinh.policy.variables.enums import NccCategory, TgxhCategory
from ansinh.policy.variables.ncc import RATE_RANGES

BENEFICIARY_COLUMNS = (
    "person_id",
    "register",
    "ncc_category",
    "ncc_martyr_count",
    "ncc_injury_rate",
    "tgxh_category",
    "birth_date",
    "is_urban",
    "start_month",
    "death_date",
)
# Optional: the last entitled month of the row. With it a person may have several rows in one register
# (segments: a rate change, a suspension and its resumption), their month ranges never overlapping.
# ``from_month``: the first month the row is settled here — months before it were settled elsewhere (the system
# used before), so neither their entitlement nor their payments are looked at.
EXTRA_BENEFICIARY_COLUMNS = ("end_month", "from_month")
PAID_COLUMNS = ("person_id", "register", "month", "kind", "amount")
OUT_COLUMNS = PAID_COLUMNS
REGISTERS = ("ncc", "tgxh")  # the registers the command settles (the default)
ALL_REGISTERS = ("ncc", "tgxh", "topup")  # topup: the Hà Tĩnh NQ 151/2019 top-up (``registers=ALL_REGISTERS``)
KINDS = ("regular", "arrears", "recovery", "death_lump_sum")
ONE_OFF_KINDS = ("funeral_support",)  # asked for with ``one_offs=`` (the database payroll does)
ALL_KINDS = KINDS + ONE_OFF_KINDS
FUNERAL_VARIABLES = {"ncc": "ncc_funeral_support", "tgxh": "tgxh_funeral_support"}
AMOUNT_VARIABLES = {"ncc": "ncc_monthly_allowance", "tgxh": "tgxh_monthly_allowance", "topup": "hatinh_topup_amount"}
REQUIRED_BENEFICIARY_COLUMNS = ("person_id", "register", "start_month")
DEFAULT_LABELS = ("danh sách hưởng", "danh sách đã chi")

NCC_CATEGORIES = tuple(c.name for c in NccCategory if c.name != "none")
TGXH_CATEGORIES = tuple(c.name for c in TgxhCategory if c.name != "none")
RATE_CATEGORIES = {category.name: bounds for category, bounds in RATE_RANGES.items()}

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
INTEGER_PATTERN = r"^[+-]?\d+(\.0+)?$"
BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}
PLACEHOLDER_BIRTH = "1900-01-01"  # NCC rows without a birth date: no NCC rule reads it
NOT_DECEASED = "9999-12-31"  # the default of ``death_date`` in the rules
MAX_LISTED = 5


class PayrollWarning(UserWarning):
    """Something the settlement did but the caller should know (ignored rows, missing facts)."""


@dataclass(frozen=True)
class Problem:
    """One wrong input row (``line`` counts the header as line 1, as a spreadsheet shows it)."""

    source: str
    line: int | None
    person_id: str | None
    register: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, dòng {self.line}"
        if self.line is None and self.person_id is None:
            return f"{where}: {self.message}"
        who = f"mã {self.person_id}" if self.person_id is not None else "mã trống"
        described = f"{where} ({who}, {self.register or 'register trống'})"
        return f"{described}: {self.message}" if self.message else described


class PayrollError(ValueError):
    """Base of the settlement's refusals (nothing is settled)."""


class PayrollInputError(PayrollError):
    """Some input rows are wrong; ``problems`` lists each of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = f"\n  … và {len(self.problems) - 20} lỗi khác." if len(self.problems) > 20 else ""
        super().__init__(f"Dữ liệu đầu vào có {len(self.problems)} lỗi, chưa quyết toán:\n{shown}{more}")


class PayrollRuleError(PayrollError):
    """A parameter the rules need is empty (or absent) for some months: nothing is settled.

    ``failures``: one :class:`RuleFailure` per parameter (the months, the persons who need it).
    """

    def __init__(self, failures: Sequence[RuleFailure]) -> None:
        self.failures = list(failures)
        super().__init__("\n".join(str(f) for f in self.failures))


@dataclass
class RuleFailure:
    parameter: str
    months: list[str] = field(default_factory=list)
    persons: list[Problem] = field(default_factory=list)
    person_count: int = 0
    keys: set[int] = field(default_factory=set, repr=False)

    def __str__(self) -> str:
        message = (
            f"Tham số «{self.parameter}» chưa có giá trị cho tháng {_month_ranges(self.months)}: quy định"
            " chưa được xác minh hoặc văn bản chưa có hiệu lực; quản trị viên cần nhập giá trị kèm căn cứ"
            " pháp lý trước khi quyết toán."
        )
        if self.persons:
            shown = "; ".join(str(p) for p in self.persons[:MAX_LISTED])
            more = " …" if self.person_count > MAX_LISTED else ""
            message += f" Người cần tham số này ({vn_number(self.person_count)} người): {shown}{more}"
        return message


@dataclass(frozen=True)
class Settlement:
    lines: pl.DataFrame
    warnings: list[str]


@dataclass(frozen=True)
class _Options:
    """What a settlement covers beyond the command's default (the database payroll asks for more)."""

    registers: tuple[str, ...] = REGISTERS
    one_offs: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS + self.one_offs

    @property
    def register_text(self) -> str:
        return " hoặc ".join(self.registers) if len(self.registers) == 2 else (
            ", ".join(self.registers[:-1]) + " hoặc " + self.registers[-1])


def _options(registers: Sequence[str], one_offs: Sequence[str]) -> _Options:
    registers, one_offs = tuple(registers), tuple(one_offs)
    unknown = [r for r in registers if r not in ALL_REGISTERS] + [k for k in one_offs if k not in ONE_OFF_KINDS]
    if unknown or not registers:
        raise ValueError(f"registers/one_offs không hợp lệ: {unknown or registers}")
    return _Options(registers=registers, one_offs=one_offs)


def settle(
    beneficiaries: pl.DataFrame,
    paid: pl.DataFrame,
    *,
    period: str,
    additions: Iterable[ParameterAddition] = (),
    registers: Sequence[str] = REGISTERS,
    one_offs: Sequence[str] = (),
) -> pl.DataFrame:
    """The settlement lines of ``period`` (see the module documentation); warnings as ``PayrollWarning``.

    ``registers``: the registers accepted (default ``ncc``, ``tgxh``; ``ALL_REGISTERS`` adds ``topup``);
    ``one_offs``: extra one-off kinds to settle (``("funeral_support",)``). Raises
    :class:`PayrollInputError` or :class:`PayrollRuleError`; never returns a partial result.
    """
    result = settle_with_report(beneficiaries, paid, period=period, additions=additions, registers=registers,
                                one_offs=one_offs)
    for message in result.warnings:
        warnings.warn(message, PayrollWarning, stacklevel=2)
    return result.lines


def settle_with_report(
    beneficiaries: pl.DataFrame,
    paid: pl.DataFrame | None,
    *,
    period: str,
    additions: Iterable[ParameterAddition] = (),
    labels: tuple[str, str] = DEFAULT_LABELS,
    registers: Sequence[str] = REGISTERS,
    one_offs: Sequence[str] = (),
) -> Settlement:
    """:func:`settle` returning the warnings too; ``labels`` name the two inputs in messages."""
    options = _options(registers, one_offs)
    additions = tuple(additions)
    period_index = _parse_period(period)
    try:
        build_tax_benefit_system(additions)
    except ParameterAdditionError as error:
        raise PayrollInputError([Problem("tham số bổ sung", None, None, None, str(error))]) from None
    b_label, p_label = labels
    if paid is None or paid.width == 0:  # nothing paid yet
        paid = pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in PAID_COLUMNS})
    register, problems, notes = _prepare_beneficiaries(beneficiaries, period_index, b_label, options)
    payments, paid_problems, paid_notes = _prepare_paid(paid, register, period_index, p_label, options)
    problems += paid_problems
    if problems:
        raise PayrollInputError(sorted(problems, key=lambda p: (p.source != b_label, p.line or 0)))
    entitled, one_off_lines = _entitlements(register, period_index, additions, b_label, options)
    lines, lump_notes = _settle_lines(register, entitled, one_off_lines, payments, period_index, options)
    notes += paid_notes + lump_notes + _zero_notes(register, entitled, b_label)
    return Settlement(lines=lines, warnings=notes)


# --- months ---------------------------------------------------------------------------------------


def _parse_period(period: str) -> int:
    text = str(period).strip()
    if not re.match(MONTH_PATTERN, text):
        raise PayrollInputError(
            [Problem("kỳ quyết toán", None, None, None, f"«{period}» không đúng dạng YYYY-MM (ví dụ 2023-09).")]
        )
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_expr(index: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        (index // 12).cast(pl.String).str.zfill(4), pl.lit("-"), (index % 12 + 1).cast(pl.String).str.zfill(2)
    )


def _month_index(text: pl.Expr) -> pl.Expr:
    """``YYYY-MM`` text → year × 12 + month − 1 (null when malformed)."""
    valid = text.str.contains(MONTH_PATTERN)
    value = text.str.slice(0, 4).cast(pl.Int64, strict=False) * 12 + text.str.slice(5, 2).cast(
        pl.Int64, strict=False
    ) - 1
    return pl.when(valid).then(value).otherwise(None)


def _month_ranges(months: Sequence[str]) -> str:
    """["2021-05", "2021-06", "2021-08"] → "2021-05..2021-06, 2021-08"."""
    indexes = sorted({int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months})
    parts, start = [], None
    for position, index in enumerate(indexes):
        if start is None:
            start = index
        if position + 1 == len(indexes) or indexes[position + 1] != index + 1:
            parts.append(month_text(start) if start == index else f"{month_text(start)}..{month_text(index)}")
            start = None
    return ", ".join(parts)


# --- input normalisation --------------------------------------------------------------------------


def _as_text(frame: pl.DataFrame, columns: Sequence[str], month_columns: set[str]) -> pl.DataFrame:
    """Every expected column as stripped text (empty → null; absent → null); ``_line`` = file line."""
    renamed = {name: name.lstrip("\ufeff").strip() for name in frame.columns}
    frame = frame.rename(renamed)
    objects = [name for name, dtype in frame.schema.items() if dtype == pl.Object]
    if objects:  # Python objects (e.g. numpy arrays of str and None): through their text, once
        frame = frame.with_columns(
            pl.Series(name, [None if v is None else str(v) for v in frame[name].to_list()], dtype=pl.String)
            for name in objects
        )
    expressions = []
    for name in columns:
        if name not in frame.columns:
            expressions.append(pl.lit(None, dtype=pl.String).alias(name))
            continue
        column = pl.col(name)
        dtype = frame.schema[name]
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            text = column.dt.strftime("%Y-%m" if name in month_columns else "%Y-%m-%d")
        else:
            text = column.cast(pl.String)
        text = text.str.strip_chars()
        expressions.append(pl.when(text == "").then(None).otherwise(text).alias(name))
    return frame.select(*expressions).with_row_index("_line", offset=2).with_columns(
        pl.col("_line").cast(pl.Int64)
    )


def _integer(name: str) -> pl.Expr:
    text = pl.col(name)
    return pl.when(text.str.contains(INTEGER_PATTERN)).then(
        text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    )


def _date(name: str) -> pl.Expr:
    text = pl.col(name)
    return pl.when(text.str.contains(DATE_PATTERN)).then(text.str.to_date("%Y-%m-%d", strict=False))


def _problems(frame: pl.DataFrame, checks: Sequence[tuple[pl.Expr, pl.Expr]], source: str) -> list[Problem]:
    """One Problem per (row, failed check): ``checks`` are (mask, message) expressions (vectorised)."""
    parts = [
        frame.filter(mask.fill_null(False)).select(
            "_line", "person_id", "register", message.cast(pl.String).alias("_message")
        )
        for mask, message in checks
    ]
    found = pl.concat(parts).sort("_line", maintain_order=True)
    return [
        Problem(source, line, person, register, message)
        for line, person, register, message in found.iter_rows()
    ]


# --- beneficiaries ----------------------------------------------------------------------------------


def _prepare_beneficiaries(
    frame: pl.DataFrame, period: int, label: str, options: _Options = _Options()
) -> tuple[pl.DataFrame, list[Problem], list[str]]:
    """Parsed register (one row per beneficiary row, ``_key`` = row index; ``_bkey`` = the key of the first
    row of the same person and register, which payments and settlement lines are attributed to) and the
    problems of its rows."""
    present = {name.lstrip("\ufeff").strip() for name in frame.columns}
    missing = [name for name in REQUIRED_BENEFICIARY_COLUMNS if name not in present]
    if missing:
        raise PayrollInputError(
            [Problem(label, None, None, None, f"thiếu cột {', '.join(missing)} (cần các cột "
                     f"{','.join(BENEFICIARY_COLUMNS)}).")]
        )
    notes = []
    columns = BENEFICIARY_COLUMNS + EXTRA_BENEFICIARY_COLUMNS
    unused = sorted(present - set(columns))
    if unused:
        notes.append(f"{label}: các cột không dùng đến bị bỏ qua: {', '.join(unused)}.")
    text = _as_text(frame, columns, {"start_month", "end_month", "from_month"})
    original = frame.rename({name: name.lstrip("\ufeff").strip() for name in frame.columns})["person_id"]
    if original.dtype == pl.String:  # codes as read: stripped; typed codes (integers) keep their type
        original = text["person_id"]
    parsed = text.with_row_index("_key").with_columns(
        original.alias("_person_original"),
        _integer("ncc_martyr_count").alias("_martyrs"),
        _integer("ncc_injury_rate").alias("_rate"),
        _date("birth_date").alias("_birth"),
        _date("death_date").alias("_death"),
        _month_index(pl.col("start_month")).alias("_start"),
        _month_index(pl.col("end_month")).alias("_end"),
        _month_index(pl.col("from_month")).alias("_from"),
        pl.col("is_urban").str.to_lowercase().replace_strict(BOOLEAN_VALUES, default=None,
                                                             return_dtype=pl.Boolean).alias("_urban"),
        pl.col("_line").min().over("person_id", "register").alias("_first_line"),
        pl.col("_key").min().over("person_id", "register").alias("_bkey"),
    ).with_columns(
        (pl.col("_death").dt.year().cast(pl.Int64) * 12 + pl.col("_death").dt.month().cast(pl.Int64) - 1)
        .alias("_death_month"),
    )
    parsed = _with_overlaps(parsed)
    problems = _problems(parsed, _beneficiary_checks(period, options), label)
    parsed = parsed.with_columns(
        pl.min_horizontal(pl.lit(period), pl.col("_death_month"), pl.col("_end")).alias("_last"),
        pl.max_horizontal("_start", "_from").alias("_first"),
        pl.col("_from").min().over("person_id", "register").alias("_from_b"),
    )
    return parsed, problems, notes + _limitation_notes(parsed, label)


def _with_overlaps(parsed: pl.DataFrame) -> pl.DataFrame:
    """``_overlap``: the first earlier line of the same person and register whose months overlap this row's
    (null when none). Rows without ``end_month`` run to the period, so two of them always overlap."""
    far = 10**9
    spans = parsed.filter(pl.col("person_id").is_not_null() & pl.col("register").is_not_null()).select(
        "_line", "person_id", "register", pl.col("_start").fill_null(-far).alias("_s"),
        pl.col("_end").fill_null(far).alias("_e"))
    grouped = spans.filter(pl.len().over("person_id", "register") > 1)
    if grouped.is_empty():
        return parsed.with_columns(pl.lit(None, dtype=pl.Int64).alias("_overlap"))
    pairs = grouped.join(grouped, on=["person_id", "register"], suffix="_o").filter(
        (pl.col("_line_o") < pl.col("_line")) & (pl.col("_s") <= pl.col("_e_o")) & (pl.col("_s_o") <= pl.col("_e")))
    overlaps = pairs.group_by("_line").agg(pl.col("_line_o").min().alias("_overlap"))
    return parsed.join(overlaps, on="_line", how="left", maintain_order="left")


def _beneficiary_checks(period: int, options: _Options = _Options()) -> list[tuple[pl.Expr, pl.Expr]]:
    register, ncc, tgxh = pl.col("register"), pl.col("register") == "ncc", pl.col("register") == "tgxh"
    topup = pl.col("register") == "topup"
    category = pl.col("ncc_category")
    tgxh_category = pl.col("tgxh_category")
    checks = [
        (pl.col("person_id").is_null(), pl.lit("thiếu mã người (person_id).")),
        (register.is_null(), pl.lit(f"thiếu register ({options.register_text}).")),
        (register.is_not_null() & ~register.is_in(options.registers),
         pl.format(f"register «{{}}» không hợp lệ: chỉ nhận {options.register_text}.", register)),
        (pl.col("_overlap").is_not_null(),
         pl.format("trùng mã người và register với dòng {}.", pl.col("_overlap"))),
        (pl.col("start_month").is_null(), pl.lit("thiếu tháng bắt đầu hưởng (start_month, dạng YYYY-MM).")),
        (pl.col("start_month").is_not_null() & pl.col("_start").is_null(),
         pl.format("tháng bắt đầu hưởng «{}» không đúng dạng YYYY-MM.", pl.col("start_month"))),
        (pl.col("end_month").is_not_null() & pl.col("_end").is_null(),
         pl.format("tháng cuối được hưởng «{}» không đúng dạng YYYY-MM.", pl.col("end_month"))),
        (pl.col("from_month").is_not_null() & pl.col("_from").is_null(),
         pl.format("tháng bắt đầu quyết toán «{}» không đúng dạng YYYY-MM.", pl.col("from_month"))),
        (pl.col("_end") < pl.col("_start"),
         pl.format("tháng cuối được hưởng {} trước tháng bắt đầu hưởng {}.", pl.col("end_month"),
                   pl.col("start_month"))),
        (pl.col("is_urban").is_not_null() & pl.col("_urban").is_null(),
         pl.format("is_urban «{}» không hợp lệ: chỉ nhận true, false, 1, 0 hoặc để trống.", pl.col("is_urban"))),
        (pl.col("death_date").is_not_null() & pl.col("_death").is_null(),
         pl.format("ngày chết «{}» không phải ngày có thật dạng YYYY-MM-DD.", pl.col("death_date"))),
        (pl.col("birth_date").is_not_null() & pl.col("_birth").is_null(),
         pl.format("ngày sinh «{}» không phải ngày có thật dạng YYYY-MM-DD.", pl.col("birth_date"))),
        ((tgxh | (topup & tgxh_category.is_not_null())) & pl.col("birth_date").is_null(),
         pl.lit("thiếu ngày sinh (birth_date): cần để tính tuổi theo diện trợ giúp xã hội.")),
        (pl.col("_death") < pl.col("_birth"),
         pl.format("ngày chết {} trước ngày sinh {}.", pl.col("death_date"), pl.col("birth_date"))),
        (pl.col("_death_month") < pl.col("_start"),
         pl.format("tháng bắt đầu hưởng {} sau tháng chết (ngày chết {}): chết trước khi bắt đầu hưởng.",
                   pl.col("start_month"), pl.col("death_date"))),
        (pl.col("_start") > period,
         pl.format("kỳ quyết toán {} trước tháng bắt đầu hưởng {}.", pl.lit(month_text(period)),
                   pl.col("start_month"))),
        (ncc & category.is_null(), pl.lit("thiếu diện người có công (ncc_category).")),
        (ncc & category.is_not_null() & ~category.is_in(NCC_CATEGORIES),
         pl.format("diện người có công «{}» không có trong danh mục ({}).", category,
                   pl.lit(", ".join(NCC_CATEGORIES)))),
        (tgxh & tgxh_category.is_null(), pl.lit("thiếu diện trợ giúp xã hội (tgxh_category).")),
        ((tgxh | topup) & tgxh_category.is_not_null() & ~tgxh_category.is_in(TGXH_CATEGORIES),
         pl.format("diện trợ giúp xã hội «{}» không có trong danh mục ({}).", tgxh_category,
                   pl.lit(", ".join(TGXH_CATEGORIES)))),
    ]
    return checks + _ncc_number_checks()


def _ncc_number_checks() -> list[tuple[pl.Expr, pl.Expr]]:
    ncc, category = pl.col("register") == "ncc", pl.col("ncc_category")
    relative = ncc & (category == "martyr_relative")
    checks = [
        (ncc & pl.col("ncc_martyr_count").is_not_null() & pl.col("_martyrs").is_null(),
         pl.format("số liệt sĩ «{}» không phải số nguyên.", pl.col("ncc_martyr_count"))),
        (ncc & pl.col("ncc_injury_rate").is_not_null() & pl.col("_rate").is_null(),
         pl.format("tỷ lệ tổn thương «{}» không phải số nguyên (phần trăm).", pl.col("ncc_injury_rate"))),
        (relative & pl.col("ncc_martyr_count").is_null(),
         pl.lit("thiếu số liệt sĩ (ncc_martyr_count) cho diện martyr_relative.")),
        (relative & (pl.col("_martyrs") < 1),
         pl.format("số liệt sĩ {} không hợp lệ: diện martyr_relative cần từ 1 liệt sĩ trở lên.",
                   pl.col("_martyrs"))),
    ]
    for name, (low, high) in RATE_CATEGORIES.items():
        of_category = ncc & (category == name)
        checks += [
            (of_category & pl.col("ncc_injury_rate").is_null(),
             pl.lit(f"thiếu tỷ lệ tổn thương (ncc_injury_rate) cho diện {name} ({low}–{high}%).")),
            (of_category & ((pl.col("_rate") < low) | (pl.col("_rate") > high)),
             pl.format(f"tỷ lệ tổn thương {{}}% ngoài phạm vi của phụ lục cho diện {name}: từ {low}% đến {high}%.",
                       pl.col("_rate"))),
        ]
    return checks


def _limitation_notes(parsed: pl.DataFrame, label: str) -> list[str]:
    """Facts the B format cannot carry: said, not guessed."""
    detached = parsed.filter((pl.col("register") == "ncc") & (pl.col("ncc_category") == "pre_1945_cadre"))
    if detached.is_empty():
        return []
    ids = ", ".join(str(i) for i in detached["person_id"].head(MAX_LISTED).to_list())
    return [
        f"{label}: {vn_number(detached.height)} người diện pre_1945_cadre (thoát ly) (mã {ids}"
        f"{' …' if detached.height > MAX_LISTED else ''}): tệp không có số năm thâm niên nên phụ cấp theo"
        " thâm niên được tính bằng 0 — kiểm tra lại."
    ]


# --- payments ---------------------------------------------------------------------------------------


def _prepare_paid(
    frame: pl.DataFrame, register: pl.DataFrame, period: int, label: str, options: _Options = _Options()
) -> tuple[pl.DataFrame, list[Problem], list[str]]:
    present = {name.lstrip("\ufeff").strip() for name in frame.columns}
    missing = [name for name in PAID_COLUMNS if name not in present]
    if missing:
        raise PayrollInputError(
            [Problem(label, None, None, None, f"thiếu cột {', '.join(missing)} (cần các cột "
                     f"{','.join(PAID_COLUMNS)}).")]
        )
    text = _as_text(frame, PAID_COLUMNS, {"month"})
    keys = register.filter(pl.col("_line") == pl.col("_first_line")).select(
        "person_id", "register", "_key", "_from_b"
    )
    parsed = text.with_columns(
        _month_index(pl.col("month")).alias("_month"), _integer("amount").alias("_amount")
    ).join(keys, on=["person_id", "register"], how="left", maintain_order="left")
    known = pl.col("person_id").is_not_null() & pl.col("register").is_in(options.registers)
    kinds = options.kinds
    checks = [
        (pl.col("person_id").is_null(), pl.lit("thiếu mã người (person_id).")),
        (~pl.col("register").is_in(options.registers).fill_null(False),
         pl.format(f"register «{{}}» không hợp lệ: chỉ nhận {options.register_text}.",
                   pl.col("register").fill_null(""))),
        (pl.col("_month").is_null(),
         pl.format("tháng «{}» không đúng dạng YYYY-MM.", pl.col("month").fill_null(""))),
        (~pl.col("kind").is_in(kinds).fill_null(False),
         pl.format("loại khoản «{}» không hợp lệ: chỉ nhận {}.", pl.col("kind").fill_null(""),
                   pl.lit(", ".join(kinds)))),
        (pl.col("_amount").is_null(),
         pl.format("số tiền «{}» không phải số nguyên (đồng).", pl.col("amount").fill_null(""))),
        ((pl.col("register") == "tgxh") & (pl.col("kind") == "death_lump_sum"),
         pl.lit("trợ giúp xã hội không có khoản death_lump_sum (chỉ người có công).")),
        ((pl.col("register") == "topup") & pl.col("kind").is_in(["death_lump_sum", "funeral_support"]),
         pl.lit("hỗ trợ thu nhập (topup) không có khoản chi một lần khi chết.")),
        (known & pl.col("_key").is_null(),
         pl.lit("người này không có trong danh sách hưởng với register này: không quyết toán được khoản đã chi"
                " (giữ người đó trong danh sách hưởng, ví dụ với ngày chết, hoặc bỏ dòng này khỏi tệp đã chi).")),
    ]
    problems = _problems(parsed, checks, label)
    later = parsed.filter(pl.col("_month") > period)
    notes = []
    if later.height:
        notes.append(
            f"{label}: {vn_number(later.height)} dòng đã chi cho tháng sau kỳ {month_text(period)} không được tính"
            " (sẽ quyết toán ở kỳ của tháng đó)."
        )
    settled = pl.col("_from_b").is_null() | (pl.col("_month") >= pl.col("_from_b"))
    return parsed.filter(settled).select("_key", "_month", "kind", "_amount"), problems, notes


# --- entitlements -----------------------------------------------------------------------------------


def _rules_frame(register: pl.DataFrame) -> pl.DataFrame:
    """The persons frame of ``bridge.compute`` for every row (filtered per month)."""
    ncc, tgxh, topup = (pl.col("register") == "ncc"), (pl.col("register") == "tgxh"), (pl.col("register") == "topup")
    rated = pl.col("ncc_category").is_in(list(RATE_CATEGORIES))
    frame = register.select(
        pl.col("_key").alias("person_id"),
        pl.col("_key").alias("household_id"),
        pl.lit("head").alias("role"),
        pl.when(ncc).then(pl.col("ncc_category")).otherwise(pl.lit("none")).alias("ncc_category"),
        pl.when(ncc & pl.col("_martyrs").is_not_null()).then(pl.col("_martyrs")).otherwise(0)
        .alias("ncc_martyr_count"),
        pl.when(ncc & rated).then(pl.col("_rate")).otherwise(0).alias("ncc_injury_rate"),
        pl.when((tgxh | topup) & pl.col("tgxh_category").is_not_null()).then(pl.col("tgxh_category"))
        .otherwise(pl.lit("none")).alias("tgxh_category"),
        pl.col("_birth").fill_null(pl.lit(PLACEHOLDER_BIRTH).str.to_date()).alias("birth_date"),
        pl.col("_death").fill_null(pl.lit(NOT_DECEASED).str.to_date()).alias("death_date"),
        topup.alias("hatinh_topup_eligible"),
    )
    if not register.filter(topup).is_empty():
        return frame
    return frame.drop("hatinh_topup_eligible")


def _households_frame(register: pl.DataFrame) -> pl.DataFrame | None:
    """Each row is its own household; only the top-up reads one of its facts (urban or rural)."""
    if register.filter(pl.col("register") == "topup").is_empty():
        return None
    return register.select(pl.col("_key").alias("household_id"),
                           pl.col("_urban").fill_null(False).alias("household_is_urban"))


@dataclass
class _Month:
    """What one month's computation needs: the rows entitled and those dying in it."""

    index: int
    mask: np.ndarray
    dying: np.ndarray
    registers: np.ndarray
    one_offs: tuple[str, ...] = ()

    def variables(self, mask: np.ndarray) -> list[str]:
        present = set(self.registers[mask].tolist())
        names = [AMOUNT_VARIABLES[r] for r in ALL_REGISTERS if r in present or r in ("ncc", "tgxh")]
        dying = set(self.registers[self.dying & mask].tolist())
        if "ncc" in dying:
            names.append("ncc_death_lump_sum")
        if "funeral_support" in self.one_offs:
            names += [FUNERAL_VARIABLES[r] for r in ("ncc", "tgxh") if r in dying]
        return names


def _months(register: pl.DataFrame, period: int, options: _Options = _Options()) -> Iterable[_Month]:
    start, last = register["_first"].to_numpy(), register["_last"].to_numpy()
    registers = register["register"].to_numpy()
    death_month = register["_death_month"].fill_null(-1).to_numpy()
    for index in range(int(start.min()) if len(start) else period + 1, period + 1):
        mask = (start <= index) & (last >= index)
        if mask.any():
            yield _Month(index, mask, mask & (death_month == index), registers, options.one_offs)


def _one_off_parts(out: pl.DataFrame, month: _Month, mask: np.ndarray, bkeys: np.ndarray) -> list[pl.DataFrame]:
    """The one-off amounts of the rows dying this month: (``_key, _month, kind, amount``)."""
    dying = month.dying & mask
    if not dying.any():
        return []
    registers = month.registers[mask]
    selected = dying[mask]
    parts = []
    if "ncc_death_lump_sum" in out.columns:
        lump = out["ncc_death_lump_sum"].to_numpy().astype(np.int64)
        chosen = selected & (registers == "ncc")
        parts.append(pl.DataFrame({"_key": bkeys[mask][chosen], "_month": month.index,
                                   "kind": "death_lump_sum", "amount": lump[chosen]}))
    for register_name, variable in FUNERAL_VARIABLES.items():
        if variable in out.columns:
            amount = out[variable].to_numpy().astype(np.int64)
            chosen = selected & (registers == register_name)
            parts.append(pl.DataFrame({"_key": bkeys[mask][chosen], "_month": month.index,
                                       "kind": "funeral_support", "amount": amount[chosen]}))
    return parts


def _entitlements(
    register: pl.DataFrame, period: int, additions: tuple, label: str, options: _Options = _Options()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``_key, _month, entitled``) for every entitled month and (``_key, _month, kind, amount``) one-offs,
    keyed by the beneficiary (``_bkey``: the first row of the person and register).

    One ``bridge.compute`` per month over every row entitled that month; a month that needs an empty
    parameter is diagnosed (which rows need which parameter) and the other months are still computed so
    that the error lists every month and every parameter at once.
    """
    rules = _rules_frame(register)
    households = _households_frame(register)
    registers = register["register"].to_numpy()
    keys = register["_key"].to_numpy()
    bkeys = register["_bkey"].to_numpy()
    entitled_parts, one_off_parts = [], []
    failures: dict[str, RuleFailure] = {}
    for month in _months(register, period, options):
        mask = month.mask & ~_known_failing(failures, keys, month, additions)
        if not mask.any():
            continue
        selection = pl.Series(mask)
        try:
            out, _ = compute(rules.filter(selection), None if households is None else households.filter(selection),
                             month.variables(mask), month_text(month.index), additions)
        except (UnsetParameterError, ParameterNotFoundError) as error:
            _diagnose(failures, error, rules.filter(selection), month, additions, mask)
            continue
        except InvalidInputError as error:
            raise _input_error_from_rules(error, register, label) from None
        chosen = registers[mask]
        amounts = np.zeros(int(mask.sum()), dtype=np.int64)
        for register_name, variable in AMOUNT_VARIABLES.items():
            if variable in out.columns:
                which = chosen == register_name
                amounts[which] = out[variable].to_numpy().astype(np.int64)[which]
        entitled_parts.append(pl.DataFrame({"_key": bkeys[mask], "_month": month.index, "entitled": amounts}))
        one_off_parts += _one_off_parts(out, month, mask, bkeys)
    if failures:
        raise PayrollRuleError([_with_persons(f, register, label) for f in failures.values()])
    schema = {"_key": pl.UInt32, "_month": pl.Int64}
    entitled = pl.concat(entitled_parts) if entitled_parts else pl.DataFrame(schema=schema | {"entitled": pl.Int64})
    one_offs = (pl.concat(one_off_parts) if one_off_parts
                else pl.DataFrame(schema=schema | {"kind": pl.String, "amount": pl.Int64}))
    return entitled.cast(schema), one_offs.cast(schema)


def _parameter_of(error: Exception) -> str:
    """Dotted path of the failing parameter (``tgxh.age_limits[child]`` → ``tgxh.age_limits.child``)."""
    if isinstance(error, UnsetParameterError):
        return error.parameter
    quoted = re.search(r"parameter '([^']+)'", str(error))  # OpenFisca's message has the full path
    name = quoted.group(1) if quoted else str(getattr(error, "name", error))
    return re.sub(r"\[(\w+)\]", r".\1", name)


def _parameter_empty(path: str, month: int, additions: tuple) -> bool:
    try:
        leaf = find_parameter(build_tax_benefit_system(additions), path)
    except ParameterAdditionError:
        return False  # not a leaf we can read: let the computation say it again
    return leaf(f"{month_text(month)}-01") is None


def _known_failing(failures: dict[str, RuleFailure], keys: np.ndarray, month: _Month, additions: tuple) -> np.ndarray:
    """Rows of ``month`` already known to need a parameter empty this month (the month is recorded)."""
    excluded = np.zeros(len(keys), dtype=bool)
    for failure in failures.values():
        if not failure.keys:
            continue
        needing = month.mask & np.isin(keys, np.fromiter(failure.keys, dtype=keys.dtype))
        if needing.any() and _parameter_empty(failure.parameter, month.index, additions):
            failure.months.append(month_text(month.index))
            excluded |= needing
    return excluded


def _diagnose(failures: dict[str, RuleFailure], error, frame: pl.DataFrame, month: _Month, additions,
              mask: np.ndarray) -> None:
    """Which groups of rows (register, category, injury rate, death in the month) fail, and on which parameter.

    Only on the error path: one small computation per group (a few hundred at most).
    """
    period = month_text(month.index)
    frame = frame.with_columns((pl.col("death_date").dt.strftime("%Y-%m") == period).alias("_dies"),
                               pl.Series("_reg", month.registers[mask]))
    found: dict[str, set[int]] = {}
    for group in frame.partition_by(["_reg", "ncc_category", "ncc_injury_rate", "tgxh_category", "_dies"]):
        register_name, dies = group["_reg"][0], group["_dies"][0]
        variables = [AMOUNT_VARIABLES[register_name]]
        if dies and register_name == "ncc":
            variables.append("ncc_death_lump_sum")
        if dies and "funeral_support" in month.one_offs and register_name in FUNERAL_VARIABLES:
            variables.append(FUNERAL_VARIABLES[register_name])
        try:
            compute(group.drop("_dies", "_reg"), None, variables, period, additions)
        except (UnsetParameterError, ParameterNotFoundError) as group_error:
            found.setdefault(_parameter_of(group_error), set()).update(group["person_id"].to_list())
    if not found:
        found[_parameter_of(error)] = set()
    for parameter, keys in found.items():
        failure = failures.setdefault(parameter, RuleFailure(parameter=parameter))
        if period not in failure.months:
            failure.months.append(period)
        failure.keys |= keys


def _with_persons(failure: RuleFailure, register: pl.DataFrame, label: str) -> RuleFailure:
    rows = register.filter(pl.col("_key").is_in(sorted(failure.keys))).select("_line", "person_id", "register")
    failure.persons = [Problem(label, line, str(person), reg, "") for line, person, reg in
                       rows.head(MAX_LISTED).iter_rows()]
    failure.person_count = rows.height
    failure.months.sort()
    return failure


def _input_error_from_rules(error: InvalidInputError, register: pl.DataFrame, label: str) -> PayrollInputError:
    """A refusal of the rules (the checks should have caught it first): the rows it names."""
    keys = [int(i) for i in error.ids]
    rows = register.filter(pl.col("_key").is_in(keys)).select("_line", "person_id", "register")
    return PayrollInputError([Problem(label, line, person, reg, str(error)) for line, person, reg in rows.iter_rows()])


# --- lines ------------------------------------------------------------------------------------------


def _settle_lines(
    register: pl.DataFrame, entitled: pl.DataFrame, one_offs: pl.DataFrame, payments: pl.DataFrame, period: int,
    options: _Options = _Options(),
) -> tuple[pl.DataFrame, list[str]]:
    """Entitlement − paid per beneficiary and month, and the one-off amounts not yet paid: the OUT lines."""
    one_off_kinds = ["death_lump_sum", *options.one_offs]
    monthly = (
        payments.filter(~pl.col("kind").is_in(one_off_kinds) & (pl.col("_month") <= period))
        .group_by("_key", "_month")
        .agg(pl.col("_amount").sum().alias("paid"))
    )
    difference = (
        entitled.join(monthly, on=["_key", "_month"], how="full", coalesce=True)
        .with_columns((pl.col("entitled").fill_null(0) - pl.col("paid").fill_null(0)).alias("amount"))
        .filter(pl.col("amount") != 0)
        .with_columns(
            pl.when(pl.col("amount") < 0).then(pl.lit("recovery"))
            .when(pl.col("_month") == period).then(pl.lit("regular"))
            .otherwise(pl.lit("arrears")).alias("kind")
        )
        .select("_key", "_month", "kind", "amount")
    )
    one_off_paid = (
        payments.filter(pl.col("kind").is_in(one_off_kinds))
        .group_by("_key", "kind")
        .agg(pl.col("_amount").sum().alias("paid"))
    )
    due = one_offs.filter(pl.col("amount") > 0)
    notes = _lump_notes(register, due.join(one_off_paid, on=["_key", "kind"], how="inner"))
    due = due.join(one_off_paid, on=["_key", "kind"], how="anti")
    rank = pl.col("kind").replace_strict({kind: i for i, kind in enumerate(ALL_KINDS)}, return_dtype=pl.Int8)
    lines = (
        pl.concat([difference, due.select("_key", "_month", "kind", "amount")])
        .sort(["_key", "_month", rank])
        .join(register.select("_key", "_person_original", "register"), on="_key", how="left",
              maintain_order="left")
    )
    return lines.select(
        pl.col("_person_original").alias("person_id"),
        "register",
        _month_expr(pl.col("_month")).alias("month"),
        "kind",
        pl.col("amount").cast(pl.Int64),
    ), notes


def _amount_text(amount: int) -> str:
    return vn_number(amount)


def _lump_notes(register: pl.DataFrame, paid: pl.DataFrame) -> list[str]:
    different = paid.filter(pl.col("paid") != pl.col("amount"))
    if different.is_empty():
        return []
    notes = []
    for kind, label in (("death_lump_sum", "trợ cấp một lần khi chết (death_lump_sum)"),
                        ("funeral_support", "trợ cấp mai táng (funeral_support)")):
        of_kind = different.filter(pl.col("kind") == kind)
        if of_kind.is_empty():
            continue
        rows = of_kind.join(register.select("_key", "person_id"), on="_key").head(MAX_LISTED)
        shown = "; ".join(f"mã {person}: đã chi {_amount_text(paid_)}, nay tính {_amount_text(amount)}"
                          for person, paid_, amount in rows.select("person_id", "paid", "amount").iter_rows())
        notes.append(
            f"{vn_number(of_kind.height)} người đã nhận {label} với số tiền khác số tính theo quy định hiện hành"
            f" ({shown}): không tạo dòng chênh lệch, cần quyết định riêng."
        )
    return notes


def _zero_notes(register: pl.DataFrame, entitled: pl.DataFrame, label: str) -> list[str]:
    """Rows entitled to nothing in any settled month (e.g. an elderly category before the age)."""
    totals = entitled.group_by("_key").agg(pl.col("entitled").sum())
    zero = totals.filter(pl.col("entitled") == 0)
    if zero.is_empty():
        return []
    rows = register.join(zero.select("_key"), on="_key", how="semi").sort("_line")
    shown = ", ".join(f"dòng {line} (mã {person}, {reg})" for line, person, reg in
                      rows.select("_line", "person_id", "register").head(MAX_LISTED).iter_rows())
    return [
        f"{label}: {vn_number(rows.height)} người không được hưởng tháng nào từ tháng bắt đầu đến kỳ quyết toán"
        f" (diện và tuổi không khớp?): {shown}{' …' if rows.height > MAX_LISTED else ''}."
    ]
