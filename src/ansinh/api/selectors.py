"""Reads of the API. Each one goes through the owning app's selector with the client's account, so a client sees
exactly what the pages show that account — nothing here decides who may see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from ansinh.accounts.permissions import area_current_communes
from ansinh.api.errors import ApiError
from ansinh.core.identity import digits_only
from ansinh.programmes.models import HOUSEHOLD_REGISTERS
from ansinh.programmes.selectors import enrolments_for_user
from ansinh.registry.models import Membership, Person
from ansinh.registry.selectors import person_get_for_user, persons_for_user

CURSOR_SALT = "ansinh.api.cursor"
IDENTITY_LENGTHS = {"UIN": 12, "CMND": 9, "BHXH": 10}
IDENTITY_FIELDS = {"UIN": "pid", "CMND": "cmnd", "BHXH": "social_insurance_no"}


class SearchRefused(Exception):
    """One request of an envelope refused (answered «rjct» with a code, the others still answered)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Page:
    persons: list[Person]
    next_cursor: str | None


def _identity_value(kind: str, value: str) -> str:
    digits = digits_only(value)
    if kind == "HOUSEHOLD_ID":
        code = value.strip().upper()
        if not code or not code.isascii() or not code.isalnum():
            raise SearchRefused("invalid_identifier", "Mã hộ chỉ gồm chữ và số (ví dụ HT18073000123).")
        return code
    if digits != value.strip() or len(digits) != IDENTITY_LENGTHS[kind]:
        raise SearchRefused("invalid_identifier", f"Số {kind} phải gồm đúng {IDENTITY_LENGTHS[kind]} chữ số.")
    return digits


def persons_by_identifier(*, user, kind: str, value: str) -> QuerySet[Person]:
    """A complete identity number (never a prefix) or a household code, inside the account's area."""
    value = _identity_value(kind, value)
    qs = persons_for_user(user=user)
    if kind == "HOUSEHOLD_ID":
        return qs.filter(household__code=value)
    return qs.filter(**{IDENTITY_FIELDS[kind]: value})


def persons_by_name(*, user, name: str, birth_year: int, commune_code: str) -> QuerySet[Person]:
    """Name (folded, as the page searches it) + year of birth + today's commune of the account's area."""
    name = " ".join(str(name).split())
    if len(name) < 2 or any(ch.isdigit() for ch in name):
        raise SearchRefused("invalid_name", "Họ tên cần ít nhất 2 ký tự và không có chữ số.")
    if not isinstance(birth_year, int) or not 1900 <= birth_year <= timezone.localdate().year:
        raise SearchRefused("invalid_birth_year", "Năm sinh là số có 4 chữ số, từ 1900 đến năm nay.")
    commune_code = str(commune_code).strip()
    if not (commune_code.isascii() and commune_code.isdigit() and len(commune_code) <= 10):
        raise SearchRefused("invalid_commune_code", "Mã xã/phường là mã số của cơ quan thống kê (chỉ gồm chữ số).")
    commune = area_current_communes(user).filter(code=commune_code).first()
    if commune is None:
        raise SearchRefused("commune_not_in_area",
                            f"Mã xã/phường «{commune_code}» không phải xã/phường hiện nay trong địa bàn của hệ thống kết nối.")
    return persons_for_user(user=user, query=name, commune_id=commune.pk).filter(
        birth_date__gte=dt.date(birth_year, 1, 1), birth_date__lte=dt.date(birth_year, 12, 31))


def page_of(qs: QuerySet[Person], *, page_size: int, cursor: str | None) -> Page:
    """Keyset pagination in the selector's own order (folded name, id): the cursor is signed, so a client can
    neither forge one nor read more than its page size at a time."""
    if cursor:
        try:
            key, last_id = signing.loads(cursor, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, TypeError) as err:
            raise SearchRefused("invalid_cursor", "Con trỏ phân trang (cursor) không hợp lệ: gọi lại từ trang đầu.") from err
        qs = qs.filter(Q(search_key__gt=key) | Q(search_key=key, id__gt=last_id))
    rows = list(qs[: page_size + 1])
    persons = rows[:page_size]
    next_cursor = (signing.dumps([persons[-1].search_key, persons[-1].pk], salt=CURSOR_SALT)
                   if len(rows) > page_size else None)
    return Page(persons=persons, next_cursor=next_cursor)


def person_for_enrolment(*, user, identifier=None, person_id: int | None = None) -> Person:
    """The person a «is enrolled» question is about, read as the pages read it (a person outside the area is
    «not found»)."""
    if person_id is not None:
        return person_get_for_user(user=user, pk=person_id)
    person = persons_by_identifier(user=user, kind=identifier.type, value=identifier.value).first()
    if person is None:
        raise ApiError(404, "not_found", "Không tìm thấy người có số này trong địa bàn của hệ thống kết nối.")
    return person


def household_ids_on(*, person: Person, day: dt.date) -> list[int]:
    """The households the person belonged to on ``day`` (memberships; the current household when none is dated)."""
    ids = list(Membership.objects.filter(person=person).filter(
        Q(joined_date__isnull=True) | Q(joined_date__lte=day)).filter(
        Q(left_date__isnull=True) | Q(left_date__gt=day)).values_list("household_id", flat=True))
    if not ids and person.household_id is not None:
        ids = [person.household_id]
    return ids


def enrolments_on(*, user, person: Person, register: str, day: dt.date) -> list:
    households = household_ids_on(person=person, day=day) if register in HOUSEHOLD_REGISTERS else None
    return list(enrolments_for_user(user=user, register=register, person=person, household_ids=households))


ACCESS_LOG_LIMIT = 500


def disclosures(*, user, person: Person | None = None, client_id: int | None = None, since: dt.date | None = None,
                until: dt.date | None = None) -> QuerySet:
    """The access log: which connected system was given which person, when, by which operation and for what
    purpose (newest first, at most 500). Readers: ``api.permissions.ACCESS_LOG_READERS``; the people are those of
    the reader's area (through the registry's selector)."""
    from ansinh.api.models import ApiDisclosure
    from ansinh.api.permissions import can_read_access_log

    if not can_read_access_log(user):
        return ApiDisclosure.objects.none()
    qs = ApiDisclosure.objects.filter(person__in=persons_for_user(user=user).order_by().values("pk"))
    if person is not None:
        qs = qs.filter(person=person)
    if client_id:
        qs = qs.filter(client_id=client_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.select_related("call", "client", "person", "person__commune").order_by("-at", "-id")[:ACCESS_LOG_LIMIT]


def person_by_identity(*, user, number: str) -> Person | None:
    """A complete identity number typed in a page's search box (UIN, CMND or BHXH), inside the user's area."""
    digits = digits_only(number)
    kind = {12: "UIN", 9: "CMND", 10: "BHXH"}.get(len(digits))
    if kind is None or digits != number.strip():
        return None
    return persons_by_identifier(user=user, kind=kind, value=digits).first()
