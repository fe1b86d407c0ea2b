"""Reads of the casework app, scoped to the user's area (outside it, or a role that does not read them: 404).
The petitioner's and the received citizens' personal data leave here only for the handlers (``petitioner_for``,
``citizens_for``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ansinh.accounts.permissions import area_commune_ids, identity_for, scope_to_area
from ansinh.casework.legal_deadlines import DELEGATION_MIN, HEAD_RECEPTION_DAYS_PER_MONTH
from ansinh.casework.models import (
    Inspection,
    Petition,
    PetitionStatus,
    Reception,
    ReceptionSession,
    RecoveryDemand,
)
from ansinh.casework.permissions import (
    RECEIVERS,
    can_read_inspections,
    can_read_petitions,
    can_see_citizens,
    can_see_petitioner,
)
from ansinh.casework.services.petitions import deadline_state

HIDDEN = "(chỉ cán bộ xử lý đơn được xem)"


def petitions_for_user(*, user, status: str = "") -> QuerySet[Petition]:
    if not can_read_petitions(user):
        raise Http404("Không tìm thấy.")
    qs = scope_to_area(Petition.objects.select_related("commune", "handler"), user)
    return qs.filter(status=status) if status else qs


def petition_for_user(*, user, pk: int) -> Petition:
    petition = petitions_for_user(user=user).select_related("first_petition").filter(pk=pk).first()
    if petition is None:
        raise Http404("Không tìm thấy đơn.")
    return petition


def petition_by_number(*, user, number: str) -> Petition | None:
    """A petition of the user's area by its number («2026/00012»), or None."""
    number = (number or "").strip()
    if not number or len(number) > 20:
        return None
    return petitions_for_user(user=user).filter(number=number).first()


def second_time_petitions(*, user, petition: Petition) -> QuerySet[Petition]:
    """The second-time complaints lodged against this first-time petition (within the user's area)."""
    return petitions_for_user(user=user).filter(first_petition=petition).order_by("received_on", "pk")


@dataclass(frozen=True)
class Petitioner:
    name: str
    address: str
    phone: str
    identity: str
    hidden: bool = False  # the page then says it once, not on every line


def petitioner_for(user, petition: Petition) -> Petitioner:
    if not can_see_petitioner(user, petition):
        return Petitioner(HIDDEN, HIDDEN, HIDDEN, HIDDEN, hidden=True)
    return Petitioner(petition.petitioner_name, petition.petitioner_address, petition.petitioner_phone,
                      identity_for(user, petition.petitioner_identity))


def deadline_warnings(*, user) -> list[tuple[Petition, str, dt.date]]:
    """Open petitions whose acceptance or resolution deadline is past or within the warning days, soonest first."""
    out = []
    for petition in petitions_for_user(user=user).filter(
            status__in=[PetitionStatus.RECEIVED, PetitionStatus.ACCEPTED]):
        due = petition.acceptance_due if petition.status == PetitionStatus.RECEIVED else petition.resolution_due
        if state := deadline_state(due):
            out.append((petition, state, due))
    return sorted(out, key=lambda item: item[2])


def petitions_report(*, user, first: dt.date, last: dt.date) -> list[dict]:
    """Petitions received in [first, last] by kind and status (SQL aggregate), with how many of them are
    second-time complaints (``second``)."""
    return list(petitions_for_user(user=user).filter(received_on__range=(first, last))
                .values("kind", "status").annotate(n=Count("pk"), second=Count("pk", filter=Q(second_time=True)))
                .order_by("kind", "status"))


# ---------------------------------------------------------------- citizen reception

def receptions_for_user(*, user) -> QuerySet[Reception]:
    if not can_read_petitions(user):
        raise Http404("Không tìm thấy.")
    return scope_to_area(Reception.objects.select_related("commune", "received_by", "petition"), user)


def reception_number_query(term: str, *, prefix: str = "") -> Q | None:
    """The entries a number typed as in the register matches: «2026/0012» (or «2026/12»), a year «2026/», a
    sequence «12»; None for anything else (nothing matches)."""
    year, slash, sequence = (term or "").strip().partition("/")
    year, sequence = (year, sequence.strip()) if slash else ("", year)
    if not all(part.isascii() and part.isdigit() and len(part) <= 6 for part in (year, sequence) if part):
        return None
    if not (year or sequence):
        return None
    query = Q(**{f"{prefix}year": int(year)}) if year else Q()
    return query & Q(**{f"{prefix}sequence": int(sequence)}) if sequence else query


def receptions_in_period(*, user, first: dt.date, last: dt.date) -> QuerySet[Reception]:
    start, end = _day_bounds(first, last)
    return receptions_for_user(user=user).filter(received_at__gte=start, received_at__lt=end)


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone))


def reception_for_user(*, user, pk: int) -> Reception:
    reception = receptions_for_user(user=user).select_related("petition__first_petition").filter(pk=pk).first()
    if reception is None:
        raise Http404("Không tìm thấy lượt tiếp công dân.")
    return reception


@dataclass(frozen=True)
class ReceivedCitizen:
    name: str
    address: str
    identity: str
    hidden: bool = False


