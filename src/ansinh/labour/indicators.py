"""The indicators of the labour app for the plan (issue #12) and the reports: each is a named query with its
definition in words, shown to the user next to the figure.

The stable API the plan app reads:

    from ansinh.labour.selectors import indicator_value, Period
    indicator_value("jobs_found", "2020-H1", area=None)          # → 9997 (people)
    indicator_value("unemployment_rate", "2020", area=district)  # → Decimal("2.31") (%)
    indicator_table("jobs_found", Period.parse("2020-H1"), area, by="channel")  # → frame: key, label, value

``period``: a ``Period``, ``(start, end)`` dates (both included) or a text: ``2020``, ``2020-H1``/``H2``,
``2020-Q1``…``Q4``, ``2020-06``, ``2020-01-01..2020-06-30``. ``area``: an ``AdminUnit`` (province, former district
or commune: every commune inside it, both structures) or None for the whole province. Counts are ``int``, rates
``Decimal`` with two decimals (None when the denominator is empty). The codes are listed in ``INDICATORS`` and in
docs/labour.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from ansinh.core.bulk import read_frame
from ansinh.core.errors import UserError
from ansinh.core.sql import Sql, compose, in_clause, table
from ansinh.labour.checks import REFERENCE_DAY
from ansinh.labour.models import CourseEnrolment, Placement, SupplyRecord, TrainingSupport
from ansinh.labour.models.choices import (
    Channel,
    EconomicStatus,
    EnrolmentStatus,
    SupportStatus,
    TrainingLevel,
)
from ansinh.registry.models import Person


class IndicatorError(UserError, ValueError):
    """An unknown indicator, period or breakdown."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included
    label: str

    @classmethod
    def parse(cls, value) -> Period:
        if isinstance(value, Period):
            return value
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, dt.date) for v in value):
            start, end = value
            return cls._checked(start, end, f"{start:%d/%m/%Y}–{end:%d/%m/%Y}")
        return cls._from_text(str(value or "").strip())

    @classmethod
    def _from_text(cls, text: str) -> Period:
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return cls._checked(dt.date(year, 1, 1), dt.date(year, 12, 31), f"năm {year}")
        if m := re.fullmatch(r"(\d{4})-H([12])", text, flags=re.IGNORECASE):
            year, half = int(m[1]), int(m[2])
            start, end = (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (
                dt.date(year, 7, 1), dt.date(year, 12, 31))
            return cls._checked(start, end, f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}")
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text, flags=re.IGNORECASE):
            year, quarter = int(m[1]), int(m[2])
            first = 3 * quarter - 2
            return cls._checked(dt.date(year, first, 1), _month_end(year, first + 2), f"quý {quarter} năm {year}")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return cls._checked(dt.date(year, month, 1), _month_end(year, month), f"tháng {month}/{year}")
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            try:
                start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            except ValueError:
                raise IndicatorError(f"Kỳ «{text}» có ngày không hợp lệ.") from None
            return cls._checked(start, end, f"{start:%d/%m/%Y}–{end:%d/%m/%Y}")
        raise IndicatorError(f"Kỳ «{text[:40]}» không hợp lệ: ghi 2020, 2020-H1, 2020-Q2, 2020-06 hoặc "
                             "2020-01-01..2020-06-30.")

    @classmethod
    def _checked(cls, start: dt.date, end: dt.date, label: str) -> Period:
        if end < start:
            raise IndicatorError("Kỳ báo cáo: ngày kết thúc trước ngày bắt đầu.")
        if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
            raise IndicatorError("Kỳ báo cáo phải nằm trong các năm 2000–2100.")
        return cls(start=start, end=end, label=label)

    @property
    def supply_year(self) -> int:
        """The supply update a period reads: the latest one whose reference day (1 July) is not after its end."""
        return self.end.year if (self.end.month, self.end.day) >= REFERENCE_DAY else self.end.year - 1


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    definition: str
    breakdowns: tuple[str, ...]
    compute: Callable[[Period, list[int] | None, str | None], pl.DataFrame]
    rate: bool = False


BREAKDOWN_LABELS = {"channel": "Theo hình thức", "sex": "Theo giới tính", "commune": "Theo xã/phường",
                    "level": "Theo trình độ"}
SEX_LABELS = {"M": "Nam", "F": "Nữ"}


