"""What the services of the labour app share: the person of an identity number, the age rule, saving under the
database's constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction

from ansinh.core.errors import DomainError
from ansinh.core.identity import digits_only
from ansinh.labour.checks import under_age_problem
from ansinh.registry.models import Person


def person_for_number(number: str, *, field: str = "identity") -> Person:
    """«a placement for an unknown person»: the registry person of a complete identity number, or a refusal."""
    digits = digits_only(number)
    if len(digits) not in (9, 12):
        raise DomainError("Nhập đủ số định danh cá nhân (12 chữ số) hoặc số CMND (9 chữ số) của người lao động.",
                          field=field)
    lookup = {"pid": digits} if len(digits) == 12 else {"cmnd": digits}
    person = Person.objects.select_related("commune").filter(merged_into__isnull=True, **lookup).first()
    if person is None:
        raise DomainError(f"Không có ai mang số {digits} trong cơ sở dữ liệu hộ, nhân khẩu: đăng ký nhân khẩu (hoặc "
                          "kiểm tra lại số) trước khi ghi.", field=field)
    return person


def require_age(person: Person, on: dt.date, *, what: str) -> None:
    problem = under_age_problem(person.birth_date, on, what=what)
    if problem:
        raise DomainError(f"{person.full_name}: {problem}")
    if person.death_date and person.death_date < on:
        raise DomainError(f"{person.full_name} đã mất ngày {person.death_date:%d/%m/%Y}, trước ngày {on:%d/%m/%Y}.")


def save_or_refuse(save: Callable[[], object], message: str, *, field: str | None = None):
    """Run ``save`` in a savepoint; a unique or check constraint becomes ``message`` and nothing is written."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as err:
        raise DomainError(message, field=field) from err
