"""Who may do what in the labour app: the role sets, the training-support workflow (``SUPPORT_WORKFLOW``, on the
shared engine ``core.workflow``), and the area rule. Views, services and selectors ask these; no role is compared
as a string anywhere.

- The labour market (supply, demand, placements, job fairs) is the job centre's work (Cán bộ Trung tâm dịch vụ
  việc làm) with the province's and district's labour offices; the communes collect the supply update
  (TT 01/2022: Ủy ban nhân dân cấp xã) and record job-creation loans.
- Vocational education (institutions, courses, enrolments, diplomas, the training support) is the vocational
  specialist's (Chuyên viên giáo dục nghề nghiệp) with the province's specialists; a leader approves a support
  he did not prepare.
- Everyone of ``READERS`` reads inside his area (``accounts.permissions.scope_to_area``).
"""

from __future__ import annotations

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import user_covers_commune
from ansinh.core.errors import PermissionDenied
from ansinh.core.workflow import Transition, Workflow
from ansinh.labour.models import SupportEvent, TrainingSupport
from ansinh.labour.models.choices import SupportStatus, SupportStep

JOB_CENTRE = frozenset({Role.JOB_CENTRE_OFFICER})
VOCATIONAL = frozenset({Role.VOCATIONAL_SPECIALIST})
OFFICES = frozenset({Role.DISTRICT_SPECIALIST, Role.PROVINCIAL_SPECIALIST})

READERS = JOB_CENTRE | VOCATIONAL | OFFICES | {Role.COMMUNE_OFFICER, Role.LEADER, Role.INSPECTOR, Role.ADMINISTRATOR}
MARKET_READERS = READERS
VOCATIONAL_READERS = READERS

SUPPLY_WRITERS = JOB_CENTRE | OFFICES | {Role.COMMUNE_OFFICER}  # the yearly update, corrections, the review queue
CAMPAIGN_MANAGERS = JOB_CENTRE | {Role.PROVINCIAL_SPECIALIST}
DEMAND_WRITERS = JOB_CENTRE | OFFICES  # employers, vacancies, job fairs
PLACEMENT_WRITERS = JOB_CENTRE | OFFICES | {Role.COMMUNE_OFFICER}  # communes record job-creation loans
VOCATIONAL_WRITERS = VOCATIONAL | {Role.PROVINCIAL_SPECIALIST}  # institutions, courses, enrolments, diplomas
SUPPORT_PREPARERS = VOCATIONAL | OFFICES
SUPPORT_APPROVERS = frozenset({Role.LEADER})
SUPPORT_PAYERS = VOCATIONAL | OFFICES

S, T = SupportStatus, SupportStep
SUPPORT_MAKERS = (T.PREPARE, T.SUBMIT)
SUPPORT_WORKFLOW = Workflow(
    model=TrainingSupport, event_model=SupportEvent, event_field="support", steps=SupportStep,
    statuses=SupportStatus, noun="đề nghị hỗ trợ đào tạo", audit_prefix="labour_support",
    scope=lambda support: support.commune_id, covers=user_covers_commune,
    select_related=("person", "enrolment__course"),
    transitions=[
        Transition(T.PREPARE, source=(), roles=SUPPORT_PREPARERS),
        Transition(T.SUBMIT, source=[S.DRAFT], target=S.SUBMITTED, roles=SUPPORT_PREPARERS, stamp="submitted"),
        Transition(T.RETURN, source=[S.SUBMITTED], target=S.DRAFT, roles=SUPPORT_APPROVERS, not_by=SUPPORT_MAKERS),
        Transition(T.APPROVE, source=[S.SUBMITTED], target=S.APPROVED, roles=SUPPORT_APPROVERS,
                   not_by=SUPPORT_MAKERS, stamp="approved",
                   refusal="Bạn đã {did} {noun} này nên không được phê duyệt (nguyên tắc người lập – người duyệt)."),
        Transition(T.PAY, source=[S.APPROVED], target=S.PAID, roles=SUPPORT_PAYERS, stamp="paid"),
    ])


def _has(user, roles: frozenset) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles and user.area_id is not None)


def can_read(user) -> bool:
    return _has(user, READERS)


def can_write_supply(user) -> bool:
    return _has(user, SUPPLY_WRITERS)


def can_manage_campaign(user) -> bool:
    return _has(user, CAMPAIGN_MANAGERS)


def can_write_demand(user) -> bool:
    return _has(user, DEMAND_WRITERS)


def can_write_placements(user) -> bool:
    return _has(user, PLACEMENT_WRITERS)


def can_write_vocational(user) -> bool:
    return _has(user, VOCATIONAL_WRITERS)


def can_prepare_support(user) -> bool:
    return _has(user, SUPPORT_PREPARERS)


def is_job_centre(user) -> bool:
    return _has(user, JOB_CENTRE)


def is_vocational(user) -> bool:
    return _has(user, VOCATIONAL)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_commune(user, commune_id: int | None) -> None:
    if commune_id is None or not user_covers_commune(user, commune_id):
        raise PermissionDenied("Xã/phường này nằm ngoài địa bàn bạn được phân công.")


def require_supply_writer(user, commune_id: int | None = None) -> None:
    _require(can_write_supply(user), "Vai trò của bạn không được cập nhật sổ cung lao động.")
    if commune_id is not None:
        require_commune(user, commune_id)


def require_campaign_manager(user) -> None:
    _require(can_manage_campaign(user), "Chỉ Trung tâm dịch vụ việc làm hoặc chuyên viên Sở mở, kết thúc đợt cập nhật.")


def require_demand_writer(user, commune_id: int | None = None) -> None:
    _require(can_write_demand(user), "Vai trò của bạn không được cập nhật sổ cầu lao động, sàn giao dịch việc làm.")
    if commune_id is not None:
        require_commune(user, commune_id)


def require_placement_writer(user, commune_id: int | None = None) -> None:
    _require(can_write_placements(user), "Vai trò của bạn không được ghi giải quyết việc làm.")
    if commune_id is not None:
        require_commune(user, commune_id)


def require_vocational_writer(user) -> None:
    _require(can_write_vocational(user), "Vai trò của bạn không được cập nhật dữ liệu giáo dục nghề nghiệp.")


def nav_items(user) -> list[tuple[str, str]]:
    """The navigation entries of the labour app for this user (the web app's context processor adds them)."""
    from django.urls import reverse

    if not can_read(user):
        return []
    market = ("Lao động – việc làm", reverse("labour:home"))
    vocational = ("Giáo dục nghề nghiệp", reverse("labour:vocational_home"))
    return [vocational, market] if is_vocational(user) else [market, vocational]