def _area_filter(column: str, communes: list[int] | None) -> Sql:
    return Sql("1 = 1") if communes is None else in_clause(column, communes)


# ---------------------------------------------------------------- «giải quyết việc làm»

FIRST_OF_YEAR_SQL = """
SELECT f.person_id, f.channel, f.commune_id, p.sex
  FROM (SELECT pl.person_id, pl.channel, pl.commune_id, pl.placed_on,
               ROW_NUMBER() OVER (PARTITION BY pl.person_id, pl.year ORDER BY pl.placed_on, pl.id) AS rn
          FROM {placements} pl
         WHERE pl.year >= %s AND pl.year <= %s AND {channels}) f
  JOIN {people} p ON p.id = f.person_id
 WHERE f.rn = 1 AND f.placed_on >= %s AND f.placed_on <= %s AND {communes}"""
FIRST_SCHEMA = {"person_id": pl.Int64, "channel": pl.String, "commune_id": pl.Int64, "sex": pl.String}


def _first_placements(period: Period, communes: list[int] | None, channels: list[str] | None) -> pl.DataFrame:
    query = compose(FIRST_OF_YEAR_SQL, period.start.year, period.end.year, period.start, period.end,
                    placements=table(Placement), people=table(Person),
                    channels=Sql("1 = 1") if channels is None else in_clause("pl.channel", channels),
                    communes=_area_filter("f.commune_id", communes))
    return read_frame(*query, schema=FIRST_SCHEMA)


