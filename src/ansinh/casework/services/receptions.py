"""The register of citizen reception (sổ tiếp công dân, Luật Tiếp công dân 42/2013/QH13; the register's columns of
Thông tư 04/2021/TT-TTCP, Mẫu số 03): one entry per citizen or delegation received — when, where, by whom, how many
people, what they brought, how it is classified and what was done with it.

The outcome «Tiếp nhận đơn» receives the citizen's petition through the petitions' own service
(``petitions.petition_receive_in_transaction``) in the same transaction: the entry and its petition are written
together or not at all, and the petition's deadlines start from the day of the reception. A complaint against a
first-time decision (khiếu nại lần hai) is received the same way, linked to the first petition or decision, with the
second time's deadlines; one past its time limit (Điều 33) without an objective obstacle is not taken at the desk:
the handler explains the time limit («Giải thích, hướng dẫn»). A refusal names its
ground (Điều 9 of the law) and the reason told to the citizen; a transfer names the body.

Entries are numbered per year (``2026/0001``): the number is taken under a lock and the pair (year, number) is unique
in the database, so that two handlers recording at the same moment get two numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.permissions import require_commune_in_area, user_covers_commune
from ansinh.casework.models import (
    Channel,
    Petition,
    PetitionKind,
    Reception,
    ReceptionCitizen,
    ReceptionOutcome,
    ReceptionSession,
    RefusalGround,
)
from ansinh.casework.permissions import HANDLERS, RECEIVERS, SIGNERS, require_reception_entry
from ansinh.casework.services.petitions import (
    PetitionDetails,
    identity_checked,
    petition_receive_in_transaction,
)
from ansinh.core.audit import audit_record
from ansinh.core.errors import DomainError
from ansinh.core.locks import next_in_sequence
from ansinh.core.text import clean_name, name_problem

MAX_CITIZENS = 10  # named citizens of one entry (the law asks a delegation for at most five representatives)


@dataclass(frozen=True)
class Citizen:
    name: str
    address: str = ""
    identity: str = ""


@dataclass(frozen=True)
class ReceptionDetails:
    received_at: dt.datetime | None
    place: str
    session: str
    kind: str
    content: str
    outcome: str
    citizens: list[Citizen] = field(default_factory=list)
    people_count: int = 1
    handled_before: str = ""
    outcome_note: str = ""
    refusal_ground: str = ""
    complex_case: bool = False
    remote_area: bool = False
    # the citizen lodges a complaint against a first-time decision (khiếu nại lần hai, Luật Khiếu nại 2011, Điều 33):
    # the first petition (in the system) or the first decision he brings; the petition is checked and its deadlines
    # computed by ``petitions`` like any second-time complaint
    second_time: bool = False
    first_petition: Petition | None = None
    first_decision_number: str = ""
    first_decision_date: dt.date | None = None
    first_decision_received_on: dt.date | None = None
    late_reason: str = ""


def _text(value: str, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _citizens(citizens: list[Citizen]) -> list[Citizen]:
    out = []
    for i, citizen in enumerate(citizens):
        name = clean_name(citizen.name or "")[:120]
        if not name:
            if not (citizen.address or citizen.identity):
                continue
            raise DomainError("Ghi họ tên của từng công dân được ghi vào sổ.", field="citizen_name" if i == 0 else "others")
        if problem := name_problem(name):
            raise DomainError(problem, field="citizen_name" if i == 0 else "others")
        out.append(Citizen(name, clean_name(citizen.address or "")[:300],
                           identity_checked(citizen.identity, field="citizen_identity" if i == 0 else "others")))
    if not out:
        raise DomainError("Ghi họ tên công dân đến trình bày (hoặc người đại diện của đoàn).", field="citizen_name")
    if len(out) > MAX_CITIZENS:
        raise DomainError(f"Ghi tối đa {MAX_CITIZENS} người; đoàn đông người cử người đại diện để trình bày.",
                          field="others")
    return out


def _outcome(details: ReceptionDetails) -> tuple[str, str]:
    """The note the outcome needs (what was explained, the body the petition goes to, why the reception was
    refused) and the refusal's ground."""
    note = _text(details.outcome_note, 2000)
    if details.outcome == ReceptionOutcome.REFUSED:
        if details.refusal_ground not in RefusalGround.values:
            raise DomainError("Chọn căn cứ từ chối tiếp (Luật Tiếp công dân 2013, Điều 9).", field="refusal_ground")
        if not note:
            raise DomainError("Ghi lý do từ chối tiếp đã giải thích cho công dân.", field="outcome_note")
        return note, details.refusal_ground
    if details.outcome == ReceptionOutcome.TRANSFERRED and not note:
        raise DomainError("Ghi cơ quan, đơn vị có thẩm quyền được chuyển đơn đến.", field="outcome_note")
    if details.outcome == ReceptionOutcome.GUIDED and not note:
        raise DomainError("Ghi nội dung đã giải thích, hướng dẫn cho công dân.", field="outcome_note")
    return note, ""


