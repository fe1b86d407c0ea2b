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
from ansinh.registry.models import AccessKind, Membership, Person
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


FIXED_ORDER = [("name", "asc")]  # DCI sort the search serves: the selector's own order (folded name, then id)


def require_fixed_order(sort) -> None:
    """A DCI ``sort`` is accepted only when it asks for the fixed order; any other is refused, never ignored."""
    if not sort:
        return
    asked = [(item.attribute_name, item.sort_order) for item in sort]
    if asked != FIXED_ORDER:
        shown = ", ".join(f"{name} {order}" for name, order in asked)
        raise SearchRefused("unsupported_sort",
                            f"Không hỗ trợ sắp xếp «{shown[:200]}»: kết quả chỉ sắp xếp theo thứ tự cố định họ tên "
                            "tăng dần (sort: [{attribute_name: \"name\", sort_order: \"asc\"}]) — thứ tự mà con "
                            "trỏ phân trang đi theo. Bỏ trường sort hoặc gửi đúng thứ tự này.")


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
SOURCES = {"api": "Hệ thống kết nối (API)", **{str(k): str(v) for k, v in AccessKind.choices}}


@dataclass(frozen=True)
class AccessRow:
    """One line of the access log: a person given out to a connected system, or a page view or file of a user."""

    at: dt.datetime
    source: str  # a key of SOURCES
    who: str  # the connected system or the user
    what: str  # the operation or the page / file
    purpose: str
    person: Person | None  # the person, when the line is about one (always for the API)
    count: int
    identity_shown: bool = False

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)


def disclosures(*, user, person: Person | None = None, client_id: int | None = None, since: dt.date | None = None,
                until: dt.date | None = None) -> QuerySet:
    """The access log of the API: which connected system was given which person, when, by which operation and for
    what purpose (newest first, at most 500). Readers: ``api.permissions.ACCESS_LOG_READERS``; the people are those
    of the reader's area (through the registry's selector)."""
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


def page_accesses(*, user, person: Person | None = None, actor: str = "", kind: str = "",
                  since: dt.date | None = None, until: dt.date | None = None) -> QuerySet:
    """The access log of the pages (``registry.PersonAccess``): views, look-ups by identity number, files; for a
    reader of a smaller area than the province, only the accesses that touched someone of that area."""
    from django.db.models import Exists, OuterRef

    from ansinh.accounts.permissions import area_commune_ids, user_sees_whole_province
    from ansinh.api.permissions import can_read_access_log
    from ansinh.registry.models import PersonAccess, PersonAccessItem

    if not can_read_access_log(user):
        return PersonAccess.objects.none()
    qs = PersonAccess.objects.all()
    if person is not None:
        qs = qs.filter(Exists(PersonAccessItem.objects.filter(access=OuterRef("pk"), person=person)))
    elif not user_sees_whole_province(user):
        qs = qs.filter(Exists(PersonAccessItem.objects.filter(access=OuterRef("pk"),
                                                              person__commune_id__in=area_commune_ids(user))))
    if actor:
        qs = qs.filter(actor__username=actor)
    if kind:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.select_related("actor").order_by("-at", "-id")[:ACCESS_LOG_LIMIT]


API_OPERATIONS = {
    "registry_search": "Tìm nhân khẩu", "person_read": "Xem một nhân khẩu", "household_read": "Xem một hộ",
    "enrolment_check": "Hỏi đang hưởng theo sổ", "payroll_sheet": "Xem bảng chi trả",
}


def access_log(*, user, person: Person | None = None, source: str = "", client_id: int | None = None,
               actor: str = "", since: dt.date | None = None, until: dt.date | None = None) -> list[AccessRow]:
    """Page and API accesses together, newest first, at most ``ACCESS_LOG_LIMIT``: a user's filter drops the API
    lines, a connected system's filter the page lines."""
    rows: list[AccessRow] = []
    if source in ("", "api") and not actor:
        for r in disclosures(user=user, person=person, client_id=client_id, since=since, until=until):
            operation = r.call.details.get("operation", "")
            rows.append(AccessRow(at=r.at, source="api", who=r.client.name, what=API_OPERATIONS.get(operation, operation),
                                  purpose="; ".join(r.call.details.get("purposes") or []), person=r.person, count=1))
    if source != "api" and not client_id:
        accesses = list(page_accesses(user=user, person=person, actor=actor, kind=source, since=since, until=until))
        singles = _single_persons(a.pk for a in accesses if a.person_count == 1)
        for a in accesses:
            rows.append(AccessRow(at=a.at, source=a.kind, who=f"{a.actor.get_full_name() or a.actor.username} "
                                                              f"({a.actor.username})",
                                  what=a.what, purpose=a.purpose, person=person or singles.get(a.pk),
                                  count=a.person_count, identity_shown=a.identity_shown))
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:ACCESS_LOG_LIMIT]


