"""Writes of the standing registers from a checked file (the ``register`` import kind)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db.models import Q
from django.utils import timezone

from ansinh.programmes.models import (
    HOUSEHOLD_REGISTERS,
    Enrolment,
    EnrolmentChange,
    EnrolmentEvent,
    EventSource,
)


def enrolments_write(*, register: str, valid: pl.DataFrame) -> int:
    """Write the enrolments of the valid rows (in the import's transaction; the unique constraints refuse a
    second enrolment with the same start date even if a check were bypassed)."""
    enrolments = [
        Enrolment(register=register, person_id=r["person_id"], household_id=r["household_id"],
                  commune_id=r["commune_id"], tgxh_category=r["tgxh_category"] or "",
                  decision_number=r["decision_number"].strip(), start_date=r["start"], end_date=r["end"])
        for r in valid.iter_rows(named=True)
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    return len(enrolments)


@dataclass(frozen=True)
class HouseholdRegisterChange:
    started: int  # new enrolments (poor or near-poor)
    ended: int  # enrolments ended on the day
    kept: int  # households already on the register their decision confirms


def household_registers_apply(*, commune_id: int, decided: pl.DataFrame, on: dt.date, decision_number: str,
                              decision_date: dt.date, actor) -> HouseholdRegisterChange:
    """The standing poor / near-poor registers of a commune after a decision recognising a review (the poverty
    app), in the caller's transaction, keeping history.

    ``decided``: ``household_id``, ``status`` (``poor``, ``near_poor``; anything else: on neither register) for
    every household the decision covers. From ``on``: an enrolment of the commune open that day on the register
    the decision confirms is kept as it is; an open enrolment on another register (or on none, for a household
    leaving both) ends that day (``end_date = on``, a «decrease» event with the decision); a household decided
    poor or near-poor without an open enrolment of that register gets a new one starting ``on`` (an «increase»
    event with the decision). Nothing is deleted, no start or decision of an existing enrolment is changed."""
    decided = decided.select(pl.col("household_id").cast(pl.Int64), pl.col("status").fill_null("").cast(pl.String))
    ids = decided["household_id"].to_list()
    open_rows = list(Enrolment.objects.filter(
        commune_id=commune_id, register__in=HOUSEHOLD_REGISTERS, household_id__in=ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on)).values_list("pk", "household_id", "register"))
    status_of = dict(decided.iter_rows())
    to_end = [pk for pk, household, register in open_rows if status_of.get(household) != register]
    kept = {(household, register) for pk, household, register in open_rows if status_of.get(household) == register}
    month = on.replace(day=1)
    ending = list(Enrolment.objects.filter(pk__in=to_end))
    Enrolment.objects.filter(pk__in=to_end).update(end_date=on, updated_at=timezone.now())
    events = [EnrolmentEvent(enrolment=e, kind=EnrolmentChange.DECREASE, source=EventSource.DECISION,
                             effective_month=month, decision_number=decision_number, decision_date=decision_date,
                             recorded_by=actor, note="Ra khỏi danh sách theo kết quả rà soát") for e in ending]
    fresh = [Enrolment(register=status, household_id=household, commune_id=commune_id, decision_number=decision_number,
                       decision_date=decision_date, start_date=on)
             for household, status in status_of.items()
             if status in HOUSEHOLD_REGISTERS and (household, status) not in kept]
    Enrolment.objects.bulk_create(fresh, batch_size=5000)
    events += [EnrolmentEvent(enrolment=e, kind=EnrolmentChange.INCREASE, source=EventSource.DECISION,
                              effective_month=month, decision_number=decision_number, decision_date=decision_date,
                              recorded_by=actor, note="Công nhận theo kết quả rà soát") for e in fresh]
    EnrolmentEvent.objects.bulk_create(events, batch_size=5000)
    return HouseholdRegisterChange(started=len(fresh), ended=len(to_end), kept=len(kept))
