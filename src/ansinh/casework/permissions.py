"""Who may do what with petitions and inspections; the petitions' workflow on the shared engine. No role is compared
as a string.

Petitions: the complaint handlers (cán bộ tiếp dân, xử lý đơn thư) receive, accept or refuse, extend and close; the
leader signs the decision or conclusion. The petitioner's personal data (name, address, telephone, identity number)
is shown only to the complaint handlers covering the petition's commune (Luật Tố cáo 2018 protects the denouncer's
identity): leaders, inspectors and administrators read the matter without them.

Citizen reception (the register, sổ tiếp công dân): the same handlers write it and the same readers read it, scoped
to the commune where the matter arises; the citizens' personal data is the handlers' only, like the petitioner's.
The one who receives is a handler (regular reception) or the leader (the head's periodic reception, Luật Tiếp công
dân 2013, Điều 18).

Inspections: the inspector records the inspection, its conclusion and the amounts to recover; a ledger keeper of the
payroll (``payroll.permissions.LEDGER_KEEPERS``) enters them into the recoveries ledger.
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.casework.models import Petition, PetitionEvent, PetitionStatus, PetitionStep
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.payroll.permissions import LEDGER_KEEPERS

HANDLERS = frozenset({Role.COMPLAINT_HANDLER})
SIGNERS = frozenset({Role.LEADER})
RECEIVERS = HANDLERS | SIGNERS  # who receives citizens (the handler records it)
PETITION_READERS = HANDLERS | SIGNERS | frozenset({Role.INSPECTOR, Role.ADMINISTRATOR})
INSPECTORS = frozenset({Role.INSPECTOR})
INSPECTION_READERS = INSPECTORS | LEDGER_KEEPERS | frozenset({Role.LEADER, Role.ADMINISTRATOR})

S, T = PetitionStatus, PetitionStep
PETITION_WORKFLOW = Workflow(
    model=Petition, event_model=PetitionEvent, event_field="petition", steps=PetitionStep, statuses=PetitionStatus,
    noun="đơn", audit_prefix="casework_petition", scope=lambda p: p.commune_id, covers=user_covers_commune,
    transitions=[
        Transition(T.RECEIVE, source=(), roles=HANDLERS),
        Transition(T.ACCEPT, source=[S.RECEIVED], target=S.ACCEPTED, roles=HANDLERS),
        Transition(T.REJECT, source=[S.RECEIVED], target=S.REJECTED, roles=HANDLERS),
        Transition(T.EXTEND, source=[S.ACCEPTED], roles=HANDLERS),
        Transition(T.DECIDE, source=[S.ACCEPTED], target=S.DECIDED, roles=SIGNERS),
        Transition(T.CLOSE, source=[S.DECIDED], target=S.CLOSED, roles=HANDLERS),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read_petitions(user) -> bool:
    return _has(user, PETITION_READERS)


def can_handle(user) -> bool:
    return _has(user, HANDLERS)


def can_see_petitioner(user, petition: Petition) -> bool:
    return _has(user, HANDLERS) and user_covers_commune(user, petition.commune_id)


def can_see_citizens(user, reception) -> bool:
    return _has(user, HANDLERS) and user_covers_commune(user, reception.commune_id)


def require_reception_entry(user) -> None:
    if not can_handle(user):
        raise PermissionDenied("Chỉ cán bộ tiếp công dân, xử lý đơn được ghi sổ tiếp công dân.")


def can_read_inspections(user) -> bool:
    return _has(user, INSPECTION_READERS)


def can_inspect(user) -> bool:
    return _has(user, INSPECTORS)


def can_keep_ledger(user) -> bool:
    return _has(user, LEDGER_KEEPERS)


def require_inspector(user, commune_id: int) -> None:
    if not can_inspect(user):
        raise PermissionDenied("Chỉ thanh tra viên được ghi cuộc thanh tra và kết luận.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Xã/phường này nằm ngoài địa bàn bạn được phân công.")