def _count_by(frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    if by is None:
        return pl.DataFrame({"key": ["total"], "value": [frame.height]}, schema={"key": pl.String, "value": pl.Int64})
    column = {"commune": "commune_id"}.get(by, by)
    return (frame.group_by(pl.col(column).cast(pl.String).alias("key")).agg(pl.len().cast(pl.Int64).alias("value"))
            .sort("key"))


def _jobs_found(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    return _count_by(_first_placements(period, communes, None), by)


def _jobs_abroad(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    return _count_by(_first_placements(period, communes, [Channel.ABROAD]), by)


# ---------------------------------------------------------------- vocational education

ENROLMENT_SQL = """
SELECT e.person_id, e.level, e.commune_id, p.sex
  FROM {enrolments} e JOIN {people} p ON p.id = e.person_id
 WHERE {when} AND {communes} AND {status}"""
ENROLMENT_SCHEMA = {"person_id": pl.Int64, "level": pl.String, "commune_id": pl.Int64, "sex": pl.String}


def _enrolments(period: Period, communes: list[int] | None, *, graduated: bool) -> pl.DataFrame:
    if graduated:
        when = compose("e.finished_on >= %s AND e.finished_on <= %s", period.start, period.end)
        status = compose("e.status = %s", EnrolmentStatus.GRADUATED)
    else:
        when, status = compose("e.enrolled_on >= %s AND e.enrolled_on <= %s", period.start, period.end), Sql("1 = 1")
    query = compose(ENROLMENT_SQL, enrolments=table(CourseEnrolment), people=table(Person), when=when,
                    communes=_area_filter("e.commune_id", communes), status=status)
    return read_frame(*query, schema=ENROLMENT_SCHEMA)


def _new_enrolment(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    return _count_by(_enrolments(period, communes, graduated=False), by)


def _graduates(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    return _count_by(_enrolments(period, communes, graduated=True), by)


RURAL_SQL = """
SELECT DISTINCT s.person_id, e.level, s.commune_id, p.sex
  FROM {supports} s JOIN {enrolments} e ON e.id = s.enrolment_id JOIN {people} p ON p.id = s.person_id
 WHERE {approved} AND e.enrolled_on >= %s AND e.enrolled_on <= %s AND {communes}"""


def _rural_trained(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    query = compose(RURAL_SQL, period.start, period.end, supports=table(TrainingSupport),
                    enrolments=table(CourseEnrolment), people=table(Person),
                    approved=in_clause("s.status", [SupportStatus.APPROVED, SupportStatus.PAID]),
                    communes=_area_filter("s.commune_id", communes))
    frame = read_frame(*query, schema=ENROLMENT_SCHEMA)
    column = {"commune": "commune_id"}.get(by or "", by)
    return _count_by(frame.unique(["person_id", column] if column else ["person_id"]), by)


# ---------------------------------------------------------------- the supply register

SUPPLY_SQL = """
SELECT s.commune_id, s.sex, s.status, s.qualification, COUNT(*) AS n
  FROM {records} s
 WHERE s.year = %s AND {communes}
 GROUP BY s.commune_id, s.sex, s.status, s.qualification"""
SUPPLY_SCHEMA = {"commune_id": pl.Int64, "sex": pl.String, "status": pl.String, "qualification": pl.String,
                 "n": pl.Int64}


def _supply_counts(period: Period, communes: list[int] | None) -> pl.DataFrame:
    query = compose(SUPPLY_SQL, period.supply_year, records=table(SupplyRecord),
                    communes=_area_filter("s.commune_id", communes))
    return read_frame(*query, schema=SUPPLY_SCHEMA)


def _rate(frame: pl.DataFrame, by: str | None, numerator: pl.Expr, denominator: pl.Expr) -> pl.DataFrame:
    keys = [pl.lit("total").alias("key")] if by is None else [
        pl.col({"commune": "commune_id"}.get(by, by)).cast(pl.String).alias("key")]
    grouped = frame.group_by(keys).agg(numerator.alias("num"), denominator.alias("den")).sort("key")
    return grouped.select("key", pl.when(pl.col("den") > 0).then(pl.col("num") * 100.0 / pl.col("den"))
                          .alias("value"), "num", "den")


_EMPLOYED = pl.col("status") == EconomicStatus.EMPLOYED
_UNEMPLOYED = pl.col("status") == EconomicStatus.UNEMPLOYED
_ACTIVE = _EMPLOYED | _UNEMPLOYED


def _participation(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    frame = _supply_counts(period, communes)
    return _rate(frame, by, pl.col("n").filter(_ACTIVE).sum(), pl.col("n").sum())


def _unemployment(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    frame = _supply_counts(period, communes)
    return _rate(frame, by, pl.col("n").filter(_UNEMPLOYED).sum(), pl.col("n").filter(_ACTIVE).sum())


def _trained_share(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    frame = _supply_counts(period, communes)
    return _rate(frame, by, pl.col("n").filter(_ACTIVE & (pl.col("qualification") != "none")).sum(),
                 pl.col("n").filter(_ACTIVE).sum())


def _labour_force(period: Period, communes: list[int] | None, by: str | None) -> pl.DataFrame:
    frame = _supply_counts(period, communes)
    keys = [pl.lit("total").alias("key")] if by is None else [
        pl.col({"commune": "commune_id"}.get(by, by)).cast(pl.String).alias("key")]
    return frame.group_by(keys).agg(pl.col("n").filter(_ACTIVE).sum().cast(pl.Int64).alias("value")).sort("key")


_SUPPLY_NOTE = ("Đọc từ sổ cung lao động của lần cập nhật gần nhất có ngày chốt (1/7) không sau ngày cuối kỳ "
                "(kỳ 6 tháng đầu năm 2020 đọc lần cập nhật năm 2019).")
INDICATORS: dict[str, Indicator] = {i.code: i for i in (
    Indicator("jobs_found", "Số người được giải quyết việc làm", "người",
              "Số người khác nhau có việc làm qua một trong các hình thức (Trung tâm dịch vụ việc làm giới thiệu, sàn "
              "giao dịch việc làm, đi làm việc ở nước ngoài theo hợp đồng, vay vốn tạo việc làm, việc làm mới do "
              "doanh nghiệp báo cáo). Mỗi người chỉ tính một lần trong một năm dương lịch: tính vào kỳ, hình thức và "
              "xã/phường của lượt giải quyết việc làm đầu tiên trong năm của người đó (cùng ngày: lượt được ghi "
              "trước); các lượt sau trong cùng năm không tính thêm. Vì vậy cộng hai kỳ 6 tháng bằng cả năm.",
              ("channel", "sex", "commune"), _jobs_found),
    Indicator("jobs_abroad", "Số người đi làm việc ở nước ngoài theo hợp đồng", "người",
              "Số người khác nhau có lượt «đi làm việc ở nước ngoài theo hợp đồng» trong kỳ, mỗi người một lần trong "
              "năm (lượt đầu tiên của năm theo hình thức này).", ("sex", "commune"), _jobs_abroad),
    Indicator("new_enrolment", "Tuyển sinh mới", "người",
              "Số lượt người học nhập học (ngày nhập học trong kỳ) vào các khoá cao đẳng, trung cấp, sơ cấp, đào tạo "
              "dưới 3 tháng; một người học hai khoá được tính hai lượt.", ("level", "sex", "commune"), _new_enrolment),
    Indicator("graduates", "Số người tốt nghiệp, hoàn thành khoá học", "người",
              "Số lượt người học có tình trạng «đã tốt nghiệp/hoàn thành» với ngày tốt nghiệp trong kỳ.",
              ("level", "sex", "commune"), _graduates),
    Indicator("rural_trained", "Lao động nông thôn được hỗ trợ đào tạo nghề", "người",
              "Số người khác nhau có đề nghị hỗ trợ đào tạo (QĐ 1956/QĐ-TTg, QĐ 46/2015/QĐ-TTg, NQ 56/2017/NQ-HĐND) đã "
              "được phê duyệt hoặc đã chi, của các khoá sơ cấp, dưới 3 tháng mà người đó nhập học trong kỳ.",
              ("level", "sex", "commune"), _rural_trained),
    Indicator("labour_force", "Lực lượng lao động (từ 15 tuổi trở lên)", "người",
              "Số người có việc làm cộng số người thất nghiệp trong sổ cung lao động. " + _SUPPLY_NOTE,
              ("sex", "commune"), _labour_force),
    Indicator("labour_force_participation", "Tỷ lệ tham gia lực lượng lao động", "%",
              "(Người có việc làm + người thất nghiệp) / toàn bộ người từ 15 tuổi trở lên có phiếu cung lao động × "
              "100. " + _SUPPLY_NOTE, ("sex", "commune"), _participation, rate=True),
    Indicator("unemployment_rate", "Tỷ lệ thất nghiệp", "%",
              "Người thất nghiệp / (người có việc làm + người thất nghiệp) × 100, trong sổ cung lao động. "
              + _SUPPLY_NOTE, ("sex", "commune"), _unemployment, rate=True),
    Indicator("trained_share", "Tỷ lệ lao động qua đào tạo", "%",
              "Người trong lực lượng lao động có trình độ chuyên môn kỹ thuật từ đào tạo dưới 3 tháng (có chứng chỉ) "
              "trở lên / lực lượng lao động × 100. " + _SUPPLY_NOTE, ("sex", "commune"), _trained_share, rate=True),
)}


def indicator(code: str) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise IndicatorError(f"Không có chỉ tiêu «{str(code)[:40]}».") from None


def _communes(area) -> list[int] | None:
    if area is None:
        return None
    from ansinh.geo.models import Level
    from ansinh.geo.selectors import communes_in_area

    if area.level == Level.PROVINCE:
        return None
    return list(communes_in_area(area).values_list("pk", flat=True))


def indicator_table(code: str, period, area=None, *, by: str | None = None) -> pl.DataFrame:
    """``key``, ``label``, ``value`` (and ``num``/``den`` for rates) of an indicator, in total or by a breakdown."""
    ind = indicator(code)
    if by is not None and by not in ind.breakdowns:
        raise IndicatorError(f"Chỉ tiêu «{ind.name}» không chia theo «{by}».")
    frame = ind.compute(Period.parse(period), _communes(area), by)
    return frame.with_columns(_labels(frame["key"].to_list(), by).alias("label"))


def _labels(keys: list[str], by: str | None) -> pl.Series:
    if by == "channel":
        names = dict(Channel.choices)
    elif by == "level":
        names = dict(TrainingLevel.choices)
    elif by == "sex":
        names = SEX_LABELS
    elif by == "commune":
        from ansinh.geo.models import AdminUnit

        names = {str(pk): name for pk, name in AdminUnit.objects.filter(
            pk__in=[int(k) for k in keys if k and k.isdigit()]).values_list("pk", "name")}
    else:
        names = {"total": "Tổng số"}
    return pl.Series([str(names.get(k, k or "Không rõ")) for k in keys], dtype=pl.String)


def indicator_value(code: str, period, area=None) -> int | Decimal | None:
    """The figure of one indicator for one period and area (see the module doc): what the plan reads."""
    frame = indicator_table(code, period, area)
    value = frame["value"][0] if frame.height else (None if indicator(code).rate else 0)
    if indicator(code).rate:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value or 0)
