"""The rules of the labour app that need no database: tax code check digit, ages, diploma numbers, the campaign
window, the training support ceilings. Each returns a Vietnamese message (or raises ``LabourRuleError``), so a
form, a service and an import say the same thing. No Django here.

Sources (docs/labour.md):
- tax code (mã số thuế): 10 digits, or 13 for a branch (the first 10 are the parent's); digits 1–9 carry the
  10th as check digit: 10 − (Σ dᵢ·wᵢ mod 11) with weights 31 29 23 19 17 13 7 5 3 (python-stdnum ``vn.mst``);
  digits 3–9 all zero, or a branch suffix 000, are not issued;
- «người từ 15 tuổi trở lên»: TT 01/2022/TT-BLĐTBXH, Điều 6 (the subject of the supply register);
- the campaign from 1 July for 30 days: POLICY.md §7 (TT 27/2015, TT 01/2022) — parameters here;
- the ceilings per learner group: QĐ 46/2015/QĐ-TTg (from 1/1/2016). NQ 56/2017/NQ-HĐND's own amounts were not
  found: no ceiling is applied to the provincial budget (``PROVINCE_CEILINGS`` is empty until they are entered).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ansinh.core.errors import UserError
from ansinh.core.formatting import vn_number

MIN_AGE = 15  # TT 01/2022, Điều 6
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
CAMPAIGN_START = (7, 1)  # (month, day): «từ ngày 1 tháng 7»
CAMPAIGN_DAYS = 30
REFERENCE_DAY = (7, 1)  # ages in the supply register are taken on 1 July of the year


class LabourRuleError(UserError, ValueError):
    """A value the labour rules refuse; the message is Vietnamese."""


# ---------------------------------------------------------------- tax code

def tax_code_compact(value: str | None) -> str:
    """'0100233488', '01.00.233.488', '0314409058-002' → digits only."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def tax_check_digit(first_nine: str) -> str | None:
    """The check digit of a tax code's first nine digits; None when no digit fits (Σ mod 11 = 0: never issued)."""
    total = sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first_nine, strict=True))
    digit = 10 - total % 11
    return None if digit == 10 else str(digit)


def tax_code_problem(value: str | None) -> str | None:
    """Why a tax code cannot be right, or None."""
    code = tax_code_compact(value)
    if not code:
        return "Mã số thuế: không được để trống."
    if not code.isdigit():
        return f"Mã số thuế «{value}» chỉ gồm chữ số (10 số, hoặc 13 số với chi nhánh)."
    if len(code) not in (10, 13):
        return f"Mã số thuế «{value}» có {len(code)} chữ số; cần 10 chữ số (hoặc 13 với đơn vị phụ thuộc)."
    if code[2:9] == "0000000" or (len(code) == 13 and code[10:] == "000"):
        return f"Mã số thuế «{value}» không phải số được cấp (phần số thứ tự bằng 0)."
    expected = tax_check_digit(code[:9])
    if expected != code[9]:
        shown = f"phải là {expected}" if expected is not None else "không có chữ số kiểm tra nào hợp lệ"
        return (f"Mã số thuế «{value}» sai chữ số kiểm tra: chữ số thứ 10 là {code[9]}, theo 9 chữ số đầu "
                f"{shown}. Kiểm tra lại mã số thuế trên giấy chứng nhận đăng ký doanh nghiệp.")
    return None


def tax_code_clean(value: str | None) -> str:
    problem = tax_code_problem(value)
    if problem:
        raise LabourRuleError(problem)
    return tax_code_compact(value)


# ---------------------------------------------------------------- ages

def age_on(birth: dt.date, day: dt.date) -> int:
    years = day.year - birth.year
    return years - 1 if (day.month, day.day) < (birth.month, birth.day) else years


def reference_date(year: int) -> dt.date:
    return dt.date(year, *REFERENCE_DAY)


def latest_birth_for(year: int) -> dt.date:
    """People born on or before this day are 15 or more on the reference day of ``year``."""
    ref = reference_date(year)
    return ref.replace(year=ref.year - MIN_AGE)


def under_age_problem(birth: dt.date, day: dt.date, *, what: str) -> str | None:
    """«a person under 15»: the message, or None."""
    if birth is None:
        return None
    age = age_on(birth, day)
    if age >= MIN_AGE:
        return None
    if birth > day:
        return f"Ngày sinh {birth:%d/%m/%Y} sau ngày {day:%d/%m/%Y}: không hợp lệ."
    return (f"Người sinh ngày {birth:%d/%m/%Y} mới {age} tuổi vào ngày {day:%d/%m/%Y}: {what} chỉ ghi người từ "
            f"{MIN_AGE} tuổi trở lên (TT 01/2022/TT-BLĐTBXH, Điều 6).")


# ---------------------------------------------------------------- campaign

def campaign_window(year: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, *CAMPAIGN_START)
    return start, start + dt.timedelta(days=CAMPAIGN_DAYS - 1)


# ---------------------------------------------------------------- diplomas

_DIPLOMA = re.compile(r"^[A-Z0-9][A-Z0-9/.-]{2,29}$")


