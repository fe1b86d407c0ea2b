"""Who may do what in the plan: role sets, the units a user covers, and the unit report workflow
(``REPORT_WORKFLOW``) on the shared engine.

* Readers: every role of the department but the payment agent and the roles of other apps; each sees the units of
  their area (a province-wide user every unit; a district specialist the district office and the communes of the
  district; a commune officer the commune). A unit, report or task of a unit outside the area is a 404.
* Reporters (a unit enters and submits its report): the commune officer, the district specialist and the provincial
  specialist for the units of their area.
* The level above accepts or returns: provincial specialists (Văn phòng Sở) and the leaders, province-wide only;
  never whoever submitted (engine and database).
* Planners (indicators, targets, tasks, conclusions, the document register): the provincial specialists; the
  organisation itself: provincial specialists and the administrator.
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import area_commune_ids, user_sees_whole_province
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.planning.models import ReportEvent, ReportStatus, ReportStep, UnitReport

READERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST, Role.LEADER,
                     Role.INSPECTOR, Role.ADMINISTRATOR})
REPORTERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})
ACCEPTORS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.LEADER})
PLANNERS = frozenset({Role.PROVINCIAL_SPECIALIST})
ORGANISERS = frozenset({Role.PROVINCIAL_SPECIALIST, Role.ADMINISTRATOR})
TASK_UPDATERS = REPORTERS


def can_read(user) -> bool:
    return bool(user.is_authenticated and user.role in READERS and user.area_id is not None)


def can_plan(user) -> bool:
    return bool(user.is_authenticated and user.role in PLANNERS and user_sees_whole_province(user))


def can_accept(user) -> bool:
    return bool(user.is_authenticated and user.role in ACCEPTORS and user_sees_whole_province(user))


def covers_unit(user, unit) -> bool:
    """Does the user's area cover this unit? Province-wide users cover every unit; others the units whose area (a
    district or a commune) is their own area or inside it."""
    if not can_read(user):
        return False
    if user_sees_whole_province(user):
        return True
    if unit.admin_unit_id is None:
        return False
    if unit.admin_unit_id == user.area_id:
        return True
    return unit.admin_unit_id in area_commune_ids(user)


def can_note_task(user, task) -> bool:
    """The owner unit's reporters (for the units of their area) write progress notes; the office (planners) too."""
    return can_plan(user) or bool(user.is_authenticated and user.role in TASK_UPDATERS
                                  and covers_unit(user, task.owner))


def require_planner(user) -> None:
    if not can_plan(user):
        raise PermissionDenied("Chỉ chuyên viên Sở (phụ trách kế hoạch) được thực hiện thao tác này.")


def require_organiser(user) -> None:
    if not (user.is_authenticated and user.role in ORGANISERS and user_sees_whole_province(user)):
        raise PermissionDenied("Chỉ chuyên viên Sở hoặc quản trị hệ thống được thay đổi tổ chức bộ máy.")


def require_covers(user, unit, *, roles=REPORTERS, doing: str = "báo cáo cho") -> None:
    if user.role not in roles:
        raise PermissionDenied(f"Vai trò «{user.get_role_display()}» không được {doing} đơn vị này.")
    if not covers_unit(user, unit):
        raise PermissionDenied(f"Đơn vị «{unit.name}» nằm ngoài địa bàn bạn được phân công.")


S, T = ReportStatus, ReportStep
REPORT_WORKFLOW = Workflow(
    model=UnitReport, event_model=ReportEvent, event_field="report", steps=ReportStep, statuses=ReportStatus,
    noun="báo cáo", audit_prefix="planning_report", select_related=("unit", "period", "form"),
    transitions=[
        Transition(T.OPEN, source=(), roles=REPORTERS),
        Transition(T.ENTER, source=[S.DRAFT, S.RETURNED], roles=REPORTERS),
        Transition(T.SUBMIT, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED, roles=REPORTERS, stamp="submitted"),
        Transition(T.ACCEPT, source=[S.SUBMITTED], target=S.ACCEPTED, roles=ACCEPTORS, not_by=[T.SUBMIT],
                   stamp="accepted",
                   refusal="Bạn đã {did} báo cáo này nên không được {step} (nguyên tắc người lập – người duyệt: "
                           "cấp trên chấp nhận)."),
        Transition(T.RETURN, source=[S.SUBMITTED], target=S.RETURNED, roles=ACCEPTORS, not_by=[T.SUBMIT]),
        Transition(T.REOPEN, source=[S.ACCEPTED], target=S.RETURNED, roles=ACCEPTORS),
    ])
