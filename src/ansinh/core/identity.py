"""Vietnamese identity numbers.

- 12-digit personal identification number (số định danh cá nhân, printed on
  CCCD / thẻ căn cước; NĐ 137/2015/NĐ-CP Art. 13, Luật Căn cước 26/2023/QH15):
  digits 1–3 province of birth registration (001–096), digit 4 century and sex
  (1900s: male 0 / female 1; 2000s: 2 / 3; 2100s: 4 / 5), digits 5–6 the last
  two digits of the birth year, digits 7–12 random. No check digit.
- 9-digit CMND (legacy, invalid as a document from 1/1/2025): kept, marked legacy.
- Social insurance number (mã số BHXH): 10 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ansinh.core.errors import UserError

_DIGITS = re.compile(r"\D")

# digit 4 -> (century start, sex)
_CENTURY_SEX = {
    "0": (1900, "M"), "1": (1900, "F"),
    "2": (2000, "M"), "3": (2000, "F"),
    "4": (2100, "M"), "5": (2100, "F"),
    "6": (2200, "M"), "7": (2200, "F"),
    "8": (2300, "M"), "9": (2300, "F"),
}
SEX_LABELS = {"M": "nam", "F": "nữ"}


class IdKind(StrEnum):
    PID = "pid"  # 12 digits
    CMND = "cmnd"  # 9 digits, legacy
    SOCIAL_INSURANCE = "bhxh"  # 10 digits


class IdentityError(UserError, ValueError):
    """An identity number that cannot be accepted; the message is Vietnamese."""


@dataclass(frozen=True)
class PidFacts:
    province_code: str
    sex: str
    birth_year: int


def digits_only(value: str | None) -> str:
    return _DIGITS.sub("", str(value or ""))


def pid_facts(pid: str) -> PidFacts:
    """Decode a 12-digit number; raise IdentityError when it is malformed."""
    if len(pid) != 12 or not pid.isdigit():
        raise IdentityError(f"Số định danh cá nhân phải gồm đúng 12 chữ số (đang có {len(pid)}).")
    province = pid[:3]
    if not 1 <= int(province) <= 96:
        raise IdentityError(f"Mã tỉnh nơi đăng ký khai sinh «{province}» không hợp lệ (phải từ 001 đến 096).")
    century, sex = _CENTURY_SEX[pid[3]]
    if century > 2100:
        raise IdentityError(f"Chữ số thứ 4 «{pid[3]}» không phải mã thế kỷ/giới tính hợp lệ.")
    return PidFacts(province_code=province, sex=sex, birth_year=century + int(pid[4:6]))


def check_pid(pid: str, *, sex: str | None = None, birth_year: int | None = None) -> PidFacts:
    """Validate a 12-digit number against the person's sex and birth year.

    Raises IdentityError with the reason in Vietnamese when they disagree.
    """
    facts = pid_facts(pid)
    problems = []
    if sex and sex != facts.sex:
        problems.append(
            f"chữ số thứ 4 «{pid[3]}» là mã của {SEX_LABELS[facts.sex]} sinh thế kỷ "
            f"{facts.birth_year // 100 + 1}, nhưng giới tính là {SEX_LABELS.get(sex, sex)}"
        )
    if birth_year is not None and birth_year != facts.birth_year:
        if birth_year // 100 != facts.birth_year // 100:
            problems.append(
                f"chữ số thứ 4 «{pid[3]}» ứng với năm sinh {facts.birth_year // 100}xx, "
                f"nhưng năm sinh là {birth_year}"
            )
        else:
            problems.append(
                f"chữ số thứ 5–6 «{pid[4:6]}» ứng với năm sinh {facts.birth_year}, "
                f"nhưng năm sinh là {birth_year}"
            )
    if problems:
        raise IdentityError("Số định danh cá nhân không khớp: " + "; ".join(problems) + ".")
    return facts


def check_cmnd(value: str) -> str:
    if len(value) != 9 or not value.isdigit():
        raise IdentityError(f"Số CMND phải gồm đúng 9 chữ số (đang có {len(value)}).")
    return value


def check_social_insurance(value: str) -> str:
    if len(value) != 10 or not value.isdigit():
        raise IdentityError(f"Mã số BHXH phải gồm đúng 10 chữ số (đang có {len(value)}).")
    return value


def classify(value: str | None) -> tuple[IdKind | None, str]:
    """Guess what a typed number is from its digit count: (kind, digits)."""
    digits = digits_only(value)
    return {12: IdKind.PID, 9: IdKind.CMND, 10: IdKind.SOCIAL_INSURANCE}.get(len(digits)), digits


# ---------------------------------------------------------------- vectorised (Polars) checks

def pid_facts_exprs(pid: str = "pid"):
    """(sex, birth year) decoded from the 12-digit number in column ``pid``, null where malformed."""
    import polars as pl

    number = pl.col(pid)
    digit4 = number.str.slice(3, 1).cast(pl.Int32, strict=False)
    province = number.str.slice(0, 3).cast(pl.Int32, strict=False)
    valid = number.str.contains(r"^\d{12}$") & province.is_between(1, 96) & (digit4 <= 5)
    sex = pl.when(valid).then(pl.when(digit4 % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F")))
    year = pl.when(valid).then(1900 + (digit4 // 2) * 100 + number.str.slice(4, 2).cast(pl.Int32, strict=False))
    return valid, sex, year.cast(pl.Int32)


def pid_suspicious_expr(pid: str = "pid", sex: str = "sex", birth: str = "birth"):
    """True where the 12-digit number in ``pid`` is malformed or disagrees with ``sex`` / the year of ``birth``
    (a date column). Cheap and vectorised: only these rows go through ``check_pid`` for the message."""
    import polars as pl

    valid, pid_sex, pid_year = pid_facts_exprs(pid)
    number = pl.col(pid)
    present = number.is_not_null() & (number != "")
    return present & (~valid
                      | (pl.col(sex).is_not_null() & (pid_sex != pl.col(sex)))
                      | (pl.col(birth).is_not_null() & (pid_year != pl.col(birth).dt.year())))


def pid_messages(frame, *, key: str, pid: str = "pid", sex: str = "sex", birth: str = "birth") -> dict:
    """{key value: Vietnamese reason} for the rows of ``frame`` whose number ``check_pid`` refuses.

    The suspicious rows are found set-based (``pid_suspicious_expr``); Python runs only on those."""
    suspicious = frame.filter(pid_suspicious_expr(pid, sex, birth)).select(key, pid, sex, birth)
    messages = {}
    for value, number, person_sex, born in suspicious.iter_rows():
        try:
            check_pid(number, sex=person_sex, birth_year=born.year if born else None)
        except IdentityError as err:
            messages[value] = str(err)
    return messages
