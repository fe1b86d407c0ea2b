"""Who may do what with programmes and lists: the role sets, the list workflow (``LIST_WORKFLOW``, on the
shared engine ``core.workflow``), and the upload rights. Views, services and selectors ask these; no role is
compared as a string anywhere."""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import DomainError, PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.programmes.models import (
    BeneficiaryList,
    ListEvent,
    ListStatus,
    ListStep,
    Programme,
    ProgrammeEvent,
    ProgrammeStatus,
    ProgrammeStep,
)

PREPARERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
GENERATORS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
APPRAISERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
APPROVERS = frozenset({Role.LEADER})
POSTERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
PAYERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.PAYMENT_AGENT})
RECONCILERS = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
CLOSERS = frozenset({Role.PROVINCIAL_SPECIALIST})
READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.LEADER,
                     Role.INSPECTOR, Role.ADMINISTRATOR})
# Lists of groups 1–4 come from Excel files (QĐ 15 Mẫu 01–04): the commune (or the province) uploads them;
# group 1 lists come from enterprises through the district.
UPLOADERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_SPECIALIST})
GROUP1_UPLOADERS = UPLOADERS | {Role.DISTRICT_SPECIALIST}
REGISTER_IMPORTERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})

# The programme designer: provincial specialists define programmes, leaders approve them (never the preparer).
DESIGNERS = frozenset({Role.PROVINCIAL_SPECIALIST})
PROGRAMME_APPROVERS = frozenset({Role.LEADER})
PS, PT = ProgrammeStatus, ProgrammeStep
PROGRAMME_WORKFLOW = Workflow(
    model=Programme, event_model=ProgrammeEvent, event_field="programme", steps=ProgrammeStep,
    statuses=ProgrammeStatus, noun="chương trình", audit_prefix="programme",
    transitions=[
        Transition(PT.PREPARE, source=(), roles=DESIGNERS),
        Transition(PT.EDIT, source=[PS.DRAFT], roles=DESIGNERS),
        Transition(PT.SUBMIT, source=[PS.DRAFT], target=PS.SUBMITTED, roles=DESIGNERS, stamp="submitted"),
        Transition(PT.RETURN, source=[PS.SUBMITTED], target=PS.DRAFT, roles=PROGRAMME_APPROVERS,
                   not_by=(PT.PREPARE, PT.SUBMIT)),
        Transition(PT.APPROVE, source=[PS.SUBMITTED], target=PS.APPROVED, roles=PROGRAMME_APPROVERS,
                   not_by=(PT.PREPARE, PT.SUBMIT), stamp="approved",
                   refusal="Bạn đã {did} chương trình này nên không được phê duyệt (nguyên tắc người lập – người duyệt)."),
    ])

S, T = ListStatus, ListStep
MAKERS = (T.PREPARE, T.SUBMIT)
LIST_WORKFLOW = Workflow(
    model=BeneficiaryList, event_model=ListEvent, event_field="beneficiary_list", steps=ListStep, statuses=ListStatus,
    noun="danh sách", audit_prefix="list", scope=lambda bl: bl.commune_id, covers=user_covers_commune,
    select_related=("group", "commune", "programme"),
    transitions=[
        Transition(T.PREPARE, source=(), roles=PREPARERS | GENERATORS),
        Transition(T.CHECK, source=[S.DRAFT], roles=PREPARERS),
        Transition(T.RESOLVE, source=[S.DRAFT], roles=PREPARERS),
        Transition(T.SUBMIT, source=[S.DRAFT], target=S.SUBMITTED, roles=PREPARERS, stamp="submitted"),
        Transition(T.RETURN, source=[S.SUBMITTED], target=S.DRAFT, roles=APPRAISERS, not_by=MAKERS),
        Transition(T.APPRAISE, source=[S.SUBMITTED], target=S.APPRAISED, roles=APPRAISERS, not_by=MAKERS,
                   stamp="appraised",
                   refusal="Bạn đã {did} danh sách này nên không được thẩm định (nguyên tắc người lập – người duyệt)."),
        Transition(T.APPROVE, source=[S.APPRAISED], target=S.APPROVED, roles=APPROVERS,
                   not_by=(*MAKERS, T.APPRAISE), stamp="approved",
                   refusal="Bạn đã {did} danh sách này nên không được phê duyệt (nguyên tắc người lập – người duyệt)."),
        Transition(T.POST, source=[S.APPROVED], target=S.POSTED, roles=POSTERS, stamp="posted"),
        Transition(T.PAY, source=[S.POSTED], target=S.PAID, roles=PAYERS, stamp="paid"),
        Transition(T.RECONCILE, source=[S.PAID], target=S.RECONCILED, roles=RECONCILERS, stamp="reconciled"),
        Transition(T.CLOSE, source=[S.RECONCILED], target=S.CLOSED, roles=CLOSERS, stamp="closed"),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def can_read_programmes(user) -> bool:
    return _has(user, READERS)


def can_design(user) -> bool:
    """Define a programme in the browser (the designer)."""
    return _has(user, DESIGNERS)


def can_see_designs(user) -> bool:
    """See programmes not yet approved: those who write them and those who approve them."""
    return _has(user, DESIGNERS | PROGRAMME_APPROVERS)


def require_usable(programme: Programme) -> None:
    """Lists, uploads and payments only once the programme is approved."""
    if not programme.is_usable:
        raise DomainError(f"Chương trình «{programme.name}» đang ở trạng thái «{programme.get_status_display()}»: "
                          "chỉ lập danh sách sau khi chương trình được phê duyệt.")


def can_generate(user) -> bool:
    """Draw the lists of groups 5–7 from the standing registers, re-run the checks of a whole programme."""
    return _has(user, GENERATORS)


def require_generator(user) -> None:
    if not can_generate(user):
        raise PermissionDenied("Chỉ chuyên viên Sở hoặc quản trị hệ thống được lập danh sách từ danh sách đang hưởng.")


def can_upload(user, group=None) -> bool:
    """Upload a Mẫu 01–04 file (for ``group``, or for some group when None)."""
    return _has(user, GROUP1_UPLOADERS if group is None or group.code == "1" else UPLOADERS)


def require_uploader(user, group, commune_id: int) -> None:
    if not can_upload(user, group):
        raise PermissionDenied(f"Vai trò của bạn không được tải lên danh sách nhóm {group.code}.")
    if not user_covers_commune(user, commune_id):
        raise PermissionDenied("Xã/phường này nằm ngoài địa bàn bạn được phân công.")


def can_import_registers(user) -> bool:
    return _has(user, REGISTER_IMPORTERS) and user.area_id is not None


def require_register_importer(user) -> None:
    if not can_import_registers(user):
        raise PermissionDenied("Vai trò của bạn không được nhập sổ đối tượng đang hưởng.")