def citizens_for(user, reception: Reception) -> list[ReceivedCitizen]:
    """The citizens of an entry as this user may see them: the handlers of the commune read them (the identity
    number through ``identity_for``); everyone else reads that there were so many, not who."""
    return [citizen_as_seen(user, c, reception=reception) for c in reception.citizens.all()]


def citizen_as_seen(user, citizen, *, reception: Reception | None = None) -> ReceivedCitizen:
    """One received citizen as this user may see him (the register's pages and the administration's)."""
    if not can_see_citizens(user, reception or citizen.reception):
        return ReceivedCitizen(HIDDEN, HIDDEN, HIDDEN, hidden=True)
    return ReceivedCitizen(citizen.name, citizen.address, identity_for(user, citizen.identity))


def receptions_report(*, user, first: dt.date, last: dt.date) -> list[dict]:
    """Entries of the register in [first, last] by classification, session and outcome (one SQL aggregate):
    entries, people, delegations (``DELEGATION_MIN`` people or more)."""
    return list(receptions_in_period(user=user, first=first, last=last)
                .values("kind", "session", "outcome")
                .annotate(n=Count("pk"), people=Sum("people_count"),
                          delegations=Count("pk", filter=Q(people_count__gte=DELEGATION_MIN)))
                .order_by("kind", "session", "outcome"))


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def head_reception_days(*, user, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """For each month of the period already begun: the days on which the head (a leader) received citizens
    himself (periodic reception). A month with fewer than ``HEAD_RECEPTION_DAYS_PER_MONTH`` is a reminder."""
    today = timezone.localdate()
    days: dict[dt.date, set[dt.date]] = {}
    for at in (receptions_in_period(user=user, first=first, last=last)
               .filter(session=ReceptionSession.PERIODIC).values_list("received_at", flat=True)):
        local = timezone.localtime(at).date()
        days.setdefault(local.replace(day=1), set()).add(local)
    return [(month, len(days.get(month, ()))) for month in _months(first, min(last, today))]


def head_reception_missing(rows: list[tuple[dt.date, int]]) -> list[dt.date]:
    return [month for month, n in rows if n < HEAD_RECEPTION_DAYS_PER_MONTH]


def receivers_for(*, user):
    """Who may be named as having received the citizens: active handlers and leaders whose area meets the
    user's (the service checks the chosen commune)."""
    from ansinh.accounts.models import User

    mine = set(area_commune_ids(user))
    users = User.objects.filter(role__in=list(RECEIVERS), is_active=True).select_related("area").order_by(
        "role", "last_name", "first_name", "pk")
    return User.objects.filter(pk__in=[u.pk for u in users if mine & set(area_commune_ids(u))]).order_by(
        "role", "last_name", "first_name", "pk")


def inspections_for_user(*, user) -> QuerySet[Inspection]:
    if not can_read_inspections(user):
        raise Http404("Không tìm thấy.")
    return scope_to_area(Inspection.objects.select_related("commune"), user)


def inspection_for_user(*, user, pk: int) -> Inspection:
    inspection = inspections_for_user(user=user).filter(pk=pk).first()
    if inspection is None:
        raise Http404("Không tìm thấy cuộc thanh tra.")
    return inspection


@dataclass(frozen=True)
class FollowUp:
    demand: RecoveryDemand
    owed: int | None  # what the person still owes in that register (the ledger), None before it is entered


def recovery_followup(*, user) -> list[FollowUp]:
    """«Đôn đốc truy thu theo kết luận thanh tra»: each concluded amount and what the ledger says is still owed."""
    from django.db.models import Sum

    from ansinh.payroll.models import EntryKind, RecoveryEntry

    demands = list(RecoveryDemand.objects.select_related("inspection", "person")
                   .filter(inspection__in=inspections_for_user(user=user), inspection__status="concluded")
                   .order_by("inspection__conclusion_date", "pk"))
    balance: dict[tuple[int, str], int] = {}
    for person_id, register, kind, total in (  # what the ledger says, in one aggregate (debts − repayments)
            RecoveryEntry.objects.filter(person_id__in={d.person_id for d in demands})
            .values("person_id", "register", "kind").annotate(total=Sum("amount"))
            .values_list("person_id", "register", "kind", "total")):
        sign = 1 if kind == EntryKind.DEBT else -1
        balance[(person_id, register)] = balance.get((person_id, register), 0) + sign * int(total or 0)
    return [FollowUp(d, balance.get((d.person_id, d.register), 0) if d.recovery_entry_id else None) for d in demands]


def inspection_person(*, inspection: Inspection, pid: str):
    """The person of the inspection's commune holding this identity number, or None."""
    from ansinh.registry.selectors import person_identity_holder

    person = person_identity_holder(field="pid", value=(pid or "").strip())
    return person if person is not None and person.commune_id == inspection.commune_id else None


def handlers_for(*, petition: Petition):
    """The complaint handlers who may be given the petition (their area covers its commune)."""
    from ansinh.accounts.models import User
    from ansinh.accounts.permissions import user_covers_commune
    from ansinh.casework.permissions import HANDLERS

    users = User.objects.filter(role__in=list(HANDLERS), is_active=True).select_related("area")
    return User.objects.filter(pk__in=[u.pk for u in users if user_covers_commune(u, petition.commune_id)])
