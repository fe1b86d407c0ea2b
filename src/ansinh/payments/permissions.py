"""Who may do what with payments: the role sets, the batch workflow (``BATCH_WORKFLOW`` on the shared engine),
and the payment agent's own rights (it sees and answers only its own batches). No role string anywhere."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.payments.models import BatchEvent, BatchStatus, BatchStep, PaymentBatch
from ansinh.programmes.permissions import READERS as PROGRAMME_READERS

PAYMENT_MANAGERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
RECONCILERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
AGENTS = frozenset({Role.PAYMENT_AGENT})
BATCH_READERS = PROGRAMME_READERS

S, T = BatchStatus, BatchStep
BATCH_WORKFLOW = Workflow(
    model=PaymentBatch, event_model=BatchEvent, event_field="batch", steps=BatchStep, statuses=BatchStatus,
    noun="đợt chi trả", audit_prefix="payment", scope=lambda b: b.commune_id,
    covers=lambda user, commune_id: user.role in AGENTS or user_covers_commune(user, commune_id),
    select_related=("beneficiary_list", "commune", "programme"),
    transitions=[
        Transition(T.CREATE, source=(), roles=PAYMENT_MANAGERS),
        Transition(T.EXPORT, source=[S.OPEN], target=S.EXPORTED, roles=PAYMENT_MANAGERS | AGENTS, stamp="exported"),
        Transition(T.RESULTS, source=[S.OPEN, S.EXPORTED], target=S.RESULTS, roles=PAYMENT_MANAGERS | AGENTS),
        Transition(T.RECONCILE, source=[S.RESULTS], target=S.RECONCILED, roles=RECONCILERS, stamp="reconciled"),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def is_agent(user) -> bool:
    return _has(user, AGENTS)


def can_see_payments(user) -> bool:
    return _has(user, BATCH_READERS | AGENTS)


def can_manage_payments(user, commune_id: int | None = None) -> bool:
    """Create batches (and import results on behalf of the agent) for lists of ``commune_id``."""
    return _has(user, PAYMENT_MANAGERS) and (commune_id is None or user_covers_commune(user, commune_id))


def require_payment_manager(user, commune_id: int) -> None:
    if not _has(user, PAYMENT_MANAGERS):
        raise PermissionDenied("Vai trò của bạn không được lập đợt chi trả.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Danh sách này thuộc xã/phường ngoài địa bàn bạn được phân công.")


def require_agent_account(agent) -> None:
    if not is_agent(agent) or not agent.is_active:
        raise PermissionDenied("Tổ chức chi trả phải là tài khoản đang hoạt động có vai trò «Tổ chức chi trả».")


def can_import_results(user, batch: PaymentBatch) -> bool:
    """The batch's own agent, or a payment manager of the commune on its behalf."""
    if is_agent(user):
        return batch.agent_id == user.pk
    return can_manage_payments(user, batch.commune_id)


def require_results_importer(user, batch: PaymentBatch) -> None:
    if not can_import_results(user, batch):
        raise PermissionDenied("Bạn không được nhập kết quả cho đợt chi trả này.")