def _checked(details: ReceptionDetails) -> dict:
    now = timezone.now()
    at = details.received_at
    if at is None or timezone.is_naive(at) or at > now + dt.timedelta(minutes=5):
        raise DomainError("Thời gian tiếp không hợp lệ (không được sau lúc này).", field="received_at")
    if details.session not in ReceptionSession.values:
        raise DomainError("Chọn hình thức tiếp.", field="session")
    if details.kind not in PetitionKind.values:
        raise DomainError("Chọn phân loại vụ việc.", field="kind")
    if details.outcome not in ReceptionOutcome.values:
        raise DomainError("Chọn hướng xử lý.", field="outcome")
    place = clean_name(details.place or "")[:200]
    if not place:
        raise DomainError("Ghi địa điểm tiếp công dân.", field="place")
    content = _text(details.content, 5000)
    if not content:
        raise DomainError("Ghi nội dung vụ việc công dân trình bày.", field="content")
    citizens = _citizens(list(details.citizens))
    people = details.people_count or 0
    if people < len(citizens):
        raise DomainError(f"Số người ({people}) ít hơn số công dân đã ghi tên ({len(citizens)}).", field="people_count")
    if people > 10_000:
        raise DomainError("Số người không hợp lệ.", field="people_count")
    note, ground = _outcome(details)
    if details.outcome != ReceptionOutcome.PETITION and (
            details.second_time or details.first_petition is not None or _text(details.first_decision_number, 60)):
        raise DomainError("Khiếu nại lần hai được ghi khi tiếp nhận đơn: chọn hướng xử lý «"
                          f"{ReceptionOutcome.PETITION.label}», hoặc bỏ đánh dấu «Khiếu nại lần hai» và số đơn, số "
                          "quyết định lần đầu.", field="second_time")
    return {"received_at": at, "place": place, "session": details.session, "kind": details.kind, "content": content,
            "people_count": people, "handled_before": clean_name(details.handled_before or "")[:300],
            "outcome": details.outcome, "outcome_note": note, "refusal_ground": ground, "_citizens": citizens}


def _require_receiver(receiver, session: str, commune) -> None:
    if receiver is None or not receiver.is_active or receiver.role not in RECEIVERS:
        raise DomainError("Chọn người tiếp công dân (cán bộ tiếp công dân hoặc lãnh đạo).", field="received_by")
    if session == ReceptionSession.PERIODIC and receiver.role not in SIGNERS:
        raise DomainError("Tiếp định kỳ là việc thủ trưởng cơ quan trực tiếp tiếp công dân (Luật Tiếp công dân 2013, "
                          "Điều 18 khoản 2): chọn lãnh đạo là người tiếp.", field="received_by")
    if session == ReceptionSession.REGULAR and receiver.role not in HANDLERS:
        raise DomainError("Tiếp thường xuyên do cán bộ tiếp công dân thực hiện: chọn cán bộ tiếp công dân.",
                          field="received_by")
    if not user_covers_commune(receiver, commune.pk):
        raise DomainError(f"{receiver} không phụ trách địa bàn {commune.name}.", field="received_by")


def _next_sequence(year: int) -> int:
    return next_in_sequence(Reception.objects.filter(year=year), "sequence", lock=f"casework.reception.number.{year}")


@transaction.atomic(durable=True)
def reception_record(*, actor, commune, received_by, details: ReceptionDetails) -> Reception:
    """Write one entry of the register (and, for «Tiếp nhận đơn», the citizen's petition)."""
    require_reception_entry(actor)
    require_commune_in_area(actor, commune.pk)
    fields = _checked(details)
    citizens = fields.pop("_citizens")
    _require_receiver(received_by, fields["session"], commune)
    petition = None
    if fields["outcome"] == ReceptionOutcome.PETITION:
        first = citizens[0]
        petition = petition_receive_in_transaction(actor=actor, commune=commune, details=PetitionDetails(
            kind=fields["kind"], channel=Channel.RECEPTION, received_on=timezone.localtime(fields["received_at"]).date(),
            petitioner_name=first.name, petitioner_address=first.address, petitioner_identity=first.identity,
            summary=fields["content"], complex_case=details.complex_case, remote_area=details.remote_area,
            second_time=details.second_time, first_petition=details.first_petition,
            first_decision_number=details.first_decision_number, first_decision_date=details.first_decision_date,
            first_decision_received_on=details.first_decision_received_on, late_reason=details.late_reason),
            refuse_late=True)
    year = timezone.localtime(fields["received_at"]).year
    reception = Reception.objects.create(year=year, sequence=_next_sequence(year), commune=commune,
                                         received_by=received_by, petition=petition, created_by=actor, **fields)
    ReceptionCitizen.objects.bulk_create([
        ReceptionCitizen(reception=reception, position=i, name=c.name, address=c.address, identity=c.identity)
        for i, c in enumerate(citizens)])
    summary = (f"Sổ tiếp công dân số {reception.number}: {reception.get_session_display().lower()}, "
               f"{reception.people_count} người, {reception.get_kind_display().lower()} — "
               f"{reception.get_outcome_display().lower()}" + (f" (đơn {petition.number}"
                                                                 f"{', khiếu nại lần hai' if petition.second_time else ''})"
                                                                 if petition else ""))
    audit_record(actor=actor, action="casework_reception.record", obj=reception, summary=summary,
                 details={"outcome": reception.outcome, "people": reception.people_count,
                          **({"petition": petition.number, "second_time": petition.second_time} if petition else {})})
    return reception