def diploma_number_clean(value: str | None) -> str:
    """The number as stored: upper case, spaces removed; refused when it cannot be a number."""
    number = re.sub(r"\s+", "", str(value or "")).upper()
    if not number:
        raise LabourRuleError("Số hiệu văn bằng, chứng chỉ: không được để trống.")
    if not _DIPLOMA.fullmatch(number):
        raise LabourRuleError(f"Số hiệu «{value}» không hợp lệ: từ 3 đến 30 ký tự, chỉ chữ cái không dấu, chữ số và "
                              "các dấu «/», «.», «-».")
    return number


def diploma_date_problem(*, issued_on: dt.date, finished_on: dt.date | None, today: dt.date) -> str | None:
    if issued_on > today:
        return f"Ngày cấp {issued_on:%d/%m/%Y} sau ngày hôm nay."
    if finished_on is not None and issued_on < finished_on:
        return f"Ngày cấp {issued_on:%d/%m/%Y} trước ngày tốt nghiệp/hoàn thành khoá học {finished_on:%d/%m/%Y}."
    return None


# ---------------------------------------------------------------- enrolments

def enrolment_problem(*, course_start: dt.date, course_end: dt.date, enrolled_on: dt.date, today: dt.date,
                      course_name: str) -> str | None:
    """«an enrolment in a course that has not started»: learners are admitted from the opening day."""
    if course_start > today:
        return (f"{course_name} khai giảng ngày {course_start:%d/%m/%Y}, chưa bắt đầu: chỉ ghi tuyển sinh khi khoá học "
                "đã khai giảng.")
    if enrolled_on < course_start:
        return (f"Ngày nhập học {enrolled_on:%d/%m/%Y} trước ngày khai giảng {course_start:%d/%m/%Y} của "
                f"{course_name}: khoá học chưa bắt đầu vào ngày đó.")
    if enrolled_on > course_end:
        return f"Ngày nhập học {enrolled_on:%d/%m/%Y} sau ngày kết thúc khoá học {course_end:%d/%m/%Y}."
    if enrolled_on > today:
        return f"Ngày nhập học {enrolled_on:%d/%m/%Y} sau ngày hôm nay."
    return None


# ---------------------------------------------------------------- the training support

@dataclass(frozen=True)
class SupportCeilings:
    """The most a learner of a group may receive per course, and the meal and travel rates (VND)."""

    legal_basis: str
    valid_from: dt.date
    training_cost: dict[str, int]
    meal_per_day: int
    travel: int  # training place 15 km or more from home
    travel_far: int  # disabled learners, or communes of difficult areas (5 km or more)


QD46_2015 = SupportCeilings(
    legal_basis="QĐ 46/2015/QĐ-TTg (từ 01/01/2016)", valid_from=dt.date(2016, 1, 1),
    training_cost={"disabled": 6_000_000, "poor_ethnic": 4_000_000, "priority": 3_000_000,
                   "near_poor": 2_500_000, "rural": 2_000_000},
    meal_per_day=30_000, travel=200_000, travel_far=300_000)
CENTRAL_CEILINGS = (QD46_2015,)
PROVINCE_CEILINGS: tuple[SupportCeilings, ...] = ()  # NQ 56/2017/NQ-HĐND: amounts not found (docs/labour.md)


def ceilings_for(funding: str, on: dt.date) -> SupportCeilings | None:
    table = CENTRAL_CEILINGS if funding == "central" else PROVINCE_CEILINGS if funding == "province" else ()
    valid = [c for c in table if c.valid_from <= on]
    return max(valid, key=lambda c: c.valid_from) if valid else None


@dataclass(frozen=True)
class SupportAmounts:
    learner_group: str
    funding: str
    training_cost: int
    study_days: int
    meal_amount: int
    travel_amount: int
    course_start: dt.date

    @property
    def total(self) -> int:
        return self.training_cost + self.meal_amount + self.travel_amount


def support_problems(amounts: SupportAmounts, *, group_label: str) -> list[str]:
    """What the ceilings refuse in a proposed support (none when the funding has no known ceilings)."""
    problems = [f"{label} không được âm." for label, value in (
        ("Chi phí đào tạo", amounts.training_cost), ("Tiền ăn", amounts.meal_amount),
        ("Tiền đi lại", amounts.travel_amount)) if value < 0]
    ceilings = ceilings_for(amounts.funding, amounts.course_start)
    if problems or ceilings is None:
        return problems
    cap = ceilings.training_cost.get(amounts.learner_group)
    if cap is not None and amounts.training_cost > cap:
        problems.append(f"Chi phí đào tạo {vn_number(amounts.training_cost)} đồng vượt mức tối đa {vn_number(cap)} "
                        f"đồng/người/khoá cho «{group_label}» ({ceilings.legal_basis}).")
    meal_cap = ceilings.meal_per_day * amounts.study_days
    if amounts.meal_amount > meal_cap:
        problems.append(f"Tiền ăn {vn_number(amounts.meal_amount)} đồng vượt {vn_number(ceilings.meal_per_day)} đồng × "
                        f"{amounts.study_days} ngày thực học = {vn_number(meal_cap)} đồng ({ceilings.legal_basis}).")
    if amounts.travel_amount > ceilings.travel_far:
        problems.append(f"Tiền đi lại {vn_number(amounts.travel_amount)} đồng vượt mức tối đa "
                        f"{vn_number(ceilings.travel_far)} đồng/người/khoá ({ceilings.legal_basis}).")
    return problems
