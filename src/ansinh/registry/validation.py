"""Checks on a person's identity data, shared by forms, services and the Excel import."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ansinh.core.errors import DomainError
from ansinh.core.identity import IdentityError, check_cmnd, check_pid, check_social_insurance, digits_only


def normalise_identity(*, pid: str | None, cmnd: str | None, social_insurance_no: str | None,
                       sex: str, birth_date: dt.date) -> dict[str, str | None]:
    """Digits only, checked; raises DomainError(field=...) with the Vietnamese reason."""
    result: dict[str, str | None] = {}
    for field, raw, check in (
        ("pid", pid, lambda v: check_pid(v, sex=sex, birth_year=birth_date.year)),
        ("cmnd", cmnd, check_cmnd),
        ("social_insurance_no", social_insurance_no, check_social_insurance),
    ):
        value = digits_only(raw) or None
        if value:
            try:
                check(value)
            except IdentityError as err:
                raise DomainError(str(err), field=field) from err
        result[field] = value
    return result


def check_dates(*, birth_date: dt.date, death_date: dt.date | None = None, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if birth_date > today:
        raise DomainError("Ngày sinh không được sau ngày hôm nay.", field="birth_date")
    if birth_date.year < 1900:
        raise DomainError("Năm sinh phải từ 1900 trở đi.", field="birth_date")
    if death_date is not None:
        if death_date < birth_date:
            raise DomainError("Ngày mất không được trước ngày sinh.", field="death_date")
        if death_date > today:
            raise DomainError("Ngày mất không được sau ngày hôm nay.", field="death_date")
