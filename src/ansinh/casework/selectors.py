"""Reads of the casework app, scoped to the user's area (outside it, or a role that does not read them: 404).
The petitioner's personal data leaves here only for the handlers (``petitioner_for``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from ansinh.accounts.permissions import identity_for, scope_to_area
from ansinh.casework.models import Inspection, Petition, PetitionStatus, RecoveryDemand
from ansinh.casework.permissions import can_read_inspections, can_read_petitions, can_see_petitioner
from ansinh.casework.services.petitions import deadline_state

HIDDEN = "(chỉ cán bộ xử lý đơn được xem)"


def petitions_for_user(*, user, status: str = "") -> QuerySet[Petition]:
    if not can_read_petitions(user):
        raise Http404("Không tìm thấy.")
    qs = scope_to_area(Petition.objects.select_related("commune", "handler"), user)
    return qs.filter(status=status) if status else qs


def petition_for_user(*, user, pk: int) -> Petition:
    petition = petitions_for_user(user=user).filter(pk=pk).first()
    if petition is None:
        raise Http404("Không tìm thấy đơn.")
    return petition


@dataclass(frozen=True)
class Petitioner:
    name: str
    address: str
    phone: str
    identity: str


def petitioner_for(user, petition: Petition) -> Petitioner:
    if not can_see_petitioner(user, petition):
        return Petitioner(HIDDEN, HIDDEN, HIDDEN, HIDDEN)
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
    """Petitions received in [first, last] by kind and status (SQL aggregate)."""
    return list(petitions_for_user(user=user).filter(received_on__range=(first, last))
                .values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status"))


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
