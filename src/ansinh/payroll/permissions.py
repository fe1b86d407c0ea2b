"""Who may do what with the monthly payrolls: the role sets, the sheet workflow (``SHEET_WORKFLOW`` on the shared
engine ``core.workflow``), the register changes, the recoveries ledger. No role is compared as a string.

The cycle (POLICY.md §3): the province generates the month from the registers (the engine), a commune or a
district prepares its sheet and submits it, the province appraises, the leader approves (never whoever
prepared, submitted or appraised it), the district or province sends it to the payment agent with the funds,
the agent's results come back, the district or province reconciles.
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.payroll.models import PayrollSheet, SheetEvent, SheetStatus, SheetStep

GENERATORS = frozenset({Role.PROVINCIAL_SPECIALIST})
PREPARERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST})
APPRAISERS = frozenset({Role.PROVINCIAL_SPECIALIST})
APPROVERS = frozenset({Role.LEADER})
SENDERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
RECONCILERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
AGENTS = frozenset({Role.PAYMENT_AGENT})
READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.LEADER,
                     Role.INSPECTOR, Role.ADMINISTRATOR})
# Register changes (increase, decrease, rate change, suspension, resumption, death, move) with their decision.
CHANGE_RECORDERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
# The recoveries ledger: inspection conclusions and repayments.
LEDGER_KEEPERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})

S, T = SheetStatus, SheetStep
MAKERS = (T.PREPARE, T.SUBMIT)
SHEET_WORKFLOW = Workflow(
    model=PayrollSheet, event_model=SheetEvent, event_field="sheet", steps=SheetStep, statuses=SheetStatus,
    noun="bảng chi trả", audit_prefix="payroll_sheet", scope=lambda sheet: sheet.commune_id,
    covers=lambda user, commune_id: user.role in AGENTS or user_covers_commune(user, commune_id),
    select_related=("commune", "payroll_month"),
    transitions=[
        Transition(T.PREPARE, source=(), roles=GENERATORS),
        Transition(T.SUBMIT, source=[S.DRAFT], target=S.SUBMITTED, roles=PREPARERS, stamp="submitted"),
        Transition(T.RETURN, source=[S.SUBMITTED, S.APPRAISED], target=S.DRAFT, roles=APPRAISERS | APPROVERS,
                   not_by=(T.SUBMIT,)),
        Transition(T.APPRAISE, source=[S.SUBMITTED], target=S.APPRAISED, roles=APPRAISERS, not_by=MAKERS,
                   stamp="appraised",
                   refusal="Bạn đã {did} bảng chi trả này nên không được thẩm định (nguyên tắc người lập – người duyệt)."),
        Transition(T.APPROVE, source=[S.APPRAISED], target=S.APPROVED, roles=APPROVERS,
                   not_by=(*MAKERS, T.APPRAISE), stamp="approved",
                   refusal="Bạn đã {did} bảng chi trả này nên không được phê duyệt (nguyên tắc người lập – người duyệt)."),
        Transition(T.SEND, source=[S.APPROVED], target=S.SENT, roles=SENDERS, stamp="sent"),
        Transition(T.RESULTS, source=[S.SENT], target=S.RESULTS, roles=SENDERS | AGENTS),
        Transition(T.RECONCILE, source=[S.RESULTS], target=S.RECONCILED, roles=RECONCILERS, stamp="reconciled"),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read_payroll(user) -> bool:
    return _has(user, READERS)


def is_agent(user) -> bool:
    return _has(user, AGENTS)


def can_see_payroll(user) -> bool:
    """The pages of the payroll: readers, and the payment agent (its own sheets only)."""
    return _has(user, READERS | AGENTS)


def can_generate(user) -> bool:
    return _has(user, GENERATORS)


def require_generator(user) -> None:
    if not can_generate(user):
        raise PermissionDenied("Chỉ chuyên viên Sở được lập bảng chi trả hằng tháng từ sổ đối tượng.")


def can_record_changes(user, commune_id: int | None = None) -> bool:
    return _has(user, CHANGE_RECORDERS) and (commune_id is None or user_covers_commune(user, commune_id))


def require_change_recorder(user, commune_id: int) -> None:
    if not _has(user, CHANGE_RECORDERS):
        raise PermissionDenied("Vai trò của bạn không được ghi thay đổi sổ đối tượng.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Đối tượng này thuộc xã/phường ngoài địa bàn bạn được phân công.")


def can_keep_ledger(user, commune_id: int | None = None) -> bool:
    return _has(user, LEDGER_KEEPERS) and (commune_id is None or user_covers_commune(user, commune_id))


def require_ledger_keeper(user, commune_id: int) -> None:
    if not _has(user, LEDGER_KEEPERS):
        raise PermissionDenied("Chỉ chuyên viên huyện hoặc Sở được ghi sổ theo dõi truy thu.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Người này thuộc xã/phường ngoài địa bàn bạn được phân công.")


def can_import_results(user, sheet: PayrollSheet) -> bool:
    """The sheet's own payment agent, or whoever may send the sheet (on the agent's behalf)."""
    if is_agent(user):
        return sheet.agent_id == user.pk
    return _has(user, SENDERS) and user_covers_commune(user, sheet.commune_id)


def require_results_importer(user, sheet: PayrollSheet) -> None:
    if not can_import_results(user, sheet):
        raise PermissionDenied("Bạn không được nhập kết quả chi trả cho bảng chi trả này.")