def _single_persons(access_ids) -> dict[int, Person]:
    from ansinh.registry.models import PersonAccessItem

    ids = list(access_ids)
    if not ids:
        return {}
    return {item.access_id: item.person for item in
            PersonAccessItem.objects.filter(access_id__in=ids).select_related("person", "person__commune")}


def person_by_identity(*, user, number: str) -> Person | None:
    """A complete identity number typed in a page's search box (UIN, CMND or BHXH), inside the user's area."""
    digits = digits_only(number)
    kind = {12: "UIN", 9: "CMND", 10: "BHXH"}.get(len(digits))
    if kind is None or digits != number.strip():
        return None
    return persons_by_identifier(user=user, kind=kind, value=digits).first()


# ---------------------------------------------------------------- personal-data protection registers

def requests_for_user(*, user, status: str = "", state: str = "") -> QuerySet:
    """Data subjects' requests (administrators and inspectors; anyone else a 404). ``state``: 'overdue' — waiting
    past the acknowledgement or the answer deadline."""
    from django.http import Http404

    from ansinh.api.models import DataSubjectRequest, RequestStatus
    from ansinh.api.permissions import can_read_protection

    if not can_read_protection(user):
        raise Http404("Không tìm thấy.")
    qs = DataSubjectRequest.objects.select_related("person", "person__commune", "created_by", "extension",
                                                   "extension__created_by")
    if status:
        qs = qs.filter(status=status)
    if state == "overdue":
        today = timezone.localdate()
        qs = qs.filter(Q(status=RequestStatus.RECEIVED, acknowledgement_due__lt=today)
                       | Q(status=RequestStatus.ACKNOWLEDGED, answer_due__lt=today))
    return qs


def request_get(*, user, pk: int):
    from django.http import Http404

    found = requests_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy yêu cầu.")
    return found


def request_extension(request):
    """The request's one extension of its answer deadline, or None (read with the request by ``requests_for_user``)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return request.extension
    except ObjectDoesNotExist:
        return None


def request_due(request) -> tuple[dt.date | None, str]:
    """The deadline the request waits for now and its state ('overdue', 'soon', ''): once extended, the answer's
    deadline is the extended one."""
    from ansinh.api.models import RequestStatus
    from ansinh.api.protection import deadline_state

    due = {RequestStatus.RECEIVED: request.acknowledgement_due,
           RequestStatus.ACKNOWLEDGED: request.answer_due}.get(request.status)
    return due, deadline_state(due)


def breaches_for_user(*, user, status: str = "") -> QuerySet:
    from django.http import Http404

    from ansinh.api.models import DataBreach
    from ansinh.api.permissions import can_read_protection

    if not can_read_protection(user):
        raise Http404("Không tìm thấy.")
    qs = DataBreach.objects.select_related("created_by")
    return qs.filter(status=status) if status else qs


def breach_get(*, user, pk: int):
    from django.http import Http404

    found = breaches_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy vụ vi phạm.")
    return found


def todo_items(user) -> list:
    """For the administrators: requests to acknowledge (2 working days) and to answer, those overdue, and breaches
    whose 72-hour clock runs (not yet notified)."""
    from django.urls import reverse

    from ansinh.api.models import BreachStatus, DataBreach, DataSubjectRequest
    from ansinh.api.permissions import REQUEST_WORKFLOW, can_keep_protection
    from ansinh.core.todo import TodoItem, count_and_oldest, present, workflow_todo

    if not can_keep_protection(user):
        return []
    section, requests_url = "Bảo vệ dữ liệu cá nhân", reverse("api_pages:request_list")
    requests = DataSubjectRequest.objects.all()
    overdue, oldest_overdue = count_and_oldest(requests_for_user(user=user, state="overdue"), "created_at")
    breaches, oldest_breach = count_and_oldest(DataBreach.objects.filter(status=BreachStatus.OPEN), "detected_at")
    return present([
        workflow_todo(REQUEST_WORKFLOW, user=user, queryset=requests, step="acknowledge", section=section,
                      label="Yêu cầu của chủ thể dữ liệu chờ phản hồi (2 ngày làm việc)",
                      url=f"{requests_url}?status=received"),
        workflow_todo(REQUEST_WORKFLOW, user=user, queryset=requests, step="answer", section=section,
                      label="Yêu cầu của chủ thể dữ liệu chờ thực hiện, trả lời",
                      url=f"{requests_url}?status=acknowledged"),
        TodoItem(section=section, label="Yêu cầu quá hạn phản hồi hoặc trả lời", count=overdue,
                 url=f"{requests_url}?state=overdue", oldest=oldest_overdue.created_at if oldest_overdue else None),
        TodoItem(section=section, label="Vi phạm dữ liệu cá nhân chưa thông báo cơ quan chuyên trách (72 giờ)",
                 count=breaches,
                 url=(reverse("api_pages:breach_detail", args=[oldest_breach.pk]) if oldest_breach
                      else reverse("api_pages:breach_list")),
                 oldest=oldest_breach.detected_at if oldest_breach else None),
    ])
